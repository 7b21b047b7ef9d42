"""Reminder commands (/appointment, /appointments, /daily, /posture, /timezone) and buttons."""

from __future__ import annotations

import html
import logging
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.deps import Deps, deps
from bot.handlers.calendar import calendar_button
from bot.handlers.common import answer_stale, callback_value, language_of
from bot.i18n import Catalogue
from bot.keyboards import callback_id
from bot.services.patients import PatientView
from bot.services.prompts import local_time_text
from bot.services.reminders import DAILY, POSTURE
from bot.services.schedule import Window, parse_clock
from bot.services.when import MAX_AHEAD, Problem, parse_when

log = logging.getLogger(__name__)
COMMON_ZONES = (
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Australia/Sydney",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
    "America/Los_Angeles",
)
DAILY_CHOICES = ("08:00", "09:00", "12:00", "18:00", "20:00")
SLOT_HOURS = range(9, 21)


async def _patient(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> tuple[Deps, PatientView | None, Catalogue]:
    """The sender as a stored patient (None before consent), and their catalogue."""
    d, user = deps(context), update.effective_user
    assert user is not None
    patient = await d.patients.get(user.id)
    texts = d.texts(await language_of(update, context))
    if patient is None:
        await _reply(update, texts.text("needs-consent"))
    return d, patient, texts


async def _reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Answer a command with a message, or a button by editing its message."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
        return
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


def _zone(d: Deps, patient: PatientView) -> str:
    return d.reminders.rules.zone_of(patient)


def _when(d: Deps, patient: PatientView, moment: datetime, language: str) -> str:
    return local_time_text(moment, _zone(d, patient), language)


# ---- /appointment -----------------------------------------------------------------------------
def _day_picker(d: Deps, patient: PatientView, language: str) -> InlineKeyboardMarkup:
    today = d.clock.now().astimezone(ZoneInfo(_zone(d, patient))).date()
    buttons = []
    for offset in range(14):
        day = today + timedelta(days=offset)
        label = local_time_text(
            datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(_zone(d, patient))),
            _zone(d, patient),
            language,
        ).rsplit(" ", 1)[0]
        buttons.append(InlineKeyboardButton(label, callback_data=f"a:d{day:%Y%m%d}"))
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


def _time_picker(day: str) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(f"{h}:00", callback_data=f"a:t{day}{h:02d}00") for h in SLOT_HOURS
    ]
    return InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)])


async def _check(
    update: Update, d: Deps, patient: PatientView, texts: Catalogue, at: datetime
) -> None:
    """Echo the understood time back with Confirm / Change before saving anything."""
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.text("button-save"), callback_data=f"a:s{int(at.timestamp())}"
                ),
                InlineKeyboardButton(texts.text("button-change"), callback_data="a:c"),
            ]
        ]
    )
    when = _when(d, patient, at, texts.language)
    await _reply(update, texts.text("appointment-check", when=when, zone=_zone(d, patient)), markup)


