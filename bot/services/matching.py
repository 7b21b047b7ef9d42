"""Finding the topic a free-text question is about: normalising, ranking and a confidence floor."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import bm25s
import snowballstemmer
from rapidfuzz import fuzz, process

from bot.services.content import Topic

_WORD = re.compile(r"[a-z0-9]+")
# Acupoint codes are typed as "bl23", "BL 23", "bl-23": one token either way.
_ACUPOINT = re.compile(r"\b(bl|gb|gv|li|du)[\s\-]*(\d{1,2})\b")
# Function words and fillers that say nothing about the subject of a question.
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "am",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "doing",
        "i",
        "me",
        "my",
        "mine",
        "myself",
        "you",
        "your",
        "yours",
        "we",
        "our",
        "us",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "can",
        "could",
        "should",
        "would",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "to",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "about",
        "from",
        "into",
        "onto",
        "up",
        "out",
        "over",
        "again",
        "then",
        "so",
        "than",
        "too",
        "very",
        "just",
        "also",
        "and",
        "or",
        "but",
        "if",
        "because",
        "as",
        "until",
        "while",
        "any",
        "some",
        "all",
        "each",
        "every",
        "both",
        "few",
        "more",
        "most",
        "other",
        "such",
        "only",
        "own",
        "same",
        "not",
        "no",
        "nor",
        "have",
        "has",
        "had",
        "having",
        "get",
        "got",
        "getting",
        "im",
        "ive",
        "id",
        "ill",
        "dont",
        "doesnt",
        "isnt",
        "okay",
        "ok",
        "please",
        "tell",
        "know",
        "want",
        "like",
        "really",
        "thing",
        "things",
        "something",
        "anything",
        "lot",
        "lots",
        "s",
        "t",
        "exactly",
        "actually",
        "guys",
        "see",
        "try",
        "come",
        "any",
        "anyone",
        "someone",
        "people",
        "kind",
        "sort",
        "bit",
        "maybe",
        "still",
        "go",
        "going",
        "need",
    ]
)
_STEMMER = snowballstemmer.stemmer("english")
_BODY_WEIGHT = 0.35
_FUZZY_FLOOR = 60
_FUZZY_WEIGHT = 0.02
_FUZZY_ALONE = 88  # a question of only function words ("what can you do") needs a near-exact match


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Porter2 (Snowball) stem, so plurals and verb forms share one token."""
    return str(_STEMMER.stemWord(word))


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


def normalise(text: str) -> str:
    """Fold width and case, drop apostrophes, and join acupoint codes."""
    folded = unicodedata.normalize("NFKC", text).lower().replace("'", "").replace("’", "")
    return _ACUPOINT.sub(r"\1\2", folded)


def english_tokens(text: str) -> list[str]:
    """Content words of an English text, stemmed, in order."""
    return [stem(w) for w in _WORD.findall(normalise(text)) if w not in _STOPWORDS]


_JAPANESE_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff々〆ヶ]+")
_LATIN = re.compile(r"[a-z0-9]+")
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


def _latin_tokens(text: str) -> list[str]:
    """Romaji and codes inside Japanese text ("jinyu", "bl23", "mri"), stemmed like English."""
    return [stem(w) for w in _LATIN.findall(text) if w not in _STOPWORDS]


def japanese_bigrams(text: str) -> list[str]:
    """Character bigrams of each run of Japanese script, kana folded to hiragana."""
    folded = normalise(text).translate(_KATAKANA_TO_HIRAGANA)
    tokens = _latin_tokens(folded)
    for run in _JAPANESE_RUN.findall(folded):
        tokens.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    return tokens


