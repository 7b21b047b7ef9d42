"""Understanding quality on our own and the blind sets, tuning and test parts side by side.

Run: .venv/bin/python benchmarks/understanding.py [--misses]
`--misses` also lists what went wrong in the tuning parts (never the test parts: nothing is tuned
on them, so nobody should read their misses while tuning). The later blind sets (2-6) follow,
as figures only.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.services.answering import Answerer, ClinicFacts
from bot.settings import REPO_ROOT
from tests.datasets import LATER_BLIND_SETS, later_blind_red_flags, questions, red_flag_messages

FACTS = ClinicFacts(name="Fuji Wellness", address="Tokyo", email="clinic@example.com")


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.1%})" if whole else "-"


def report(answerer: Answerer, *, show_misses: bool) -> None:
    """Print top-1, off-topic, urgent and calm figures per language, set and part."""
    print(
        f"{'set':<22}{'top-1':>20}{'off-topic given a topic':>26}{'urgent caught':>20}"
        f"{'calm flagged':>18}"
    )
    for language in ("en", "ja"):
        for blind in (False, True):
            for part in ("tune", "test"):
                name = f"{language} {'blind' if blind else 'own'} {part}"
                asked = questions(language, blind=blind, part=part)
                on = [q for q in asked if q.topic]
                off = [q for q in asked if not q.topic]
                answers = {q.text: answerer.answer(q.text, language) for q in asked}
                right = [q for q in on if answers[q.text].topic_id == q.topic]
                wrongly = [q for q in off if answers[q.text].topic_id is not None]
                messages = red_flag_messages(language, blind=blind, part=part)
                urgent = [m for m in messages if m.urgent]
                calm = [m for m in messages if not m.urgent]
                caught = [m for m in urgent if answerer.answer(m.text).urgent]
                flagged = [m for m in calm if answerer.answer(m.text).urgent]
                print(
                    f"{name:<22}{_share(len(right), len(on)):>20}"
                    f"{_share(len(wrongly), len(off)):>26}"
                    f"{_share(len(caught), len(urgent)):>20}{_share(len(flagged), len(calm)):>18}"
                )
                if show_misses and part == "tune":
                    for q in on:
                        if answers[q.text].topic_id != q.topic:
                            print(f"    MISS {q.topic} -> {answers[q.text].topic_id}: {q.text}")
                    for q in wrongly:
                        print(f"    OFF  -> {answers[q.text].topic_id}: {q.text}")
                    for m in urgent:
                        if m not in caught:
                            print(f"    URGENT MISSED [{m.category}]: {m.text}")
                    for m in flagged:
                        print(f"    CALM FLAGGED [{m.category}]: {m.text}")


def report_later_blind_sets(answerer: Answerer) -> None:
    """Urgent caught and calm flagged on the later blind sets (figures only)."""
    for name in LATER_BLIND_SETS:
        for language in ("en", "ja"):
            messages = later_blind_red_flags(name, language)
            urgent = [m for m in messages if m.urgent]
            calm = [m for m in messages if not m.urgent]
            caught = sum(answerer.answer(m.text).urgent for m in urgent)
            flagged = sum(answerer.answer(m.text).urgent for m in calm)
            print(
                f"{language + ' ' + name:<22}{'':>20}{'':>26}"
                f"{_share(caught, len(urgent)):>20}{_share(flagged, len(calm)):>18}"
            )


def main() -> None:
    answerer = Answerer.from_folder(REPO_ROOT / "content", FACTS)
    report(answerer, show_misses="--misses" in sys.argv)
    report_later_blind_sets(answerer)


if __name__ == "__main__":
    main()
