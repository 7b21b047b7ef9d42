"""Staff notices to patients: composing, audiences, scheduling, progress, reports and counts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.content import BANNED_CLAIMS
from bot.services.reminders import DAILY, POSTURE
from bot.storage.db import insert_once
from bot.storage.models import (
    Appointment,
    Broadcast,
    Delivery,
    Patient,
    Subscription,
    UtcDateTime,
)

log = logging.getLogger(__name__)
BROADCAST = "broadcast"
AUDIENCES = ("all", "en", "ja", "daily", "s7")
UPCOMING_SESSION_DAYS = 7


@dataclass(frozen=True)
class Counts:
    """Where a broadcast's recipients stand."""

    total: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0

    @property
    def remaining(self) -> int:
        """Recipients not yet reached or given up on."""
        return max(self.total - self.sent - self.failed - self.blocked - self.skipped, 0)


@dataclass(frozen=True)
class BroadcastView:
    """A broadcast as handlers and the dispatcher see it."""

    id: int
    created_by: int
    language: str
    status: str
    html: str | None
    photo: str | None
    audience: str | None
    send_at: datetime | None
    created_at: datetime
    progress_chat_id: int | None
    progress_message_id: int | None


@dataclass(frozen=True)
class Stats:
    """Counts for /stats: never anything about one patient."""

    patients: int
    active_30d: int
    blocked: int
    daily: int
    posture: int
    sessions_7d: int
    confirmed_30d: int
    cancelled_30d: int
    failed_7d: int


def efficacy_claim(html: str) -> str | None:
    """A phrase Japanese advertising law forbids (治る, 完治, "cure", "guaranteed"), if any."""
    found = BANNED_CLAIMS.search(html)
    return found.group(0) if found else None


def _view(row: Broadcast) -> BroadcastView:
    return BroadcastView(
        id=row.id,
        created_by=row.created_by,
        language=row.language,
        status=row.status,
        html=row.html,
        photo=row.photo,
        audience=row.audience,
        send_at=row.send_at,
        created_at=row.created_at,
        progress_chat_id=row.progress_chat_id,
        progress_message_id=row.progress_message_id,
    )


def _recipients(audience: str, now: datetime) -> Select[Any]:
    """Patients who get a broadcast: reachable, not opted out, and in the audience."""
    query = select(Patient.id).where(Patient.blocked_at.is_(None), Patient.notices.is_(True))
    if audience in ("en", "ja"):
        query = query.where(Patient.language == audience)
    elif audience == "daily":
        query = query.where(
            exists().where(
                Subscription.patient_id == Patient.id,
                Subscription.kind == DAILY,
                Subscription.active.is_(True),
            )
        )
    elif audience == "s7":
        query = query.where(
            exists().where(
                Appointment.patient_id == Patient.id,
                Appointment.status != "cancelled",
                Appointment.starts_at > now,
                Appointment.starts_at <= now + timedelta(days=UPCOMING_SESSION_DAYS),
            )
        )
    return query


