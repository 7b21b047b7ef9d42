"""Webhook mode: the real application on a loopback port, updates posted with and without the
secret, /healthz and /metrics."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from bot.app import build_application, serve
from bot.metrics import Metrics
from bot.storage.db import create_engine
from bot.webhook import SECRET_HEADER, listener
from tests.conftest import FakeClock, make_settings
from tests.fake_telegram import FakeTelegram

SECRET = "s3cret-Token_1"
PATIENT = 501


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_update(update_id: int, user: int = PATIENT) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "P", "language_code": "en"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


@asynccontextmanager
async def _webhook_bot(fake: FakeTelegram, url: str) -> AsyncIterator[str]:
    """The bot in webhook mode; yields the listener's base URL."""
    port = _free_port()
    settings = make_settings(
        fake,
        url,
        webhook_url="https://bot.example.org/telegram/update",
        webhook_secret=SECRET,
        webhook_listen=f"127.0.0.1:{port}",
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(build_application(settings, clock=FakeClock()), stop))
    base = f"http://127.0.0.1:{port}"
    try:
        await fake.wait_calls("setWebhook", 1, timeout=30)
        yield base
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


async def test_updates_need_the_secret_and_health_and_metrics_answer(
    fake_telegram: FakeTelegram, postgres_url: str
) -> None:
    async with _webhook_bot(fake_telegram, postgres_url) as base, aiohttp.ClientSession() as http:
        [hook] = fake_telegram.calls_to("setWebhook")
        assert hook.params["url"] == "https://bot.example.org/telegram/update"
        assert hook.params["secret_token"] == SECRET
        endpoint = f"{base}/telegram/update"
        for headers in ({}, {SECRET_HEADER: "wrong"}):
            async with http.post(endpoint, json=_start_update(1), headers=headers) as response:
                assert response.status == 403
        await asyncio.sleep(0.5)  # had a forged update been handled, the reply would be out
        assert fake_telegram.calls_to("sendMessage", PATIENT) == []

        async with http.post(
            endpoint, json=_start_update(2), headers={SECRET_HEADER: SECRET}
        ) as response:
            assert response.status == 200
        [welcome, *_] = await fake_telegram.wait_calls("sendMessage", 1, chat_id=PATIENT)
        assert "Fuji Wellness" in welcome.text

        async with http.get(f"{base}/healthz") as response:
            assert response.status == 200
            health = await response.json()
        assert health == {"status": "ok", "database": "ok", "bot": "running", "leader": True}
        async with http.get(f"{base}/metrics") as response:
            metrics = await response.text()
        assert "clinic_bot_updates_total 1.0" in metrics
        assert "clinic_bot_leader 1.0" in metrics
        for name in ("answers", "deliveries", "send_seconds", "deliveries_due"):
            assert f"clinic_bot_{name}" in metrics


async def test_health_is_503_when_the_database_does_not_answer(
    fake_telegram: FakeTelegram, sqlite_url: str
) -> None:
    settings = make_settings(fake_telegram, sqlite_url)
    app = build_application(settings)
    unreachable = create_engine("postgresql+asyncpg://nobody@127.0.0.1:9/nothing")
    server = listener(
        app, path="/hook", secret=SECRET, engine=unreachable, metrics=Metrics.create()
    )
    runner = aiohttp.web.AppRunner(server)
    await runner.setup()
    port = _free_port()
    await aiohttp.web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            assert response.status == 503
            assert (await response.json())["database"] == "unavailable"
    finally:
        await runner.cleanup()
        await unreachable.dispose()
        await app.bot_data["engine"].dispose()
