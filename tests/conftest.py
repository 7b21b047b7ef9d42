"""Shared fixtures: settings, migrated databases (SQLite, PostgreSQL), the fake Bot API, the bot."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from telegram.ext import Application

from bot.app import DISPATCHER_KEY, build_application, serve
from bot.settings import Settings
from bot.storage.db import create_engine, upgrade_async
from scheduler.dispatcher import Dispatcher, Report
from scheduler.limiter import RateLimiter
from tests.fake_telegram import FakeTelegram

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 26, 5, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def _postgres_available() -> str | None:
    engine = create_engine(POSTGRES_URL)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("select 1"))
        return None
    except Exception as error:
        return f"PostgreSQL at {POSTGRES_URL} is not answering ({type(error).__name__})"
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A freshly migrated database: SQLite in a temp folder, or a new schema on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
        await upgrade_async(url)
        yield url
        return
    async with _new_postgres_database() as url:
        yield url


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A freshly migrated PostgreSQL database of its own."""
    async with _new_postgres_database() as url:
        yield url


@asynccontextmanager
async def _new_postgres_database() -> AsyncIterator[str]:
    reason = await _postgres_available()
    if reason and os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the PostgreSQL tests")
    if reason:
        pytest.skip(reason)
    name = f"clinic_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f"create database {name}"))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        await upgrade_async(url)
        yield url
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f"drop database {name} with (force)"))
        await admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


def quiet_hours_away_from_now() -> str:
    """Quiet hours that cannot hold up a test running on the wall clock, whatever its hour:
    a broadcast due in Tokyo's night would wait for the morning."""
    now = datetime.now(ZoneInfo("Asia/Tokyo"))
    start, end = now + timedelta(hours=6), now + timedelta(hours=7)
    return f"{start:%H:00}-{end:%H:00}"


def make_settings(fake: FakeTelegram, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "telegram_bot_token": "123456:TEST-TOKEN",
        "telegram_base_url": fake.base_url,
        "database_url": database_url,
        "booking_url": "https://booking.example/fuji",
        "clinic_latitude": 35.7,
        "clinic_longitude": 139.86,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@dataclass
class RunningBot:
    fake: FakeTelegram
    settings: Settings
    clock: FakeClock
    app: Application  # type: ignore[type-arg]

    async def tick(self) -> Report:
        """What the scheduler's job does, at the fake clock's time."""
        dispatcher: Dispatcher = self.app.bot_data[DISPATCHER_KEY]
        return await dispatcher.tick()


@asynccontextmanager
async def bot_running(
    fake: FakeTelegram, settings: Settings, clock: FakeClock, *, rate: float = 10_000
) -> AsyncIterator[RunningBot]:
    """The real Application polling the fake server; the test drives the dispatcher."""
    # Spacing is tested on its own (test_limiter); here it would only slow the tests down.
    app = build_application(settings, clock=clock, limiter=RateLimiter(rate, per_chat=0))
    stop = asyncio.Event()
    polls = len(fake.calls_to("getUpdates"))
    task = asyncio.create_task(serve(app, stop, poll_timeout=1, tick=False))
    await fake.wait_calls("getUpdates", polls + 1)
    try:
        yield RunningBot(fake, settings, clock, app)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


@pytest.fixture
async def running_bot(
    fake_telegram: FakeTelegram, sqlite_url: str, clock: FakeClock
) -> AsyncIterator[RunningBot]:
    """The real Application polling the fake server, on a migrated SQLite database."""
    await upgrade_async(sqlite_url)
    fake_telegram.meet(9001)  # the staff member has opened the bot before being listed
    settings = make_settings(fake_telegram, sqlite_url, staff_ids="9001")
    async with bot_running(fake_telegram, settings, clock) as bot:
        yield bot


async def consent(bot: RunningBot, user: int = 501, language_code: str = "en") -> None:
    """The patient opens the bot and agrees to storage; the bot then offers languages."""
    before = len(bot.fake.calls_to("sendMessage", user))
    edits = len(bot.fake.calls_to("editMessageText", user))
    await bot.fake.send_text(user, "/start", language_code=language_code)
    await bot.fake.wait_calls("sendMessage", before + 2, chat_id=user)
    await bot.fake.press(user, "c:yes", language_code=language_code)
    await bot.fake.wait_calls("editMessageText", edits + 1, chat_id=user)
    await bot.fake.wait_calls("sendMessage", before + 3, chat_id=user)


async def seed_patients(
    url: str,
    count: int,
    *,
    meet: FakeTelegram | None = None,
    first_id: int = 1,
    language: str = "en",
    now: datetime | None = None,
) -> list[int]:
    """Consented patients straight into the database; returns their Telegram ids.

    `meet`: the fake Bot API learns they have opened the bot (else it says "chat not found").
    """
    from sqlalchemy import insert

    from bot.storage.models import Patient

    when = now or datetime(2026, 11, 26, 5, 0, tzinfo=UTC)
    ids = [100_000 + first_id + i for i in range(count)]
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(Patient),
                [
                    {
                        "telegram_id": tid,
                        "language": language,
                        "consented_at": when,
                        "last_seen_at": when,
                    }
                    for tid in ids
                ],
            )
    finally:
        await engine.dispose()
    if meet is not None:
        meet.meet(*ids)
    return ids


async def stored(url: str, model: type[Any], **where: object) -> list[Any]:
    """The rows of `model` in the database at `url` (optionally where column == value)."""
    from sqlalchemy import select

    from bot.storage.db import session_factory

    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            query = select(model).filter_by(**where)
            return list(await session.scalars(query))
    finally:
        await engine.dispose()
