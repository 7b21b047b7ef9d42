"""Delivery that survives restarts and Telegram's faults, and keeps local time across DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.storage.db import upgrade_async
from bot.storage.models import Delivery, Patient
from tests.conftest import FakeClock, RunningBot, bot_running, consent, make_settings, stored
from tests.fake_telegram import FakeTelegram, Fault
from tests.test_reminders import _book, _command

PATIENT = 501
TOKYO_8AM = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)
NEW_YORK = "America/New_York"


def _prompts(fake: FakeTelegram) -> list[str]:
    return [c.text for c in fake.delivered("sendMessage", PATIENT) if "Today's stretch" in c.text]


async def test_restart_between_due_time_and_send_sends_exactly_once(
    fake_telegram: FakeTelegram, sqlite_url: str, clock: FakeClock
) -> None:
    await upgrade_async(sqlite_url)
    settings = make_settings(fake_telegram, sqlite_url)
    async with bot_running(fake_telegram, settings, clock) as first:
        await consent(first)
        await _command(first, "/daily 08:00")
        clock.current = TOKYO_8AM - timedelta(minutes=1)
        await first.tick()
    # Down over 08:00; the next process comes up at 08:05.
    clock.current = TOKYO_8AM + timedelta(minutes=5)
    async with bot_running(fake_telegram, settings, clock) as second:
        assert (await second.tick()).sent == 1
        assert (await second.tick()).sent == 0
    clock.current += timedelta(minutes=1)
    async with bot_running(fake_telegram, settings, clock) as third:
        assert (await third.tick()).sent == 0
    assert len(_prompts(fake_telegram)) == 1


async def test_prompts_overdue_beyond_the_grace_window_are_dropped(
    fake_telegram: FakeTelegram, sqlite_url: str, clock: FakeClock
) -> None:
    await upgrade_async(sqlite_url)
    settings = make_settings(fake_telegram, sqlite_url)
    async with bot_running(fake_telegram, settings, clock) as first:
        await consent(first)
        await _command(first, "/daily 08:00")
    clock.current = TOKYO_8AM + timedelta(days=2, hours=3)  # down for two days, back at 11:00
    async with bot_running(fake_telegram, settings, clock) as second:
        report = await second.tick()
        assert report.sent == 0 and report.skipped == 1, "one stale prompt, skipped, no burst"
        clock.current = TOKYO_8AM + timedelta(days=3)
        assert (await second.tick()).sent == 1
    assert len(_prompts(fake_telegram)) == 1


async def test_a_session_reminder_missed_while_down_is_sent_late_but_before_the_session(
    fake_telegram: FakeTelegram, sqlite_url: str, clock: FakeClock
) -> None:
    await upgrade_async(sqlite_url)
    settings = make_settings(fake_telegram, sqlite_url)
    async with bot_running(fake_telegram, settings, clock) as first:
        await consent(first)
        await _book(first, "tomorrow 3pm")  # reminders due 06:00 UTC today and 04:00 UTC tomorrow
    clock.current = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)  # back 1 h before the session
    async with bot_running(fake_telegram, settings, clock) as second:
        report = await second.tick()
    assert report.sent == 2, "both missed reminders still make sense before the session"
    clock.current = datetime(2026, 11, 27, 6, 30, tzinfo=UTC)
    async with bot_running(fake_telegram, settings, clock) as third:
        assert (await third.tick()).sent == 0


async def test_a_blocked_patient_is_marked_and_skipped_until_they_return(
    running_bot: RunningBot,
) -> None:
    bot = running_bot
    await consent(bot)
    await _command(bot, "/daily 08:00")
    bot.fake.fail_next("sendMessage", Fault(403, "Forbidden: bot was blocked by the user"))
    bot.clock.current = TOKYO_8AM
    assert (await bot.tick()).blocked == 1
    [patient] = await stored(bot.settings.database_url, Patient)
    assert patient.blocked_at is not None
    bot.clock.current += timedelta(days=1)
    report = await bot.tick()
    assert report.sent == 0 and report.blocked == 1
    await _command(bot, "hello again")  # they unblocked and wrote to us
    bot.clock.current += timedelta(days=1)
    assert (await bot.tick()).sent == 1


async def test_retry_after_is_honoured(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    await _command(bot, "/daily 08:00")
    bot.fake.fail_next("sendMessage", Fault(429, "Too Many Requests: retry after 7", retry_after=7))
    bot.clock.current = TOKYO_8AM
    assert (await bot.tick()).retried == 1
    bot.clock.current += timedelta(seconds=6)
    assert (await bot.tick()).sent == 0
    bot.clock.current += timedelta(seconds=1)
    assert (await bot.tick()).sent == 1
    assert len(_prompts(bot.fake)) == 1


async def test_server_errors_are_retried_with_backoff_then_recorded_as_failed(
    running_bot: RunningBot,
) -> None:
    bot = running_bot
    await consent(bot)
    await _command(bot, "/daily 08:00")
    bot.fake.fail_next("sendMessage", Fault(500, "Internal Server Error"), times=5)
    bot.clock.current = TOKYO_8AM
    assert (await bot.tick()).retried == 1
    waits = []
    for _ in range(4):
        [delivery] = await stored(bot.settings.database_url, Delivery)
        waits.append(delivery.next_attempt_at - bot.clock.current)
        bot.clock.current = delivery.next_attempt_at
        await bot.tick()
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    [delivery] = await stored(bot.settings.database_url, Delivery)
    assert delivery.status == "failed" and delivery.attempts == 5
    assert _prompts(bot.fake) == []


async def _local_send_times(bot: RunningBot, zone: str, start: datetime, days: int) -> list[str]:
    sent = []
    moment = start
    while moment < start + timedelta(days=days):
        bot.clock.current = moment
        if (await bot.tick()).sent:
            sent.append(moment.astimezone(ZoneInfo(zone)).strftime("%m-%d %H:%M"))
        moment += timedelta(minutes=15)
    return sent


async def test_daily_prompt_keeps_8am_new_york_across_both_dst_changes(
    running_bot: RunningBot,
) -> None:
    bot = running_bot
    bot.clock.current = datetime(2027, 3, 12, 12, 0, tzinfo=UTC)
    await consent(bot)
    await _command(bot, f"/timezone {NEW_YORK}")
    await _command(bot, "/daily 08:00")
    # Clocks go forward on 14 March and back on 7 November 2027 in New York.
    spring = await _local_send_times(bot, NEW_YORK, datetime(2027, 3, 13, 5, 0, tzinfo=UTC), 3)
    assert spring == ["03-13 08:00", "03-14 08:00", "03-15 08:00"]
    autumn = await _local_send_times(bot, NEW_YORK, datetime(2027, 11, 6, 4, 0, tzinfo=UTC), 3)
    assert autumn == ["11-06 08:00", "11-07 08:00", "11-08 08:00"]


async def test_daily_prompt_at_8am_tokyo(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    await _command(bot, "/daily 08:00")
    sent = await _local_send_times(bot, "Asia/Tokyo", datetime(2026, 11, 26, 12, 0, tzinfo=UTC), 3)
    assert sent == ["11-27 08:00", "11-28 08:00", "11-29 08:00"]
