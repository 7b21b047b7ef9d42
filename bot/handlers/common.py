"""Shared handler pieces: button parsing, stale buttons, activity tracking, errors."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot.deps import deps, reply_language
from bot.keyboards import parse_callback

log = logging.getLogger(__name__)


def callback_value(update: Update) -> str | None:
    """The value of the pressed button, or None when its data is malformed."""
    query = update.callback_query
    parsed = parse_callback(query.data if query else None)
    return parsed.value if parsed else None


async def language_of(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str | None = None
) -> str:
    """The language to reply in for this update's sender (and message text, if any)."""
    user = update.effective_user
    assert user is not None
    patient = await deps(context).patients.get(user.id)
    return reply_language(patient, user.language_code, text)


async def yes_or_no(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The value of a yes/no button; anything else is answered as stale and gives None."""
    choice = callback_value(update)
    if choice in ("yes", "no"):
        return choice
    await answer_stale(update, context)
    return None


async def answer_stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A forged, malformed or outdated button: a polite note, nothing else happens."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    texts = deps(context).texts(await language_of(update, context))
    await query.answer(texts.text("stale-button"), show_alert=True)


async def note_activity(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update is counted; one from a private user refreshes 'last seen' (and un-blocks)."""
    deps(context).metrics.updates.inc()
    user, chat = update.effective_user, update.effective_chat
    if user is not None and chat is not None and chat.type == chat.PRIVATE:
        d = deps(context)
        await d.patients.seen(user.id, d.clock.now())


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure without any patient text, and apologise to the patient."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden) and isinstance(update, Update) and update.effective_user:
        d = deps(context)
        await d.patients.mark_blocked(update.effective_user.id, d.clock.now())
        log.info("update %s: the user has blocked the bot", update_id)
        return
    log.error(
        "update %s failed: %s",
        update_id,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if isinstance(update, Update) and update.effective_chat and update.effective_user:
        language = await language_of(update, context)
        try:
            await context.bot.send_message(
                update.effective_chat.id, deps(context).texts(language).text("error-apology")
            )
        except Exception:
            log.warning("update %s: could not send the apology", update_id)