class Broadcasts:
    """Every change to broadcasts; each method is one transaction."""

    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    async def compose(self, *, staff_id: int, language: str, now: datetime) -> int:
        """A new draft awaiting its text; earlier unfinished drafts of this staff member go."""
        async with self._sessions() as session, session.begin():
            await self._drop_unfinished(session, staff_id)
            row = Broadcast(
                created_by=staff_id, language=language, created_at=now, status="composing", total=0
            )
            session.add(row)
            await session.flush()
            return row.id

    @staticmethod
    async def _drop_unfinished(session: AsyncSession, staff_id: int) -> None:
        await session.execute(
            update(Broadcast)
            .where(
                Broadcast.created_by == staff_id,
                Broadcast.status.in_(("composing", "draft", "awaiting-time")),
            )
            .values(status="cancelled")
        )

    async def waiting_for(self, staff_id: int) -> BroadcastView | None:
        """The staff member's draft that expects their next message (text or a time)."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(Broadcast)
                .where(
                    Broadcast.created_by == staff_id,
                    Broadcast.status.in_(("composing", "awaiting-time")),
                )
                .order_by(Broadcast.id.desc())
            )
            return _view(row) if row else None

    async def get(self, broadcast_id: int) -> BroadcastView | None:
        """One broadcast."""
        async with self._sessions() as session:
            row = await session.get(Broadcast, broadcast_id)
            return _view(row) if row else None

    async def _change(
        self, broadcast_id: int, allowed: tuple[str, ...], **values: Any
    ) -> BroadcastView | None:
        async with self._sessions() as session, session.begin():
            row = await session.get(Broadcast, broadcast_id)
            if row is None or row.status not in allowed:
                return None
            for name, value in values.items():
                setattr(row, name, value)
            return _view(row)

    async def set_content(
        self, broadcast_id: int, html: str, photo: str | None
    ) -> BroadcastView | None:
        """The notice's text (Telegram HTML) and optional photo."""
        return await self._change(
            broadcast_id, ("composing",), html=html, photo=photo, status="draft"
        )

    async def set_audience(self, broadcast_id: int, audience: str) -> BroadcastView | None:
        """Who gets it."""
        if audience not in AUDIENCES:
            return None
        return await self._change(broadcast_id, ("draft",), audience=audience)

    async def count(self, audience: str, now: datetime) -> int:
        """How many patients the audience reaches right now."""
        async with self._sessions() as session:
            subquery = _recipients(audience, now).subquery()
            return int(await session.scalar(select(func.count()).select_from(subquery)) or 0)

    async def ask_time(self, broadcast_id: int) -> BroadcastView | None:
        """The next message from the staff member is the send time."""
        return await self._change(broadcast_id, ("draft",), status="awaiting-time")

    async def schedule(
        self, broadcast_id: int, send_at: datetime, progress: tuple[int, int] | None = None
    ) -> BroadcastView | None:
        """Send at `send_at` (now, or later); `progress` is the staff message to keep updated."""
        chat, message = progress or (None, None)
        draft = await self.get(broadcast_id)
        if draft is None or draft.audience is None:  # a forged button on an unfinished draft
            return None
        return await self._change(
            broadcast_id,
            ("draft", "awaiting-time"),
            status="scheduled",
            send_at=send_at,
            progress_chat_id=chat,
            progress_message_id=message,
        )

    async def set_progress(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """The staff message that shows this broadcast's progress."""
        await self._change(
            broadcast_id,
            ("scheduled", "sending", "done", "stopped"),
            progress_chat_id=chat_id,
            progress_message_id=message_id,
        )

    async def cancel(self, broadcast_id: int) -> BroadcastView | None:
        """Discard a draft or a scheduled broadcast that has not started."""
        return await self._change(
            broadcast_id, ("composing", "draft", "awaiting-time", "scheduled"), status="cancelled"
        )

    async def start_due(self, now: datetime) -> list[int]:
        """Start every scheduled broadcast whose time has come: one delivery per recipient."""
        async with self._sessions() as session, session.begin():
            rows = list(
                await session.scalars(
                    select(Broadcast).where(
                        Broadcast.status == "scheduled", Broadcast.send_at <= now
                    )
                )
            )
            started = []
            for row in rows:
                if row.audience not in AUDIENCES or row.send_at is None:
                    log.error("broadcast %s has no audience or time; marked failed", row.id)
                    row.status, row.finished_at = "failed", now
                    continue
                when = literal(row.send_at, UtcDateTime())
                recipients = _recipients(row.audience, now).add_columns(
                    literal(BROADCAST), literal(row.id), when, when
                )
                result = await session.execute(
                    insert_once(session).from_select(
                        ["patient_id", "kind", "ref_id", "due_at", "next_attempt_at"], recipients
                    )
                )
                row.total = int(result.rowcount or 0)
                row.status = "sending"
                started.append(row.id)
            return started

    async def stop(self, broadcast_id: int, now: datetime) -> BroadcastView | None:
        """Stop a running broadcast: whoever has not had it yet will not get it."""
        async with self._sessions() as session, session.begin():
            row = await session.get(Broadcast, broadcast_id)
            if row is None or row.status not in ("sending", "scheduled"):
                return None
            row.status, row.finished_at = "stopped", now
            await session.execute(
                update(Delivery)
                .where(
                    Delivery.kind == BROADCAST,
                    Delivery.ref_id == broadcast_id,
                    Delivery.status == "pending",
                )
                .values(status="skipped", error="stopped by staff")
            )
            return _view(row)

    async def counts(self, broadcast_id: int) -> Counts:
        """Sent, failed, blocked and skipped so far, out of the total."""
        async with self._sessions() as session:
            total = await session.scalar(
                select(Broadcast.total).where(Broadcast.id == broadcast_id)
            )
            by_status = dict(
                (
                    await session.execute(
                        select(Delivery.status, func.count())
                        .where(Delivery.kind == BROADCAST, Delivery.ref_id == broadcast_id)
                        .group_by(Delivery.status)
                    )
                ).all()
            )
        return Counts(
            total=int(total or 0),
            sent=by_status.get("sent", 0),
            failed=by_status.get("failed", 0),
            blocked=by_status.get("blocked", 0),
            skipped=by_status.get("skipped", 0),
        )

    async def finish_if_done(self, broadcast_id: int, now: datetime) -> bool:
        """Mark a sending broadcast done once nobody is left pending; True if it just finished."""
        async with self._sessions() as session, session.begin():
            pending = await session.scalar(
                select(func.count()).where(
                    Delivery.kind == BROADCAST,
                    Delivery.ref_id == broadcast_id,
                    Delivery.status == "pending",
                )
            )
            if pending:
                return False
            result = await session.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id, Broadcast.status == "sending")
                .values(status="done", finished_at=now)
            )
            return bool(result.rowcount)

    async def recent(self, limit: int = 10) -> list[tuple[BroadcastView, Counts]]:
        """The latest broadcasts that were sent or scheduled, with their figures."""
        async with self._sessions() as session:
            rows = list(
                await session.scalars(
                    select(Broadcast)
                    .where(Broadcast.status.in_(("scheduled", "sending", "done", "stopped")))
                    .order_by(Broadcast.id.desc())
                    .limit(limit)
                )
            )
        return [(_view(row), await self.counts(row.id)) for row in rows]

    async def stats(self, now: datetime) -> Stats:
        """Counts only: patients, subscriptions, sessions and delivery failures."""
        month, week = now - timedelta(days=30), now - timedelta(days=7)

        def count(model: Any, *where: Any) -> Any:
            return select(func.count()).select_from(model).where(*where).scalar_subquery()

        def subscribers(kind: str) -> Any:
            return count(Subscription, Subscription.kind == kind, Subscription.active.is_(True))

        def changed(status: str) -> Any:
            return count(
                Appointment, Appointment.status == status, Appointment.status_changed_at >= month
            )

        query = select(
            count(Patient),
            count(Patient, Patient.last_seen_at >= month),
            count(Patient, Patient.blocked_at.is_not(None)),
            subscribers(DAILY),
            subscribers(POSTURE),
            count(
                Appointment,
                Appointment.status != "cancelled",
                and_(Appointment.starts_at > now, Appointment.starts_at <= now + timedelta(days=7)),
            ),
            changed("confirmed"),
            changed("cancelled"),
            count(Delivery, Delivery.status == "failed", Delivery.due_at >= week),
        )
        async with self._sessions() as session:
            row = (await session.execute(query)).one()
        return Stats(*(int(value or 0) for value in row))
