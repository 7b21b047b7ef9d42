"""Webhook mode's HTTP listener (aiohttp): Telegram's updates, /healthz and /metrics.

PTB's documented custom-server pattern: the server checks the secret Telegram sends and puts
each update on the application's update queue; the application handles it as if polled.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.ext import Application

from bot.metrics import Metrics

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_TIMEOUT = 2.0  # seconds the database may take to answer a health check


def webhook_path(url: str) -> str:
    """The path Telegram posts to: the public URL's path (a reverse proxy passes it on)."""
    return urlsplit(url).path or "/"


def parse_listen(listen: str) -> tuple[str, int]:
    """`host:port` (the host may be empty for all interfaces)."""
    host, _, port = listen.rpartition(":")
    return host or "0.0.0.0", int(port)


def listener(
    app: Application,  # type: ignore[type-arg]
    *,
    path: str,
    secret: str,
    engine: AsyncEngine,
    metrics: Metrics,
) -> web.Application:
    """The aiohttp application every instance serves in webhook mode."""

    async def on_update(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        try:
            update = Update.de_json(await request.json(), app.bot)
        except ValueError:
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        if update is None:
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        await app.update_queue.put(update)
        return web.json_response({"ok": True})

    async def on_health(_request: web.Request) -> web.Response:
        database = await _database_answers(engine)
        body = {
            "status": "ok" if database and app.running else "unavailable",
            "database": "ok" if database else "unavailable",
            "bot": "running" if app.running else "stopped",
            "leader": metrics.registry.get_sample_value("clinic_bot_leader") == 1,
        }
        return web.json_response(body, status=200 if body["status"] == "ok" else 503)

    async def on_metrics(_request: web.Request) -> web.Response:
        return web.Response(body=metrics.exposition(), content_type="text/plain", charset="utf-8")

    server = web.Application()
    server.router.add_post(path, on_update)
    server.router.add_get("/healthz", on_health)
    server.router.add_get("/metrics", on_metrics)
    return server


async def _database_answers(engine: AsyncEngine) -> bool:
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT), engine.connect() as connection:
            await connection.execute(text("select 1"))
    except Exception as error:
        log.warning("health check: the database does not answer (%s)", type(error).__name__)
        return False
    return True


async def start_listener(server: web.Application, listen: str) -> web.AppRunner:
    """Serve `server` on `listen` (host:port) until the runner is cleaned up."""
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    host, port = parse_listen(listen)
    await web.TCPSite(runner, host, port).start()
    log.info("listening on %s:%s for Telegram, /healthz and /metrics", host, port)
    return runner
