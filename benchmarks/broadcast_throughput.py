"""Broadcast delivery: 10,000 recipients to the fake Bot API (in its own process), first with
the rate limit at 30/s (achieved share of the limit), then with the limit lifted (the
machinery's own ceiling), and peak memory. `--latency 0.05-0.15` makes every call to the fake
take that long (uniform), as a real round trip to Telegram does.

Run: .venv/bin/python benchmarks/broadcast_throughput.py [recipients] [--latency LOW-HIGH]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from sqlalchemy import insert

from bot.app import DISPATCHER_KEY, build_application
from bot.clock import SystemClock
from bot.settings import Settings
from bot.storage.db import create_engine, upgrade
from bot.storage.models import Broadcast, Patient
from scheduler.dispatcher import Dispatcher
from scheduler.limiter import RateLimiter

ROOT = Path(__file__).resolve().parents[1]


async def seed(url: str, recipients: int) -> None:
    now = datetime.now(UTC)
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(
            insert(Patient),
            [
                {
                    "telegram_id": 2_000_000 + i,
                    "language": "en",
                    "consented_at": now,
                    "last_seen_at": now,
                }
                for i in range(recipients)
            ],
        )
        await connection.execute(
            insert(Broadcast),
            [
                {
                    "created_by": 1,
                    "language": "en",
                    "created_at": now,
                    "status": "scheduled",
                    "html": "The clinic is closed on <b>1 January</b>.",
                    "audience": "all",
                    "send_at": now,
                    "total": 0,
                }
            ],
        )
    await engine.dispose()


async def run(recipients: int, rate: float | None, latency: str) -> tuple[int, float]:
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "tests.fake_telegram", "--latency", latency),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert server.stdout is not None
        port = int(await server.stdout.readline())
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
            await asyncio.to_thread(upgrade, url)
            await seed(url, recipients)
            async with aiohttp.ClientSession() as http:  # the recipients have opened the bot
                meet = [2_000_000 + i for i in range(recipients)]
                await http.post(f"http://127.0.0.1:{port}/control/meet", json=meet)
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                telegram_bot_token="1:BENCH",  # type: ignore[arg-type]
                telegram_base_url=f"http://127.0.0.1:{port}/bot",
                database_url=url,
                broadcast_rate=rate or 30,
                quiet_hours="00:00-00:01",
            )
            limiter = RateLimiter(rate or 1e9, per_chat=1.0)
            app = build_application(settings, clock=SystemClock(), limiter=limiter)
            dispatcher: Dispatcher = app.bot_data[DISPATCHER_KEY]
            async with app:
                started = time.perf_counter()
                report = await dispatcher.tick()
                elapsed = time.perf_counter() - started
        return report.sent, elapsed
    finally:
        server.terminate()
        await server.wait()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("recipients", type=int, nargs="?", default=10_000)
    parser.add_argument("--latency", default="0-0", help="seconds per call, e.g. 0.05-0.15")
    arguments = parser.parse_args()
    recipients, latency = arguments.recipients, arguments.latency
    print(f"fake Bot API round trip: {latency} s")
    sent, elapsed = await run(recipients, 30, latency)
    print(
        f"{recipients:,} recipients, limit 30/s: sent {sent:,} in {elapsed:.1f} s = "
        f"{sent / elapsed:.1f}/s = {sent / elapsed / 30:.0%} of the limit"
    )
    sent, elapsed = await run(recipients, None, latency)
    print(
        f"{recipients:,} recipients, no limit: sent {sent:,} in {elapsed:.1f} s = "
        f"{sent / elapsed:,.0f} messages/s (the machinery's own ceiling)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (process RSS): {peak:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
