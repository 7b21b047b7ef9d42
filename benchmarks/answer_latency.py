"""Answer latency in-process (embedding included), start-up, resident memory, `ask` start-up.

Run: .venv/bin/python benchmarks/answer_latency.py
Questions are the blind sets' (patients' wording, long rambles included), in both languages.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.services.answering import Answerer, ClinicFacts
from bot.settings import REPO_ROOT
from tests.datasets import questions, red_flag_messages

ROUNDS = 5


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident() -> str:
    """Resident memory now: in all, private (anonymous) and file-backed (mapped, shareable)."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    mb = {name: int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "RssAnon", "RssFile")}
    return (
        f"{mb['VmRSS']:.0f} MB resident ({mb['RssAnon']:.0f} MB private, "
        f"{mb['RssFile']:.0f} MB mapped files: the Japanese dictionary and the token table)"
    )


def measure(name: str, work: Callable[[str], object], texts: list[str]) -> None:
    timings = []
    for _ in range(ROUNDS):
        for text in texts:
            start = time.perf_counter()
            work(text)
            timings.append((time.perf_counter() - start) * 1000)
    print(
        f"{name:<40} median {statistics.median(timings):5.2f} ms  "
        f"p99 {percentile(timings, 0.99):6.2f} ms  max {max(timings):6.2f} ms"
    )


def main() -> None:
    before = rss_mb()
    start = time.perf_counter()
    facts = ClinicFacts(name="Fuji Wellness", address="Tokyo", email="clinic@example.com")
    answerer = Answerer.from_folder(REPO_ROOT / "content", facts)
    print(
        f"answerer built in {time.perf_counter() - start:.2f} s (encoder load included); "
        f"peak RSS {before:.0f} MB before, {rss_mb():.0f} MB after"
    )
    english = [q.text for q in questions("en", blind=True)]
    japanese = [q.text for q in questions("ja", blind=True)]
    messages = [m.text for lang in ("en", "ja") for m in red_flag_messages(lang, blind=True)]
    print(
        f"{len(english)} English, {len(japanese)} Japanese questions, {len(messages)} "
        f"red-flag messages; {ROUNDS} rounds each\n"
    )
    measure("full answer path, English", lambda q: answerer.answer(q, "en"), english)
    measure("full answer path, Japanese", lambda q: answerer.answer(q, "ja"), japanese)
    measure("full answer path, red-flag messages", answerer.answer, messages)
    measure("embedding alone", answerer.embed, english + japanese)
    measure("red-flag rules alone", answerer.checker.check, messages)
    lexical = answerer.matcher("en").lexical
    measure("lexical matcher alone, English", lexical.match, english)
    print(f"\nafter answering: {resident()}; peak {rss_mb():.0f} MB")

    starts = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", "ask", "bl23?"],
            check=True,
            capture_output=True,
            cwd=Path(REPO_ROOT),
        )
        starts.append(time.perf_counter() - start)
    print(
        f"`clinic-bot ask` whole process (3 runs): median {statistics.median(starts):.2f} s, "
        f"min {min(starts):.2f} s"
    )


if __name__ == "__main__":
    main()
