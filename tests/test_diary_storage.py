"""Diary and uploaded-file storage on SQLite and PostgreSQL: upserts, history, forgetting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.services.diary import Diary
from bot.services.patients import PatientService
from bot.services.uploads import Uploads
from bot.storage.db import create_engine, session_factory
from bot.storage.models import Appointment

NOW = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)  # 14:00 in Tokyo
TOKYO = "Asia/Tokyo"


async def test_diary_keeps_one_score_a_local_day_and_forgets_with_the_patient(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    patients, diary = PatientService(sessions), Diary(sessions)
    try:
        patient = await patients.consent(telegram_id=42, language="en", now=NOW)
        assert not await diary.consented(patient)
        await diary.consent(patient, NOW)
        await diary.consent(patient, NOW + timedelta(days=1))
        assert (await diary.summary(patient)).consented_at == NOW, "the first date is kept"

        await diary.record(patient, 7, now=NOW, zone=TOKYO)
        tagged = await diary.toggle_tag(patient, "sitting", now=NOW, zone=TOKYO)
        assert tagged is not None and tagged.tags == ("sitting",)
        replaced = await diary.record(patient, 5, now=NOW + timedelta(hours=1), zone=TOKYO)
        assert replaced.score == 5 and replaced.tags == ()
        await diary.record(patient, 4, now=NOW + timedelta(days=2), zone=TOKYO)
        async with sessions() as session, session.begin():
            session.add(
                Appointment(
                    patient_id=patient.id,
                    starts_at=NOW + timedelta(days=1),
                    status="booked",
                    created_at=NOW,
                )
            )

        history = await diary.history(patient, days=30, now=NOW + timedelta(days=2), zone=TOKYO)
        assert [(e.day, e.score) for e in history.scores] == [
            (date(2026, 11, 26), 5),
            (date(2026, 11, 28), 4),
        ]
        assert history.sessions == (date(2026, 11, 27),)
        assert history.last_day - history.first_day == timedelta(days=29)
        assert await diary.keepers() == 1

        assert await patients.forget(42)
        assert await diary.keepers() == 0
        assert await diary.entries(patient) == []
    finally:
        await engine.dispose()


async def test_uploaded_file_ids_are_stored_replaced_and_dropped(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        uploads = Uploads(session_factory(engine))
        assert await uploads.file_id("acupoint:bl23:en:abc") is None
        await uploads.remember("acupoint:bl23:en:abc", "first", NOW)
        await uploads.remember("acupoint:bl23:en:abc", "second", NOW)
        fresh = Uploads(session_factory(engine))  # as after a restart
        assert await fresh.file_id("acupoint:bl23:en:abc") == "second"
        await fresh.forget("acupoint:bl23:en:abc")
        assert await Uploads(session_factory(engine)).file_id("acupoint:bl23:en:abc") is None
    finally:
        await engine.dispose()
