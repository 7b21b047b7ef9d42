"""The labelled sets in tests/data and their frozen tuning/test split (tests and benchmarks)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DATA = Path(__file__).resolve().parent / "data"
BLIND = DATA / "blind"
# Red flags only, no tuning part, each measured at a few commits and never tuned on: blind2
# (written after the second session), blind3 and blind4 (before the third and fourth), blind5
# (after the fourth), blind6 (during the fifth).
LATER_BLIND_SETS = ("blind2", "blind3", "blind4", "blind5", "blind6")
Part = Literal["tune", "test", "all"]


def part_of(text: str) -> Literal["tune", "test"]:
    """The frozen split: a row is in the tuning part when its text's SHA-256 starts even.

    Deciding by the text alone keeps the split stable as rows are added or labels fixed.
    """
    return "tune" if hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def _rows(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class Question:
    """A question and the topic it should land on (None: no topic, the honest fallback)."""

    text: str
    topic: str | None
    language: str


@dataclass(frozen=True)
class Message:
    """A message labelled urgent or calm."""

    text: str
    urgent: bool
    language: str
    category: str = ""


def _in(part: Part, text: str) -> bool:
    return part == "all" or part_of(text) == part


def questions(language: str, *, blind: bool, part: Part = "all") -> list[Question]:
    """Our own question set or the blind one, for one language."""
    path = (BLIND if blind else DATA) / f"questions_{language}.tsv"
    return [
        Question(text=text, topic=None if topic == "-" else topic, language=language)
        for topic, text in _rows(path)
        if _in(part, text)
    ]


def red_flag_messages(language: str, *, blind: bool, part: Part = "all") -> list[Message]:
    """Our own urgent/calm messages or the blind ones, for one language."""
    if blind:
        rows = [
            Message(text=text, urgent=label == "urgent", language=language, category=category)
            for label, category, text in _rows(BLIND / f"red_flags_{language}.tsv")
        ]
    else:
        rows = [
            Message(text=text, urgent=label == "urgent", language=lang)
            for label, lang, text in _rows(DATA / "red_flags.tsv")
            if lang == language
        ]
    return [m for m in rows if _in(part, m.text)]


def later_blind_red_flags(name: str, language: str) -> list[Message]:
    """One later blind set's messages (all of them: it has no tuning part)."""
    return [
        Message(text=text, urgent=label == "urgent", language=language, category=category)
        for label, category, text in _rows(DATA / name / f"red_flags_{language}.tsv")
    ]
