"""Delivery faults found in review: bad rows, empty audiences, Stop, timeouts, lost flushes."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.app import DISPATCHER_KEY
from bot.services.prompts import Outgoing
from bot.storage.db import create_engine, upgrade_async
from bot.storage.models import Appointment, Broadcast, Delivery
from scheduler.dispatcher import Dispatcher
from scheduler.sender import Sender, SendResult
from tests.conftest import (
    FakeClock,
    RunningBot,
    bot_running,
    consent,
    make_settings,
    seed_patients,
    stored,
)
from tests.fake_telegram import FakeTelegram, Fault, busiest_second
from tests.test_broadcasts import NOTICE, STAFF, _broadcast, _copies, _press, _send_all
from tests.test_reminders import _book, _command

PATIENT = 501


async def _reminder_due(bot: RunningBot) -> None:
    """A patient's session reminder falls due at the bot's clock time."""
    await consent(bot)
    await _book(bot, "tomorrow 3pm")  # Fri 27 Nov 15:00 Tokyo: a reminder due 06:00 UTC today
    bot.clock.current = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def _reminders(bot: RunningBot) -> list[str]:
    return [c.text for c in bot.fake.delivered("sendMessage", PATIENT) if "Reminder" in c.text]


async def test_a_forged_send_on_a_draft_without_audience_stops_nothing(
    running_bot: RunningBot,
) -> None:
    bot = running_bot
    await _reminder_due(bot)
    await _command(bot, "/broadcast", user=STAFF)
    await bot.fake.send_text(STAFF, NOTICE)
    await bot.fake.wait_calls("sendMessage", 3, chat_id=STAFF)
    [draft] = await stored(bot.settings.database_url, Broadcast)
    gone = await _press(bot, f"b:n{draft.id}")  # no audience was picked
    assert gone.text == "That notice can no longer be changed."
    await bot.tick()
    assert len(_reminders(bot)) == 1, "the reminder still goes out"
    [draft] = await stored(bot.settings.database_url, Broadcast)
    assert draft.status == "draft"


async def test_a_scheduled_row_without_audience_is_failed_and_the_rest_flows(
    running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = running_bot
    await _reminder_due(bot)
    engine = create_engine(bot.settings.database_url)
    async with engine.begin() as connection:  # a row no button can make any more
        await connection.execute(
            text(
                "insert into broadcasts (created_by, language, created_at, status, total, send_at)"
                " values (9001, 'en', :now, 'scheduled', 0, :now)"
            ),
            {"now": bot.clock.current},
        )
    await engine.dispose()
    with caplog.at_level(logging.ERROR):
        await bot.tick()
        await bot.tick()
    assert len(_reminders(bot)) == 1
    [row] = await stored(bot.settings.database_url, Broadcast)
    assert row.status == "failed"
    assert "broadcast 1" in caplog.text


async def test_a_broadcast_to_nobody_finishes_with_a_report(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    count = await _broadcast(bot, "s7")  # nobody has a session in the next 7 days
    assert "0 patients" in count.text
    await _press(bot, count.buttons()[0]["callback_data"])
    await bot.tick()
    [row] = await stored(bot.settings.database_url, Broadcast)
    assert row.status == "done"
    report = bot.fake.delivered("sendMessage", STAFF)[-1]
    assert "finished" in report.text and "of 0" in report.text


async def test_one_row_that_cannot_be_composed_is_failed_and_the_rest_flows(
    running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = running_bot
    await _reminder_due(bot)
    await consent(bot, user=502)
    await _command(bot, "/timezone Asia/Tokyo", user=502)
    engine = create_engine(bot.settings.database_url)
    async with engine.begin() as connection:  # a zone the database holds but tzdata lost
        await connection.execute(
            text("update patients set timezone = 'Mars/Olympus' where telegram_id = 502")
        )
        await connection.execute(
            text(
                "insert into deliveries (patient_id, kind, ref_id, due_at, status, attempts,"
                " next_attempt_at) select id, 'reminder', 1, :now, 'pending', 0, :now"
                " from patients where telegram_id = 502"
            ),
            {"now": bot.clock.current},
        )
    await engine.dispose()
    with caplog.at_level(logging.ERROR):
        await bot.tick()
    assert len(_reminders(bot)) == 1
    statuses = Counter(d.status for d in await stored(bot.settings.database_url, Delivery))
    assert statuses["failed"] == 1 and statuses["sent"] == 1
    assert "could not be composed" in caplog.text


@asynccontextmanager
async def _bot(
    fake: FakeTelegram, url: str, clock: FakeClock, *, rate: float = 10_000, **settings: object
) -> AsyncIterator[RunningBot]:
    await upgrade_async(url)
    settings = {"staff_ids": "9001", **settings}
    values = make_settings(fake, url, **settings)
    async with bot_running(fake, values, clock, rate=rate) as bot:
        yield bot


async def test_stop_takes_effect_within_a_second_of_sends(
    fake_telegram: FakeTelegram, sqlite_url: str, clock: FakeClock
) -> None:
    async with _bot(fake_telegram, sqlite_url, clock, rate=100) as bot:  # 4 s for everyone
        await _stop_mid_broadcast(bot)


async def _stop_mid_broadcast(bot: RunningBot) -> None:
    recipients = await seed_patients(bot.settings.database_url, 400, meet=bot.fake)
    count = await _broadcast(bot)
    sending = await _press(bot, count.buttons()[0]["callback_data"])
    tick = asyncio.create_task(bot.tick())
    await bot.fake.wait_for(lambda: len(_copies(bot.fake)) >= 50, timeout=10)
    await _press(bot, sending.buttons()[0]["callback_data"])
    stopped_at = len(_copies(bot.fake))
    await tick
    after_stop = len(_copies(bot.fake)) - stopped_at
    assert after_stop <= 100 + 1, "at most one second of sends (plus the one in flight)"
    rows = await stored(bot.settings.database_url, Delivery, kind="broadcast")
    sent = {d.patient_id for d in rows if d.status == "sent"}
    assert len(sent) == len(_copies(bot.fake)) < len(recipients)
    assert {d.status for d in rows} == {"sent", "skipped"}
    await _send_all(bot)
    assert len(_copies(bot.fake)) == stopped_at + after_stop


async def test_a_session_reminder_that_timed_out_is_not_sent_again(
    fake_telegram: FakeTelegram, sqlite_url: str, clock: FakeClock
) -> None:
    async with _bot(fake_telegram, sqlite_url, clock, telegram_timeout=0.5) as bot:
        await _timed_out_reminder(bot)


async def _timed_out_reminder(bot: RunningBot) -> None:
    await _reminder_due(bot)
    bot.fake.fail_next("sendMessage", Fault(200, "", delay=1.5))
    await bot.tick()
    [first, _second] = sorted(
        await stored(bot.settings.database_url, Delivery, kind="reminder"), key=lambda d: d.due_at
    )
    assert first.status == "unknown" and first.error == "TimedOut"
    bot.clock.current += timedelta(minutes=10)
    assert (await bot.tick()).sent == 0
    assert len(bot.fake.calls_to("sendMessage", PATIENT)) >= 1
    assert _reminders(bot) == [], "the slow one may have arrived; it is not sent a second time"


async def test_a_failed_commit_of_outcomes_is_retried_not_lost(running_bot: RunningBot) -> None:
    bot = running_bot
    await _reminder_due(bot)
    engine = bot.app.bot_data["engine"]
    failures = []

    def fail_once(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        recording = statement.startswith("UPDATE deliveries SET") and "sent_at" in statement
        if recording and not failures:
            failures.append(statement)
            raise OperationalError(statement, {}, Exception("database is locked"))

    event.listen(engine.sync_engine, "before_cursor_execute", fail_once)
    try:
        await bot.tick()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", fail_once)
    assert failures, "the fault was injected"
    assert (await bot.tick()).sent == 0
    assert len(_reminders(bot)) == 1, "sent once, recorded once"
    statuses = [d.status for d in await stored(bot.settings.database_url, Delivery)]
    assert sorted(statuses) == ["pending", "sent"]


class _Watching:
    """A sender that notes, at each send, how many sends are in flight and how many of the
    messages it already handed over are not yet recorded as sent in the database."""

    def __init__(self, inner: Sender, url: str) -> None:
        self._inner, self._url = inner, url
        self.in_flight, self.most_in_flight = 0, 0
        self.handed: list[int] = []
        self.unrecorded: list[int] = []

    async def send(self, chat_id: int, message: Outgoing) -> SendResult:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            rows = await stored(self._url, Delivery, kind="broadcast", status="sent")
            self.unrecorded.append(len(self.handed) - len(rows))
            self.handed.append(chat_id)
            return await self._inner.send(chat_id, message)
        finally:
            self.in_flight -= 1

    async def edit(self, chat_id: int, message_id: int, message: Outgoing) -> SendResult:
        return await self._inner.edit(chat_id, message_id, message)


async def test_a_message_is_recorded_before_the_next_one_goes(running_bot: RunningBot) -> None:
    """So a hard kill can repeat at most the one message in flight (README, "Exactly once")."""
    bot = running_bot
    await seed_patients(bot.settings.database_url, 30, meet=bot.fake)
    count = await _broadcast(bot)
    await _press(bot, count.buttons()[0]["callback_data"])
    dispatcher: Dispatcher = bot.app.bot_data[DISPATCHER_KEY]
    watching = _Watching(dispatcher._sender, bot.settings.database_url)
    dispatcher._sender = watching
    await _send_all(bot)
    assert len(watching.handed) == 30 + 1, "every patient, and the staff member's report"
    assert watching.most_in_flight == 1, "one message in flight at a time"
    assert set(watching.unrecorded) == {0}, "every earlier message recorded before the next"


async def test_shutdown_stops_taking_updates_and_sending_at_once(
    fake_telegram: FakeTelegram, sqlite_url: str, clock: FakeClock
) -> None:
    async with _bot(fake_telegram, sqlite_url, clock, rate=20) as bot:  # 10 s for everyone
        await seed_patients(sqlite_url, 200, meet=fake_telegram)
        count = await _broadcast(bot)
        await _press(bot, count.buttons()[0]["callback_data"])
        tick = asyncio.create_task(bot.tick())
        await fake_telegram.wait_for(lambda: len(_copies(fake_telegram)) >= 10)
        at_stop = len(_copies(fake_telegram))
    await tick
    assert len(_copies(fake_telegram)) - at_stop <= 1, "only the send in flight finishes"
    rows = await stored(sqlite_url, Delivery, kind="broadcast")
    assert sum(d.status == "sent" for d in rows) == len(_copies(fake_telegram))


async def test_user_input_echoed_in_replies_is_escaped(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    reply = await _command(bot, "/timezone <Mars&Co>")
    assert reply.ok and "“&lt;Mars&amp;Co&gt;” is not a time zone" in reply.text
    reply = await _command(bot, "/appointment next friday <>")
    assert reply.ok and "next friday &lt;&gt; 15:30" in reply.text


async def test_a_double_tap_on_save_saves_one_appointment(running_bot: RunningBot) -> None:
    bot = running_bot
    await consent(bot)
    check = await _command(bot, "/appointment tomorrow 3pm")
    save = check.buttons()[0]["callback_data"]
    edits = len(bot.fake.calls_to("editMessageText", PATIENT))
    await bot.fake.press(PATIENT, save)
    await bot.fake.press(PATIENT, save)
    replies = await bot.fake.wait_calls("editMessageText", edits + 2, chat_id=PATIENT)
    assert all("Saved" in r.text for r in replies[-2:])
    assert len(await stored(bot.settings.database_url, Appointment)) == 1
    assert len(await stored(bot.settings.database_url, Delivery, kind="reminder")) == 2


@pytest.mark.parametrize(
    "data", ["a:x" + "9" * 40, "r:c" + "9" * 12, "p:d" + "9" * 45, "b:n" + "9" * 40]
)
async def test_huge_numbers_in_buttons_are_stale_not_errors(
    running_bot: RunningBot, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    bot = running_bot
    await consent(bot)
    with caplog.at_level(logging.WARNING):
        await bot.fake.press(PATIENT, data)
        answer = (await bot.fake.wait_calls("answerCallbackQuery", 2))[-1]
    assert "no longer valid" in answer.params["text"] or "staff only" in answer.params["text"]
    assert "failed" not in caplog.text and "Error" not in caplog.text


async def test_sql_errors_do_not_carry_bound_values(sqlite_url: str) -> None:
    await upgrade_async(sqlite_url)
    engine = create_engine(sqlite_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("insert into patients (telegram_id, language) values (:id, :secret)"),
                {"id": 1, "secret": "my back hurts after the fall"},
            )
    except IntegrityError as error:
        assert "my back hurts" not in str(error) and "hidden" in str(error)
    else:
        pytest.fail("the insert should have failed")
    finally:
        await engine.dispose()


async def test_replies_and_progress_edits_share_the_broadcast_rate(
    fake_telegram: FakeTelegram, sqlite_url: str, clock: FakeClock
) -> None:
    rate = 4
    async with _bot(fake_telegram, sqlite_url, clock, rate=rate) as bot:
        await seed_patients(sqlite_url, 8, meet=fake_telegram)
        count = await _broadcast(bot)
        await _press(bot, count.buttons()[0]["callback_data"])
        tick = asyncio.create_task(bot.tick())
        for user in range(601, 605):  # patients write in while the notice goes out
            await fake_telegram.send_text(user, "/help")
        await tick
        await fake_telegram.wait_calls("sendMessage", 1, chat_id=604)
    since = count.at
    messages = [
        c.at
        for c in fake_telegram.calls
        if c.ok and c.at >= since and c.method in ("sendMessage", "editMessageText")
    ]
    assert len(messages) >= 8 + 4
    assert busiest_second(messages) <= rate + 1, "one budget for every message the bot sends"


async def test_a_staff_member_who_never_opened_the_bot_does_not_stop_it(
    fake_telegram: FakeTelegram, sqlite_url: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with _bot(fake_telegram, sqlite_url, clock, staff_ids="9002") as bot:
        refused = [c for c in fake_telegram.calls_to("setMyCommands") if not c.ok]
        assert refused and all(c.params["scope"]["chat_id"] == 9002 for c in refused)
        assert "they need to open the bot first" in caplog.text
        await consent(bot)  # everyone else is served
