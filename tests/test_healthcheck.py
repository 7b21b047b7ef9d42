"""The image's HEALTHCHECK: healthy only while the webhook server answers `/healthz`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.healthcheck import healthz_url, main, probe


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[int]]]:
    """A loopback server whose `/healthz` answers with the first status in the list."""
    statuses = [200]

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(status=statuses[0], text="ok" if statuses[0] == 200 else "down")

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"0.0.0.0:{port}", statuses
    await runner.cleanup()


async def test_healthy_while_healthz_answers_200_and_unhealthy_otherwise(
    server: tuple[str, list[int]],
) -> None:
    listen, statuses = server
    url = healthz_url(listen)

    answering = await asyncio.to_thread(probe, url)
    statuses[0] = 503
    failing = await asyncio.to_thread(probe, url)
    nobody_listening = await asyncio.to_thread(probe, "http://127.0.0.1:9/healthz")

    assert url.startswith("http://127.0.0.1:") and url.endswith("/healthz")
    assert (answering, failing, nobody_listening) == (True, False, False)


def test_long_polling_has_nothing_to_probe_and_is_healthy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.delenv("WEBHOOK_URL", raising=False)

    assert main() == 0


async def test_in_webhook_mode_health_follows_the_listeners_healthz(
    server: tuple[str, list[int]], monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    listen, statuses = server
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example/telegram")
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret")
    monkeypatch.setenv("WEBHOOK_LISTEN", listen)

    healthy = await asyncio.to_thread(main)
    statuses[0] = 503
    unhealthy = await asyncio.to_thread(main)

    assert (healthy, unhealthy) == (0, 1)
