"""The dates and times patients type, in English and Japanese (now: Thu 26 Nov 2026 14:00 Tokyo)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.when import ParsedWhen, Problem, parse_when

NOW = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)
TOKYO = "Asia/Tokyo"

GOOD = [
    ("2026-12-03 15:30", "2026-12-03 15:30"),
    ("2026/12/24 18:00", "2026-12-24 18:00"),
    ("12/3 15:30", "2026-12-03 15:30"),
    ("12/3 3pm", "2026-12-03 15:00"),
    ("tomorrow 3pm", "2026-11-27 15:00"),
    ("Tomorrow 3 PM", "2026-11-27 15:00"),
    ("tomorrow at 10:30", "2026-11-27 10:30"),
    ("tomorrow at noon", "2026-11-27 12:00"),
    ("next tuesday 10am", "2026-12-01 10:00"),
    ("friday 9:30", "2026-11-27 09:30"),
    ("friday at 4", "2026-11-27 16:00"),
    ("dec 3 at 4pm", "2026-12-03 16:00"),
    ("3 December 11:00", "2026-12-03 11:00"),
    ("December 10, 2026 9am", "2026-12-10 09:00"),
    ("in 2 days at 9", "2026-11-28 09:00"),
    ("in 3 days 11:15", "2026-11-29 11:15"),
    ("today 6pm", "2026-11-26 18:00"),
    ("15:30", "2026-11-26 15:30"),
    ("10:00", "2026-11-27 10:00"),
    ("next week 3pm", "2026-12-03 15:00"),
    ("明日15時", "2026-11-27 15:00"),
    ("明日 15:30", "2026-11-27 15:30"),
    ("あした 午前10時", "2026-11-27 10:00"),
    ("明後日 10時", "2026-11-28 10:00"),
    ("あさって午後2時半", "2026-11-28 14:30"),
    ("12月3日 15:30", "2026-12-03 15:30"),
    ("12月3日 15時30分", "2026-12-03 15:30"),
    ("12月3日 午後3時", "2026-12-03 15:00"),
    ("2027年1月8日 9時", "2027-01-08 09:00"),
    ("1月8日 9時", "2027-01-08 09:00"),
    ("来週火曜 午後3時", "2026-12-01 15:00"),
    ("来週の金曜日 11時", "2026-12-04 11:00"),
    ("水曜 11時", "2026-12-02 11:00"),
    ("今日 午後3時半", "2026-11-26 15:30"),
    ("今日の17時", "2026-11-26 17:00"),
    ("3時", "2026-11-26 15:00"),
    ("１２月３日　１５：３０", "2026-12-03 15:30"),
    ("明日 正午", "2026-11-27 12:00"),
]

BAD = [
    ("", Problem.UNREADABLE),
    ("garbage", Problem.UNREADABLE),
    ("next full moon", Problem.UNREADABLE),
    ("asdf 3pm", Problem.UNREADABLE),
    ("25:00", Problem.UNREADABLE),
    ("13/45 10:00", Problem.UNREADABLE),
    ("12月32日 10時", Problem.UNREADABLE),
    ("tomorrow", Problem.NO_TIME),
    ("明日", Problem.NO_TIME),
    ("dec 3", Problem.NO_TIME),
    ("yesterday 3pm", Problem.PAST),
    ("2025-01-01 10:00", Problem.PAST),
    ("today 9am", Problem.PAST),
    ("2028-01-01 10:00", Problem.TOO_FAR),
]


@pytest.mark.parametrize(("typed", "expected"), GOOD)
def test_understood_times(typed: str, expected: str) -> None:
    parsed = parse_when(typed, now=NOW, zone=TOKYO)
    assert parsed.problem is None, parsed.problem
    assert parsed.at is not None and parsed.at.tzinfo is not None
    assert parsed.at.astimezone(ZoneInfo(TOKYO)).strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(("typed", "problem"), BAD)
def test_refused_times(typed: str, problem: Problem) -> None:
    assert parse_when(typed, now=NOW, zone=TOKYO) == ParsedWhen(problem=problem)


def test_the_table_is_large_enough() -> None:
    assert len(GOOD) + len(BAD) >= 40


def test_times_are_read_in_the_patients_zone() -> None:
    parsed = parse_when("tomorrow 9am", now=NOW, zone="Europe/London")
    assert parsed.at == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
