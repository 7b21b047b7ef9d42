"""Choose fusion weights, confidence model, abstention threshold and the safety net's vote
on the TUNING parts only, cross-validate them, and write bot/services/tuned.json.

Run: .venv/bin/python benchmarks/tune_understanding.py [--write]
The test parts are never read here; benchmarks/understanding.py reports them.
"""

from __future__ import annotations

import itertools
import json
import statistics
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.safety_net_blocks import HeldOut, held_out
from bot.i18n import Texts
from bot.services.answering import EXAMPLES_NAME, Answerer, ClinicFacts
from bot.services.content import load_content
from bot.services.lexical_probe import SHIPPED
from bot.services.matching import LexicalScores
from bot.services.safety_net import EXAMPLES_FILE, read_labelled_messages
from bot.services.semantic import Vectors
from bot.services.topic_search import (
    TUNED_FILE,
    Example,
    FusionParameters,
    features,
    read_examples,
)
from bot.settings import REPO_ROOT
from tests.datasets import Question, questions, red_flag_messages

FACTS = ClinicFacts(name="Fuji Wellness", address="Tokyo", email="clinic@example.com")
CONTENT = REPO_ROOT / "content"
FOLDS = 5
LANGUAGES = ("en", "ja")
# The net's own share of false alarms on held-out calm examples (written to be tricky: ordinary
# pain in alarming words, denied or past signs); the rules' come on top. 5 % since the lexical
# probe joined: on a fresh round it then caught more urgent messages than two voters at 7 %,
# with fewer false alarms (benchmarks/safety_net_blocks.py; README, "How the bot understands").
CALM_BUDGET = 0.05
SET_ASIDE_BUDGET = 0.02
QUESTION_BUDGET = 0.02
GRID = list(itertools.product([0.0, 0.3, 0.6, 1.0], [0.2, 0.4, 0.7, 1.0, 1.5], [2.0, 5.0, 10.0]))


@dataclass(frozen=True)
class Seen:
    """What the matcher sees for one tuning question, computed once."""

    question: Question
    lexical: LexicalScores
    asked: Vectors
    answered: Vectors
    off_topic: float


def observe(answerer: Answerer, language: str, asked: list[Question]) -> list[Seen]:
    matcher = answerer.matcher(language)
    seen = []
    for q in asked:
        sims = matcher.index.similarities(answerer.embed(q.text))
        seen.append(Seen(q, matcher.lexical.lexical(q.text), *sims))
    return seen


def candidate(s: Seen, topic_ids: list[str], p: FusionParameters) -> tuple[str, list[float]]:
    return features(
        lexical=s.lexical,
        asked=s.asked,
        answered=s.answered,
        off_topic=s.off_topic,
        topic_ids=topic_ids,
        parameters=p,
    )


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.01) -> tuple[np.ndarray, ...]:
    """Plain logistic regression by gradient descent on standardised features."""
    mean, scale = x.mean(0), x.std(0) + 1e-9
    z = (x - mean) / scale
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(3000):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = p - y
        w -= 0.5 * (z.T @ g / len(y) + l2 * w)
        b -= 0.5 * float(g.mean())
    return mean, scale, w, np.array(b)


def calibrate(seen: list[Seen], topic_ids: list[str], p: FusionParameters) -> FusionParameters:
    """Fit the confidence model; the threshold sits just above every off-topic question."""
    rows = [candidate(s, topic_ids, p) for s in seen]
    x = np.array([values for _, values in rows])
    y = np.array([best == s.question.topic for (best, _), s in zip(rows, seen, strict=True)], float)
    mean, scale, w, b = fit_logistic(x, y)
    fitted = replace(p, mean=tuple(mean), scale=tuple(scale), weights=tuple(w), bias=float(b))
    chances = [_chance(values, fitted) for _, values in rows]
    off = [c for c, s in zip(chances, seen, strict=True) if s.question.topic is None]
    return replace(fitted, threshold=round(max(off, default=0.5) + 0.02, 4))


def _chance(values: list[float], p: FusionParameters) -> float:
    z = (np.array(values) - np.array(p.mean)) / np.array(p.scale)
    return float(1 / (1 + np.exp(-(z @ np.array(p.weights) + p.bias))))


