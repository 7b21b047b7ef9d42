"""Several real `clinic-bot run` processes on one database: who leads, failover, exactly once."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from bot.app import JOINING_HOLD, build_application, serve, take_share
from bot.storage.db import count_instances, create_engine, upgrade_async
from bot.storage.models import Appointment, Delivery, Patient
from scheduler.limiter import RateLimiter
from tests.conftest import FakeClock, make_settings, seed_patients, stored
from tests.fake_telegram import Call, FakeTelegram, Fault, busiest_second
from tests.test_limiter import FakeTime

RATE = 25  # leaves a loaded 2-core machine room to keep up
MESSAGES = frozenset({"sendMessage", "editMessageText", "sendPhoto", "sendDocument"})
DISPATCH_EVERY = 1.0


def _env(fake: FakeTelegram, url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN",
        "DATABASE_URL": url,
        "TELEGRAM_BASE_URL": fake.base_url,
        "DISPATCH_EVERY": f"{int(DISPATCH_EVERY)}s",
        "BROADCAST_RATE": str(RATE),
        **extra,
    }


@asynccontextmanager
async def _process(
    env: dict[str, str], folder: Path, name: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`clinic-bot run` in its own process; its log goes to `folder/name.log`."""
    log = (folder / f"{name}.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=folder, stdout=log, stderr=log
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
        log.close()


def _log(folder: Path, name: str) -> str:
    return (folder / f"{name}.log").read_text(encoding="utf-8")


async def _wait_for(predicate: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.1)


async def _reminders_due(fake: FakeTelegram, url: str, count: int) -> list[int]:
    """`count` patients, each with a session in 3 h whose 2 h reminder fell due a minute ago."""
    now = datetime.now(UTC)
    ids = await seed_patients(url, count, meet=fake, now=now)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            patients = (await connection.execute(select(Patient.id))).scalars().all()
            await connection.execute(
                insert(Appointment),
                [
                    {
                        "patient_id": pid,
                        "starts_at": now + timedelta(hours=3),
                        "status": "booked",
                        "created_at": now,
                    }
                    for pid in patients
                ],
            )
            appointments = (
                await connection.execute(select(Appointment.id, Appointment.patient_id))
            ).all()
            due = now - timedelta(minutes=1)
            await connection.execute(
                insert(Delivery),
                [
                    {
                        "patient_id": pid,
                        "kind": "reminder",
                        "ref_id": aid,
                        "due_at": due,
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": due,
                    }
                    for aid, pid in appointments
                ],
            )
    finally:
        await engine.dispose()
    return ids


async def _all_recorded(url: str, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while Counter(d.status for d in await stored(url, Delivery)) != {"sent": count}:
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.2)


def _reminders(fake: FakeTelegram) -> list[Call]:
    return [c for c in fake.delivered("sendMessage") if "Reminder" in c.text]


async def test_a_second_run_on_the_same_sqlite_file_refuses_and_sends_nothing(
    fake_telegram: FakeTelegram, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade_async(url)
    env = _env(fake_telegram, url)
    async with _process(env, tmp_path, "first"):
        await fake_telegram.wait_calls("getUpdates", 1, timeout=60)
        calls = len(fake_telegram.calls)
        async with _process(env, tmp_path, "second") as second:
            assert await asyncio.wait_for(second.wait(), 60) == 1
        assert "another clinic-bot is already running" in _log(tmp_path, "second")
        # Nothing the second process did reached Telegram (the first is only long-polling).
        assert {c.method for c in fake_telegram.calls[calls:]} <= {"getUpdates"}


async def test_two_instances_on_postgres_send_2000_reminders_once_through_a_hard_kill(
    fake_telegram: FakeTelegram, postgres_url: str, tmp_path: Path
) -> None:
    recipients = await _reminders_due(fake_telegram, postgres_url, 2000)
    env = _env(fake_telegram, postgres_url)

    # Waits count calls (cheap): a scan of every call on each one would slow the fake server,
    # bunch its arrival times up and overstate the rate.
    def sent() -> int:
        return fake_telegram.counts["sendMessage"]

    async with _process(env, tmp_path, "first") as first:
        await fake_telegram.wait_for(lambda: sent() >= 10, timeout=120)
        async with _process(env, tmp_path, "second"):
            await _wait_for(lambda: "stands by" in _log(tmp_path, "second"), 60)
            assert "leads: it polls" not in _log(tmp_path, "second")
            await fake_telegram.wait_for(lambda: sent() >= 1000, timeout=120)
            first.kill()  # SIGKILL: no clean shutdown, nothing flushed
            await first.wait()
            killed_at, sent_by_first = time.monotonic(), len(_reminders(fake_telegram))
            await fake_telegram.wait_for(lambda: sent() > sent_by_first + 1, timeout=60)
            resumed_at = next(c.at for c in _reminders(fake_telegram)[sent_by_first:])
            await fake_telegram.wait_for(lambda: sent() >= len(recipients), timeout=120)
            # Once every row is recorded, nothing is pending: no copy can still be on its way.
            await _all_recorded(postgres_url, len(recipients))
            assert "leads: it polls" in _log(tmp_path, "second")
    copies = Counter(c.chat_id for c in _reminders(fake_telegram))
    duplicates = sum(n - 1 for n in copies.values())
    busiest = busiest_second([c.at for c in fake_telegram.calls if c.ok and c.method in MESSAGES])
    failover = resumed_at - killed_at
    print(
        f"\n2,000 reminders, 2 instances, leader SIGKILLed after {sent_by_first}: "
        f"lost {len(set(recipients) - set(copies))}, duplicates {duplicates}, "
        f"busiest second {busiest} (BROADCAST_RATE {RATE}), failover {failover:.1f} s"
    )
    assert set(copies) == set(recipients), "nobody's reminder is lost"
    # One message in flight per instance, recorded before the next goes: only it can repeat.
    assert duplicates <= 1, "at most the one message in flight at the kill repeats"
    # Counted as the server saw them (its receipt times), so no allowance for jitter: the
    # limiter holds each turn until the answer is in, and a new leader waits a second.
    assert busiest <= RATE, "together within BROADCAST_RATE in every second"
    assert failover <= 2 * DISPATCH_EVERY + 10
    rows = await stored(postgres_url, Delivery)
    assert Counter(d.status for d in rows) == Counter({"sent": len(recipients)})


async def test_instances_count_each_other_and_share_the_rate(postgres_url: str) -> None:
    engines = [create_engine(postgres_url, instance=f"host:{pid}") for pid in (1, 2, 3)]
    try:
        for engine in engines:
            async with engine.connect() as connection:
                await connection.execute(select(1))
        assert await count_instances(engines[0]) == 3
        await engines[2].dispose()
        assert await count_instances(engines[0]) == 2
    finally:
        for engine in engines:
            await engine.dispose()
    clock = FakeTime()
    limiter = RateLimiter(30, per_chat=0, monotonic=clock.monotonic, sleep=clock.sleep)
    limiter.share(2)
    for _ in range(4):
        async with limiter.turn():
            pass
    assert round(clock.now, 3) == 0.2, "half of 30/s: one every 1/15 s"


async def test_a_leader_that_cannot_start_dispatching_stops_instead_of_holding_the_lead(
    fake_telegram: FakeTelegram, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    await upgrade_async(sqlite_url)
    fake_telegram.fail_next("setMyCommands", Fault(500, "Internal Server Error"))
    stop = asyncio.Event()
    app = build_application(make_settings(fake_telegram, sqlite_url))
    await asyncio.wait_for(serve(app, stop), 30)  # returns by itself
    assert stop.is_set() and "background work failed; stopping" in caplog.text


async def test_a_new_leader_sends_nothing_in_its_first_second(
    fake_telegram: FakeTelegram, sqlite_url: str, clock: FakeClock
) -> None:
    """The instance it replaces may have sent in its last second, and Telegram counts those."""
    await upgrade_async(sqlite_url)
    time = FakeTime()  # the limiter's: its waits pass at once and show here
    limiter = RateLimiter(10_000, per_chat=0, monotonic=time.monotonic, sleep=time.sleep)
    settings = make_settings(fake_telegram, sqlite_url)
    app = build_application(settings, clock=clock, limiter=limiter)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, stop, poll_timeout=1, tick=False))
    try:
        await fake_telegram.wait_calls("getUpdates", 1)
        await fake_telegram.send_text(501, "/start")
        await fake_telegram.wait_calls("sendMessage", 1, chat_id=501)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
    assert time.now >= 1.0, "its first message waited until the second was over"


async def test_a_joining_instance_takes_its_share_and_waits_for_the_others_to_make_room(
    postgres_url: str,
) -> None:
    others = [create_engine(postgres_url, instance=f"host:{pid}") for pid in (1, 2)]
    mine = create_engine(postgres_url, instance="host:3")
    try:
        for engine in others:
            async with engine.connect() as connection:
                await connection.execute(select(1))
        time = FakeTime()
        limiter = RateLimiter(30, per_chat=0, monotonic=time.monotonic, sleep=time.sleep)
        assert await take_share(limiter, mine) == 3
        sent = []
        for _ in range(11):
            async with limiter.turn():
                sent.append(time.now)
    finally:
        for engine in [*others, mine]:
            await engine.dispose()
    assert sent[0] >= JOINING_HOLD, "nothing until the others have counted it and made room"
    assert round(sent[-1] - sent[0], 3) == 1.0, "a third of 30/s: one every 0.1 s"
