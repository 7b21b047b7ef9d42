"""Pain chart rendering: time (median, p99) and memory, and whether other patients wait for it.

Part 1 draws charts in this process. Part 2 runs the full bot against the fake Bot API (in its
own process): patients with a 90-day diary all ask for their chart at once while another chat
asks questions one after another; the question's round trip is measured with charts drawn in a
worker process (RENDER_PROCESSES=1, the default) and in a thread (RENDER_PROCESSES=0), and with
no charts at all as the baseline.
Run: .venv/bin/python benchmarks/chart_rendering.py [charts]
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
from sqlalchemy import insert

from bot.app import build_application, serve
from bot.handlers.diary import chart_data
from bot.i18n import Texts
from bot.services.charts import render_chart
from bot.services.diary import DayScore, History
from bot.settings import Settings
from bot.storage.db import create_engine, upgrade
from bot.storage.models import PainScore, Patient

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "does acupuncture hurt?"


def _history(days: int, today: date) -> History:
    rng = random.Random(days)
    first = today - timedelta(days=days - 1)
    scores = tuple(
        DayScore(first + timedelta(days=i), max(0, min(10, 7 - i // 9 + rng.randint(-1, 1))), ())
        for i in range(days)
        if rng.random() < 0.85
    )
    sessions = tuple(first + timedelta(days=i) for i in range(3, days, 7))
    return History(first_day=first, last_day=today, scores=scores, sessions=sessions)


def _worker_peak_mb() -> float | None:
    """Peak resident memory of this process's drawing workers (spawned children), from /proc."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
            cmdline = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields["PPid"]) == os.getpid() and b"spawn_main" in cmdline:
            peaks.append(int(fields["VmHWM"].split()[0]) / 1024)
    return max(peaks) if peaks else None


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def part_one(count: int) -> None:
    """Rendering time and memory in this process."""
    today = date(2026, 11, 30)
    for language in ("en", "ja"):
        texts = Texts()(language)
        for days in (30, 90):
            data = chart_data(_history(days, today), texts, days)
            render_chart(data)  # warm: fonts loaded, caches filled
            times, size = [], 0
            for _ in range(count):
                start = time.perf_counter()
                size = len(render_chart(data))
                times.append((time.perf_counter() - start) * 1000)
            print(
                f"render {language} {days:>2} days: median {statistics.median(times):6.1f} ms, "
                f"p99 {_percentile(times, 0.99):6.1f} ms, PNG {size / 1024:.0f} KB"
            )
    tracemalloc.start()
    render_chart(chart_data(_history(90, today), Texts()("ja"), 90))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memory: Python peak per 90-day chart {peak / 1e6:.1f} MB; process max RSS {rss:.0f} MB")


async def _seed(url: str, patients: list[int]) -> None:
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo("Asia/Tokyo")).date()
    engine = create_engine(url)
    async with engine.begin() as connection:
        for telegram_id in patients:
            result = await connection.execute(
                insert(Patient).values(
                    telegram_id=telegram_id,
                    language="ja" if telegram_id % 2 else "en",
                    consented_at=now,
                    last_seen_at=now,
                    diary_consented_at=now,
                )
            )
            patient_id = result.inserted_primary_key[0]  # type: ignore[index]
            history = _history(90, today)
            await connection.execute(
                insert(PainScore),
                [
                    {
                        "patient_id": patient_id,
                        "day": e.day.isoformat(),
                        "score": e.score,
                        "tags": "",
                        "recorded_at": now,
                    }
                    for e in history.scores
                ],
            )
    await engine.dispose()


async def part_two(charts: int, processes: int | None) -> None:
    """Round trips of another chat's questions while `charts` charts are drawn."""
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fake_telegram", cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    folder = tempfile.TemporaryDirectory()
    try:
        assert server.stdout is not None
        port = int(await server.stdout.readline())
        base_url, control = f"http://127.0.0.1:{port}/bot", f"http://127.0.0.1:{port}/control"
        url = f"sqlite+aiosqlite:///{folder.name}/bench.sqlite3"
        await asyncio.to_thread(upgrade, url)
        patients = [20_000 + i for i in range(charts)]
        await _seed(url, patients)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_bot_token="1:CHARTS",  # type: ignore[arg-type]
            telegram_base_url=base_url,
            database_url=url,
            render_processes=processes or 0,
        )
        stop = asyncio.Event()
        task = asyncio.create_task(serve(build_application(settings), stop, poll_timeout=1))
        timeout = aiohttp.ClientTimeout(total=None)
        async with aiohttp.ClientSession(timeout=timeout) as http:

            async def wait(method: str, count: int) -> None:
                query = {"method": method, "count": str(count)}
                await http.get(f"{control}/wait", params=query)

            answered = 0

            async def probe() -> float:
                nonlocal answered
                start = time.perf_counter()
                await http.post(f"{control}/messages", json=[[10_001, QUESTION]])
                answered += 1
                await wait("sendMessage", answered)
                return (time.perf_counter() - start) * 1000

            await asyncio.sleep(1.5)  # let the bot start polling
            for _ in range(5):  # warm up the answering path (and, with charts, the worker)
                await probe()
            if processes is not None:
                await http.post(f"{control}/messages", json=[[patients[0], "/diary"]])
                await wait("sendPhoto", 1)
            started = time.perf_counter()
            if processes is not None:
                batch = [[p, "/diary"] for p in patients]
                await http.post(f"{control}/messages", json=batch)
                delivered = asyncio.create_task(wait("sendPhoto", charts + 1))
            else:
                delivered = asyncio.create_task(asyncio.sleep(3))
            latencies = []
            while not delivered.done():
                latencies.append(await probe())
            all_done = time.perf_counter() - started
            worker = _worker_peak_mb()
        stop.set()
        await asyncio.wait_for(task, 30)
        label = {None: "no charts (baseline)", 0: "charts in a thread", 1: "charts in 1 process"}
        print(
            f"{label.get(processes, f'charts in {processes} processes'):<22} "
            f"other chat's round trip: median {statistics.median(latencies):6.1f} ms, "
            f"p99 {_percentile(latencies, 0.99):6.1f} ms, max {max(latencies):6.1f} ms "
            f"({len(latencies)} questions)"
            + (f"; {charts} charts delivered in {all_done:.1f} s" if processes is not None else "")
            + (f"; drawing worker peak RSS {worker:.0f} MB" if worker else "")
        )
    finally:
        server.terminate()
        await server.wait()
        folder.cleanup()


def main() -> None:
    charts = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    part_one(count=30)
    for processes in (None, 1, 0):
        asyncio.run(part_two(charts, processes))


if __name__ == "__main__":
    main()
