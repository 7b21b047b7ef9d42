"""Appointments, daily stretches, posture nudges and the patient's zone: what is due, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.services.patients import PatientService, PatientView
from bot.services.schedule import Window, in_window, next_daily, next_posture_slot, parse_clock
from bot.storage.models import Appointment, Delivery, Patient, Subscription

DAILY, POSTURE, REMINDER = "daily", "posture", "reminder"
RETENTION = timedelta(days=90)  # how long delivery records and past sessions are kept


@dataclass(frozen=True)
class ReminderRules:
    """The clinic's timing settings, in one place."""

    default_zone: str
    offsets: tuple[timedelta, ...]
    quiet: Window
    posture_hours: Window
    posture_every: timedelta
    daily_grace: timedelta

    @property
    def posture_grace(self) -> timedelta:
        """A late nudge is useful only until the next one is nearly due."""
        return min(timedelta(minutes=15), self.posture_every / 2)

    def zone_of(self, patient: PatientView) -> str:
        """The patient's zone, or the clinic's."""
        return patient.timezone or self.default_zone

    def next_due(self, *, kind: str, local_time: str, zone: str, after: datetime) -> datetime:
        """When a subscription of `kind` next falls due after `after`."""
        if kind == DAILY:
            clock = parse_clock(local_time)
            assert clock is not None
            return next_daily(clock, zone, after)
        return next_posture_slot(
            zone=zone,
            after=after,
            hours=Window.parse(local_time),
            every=self.posture_every,
            quiet=self.quiet,
        )

    def daily_time_allowed(self, clock: time) -> bool:
        """Daily prompts never go out in quiet hours."""
        return not self.quiet.contains(clock)


@dataclass(frozen=True)
class AppointmentView:
    """An appointment as handlers show it."""

    id: int
    starts_at: datetime
    status: str


@dataclass(frozen=True)
class SubscriptionView:
    """A recurring prompt as handlers show it."""

    kind: str
    local_time: str
    next_due_at: datetime
    streak: int


def _appointment(row: Appointment) -> AppointmentView:
    return AppointmentView(id=row.id, starts_at=row.starts_at, status=row.status)


