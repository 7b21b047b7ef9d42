"""When recurring prompts fall due: daily local times, posture slots, quiet hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def parse_clock(text: str) -> time | None:
    """`08:00` or `8:30` as a time of day; None when it is not one."""
    parts = text.strip().replace("：", ":").split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    hour, minute = int(parts[0]), int(parts[1])
    return time(hour, minute) if hour < 24 and minute < 60 else None


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def _at(day: datetime, clock: time, zone: str) -> datetime:
    """`clock` on `day`'s local date, as UTC; a time skipped by a DST change moves forward."""
    tz = ZoneInfo(zone)
    naive = datetime.combine(day.date(), clock)
    aware = naive.replace(tzinfo=tz)
    # Round-tripping through UTC exposes wall-clock times that do not exist on that day.
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        aware = (naive + timedelta(hours=1)).replace(tzinfo=tz)
    return aware.astimezone(UTC)


def next_daily(clock: time, zone: str, after: datetime) -> datetime:
    """The first moment strictly after `after` when the local wall clock in `zone` shows `clock`."""
    local = _local(after, zone)
    for days in range(3):
        candidate = _at(local + timedelta(days=days), clock, zone)
        if candidate > after:
            return candidate
    raise AssertionError("a daily time always recurs within three days")


@dataclass(frozen=True)
class Window:
    """A daily span of local time, e.g. quiet hours 21:00-08:00 (may cross midnight)."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> Window:
        """`21:00-08:00` as a window."""
        start, _, end = text.partition("-")
        first, second = parse_clock(start), parse_clock(end)
        if first is None or second is None:
            raise ValueError(f"{text!r} is not a span like 21:00-08:00")
        return cls(first, second)

    def contains(self, clock: time) -> bool:
        """Whether a local time of day falls inside the window (start included, end not)."""
        if self.start <= self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def in_window(moment: datetime, zone: str, window: Window) -> bool:
    """Whether `moment` falls inside `window` on the local clock of `zone`."""
    return window.contains(_local(moment, zone).time())


def next_posture_slot(
    *, zone: str, after: datetime, hours: Window, every: timedelta, quiet: Window
) -> datetime:
    """The next nudge time after `after`: every `every` from the start of working hours,
    weekdays only, never in quiet hours."""
    local = _local(after, zone)
    for days in range(8):
        day = local + timedelta(days=days)
        if day.weekday() >= 5:
            continue
        slot = _at(day, hours.start, zone)
        end = _at(day, hours.end, zone)
        while slot < end:
            if slot > after and not in_window(slot, zone, quiet):
                return slot
            slot += every
    raise AssertionError("working hours recur within a week")
