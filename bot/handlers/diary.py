"""The pain diary: /pain and its buttons, the diary's own consent, /diary chart, export, share."""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.deps import Deps, deps
from bot.handlers.common import answer_stale, callback_value, language_of
from bot.i18n import Catalogue
from bot.services.charts import ChartData, ChartLabels, render_chart
from bot.services.diary import CHART_DAYS, SCORES, TAGS, DayScore, History, to_csv
from bot.services.patients import PatientView

log = logging.getLogger(__name__)
SHARED_DAYS = CHART_DAYS[0]
DRAWING = "diary-drawing"  # chat_data key: a chart for this chat is being drawn


def score_keyboard() -> InlineKeyboardMarkup:
    """0 to 10, the digit on each button (the daily prompt's own carry `k:d…`, see Prompts)."""
    buttons = [InlineKeyboardButton(str(s), callback_data=f"k:{s}") for s in SCORES]
    return InlineKeyboardMarkup([buttons[:6], buttons[6:]])


def _consent_keyboard(texts: Catalogue) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.text("diary-consent-agree"), callback_data="y:yes")],
            [InlineKeyboardButton(texts.text("diary-consent-decline"), callback_data="y:no")],
        ]
    )


def _tags_keyboard(entry: DayScore, texts: Catalogue) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                ("✓ " if tag in entry.tags else "") + texts.text(f"diary-tag-{tag}"),
                callback_data=f"g:{tag}",
            )
        ]
        for tag in TAGS
    ]
    chart = InlineKeyboardButton(
        texts.text("diary-button-chart"), callback_data=f"y:c{CHART_DAYS[0]}"
    )
    rows.append([chart])
    return InlineKeyboardMarkup(rows)


def _saved_text(entry: DayScore, texts: Catalogue) -> str:
    if not entry.tags:
        return texts.text("diary-saved", score=entry.score)
    tags = ", ".join(texts.text(f"diary-tag-{t}") for t in entry.tags)
    return texts.text("diary-tags-saved", score=entry.score, tags=tags)


