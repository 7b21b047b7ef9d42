"""Which instance leads (polls Telegram and dispatches): a lock the database holds for it.

PostgreSQL: a session-level advisory lock on a connection kept open for as long as the
instance leads; the server drops it the moment that connection ends, kill -9 included.
SQLite serves one process: an exclusive lock on a file beside the database refuses a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

# pg_try_advisory_lock takes one bigint: this one is "clinic-bot" in ASCII, kept short.
ADVISORY_KEY = 0x636C696E6963
WAKE_CHANNEL = "clinic_bot_wake"  # NOTIFY here: the leader looks for due messages at once
CHECK_TIMEOUT = 2.0  # seconds the lock's connection may take to answer before it counts as lost


def instance_name() -> str:
    """How logs and metrics name this process: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Leadership(Protocol):
    """A lock at most one instance holds."""

    async def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; True when this instance now leads."""
        ...

    async def still_held(self) -> bool:
        """Whether this instance still leads (its lock's connection is alive)."""
        ...

    async def release(self) -> None:
        """Give the lock up (shutdown)."""
        ...


class AdvisoryLock:
    """PostgreSQL: pg_try_advisory_lock on a dedicated connection."""

    def __init__(self, engine: AsyncEngine, key: int = ADVISORY_KEY) -> None:
        self._engine = engine
        self._key = key
        self._connection: AsyncConnection | None = None

    async def try_acquire(self) -> bool:
        """Take the lock if nobody holds it."""
        if self._connection is not None:
            return await self.still_held()
        connection = await self._engine.connect()
        try:
            # The lock outlives transactions; commit so the connection is not left in one.
            held = await connection.scalar(
                text("select pg_try_advisory_lock(:k)"), {"k": self._key}
            )
            await connection.commit()
        except BaseException:
            await connection.close()
            raise
        if not held:
            await connection.close()
            return False
        self._connection = connection
        return True

    async def listen(self, channel: str, callback: Callable[[], None]) -> None:
        """Call `callback` whenever another instance NOTIFYs `channel` (the lock's connection
        stays open as long as this instance leads, so it listens too)."""
        if self._connection is None:
            return
        raw = await self._connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        await driver.add_listener(channel, lambda *_args: callback())

    async def still_held(self) -> bool:
        """A round trip on the lock's own connection: if it fails, the lock is gone."""
        if self._connection is None:
            return False
        try:  # a connection cut off by the network would hang, not fail: bound the wait
            async with asyncio.timeout(CHECK_TIMEOUT):
                await self._connection.execute(text("select 1"))
                await self._connection.commit()
        except Exception:
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        """Unlock and close the connection."""
        if self._connection is None:
            return
        with contextlib.suppress(Exception):
            await self._connection.execute(text("select pg_advisory_unlock(:k)"), {"k": self._key})
            await self._connection.commit()
        await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()


class FileLock:
    """SQLite: flock on `<database>.lock`; the kernel releases it when the process ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    async def try_acquire(self) -> bool:
        """Take the lock if no other process holds it."""
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    async def still_held(self) -> bool:
        """A file lock cannot be lost while the process lives."""
        return self._file is not None

    async def release(self) -> None:
        """Unlock."""
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class NoLock:
    """An in-memory database is private to its process: it always leads."""

    async def try_acquire(self) -> bool:
        """Always."""
        return True

    async def still_held(self) -> bool:
        """Always."""
        return True

    async def release(self) -> None:
        """Nothing to release."""


async def wake_the_leader(engine: AsyncEngine) -> None:
    """Ask whichever instance leads to dispatch now (PostgreSQL NOTIFY)."""
    async with engine.connect() as connection:
        await connection.execute(text("select pg_notify(:channel, '')"), {"channel": WAKE_CHANNEL})
        await connection.commit()


def leadership_for(engine: AsyncEngine) -> Leadership:
    """The lock that fits the database: advisory on PostgreSQL, a file beside SQLite's."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    database = engine.url.database
    if database in (None, "", ":memory:"):
        return NoLock()
    return FileLock(Path(database).with_name(Path(database).name + ".lock"))
