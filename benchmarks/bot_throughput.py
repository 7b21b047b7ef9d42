"""End-to-end updates per second: the full bot vs a bare python-telegram-bot echo bot.

The fake Bot API server (tests/fake_telegram.py) runs in its own process, so its work is not
charged to the bot; each bot polls it on loopback in turn. The full bot checks red flags,
answers from content and reads and writes its SQLite database; its rate limit is lifted.
Run: .venv/bin/python benchmarks/bot_throughput.py [updates]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.app import build_application, serve
from bot.settings import Settings
from bot.storage.db import upgrade
from scheduler.limiter import RateLimiter

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    line.split("\t")[1]
    for line in (ROOT / "tests/data/questions_en.tsv").read_text().splitlines()
    if line and not line.startswith("#")
]
USERS = 500


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
    """Updates per second for one bot, against a fresh fake server process."""
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fake_telegram", cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert server.stdout is not None
        port = int(await server.stdout.readline())
        base_url, control = f"http://127.0.0.1:{port}/bot", f"http://127.0.0.1:{port}/control"
        stop = asyncio.Event()
        if kind == "echo":
            task = asyncio.create_task(run_echo(stop, base_url))
        else:
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                telegram_bot_token="1:FULL",  # type: ignore[arg-type]
                telegram_base_url=base_url,
                database_url=database_url,
            )
            # BROADCAST_RATE caps every message the bot sends at 30/s; lifted here to measure the
            # machinery, as the echo bot has no limit either.
            app = build_application(settings, limiter=RateLimiter(1e9, per_chat=0))
            task = asyncio.create_task(serve(app, stop, poll_timeout=1))
        batch = [[10_000 + i % USERS, QUESTIONS[i % len(QUESTIONS)]] for i in range(updates)]
        async with aiohttp.ClientSession() as http:
            await asyncio.sleep(1)  # let the bot start polling
            start = time.perf_counter()
            await http.post(f"{control}/messages", json=batch)
            timeout = aiohttp.ClientTimeout(total=None)
            query = {"method": "sendMessage", "count": str(updates)}
            await http.get(f"{control}/wait", params=query, timeout=timeout)
            elapsed = time.perf_counter() - start
        stop.set()
        await task
        return updates / elapsed
    finally:
        server.terminate()
        await server.wait()


async def main(updates: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        await asyncio.to_thread(upgrade, url)
        echo_rate = await measure("echo", updates, url)
        full_rate = await measure("full", updates, url)
    print(f"{updates} text updates from {USERS} users, polling a fake Bot API in another process")
    print(f"bare PTB echo bot : {echo_rate:7.1f} updates/s")
    print(f"full clinic bot   : {full_rate:7.1f} updates/s")
    print(f"ratio full / echo : {full_rate / echo_rate:7.2f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
