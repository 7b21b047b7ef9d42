"""Calendar files (.ics, RFC 5545) for a session: time in the clinic's zone, place, alarms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

PRODUCT_ID = "-//Fuji Wellness//Patient assistant//EN"


@dataclass(frozen=True)
class SessionEvent:
    """What the file says about one session, in the patient's language."""

    appointment_id: int
    starts_at: datetime
    length: timedelta
    cancelled: bool
    zone: str  # the clinic's: the session happens there
    summary: str
    location: str
    description: str
    booking_url: str
    alarm_text: str
    alarms: tuple[timedelta, ...]
    uid_domain: str


def event_uid(appointment_id: int, domain: str) -> str:
    """The same UID every time, so a calendar app updates (or removes) the one event."""
    return f"appointment-{appointment_id}@{domain}"


def session_ics(session: SessionEvent, *, now: datetime) -> bytes:
    """The session as an .ics file; a cancelled one is METHOD:CANCEL with a higher SEQUENCE."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if session.cancelled else "PUBLISH")
    event = Event()
    event.add("uid", event_uid(session.appointment_id, session.uid_domain))
    event.add("dtstamp", now.astimezone(UTC))
    local_start = session.starts_at.astimezone(ZoneInfo(session.zone))
    event.add("dtstart", local_start)
    event.add("dtend", local_start + session.length)
    # Each change to the event raises the sequence; cancelling is the only change the bot makes.
    event.add("sequence", 1 if session.cancelled else 0)
    event.add("status", "CANCELLED" if session.cancelled else "CONFIRMED")
    event.add("summary", session.summary)
    event.add("location", session.location)
    event.add("description", session.description)
    if session.booking_url:
        event.add("url", session.booking_url)
    if not session.cancelled:
        for before in session.alarms:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", session.alarm_text)
            alarm.add("trigger", -before)
            event.add_component(alarm)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
