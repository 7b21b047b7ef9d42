"""Reading the date and time a patient types ("tomorrow 3pm", "12/3 15:30", "来週火曜 午後3時").

The time of day is read here (a handful of clock forms in English and Japanese); Japanese date
words are turned into dates; everything else about the date goes to dateparser. The caller
always echoes the result back for the patient to confirm.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import dateparser

MAX_AHEAD = timedelta(days=366)
_WEEKDAYS_JA = "月火水木金土日"
_TIME_PATTERNS = (
    # 午後3時, 午前10時30分, 午後3時半
    re.compile(
        r"(?P<ampm>午前|午後)\s*(?P<h>\d{1,2})\s*時\s*(?:(?P<m>\d{1,2})\s*分|(?P<half>半))?"
    ),
    re.compile(r"(?P<ampm>午前|午後)\s*(?P<h>\d{1,2}):(?P<m>\d{2})"),
    # 15時, 15時30分, 3時半
    re.compile(r"(?P<h>\d{1,2})\s*時\s*(?:(?P<m>\d{1,2})\s*分|(?P<half>半))?"),
    # 3pm, 3:30 pm, 10 am
    re.compile(r"\b(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)"),
    # 15:30
    re.compile(r"\b(?P<h>\d{1,2}):(?P<m>\d{2})\b"),
    # "at 9"
    re.compile(r"\bat\s+(?P<h>\d{1,2})\b(?!\s*(?:/|-|\.\d))"),
    re.compile(r"(?P<noon>\bnoon\b|正午)"),
)
# A bare "3時" or "at 3" at a clinic means the afternoon; the echo-back catches the rest.
_AFTERNOON_GUESS = range(1, 8)
_MONTH_DAY = re.compile(r"\b(?P<mo>\d{1,2})/(?P<d>\d{1,2})\b")
_JA_MONTH_DAY = re.compile(r"(?:(?P<y>\d{4})\s*年\s*)?(?P<mo>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_JA_WEEKDAY = re.compile(
    r"(?P<next>来週|再来週|今週)?\s*の?\s*(?P<wd>[月火水木金土日])\s*曜(?:日)?"
)
_JA_RELATIVE = {
    "今日": 0,
    "きょう": 0,
    "明日": 1,
    "あした": 1,
    "あす": 1,
    "明後日": 2,
    "あさって": 2,
}


class Problem(StrEnum):
    """Why a typed time could not be used."""

    UNREADABLE = "unreadable"
    NO_TIME = "no-time"
    PAST = "past"
    TOO_FAR = "too-far"


@dataclass(frozen=True)
class ParsedWhen:
    """The moment the patient meant (UTC-aware), or why there is none."""

    at: datetime | None = None
    problem: Problem | None = None


def _read_time(text: str) -> tuple[time | None, str, bool]:
    """The time of day in `text`, the text without it, and whether what was found was valid."""
    for pattern in _TIME_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        if parts.get("noon"):
            return time(12, 0), (text[: match.start()] + " " + text[match.end() :]).strip(), True
        hour = int(parts["h"])
        minute = 30 if parts.get("half") else int(parts.get("m") or 0)
        ampm = parts.get("ampm")
        if ampm is None and parts.get("m") is None and not parts.get("half"):
            hour += 12 if hour in _AFTERNOON_GUESS and ":" not in match.group(0) else 0
        if ampm in ("午後", "pm", "p.m.") and hour < 12:
            hour += 12
        elif ampm in ("午前", "am", "a.m.") and hour == 12:
            hour = 0
        rest = (text[: match.start()] + " " + text[match.end() :]).strip()
        if hour > 23 or minute > 59:
            return None, rest, False
        return time(hour, minute), rest, True
    return None, text, True


def _next_month_day(month: int, day: int, today: date, year: int | None) -> date | None:
    for candidate_year in [year] if year else [today.year, today.year + 1]:
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            return None
        if year or candidate >= today:
            return candidate
    return None


def _read_japanese_date(text: str, today: date) -> tuple[date | None, str, bool]:
    """A date written in Japanese, the rest of the text, and whether it was valid."""
    match = _JA_MONTH_DAY.search(text)
    if match:
        year = int(match["y"]) if match["y"] else None
        found = _next_month_day(int(match["mo"]), int(match["d"]), today, year)
        return found, text.replace(match.group(0), " ").strip(), found is not None
    match = _JA_WEEKDAY.search(text)
    if match:
        weekday = _WEEKDAYS_JA.index(match["wd"])
        monday = today - timedelta(days=today.weekday())
        if match["next"] in ("来週", "再来週"):
            weeks = 1 if match["next"] == "来週" else 2
            found = monday + timedelta(weeks=weeks, days=weekday)
        else:
            found = today + timedelta(days=(weekday - today.weekday()) % 7)
        return found, text.replace(match.group(0), " ").strip(), True
    for word, days in _JA_RELATIVE.items():
        if word in text:
            return today + timedelta(days=days), text.replace(word, " ").strip(), True
    return None, text, True


def _read_date(text: str, now_local: datetime) -> tuple[date | None, bool]:
    """The date in what is left of the text: Japanese words first, then dateparser."""
    found, rest, valid = _read_japanese_date(text, now_local.date())
    if not valid:
        return None, False
    rest = re.sub(r"[にのでからへ、。,]+|\bon\b", " ", rest).strip()
    if found is not None:
        return found, not rest
    if not rest:
        return None, True
    for match in _MONTH_DAY.finditer(rest):
        if not (1 <= int(match["mo"]) <= 12 and 1 <= int(match["d"]) <= 31):
            return None, False
    parsed = dateparser.parse(
        rest,
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": now_local.replace(tzinfo=None),
            "DATE_ORDER": "MDY",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    return (parsed.date(), True) if parsed else (None, False)


def parse_when(text: str, *, now: datetime, zone: str) -> ParsedWhen:
    """Read a future appointment time typed in English or Japanese, in the patient's zone."""
    tz = ZoneInfo(zone)
    now_local = now.astimezone(tz)
    folded = unicodedata.normalize("NFKC", text).lower().strip()
    if not folded:
        return ParsedWhen(problem=Problem.UNREADABLE)
    clock, rest, clock_valid = _read_time(folded)
    day, date_valid = _read_date(rest, now_local)
    if not clock_valid or not date_valid:
        return ParsedWhen(problem=Problem.UNREADABLE)
    if clock is None:
        return ParsedWhen(problem=Problem.NO_TIME if day else Problem.UNREADABLE)
    if day is None:  # only a time: today if still ahead, else tomorrow
        day = now_local.date()
        if datetime.combine(day, clock, tz) <= now_local:
            day += timedelta(days=1)
    at = datetime.combine(day, clock, tz)
    if at <= now_local:
        return ParsedWhen(problem=Problem.PAST)
    if at - now_local > MAX_AHEAD:
        return ParsedWhen(problem=Problem.TOO_FAR)
    return ParsedWhen(at=at.astimezone(ZoneInfo("UTC")))
