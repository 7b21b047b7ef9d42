"""Answer latency and accuracy in-process, matcher variants compared, and `clinic-bot ask` start-up.

Run: .venv/bin/python benchmarks/answer_latency.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.services import matching
from bot.services.answering import Answerer, ClinicFacts
from bot.settings import REPO_ROOT

DATA = REPO_ROOT / "tests" / "data"
ROUNDS = 20


def rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(name: str, answer: Callable[[str], str | None], questions: list[list[str]]) -> None:
    on_topic = [(t, q) for t, q in questions if t != "-"]
    off_topic = [q for t, q in questions if t == "-"]
    correct = sum(answer(q) == t for t, q in on_topic)
    wrongly_answered = sum(answer(q) is not None for q in off_topic)
    timings = []
    for _ in range(ROUNDS):
        for _, question in questions:
            start = time.perf_counter()
            answer(question)
            timings.append((time.perf_counter() - start) * 1000)
    print(
        f"{name:<34} top-1 {correct / len(on_topic):6.1%}  off-topic answered "
        f"{wrongly_answered:2d}/{len(off_topic)}  median {statistics.median(timings):5.2f} ms  "
        f"p99 {percentile(timings, 0.99):5.2f} ms"
    )


def main() -> None:
    facts = ClinicFacts(name="Fuji Wellness", address="Tokyo", email="clinic@example.com")
    answerer = Answerer.from_folder(REPO_ROOT / "content", facts)
    questions = rows("questions_en.tsv")
    print(f"{len(questions)} English questions, {ROUNDS} rounds each\n")

    measure(
        "full answer path (triage + match)", lambda q: answerer.answer(q, "en").topic_id, questions
    )

    matcher = answerer._matchers["en"]
    measure("matcher: BM25 + fuzzy (chosen)", lambda q: matcher.match(q).topic_id, questions)

    weight = matching._FUZZY_WEIGHT
    matching._FUZZY_WEIGHT = 0.0
    measure("matcher: BM25 fields only", lambda q: matcher.match(q).topic_id, questions)
    matching._FUZZY_WEIGHT = weight

    phrases = [
        (t.id, f"{t.title} {q}")
        for t in answerer.content.topics["en"].values()
        for q in (*t.questions, *t.keywords)
    ]
    choices = [p for _, p in phrases]

    def fuzzy_only(question: str) -> str | None:
        best = process.extractOne(question, choices, scorer=fuzz.WRatio, score_cutoff=75)
        return phrases[best[2]][0] if best else None

    measure("rapidfuzz WRatio only (cutoff 75)", fuzzy_only, questions)

    japanese = rows("questions_ja.tsv")
    print(f"\n{len(japanese)} Japanese questions, {ROUNDS} rounds each\n")
    measure("full answer path (ja)", lambda q: answerer.answer(q, "ja").topic_id, japanese)
    topics = list(answerer.content.topics["ja"].values())
    for name, tokenize in (
        ("matcher: dictionary words (chosen)", matching.japanese_words),
        ("matcher: character bigrams", matching.japanese_bigrams),
    ):
        for threshold, coverage in ((1.6, 0.6), (3.0, 0.5)):
            ja_matcher = matching.TopicMatcher(
                topics,
                tokenize=tokenize,
                threshold=threshold,
                min_coverage=coverage,
                phrase_bound=tokenize is matching.japanese_words,
            )
            measure(
                f"{name} {threshold}/{coverage}",
                lambda q, m=ja_matcher: m.match(q).topic_id,
                japanese,
            )

    urgent = [m for kind, _, m in rows("red_flags.tsv") if kind == "urgent"]
    timings = []
    for _ in range(ROUNDS):
        for message in urgent:
            start = time.perf_counter()
            answerer.checker.check(message)
            timings.append((time.perf_counter() - start) * 1000)
    print(
        f"{'red-flag check alone':<34} median {statistics.median(timings):5.2f} ms  "
        f"p99 {percentile(timings, 0.99):5.2f} ms"
    )

    starts = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", "ask", "bl23?"],
            check=True,
            capture_output=True,
            cwd=Path(REPO_ROOT),
        )
        starts.append(time.perf_counter() - start)
    print(
        f"\n`clinic-bot ask` whole process (5 runs): median {statistics.median(starts):.2f} s, "
        f"min {min(starts):.2f} s"
    )


if __name__ == "__main__":
    main()
