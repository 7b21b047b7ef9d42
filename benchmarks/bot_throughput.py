"""End-to-end updates per second: the full bot vs a bare python-telegram-bot echo bot.

Both poll the same fake Bot API server (tests/fake_telegram.py) on loopback in one run;
the full bot also answers from content, checks red flags and writes to its SQLite database.
Run: .venv/bin/python benchmarks/bot_throughput.py [updates]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the fake server lives in tests/

from bot.app import build_application, serve
from bot.storage.db import upgrade
from tests.conftest import FakeClock, make_settings
from tests.fake_telegram import FakeTelegram

QUESTIONS = [
    line.split("\t")[1]
    for line in (Path(__file__).parents[1] / "tests/data/questions_en.tsv").read_text().splitlines()
    if line and not line.startswith("#")
]


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text)


async def run_echo(stop: asyncio.Event, base_url: str) -> None:
    app = Application.builder().token("1:ECHO").base_url(base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1, poll_interval=0)
        await stop.wait()
        await app.updater.stop()
        await app.stop()


async def measure(kind: str, updates: int, database_url: str) -> float:
    fake = FakeTelegram()
    await fake.start()
    stop = asyncio.Event()
    if kind == "echo":
        task = asyncio.create_task(run_echo(stop, fake.base_url))
    else:
        app = build_application(make_settings(fake, database_url), clock=FakeClock())
        task = asyncio.create_task(serve(app, stop, poll_timeout=1))
    await fake.wait_calls("getUpdates", 1, timeout=30)
    start = time.perf_counter()
    for index in range(updates):
        await fake.send_text(10_000 + index % 500, QUESTIONS[index % len(QUESTIONS)])
    await fake.wait_for(lambda: fake.counts["sendMessage"] >= updates, timeout=600)
    elapsed = time.perf_counter() - start
    stop.set()
    await task
    await fake.stop()
    return updates / elapsed


async def main(updates: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        await asyncio.to_thread(upgrade, url)
        echo_rate = await measure("echo", updates, url)
        full_rate = await measure("full", updates, url)
    print(f"{updates} text updates through polling, fake Bot API on loopback")
    print(f"bare PTB echo bot : {echo_rate:7.1f} updates/s")
    print(f"full clinic bot   : {full_rate:7.1f} updates/s")
    print(f"ratio full / echo : {full_rate / echo_rate:7.2f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
