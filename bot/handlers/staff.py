"""Staff commands: /broadcast (compose, preview, audience, confirm, send), /broadcasts, /stats;
and the patient's /notices opt-out. Every staff command and button checks the sender."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.deps import Deps, deps
from bot.handlers.common import answer_stale, callback_value, language_of
from bot.handlers.questions import on_not_text, on_question
from bot.i18n import Catalogue
from bot.keyboards import callback_id
from bot.services.broadcasts import AUDIENCES, BroadcastView, efficacy_claim
from bot.services.prompts import local_time_text
from bot.services.when import parse_when


async def _staff(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> tuple[Deps, Catalogue] | None:
    """The dependencies and catalogue when the sender is staff; otherwise a polite refusal."""
    d, user = deps(context), update.effective_user
    texts = d.texts(await language_of(update, context))
    if user is not None and d.is_staff(user.id):
        return d, texts
    if update.callback_query is not None:
        await update.callback_query.answer(texts.text("staff-only"), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(texts.text("staff-only"))
    return None


def _audience_keyboard(broadcast_id: int, texts: Catalogue) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.text(f"audience-{a}"), callback_data=f"b:a{broadcast_id}-{a}"
                )
            ]
            for a in AUDIENCES
        ]
    )


def _confirm_keyboard(broadcast_id: int, texts: Catalogue, *, warned: bool) -> InlineKeyboardMarkup:
    send, schedule = ("f", "v") if warned else ("n", "w")
    send_label = "button-send-anyway" if warned else "button-send-now"
    schedule_label = "button-schedule-anyway" if warned else "button-schedule"
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.text(send_label), callback_data=f"b:{send}{broadcast_id}")],
            [
                InlineKeyboardButton(
                    texts.text(schedule_label), callback_data=f"b:{schedule}{broadcast_id}"
                )
            ],
            [InlineKeyboardButton(texts.text("button-cancel"), callback_data=f"b:c{broadcast_id}")],
        ]
    )


def _stop_keyboard(broadcast_id: int, texts: Catalogue) -> InlineKeyboardMarkup:
    stop = InlineKeyboardButton(texts.text("button-stop"), callback_data=f"b:x{broadcast_id}")
    return InlineKeyboardMarkup([[stop]])


async def _preview(message: Message, d: Deps, texts: Catalogue, draft: BroadcastView) -> None:
    """Show the notice exactly as patients will get it, then ask for the audience."""
    if draft.photo:
        await message.reply_photo(draft.photo, caption=draft.html, parse_mode=ParseMode.HTML)
    else:
        await message.reply_text(draft.html or "", parse_mode=ParseMode.HTML)
    await message.reply_text(
        texts.text("broadcast-preview"), reply_markup=_audience_keyboard(draft.id, texts)
    )


def _html_after_command(message: Message) -> str:
    """The message's formatted text without the leading /broadcast command."""
    html = message.text_html or ""
    command_end = message.entities[0].length if message.entities else 0
    return html[command_end:].strip() if html.startswith("/") else html


async def cmd_broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start a notice: with its text after the command, or as the next message."""
    checked = await _staff(update, context)
    if checked is None:
        return
    d, texts = checked
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    draft_id = await d.broadcasts.compose(
        staff_id=user.id, language=texts.language, now=d.clock.now()
    )
    html = _html_after_command(message)
    if not html:
        await message.reply_text(texts.text("broadcast-compose"))
        return
    draft = await d.broadcasts.set_content(draft_id, html, None)
    assert draft is not None
    await _preview(message, d, texts, draft)


async def on_staff_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A staff member's message: the notice or its send time when a draft waits for one;
    otherwise an ordinary question."""
    d, user, message = deps(context), update.effective_user, update.effective_message
    assert user is not None and message is not None
    waiting = await d.broadcasts.waiting_for(user.id) if d.is_staff(user.id) else None
    if waiting is None:
        await (on_question(update, context) if message.text else on_not_text(update, context))
        return
    texts = d.texts(await language_of(update, context))
    if waiting.status == "awaiting-time":
        await _schedule_from_text(message, d, texts, waiting)
        return
    photo = message.photo[-1].file_id if message.photo else None
    html = message.caption_html if photo else message.text_html
    if not html and not photo:
        await message.reply_text(texts.text("broadcast-empty"))
        return
    draft = await d.broadcasts.set_content(waiting.id, html or "", photo)
    assert draft is not None
    await _preview(message, d, texts, draft)


async def _schedule_from_text(
    message: Message, d: Deps, texts: Catalogue, draft: BroadcastView
) -> None:
    zone = d.settings.clinic_timezone
    parsed = parse_when(message.text or "", now=d.clock.now(), zone=zone)
    if parsed.at is None:
        await message.reply_text(texts.text("broadcast-time-bad"))
        return
    if await d.broadcasts.schedule(draft.id, parsed.at) is None:
        await message.reply_text(texts.text("broadcast-gone"))
        return
    when = local_time_text(parsed.at, zone, texts.language)
    note = await message.reply_text(
        texts.text("broadcast-scheduled", id=draft.id, when=when, zone=zone),
        parse_mode=ParseMode.HTML,
        reply_markup=_stop_keyboard(draft.id, texts),
    )
    await d.broadcasts.set_progress(draft.id, note.chat_id, note.message_id)


