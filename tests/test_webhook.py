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
from tests.conftest import FakeClock, make_settings, quiet_hours_away_from_now, seed_patients
from tests.fake_telegram import FakeTelegram
from tests.test_broadcasts import NOTICE, STAFF

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


async def test_send_now_on_a_standby_instance_wakes_the_leader(
    fake_telegram: FakeTelegram, postgres_url: str
) -> None:
    [patient] = await seed_patients(postgres_url, 1, meet=fake_telegram)
    stop = asyncio.Event()
    ports, tasks = [], []
    for _ in range(2):  # the first leads; the second stands by and takes the staff member's taps
        ports.append(_free_port())
        settings = make_settings(
            fake_telegram,
            postgres_url,
            staff_ids=str(STAFF),
            dispatch_every="1h",  # only a wake-up can start the broadcast within the test
            quiet_hours=quiet_hours_away_from_now(),  # it runs on the wall clock
            webhook_url="https://bot.example.org/telegram/update",
            webhook_secret=SECRET,
            webhook_listen=f"127.0.0.1:{ports[-1]}",
        )
        tasks.append(asyncio.create_task(serve(build_application(settings), stop)))
        await fake_telegram.wait_calls("setWebhook", len(tasks), timeout=30)
        if len(tasks) == 1:
            await fake_telegram.wait_calls("setMyCommands", 1, timeout=30)  # it leads
    standby = f"http://127.0.0.1:{ports[1]}/telegram/update"
    try:
        async with aiohttp.ClientSession() as http:

            async def post(update_id: int) -> None:
                update = next(u for u in fake_telegram._updates if u["update_id"] == update_id)
                headers = {SECRET_HEADER: SECRET}
                async with http.post(standby, json=update, headers=headers) as response:
                    assert response.status == 200

            await post(await fake_telegram.send_text(STAFF, "/broadcast"))
            await fake_telegram.wait_calls("sendMessage", 1, chat_id=STAFF)
            await post(await fake_telegram.send_text(STAFF, NOTICE))
            ask = (await fake_telegram.wait_calls("sendMessage", 3, chat_id=STAFF))[-1]
            audience = next(
                b["callback_data"] for b in ask.buttons() if b["callback_data"].endswith("all")
            )
            await post(await fake_telegram.press(STAFF, audience))
            count = (await fake_telegram.wait_calls("editMessageText", 1, chat_id=STAFF))[-1]
            await post(await fake_telegram.press(STAFF, count.buttons()[0]["callback_data"]))
            [notice] = await fake_telegram.wait_calls("sendMessage", 1, chat_id=patient)
            assert notice.text == NOTICE
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 20)
