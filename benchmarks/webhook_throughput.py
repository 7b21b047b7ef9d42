"""Updates per second through webhook mode with 1, 2 and 3 instances on one PostgreSQL database.

Each instance is its own process serving the real application on a loopback port; the fake
Bot API runs in another process; updates are posted round-robin across the instances (as a
reverse proxy would), 32 at a time, each with the secret header, and the clock stops when the
fake Bot API has received every reply. Red flags, answering and the database all run; the
BROADCAST_RATE budget is lifted to measure the machinery (with it, replies cap at 30/s).
Run: .venv/bin/python benchmarks/webhook_throughput.py [updates] (needs PostgreSQL,
TEST_POSTGRES_URL or postgresql+asyncpg://postgres@127.0.0.1:5432/test)
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
import uuid
from pathlib import Path

import aiohttp
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.storage.db import create_engine, upgrade  # noqa: E402

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
SECRET = "bench-secret"
USERS = 500
IN_FLIGHT = 32
QUESTIONS = [
    line.split("\t")[1]
    for line in (ROOT / "tests/data/questions_en.tsv").read_text().splitlines()
    if line and not line.startswith("#")
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _update(update_id: int) -> dict[str, object]:
    user = 10_000 + update_id % USERS
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "P", "language_code": "en"},
            "text": QUESTIONS[update_id % len(QUESTIONS)],
        },
    }


async def serve_instance() -> None:
    """One instance (run in its own process by `measure`), its rate limit lifted."""
    from bot.app import build_application, serve
    from bot.settings import Settings
    from scheduler.limiter import RateLimiter

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    import signal

    loop.add_signal_handler(signal.SIGTERM, stop.set)
    app = build_application(Settings(), limiter=RateLimiter(1e9, per_chat=0))
    await serve(app, stop)


async def measure(instances: int, updates: int, database_url: str, bot_api: str) -> float:
    ports = [_free_port() for _ in range(instances)]
    processes = []
    for port in ports:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": "1:BENCH",
            "TELEGRAM_BASE_URL": f"{bot_api}/bot",
            "DATABASE_URL": database_url,
            "WEBHOOK_URL": "https://bench.example.org/telegram",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": f"127.0.0.1:{port}",
            "LOG_LEVEL": "WARNING",
        }
        processes.append(
            await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--instance", env=env, cwd=ROOT
            )
        )
    try:
        async with aiohttp.ClientSession() as http:
            for port in ports:  # every instance answers its health check
                while True:
                    try:
                        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                            if response.status == 200:
                                break
                    except aiohttp.ClientError:
                        pass
                    await asyncio.sleep(0.2)
            async with http.get(f"{bot_api}/control/count?method=sendMessage") as response:
                before = int((await response.json())["result"])
            queue: asyncio.Queue[int] = asyncio.Queue()
            for update_id in range(1, updates + 1):
                queue.put_nowait(update_id)

            async def poster() -> None:
                while not queue.empty():
                    update_id = queue.get_nowait()
                    port = ports[update_id % instances]
                    url = f"http://127.0.0.1:{port}/telegram"
                    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                    async with http.post(url, json=_update(update_id), headers=headers) as r:
                        assert r.status == 200, r.status

            started = time.perf_counter()
            await asyncio.gather(*(poster() for _ in range(IN_FLIGHT)))
            query = {"method": "sendMessage", "count": str(before + updates)}
            timeout = aiohttp.ClientTimeout(total=None)
            await http.get(f"{bot_api}/control/wait", params=query, timeout=timeout)
            elapsed = time.perf_counter() - started
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            await process.wait()
    return updates / elapsed


async def main(updates: int) -> None:
    name = f"clinic_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f"create database {name}"))
    database_url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    fake = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "tests/fake_telegram.py"), stdout=asyncio.subprocess.PIPE
    )
    try:
        await asyncio.to_thread(upgrade, database_url)
        assert fake.stdout is not None
        bot_api = f"http://127.0.0.1:{int(await fake.stdout.readline())}"
        async with aiohttp.ClientSession() as http:  # the users have opened the bot
            users = [10_000 + i for i in range(USERS)]
            await http.post(f"{bot_api}/control/meet", json=users)
        print(f"{updates} text updates from {USERS} users, posted {IN_FLIGHT} at a time")
        for instances in (1, 2, 3):
            rate = await measure(instances, updates, database_url, bot_api)
            print(f"{instances} instance(s): {rate:7.1f} updates/s")
    finally:
        fake.terminate()
        await fake.wait()
        async with admin.connect() as connection:
            await connection.execute(text(f"drop database {name} with (force)"))
        await admin.dispose()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--instance"]:
        asyncio.run(serve_instance())
    else:
        asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
