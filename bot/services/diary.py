"""The pain diary: its separate consent, one score per local day, tags, history and export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.patients import PatientView
from bot.storage.models import Appointment, PainScore, Patient, Subscription

SCORES = range(11)  # 0 = no pain, 10 = the worst imaginable
# What may have made today better or worse: one tap each, ids stored, words in the locales.
TAGS = ("sitting", "exercise", "sleep", "stress")
CHART_DAYS = (30, 90)


@dataclass(frozen=True)
class DayScore:
    """One day's entry."""

    day: date
    score: int
    tags: tuple[str, ...]


@dataclass(frozen=True)
class History:
    """What a chart shows: the days it covers, the scores in them, and the session days."""

    first_day: date
    last_day: date
    scores: tuple[DayScore, ...]
    sessions: tuple[date, ...]


@dataclass(frozen=True)
class DiarySummary:
    """What /privacy says about the diary."""

    consented_at: datetime | None
    entries: int
    first_day: date | None


def local_day(moment: datetime, zone: str) -> date:
    """The patient's calendar day at `moment`."""
    return moment.astimezone(ZoneInfo(zone)).date()


def _entry(row: PainScore) -> DayScore:
    tags = tuple(t for t in row.tags.split(",") if t)
    return DayScore(day=date.fromisoformat(row.day), score=row.score, tags=tags)


def _upsert(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    return (postgresql if dialect == "postgresql" else sqlite).insert(PainScore)


class Diary:
    """Reads and changes pain diaries; each method is one transaction."""

    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def consented(self, patient: PatientView) -> bool:
        """Whether the patient agreed to keep a pain diary."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(Patient.diary_consented_at).where(Patient.id == patient.id)
            )
            return found is not None

    async def consent(self, patient: PatientView, now: datetime) -> None:
        """Record the diary's own consent (keeps the first date if given again)."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(Patient)
                .where(Patient.id == patient.id, Patient.diary_consented_at.is_(None))
                .values(diary_consented_at=now)
            )

    async def record(
        self, patient: PatientView, score: int, *, now: datetime, zone: str
    ) -> DayScore:
        """Today's score; a second score on the same local day replaces the first (and its tags)."""
        if score not in SCORES:
            raise ValueError(f"a pain score is 0 to 10, not {score}")
        day = local_day(now, zone).isoformat()
        async with self._sessions() as session, session.begin():
            insert = _upsert(session).values(
                patient_id=patient.id, day=day, score=score, tags="", recorded_at=now
            )
            await session.execute(
                insert.on_conflict_do_update(
                    index_elements=["patient_id", "day"],
                    set_={"score": score, "tags": "", "recorded_at": now},
                )
            )
        return DayScore(day=date.fromisoformat(day), score=score, tags=())

    async def toggle_tag(
        self, patient: PatientView, tag: str, *, now: datetime, zone: str
    ) -> DayScore | None:
        """Add (or remove) a tag on today's entry; None when there is no score today."""
        if tag not in TAGS:
            raise ValueError(f"unknown tag {tag!r}")
        day = local_day(now, zone).isoformat()
        async with self._sessions() as session, session.begin():
            row = await session.scalar(
                select(PainScore).where(PainScore.patient_id == patient.id, PainScore.day == day)
            )
            if row is None:
                return None
            tags = [t for t in row.tags.split(",") if t]
            tags = [t for t in tags if t != tag] if tag in tags else [*tags, tag]
            row.tags = ",".join(t for t in TAGS if t in tags)
            return _entry(row)

    async def history(
        self, patient: PatientView, *, days: int, now: datetime, zone: str
    ) -> History:
        """The last `days` local days (today included): scores and the sessions held then."""
        last = local_day(now, zone)
        first = last - timedelta(days=days - 1)
        start = datetime(first.year, first.month, first.day, tzinfo=ZoneInfo(zone))
        async with self._sessions() as session:
            scores = await session.scalars(
                select(PainScore)
                .where(PainScore.patient_id == patient.id, PainScore.day >= first.isoformat())
                .order_by(PainScore.day)
            )
            entries = tuple(_entry(r) for r in scores)
            held = await session.scalars(
                select(Appointment.starts_at).where(
                    Appointment.patient_id == patient.id,
                    Appointment.status != "cancelled",
                    Appointment.starts_at >= start,
                    Appointment.starts_at <= now,
                )
            )
            sessions = tuple(sorted({local_day(at, zone) for at in held}))
        return History(first_day=first, last_day=last, scores=entries, sessions=sessions)

    async def entries(self, patient: PatientView) -> list[DayScore]:
        """Every entry, oldest first (for the export)."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(PainScore).where(PainScore.patient_id == patient.id).order_by(PainScore.day)
            )
            return [_entry(r) for r in rows]

    async def summary(self, patient: PatientView) -> DiarySummary:
        """Whether a diary is kept, how many entries it has and since when."""
        async with self._sessions() as session:
            consented_at = await session.scalar(
                select(Patient.diary_consented_at).where(Patient.id == patient.id)
            )
            count, first = (
                await session.execute(
                    select(func.count(PainScore.id), func.min(PainScore.day)).where(
                        PainScore.patient_id == patient.id
                    )
                )
            ).one()
        return DiarySummary(
            consented_at=consented_at,
            entries=int(count),
            first_day=date.fromisoformat(first) if first else None,
        )

    async def stop(self, patient: PatientView) -> int:
        """Withdraw the diary's consent: delete every score, stop the daily pain question."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(PainScore).where(PainScore.patient_id == patient.id)
            )
            await session.execute(
                update(Patient).where(Patient.id == patient.id).values(diary_consented_at=None)
            )
            await session.execute(
                update(Subscription)
                .where(Subscription.patient_id == patient.id)
                .values(with_diary=False)
            )
            return int(result.rowcount)

    async def keepers(self) -> int:
        """How many patients keep a diary (agreed to it); a count, never anyone's scores."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(func.count(Patient.id)).where(Patient.diary_consented_at.is_not(None))
            )
            return int(found or 0)


def to_csv(
    entries: list[DayScore], *, header: tuple[str, str, str], tag_names: dict[str, str]
) -> bytes:
    """The entries as a CSV file (UTF-8 with a BOM, so spreadsheet apps read Japanese right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for entry in entries:
        tags = "; ".join(tag_names.get(t, t) for t in entry.tags)
        writer.writerow([entry.day.isoformat(), entry.score, tags])
    return out.getvalue().encode("utf-8-sig")
