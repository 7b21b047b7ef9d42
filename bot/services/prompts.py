"""The proactive messages: session reminders, daily stretches, posture nudges (as plain data)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Catalogue
from bot.services.answering import Answerer
from bot.services.broadcasts import Counts
from bot.services.content import to_html


@dataclass(frozen=True)
class Button:
    """An inline button: it either carries callback data or opens a URL."""

    text: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Outgoing:
    """A message ready to send: Telegram HTML and rows of buttons."""

    html: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    photo: str | None = None  # a Telegram file id; `html` is then its caption


def local_time_text(moment: datetime, zone: str, language: str) -> str:
    """A moment as the patient reads it: `Thu 3 Dec 15:30` / `12月3日(木) 15:30`."""
    local = moment.astimezone(ZoneInfo(zone))
    if language == "ja":
        weekday = "月火水木金土日"[local.weekday()]
        return f"{local.month}月{local.day}日({weekday}) {local:%H:%M}"
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def maps_url(address: str) -> str:
    """A maps search for the address (works in every maps app)."""
    from urllib.parse import quote_plus

    return f"https://www.google.com/maps/search/?api=1&query={quote_plus(address)}"


class Prompts:
    """Builds proactive messages from the content and catalogues."""

    def __init__(self, answerer: Answerer) -> None:
        self._answerer = answerer
        content = answerer.content.topics[answerer.content_language("en")]
        self.exercises = sorted(t for t in content if t.startswith("exercise."))
        self.posture_tips = sorted(t for t in content if t.startswith("posture."))

    def _texts(self, language: str) -> Catalogue:
        return self._answerer.texts(language)

    @staticmethod
    def following(items: list[str], last: str | None) -> str:
        """The item after `last` in turn, so no one gets the same one twice running."""
        if last not in items:
            return items[0]
        return items[(items.index(last) + 1) % len(items)]

    def reminder(
        self, *, appointment_id: int, starts_at: datetime, zone: str, language: str
    ) -> Outgoing:
        """A session reminder: when, where, and confirm / reschedule / cancel."""
        texts, facts = self._texts(language), self._answerer.facts.localized(language)
        html = texts.text(
            "reminder-session",
            clinic=facts.name,
            when=local_time_text(starts_at, zone, language),
            address=facts.address,
        )
        rows: list[tuple[Button, ...]] = [
            (
                Button(texts.text("button-confirm"), data=f"r:c{appointment_id}"),
                Button(texts.text("button-cancel"), data=f"r:x{appointment_id}"),
            )
        ]
        if facts.booking_url:
            rows.append((Button(texts.text("button-reschedule"), url=facts.booking_url),))
        rows.append((Button(texts.text("book-map-button"), url=maps_url(facts.address)),))
        return Outgoing(html, tuple(rows))

    def daily(
        self,
        *,
        delivery_id: int,
        exercise: str,
        streak: int,
        language: str,
        with_diary: bool = False,
    ) -> Outgoing:
        """Today's stretch: the exercise with steps and when to stop, the streak, and buttons;
        with the diary, also today's pain question with buttons 0 to 10."""
        texts = self._texts(language)
        reply = self._answerer.topic_reply(exercise, language)
        parts = [texts.text("daily-intro"), reply.html]
        if streak:
            parts.append(texts.text("daily-streak", days=streak))
        buttons: tuple[tuple[Button, ...], ...] = (
            (
                Button(texts.text("button-done"), data=f"p:d{delivery_id}"),
                Button(texts.text("button-skip"), data=f"p:s{delivery_id}"),
            ),
            (Button(texts.text("button-pause-week"), data=f"p:p{delivery_id}"),),
        )
        if with_diary:
            parts.append(texts.text("daily-diary-ask"))
            # "k:d…": a score pressed on the daily prompt (see bot/handlers/diary.py).
            scores = [Button(str(n), data=f"k:d{n}") for n in range(11)]
            buttons += (tuple(scores[:6]), tuple(scores[6:]))
        return Outgoing("\n\n".join(parts), buttons)

    def posture(self, *, tip: str, language: str) -> Outgoing:
        """A short nudge: stand up and move, with one posture tip."""
        texts = self._texts(language)
        topic = self._answerer.topic(tip, language)
        title = topic.title if topic else ""
        first_tip = next(
            (
                line[2:]
                for line in (topic.body.splitlines() if topic else [])
                if line.startswith("- ")
            ),
            "",
        )
        html = texts.text("posture-nudge", title=to_html(title), tip=to_html(first_tip))
        return Outgoing(html, ((Button(texts.text("button-more"), data=f"t:{tip}"),),))

    def broadcast_progress(
        self, *, broadcast_id: int, counts: Counts, language: str, rate: float, final: bool
    ) -> Outgoing:
        """The staff member's progress message, edited as sending goes on, then the report."""
        texts = self._texts(language)
        figures = {
            "sent": counts.sent,
            "failed": counts.failed,
            "blocked": counts.blocked,
            "remaining": counts.remaining,
            "total": counts.total,
        }
        if final:
            return Outgoing(texts.text("broadcast-report", id=broadcast_id, **figures))
        minutes = math.ceil(counts.remaining / rate / 60) if rate else 0
        html = texts.text("broadcast-progress", id=broadcast_id, minutes=minutes, **figures)
        stop = Button(texts.text("button-stop"), data=f"b:x{broadcast_id}")
        return Outgoing(html, ((stop,),))
