"""Turning a patient's message into the bot's reply: red flags first, then the best topic."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from bot.i18n import DEFAULT_LANGUAGE, Texts, detect_language
from bot.services.content import Content, Topic, fill_facts, load_content, to_html, to_plain
from bot.services.matching import TopicMatcher, japanese_words
from bot.services.safety_net import (
    EXAMPLES_FILE,
    LabelledMessage,
    NetParameters,
    Reading,
    SemanticSafetyNet,
    read_labelled_messages,
)
from bot.services.semantic import Vectors, VectorStore, default_store
from bot.services.topic_search import (
    TUNED_FILE,
    Example,
    FusionParameters,
    HybridMatcher,
    SemanticTopicIndex,
    read_examples,
    topic_ids_of,
    with_examples,
)
from bot.services.triage import RedFlagChecker, Tier
from bot.settings import Settings

RED_FLAGS_TOPIC = "care.red-flags"
UNCLEAR_REASON = "reason-unclear"  # the semantic net knows that it is urgent, not why
# Embedding cost grows with length; a long ramble is read from its start and its end, where
# patients put what they ask. The rules still read all of it.
EMBED_HEAD, EMBED_TAIL = 600, 400
# A message longer than this is also read by the net in pieces of about this many characters.
PIECES_FROM, PIECE_LENGTH, MAX_PIECES = 400, 250, 8
_SENTENCES = re.compile(r"[^.!?。！？\n]+[.!?。！？\n]*")
_CLAUSES = re.compile(r"[^,、;]+[,、;]*")
_HAS_WORDS = re.compile(r"[^\W\d_]")
EXAMPLES_NAME = "_examples.tsv"  # per language: patients' wording for the semantic index
# How each language is matched; Japanese uses dictionary words (measured against character
# bigrams in benchmarks/answer_latency.py). A new language without an entry uses the defaults.
MATCHING: dict[str, dict[str, Any]] = {"ja": {"tokenize": japanese_words}}


@dataclass(frozen=True)
class ClinicFacts:
    """Facts about the clinic that come from settings, not from content files."""

    name: str
    address: str
    email: str
    phone: str = ""
    hours: str = ""
    prices: str = ""
    booking_url: str = ""
    # Free-text facts written in another language: {"ja": {"address": "…"}}.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    def localized(self, language: str) -> ClinicFacts:
        """The facts as a patient of `language` should read them (empty ones fall back)."""
        own = self.translations.get(language, {})
        return replace(
            self,
            address=own.get("address") or self.address,
            hours=own.get("hours") or self.hours,
            prices=own.get("prices") or self.prices,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> ClinicFacts:
        """The clinic facts as configured."""
        return cls(
            name=settings.clinic_name,
            address=settings.clinic_address,
            email=settings.clinic_email,
            phone=settings.clinic_phone,
            hours=settings.clinic_hours,
            prices=settings.clinic_prices,
            booking_url=settings.booking_url,
            translations={
                "ja": {
                    "address": settings.clinic_address_ja,
                    "hours": settings.clinic_hours_ja,
                    "prices": settings.clinic_prices_ja,
                }
            },
        )

    def as_placeholders(self) -> dict[str, str]:
        """The values content placeholders refer to (empty ones are filled by the caller)."""
        return {
            "clinic_name": self.name,
            "address": self.address,
            "email": self.email,
            "phone": self.phone,
            "hours": self.hours,
            "prices": self.prices,
            "booking": self.booking_url,
        }


@dataclass(frozen=True)
class Reply:
    """What the patient is sent: as Telegram HTML and as plain text, plus related topics."""

    language: str
    html: str
    plain: str
    topic_id: str | None = None
    urgent: bool = False
    tier: Tier | None = None
    related: tuple[tuple[str, str], ...] = ()


def _strip_tags(text: str) -> str:
    return text.replace("<b>", "").replace("</b>", "")


class Answerer:
    """The one answering path shared by the bot and `clinic-bot ask`."""

    def __init__(
        self,
        *,
        content: Content,
        texts: Texts,
        facts: ClinicFacts,
        examples: list[Example] | None = None,
        store: VectorStore | None = None,
        expand_lexical: bool = True,
    ) -> None:
        self.content = content
        self.texts = texts
        self.facts = facts
        # One thread: MeCab's tagger is not safe to share, and one answer at a time keeps the
        # encoder's cost off the event loop without competing with it for both cores.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answer")
        self.checker = RedFlagChecker()
        self.store = store or default_store()
        fusion = FusionParameters.load(TUNED_FILE)
        # Each rule's reason, in every language, is an urgent example for the semantic net too.
        reasons = [
            LabelledMessage(urgent=True, tier=rule.tier, text=texts(language).text(rule.reason))
            for rule in self.checker.rules
            for language in texts.languages
            if rule.reason != UNCLEAR_REASON
        ]
        self.safety_net = SemanticSafetyNet(
            [*read_labelled_messages(EXAMPLES_FILE), *reasons],
            store=self.store,
            parameters=NetParameters.load(TUNED_FILE),
        )
        self.index = index = SemanticTopicIndex(
            [topic for topics in content.topics.values() for topic in topics.values()],
            examples=examples or [],
            store=self.store,
            topic_ids=topic_ids_of(content.topics),
        )
        self.store.release()  # the indexes hold their rows; the cache's copy would be dead weight
        self._matchers = {
            language: HybridMatcher(
                lexical=TopicMatcher(
                    with_examples(topics.values(), examples or [])
                    if expand_lexical
                    else topics.values(),
                    **MATCHING.get(language, {}),
                ),
                index=index,
                parameters=fusion.get(language, fusion[DEFAULT_LANGUAGE]),
            )
            for language, topics in content.topics.items()
        }

    @classmethod
    def from_folder(cls, content_dir: Path, facts: ClinicFacts) -> Answerer:
        """Load content, examples and catalogues and build the matchers (done once at start-up)."""
        content = load_content(content_dir)
        examples = [
            example
            for language in content.topics
            for example in read_examples(content_dir / language / EXAMPLES_NAME, language)
        ]
        return cls(content=content, texts=Texts(), facts=facts, examples=examples)

    @classmethod
    def from_settings(cls, settings: Settings) -> Answerer:
        """The answerer for the configured content folder and clinic."""
        return cls.from_folder(settings.content_dir, ClinicFacts.from_settings(settings))

    def content_language(self, language: str) -> str:
        """The language whose content answers a patient of `language`."""
        return language if language in self.content.topics else DEFAULT_LANGUAGE

    def embed(self, message: str) -> Vectors:
        """The message's sentence embedding, computed once and shared by both nets and matching."""
        return np.asarray(self.store.encoder.encode([_head_and_tail(message)])[0], dtype=np.float32)

    def _pieces(self, message: str) -> list[str]:
        """A long message's sentences, packed into short pieces: one sign in a long ramble is
        lost in the whole message's embedding, but not in its own piece's. A sentence longer
        than a piece is cut at its commas (failing those, every `length` characters); at most
        MAX_PIECES, each longer when the message is, and together the whole message."""
        if len(message) <= PIECES_FROM:
            return []
        length = max(PIECE_LENGTH, len(message) // MAX_PIECES + 1)
        pieces: list[str] = []
        for sentence in _SENTENCES.findall(message):
            clauses = _CLAUSES.findall(sentence) if len(sentence) > length else [sentence]
            for part in (c[i : i + length] for c in clauses for i in range(0, len(c), length)):
                if pieces and len(pieces[-1]) + len(part) <= length:
                    pieces[-1] += part
                else:
                    pieces.append(part)
        pieces = [p for p in pieces if _HAS_WORDS.search(p)]
        # Greedy packing can leave a few more than MAX_PIECES: join the shortest neighbouring
        # pair until it fits, so every part of the message reaches the net (the fifth review
        # found a gap) and no piece grows more than it must.
        while len(pieces) > MAX_PIECES:
            i = min(range(len(pieces) - 1), key=lambda j: len(pieces[j]) + len(pieces[j + 1]))
            pieces[i : i + 2] = [pieces[i] + pieces[i + 1]]
        return pieces

    def answer(self, message: str, language: str | None = None) -> Reply:
        """Urgent advice, a topic, or the honest fallback, in the message's language."""
        language = language or detect_language(message)
        triage = self.checker.check(message)
        if triage.rule is not None:
            return self.urgent_reply(triage.rule.tier, triage.rule.reason, language)
        if not _HAS_WORDS.search(message):  # emoji, punctuation, spaces: nothing to match
            return self.fallback_reply(language)
        vector = self.embed(message)
        scores = self.index.scores(vector)
        # The rules found a sign but set its sentence aside as general or hypothetical: the net
        # still has its say before the red-flags topic (a set-aside sign may be real). When they
        # read every sign as denied, or the message as a general question, the net needs a
        # clearer reading to overrule them (a misread denial must not switch it off).
        tier = self._net_on_message(message, vector, scores, set_aside=triage.set_aside)
        if tier is not None:
            return self.urgent_reply(tier, UNCLEAR_REASON, language)
        if triage.informational:
            return self.topic_reply(RED_FLAGS_TOPIC, language)
        match = self._matchers[self.content_language(language)].match(message, vector, scores)
        if match.topic_id is None:
            return self.fallback_reply(language)
        return self.topic_reply(match.topic_id, language)

    def _net_on_message(
        self, message: str, vector: Vectors, scores: Vectors, *, set_aside: bool
    ) -> Tier | None:
        """The net on the whole message and, for a long one, on each of its pieces."""
        # The net's lines are placed per script: the message's own, not the patient's setting.
        script = detect_language(message)
        tier = self.net_tier(message, vector, script, scores, set_aside=set_aside)
        if tier is Tier.EMERGENCY:
            return tier
        # Pieces only cost time when the whole message did not already call for 119.
        pieces = self._pieces(message)
        vectors = np.asarray(self.store.encoder.encode(pieces) if pieces else [], np.float32)
        tiers = {tier} | {
            self.net_tier(piece, piece_vector, script, set_aside=set_aside)
            for piece, piece_vector in zip(pieces, vectors, strict=True)
        }
        # The most urgent reading wins.
        return next((t for t in (Tier.EMERGENCY, Tier.SAME_DAY) if t in tiers), None)

    def net_tier(
        self,
        message: str,
        vector: Vectors,
        language: str,
        scores: Vectors | None = None,
        *,
        set_aside: bool = False,
    ) -> Tier | None:
        """The semantic net's verdict; patients' topic questions join its calm neighbours."""
        return self.safety_net.check(
            _head_and_tail(message),
            vector,
            language,
            calm=self._calm_questions(vector, scores),
            set_aside=set_aside,
        )

    def net_reading(self, message: str) -> Reading:
        """What the net's voters make of a message, with the same neighbours as `net_tier`."""
        vector = self.embed(message)
        return self.safety_net.read(
            _head_and_tail(message), vector, calm=self._calm_questions(vector)
        )

    def _calm_questions(self, vector: Vectors, scores: Vectors | None = None) -> Vectors:
        """The message's similarity to patients' topic questions (calm neighbours for the net)."""
        scores = self.index.scores(vector) if scores is None else scores
        return scores[self.index.example_rows]

    def known_texts(self) -> list[str]:
        """Every text whose vector the answerer holds (the package ships these vectors)."""
        return [*self.index.texts, *self.safety_net.texts]

    async def answer_off_loop(self, message: str, language: str | None = None) -> Reply:
        """`answer` on the answerer's own thread, so other chats are served meanwhile."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, self.answer, message, language)

    def close(self) -> None:
        """Stop the answering thread (at shutdown); a question in progress is dropped."""
        self._worker.shutdown(wait=False, cancel_futures=True)

    def matcher(self, language: str) -> HybridMatcher:
        """The topic matcher that serves `language` (tuning and benchmarks read its signals)."""
        return self._matchers[self.content_language(language)]

    def urgent_reply(self, tier: Tier, reason_id: str, language: str) -> Reply:
        """The urgent advice for a red flag: what to do first, then why."""
        catalogue = self.texts(language)
        message_id = "urgent-emergency" if tier is Tier.EMERGENCY else "urgent-same-day"
        html = catalogue.text(message_id, reason=catalogue.text(reason_id))
        return Reply(language=language, html=html, plain=_strip_tags(html), urgent=True, tier=tier)

    def fallback_reply(self, language: str) -> Reply:
        """No confident topic: say so, say what the bot can do, and how to reach the clinic."""
        text = self.texts(language).text("fallback", email=self.facts.email)
        return Reply(language=language, html=text, plain=text)

    def topic(self, topic_id: str, language: str) -> Topic | None:
        """A topic in the patient's language (or the default language's copy)."""
        return self.content.topic(self.content_language(language), topic_id)

    def topic_reply(self, topic_id: str, language: str) -> Reply:
        """A topic's answer with clinic facts filled in and its related topics listed."""
        topic = self.topic(topic_id, language)
        if topic is None:
            return self.fallback_reply(language)
        missing = self.texts(language).text("fact-missing", email=self.facts.email)
        facts = self.facts.localized(language).as_placeholders()
        body = fill_facts(topic.body, facts, missing)
        related = tuple(
            (other.id, other.title)
            for other in (self.topic(r, language) for r in topic.related[:3])
            if other is not None
        )
        return Reply(
            language=language,
            html=f"<b>{to_html(topic.title)}</b>\n\n{to_html(body)}",
            plain=f"{topic.title}\n\n{to_plain(body)}",
            topic_id=topic.id,
            related=related,
        )


def _head_and_tail(message: str) -> str:
    """What the net and the encoder read of a very long message: its start and its end."""
    if len(message) > EMBED_HEAD + EMBED_TAIL:
        return f"{message[:EMBED_HEAD]} … {message[-EMBED_TAIL:]}"
    return message