# Dictionary forms that say nothing about the subject ("is it OK to…", "tell me…", "how…").
_JAPANESE_STOPWORDS = frozenset(
    [
        "する",
        "ある",
        "いる",
        "なる",
        "できる",
        "良い",
        "よい",
        "いい",
        "何",
        "なに",
        "どう",
        "どの",
        "どれ",
        "どんな",
        "どこ",
        "いつ",
        "知る",
        "教える",
        "思う",
        "言う",
        "行う",
        "方",
        "ほう",
        "こと",
        "もの",
        "ため",
        "よう",
        "的",
        "さん",
        "方法",
        "やり",
        "必要",
        "大丈夫",
        "本当",
        "ちょっと",
        "少し",
        "とても",
        "今",
        "くる",
        "来る",
        "みる",
        "見る",
        "分かる",
        "わかる",
        "欲しい",
        "たい",
        "出来る",
        "事",
        "物",
        "様",
        "何か",
    ]
)
_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "接尾辞"})


@lru_cache(maxsize=1)
def _tagger() -> Any:
    import fugashi  # imported on first use: only the tokenizer comparison needs it

    return fugashi.Tagger()


_GODAN_STEM = str.maketrans("くぐすつぬぶむるう", "きぎしちにびみりい")


def _noun_form(lemma: str, conjugation: str) -> str:
    """A verb's stem form, so "しびれる" and "しびれ", "着替える" and "着替え" share a token."""
    if conjugation.startswith(("上一段", "下一段")) and lemma.endswith("る"):
        return lemma[:-1]
    if conjugation.startswith("五段"):
        return lemma[:-1] + lemma[-1].translate(_GODAN_STEM)
    return lemma


def japanese_words(text: str) -> list[str]:
    """Dictionary forms of content words (MeCab with UniDic Lite), kana folded to hiragana."""
    folded = normalise(text)
    tokens = _latin_tokens(folded)
    for word in _tagger()(folded):
        if word.feature.pos1 not in _CONTENT_POS or _LATIN.fullmatch(word.surface):
            continue
        lemma = (word.feature.lemma or word.surface).split("-")[0]
        if lemma in _JAPANESE_STOPWORDS or word.surface in _JAPANESE_STOPWORDS:
            continue
        if word.feature.pos1 == "動詞":
            lemma = _noun_form(lemma, word.feature.cType or "")
        tokens.append(lemma.translate(_KATAKANA_TO_HIRAGANA))
    return tokens


def _phrase_bound(texts: Iterable[str]) -> dict[str, frozenset[str]]:
    """Words that only ever appear beside the same partner ("dog" in "bird dog").

    Such a word is evidence only when its partner is in the question too, so that
    "how do I train my dog" does not land on the bird-dog exercise.
    """
    neighbours: dict[str, set[str] | None] = {}
    multiword: set[str] = set()
    for text in texts:
        tokens = english_tokens(text)
        if len(tokens) > 1:
            multiword.update(tokens)
        for index, token in enumerate(tokens):
            around = set(tokens[max(index - 1, 0) : index] + tokens[index + 1 : index + 2])
            known = neighbours.get(token, around)
            neighbours[token] = around & known if known is not None else around
    return {
        token: frozenset(partners)
        for token, partners in neighbours.items()
        if partners and token in multiword and len(token) > 2
    }


@dataclass(frozen=True)
class Match:
    """The best topic for a question, or none when confidence is too low."""

    topic_id: str | None
    score: float
    runner_up: str | None


@dataclass(frozen=True)
class LexicalScores:
    """What the lexical matcher saw in a question, for fusion with other signals."""

    scores: dict[str, float]  # topics with a positive score
    coverage: dict[str, float]  # share of the question's words each topic's text contains
    match: Match  # what the lexical matcher alone would answer


