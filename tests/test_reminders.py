"""Session reminders, daily stretches and posture nudges, driven by a fake clock and Bot API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.storage.models import Appointment, Delivery
from tests.conftest import RunningBot, consent, stored
from tests.fake_telegram import Call

PATIENT, STAFF = 501, 9001


async def _count(bot: RunningBot, model: type, **where: object) -> int:
    return len(await stored(bot.settings.database_url, model, **where))


async def _command(bot: RunningBot, text: str, user: int = PATIENT) -> Call:
    count = len(bot.fake.calls_to("sendMessage", user))
    await bot.fake.send_text(user, text)
    return (await bot.fake.wait_calls("sendMessage", count + 1, chat_id=user))[-1]


async def _press(bot: RunningBot, data: str, user: int = PATIENT) -> Call:
    """Press a button whose handler edits its message; returns the edit."""
    count = len(bot.fake.calls_to("editMessageText", user))
    await bot.fake.press(user, data)
    return (await bot.fake.wait_calls("editMessageText", count + 1, chat_id=user))[-1]


def _sent_to(bot: RunningBot, user: int = PATIENT) -> list[str]:
    return [c.text for c in bot.fake.calls_to("sendMessage", user)]


async def _book(bot: RunningBot, when: str) -> None:
    check = await _command(bot, f"/appointment {when}")
    save = next(b["callback_data"] for b in check.buttons() if b["callback_data"].startswith("a:s"))
    saved = await _press(bot, save)
    assert "Saved" in saved.text


async def test_reminders_arrive_24h_and_2h_before_the_session(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    check = await _command(bot, "/appointment tomorrow 3pm")
    assert "Fri 27 Nov 15:00" in check.text and "Asia/Tokyo" in check.text
    assert await _count(bot, Appointment) == 0, "nothing is saved before Confirm"
    await _book(bot, "tomorrow 3pm")  # Fri 27 Nov 15:00 Tokyo = 06:00 UTC
    assert await _count(bot, Delivery, kind="reminder") == 2

    before = len(_sent_to(bot))
    bot.clock.current = datetime(2026, 11, 26, 5, 59, 59, tzinfo=UTC)
    assert (await bot.tick()).sent == 0
    bot.clock.current = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # 24 h before
    assert (await bot.tick()).sent == 1
    reminder = bot.fake.calls_to("sendMessage", PATIENT)[-1]
    assert "Reminder" in reminder.text and "Fri 27 Nov 15:00" in reminder.text
    assert "Matsushima" in reminder.text
    labels = [b["text"] for b in reminder.buttons()]
    assert labels[:2] == ["✅ Confirm", "❌ Cancel"] and "🔁 Reschedule" in labels
    assert (await bot.tick()).sent == 0, "sent once"

    bot.clock.current = datetime(2026, 11, 27, 3, 59, tzinfo=UTC)
    assert (await bot.tick()).sent == 0
    bot.clock.current = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)  # 2 h before
    assert (await bot.tick()).sent == 1
    assert len(_sent_to(bot)) == before + 2


async def test_an_offset_already_past_is_skipped(running_bot: RunningBot) -> None:
    await consent(running_bot)
    await _book(running_bot, "today 6pm")  # 4 h ahead: only the 2 h reminder
    assert await _count(running_bot, Delivery, kind="reminder") == 1


async def test_confirm_and_cancel_buttons_notify_staff(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    await _book(bot, "tomorrow 3pm")
    await _book(bot, "12/3 10:00")
    bot.clock.current = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
    await bot.tick()
    reminder = bot.fake.calls_to("sendMessage", PATIENT)[-1]
    confirm = reminder.buttons()[0]["callback_data"]
    answer = await _press(bot, confirm)
    assert "See you on Fri 27 Nov 15:00" in answer.text
    [note] = await bot.fake.wait_calls("sendMessage", 1, chat_id=STAFF)
    assert "confirmed" in note.text and "Fri 27 Nov 15:00" in note.text
    assert "#1" in note.text

    listing = await _command(bot, "/appointments")
    assert "✅ Fri 27 Nov 15:00" in listing.text and "Thu 3 Dec 10:00" in listing.text
    cancel = [b["callback_data"] for b in listing.buttons() if b["callback_data"][:3] == "a:x"][1]
    cancelled = await _press(bot, cancel)
    assert "Cancelled: Thu 3 Dec 10:00" in cancelled.text
    notes = await bot.fake.wait_calls("sendMessage", 2, chat_id=STAFF)
    assert "cancelled" in notes[-1].text

    bot.clock.current = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 24 h before the cancelled one
    assert (await bot.tick()).sent == 0


async def test_a_patient_cannot_cancel_someone_elses_session(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    await _book(bot, "tomorrow 3pm")
    await consent(bot, user=502)
    answer = await _press(bot, "a:x1", user=502)
    assert "no longer in your list" in answer.text
    assert await _count(bot, Appointment, status="booked") == 1


async def test_bad_times_get_a_clear_reply_and_save_nothing(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    for typed, expected in [
        ("yesterday 3pm", "already passed"),
        ("2030-01-01 10:00", "more than a year"),
        ("next full moon", "could not read"),
        ("tomorrow", "add a time"),
        ("25:99", "could not read"),
    ]:
        reply = await _command(bot, f"/appointment {typed}")
        assert expected in reply.text, typed
    assert await _count(bot, Appointment) == 0


async def test_guided_flow_picks_a_day_then_a_time(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    days = await _command(bot, "/appointment")
    first = days.buttons()[1]["callback_data"]
    assert first == "a:d20261127"
    times = await _press(bot, first)
    slot = next(b["callback_data"] for b in times.buttons() if b["text"] == "15:00")
    check = await _press(bot, slot)
    assert "Fri 27 Nov 15:00" in check.text
    change = await _press(bot, "a:c")
    assert "Which day" in change.text
    await _press(bot, check.buttons()[0]["callback_data"])
    assert await _count(bot, Appointment) == 1


async def test_reminder_commands_need_consent(running_bot: RunningBot) -> None:
    reply = await _command(running_bot, "/daily 08:00")
    assert "/start" in reply.text and "I agree" in reply.text


async def test_daily_prompt_rotates_builds_a_streak_and_stops(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    reply = await _command(bot, "/daily 08:00")
    assert "08:00" in reply.text and "Asia/Tokyo" in reply.text

    exercises = []
    for day in range(3):
        bot.clock.current = datetime(2026, 11, 26, 23, 0, tzinfo=UTC) + timedelta(days=day)
        report = await bot.tick()
        assert report.sent == 1, day
        prompt = bot.fake.calls_to("sendMessage", PATIENT)[-1]
        assert "Today's stretch" in prompt.text and "Stop" in prompt.text
        exercises.append(prompt.text.split("<b>")[2].split("</b>")[0])
        if day == 1:
            assert "1 day in a row" in prompt.text
        done = prompt.buttons()[0]["callback_data"]
        assert done.startswith("p:d")
        before = len(_sent_to(bot))
        await bot.fake.press(PATIENT, done)
        await bot.fake.wait_calls("sendMessage", before + 1, chat_id=PATIENT)
        assert f"{day + 1} day" in _sent_to(bot)[-1]
    assert exercises[0] != exercises[1] != exercises[2]

    off = await _command(bot, "/daily off")
    assert "off" in off.text
    bot.clock.current += timedelta(days=1)
    assert (await bot.tick()).sent == 0


async def test_daily_time_in_quiet_hours_is_refused(running_bot: RunningBot) -> None:
    await consent(running_bot)
    reply = await _command(running_bot, "/daily 22:30")
    assert "quiet hours (21:00-08:00)" in reply.text
    assert (await _command(running_bot, "/daily sometime")).text.startswith("Please send a time")


async def test_session_reminders_still_arrive_in_quiet_hours(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    await _book(bot, "tomorrow 7:30am")  # 2 h before is 05:30 local: quiet hours
    bot.clock.current = datetime(2026, 11, 26, 20, 30, tzinfo=UTC)
    assert (await bot.tick()).sent == 1


async def test_posture_nudges_on_weekdays_in_working_hours(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    reply = await _command(bot, "/posture on")
    assert "every 60 minutes, 10:00-18:00" in reply.text
    sent_at = []
    # Friday 27 Nov, 09:00 to Saturday 28 Nov 12:00 Tokyo, ticking every 10 minutes
    moment = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)
    while moment < datetime(2026, 11, 28, 3, 0, tzinfo=UTC):
        bot.clock.current = moment
        if (await bot.tick()).sent:
            sent_at.append(moment.astimezone(bot.clock.current.tzinfo).hour + 9)
        moment += timedelta(minutes=10)
    assert sent_at == list(range(10, 18)), "hourly 10:00-17:00 on Friday, nothing Saturday"
    nudge = bot.fake.calls_to("sendMessage", PATIENT)[-1]
    assert "short break" in nudge.text
    assert (await _command(bot, "/posture off")).text == "Posture nudges are off."


async def test_posture_nudges_follow_the_patients_own_working_hours(
    running_bot: RunningBot,
) -> None:
    bot = running_bot
    await consent(bot)
    assert (await _command(bot, "/posture on 17:00-09:00")).text.startswith("Please send")
    reply = await _command(bot, "/posture on 09:00-12:00")
    assert "every 60 minutes, 09:00-12:00" in reply.text
    hours = []
    moment = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)  # Friday 08:00 Tokyo
    while moment < datetime(2026, 11, 27, 9, 0, tzinfo=UTC):
        bot.clock.current = moment
        if (await bot.tick()).sent:
            hours.append((moment + timedelta(hours=9)).hour)
        moment += timedelta(minutes=10)
    assert hours == [9, 10, 11]


async def test_timezone_moves_the_daily_prompt(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    await _command(bot, "/daily 08:00")
    reply = await _command(bot, "/timezone Europe/London")
    assert "Europe/London" in reply.text
    assert "not a time zone" in (await _command(bot, "/timezone Mars/Base")).text
    bot.clock.current = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)  # 08:00 Tokyo
    assert (await bot.tick()).sent == 0
    bot.clock.current = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 08:00 London
    assert (await bot.tick()).sent == 1


async def test_two_items_due_at_once_for_one_patient_both_arrive(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    bot.clock.current = datetime(2026, 11, 27, 0, 50, tzinfo=UTC)  # Friday 09:50 Tokyo
    await _command(bot, "/daily 10:00")
    await _command(bot, "/posture on")
    bot.clock.current = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    assert (await bot.tick()).sent == 2
