"""Hybrid topic search: lexical and semantic rankings fused; a learned confidence abstains."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from bot.services.content import Topic
from bot.services.matching import LexicalScores, Match, TopicMatcher
from bot.services.semantic import Vectors, VectorStore

TUNED_FILE = Path(__file__).resolve().parent / "tuned.json"
_PARAGRAPH = re.compile(r"\n\s*\n")
# The closing "Related: …" line of an answer names other topics; it would pull questions there.
_RELATED_LINE = re.compile(r"^(Related|関連)\s*[:：]")


@dataclass(frozen=True)
class Example:
    """A labelled question in a patient's words: training data for the semantic index."""

    topic_id: str | None  # None: a question no topic answers
    text: str
    language: str = ""


def read_examples(path: Path, language: str = "") -> list[Example]:
    """`topic-id<TAB>question` lines (`-` for off-topic); '#' starts a comment."""
    if not path.exists():
        return []
    rows = [line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines()]
    return [
        Example(topic_id=None if topic == "-" else topic, text=text, language=language)
        for topic, text in (r for r in rows if len(r) == 2 and not r[0].startswith("#"))
    ]


def with_examples(topics: Iterable[Topic], examples: Iterable[Example]) -> list[Topic]:
    """Topics whose example questions also hold patients' wording in the topics' language.

    The lexical matcher then finds words that the content itself never uses (document-side
    query expansion); measured in benchmarks/compare_candidates.py.
    """
    extra: dict[tuple[str, str], list[str]] = {}
    for example in examples:
        if example.topic_id is not None:
            extra.setdefault((example.language, example.topic_id), []).append(example.text)
    return [
        replace(topic, questions=(*topic.questions, *extra.get((topic.language, topic.id), [])))
        for topic in topics
    ]


@dataclass(frozen=True)
class FusionParameters:
    """How one language's signals are combined; chosen on the tuning parts, see tuned.json."""

    body_weight: float
    lexical_weight: float
    lexical_half: float  # the BM25 score that counts as half of full lexical evidence
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    @classmethod
    def from_spec(cls, p: Mapping[str, Any]) -> FusionParameters:
        """One language's parameters as the tuning script writes them."""
        return cls(
            body_weight=float(p["body_weight"]),
            lexical_weight=float(p["lexical_weight"]),
            lexical_half=float(p["lexical_half"]),
            mean=tuple(p["mean"]),
            scale=tuple(p["scale"]),
            weights=tuple(p["weights"]),
            bias=float(p["bias"]),
            threshold=float(p["threshold"]),
        )

    @classmethod
    def load(cls, path: Path = TUNED_FILE) -> dict[str, FusionParameters]:
        """Per-language parameters from the tuning script's output."""
        spec = json.loads(path.read_text(encoding="utf-8"))
        return {language: cls.from_spec(p) for language, p in spec["topics"].items()}


class SemanticTopicIndex:
    """Vectors of every topic's title, example questions and answer paragraphs, in all languages.

    A question is scored against both languages at once, so a Japanese question can land on a
    topic whose English wording matched, and the other way round.
    """

    def __init__(
        self,
        topics: Iterable[Topic],
        *,
        examples: Iterable[Example],
        store: VectorStore,
        topic_ids: list[str],
    ) -> None:
        self.topic_ids = topic_ids
        position = {topic_id: i for i, topic_id in enumerate(topic_ids)}
        asks: list[tuple[int, str, bool]] = []  # owner, text, whether a patient's example
        paragraphs: list[tuple[int, str]] = []
        off_topic: list[str] = []
        for topic in topics:
            if topic.id not in position:
                continue
            asks += [(position[topic.id], t, False) for t in (topic.title, *topic.questions)]
            paragraphs += [
                (position[topic.id], chunk.strip())
                for chunk in _PARAGRAPH.split(topic.body)
                if chunk.strip() and not _RELATED_LINE.match(chunk.strip())
            ]
        for example in examples:
            if example.topic_id is None:
                off_topic.append(example.text)
            elif example.topic_id in position:
                asks.append((position[example.topic_id], example.text, True))
        asks.sort(key=lambda row: row[0])  # grouped by topic: one reduceat finds each maximum
        paragraphs.sort(key=lambda row: row[0])
        texts = [t for _, t, _ in asks] + [t for _, t in paragraphs] + off_topic
        self.texts = texts
        # One matrix, so a question costs one matrix product instead of three.
        self._vectors = np.ascontiguousarray(store.vectors(texts))
        self._asks = _Groups([owner for owner, _, _ in asks], start=0)
        # Patients' questions: the safety net's calm neighbours, read from the same scores.
        self.example_rows = np.array([i for i, (_, _, mine) in enumerate(asks) if mine], np.int64)
        self._paragraphs = _Groups([owner for owner, _ in paragraphs], start=len(asks))
        self._off_topic_start = len(asks) + len(paragraphs)

    def scores(self, vector: Vectors) -> Vectors:
        """The message's similarity to every row; computed once and shared by both nets' users."""
        return self._vectors @ vector

    def similarities(
        self, vector: Vectors, scores: Vectors | None = None
    ) -> tuple[Vectors, Vectors, float]:
        """Per topic: closest question or title, closest paragraph; closest off-topic line."""
        similarity = self.scores(vector) if scores is None else scores
        off_topic = similarity[self._off_topic_start :]
        closest_off_topic = float(off_topic.max()) if len(off_topic) else -1.0
        size = len(self.topic_ids)
        return (
            self._asks.best(similarity, size),
            self._paragraphs.best(similarity, size),
            (closest_off_topic),
        )


