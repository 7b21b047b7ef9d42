"""Storage on SQLite and PostgreSQL: migrations from empty, models agree, patient rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.services.patients import PatientService
from bot.storage.db import create_engine, session_factory
from bot.storage.models import Base

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


async def test_migrations_build_the_schema_the_models_describe(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
            diff = await connection.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )
        assert "patients" in tables
        assert diff == []
    finally:
        await engine.dispose()


async def test_patient_lifecycle(database_url: str) -> None:
    engine = create_engine(database_url)
    patients = PatientService(session_factory(engine))
    try:
        assert await patients.get(42) is None
        assert not await patients.set_language(42, "ja"), "no storage without consent"
        created = await patients.consent(telegram_id=42, language="en", now=NOW)
        assert created.consented_at == NOW and created.consented_at.tzinfo is not None
        assert await patients.set_language(42, "ja")

        await patients.mark_blocked(42, NOW + timedelta(hours=1))
        assert (await patients.get(42)).blocked  # type: ignore[union-attr]
        await patients.seen(42, NOW + timedelta(hours=2))
        back = await patients.get(42)
        assert back is not None and not back.blocked and back.language == "ja"
        assert back.last_seen_at == NOW + timedelta(hours=2)

        assert await patients.forget(42)
        assert await patients.get(42) is None
        assert not await patients.forget(42)
    finally:
        await engine.dispose()


async def test_the_migrations_leave_a_sqlite_file_in_wal_so_a_writer_never_blocks_a_new_connection(
    tmp_path: Path,
) -> None:
    """Switching a file to WAL cannot wait for a writer: the migrations must leave it in WAL."""
    import sqlite3

    from sqlalchemy import text

    from bot.storage.db import upgrade_async

    path = tmp_path / "bot.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade_async(url)
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        writer.execute("BEGIN IMMEDIATE")  # another process mid-write
        writer.execute("CREATE TABLE scratch (x INTEGER)")
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                assert (await connection.execute(text("SELECT 1"))).scalar() == 1
        finally:
            await engine.dispose()
    finally:
        writer.close()