def score(seen: list[Seen], topic_ids: list[str], p: FusionParameters) -> tuple[float, int, int]:
    """Top-1 with abstention over on-topic questions; off-topic questions given a topic."""
    right = answered_off = on = off = 0
    for s in seen:
        best, values = candidate(s, topic_ids, p)
        given = best if _chance(values, p) >= p.threshold else None
        if s.question.topic is None:
            off += 1
            answered_off += given is not None
        else:
            on += 1
            right += given == s.question.topic
    return right / max(on, 1), answered_off, off


def tune_language(answerer: Answerer, halves: list[Answerer], language: str) -> dict[str, object]:
    asked = questions(language, blind=True, part="tune") + questions(
        language, blind=False, part="tune"
    )
    seen = observe(answerer, language, asked)
    # The off-topic lines of content/*/_examples.tsv are negatives too; each half is scored by an
    # index built without it, so no line is measured against itself.
    for half, other in ((0, 1), (1, 0)):
        lines = [
            Question(text=e.text, topic=None, language=language)
            for e in off_topic_examples(language)[half::2]
        ]
        seen += observe(halves[other], language, lines)
    topic_ids = answerer.matcher(language).index.topic_ids
    blank = FusionParameters(0, 0, 1, (0.0,) * 10, (1.0,) * 10, (0.0,) * 10, 0.0, 0.0)

    def raw_top1(p: FusionParameters) -> float:
        on = [s for s in seen if s.question.topic]
        return sum(candidate(s, topic_ids, p)[0] == s.question.topic for s in on) / len(on)

    ranked = sorted(
        GRID,
        key=lambda g: (
            raw_top1(replace(blank, body_weight=g[0], lexical_weight=g[1], lexical_half=g[2])),
            -g[0] - g[1],
        ),
        reverse=True,
    )
    a, b, c = ranked[0]
    chosen = replace(blank, body_weight=a, lexical_weight=b, lexical_half=c)
    print(
        f"{language}: fusion body {a}, lexical {b}, half {c}: ranking top-1 on the tuning part "
        f"{raw_top1(chosen):.1%}"
    )

    order = np.random.default_rng(7).permutation(len(seen))
    accuracies, off_answered = [], []
    for fold in range(FOLDS):
        held = {int(i) for i in order[fold::FOLDS]}
        train = [s for i, s in enumerate(seen) if i not in held]
        test = [s for i, s in enumerate(seen) if i in held]
        accuracy, wrongly, off = score(test, topic_ids, calibrate(train, topic_ids, chosen))
        accuracies.append(accuracy)
        off_answered.append(f"{wrongly}/{off}")
    print(
        f"{language}: {FOLDS}-fold cross-validation on the tuning part: top-1 "
        f"{statistics.mean(accuracies):.1%} ± {statistics.stdev(accuracies):.1%} "
        f"(folds {', '.join(f'{a:.1%}' for a in accuracies)}); off-topic given a topic "
        f"{', '.join(off_answered)}"
    )
    final = calibrate(seen, topic_ids, chosen)
    accuracy, wrongly, off = score(seen, topic_ids, final)
    print(
        f"{language}: fitted on the whole tuning part: top-1 {accuracy:.1%}, off-topic given a "
        f"topic {wrongly}/{off}, threshold {final.threshold}"
    )
    return {
        "body_weight": a,
        "lexical_weight": b,
        "lexical_half": c,
        "mean": [round(float(v), 6) for v in final.mean],
        "scale": [round(float(v), 6) for v in final.scale],
        "weights": [round(float(v), 6) for v in final.weights],
        "bias": round(final.bias, 6),
        "threshold": final.threshold,
    }