async def _diary_patient(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> tuple[Deps, PatientView | None, Catalogue]:
    """The sender when they keep a diary; otherwise they are asked for the consent it needs."""
    d, user, chat = deps(context), update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    texts = d.texts(await language_of(update, context))
    patient = await d.patients.get(user.id)
    if update.callback_query is not None:
        await update.callback_query.answer()
    if patient is None:
        await context.bot.send_message(chat.id, texts.text("diary-needs-consent"))
        return d, None, texts
    if not await d.diary.consented(patient):
        await context.bot.send_message(
            chat.id,
            texts.text("diary-consent-ask"),
            parse_mode=ParseMode.HTML,
            reply_markup=_consent_keyboard(texts),
        )
        return d, None, texts
    return d, patient, texts


def _zone(d: Deps, patient: PatientView) -> str:
    return d.reminders.rules.zone_of(patient)


async def cmd_pain(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask today's pain score with buttons 0 to 10."""
    _, patient, texts = await _diary_patient(update, context)
    if patient is None:
        return
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        texts.text("diary-ask"), reply_markup=score_keyboard()
    )


async def on_score(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A score button: today's score is saved (replacing an earlier one today)."""
    value = callback_value(update) or ""
    from_prompt = value.startswith("d")
    digits = value[1:] if from_prompt else value
    if not digits.isdigit() or int(digits) not in SCORES:
        await answer_stale(update, context)
        return
    d, patient, texts = await _diary_patient(update, context)
    if patient is None:
        return
    entry = await d.diary.record(patient, int(digits), now=d.clock.now(), zone=_zone(d, patient))
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    markup = _tags_keyboard(entry, texts)
    if from_prompt or not isinstance(query.message, Message):
        # The daily prompt's own text (the stretch) stays; the answer comes as a new message.
        await context.bot.send_message(
            update.effective_chat.id,
            _saved_text(entry, texts),
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
        return
    await query.edit_message_text(
        _saved_text(entry, texts), parse_mode=ParseMode.HTML, reply_markup=markup
    )


async def on_tag(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tag button: added to (or taken off) today's entry."""
    tag = callback_value(update)
    if tag not in TAGS:
        await answer_stale(update, context)
        return
    d, user, query = deps(context), update.effective_user, update.callback_query
    assert user is not None and query is not None
    texts = d.texts(await language_of(update, context))
    patient = await d.patients.get(user.id)
    entry = (
        await d.diary.toggle_tag(patient, tag, now=d.clock.now(), zone=_zone(d, patient))
        if patient is not None and await d.diary.consented(patient)
        else None
    )
    if entry is None:
        await query.answer(texts.text("diary-tag-no-score"), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(
        _saved_text(entry, texts),
        parse_mode=ParseMode.HTML,
        reply_markup=_tags_keyboard(entry, texts),
    )


def chart_data(history: History, texts: Catalogue, days: int) -> ChartData:
    """What the chart shows, with its words in the catalogue's language."""
    labels = ChartLabels(
        language=texts.language,
        title=texts.text("diary-chart-title", days=days),
        y_axis=texts.text("diary-chart-y"),
        x_axis=texts.text("diary-chart-x"),
        score=texts.text("diary-chart-score"),
        trend=texts.text("diary-chart-trend"),
        session=texts.text("diary-chart-session"),
    )
    return ChartData(
        first_day=history.first_day,
        last_day=history.last_day,
        scores=tuple((e.day, e.score) for e in history.scores),
        sessions=history.sessions,
        labels=labels,
    )


def _days_keyboard(days: int, texts: Catalogue) -> InlineKeyboardMarkup:
    other = CHART_DAYS[1] if days == CHART_DAYS[0] else CHART_DAYS[0]
    label = texts.text("diary-button-days", days=other)
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=f"y:c{other}")]])


async def _in_background(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    texts: Catalogue,
    work: Coroutine[Any, Any, None],
) -> None:
    """Draw and send outside the update: a handler waiting for a drawing would hold one of the
    few concurrent update slots, and other patients' messages would queue behind the charts
    (benchmarks/chart_rendering.py). Errors still reach the error handler with the update.
    One drawing per chat at a time, so repeated taps do not queue up work for everyone."""
    chat_data, chat = context.chat_data, update.effective_chat
    assert chat_data is not None and chat is not None
    if chat_data.get(DRAWING):
        work.close()
        await context.bot.send_message(chat.id, texts.text("diary-drawing"))
        return
    chat_data[DRAWING] = True

    async def draw() -> None:
        try:
            await work
        finally:
            chat_data.pop(DRAWING, None)

    context.application.create_task(draw(), update=update)


async def _send_chart(
    context: ContextTypes.DEFAULT_TYPE,
    d: Deps,
    patient: PatientView,
    texts: Catalogue,
    days: int,
) -> None:
    chat_id, now = patient.telegram_id, d.clock.now()
    history = await d.diary.history(patient, days=days, now=now, zone=_zone(d, patient))
    if not history.scores:
        await context.bot.send_message(chat_id, texts.text("diary-none", days=days))
        return
    png = await d.renderer.run(render_chart, chart_data(history, texts, days))
    average = sum(e.score for e in history.scores) / len(history.scores)
    caption = texts.text(
        "diary-chart-caption", days=days, count=len(history.scores), average=f"{average:.1f}"
    )
    await context.bot.send_photo(
        chat_id, png, caption=caption, reply_markup=_days_keyboard(days, texts)
    )


async def cmd_diary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/diary` (chart), `/diary export` (CSV) or `/diary share` (asks first)."""
    d, patient, texts = await _diary_patient(update, context)
    if patient is None:
        return
    action = (context.args or [""])[0].lower()
    if action in ("", *(str(days) for days in CHART_DAYS)):
        days = int(action or CHART_DAYS[0])
        await _in_background(update, context, texts, _send_chart(context, d, patient, texts, days))
    elif action in ("export", "csv", "書き出し"):
        await _export(context, d, patient, texts)
    elif action in ("share", "共有"):
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(texts.text("diary-share-confirm"), callback_data="y:share")],
                [InlineKeyboardButton(texts.text("diary-share-cancel"), callback_data="y:keep")],
            ]
        )
        await context.bot.send_message(
            patient.telegram_id, texts.text("diary-share-ask"), reply_markup=markup
        )
    elif action in ("stop", "delete", "削除", "停止"):
        entries = (await d.diary.summary(patient)).entries
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(texts.text("diary-stop-confirm"), callback_data="y:erase")],
                [InlineKeyboardButton(texts.text("diary-stop-cancel"), callback_data="y:retain")],
            ]
        )
        await context.bot.send_message(
            patient.telegram_id, texts.text("diary-stop-ask", entries=entries), reply_markup=markup
        )
    else:
        await context.bot.send_message(patient.telegram_id, texts.text("diary-usage"))


async def _export(
    context: ContextTypes.DEFAULT_TYPE, d: Deps, patient: PatientView, texts: Catalogue
) -> None:
    entries = await d.diary.entries(patient)
    if not entries:
        await context.bot.send_message(patient.telegram_id, texts.text("diary-export-empty"))
        return
    header = (
        texts.text("diary-csv-day"),
        texts.text("diary-csv-score"),
        texts.text("diary-csv-tags"),
    )
    names = {tag: texts.text(f"diary-tag-{tag}") for tag in TAGS}
    data = to_csv(entries, header=header, tag_names=names)
    stamp = d.clock.now().strftime("%Y%m%d")
    await context.bot.send_document(
        patient.telegram_id,
        data,
        filename=f"pain-diary-{stamp}.csv",
        caption=texts.text("diary-export-caption"),
    )


async def _share(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    d: Deps,
    patient: PatientView,
    texts: Catalogue,
) -> None:
    """Send the 30-day chart to every staff chat, in each staff member's language."""
    query = update.callback_query
    assert query is not None
    if not d.settings.staff_ids:
        await query.edit_message_text(texts.text("diary-share-nobody"))
        return
    history = await d.diary.history(
        patient, days=SHARED_DAYS, now=d.clock.now(), zone=_zone(d, patient)
    )
    if not history.scores:
        await query.edit_message_text(texts.text("diary-none", days=SHARED_DAYS))
        return
    user = update.effective_user
    label = f"#{patient.id} ({user.first_name})" if user else f"#{patient.id}"
    uploaded: dict[str, str] = {}  # language → file id: each chart is uploaded once
    sent = 0
    for staff_id in sorted(d.settings.staff_ids):
        staff = await d.patients.get(staff_id)
        staff_texts = d.texts(staff.language if staff else d.texts.languages[0])
        language = staff_texts.language
        photo: str | bytes = uploaded.get(language) or await d.renderer.run(
            render_chart, chart_data(history, staff_texts, SHARED_DAYS)
        )
        try:
            message = await context.bot.send_photo(
                staff_id, photo, caption=staff_texts.text("diary-staff-caption", patient=label)
            )
        except TelegramError as error:
            log.warning("could not share a diary with a staff member: %s", type(error).__name__)
            continue
        sent += 1
        if message.photo:
            uploaded[language] = message.photo[-1].file_id
    await query.edit_message_text(texts.text("diary-share-sent" if sent else "error-apology"))


async def on_diary_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Diary consent yes/no, chart of 30 or 90 days, share confirmed or not."""
    value = callback_value(update) or ""
    d, user, query = deps(context), update.effective_user, update.callback_query
    assert user is not None and query is not None
    if value not in ("yes", "no", "share", "keep", "erase", "retain") and value not in {
        f"c{days}" for days in CHART_DAYS
    }:
        await answer_stale(update, context)
        return
    texts = d.texts(await language_of(update, context))
    if value in ("yes", "no"):
        await _on_consent(update, context, d, texts, agreed=value == "yes")
        return
    checked_d, patient, texts = await _diary_patient(update, context)
    if patient is None:
        return
    if value == "keep":
        await query.edit_message_text(texts.text("diary-share-cancelled"))
    elif value == "retain":
        await query.edit_message_text(texts.text("diary-stop-kept"))
    elif value == "erase":
        await checked_d.diary.stop(patient)
        await query.edit_message_text(texts.text("diary-stopped"))
    elif value == "share":
        share = _share(update, context, checked_d, patient, texts)
        await _in_background(update, context, texts, share)
    else:
        chart = _send_chart(context, checked_d, patient, texts, int(value[1:]))
        await _in_background(update, context, texts, chart)


async def _on_consent(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    d: Deps,
    texts: Catalogue,
    *,
    agreed: bool,
) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    patient = await d.patients.get(user.id)
    await query.answer()
    if patient is None:
        await query.edit_message_text(texts.text("diary-needs-consent"))
        return
    if not agreed:
        await query.edit_message_text(texts.text("diary-consent-declined"))
        return
    await d.diary.consent(patient, d.clock.now())
    await query.edit_message_text(texts.text("diary-consent-saved"))
    await context.bot.send_message(user.id, texts.text("diary-ask"), reply_markup=score_keyboard())


async def privacy_line(d: Deps, patient: PatientView, texts: Catalogue) -> str:
    """What /privacy says about the patient's diary."""
    summary = await d.diary.summary(patient)
    if summary.consented_at is None:
        return texts.text("privacy-diary-off")
    consented = summary.consented_at.date().isoformat()
    if summary.first_day is None:
        return texts.text("privacy-diary-empty", consented=consented)
    return texts.text(
        "privacy-diary",
        entries=summary.entries,
        since=summary.first_day.isoformat(),
        consented=consented,
    )
