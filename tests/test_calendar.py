"""Calendar files: the .ics a patient gets parses, and its DTSTART is the session they booked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from tests.conftest import RunningBot, consent
from tests.fake_telegram import Call

PATIENT = 501


async def _command(bot: RunningBot, text: str, language_code: str = "en") -> Call:
    count = len(bot.fake.calls_to("sendMessage", PATIENT))
    await bot.fake.send_text(PATIENT, text, language_code=language_code)
    return (await bot.fake.wait_calls("sendMessage", count + 1, chat_id=PATIENT))[-1]


async def _press(bot: RunningBot, data: str, method: str, language_code: str = "en") -> Call:
    count = len(bot.fake.calls_to(method, PATIENT))
    await bot.fake.press(PATIENT, data, language_code=language_code)
    return (await bot.fake.wait_calls(method, count + 1, chat_id=PATIENT))[-1]


def _data(call: Call, prefix: str) -> str:
    return next(b["callback_data"] for b in call.buttons() if b["callback_data"].startswith(prefix))


async def _book(bot: RunningBot, when: str, language_code: str = "en") -> Call:
    """Book a session; returns the confirmation (which carries the calendar button)."""
    check = await _command(bot, f"/appointment {when}", language_code)
    return await _press(bot, _data(check, "a:s"), "editMessageText", language_code)


async def _calendar(bot: RunningBot, data: str, language_code: str = "en") -> Calendar:
    document = await _press(bot, data, "sendDocument", language_code)
    upload = document.upload("document")
    assert upload.filename.endswith(".ics")
    return Calendar.from_ical(upload.data)


async def test_the_saved_session_offers_a_calendar_file_with_its_time_place_and_alarms(
    running_bot: RunningBot,
) -> None:
    bot = running_bot
    await consent(bot)
    saved = await _book(bot, "2026-12-03 15:30")
    button = next(b for b in saved.buttons() if b["callback_data"].startswith("i:"))
    assert button["text"] == "📅 Add to calendar"
    calendar = await _calendar(bot, button["callback_data"])
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "PUBLISH"
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 12, 3, 15, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    assert event.decoded("DTEND") - start == timedelta(hours=1)
    assert "Fuji Wellness" in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == bot.settings.clinic_address
    assert str(event["URL"]) == "https://booking.example/fuji"
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))
    assert triggers == [-timedelta(hours=24), -timedelta(hours=2)]

    listing = await _command(bot, "/appointments")
    [add] = [b for b in listing.buttons() if b["callback_data"].startswith("i:")]
    assert add["text"] == "📅 Add Thu 3 Dec 15:30 to calendar"
    assert add["callback_data"] == button["callback_data"]


async def test_a_cancelled_session_file_cancels_the_same_event(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    saved = await _book(bot, "2026-12-03 15:30")
    first = (await _calendar(bot, _data(saved, "i:"))).walk("VEVENT")[0]
    listing = await _command(bot, "/appointments")
    cancelled = await _press(bot, _data(listing, "a:x"), "editMessageText")
    assert "Cancelled" in cancelled.text
    assert [b["text"] for b in cancelled.buttons()] == ["📅 Update my calendar"]
    calendar = await _calendar(bot, _data(cancelled, "i:"))
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == str(first["UID"])
    assert int(event["SEQUENCE"]) > int(first["SEQUENCE"])
    assert event.walk("VALARM") == []


async def test_on_a_daylight_saving_change_day_the_file_keeps_the_patients_time(
    running_bot: RunningBot,
) -> None:
    """A patient in London books 15:30 on the day British Summer Time starts (28 Mar 2027)."""
    bot = running_bot
    await consent(bot)
    await _command(bot, "/timezone Europe/London")
    saved = await _book(bot, "2027-03-28 15:30")
    [event] = (await _calendar(bot, _data(saved, "i:"))).walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start == datetime(2027, 3, 28, 15, 30, tzinfo=ZoneInfo("Europe/London"))
    assert start.astimezone(UTC) == datetime(2027, 3, 28, 14, 30, tzinfo=UTC)


async def test_japanese_patients_get_a_japanese_event(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot, language_code="ja")
    saved = await _book(bot, "2026-12-03 15:30", "ja")
    assert saved.buttons()[0]["text"] == "📅 カレンダーに追加"
    [event] = (await _calendar(bot, _data(saved, "i:"), "ja")).walk("VEVENT")
    assert "鍼灸" in str(event["SUMMARY"]) and "江戸川区" in str(event["LOCATION"])


async def test_someone_elses_or_a_forged_session_gets_no_file(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    saved = await _book(bot, "2026-12-03 15:30")
    other = 502
    await consent(bot, user=other)
    answers = len(bot.fake.calls_to("answerCallbackQuery"))
    await bot.fake.press(other, _data(saved, "i:"))
    await bot.fake.press(other, "i:abc")
    replies = await bot.fake.wait_calls("answerCallbackQuery", answers + 2)
    assert all("no longer valid" in r.params["text"] for r in replies[answers:])
    assert bot.fake.calls_to("sendDocument") == []