class TopicMatcher:
    """Ranks one language's topics for a question.

    BM25 over two fields (title, key words and example questions; then the answer text),
    typo repair against the content's own vocabulary, and a fuzzy match against the example
    questions. A topic is given only when the score clears a floor and the topic's text
    covers most of the question's content words: an unsure match becomes the fallback.
    """

    def __init__(
        self,
        topics: Iterable[Topic],
        *,
        tokenize: Callable[[str], list[str]] = english_tokens,
        threshold: float = 1.6,
        min_coverage: float = 0.6,
        phrase_bound: bool = True,
    ) -> None:
        self._topics = list(topics)
        self._tokenize = tokenize
        self._ids = [t.id for t in self._topics]
        self.threshold = threshold
        self.min_coverage = min_coverage
        strong = [self._strong_tokens(t) for t in self._topics]
        weak = [tokenize(t.title + " " + t.body) for t in self._topics]
        self._strong = bm25s.BM25()
        self._strong.index(strong, show_progress=False)
        self._weak = bm25s.BM25()
        self._weak.index(weak, show_progress=False)
        self._vocabulary = sorted({tok for doc in strong + weak for tok in doc})
        self._known = frozenset(self._vocabulary)
        self._topic_vocab = {
            topic_id: frozenset(s) | frozenset(w)
            for topic_id, s, w in zip(self._ids, strong, weak, strict=True)
        }
        self._bound = (
            _phrase_bound(
                text for t in self._topics for text in (t.title, *t.keywords, *t.questions)
            )
            if phrase_bound
            else {}
        )
        self._phrase_ids = [t.id for t in self._topics for _ in t.questions]
        self._phrases = [_sorted_words(normalise(q)) for t in self._topics for q in t.questions]

    def _strong_tokens(self, topic: Topic) -> list[str]:
        texts = [topic.title, *topic.keywords, *topic.keywords, *topic.questions]
        return [tok for text in texts for tok in self._tokenize(text)]

    def _query_tokens(self, question: str) -> list[str]:
        """Content words, typos repaired, words out of their phrase dropped."""
        tokens = []
        for token in self._tokenize(question):
            if token not in self._known and len(token) >= 5 and not token.isdigit():
                best = process.extractOne(
                    token, self._vocabulary, scorer=fuzz.ratio, score_cutoff=84
                )
                token = best[0] if best else token
            tokens.append(token)
        present = set(tokens)
        return [t for t in tokens if t not in self._bound or self._bound[t] & present]

    def _rank(self, question: str, tokens: list[str]) -> list[tuple[str, float]]:
        """Every topic with its score, best first; empty when nothing is related."""
        scores = dict.fromkeys(self._ids, 0.0)
        if tokens:
            combined = self._strong.get_scores(tokens) + _BODY_WEIGHT * self._weak.get_scores(
                tokens
            )
            scores = dict(zip(self._ids, (float(value) for value in combined), strict=True))
        # With no content words, only a near-exact example question counts, and it counts fully.
        floor, weight = (_FUZZY_FLOOR, _FUZZY_WEIGHT) if tokens else (_FUZZY_ALONE, 0.15)
        # fuzz.ratio on words sorted in advance equals token_sort_ratio, without sorting every
        # example question again for each message (15 times faster with 2,000 of them).
        for _, similarity, index in process.extract(
            _sorted_words(normalise(question)),
            self._phrases,
            scorer=fuzz.ratio,
            limit=5,
            score_cutoff=floor,
        ):
            scores[self._phrase_ids[index]] += weight * (similarity - floor)
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        return [(topic_id, score) for topic_id, score in ranked if score > 0]

    def _coverage(self, tokens: list[str], topic_id: str) -> float:
        """The share of the question's content words that the topic's text contains."""
        if not tokens:
            return 1.0
        vocabulary = self._topic_vocab[topic_id]
        return sum(token in vocabulary for token in tokens) / len(tokens)

    def match(self, question: str) -> Match:
        """The best topic, or no topic when the match is not confident."""
        return self.lexical(question).match

    def lexical(self, question: str) -> LexicalScores:
        """Every topic's score and coverage, and the topic this matcher alone would give."""
        tokens = self._query_tokens(question)
        ranked = self._rank(question, tokens)
        coverage = {topic_id: self._coverage(tokens, topic_id) for topic_id in self._ids}
        if not ranked:
            match = Match(topic_id=None, score=0.0, runner_up=None)
        else:
            best, score = ranked[0]
            if score < self.threshold or coverage[best] < self.min_coverage:
                match = Match(topic_id=None, score=score, runner_up=best)
            else:
                runner_up = ranked[1][0] if len(ranked) > 1 else None
                match = Match(topic_id=best, score=score, runner_up=runner_up)
        return LexicalScores(scores=dict(ranked), coverage=coverage, match=match)