class _Groups:
    """Consecutive rows of the index that belong to the same topics, in topic order."""

    def __init__(self, owners: list[int], *, start: int) -> None:
        firsts = [i for i, owner in enumerate(owners) if i == 0 or owner != owners[i - 1]]
        self._owners = np.array([owners[i] for i in firsts], dtype=np.int64)
        self._starts = np.array(firsts, dtype=np.int64) + start
        self._end = start + len(owners)

    def best(self, similarity: Vectors, size: int) -> Vectors:
        """Each topic's highest similarity among its rows; -1 for a topic without rows."""
        best = np.full(size, -1.0, dtype=np.float32)
        if len(self._starts):
            best[self._owners] = np.maximum.reduceat(similarity[: self._end], self._starts)
        return best


def features(
    *,
    lexical: LexicalScores,
    asked: Vectors,
    answered: Vectors,
    off_topic: float,
    topic_ids: list[str],
    parameters: FusionParameters,
) -> tuple[str, list[float]]:
    """The fused ranking's best topic and what the confidence model reads about it."""
    bm25 = np.array([lexical.scores.get(t, 0.0) for t in topic_ids], dtype=np.float32)
    lexical_share = bm25 / (bm25 + parameters.lexical_half)
    fused = asked + parameters.body_weight * answered + parameters.lexical_weight * lexical_share
    order = np.argsort(-fused)
    best, second = int(order[0]), int(order[1])
    best_id = topic_ids[best]
    return best_id, [
        float(fused[best]),
        float(asked[best]),
        float(answered[best]),
        float(lexical_share[best]),
        lexical.coverage.get(best_id, 0.0),
        float(fused[best] - fused[second]),
        off_topic,
        off_topic - float(asked[best]),
        float(lexical.match.topic_id == best_id),
        float(lexical.match.topic_id is None),
    ]


def confidence(values: list[float], parameters: FusionParameters) -> float:
    """The calibrated chance (logistic model) that the fused best topic is the right answer."""
    z = (np.array(values) - np.array(parameters.mean)) / np.array(parameters.scale)
    return float(1.0 / (1.0 + np.exp(-(z @ np.array(parameters.weights) + parameters.bias))))


class HybridMatcher:
    """One language's matcher: BM25 and typo repair, sentence embeddings, fused, with abstention."""

    def __init__(
        self,
        *,
        lexical: TopicMatcher,
        index: SemanticTopicIndex,
        parameters: FusionParameters,
    ) -> None:
        self.lexical = lexical
        self.index = index
        self.parameters = parameters

    def candidate(
        self,
        question: str,
        vector: Vectors,
        parameters: FusionParameters | None = None,
        scores: Vectors | None = None,
    ) -> tuple[str, list[float]]:
        """The fused ranking's best topic and the confidence model's inputs (tuning reads these)."""
        asked, answered, off_topic = self.index.similarities(vector, scores)
        return features(
            lexical=self.lexical.lexical(question),
            asked=asked,
            answered=answered,
            off_topic=off_topic,
            topic_ids=self.index.topic_ids,
            parameters=parameters or self.parameters,
        )

    def match(self, question: str, vector: Vectors, scores: Vectors | None = None) -> Match:
        """The best topic, or none when the calibrated confidence is under the threshold."""
        best, values = self.candidate(question, vector, scores=scores)
        chance = confidence(values, self.parameters)
        if chance < self.parameters.threshold:
            return Match(topic_id=None, score=chance, runner_up=best)
        return Match(topic_id=best, score=chance, runner_up=None)


def topic_ids_of(topics_by_language: Mapping[str, Mapping[str, Topic]]) -> list[str]:
    """Every topic id in any language, sorted: the shared axis of all score vectors."""
    return sorted({topic_id for topics in topics_by_language.values() for topic_id in topics})