class Reminders:
    """Every change to what a patient will be reminded of; each method is one transaction."""

    def __init__(
        self, sessions: async_sessionmaker[Any], rules: ReminderRules, patients: PatientService
    ) -> None:
        self._sessions = sessions
        self.rules = rules
        self._patients = patients

    # ---- appointments ---------------------------------------------------------------------------
    async def add_appointment(
        self, patient: PatientView, starts_at: datetime, now: datetime
    ) -> AppointmentView:
        """Save a session and its reminders; offsets already past are skipped.

        Saving the same time twice (a double tap, a replayed button) returns the first.
        """
        try:
            return await self._add_appointment(patient, starts_at, now)
        except IntegrityError:  # another instance saved the same tap a moment ago
            existing = await self._active_at(patient, starts_at)
            if existing is None:
                raise
            return existing

    async def _active_at(self, patient: PatientView, starts_at: datetime) -> AppointmentView | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(Appointment).where(
                    Appointment.patient_id == patient.id,
                    Appointment.starts_at == starts_at,
                    Appointment.status != "cancelled",
                )
            )
            return _appointment(row) if row else None

    async def _add_appointment(
        self, patient: PatientView, starts_at: datetime, now: datetime
    ) -> AppointmentView:
        if (existing := await self._active_at(patient, starts_at)) is not None:
            return existing
        async with self._sessions() as session, session.begin():
            row = Appointment(
                patient_id=patient.id, starts_at=starts_at, status="booked", created_at=now
            )
            session.add(row)
            await session.flush()
            for offset in self.rules.offsets:
                due = starts_at - offset
                if due > now:
                    session.add(
                        Delivery(
                            patient_id=patient.id,
                            kind=REMINDER,
                            ref_id=row.id,
                            due_at=due,
                            status="pending",
                            attempts=0,
                            next_attempt_at=due,
                        )
                    )
            return _appointment(row)

    async def upcoming(self, patient: PatientView, now: datetime) -> list[AppointmentView]:
        """The patient's sessions still ahead and not cancelled, soonest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Appointment)
                .where(
                    Appointment.patient_id == patient.id,
                    Appointment.starts_at > now,
                    Appointment.status != "cancelled",
                )
                .order_by(Appointment.starts_at)
            )
            return [_appointment(r) for r in rows]

    async def appointment(
        self, patient: PatientView, appointment_id: int
    ) -> AppointmentView | None:
        """One of the patient's own sessions (any status); None if it is not theirs."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(Appointment).where(
                    Appointment.id == appointment_id, Appointment.patient_id == patient.id
                )
            )
            return _appointment(row) if row else None

    async def set_status(
        self, patient: PatientView, appointment_id: int, status: str, now: datetime
    ) -> AppointmentView | None:
        """Confirm or cancel one of the patient's own upcoming sessions; None if not theirs."""
        async with self._sessions() as session, session.begin():
            row = await session.scalar(
                select(Appointment).where(
                    Appointment.id == appointment_id,
                    Appointment.patient_id == patient.id,
                    Appointment.starts_at > now,
                    Appointment.status != "cancelled",
                )
            )
            if row is None:
                return None
            row.status, row.status_changed_at = status, now
            if status == "cancelled":
                await session.execute(
                    update(Delivery)
                    .where(
                        Delivery.kind == REMINDER,
                        Delivery.ref_id == row.id,
                        Delivery.status == "pending",
                    )
                    .values(status="skipped", error="appointment cancelled")
                )
            return _appointment(row)

    # ---- recurring prompts ----------------------------------------------------------------------
    async def subscribe(
        self, patient: PatientView, kind: str, local_time: str, now: datetime
    ) -> SubscriptionView:
        """Start (or move) the daily prompt or posture nudges."""
        zone = self.rules.zone_of(patient)
        next_due = self.rules.next_due(kind=kind, local_time=local_time, zone=zone, after=now)
        async with self._sessions() as session, session.begin():
            row = await session.scalar(
                select(Subscription).where(
                    Subscription.patient_id == patient.id, Subscription.kind == kind
                )
            )
            if row is None:
                row = Subscription(patient_id=patient.id, kind=kind, streak=0)
                session.add(row)
            row.active, row.timezone, row.local_time = True, zone, local_time
            row.next_due_at, row.paused_until = next_due, None
            await session.flush()
            return SubscriptionView(kind, local_time, next_due, row.streak)

    async def set_daily_diary(self, patient: PatientView, wanted: bool) -> bool:
        """Whether the daily prompt also asks for the pain score; False when it is not on."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(Subscription)
                .where(
                    Subscription.patient_id == patient.id,
                    Subscription.kind == DAILY,
                    Subscription.active.is_(True),
                )
                .values(with_diary=wanted)
            )
            return bool(result.rowcount)

    async def unsubscribe(self, patient: PatientView, kind: str) -> bool:
        """Stop a recurring prompt; False when it was not on."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(Subscription)
                .where(
                    Subscription.patient_id == patient.id,
                    Subscription.kind == kind,
                    Subscription.active.is_(True),
                )
                .values(active=False)
            )
            await session.execute(
                update(Delivery)
                .where(
                    Delivery.patient_id == patient.id,
                    Delivery.kind == kind,
                    Delivery.status == "pending",
                )
                .values(status="skipped", error="stopped")
            )
            return bool(result.rowcount)

    async def answer_prompt(
        self, patient: PatientView, delivery_id: int, action: str, now: datetime
    ) -> int | None:
        """Done, skip or pause on a daily prompt; returns the streak, None if not theirs."""
        async with self._sessions() as session, session.begin():
            found = (
                await session.execute(
                    select(Delivery, Subscription)
                    .join(Subscription, Subscription.id == Delivery.ref_id)
                    .where(
                        Delivery.id == delivery_id,
                        Delivery.kind == DAILY,
                        Delivery.patient_id == patient.id,
                    )
                )
            ).first()
            if found is None:
                return None
            delivery, subscription = found
            day = delivery.due_at.astimezone(ZoneInfo(subscription.timezone)).date()
            if action == "done" and subscription.last_done_on != day.isoformat():
                yesterday = (day - timedelta(days=1)).isoformat()
                continuing = subscription.last_done_on == yesterday
                subscription.streak = subscription.streak + 1 if continuing else 1
                subscription.last_done_on = day.isoformat()
            elif action == "pause":
                subscription.paused_until = now + timedelta(days=7)
            return int(subscription.streak)

    async def set_timezone(self, patient: PatientView, zone: str, now: datetime) -> None:
        """Store the zone; recurring prompts follow the new local clock from now on."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(Patient).where(Patient.id == patient.id).values(timezone=zone)
            )
            rows = await session.scalars(
                select(Subscription).where(Subscription.patient_id == patient.id)
            )
            for row in rows:
                row.timezone = zone
                row.next_due_at = self.rules.next_due(
                    kind=row.kind, local_time=row.local_time, zone=zone, after=now
                )
        self._patients.changed(patient.telegram_id)

    async def prune(self, now: datetime) -> None:
        """Forget delivery records and sessions older than the retention period."""
        cutoff = now - RETENTION
        async with self._sessions() as session, session.begin():
            await session.execute(
                delete(Delivery).where(Delivery.status != "pending", Delivery.due_at < cutoff)
            )
            await session.execute(delete(Appointment).where(Appointment.starts_at < cutoff))

    def quiet_now(self, moment: datetime, zone: str) -> bool:
        """Whether `moment` is within quiet hours for someone in `zone`."""
        return in_window(moment, zone, self.rules.quiet)