async def on_broadcast_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Audience, send, schedule, cancel, stop: staff only, checked at every press."""
    checked = await _staff(update, context)
    if checked is None:
        return
    d, texts = checked
    query, value = update.callback_query, callback_value(update) or ""
    assert query is not None
    action, rest = value[:1], value[1:]
    target, _, audience = rest.partition("-")
    broadcast_id, now = callback_id(target), d.clock.now()
    if broadcast_id is None:
        await answer_stale(update, context)
        return
    draft = await d.broadcasts.get(broadcast_id)
    if draft is None:
        await answer_stale(update, context)
        return
    await query.answer()
    if action == "a":
        chosen = await d.broadcasts.set_audience(broadcast_id, audience)
        if chosen is None:
            await query.edit_message_text(texts.text("broadcast-gone"))
            return
        count = await d.broadcasts.count(audience, now)
        text = texts.text(
            "broadcast-count", count=count, audience=texts.text(f"audience-{audience}")
        )
        await query.edit_message_text(
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=_confirm_keyboard(broadcast_id, texts, warned=False),
        )
    elif action in ("n", "w") and (phrase := efficacy_claim(draft.html or "")):
        warning = texts.text("broadcast-efficacy-warning", phrase=phrase)
        await query.edit_message_text(
            warning, reply_markup=_confirm_keyboard(broadcast_id, texts, warned=True)
        )
    elif action in ("n", "f"):
        assert isinstance(query.message, Message)
        started = await d.broadcasts.schedule(
            broadcast_id, now, (query.message.chat_id, query.message.message_id)
        )
        if started is None:
            await query.edit_message_text(texts.text("broadcast-gone"))
            return
        await query.edit_message_text(
            texts.text("broadcast-sending", id=broadcast_id),
            reply_markup=_stop_keyboard(broadcast_id, texts),
        )
        d.wake_dispatcher()
    elif action in ("w", "v"):
        asked = await d.broadcasts.ask_time(broadcast_id)
        key = "broadcast-ask-time" if asked else "broadcast-gone"
        await query.edit_message_text(texts.text(key, zone=d.settings.clinic_timezone))
    elif action == "c":
        cancelled = await d.broadcasts.cancel(broadcast_id)
        await query.edit_message_text(
            texts.text("broadcast-cancelled" if cancelled else "broadcast-gone")
        )
    elif action == "x":
        stopped = await d.broadcasts.stop(broadcast_id, now)
        key = "broadcast-stopped" if stopped else "broadcast-gone"
        await query.edit_message_text(texts.text(key, id=broadcast_id))
    else:
        await query.edit_message_text(texts.text("broadcast-gone"))


async def cmd_broadcasts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Recent notices with their delivery figures."""
    checked = await _staff(update, context)
    if checked is None:
        return
    d, texts = checked
    assert update.effective_message is not None
    recent = await d.broadcasts.recent()
    if not recent:
        await update.effective_message.reply_text(texts.text("broadcasts-none"))
        return
    lines = [
        texts.text(
            "broadcasts-line",
            id=view.id,
            status=view.status,
            when=local_time_text(
                view.send_at or view.created_at, d.settings.clinic_timezone, texts.language
            ),
            sent=counts.sent,
            total=counts.total,
            failed=counts.failed,
            blocked=counts.blocked,
        )
        for view, counts in recent
    ]
    await update.effective_message.reply_text("\n".join(lines))


async def cmd_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Counts only; no patient's details."""
    checked = await _staff(update, context)
    if checked is None:
        return
    d, texts = checked
    assert update.effective_message is not None
    s = await d.broadcasts.stats(d.clock.now())
    text = texts.text(
        "stats",
        patients=s.patients,
        active=s.active_30d,
        blocked=s.blocked,
        daily=s.daily,
        posture=s.posture,
        sessions=s.sessions_7d,
        confirmed=s.confirmed_30d,
        cancelled=s.cancelled_30d,
        failed=s.failed_7d,
    )
    text += "\n" + texts.text("stats-diary", count=await d.diary.keepers())
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)


async def cmd_notices(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A patient turns the clinic's announcements on or off."""
    d, user, message = deps(context), update.effective_user, update.effective_message
    assert user is not None and message is not None
    texts = d.texts(await language_of(update, context))
    patient = await d.patients.get(user.id)
    if patient is None:
        await message.reply_text(texts.text("needs-consent"))
        return
    choice = " ".join(context.args or []).lower()
    if choice in ("on", "off"):
        await d.patients.set_notices(user.id, choice == "on")
        await message.reply_text(texts.text(f"notices-{choice}"))
        return
    state = texts.text("notices-state-on" if patient.notices else "notices-state-off")
    await message.reply_text(texts.text("notices-ask", state=state), parse_mode=ParseMode.HTML)
