"""Reminder dispatcher at scale: 100k daily prompts due in the same minute, startup with
100k subscriptions and 100k appointments, and sustained sending with the real rate limiter.

Run: .venv/bin/python benchmarks/dispatcher_throughput.py [patients] [limited-prompts]
     [--latency LOW-HIGH]   (seconds each call to the fake Bot API takes, e.g. 0.05-0.15)
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the fake server lives in tests/

from bot.app import DISPATCHER_KEY, build_application
from bot.clock import SystemClock
from bot.services.prompts import Outgoing
from bot.settings import Settings
from bot.storage.db import create_engine, upgrade
from bot.storage.models import Appointment, Patient, Subscription
from scheduler.dispatcher import Dispatcher
from scheduler.limiter import RateLimiter
from scheduler.sender import Outcome, SendResult
from tests.fake_telegram import FakeTelegram


class NoopSender:
    """Records when each message was handed over, and sends nothing."""

    def __init__(self) -> None:
        self.handed: list[float] = []

    async def send(self, chat_id: int, message: Outgoing) -> SendResult:
        self.handed.append(time.time())
        return SendResult(Outcome.SENT)


async def seed(url: str, patients: int, due_at: datetime) -> None:
    """Patients with a daily prompt at 08:00 Tokyo due at `due_at`, and a session each."""
    engine = create_engine(url)
    now = datetime.now(UTC)
    async with engine.begin() as connection:
        for start in range(0, patients, 10_000):
            ids = range(start + 1, min(start + 10_000, patients) + 1)
            await connection.execute(
                insert(Patient),
                [
                    {
                        "id": i,
                        "telegram_id": 1_000_000 + i,
                        "language": "en" if i % 3 else "ja",
                        "consented_at": now,
                        "last_seen_at": now,
                    }
                    for i in ids
                ],
            )
            await connection.execute(
                insert(Subscription),
                [
                    {
                        "patient_id": i,
                        "kind": "daily",
                        "active": True,
                        "timezone": "Asia/Tokyo",
                        "local_time": "08:00",
                        "next_due_at": due_at,
                        "streak": 0,
                    }
                    for i in ids
                ],
            )
            await connection.execute(
                insert(Appointment),
                [
                    {
                        "patient_id": i,
                        "starts_at": now + timedelta(days=3, minutes=i % 5000),
                        "status": "booked",
                        "created_at": now,
                    }
                    for i in ids
                ],
            )
    await engine.dispose()


def settings_for(url: str, base_url: str = "http://127.0.0.1:9/bot", rate: float = 30) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token="1:BENCH",  # type: ignore[arg-type]
        telegram_base_url=base_url,
        database_url=url,
        broadcast_rate=rate,
        daily_grace="2h",  # type: ignore[arg-type]
        quiet_hours="00:00-00:01",
    )


async def burst(patients: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        await asyncio.to_thread(upgrade, url)
        due_at = datetime.now(UTC).replace(microsecond=0)
        await seed(url, patients, due_at)

        started = time.perf_counter()
        app = build_application(settings_for(url), clock=SystemClock())
        dispatcher: Dispatcher = app.bot_data[DISPATCHER_KEY]
        built = time.perf_counter() - started
        sender = NoopSender()
        dispatcher._sender = sender
        dispatcher._limiter = RateLimiter(1e9, per_chat=0)

        started = time.perf_counter()
        report = await dispatcher.tick()
        elapsed = time.perf_counter() - started
        latencies = sorted(t - due_at.timestamp() for t in sender.handed)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{patients:,} daily prompts due at once, no-op sender (SQLite)")
        print(
            f"  startup with {patients:,} subscriptions and {patients:,} appointments: "
            f"{built:.2f} s (nothing is loaded per row)"
        )
        print(
            f"  handed to sender: {report.sent:,} in {elapsed:.1f} s = "
            f"{report.sent / elapsed:,.0f} items/s"
        )
        print(
            f"  due -> handed: p50 {statistics.median(latencies):.1f} s, "
            f"p99 {latencies[int(0.99 * len(latencies))]:.1f} s, "
            f"max {latencies[-1]:.1f} s"
        )
        print(f"  peak memory (process RSS): {peak_mb:.0f} MB")
        started = time.perf_counter()
        await dispatcher.tick()
        print(f"  idle tick afterwards: {(time.perf_counter() - started) * 1000:.1f} ms")
        await app.bot_data["engine"].dispose()


async def limited(prompts: int, latency: tuple[float, float]) -> None:
    fake = FakeTelegram(latency)
    await fake.start()
    fake.meet(*(1_000_000 + i for i in range(1, prompts + 1)))  # they have opened the bot
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        await asyncio.to_thread(upgrade, url)
        await seed(url, prompts, datetime.now(UTC).replace(microsecond=0))
        app = build_application(settings_for(url, fake.base_url, rate=30), clock=SystemClock())
        dispatcher: Dispatcher = app.bot_data[DISPATCHER_KEY]
        async with app:
            started = time.perf_counter()
            report = await dispatcher.tick()
            elapsed = time.perf_counter() - started
        rate = report.sent / elapsed
        print(
            f"{prompts:,} due prompts through the real limiter (30/s) to the fake Bot API "
            f"(round trip {latency[0]}-{latency[1]} s)"
        )
        print(
            f"  sent {report.sent:,} in {elapsed:.1f} s = {rate:.1f} messages/s "
            f"= {rate / 30:.0%} of Telegram's 30/s"
        )
    await fake.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("patients", type=int, nargs="?", default=100_000)
    parser.add_argument("prompts", type=int, nargs="?", default=5_000)
    parser.add_argument("--latency", default="0-0", help="seconds per call, e.g. 0.05-0.15")
    arguments = parser.parse_args()
    low, high = (float(x) for x in arguments.latency.split("-"))
    if arguments.patients:
        await burst(arguments.patients)
    if arguments.prompts:
        await limited(arguments.prompts, (low, high))


if __name__ == "__main__":
    asyncio.run(main())