async def cmd_appointment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Add a session: typed in one line, or picked with buttons."""
    d, patient, texts = await _patient(update, context)
    if patient is None:
        return
    typed = " ".join(context.args or [])
    if not typed:
        await _reply(
            update, texts.text("appointment-pick-day"), _day_picker(d, patient, texts.language)
        )
        return
    parsed = parse_when(typed, now=d.clock.now(), zone=_zone(d, patient))
    if parsed.at is not None:
        await _check(update, d, patient, texts, parsed.at)
        return
    # What the patient typed is shown back inside an HTML reply: escaped, or Telegram refuses it.
    example = "明日15時" if texts.language == "ja" else html.escape(f"{typed[:64]} 15:30")
    message = {
        Problem.NO_TIME: texts.text("appointment-no-time", example=example),
        Problem.PAST: texts.text("appointment-past"),
        Problem.TOO_FAR: texts.text("appointment-too-far"),
    }.get(parsed.problem or Problem.UNREADABLE, texts.text("appointment-unreadable"))
    await _reply(update, message)


async def on_appointment_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Day picked, time picked, confirmed, changed, or a session cancelled from the list."""
    value = callback_value(update) or ""
    d, patient, texts = await _patient(update, context)
    if patient is None:
        return
    now, zone = d.clock.now(), ZoneInfo(_zone(d, patient))
    action, rest = value[:1], value[1:]
    try:
        if action == "d" and len(rest) == 8:
            day = datetime.strptime(rest, "%Y%m%d").replace(tzinfo=zone)
            label = local_time_text(day.replace(hour=12), _zone(d, patient), texts.language)
            await _reply(
                update,
                texts.text("appointment-pick-time", day=label.rsplit(" ", 1)[0]),
                _time_picker(rest),
            )
            return
        if action == "t" and len(rest) == 12:
            at = datetime.strptime(rest, "%Y%m%d%H%M").replace(tzinfo=zone).astimezone(UTC)
            if now < at < now + MAX_AHEAD:
                await _check(update, d, patient, texts, at)
            else:
                await _reply(update, texts.text("appointment-past"))
            return
        if action == "s" and (stamp := callback_id(rest)):
            await _save(update, d, patient, texts, datetime.fromtimestamp(stamp, UTC))
            return
        if action == "c" and not rest:
            await _reply(
                update, texts.text("appointment-pick-day"), _day_picker(d, patient, texts.language)
            )
            return
        if action == "x" and (appointment_id := callback_id(rest)):
            await _set_status(update, context, d, patient, texts, appointment_id, "cancelled")
            return
    except ValueError:
        pass
    await answer_stale(update, context)


async def _save(
    update: Update, d: Deps, patient: PatientView, texts: Catalogue, at: datetime
) -> None:
    now = d.clock.now()
    if not now < at < now + MAX_AHEAD:
        await _reply(update, texts.text("appointment-past"))
        return
    saved = await d.reminders.add_appointment(patient, at, now)
    when = _when(d, patient, saved.starts_at, texts.language)
    reminded = any(at - offset > now for offset in d.reminders.rules.offsets)
    key = "appointment-saved" if reminded else "appointment-saved-no-reminder"
    markup = InlineKeyboardMarkup([[calendar_button(texts, saved.id)]])
    await _reply(update, texts.text(key, when=when), markup)


