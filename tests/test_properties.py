"""Property-based tests (hypothesis): callback data, date parsing, the dispatcher's states."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import reminder_rules
from bot.keyboards import MAX_ID, callback_id, parse_callback
from bot.services.answering import Answerer
from bot.services.broadcasts import Broadcasts
from bot.services.patients import PatientService
from bot.services.prompts import Outgoing, Prompts
from bot.services.reminders import Reminders
from bot.services.when import MAX_AHEAD, parse_when
from bot.settings import Settings
from bot.storage.db import create_engine, session_factory, upgrade
from bot.storage.models import Delivery
from scheduler.dispatcher import Dispatcher
from scheduler.limiter import RateLimiter
from scheduler.sender import Outcome, SendResult
from tests.conftest import FakeClock, stored

NOW = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)
ZONES = ["Asia/Tokyo", "America/New_York", "Europe/London", "Pacific/Chatham", "UTC"]


@given(st.text(max_size=80))
def test_any_callback_data_parses_or_is_refused_without_raising(data: str) -> None:
    parsed = parse_callback(data)
    if parsed is not None:
        assert len(f"{parsed.kind}:{parsed.value}".encode()) <= 64
        number = callback_id(parsed.value[1:])
        assert number is None or 0 < number <= MAX_ID


@given(st.integers(min_value=-(10**50), max_value=10**50))
def test_a_button_number_is_an_id_only_within_the_database_range(number: int) -> None:
    parsed = callback_id(str(number))
    assert parsed == (number if 0 < number <= MAX_ID else None)


@given(
    text=st.one_of(
        st.text(max_size=40),
        st.sampled_from(["tomorrow", "明日", "来週火曜", "12/3", "next friday", "2027-01-05"])
        .map(lambda day: day + " ")
        .flatmap(
            lambda day: st.sampled_from(["3pm", "15:30", "午後3時", "at 9", "noon", ""]).map(
                lambda t: day + t
            )
        ),
    ),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 400),
    zone=st.sampled_from(ZONES),
)
@settings(max_examples=300, deadline=None)
def test_parsed_dates_are_aware_future_and_within_a_year(
    text: str, minutes: int, zone: str
) -> None:
    now = NOW + timedelta(minutes=minutes)
    parsed = parse_when(text, now=now, zone=zone)
    assert (parsed.at is None) != (parsed.problem is None)
    if parsed.at is not None:
        assert parsed.at.tzinfo is not None and parsed.at.utcoffset() == timedelta(0)
        assert now < parsed.at <= now + MAX_AHEAD


# ---- the dispatcher as a state machine ------------------------------------------------------
OUTCOMES = st.sampled_from(
    [
        SendResult(Outcome.SENT),
        SendResult(Outcome.SENT),
        SendResult(Outcome.BLOCKED, error="Forbidden"),
        SendResult(Outcome.RETRY_AFTER, retry_after=3),
        SendResult(Outcome.TRANSIENT, error="NetworkError"),
        SendResult(Outcome.REJECTED, error="BadRequest"),
        SendResult(Outcome.UNKNOWN, error="TimedOut"),
    ]
)
STEPS = st.lists(
    st.tuples(st.integers(min_value=0, max_value=7200), st.lists(OUTCOMES, max_size=6)),
    min_size=1,
    max_size=6,
)
FINAL = {"sent", "blocked", "skipped", "failed", "unknown"}


class ScriptedSender:
    """Answers each send with the next scripted outcome (then success); records what arrived."""

    def __init__(self) -> None:
        self.script: list[SendResult] = []
        self.attempts: Counter[int] = Counter()
        self.arrived: Counter[int] = Counter()

    async def send(self, chat_id: int, message: Outgoing) -> SendResult:
        self.attempts[chat_id] += 1
        result = self.script.pop(0) if self.script else SendResult(Outcome.SENT)
        if result.outcome in (Outcome.SENT, Outcome.UNKNOWN):  # an unknown one may have arrived
            self.arrived[chat_id] += 1
        return result

    async def edit(self, chat_id: int, message_id: int, message: Outgoing) -> SendResult:
        return SendResult(Outcome.SENT)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file each example copies (migrating per example would be slow)."""
    path = tmp_path_factory.mktemp("template") / "bot.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


async def _run(url: str, steps: list[tuple[int, list[SendResult]]]) -> None:
    config = Settings(_env_file=None)  # type: ignore[call-arg]
    engine = create_engine(url)
    sessions = session_factory(engine)
    clock = FakeClock(NOW)
    patients = PatientService(sessions)
    reminders = Reminders(sessions, reminder_rules(config), patients)
    sender = ScriptedSender()
    dispatcher = Dispatcher(
        sessions=sessions,
        sender=sender,
        prompts=Prompts(Answerer.from_settings(config)),
        reminders=reminders,
        patients=patients,
        clock=clock,
        limiter=RateLimiter(1e9, per_chat=0),
        broadcasts=Broadcasts(sessions),
        rate=25,
        max_attempts=3,
    )
    try:
        for i in range(3):
            patient = await patients.consent(telegram_id=900 + i, language="en", now=NOW)
            await reminders.add_appointment(patient, NOW + timedelta(hours=30 + i), NOW)
        for seconds, outcomes in steps:
            clock.advance(timedelta(seconds=seconds))
            sender.script = list(outcomes)
            await dispatcher.tick()
        clock.advance(timedelta(days=2))  # long after every session: nothing may still go out
        sender.script = []
        await dispatcher.tick()
        rows = await stored(url, Delivery)
    finally:
        await engine.dispose()
    by_chat = Counter({900 + i: 0 for i in range(3)})
    for row in rows:
        assert row.status in FINAL, f"a delivery is left {row.status}"
        assert row.claimed_by is None, "every claim is released"
        assert (row.sent_at is not None) == (row.status == "sent")
        assert row.attempts <= 3
    for chat, count in sender.arrived.items():
        by_chat[chat] = count
    sent = Counter(row.patient_id for row in rows if row.status in ("sent", "unknown"))
    assert sum(sender.arrived.values()) == sum(sent.values()), "one arrival per sent row"
    assert all(n <= 2 for n in by_chat.values()), "at most one copy of each of two reminders"


@given(steps=STEPS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_dispatcher_ends_every_delivery_in_a_final_state_and_never_repeats_one(
    template_database: Path, steps: list[tuple[int, list[SendResult]]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bot.sqlite3"
        shutil.copy(template_database, path)
        asyncio.run(_run(f"sqlite+aiosqlite:///{path}", steps))
