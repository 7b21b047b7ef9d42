"""Patient commands: /start with consent and language, /help, /book, /privacy, /forget."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import keyboards
from bot.deps import deps, reply_language
from bot.handlers import diary
from bot.handlers.common import answer_stale, callback_value, language_of, yes_or_no


async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome, disclaimer, then consent (or language choice for a returning patient)."""
    d, user, message = deps(context), update.effective_user, update.effective_message
    assert user is not None and message is not None
    patient = await d.patients.get(user.id)
    language = reply_language(patient, user.language_code)
    texts = d.texts(language)
    intro = f"{texts.text('welcome', clinic=d.settings.clinic_name)}\n\n{texts.text('disclaimer')}"
    await message.reply_text(intro, parse_mode=ParseMode.HTML)
    if patient is None:
        await message.reply_text(
            texts.text("consent-ask"), reply_markup=keyboards.consent_keyboard(texts)
        )
    else:
        await message.reply_text(
            texts.text("language-ask"), reply_markup=keyboards.language_keyboard(d.texts.languages)
        )


async def on_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The patient agreed to storage (or not)."""
    d, user, query = deps(context), update.effective_user, update.callback_query
    assert user is not None and query is not None
    choice = await yes_or_no(update, context)
    if choice is None:
        return
    language = await language_of(update, context)
    texts = d.texts(language)
    await query.answer()
    if choice == "no":
        await query.edit_message_text(texts.text("consent-declined"))
        return
    await d.patients.consent(telegram_id=user.id, language=language, now=d.clock.now())
    await query.edit_message_text(texts.text("consent-saved"))
    if len(d.texts.languages) > 1:
        await context.bot.send_message(
            user.id,
            texts.text("language-ask"),
            reply_markup=keyboards.language_keyboard(d.texts.languages),
        )


async def cmd_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the current language and offer the others."""
    d, message = deps(context), update.effective_message
    assert message is not None
    language = await language_of(update, context)
    name = keyboards.LANGUAGE_NAMES.get(language, language)
    await message.reply_text(
        d.texts(language).text("language-now", language=name),
        reply_markup=keyboards.language_keyboard(d.texts.languages),
    )


async def on_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The patient picked a language: stored when they consented to storage."""
    d, user, query = deps(context), update.effective_user, update.callback_query
    assert user is not None and query is not None
    language = callback_value(update)
    if language not in d.texts.languages:
        await answer_stale(update, context)
        return
    stored = await d.patients.set_language(user.id, language)
    texts = d.texts(language)
    lines = [texts.text("language-set"), texts.text("start-next")]
    if not stored:
        lines.append(texts.text("language-not-stored"))
    await query.answer()
    await query.edit_message_text("\n".join(lines))


async def cmd_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The commands and what the bot can do."""
    assert update.effective_message is not None
    texts = deps(context).texts(await language_of(update, context))
    help_text = f"{texts.text('help')}\n\n{texts.text('help-diary')}"
    await update.effective_message.reply_text(help_text, parse_mode=ParseMode.HTML)


async def cmd_book(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Booking link, address, contact and a map pin."""
    d, message = deps(context), update.effective_message
    assert message is not None
    settings = d.settings
    language = await language_of(update, context)
    texts, facts = d.texts(language), d.answerer.facts.localized(language)
    lines = [texts.text("book-intro", clinic=facts.name)]
    if not facts.booking_url:
        lines.append(texts.text("book-no-link", email=facts.email))
    lines.append(texts.text("book-address", address=facts.address))
    lines.append(texts.text("book-email", email=facts.email))
    if facts.phone:
        lines.append(texts.text("book-phone", phone=facts.phone))
    keyboard = keyboards.booking_keyboard(
        texts, booking_url=facts.booking_url, address=facts.address
    )
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML, reply_markup=keyboard)
    if settings.clinic_latitude is not None and settings.clinic_longitude is not None:
        await message.reply_venue(
            latitude=settings.clinic_latitude,
            longitude=settings.clinic_longitude,
            title=facts.name,
            address=facts.address,
        )


async def cmd_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What the bot stores in general, and what it holds about this patient now."""
    d, user, message = deps(context), update.effective_user, update.effective_message
    assert user is not None and message is not None
    patient = await d.patients.get(user.id)
    language = reply_language(patient, user.language_code)
    texts = d.texts(language)
    general = d.answerer.topic_reply("bot.privacy", language)
    if patient is None:
        mine = texts.text("privacy-nothing")
    else:
        mine = texts.text(
            "privacy-stored",
            language=keyboards.LANGUAGE_NAMES.get(patient.language, patient.language),
            timezone=patient.timezone or d.settings.clinic_timezone,
            consented=patient.consented_at.date().isoformat(),
        )
        mine += "\n" + await diary.privacy_line(d, patient, texts)
    await message.reply_text(f"{general.html}\n\n{mine}", parse_mode=ParseMode.HTML)


async def cmd_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask before deleting everything about the patient."""
    assert update.effective_message is not None
    texts = deps(context).texts(await language_of(update, context))
    await update.effective_message.reply_text(
        texts.text("forget-ask"), reply_markup=keyboards.forget_keyboard(texts)
    )


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete (or keep) the sender's data; the button only ever acts on whoever pressed it."""
    d, user, query = deps(context), update.effective_user, update.callback_query
    assert user is not None and query is not None
    choice = await yes_or_no(update, context)
    if choice is None:
        return
    texts = d.texts(await language_of(update, context))
    await query.answer()
    if choice == "no":
        await query.edit_message_text(texts.text("forget-cancelled"))
        return
    deleted = await d.patients.forget(user.id)
    await query.edit_message_text(texts.text("forget-done" if deleted else "forget-nothing"))