async def cmd_appointments(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The patient's upcoming sessions, each with a Cancel button."""
    d, patient, texts = await _patient(update, context)
    if patient is None:
        return
    upcoming = await d.reminders.upcoming(patient, d.clock.now())
    if not upcoming:
        await _reply(update, texts.text("appointments-none"))
        return
    lines = [texts.text("appointments-list", zone=_zone(d, patient))]
    buttons = []
    for item in upcoming:
        when = _when(d, patient, item.starts_at, texts.language)
        mark = "✅ " if item.status == "confirmed" else "• "
        lines.append(mark + when)
        buttons.append(
            [
                InlineKeyboardButton(
                    texts.text("appointment-cancel-button", when=when),
                    callback_data=f"a:x{item.id}",
                )
            ]
        )
        buttons.append([calendar_button(texts, item.id, when=when)])
    await _reply(update, "\n".join(lines), InlineKeyboardMarkup(buttons))


async def _set_status(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    d: Deps,
    patient: PatientView,
    texts: Catalogue,
    appointment_id: int,
    status: str,
) -> None:
    """Confirm or cancel; only the patient's own session; staff hear about it."""
    changed = await d.reminders.set_status(patient, appointment_id, status, d.clock.now())
    if changed is None:
        await _reply(update, texts.text("appointment-gone"))
        return
    when = _when(d, patient, changed.starts_at, texts.language)
    key = "appointment-cancelled" if status == "cancelled" else "appointment-confirmed"
    cancelled = status == "cancelled"
    markup = InlineKeyboardMarkup([[calendar_button(texts, changed.id, cancelled=cancelled)]])
    await _reply(update, texts.text(key, when=when), markup)
    user = update.effective_user
    label = f"#{patient.id} ({user.first_name})" if user else f"#{patient.id}"
    for staff_id in d.settings.staff_ids:
        staff_texts = d.texts((await d.patients.get(staff_id) or patient).language)
        staff_when = local_time_text(
            changed.starts_at, d.settings.clinic_timezone, staff_texts.language
        )
        note = "staff-cancelled" if status == "cancelled" else "staff-confirmed"
        try:
            await context.bot.send_message(
                staff_id, staff_texts.text(note, patient=label, when=staff_when)
            )
        except TelegramError as error:
            log.warning("could not notify staff member: %s", type(error).__name__)


async def on_reminder_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """✅ Confirm or ❌ Cancel on a session reminder."""
    value = callback_value(update) or ""
    appointment_id = callback_id(value[1:])
    if value[:1] not in ("c", "x") or appointment_id is None:
        await answer_stale(update, context)
        return
    d, patient, texts = await _patient(update, context)
    if patient is None:
        return
    status = "confirmed" if value[0] == "c" else "cancelled"
    await _set_status(update, context, d, patient, texts, appointment_id, status)


# ---- /daily and its prompt buttons -----------------------------------------------------------
async def _set_daily(
    update: Update, d: Deps, patient: PatientView, texts: Catalogue, choice: str
) -> None:
    words = choice.lower().split()
    if words and words[0] in ("diary", "日記"):
        await _set_daily_diary(update, d, patient, texts, words[1:])
        return
    if choice.lower() in ("off", "stop", "オフ", "停止"):
        stopped = await d.reminders.unsubscribe(patient, DAILY)
        await _reply(update, texts.text("daily-off" if stopped else "daily-was-off"))
        return
    clock = parse_clock(choice)
    if clock is None:
        await _reply(update, texts.text("daily-invalid"))
        return
    quiet = str(d.reminders.rules.quiet)
    if not d.reminders.rules.daily_time_allowed(clock):
        await _reply(update, texts.text("daily-quiet", time=f"{clock:%H:%M}", quiet=quiet))
        return
    await d.reminders.subscribe(patient, DAILY, f"{clock:%H:%M}", d.clock.now())
    await _reply(update, texts.text("daily-set", time=f"{clock:%H:%M}", zone=_zone(d, patient)))


async def _set_daily_diary(
    update: Update, d: Deps, patient: PatientView, texts: Catalogue, words: list[str]
) -> None:
    """`/daily diary on|off`: the daily prompt with or without today's pain question."""
    if words not in (["on"], ["off"], ["オン"], ["オフ"]):
        await _reply(update, texts.text("daily-invalid"))
        return
    wanted = words[0] in ("on", "オン")
    if not await d.reminders.set_daily_diary(patient, wanted):
        await _reply(update, texts.text("daily-diary-needs-daily"))
        return
    await _reply(update, texts.text("daily-diary-on" if wanted else "daily-diary-off"))


async def cmd_daily(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/daily 08:00`, `/daily off`, or buttons."""
    d, patient, texts = await _patient(update, context)
    if patient is None:
        return
    if context.args:
        await _set_daily(update, d, patient, texts, " ".join(context.args))
        return
    buttons = [
        InlineKeyboardButton(t, callback_data=f"d:{t.replace(':', '')}") for t in DAILY_CHOICES
    ]
    buttons.append(InlineKeyboardButton(texts.text("button-off"), callback_data="d:off"))
    quiet = str(d.reminders.rules.quiet)
    await _reply(
        update,
        texts.text("daily-ask", quiet=quiet),
        InlineKeyboardMarkup([buttons[:3], buttons[3:]]),
    )


async def on_daily_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A time (or Off) picked for the daily stretch."""
    value = callback_value(update) or ""
    if value != "off" and not (len(value) == 4 and value.isdigit()):
        await answer_stale(update, context)
        return
    d, patient, texts = await _patient(update, context)
    if patient is not None:
        await _set_daily(
            update, d, patient, texts, value if value == "off" else f"{value[:2]}:{value[2:]}"
        )


async def on_prompt_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """✅ Done, ⏭ Skip or ⏸ Pause on a daily stretch."""
    value = callback_value(update) or ""
    actions = {"d": "done", "s": "skip", "p": "pause"}
    delivery_id = callback_id(value[1:])
    if value[:1] not in actions or delivery_id is None:
        await answer_stale(update, context)
        return
    d, patient, texts = await _patient(update, context)
    if patient is None:
        return
    action = actions[value[0]]
    streak = await d.reminders.answer_prompt(patient, delivery_id, action, d.clock.now())
    if streak is None:
        await answer_stale(update, context)
        return
    query = update.callback_query
    assert query is not None
    note = {
        "done": texts.text("daily-done", days=streak),
        "skip": texts.text("daily-skipped"),
        "pause": texts.text("daily-paused"),
    }[action]
    await query.answer(note)
    if query.message is not None:
        await context.bot.send_message(query.message.chat.id, note)


# ---- /posture --------------------------------------------------------------------------------
async def _set_posture(
    update: Update, d: Deps, patient: PatientView, texts: Catalogue, choice: str
) -> None:
    """`on`, `on 09:00-17:00` (own working hours), `off`, or nothing to ask."""
    rules, words = d.reminders.rules, choice.split()
    details = {"minutes": int(rules.posture_every.total_seconds() // 60), "zone": _zone(d, patient)}
    if words and words[0] in ("off", "オフ"):
        await d.reminders.unsubscribe(patient, POSTURE)
        await _reply(update, texts.text("posture-off"))
        return
    spans = [w for w in words if "-" in w]
    if words and (spans or words[0] in ("on", "オン")):
        try:
            hours = Window.parse(spans[0]) if spans else rules.posture_hours
        except ValueError:
            hours = None
        if hours is None or hours.start >= hours.end:
            await _reply(update, texts.text("posture-invalid"))
            return
        await d.reminders.subscribe(patient, POSTURE, str(hours), d.clock.now())
        await _reply(update, texts.text("posture-on", hours=str(hours), **details))
        return
    if words:
        await _reply(update, texts.text("posture-invalid"))
        return
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.text("button-on"), callback_data="o:on"),
                InlineKeyboardButton(texts.text("button-off"), callback_data="o:off"),
            ]
        ]
    )
    await _reply(
        update, texts.text("posture-ask", hours=str(rules.posture_hours), **details), markup
    )


async def cmd_posture(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/posture on`, `/posture off`, or buttons."""
    d, patient, texts = await _patient(update, context)
    if patient is not None:
        await _set_posture(update, d, patient, texts, " ".join(context.args or []).lower())


async def on_posture_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """On or Off pressed."""
    value = callback_value(update)
    if value not in ("on", "off"):
        await answer_stale(update, context)
        return
    d, patient, texts = await _patient(update, context)
    if patient is not None:
        await _set_posture(update, d, patient, texts, value)


# ---- /timezone -------------------------------------------------------------------------------
async def _set_zone(
    update: Update, d: Deps, patient: PatientView, texts: Catalogue, zone: str
) -> None:
    if zone not in _known_zones():
        await _reply(update, texts.text("timezone-invalid", zone=html.escape(zone[:64])))
        return
    await d.reminders.set_timezone(patient, zone, d.clock.now())
    await _reply(update, texts.text("timezone-set", zone=zone))


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


async def cmd_timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/timezone Europe/London`, or buttons for common zones."""
    d, patient, texts = await _patient(update, context)
    if patient is None:
        return
    if context.args:
        await _set_zone(update, d, patient, texts, context.args[0])
        return
    buttons = [InlineKeyboardButton(z, callback_data=f"z:{i}") for i, z in enumerate(COMMON_ZONES)]
    await _reply(
        update,
        texts.text("timezone-ask", zone=_zone(d, patient)),
        InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)]),
    )


async def on_timezone_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A common zone picked."""
    value = callback_value(update) or ""
    if not value.isdigit() or int(value) >= len(COMMON_ZONES):
        await answer_stale(update, context)
        return
    d, patient, texts = await _patient(update, context)
    if patient is not None:
        await _set_zone(update, d, patient, texts, COMMON_ZONES[int(value)])
