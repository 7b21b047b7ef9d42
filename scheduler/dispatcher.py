"""The due-item dispatcher: turns what the database says is due into sent, recorded messages."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.metrics import Metrics
from bot.services.broadcasts import BROADCAST, Broadcasts
from bot.services.patients import PatientService
from bot.services.prompts import Outgoing, Prompts
from bot.services.reminders import DAILY, POSTURE, REMINDER, Reminders
from bot.services.schedule import next_daily
from bot.storage.db import insert_once
from bot.storage.leadership import instance_name
from bot.storage.models import Appointment, Broadcast, Delivery, Patient, Subscription
from scheduler.limiter import RateLimiter
from scheduler.sender import Outcome, Sender, SendResult

log = logging.getLogger(__name__)
PROGRESS_EVERY = 3.0  # seconds between edits of a broadcast's progress message
PRUNE_EVERY = 3600.0  # seconds between clean-ups of old records
STOP_CHECK_EVERY = 1.0  # seconds: a staff member's Stop takes effect within this much sending
CLAIM_LEASE = timedelta(seconds=60)  # a claimed row is another instance's again after this
FLUSH_TRIES = 5  # a failed commit of outcomes is retried this many times before sending halts
POSTPONE = "postpone"  # not now (quiet hours), but later
RELATED = {REMINDER: Appointment, DAILY: Subscription, POSTURE: Subscription, BROADCAST: Broadcast}


@dataclass
class Report:
    """What one tick did."""

    created: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0
    blocked: int = 0
    unknown: int = 0


@dataclass
class _Due:
    delivery_id: int
    kind: str
    ref_id: int
    due_at: datetime
    attempts: int
    patient_id: int
    telegram_id: int
    language: str
    zone: str
    blocked: bool


@dataclass
class _Result:
    values: dict[str, Any]
    subscription_item: tuple[int, str] | None = None
    blocked_telegram_id: int | None = None


@dataclass
class _Writer:
    """Records outcomes as they come, committing whatever has queued up (group commit).

    Rows that need no send (skipped, postponed, failed to compose) queue up and go in one
    commit; the dispatcher waits for everything queued (`settle`) before each send, so a sent
    message's outcome is committed before the next message goes. A failed commit is retried;
    if it keeps failing, `error` is set so that nothing more is sent unrecorded.
    """

    sessions: async_sessionmaker[Any]
    patients: PatientService
    now: datetime
    queue: list[_Result] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    error: BaseException | None = None

    def add(self, result: _Result) -> None:
        self.queue.append(result)
        if self.error is None and (self.task is None or self.task.done()):
            self.task = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        tries = 0
        while self.queue:
            batch, self.queue = self.queue, []
            try:
                await self._commit(batch)
            except Exception as error:
                tries += 1
                self.queue = batch + self.queue
                log.exception("recording %s delivery outcomes failed (try %s)", len(batch), tries)
                if tries >= FLUSH_TRIES:
                    self.error = error
                    return
                await asyncio.sleep(0.1 * 2**tries)
                continue
            tries = 0
            for result in batch:
                if result.blocked_telegram_id is not None:
                    await self.patients.mark_blocked(result.blocked_telegram_id, self.now)

    async def _commit(self, batch: list[_Result]) -> None:
        async with self.sessions() as session, session.begin():
            released = {"claimed_by": None, "claimed_until": None}
            await session.execute(update(Delivery), [{**r.values, **released} for r in batch])
            items = [
                {"id": subscription_id, "last_item": item}
                for subscription_id, item in (
                    r.subscription_item for r in batch if r.subscription_item
                )
            ]
            if items:
                await session.execute(update(Subscription), items)

    async def settle(self) -> None:
        """Wait until everything queued is committed, or has failed for good (`error`)."""
        while self.task is not None and not self.task.done():
            await asyncio.shield(self.task)

    async def drain(self) -> None:
        """Wait until everything queued is committed; raise if it could not be."""
        await self.settle()
        if self.error is not None:
            raise RuntimeError(
                f"{len(self.queue)} delivery outcomes are unrecorded"
            ) from self.error


class Dispatcher:
    """Each tick: create what recurring prompts made due, then send everything due, once."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[Any],
        sender: Sender,
        prompts: Prompts,
        reminders: Reminders,
        patients: PatientService,
        clock: Clock,
        limiter: RateLimiter,
        broadcasts: Broadcasts,
        rate: float,
        max_attempts: int = 5,
        batch_size: int | None = None,
        owner: str | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._sessions = sessions
        self._sender = sender
        self._prompts = prompts
        self._reminders = reminders
        self._rules = reminders.rules
        self._patients = patients
        self._clock = clock
        self._limiter = limiter
        self._max_attempts = max_attempts
        # About four seconds of sending per claim: a kill leaves few rows waiting for the lease.
        self._batch_size = batch_size or min(500, max(50, int(rate * 4)))
        self._owner = owner or instance_name()
        self._lock = asyncio.Lock()
        self._stopping = False
        self._broadcasts = broadcasts
        self._rate = rate
        self._progress_shown: dict[int, float] = {}
        self._pruned_at = float("-inf")
        self._broadcast_checked: dict[int, tuple[float, bool]] = {}
        self._metrics = metrics or Metrics.create()

    async def tick(self) -> Report:
        """Do everything that is due now. Safe to call at any time; runs one at a time."""
        async with self._lock:
            if self._stopping:
                return Report()
            report = Report()
            if time.monotonic() - self._pruned_at > PRUNE_EVERY:
                await self._reminders.prune(self._clock.now())
                self._pruned_at = time.monotonic()
            seen: set[int] = set()
            while not self._stopping:
                # Look again before every batch, so a reminder that falls due during a long
                # broadcast goes out within one batch, not after the broadcast.
                now = self._clock.now()
                report.created += await self._create_due_prompts(now)
                # A broadcast to nobody has nothing to send: its report goes out at once.
                await self._report_progress(set(await self._broadcasts.start_due(now)), now)
                self._metrics.deliveries_due.set(await self._count_due(now))
                batch = [d for d in await self._claim_due(now) if d.delivery_id not in seen]
                if not batch:
                    break
                seen.update(d.delivery_id for d in batch)
                await self._send_batch(batch, now, report)
                await self._report_progress({d.ref_id for d in batch if d.kind == BROADCAST}, now)
            return report

    async def _report_progress(self, broadcast_ids: set[int], now: datetime) -> None:
        """Edit each running broadcast's progress message; the last edit is the report."""
        for broadcast_id in broadcast_ids:
            try:
                await self._show_progress(broadcast_id, now)
            except Exception:
                log.exception("progress of broadcast %s could not be shown", broadcast_id)

    async def _show_progress(self, broadcast_id: int, now: datetime) -> None:
        """Edit one broadcast's progress message; when it has just finished, send the report."""
        finished = await self._broadcasts.finish_if_done(broadcast_id, now)
        last = self._progress_shown.get(broadcast_id, 0.0)
        if not finished and time.monotonic() - last < PROGRESS_EVERY:
            return
        self._progress_shown[broadcast_id] = time.monotonic()
        broadcast = await self._broadcasts.get(broadcast_id)
        if broadcast is None or broadcast.progress_chat_id is None:
            return
        counts = await self._broadcasts.counts(broadcast_id)
        message = self._prompts.broadcast_progress(
            broadcast_id=broadcast_id,
            counts=counts,
            language=broadcast.language,
            rate=self._rate,
            final=finished or broadcast.status != "sending",
        )
        if broadcast.progress_message_id is not None:
            await self._sender.edit(
                broadcast.progress_chat_id, broadcast.progress_message_id, message
            )
        if finished:
            await self._sender.send(broadcast.progress_chat_id, message)

    # ---- recurring prompts become deliveries
    async def _create_due_prompts(self, now: datetime) -> int:
        """One delivery per subscription that has come due; then each moves to its next time.

        Everyone due at the same local time in the same zone moves on in one statement, so
        100,000 patients at 08:00 Tokyo cost a handful of statements, not 100,000.
        """
        due = and_(Subscription.active.is_(True), Subscription.next_due_at <= now)
        async with self._sessions() as session, session.begin():
            not_paused = or_(
                Subscription.paused_until.is_(None),
                Subscription.paused_until <= Subscription.next_due_at,
            )
            rows = select(
                Subscription.patient_id,
                Subscription.kind,
                Subscription.id,
                Subscription.next_due_at,
                Subscription.next_due_at,
            ).where(due, not_paused)
            created = await session.execute(
                insert_once(session).from_select(
                    ["patient_id", "kind", "ref_id", "due_at", "next_attempt_at"], rows
                )
            )
            groups = await session.execute(
                select(Subscription.kind, Subscription.timezone, Subscription.local_time)
                .where(due)
                .distinct()
            )
            for kind, zone, local_time in groups.all():
                next_due = self._rules.next_due(
                    kind=kind, local_time=local_time, zone=zone, after=now
                )
                await session.execute(
                    update(Subscription)
                    .where(
                        due,
                        Subscription.kind == kind,
                        Subscription.timezone == zone,
                        Subscription.local_time == local_time,
                    )
                    .values(next_due_at=next_due)
                )
            return int(created.rowcount or 0)

    # ---- sending
    async def _count_due(self, now: datetime) -> int:
        async with self._sessions() as session:
            due = Delivery.status == "pending", Delivery.next_attempt_at <= now
            return int(await session.scalar(select(func.count()).where(*due)) or 0)

    async def _claim_due(self, now: datetime) -> list[_Due]:
        """Claim the next due rows for this instance and load them.

        A claim (owner and lease) is taken in one statement, skipping rows another instance has
        locked or claimed, so two dispatchers never send the same row; recording an outcome
        releases it, and a crashed owner's claims lapse after CLAIM_LEASE.
        """
        # Session reminders first, broadcasts last: a long broadcast never holds up a reminder.
        reminders_first = case(
            (Delivery.kind == REMINDER, 0), (Delivery.kind == BROADCAST, 2), else_=1
        )
        order = (reminders_first, Delivery.next_attempt_at, Delivery.id)
        async with self._sessions() as session, session.begin():
            unclaimed = or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now)
            pick = (
                select(Delivery.id)
                .where(Delivery.status == "pending", Delivery.next_attempt_at <= now, unclaimed)
                .order_by(*order)
                .limit(self._batch_size)
            )
            if session.bind.dialect.name == "postgresql":
                pick = pick.with_for_update(skip_locked=True)
            claimed = list(
                await session.scalars(
                    update(Delivery)
                    .where(Delivery.id.in_(pick.scalar_subquery()))
                    .values(claimed_by=self._owner, claimed_until=now + CLAIM_LEASE)
                    .returning(Delivery.id)
                )
            )
            if not claimed:
                return []
            rows = await session.execute(
                select(
                    Delivery.id,
                    Delivery.kind,
                    Delivery.ref_id,
                    Delivery.due_at,
                    Delivery.attempts,
                    Patient.id,
                    Patient.telegram_id,
                    Patient.language,
                    func.coalesce(Patient.timezone, self._rules.default_zone),
                    Patient.blocked_at.is_not(None),
                )
                .join(Patient, Patient.id == Delivery.patient_id)
                .where(Delivery.id.in_(claimed))
                .order_by(*order)
            )
            return [_Due(*row) for row in rows.all()]

    async def release_claims_of_others(self) -> int:
        """Free rows other instances claimed (called once they are known to be gone)."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(Delivery)
                .where(
                    Delivery.status == "pending",
                    Delivery.claimed_by.is_not(None),
                    Delivery.claimed_by != self._owner,
                )
                .values(claimed_by=None, claimed_until=None)
            )
            return int(result.rowcount or 0)

    async def _send_batch(self, batch: Sequence[_Due], now: datetime, report: Report) -> None:
        async with self._sessions() as session:
            related = {
                kind: await _by_id(session, model, {d.ref_id for d in batch if d.kind == kind})
                for kind, model in RELATED.items()
            }
        writer = _Writer(self._sessions, self._patients, now)
        for due in batch:
            try:
                message, item, skip_reason = self._compose(due, now, related)
            except Exception:
                # One bad row (a zone tzdata lost, a broken record) never holds up the others.
                log.exception("delivery %s could not be composed; marked failed", due.delivery_id)
                report.failed += 1
                self._metrics.deliveries.labels(due.kind, "failed").inc()
                writer.add(_Result({"id": due.delivery_id, "status": "failed", "error": "bad row"}))
                continue
            if skip_reason == POSTPONE:
                quiet_end = next_daily(self._rules.quiet.end, due.zone, now)
                writer.add(_Result({"id": due.delivery_id, "next_attempt_at": quiet_end}))
                continue
            if skip_reason:
                status = "blocked" if skip_reason == "blocked" else "skipped"
                report.blocked += status == "blocked"
                report.skipped += status == "skipped"
                self._metrics.deliveries.labels(due.kind, status).inc()
                writer.add(_Result({"id": due.delivery_id, "status": status, "error": skip_reason}))
                continue
            assert message is not None
            await self._send_one(due, message, item, now, writer, report)
        await writer.drain()

    def _compose(
        self, due: _Due, now: datetime, related: dict[str, dict[int, Any]]
    ) -> tuple[Outgoing | None, str | None, str | None]:
        """The message for a due item, the content item it uses, or why it should not go."""
        if due.blocked:
            return None, None, "blocked"
        if due.kind == BROADCAST:
            broadcast = related[BROADCAST].get(due.ref_id)
            if broadcast is None or broadcast.status != "sending":
                return None, None, "stopped"
            if self._reminders.quiet_now(now, due.zone):
                return None, None, POSTPONE
            return Outgoing(broadcast.html or "", photo=broadcast.photo), None, None
        if due.kind == REMINDER:
            appointment = related[REMINDER].get(due.ref_id)
            if appointment is None or appointment.status == "cancelled":
                return None, None, "appointment cancelled"
            if appointment.starts_at <= now:
                return None, None, "too late: the session has started"
            message = self._prompts.reminder(
                appointment_id=appointment.id,
                starts_at=appointment.starts_at,
                zone=due.zone,
                language=due.language,
            )
            return message, None, None
        subscription = related[due.kind].get(due.ref_id)
        if subscription is None or not subscription.active:
            return None, None, "stopped"
        grace = self._rules.daily_grace if due.kind == DAILY else self._rules.posture_grace
        if now - due.due_at > grace:
            return None, None, "too late"
        if self._reminders.quiet_now(now, subscription.timezone):
            return None, None, "quiet hours"
        if due.kind == DAILY:
            exercise = self._prompts.following(self._prompts.exercises, subscription.last_item)
            local_day = due.due_at.astimezone(ZoneInfo(subscription.timezone)).date()
            yesterday = (local_day - timedelta(days=1)).isoformat()
            streak = (
                subscription.streak
                if subscription.last_done_on in (yesterday, local_day.isoformat())
                else 0
            )
            message = self._prompts.daily(
                delivery_id=due.delivery_id,
                exercise=exercise,
                streak=streak,
                language=due.language,
                with_diary=subscription.with_diary,
            )
            return message, exercise, None
        assert due.kind == POSTURE
        tip = self._prompts.following(self._prompts.posture_tips, subscription.last_item)
        return self._prompts.posture(tip=tip, language=due.language), tip, None

    async def _send_one(
        self,
        due: _Due,
        message: Outgoing,
        item: str | None,
        now: datetime,
        writer: _Writer,
        report: Report,
    ) -> None:
        """Send one message, once everything before it is recorded.

        One scheduled message at a time, its outcome committed before the next goes: Telegram
        has no idempotency key, so a message handed over but not yet recorded is the only one
        a hard kill can repeat, and there is never more than one (README, "Exactly once").
        """
        await self._limiter.wait_chat(due.telegram_id)  # the transport spaces all messages
        await writer.settle()
        # Checked after the waits, right before sending: a Stop or shutdown that came in
        # meanwhile wins, and a message whose outcome cannot be recorded is not sent.
        if self._stopping or writer.error is not None:
            writer.add(_Result({"id": due.delivery_id}))  # not sent: give the claim back
            return
        if due.kind == BROADCAST and not await self._still_sending(due.ref_id):
            report.skipped += 1
            self._metrics.deliveries.labels(due.kind, "skipped").inc()
            values = {"id": due.delivery_id, "status": "skipped", "error": "stopped by staff"}
            writer.add(_Result(values))
            return
        started = time.monotonic()
        try:
            result = await self._sender.send(due.telegram_id, message)
        except Exception:
            log.exception("delivery %s: the sender failed", due.delivery_id)
            result = SendResult(Outcome.REJECTED, error="sender error")
        self._metrics.send_seconds.observe(time.monotonic() - started)
        self._metrics.deliveries.labels(due.kind, result.outcome.value).inc()
        writer.add(self._outcome(due, result, item, now, report))

    async def _still_sending(self, broadcast_id: int) -> bool:
        """Whether the broadcast has not been stopped, as of at most STOP_CHECK_EVERY ago."""
        checked_at, sending = self._broadcast_checked.get(broadcast_id, (float("-inf"), True))
        if time.monotonic() - checked_at >= STOP_CHECK_EVERY:
            view = await self._broadcasts.get(broadcast_id)
            sending = view is not None and view.status == "sending"
            self._broadcast_checked[broadcast_id] = (time.monotonic(), sending)
        return sending

    def _outcome(
        self, due: _Due, result: SendResult, item: str | None, now: datetime, report: Report
    ) -> _Result:
        """What to record for one send, and how the report counts it."""
        attempts = due.attempts + 1
        values: dict[str, Any] = {"id": due.delivery_id, "attempts": attempts}
        outcome = _Result(values)
        if result.outcome is Outcome.SENT:
            values.update(status="sent", sent_at=self._clock.now(), item=item, error=None)
            if item is not None:
                outcome.subscription_item = (due.ref_id, item)
            report.sent += 1
        elif result.outcome is Outcome.BLOCKED:
            values.update(status="blocked", error=result.error[:120])
            outcome.blocked_telegram_id = due.telegram_id
            report.blocked += 1
        elif result.outcome is Outcome.RETRY_AFTER:
            self._limiter.pause(result.retry_after)
            # Waiting on Telegram's request is not the message's fault: the try is not counted.
            values.update(
                attempts=due.attempts,
                next_attempt_at=now + timedelta(seconds=result.retry_after),
                error="retry after",
            )
            report.retried += 1
        elif result.outcome is Outcome.UNKNOWN:
            # The request may have reached Telegram: sending again could repeat it, and a
            # patient who gets a session reminder twice trusts the next one less than one
            # who gets it late or, when the 24 h one was lost, only 2 h before.
            values.update(status="unknown", error=result.error[:120])
            report.unknown += 1
            log.warning(
                "delivery %s: outcome unknown (%s); not resent", due.delivery_id, result.error
            )
        elif result.outcome is Outcome.TRANSIENT and attempts < self._max_attempts:
            backoff = timedelta(seconds=min(30 * 2 ** (attempts - 1), 900))
            values.update(next_attempt_at=now + backoff, error=result.error[:120])
            report.retried += 1
        else:
            values.update(status="failed", error=result.error[:120])
            report.failed += 1
            log.warning(
                "delivery %s failed after %s tries: %s", due.delivery_id, attempts, result.error
            )
        return outcome

    async def stop(self) -> None:
        """Send nothing more; wait only for the sends in flight and their records."""
        self._stopping = True
        async with self._lock:
            pass


async def _by_id(session: AsyncSession, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    rows = await session.scalars(select(model).where(model.id.in_(ids)))
    return {row.id: row for row in rows}
