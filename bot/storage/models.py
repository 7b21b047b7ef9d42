"""The database schema as typed SQLAlchemy models; migrations mirror it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import false, text, true


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp; SQLite drops the zone, so it is re-attached on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC time")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every model; constraint names are fixed so migrations can refer to them."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_name)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Patient(Base):
    """Someone who consented to the bot storing their preferences."""

    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    consented_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    blocked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    notices: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The pain diary is health data (APPI): it has its own, separate consent.
    diary_consented_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Appointment(Base):
    """A session a patient told the bot about."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_patient_starts", "patient_id", "starts_at"),
        # One active appointment per patient and time: a double tap on Save saves one.
        Index(
            "uq_appointments_active_slot",
            "patient_id",
            "starts_at",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(16), default="booked")  # booked|confirmed|cancelled
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Subscription(Base):
    """A recurring prompt: the daily stretch or posture nudges. `next_due_at` drives it."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("patient_id", "kind"),
        Index("ix_subscriptions_due", "active", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # daily|posture
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A copy of the patient's zone, so that everyone due at the same local minute moves on
    # together in one statement.
    timezone: Mapped[str] = mapped_column(String(64))
    # Daily: the local time, HH:MM. Posture: the local working hours, HH:MM-HH:MM.
    local_time: Mapped[str] = mapped_column(String(11))
    next_due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    paused_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    streak: Mapped[int] = mapped_column(Integer, default=0)
    last_done_on: Mapped[str | None] = mapped_column(String(10))  # local date, YYYY-MM-DD
    last_item: Mapped[str | None] = mapped_column(String(64))  # topic id last sent
    # Daily only: whether the prompt also asks for today's pain score.
    with_diary: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Delivery(Base):
    """One message that is due or was sent: what, to whom, for which due time, and how it went."""

    __tablename__ = "deliveries"
    __table_args__ = (
        # One row per message: a due time of an item, for one patient (a broadcast has many).
        UniqueConstraint("kind", "ref_id", "patient_id", "due_at", name="uq_deliveries_once"),
        Index("ix_deliveries_pending", "status", "next_attempt_at"),
        Index("ix_deliveries_item", "kind", "ref_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # reminder|daily|posture|broadcast
    ref_id: Mapped[int] = mapped_column(Integer)  # appointment, subscription or broadcast id
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # pending|sent|blocked|skipped|failed|unknown (timed out: it may have arrived; not resent)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    item: Mapped[str | None] = mapped_column(String(64))  # e.g. the exercise topic sent
    error: Mapped[str | None] = mapped_column(String(120))
    # Which instance is sending it, until when; recording the outcome clears both.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Broadcast(Base):
    """A notice from staff to patients; its recipients are deliveries of kind `broadcast`."""

    __tablename__ = "broadcasts"
    __table_args__ = (Index("ix_broadcasts_status_send_at", "status", "send_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[int] = mapped_column(BigInteger)  # the staff member's Telegram id
    language: Mapped[str] = mapped_column(String(8))  # the staff member's, for progress messages
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # composing|draft|awaiting-time|scheduled|sending|done|stopped|cancelled|failed
    status: Mapped[str] = mapped_column(String(16))
    html: Mapped[str | None] = mapped_column(Text)
    photo: Mapped[str | None] = mapped_column(String(256))  # Telegram file id
    audience: Mapped[str | None] = mapped_column(String(16))  # all|en|ja|daily|s7
    send_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    total: Mapped[int] = mapped_column(Integer, default=0)
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PainScore(Base):
    """One day's pain score (0-10) in the patient's diary; one row per local day."""

    __tablename__ = "pain_scores"
    __table_args__ = (UniqueConstraint("patient_id", "day", name="uq_pain_scores_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    day: Mapped[str] = mapped_column(String(10))  # the patient's local date, YYYY-MM-DD
    score: Mapped[int] = mapped_column(Integer)
    tags: Mapped[str] = mapped_column(String(200), default="")  # comma-separated tag ids
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class UploadedFile(Base):
    """A file Telegram already holds (e.g. an acupoint picture): sent again by its file id."""

    __tablename__ = "uploaded_files"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)  # what it is, and its hash
    file_id: Mapped[str] = mapped_column(String(256))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime())
