"""APScheduler decides only when to look: one interval job that asks the dispatcher to tick."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.dispatcher import Dispatcher

log = logging.getLogger(__name__)


async def _tick(dispatcher: Dispatcher) -> None:
    try:
        report = await dispatcher.tick()
    except Exception:
        log.exception("dispatcher tick failed; the next tick retries what is still due")
        return
    if report.sent or report.failed or report.retried or report.blocked:
        log.info(
            "sent %s, retried %s, failed %s, blocked %s, skipped %s",
            report.sent,
            report.retried,
            report.failed,
            report.blocked,
            report.skipped,
        )


def start_ticking(dispatcher: Dispatcher, every: timedelta) -> AsyncIOScheduler:
    """Start the job (inside a running event loop). Nothing is lost between ticks: rows stay due."""
    scheduler = AsyncIOScheduler()
    scheduler.add_job(
        _tick,
        "interval",
        args=[dispatcher],
        seconds=every.total_seconds(),
        max_instances=1,
        coalesce=True,
        # A tick that starts late still has work to do; APScheduler's default of 1 s would skip it.
        misfire_grace_time=None,
        # Start at once: whatever fell due while the bot was down goes out now.
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler
