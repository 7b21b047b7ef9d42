"""Patients: consent, language, last seen, blocked, and forgetting everything."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.storage.models import Patient

LAST_SEEN_GRANULARITY = timedelta(minutes=10)


@dataclass(frozen=True)
class PatientView:
    """What handlers may know about a patient (never the ORM row itself)."""

    id: int
    telegram_id: int
    language: str
    timezone: str | None
    consented_at: datetime
    last_seen_at: datetime
    blocked: bool
    notices: bool


def _view(row: Patient) -> PatientView:
    return PatientView(
        id=row.id,
        telegram_id=row.telegram_id,
        language=row.language,
        timezone=row.timezone,
        consented_at=row.consented_at,
        last_seen_at=row.last_seen_at,
        blocked=row.blocked_at is not None,
        notices=row.notices,
    )


class PatientService:
    """Reads and changes patients; each method is one transaction."""

    def __init__(self, sessions: async_sessionmaker[Any], *, remember: bool = True) -> None:
        self._sessions = sessions
        # When this process is the only writer of patients (SQLite), it can remember what it
        # read or wrote: most updates then need no database round trip at all. Several
        # instances on one database must not: another one may have changed the patient.
        self._remember_enabled = remember
        self._known: dict[int, PatientView | None] = {}

    def _remember(self, telegram_id: int, view: PatientView | None) -> None:
        if not self._remember_enabled:
            return
        if len(self._known) > 100_000:
            self._known.clear()
        self._known[telegram_id] = view

    def _forget_cached(self, telegram_id: int) -> None:
        self._known.pop(telegram_id, None)

    async def get(self, telegram_id: int) -> PatientView | None:
        """The patient, or None when they have not consented (or were forgotten)."""
        if telegram_id in self._known:
            return self._known[telegram_id]
        async with self._sessions() as session:
            row = await session.scalar(select(Patient).where(Patient.telegram_id == telegram_id))
            view = _view(row) if row else None
        self._remember(telegram_id, view)
        return view

    async def consent(self, *, telegram_id: int, language: str, now: datetime) -> PatientView:
        """Record consent (again), keeping an existing patient's choices."""
        async with self._sessions() as session, session.begin():
            row = await session.scalar(select(Patient).where(Patient.telegram_id == telegram_id))
            if row is None:
                row = Patient(
                    telegram_id=telegram_id, language=language, consented_at=now, last_seen_at=now
                )
                session.add(row)
            row.last_seen_at = now
            row.blocked_at = None
            await session.flush()
            view = _view(row)
        self._remember(telegram_id, view)
        return view

    async def set_notices(self, telegram_id: int, wanted: bool) -> bool:
        """Whether the clinic's announcements reach the patient; False if not stored."""
        self._forget_cached(telegram_id)
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(Patient).where(Patient.telegram_id == telegram_id).values(notices=wanted)
            )
            return bool(result.rowcount)

    async def set_language(self, telegram_id: int, language: str) -> bool:
        """Store the language; False when the patient has not consented to storage."""
        self._forget_cached(telegram_id)
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(Patient).where(Patient.telegram_id == telegram_id).values(language=language)
            )
            return bool(result.rowcount)

    async def seen(self, telegram_id: int, now: datetime) -> None:
        """Note activity (at most every few minutes) and that they have not blocked the bot."""
        known = await self.get(telegram_id)
        if known is None or (
            not known.blocked and now - known.last_seen_at < LAST_SEEN_GRANULARITY
        ):
            return
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(Patient)
                .where(Patient.telegram_id == telegram_id)
                .values(last_seen_at=now, blocked_at=None)
            )
        self._remember(telegram_id, replace(known, last_seen_at=now, blocked=False))

    async def mark_blocked(self, telegram_id: int, now: datetime) -> None:
        """The patient blocked the bot: nothing proactive is sent until they return."""
        self._forget_cached(telegram_id)
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(Patient)
                .where(Patient.telegram_id == telegram_id, Patient.blocked_at.is_(None))
                .values(blocked_at=now)
            )

    def changed(self, telegram_id: int) -> None:
        """Another service changed this patient's row: read it again next time."""
        self._forget_cached(telegram_id)

    async def forget(self, telegram_id: int) -> bool:
        """Delete everything stored about the patient; False when there was nothing."""
        self._forget_cached(telegram_id)
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(Patient).where(Patient.telegram_id == telegram_id)
            )
            return bool(result.rowcount)