def tune_safety_net(answerer: Answerer, seen: HeldOut, language: str) -> dict[str, float]:
    """Place one language's two lines on the net ALONE, on held-out readings of the labelled
    examples (thousands, each read by a net built without its writer's block) rather than on
    the hundred calm messages of a tuning part.

    The line for messages the rules leave open keeps CALM_BUDGET of held-out calm examples; the
    line for messages the rules read as denied or general keeps SET_ASIDE_BUDGET of those. Both
    stay high enough that at most QUESTION_BUDGET of patients' tuning questions are flagged (a
    question the net flags is a patient who gets an alarm instead of an answer).
    """
    mine = seen.languages == language
    urgency = seen.urgency()
    examples = read_labelled_messages(EXAMPLES_FILE)
    set_aside = np.array([_set_aside(answerer, e.text) for e in examples])
    open_calm = urgency[mine & ~seen.urgent & ~set_aside]
    aside_calm = urgency[mine & ~seen.urgent & set_aside]
    asked = [
        q.text for blind in (True, False) for q in questions(language, blind=blind, part="tune")
    ]
    asked_aside = np.array([_set_aside(answerer, text) for text in asked])
    ordinary = np.array([_read(answerer, text) for text in asked])

    def questions_flagged(line: float, aside_line: float) -> float:
        return float(np.mean(np.where(asked_aside, ordinary > aside_line, ordinary > line)))

    line = round(float(np.quantile(open_calm, 1 - CALM_BUDGET)), 3)
    aside_line = round(max(line, float(np.quantile(aside_calm, 1 - SET_ASIDE_BUDGET))), 3)
    while questions_flagged(line, aside_line) > QUESTION_BUDGET:
        line, aside_line = line + 0.05, aside_line + 0.05
    line, aside_line = round(line, 3), round(aside_line, 3)
    caught = np.where(set_aside, urgency > aside_line, urgency > line)
    blind = red_flag_messages(language, blind=True, part="tune")
    on_tune = [
        (m.urgent, _read(answerer, m.text) > (aside_line if _set_aside(answerer, m.text) else line))
        for m in blind
    ]
    print(
        f"{language} safety net: threshold {line:.3f}, for denied or general messages "
        f"{aside_line:.3f} (net alone: at most {CALM_BUDGET:.0%} of held-out calm examples the "
        f"rules leave open, {SET_ASIDE_BUDGET:.0%} of those they read as denied or general, "
        f"{QUESTION_BUDGET:.0%} of tuning questions): held-out urgent "
        f"{caught[mine & seen.urgent].mean():.1%}, calm {caught[mine & ~seen.urgent].mean():.1%}; "
        f"questions {questions_flagged(line, aside_line):.1%}; blind tuning part urgent "
        f"{sum(f for u, f in on_tune if u)}/{sum(u for u, _ in on_tune)}, "
        f"calm {sum(f for u, f in on_tune if not u)}/{sum(not u for u, _ in on_tune)}"
    )
    return {"threshold": line, "set_aside_threshold": aside_line}


def _set_aside(answerer: Answerer, text: str) -> bool:
    return answerer.checker.check(text).set_aside


def _read(answerer: Answerer, text: str) -> float:
    return answerer.net_reading(text).urgency


def off_topic_examples(language: str) -> list[Example]:
    return [
        e for e in read_examples(CONTENT / language / EXAMPLES_NAME, language) if e.topic_id is None
    ]


def answerer_without(half: int) -> Answerer:
    """An answerer whose index lacks one half of the off-topic example lines."""
    content = load_content(CONTENT)
    held_out = {
        e.text for language in content.topics for e in off_topic_examples(language)[half::2]
    }
    examples = [
        e
        for language in content.topics
        for e in read_examples(CONTENT / language / EXAMPLES_NAME, language)
        if e.text not in held_out
    ]
    return Answerer(content=content, texts=Texts(), facts=FACTS, examples=examples)


def main() -> None:
    answerer = Answerer.from_folder(CONTENT, FACTS)
    seen = held_out()
    halves = [answerer_without(0), answerer_without(1)]
    tuned = {
        "about": "Chosen on the tuning parts by benchmarks/tune_understanding.py; never by hand.",
        "topics": {
            language: tune_language(answerer, halves, language) for language in ("en", "ja")
        },
        "safety_net": {
            language: tune_safety_net(answerer, seen, language) for language in LANGUAGES
        },
    }
    if "--write" in sys.argv:
        TUNED_FILE.write_text(json.dumps(tuned, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {TUNED_FILE.relative_to(REPO_ROOT)}")
        answerer.store.write_shipped(answerer.known_texts())
        print(f"wrote {answerer.store.shipped.relative_to(REPO_ROOT)}")
        answerer.safety_net.ship_lexical_probe()
        print(f"wrote {SHIPPED.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
