"""The "Add to calendar" button: an .ics file for one of the patient's sessions."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, Update
from telegram.ext import ContextTypes

from bot.deps import deps
from bot.handlers.common import answer_stale, callback_value, language_of
from bot.i18n import Catalogue
from bot.services.calendar import SessionEvent, session_ics


def calendar_button(
    texts: Catalogue, appointment_id: int, *, cancelled: bool = False, when: str | None = None
) -> InlineKeyboardButton:
    """Sends the session's .ics file when pressed (`when` names the session in a list)."""
    if when is not None:
        label = texts.text("calendar-button-when", when=when)
    else:
        label = texts.text("calendar-update-button" if cancelled else "calendar-button")
    return InlineKeyboardButton(label, callback_data=f"i:{appointment_id}")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "clinic"


async def on_calendar_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the .ics for the pressed session: a cancelled one's file removes it from calendars."""
    value = callback_value(update) or ""
    d, user, query = deps(context), update.effective_user, update.callback_query
    assert user is not None and query is not None
    patient = await d.patients.get(user.id) if value.isdigit() else None
    found = await d.reminders.appointment(patient, int(value)) if patient else None
    if patient is None or found is None:
        await answer_stale(update, context)
        return
    texts = d.texts(await language_of(update, context))
    facts = d.answerer.facts.localized(texts.language)
    cancelled = found.status == "cancelled"
    description = (
        texts.text("calendar-description", clinic=facts.name, booking=facts.booking_url)
        if facts.booking_url
        else texts.text("calendar-description-no-link", clinic=facts.name, email=facts.email)
    )
    event = SessionEvent(
        appointment_id=found.id,
        starts_at=found.starts_at,
        length=d.settings.session_length,
        cancelled=cancelled,
        zone=d.settings.clinic_timezone,
        summary=texts.text("calendar-summary", clinic=facts.name),
        location=facts.address,
        description=description,
        booking_url=facts.booking_url,
        alarm_text=texts.text("calendar-alarm", clinic=facts.name),
        alarms=d.reminders.rules.offsets,
        uid_domain=_slug(d.settings.clinic_name),
    )
    day = found.starts_at.astimezone(ZoneInfo(d.settings.clinic_timezone)).date()
    await query.answer()
    await context.bot.send_document(
        user.id,
        session_ics(event, now=d.clock.now()),
        filename=f"{_slug(facts.name)}-{day.isoformat()}.ics",
        caption=texts.text("calendar-caption-cancelled" if cancelled else "calendar-caption"),
    )
