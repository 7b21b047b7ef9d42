"""The database engine, sessions, and applying migrations."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.storage.models import Delivery

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
APPLICATION = "clinic-bot"  # the application name instances give their PostgreSQL connections


def _prepare_sqlite_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # The timeout first, so every statement after it waits out a brief lock. (Switching a file to
    # WAL cannot wait for a writer at all: the migrations leave a new file in WAL, env.py.)
    cursor.execute("PRAGMA busy_timeout=5000")
    # WAL lets readers work while the single writer commits; the timeout rides out brief locks.
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL never corrupts the file; a power cut may lose the last commits only.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(url: str, *, instance: str | None = None) -> AsyncEngine:
    """Build the async engine for `url`, creating a SQLite file's folder if needed.

    On PostgreSQL every connection carries `clinic-bot <instance>` as its application name,
    which is how instances count each other (`count_instances`).
    """
    _prepare_sqlite_folder(url)
    backend = make_url(url).get_backend_name()
    connect_args: dict[str, Any] = {}
    if backend == "postgresql" and instance is not None:
        connect_args["server_settings"] = {"application_name": f"{APPLICATION} {instance}"}
    # Pre-ping guards against server restarts; an embedded SQLite file has none to guard against.
    # hide_parameters: an SQL error's message and log never carry bound values (patient data).
    engine = create_async_engine(
        url,
        pool_pre_ping=backend != "sqlite",
        hide_parameters=True,
        connect_args=connect_args,
    )
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


async def count_instances(engine: AsyncEngine) -> int:
    """How many bot instances are connected to this database (1 on SQLite: one process)."""
    if engine.dialect.name != "postgresql":
        return 1
    async with engine.connect() as connection:
        found = await connection.scalar(
            text(
                "select count(distinct application_name) from pg_stat_activity"
                " where datname = current_database() and application_name like :pattern"
            ),
            {"pattern": f"{APPLICATION} %"},
        )
    return max(int(found or 0), 1)


def insert_once(session: AsyncSession) -> Any:
    """INSERT … ON CONFLICT DO NOTHING into deliveries: a message is recorded once per due time."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(Delivery).on_conflict_do_nothing(
        index_elements=["kind", "ref_id", "patient_id", "due_at"]
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    """Sessions that keep loaded values after commit (results outlive the transaction)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    """An Alembic configuration pointing at our migrations and `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Apply every pending migration to the database at `url` (blocking)."""
    _prepare_sqlite_folder(url)
    command.upgrade(alembic_config(url), "head")


async def upgrade_async(url: str) -> None:
    """Apply pending migrations from inside a running event loop."""
    await asyncio.to_thread(upgrade, url)
