"""The dispatcher and the services' SQL on SQLite and PostgreSQL, with a recording sender."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.app import reminder_rules
from bot.metrics import Metrics
from bot.services.answering import Answerer
from bot.services.broadcasts import Broadcasts
from bot.services.patients import PatientService
from bot.services.prompts import Outgoing, Prompts
from bot.services.reminders import DAILY, Reminders
from bot.settings import Settings
from bot.storage.db import create_engine, session_factory
from bot.storage.models import Appointment, Delivery, Subscription
from scheduler.dispatcher import Dispatcher
from scheduler.limiter import RateLimiter
from scheduler.sender import Outcome, SendResult
from tests.conftest import FakeClock, stored

NOW = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)  # 14:00 Tokyo


class RecordingSender:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send(self, chat_id: int, message: Outgoing) -> SendResult:
        self.sent.append((chat_id, message.html))
        return SendResult(Outcome.SENT)

    async def edit(self, chat_id: int, message_id: int, message: Outgoing) -> SendResult:
        return SendResult(Outcome.SENT)


async def test_reminders_prompts_broadcasts_and_stats(database_url: str) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    clock = FakeClock(NOW)
    patients = PatientService(sessions)
    reminders = Reminders(sessions, reminder_rules(settings), patients)
    broadcasts = Broadcasts(sessions)
    sender = RecordingSender()
    metrics = Metrics.create()
    dispatcher = Dispatcher(
        sessions=sessions,
        sender=sender,
        prompts=Prompts(Answerer.from_settings(settings)),
        reminders=reminders,
        patients=patients,
        clock=clock,
        limiter=RateLimiter(1e6, per_chat=0),
        broadcasts=broadcasts,
        rate=25,
        metrics=metrics,
    )
    try:
        alice = await patients.consent(telegram_id=11, language="en", now=NOW)
        bob = await patients.consent(telegram_id=12, language="ja", now=NOW)
        await reminders.add_appointment(alice, NOW + timedelta(days=1), NOW)
        await reminders.subscribe(bob, DAILY, "08:00", NOW)
        draft = await broadcasts.compose(staff_id=99, language="en", now=NOW)
        await broadcasts.set_content(draft, "Closed on <b>1 January</b>", None)
        await broadcasts.set_audience(draft, "all")
        assert await broadcasts.count("all", NOW) == 2
        assert await broadcasts.count("ja", NOW) == 1
        await broadcasts.schedule(draft, NOW)

        report = await dispatcher.tick()
        assert report.sent == 2 and sorted(c for c, _ in sender.sent) == [11, 12]
        clock.current = NOW + timedelta(hours=18)  # 08:00 Tokyo next day; 6 h before the session
        report = await dispatcher.tick()
        assert report.sent == 1 and sender.sent[-1][0] == 12
        clock.current = NOW + timedelta(hours=22)  # 2 h before the session
        assert (await dispatcher.tick()).sent == 1
        assert (await dispatcher.tick()).sent == 0

        counts = await broadcasts.counts(draft)
        assert (counts.total, counts.sent, counts.remaining) == (2, 2, 0)
        sent = {
            kind: metrics.registry.get_sample_value(
                "clinic_bot_deliveries_total", {"kind": kind, "outcome": "sent"}
            )
            for kind in ("broadcast", "daily", "reminder")
        }
        assert sent == {"broadcast": 2, "daily": 1, "reminder": 1}
        assert metrics.registry.get_sample_value("clinic_bot_deliveries_due") == 0
        stats = await broadcasts.stats(clock.current)
        assert (stats.patients, stats.daily, stats.sessions_7d) == (2, 1, 1)

        assert await patients.forget(12)  # everything about Bob goes with him
        assert await stored(database_url, Subscription) == []
        assert {d.patient_id for d in await stored(database_url, Delivery)} == {alice.id}
        await reminders.prune(NOW + timedelta(days=95))  # records older than 90 days go
        assert await stored(database_url, Delivery) == []
        assert await stored(database_url, Appointment) == []
    finally:
        await engine.dispose()


async def test_a_session_reminder_goes_before_a_long_broadcast(database_url: str) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    clock = FakeClock(NOW)
    patients = PatientService(sessions)
    reminders = Reminders(sessions, reminder_rules(settings), patients)
    broadcasts = Broadcasts(sessions)
    sender = RecordingSender()
    dispatcher = Dispatcher(
        sessions=sessions,
        sender=sender,
        prompts=Prompts(Answerer.from_settings(settings)),
        reminders=reminders,
        patients=patients,
        clock=clock,
        limiter=RateLimiter(1e6, per_chat=0),
        broadcasts=broadcasts,
        rate=25,
        batch_size=50,
    )
    try:
        everyone = [
            await patients.consent(telegram_id=1000 + i, language="en", now=NOW) for i in range(120)
        ]
        draft = await broadcasts.compose(staff_id=99, language="en", now=NOW)
        await broadcasts.set_content(draft, "Notice", None)
        await broadcasts.set_audience(draft, "all")
        await broadcasts.schedule(draft, NOW - timedelta(minutes=1))
        await reminders.add_appointment(
            everyone[-1], NOW + timedelta(hours=2), NOW - timedelta(hours=1)
        )
        await dispatcher.tick()
        assert "Reminder" in sender.sent[0][1], "the reminder went out before the broadcast"
        assert len(sender.sent) == 121
    finally:
        await engine.dispose()


class SlowSender(RecordingSender):
    async def send(self, chat_id: int, message: Outgoing) -> SendResult:
        await asyncio.sleep(0.002)  # both dispatchers are mid-batch at the same time
        return await super().send(chat_id, message)


async def test_two_dispatchers_ticking_at_once_send_each_reminder_once(database_url: str) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    clock = FakeClock(NOW)
    patients = PatientService(sessions, remember=False)
    reminders = Reminders(sessions, reminder_rules(settings), patients)
    sender = SlowSender()

    def dispatcher(owner: str) -> Dispatcher:
        return Dispatcher(
            sessions=sessions,
            sender=sender,
            prompts=Prompts(Answerer.from_settings(settings)),
            reminders=reminders,
            patients=patients,
            clock=clock,
            limiter=RateLimiter(1e6, per_chat=0),
            broadcasts=Broadcasts(sessions),
            rate=25,
            batch_size=10,
            owner=owner,
        )

    try:
        for i in range(40):
            patient = await patients.consent(telegram_id=2000 + i, language="en", now=NOW)
            await reminders.add_appointment(
                patient, NOW + timedelta(hours=3), NOW - timedelta(hours=1)
            )
        clock.current = NOW + timedelta(hours=1)  # every 2 h reminder is due
        first, second = await asyncio.gather(dispatcher("a").tick(), dispatcher("b").tick())
        assert first.sent and second.sent, "both took a share"
        assert Counter(chat for chat, _ in sender.sent) == Counter(range(2000, 2040))
        rows = await stored(database_url, Delivery, kind="reminder")
        assert {(d.status, d.claimed_by) for d in rows} == {("sent", None)}
    finally:
        await engine.dispose()
