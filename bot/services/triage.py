"""Red-flag triage: does a message describe signs that need a doctor before anything else?"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

RULES_FILE = Path(__file__).resolve().parent / "red_flags.yaml"
_SENTENCE_END = re.compile(r"[.!?;\n。！？]+|\s[-–—]\s")
# What a denial cannot reach past: "no fever but…", "no pain or anything, just numb between…".
_CLAUSE_BREAK = re.compile(r"\b(?:but|however|though|although|yet|except|and|just|only|now)\b")
# "never had numbness like this" is new; "no chest pain or anything like that" is a denial,
# unless a time follows ("…or anything like that until yesterday").
_NEW_TO_ME = re.compile(
    r"\s*(?!or\b)(\w+\s+){0,3}(like (this|that)|before|until now)\b"
    r"|\s*or (anything|something)( like (this|that|it))?\W+(\w+\W+){0,4}?"
    r"(until|till|til|before|up to|prior to)\b"
    # "never had trouble peeing til this week", "…in all my years of back pain, now both sides"
    r"|(\W+\w+){0,8}?\W+(until|till|til) (today|tonight|yesterday|now|this|last|the|\w+day)\b"
    r"|(\W+\w+){0,10}?\W*,\s*now\b"
)
# The writer says the sign set aside as general or hearsay is theirs, now.
_ME_NOW = re.compile(
    r"\b(thats|that is) (whats|what is) (happening|going on)( to me)?|\bthats me now|"
    r"\bi have (that|it|this) (right )?now\b|\basking for myself\b|\bhappened to me\b|"
    r"今(そう|まさに|その状態)|まさに今|今そうなって"
    r"|もう ?(\d+|[一二三四五六七八九十何数]+) ?日(目|になる|たつ|経つ)"
)
# A clause: what a past marker or a denial can reach ("the pain settled, but I can't pee").
_CLAUSE_END = re.compile(
    r"[.!?;\n。！？]+|(?<!ago)(?<!years)(?<!twenties)(?<!昔)(?<!去年)(?<!前)[,、]"
    r"|\s[-–—]\s|\b(?:but|however|though|although|yet|and)\b"
    r"|けど|けれど|ですが|ますが|が、|て、|で、|のに|ものの"
)


class Tier(StrEnum):
    """How soon the patient needs medical help."""

    EMERGENCY = "emergency"  # call 119 now
    SAME_DAY = "same-day"  # see a doctor today; #7119 for advice


@dataclass(frozen=True)
class Rule:
    """A named red flag: fires when all concepts of any one set are present."""

    id: str
    tier: Tier
    reason: str
    when: tuple[tuple[str, ...], ...]
    unless: tuple[str, ...]


@dataclass(frozen=True)
class Triage:
    """The outcome for one message."""

    rule: Rule | None = None
    informational: bool = False
    # A sign was named only to say it is absent ("no fever", 「血尿はないです」): the semantic net,
    # which cannot read negation, stays out of it.
    reassured: bool = False
    # Every sentence asks about a condition in general or hypothetically: nothing about the writer.
    general: bool = False
    # Every sign not denied is a condition someone else has had (a relative's cancer); the
    # writer's own complaint is something else. The net reads such a message at its usual line.
    someone_elses: bool = False

    @property
    def urgent(self) -> bool:
        """Whether the message gets urgent advice instead of an answer."""
        return self.rule is not None

    @property
    def set_aside(self) -> bool:
        """No rule fired and the rules read every sign as denied, or the message as general:
        the semantic net needs a clearer reading to overrule them."""
        return self.rule is None and (self.reassured or self.general)


@functools.lru_cache(maxsize=8)
def _marks(ends: re.Pattern[str], text: str) -> tuple[list[int], list[int]]:
    """Where each of the `ends` marks in `text` starts and ends, found once per text: every
    sign mention asks for its clause and sentence."""
    found = list(ends.finditer(text))
    return [m.start() for m in found], [m.end() for m in found]


def _span(ends: re.Pattern[str], text: str, match: re.Match[str]) -> tuple[int, int]:
    """Where the piece of `text` between two `ends` (a clause, a sentence) that holds the match
    starts and ends."""
    starts, stops = _marks(ends, text)
    before = bisect.bisect_right(stops, match.start())  # marks that end before the match
    after = bisect.bisect_left(starts, match.end())  # the first mark after it
    return (stops[before - 1] if before else 0), (
        starts[after] if after < len(starts) else len(text)
    )


def fold(text: str) -> str:
    """Width-fold, lower-case and drop apostrophes, so "Can't" and "cant" match alike."""
    return unicodedata.normalize("NFKC", text).lower().replace("'", "").replace("’", "")


class RedFlagChecker:
    """Applies the rules in `red_flags.yaml` to a message in English or Japanese."""

    def __init__(self, rules_file: Path = RULES_FILE) -> None:
        spec: dict[str, Any] = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
        self._concepts = {
            name: {lang: [re.compile(p) for p in patterns] for lang, patterns in by_lang.items()}
            for name, by_lang in spec["concepts"].items()
        }
        self.rules = tuple(
            Rule(
                id=r["id"],
                tier=Tier(r["tier"]),
                reason=r["reason"],
                when=tuple(tuple(group) for group in r["when"]),
                unless=tuple(r.get("unless", ())),
            )
            for r in spec["rules"]
        )
        self._negation = {lang: re.compile(p) for lang, p in spec["negation"].items()}
        self._fine_after = re.compile(spec["fine_after"]["en"])
        self._fine_after_place = re.compile(spec["fine_after_place"]["en"])
        self._experienced = re.compile(spec["experienced"]["ja"])
        self._negative_word = re.compile(spec["negative_word"]["en"])
        self._past = {lang: re.compile(p) for lang, p in spec["past"].items()}
        self._now = {lang: re.compile(p) for lang, p in spec["now"].items()}
        self._time_anchor = {lang: re.compile(p) for lang, p in spec["present"].items()}
        self._informational = {lang: re.compile(p) for lang, p in spec["informational"].items()}
        self._hypothetical = {lang: re.compile(p) for lang, p in spec["hypothetical"].items()}
        self._definition = {lang: re.compile(p) for lang, p in spec["definition"].items()}
        self._first_person = {lang: re.compile(p) for lang, p in spec["first_person"].items()}
        others = spec["someone_else"]
        self._someone_else = {lang: re.compile(others[lang]) for lang in ("en", "ja")}
        self._own_complaint = re.compile(others["own"])
        self._had = {lang: re.compile(p) for lang, p in others["had"].items()}
        self._their_now = {lang: re.compile(p) for lang, p in others["now"].items()}
        self._signs = sorted(
            {c for rule in self.rules for group in rule.when for c in group} - set(spec["context"])
        )
        self._past_signs = frozenset(self._signs) - set(spec["history"])
        self._conditions = frozenset(spec["conditions"])
        self._context = frozenset(spec["context"])
        for rule in self.rules:
            for name in {c for group in rule.when for c in group} | set(rule.unless):
                if name not in self._concepts:
                    raise ValueError(f"rule {rule.id} uses unknown concept {name!r}")
        for name in ("had", "now"):
            if set(others[name]) != {"en", "ja"}:
                raise ValueError(f"someone_else.{name} needs exactly en and ja")
        for rule in spec["rules"]:
            if unknown := set(rule) - {"id", "tier", "reason", "when", "unless"}:
                raise ValueError(f"rule {rule['id']} has unknown keys {sorted(unknown)}")
        for section in ("context", "history", "conditions"):
            for name in spec[section]:
                if name not in self._concepts:
                    raise ValueError(f"{section} names unknown concept {name!r}")

    def _negated(
        self, text: str, match: re.Match[str], language: str, concept: str | None = None
    ) -> bool:
        if language == "ja":
            # `match(text, pos)` anchors at pos; a `^` in the pattern would only match at 0.
            # 「しびれたことがありました」: a sign once had; 「がんをやった…」: the history itself.
            if concept not in self._conditions and self._experienced.match(text, match.end()):
                return not self._is_now(self._clause(text, match))  # …but not 「昨日から」
            return bool(self._negation["ja"].match(text, match.end()))
        sentence_start = max(
            text.rfind(mark, 0, match.start()) for mark in (*".!?;,:/(\n–—", " - ")
        )
        before = text[sentence_start + 1 : match.start()]
        # "no fever but I can't pee": a negation does not reach past "but".
        before = _CLAUSE_BREAK.split(before)[-1]
        # "never had numbness down there like this" names a new sign.
        if self._negation["en"].search(before) and not _NEW_TO_ME.match(text, match.end()):
            return True
        # "bladder control fine", "my back is back to normal"; not "can't walk fine".
        fine = self._fine_after_place if concept in self._context else self._fine_after
        return bool(fine.match(text, match.end()) and not self._negative_word.search(match.group()))

    def _clause(self, text: str, match: re.Match[str]) -> str:
        """The clause that holds a sign (a date before a comma belongs to something else)."""
        start, end = _span(_CLAUSE_END, text, match)
        return text[start:end]

    def _in_the_past(self, text: str, match: re.Match[str]) -> bool:
        """The sign's clause speaks of the past and not of now ("fell off my bike years ago")."""
        clause = self._clause(text, match)
        return any(self._past[lang].search(clause) for lang in ("en", "ja")) and not self._is_now(
            clause
        )

    def _is_now(self, text: str) -> bool:
        return any(self._now[lang].search(text) for lang in ("en", "ja"))

    def _discounted(self, text: str, match: re.Match[str], language: str, concept: str) -> bool:
        """A mention that is not a sign the writer has now: denied, or (for a sign not in the
        yaml's `history`) in a clause that speaks only of the past."""
        if self._negated(text, match, language, concept):
            return True
        # A cancer or an operation counts however long ago it was; a fall or a fever does not.
        # Context (where it hurts, who) is never history: only signs are.
        return concept in self._past_signs and self._in_the_past(text, match)

    def _present(self, text: str, concept: str) -> bool:
        for language in ("en", "ja"):
            for pattern in self._concepts[concept].get(language, []):
                if any(
                    not self._discounted(text, m, language, concept) for m in pattern.finditer(text)
                ):
                    return True
        return False

    def _mentions(self, text: str) -> Iterator[tuple[re.Match[str], str, str]]:
        """Every mention of a sign in `text`: the match, its language and the sign."""
        for concept in self._signs:
            for language in ("en", "ja"):
                for pattern in self._concepts[concept].get(language, []):
                    for m in pattern.finditer(text):
                        yield m, language, concept

    def _denied(self, text: str) -> bool:
        """Signs are named only to be denied: some mention, and every mention negated."""
        mentions = list(self._mentions(text))
        # History is not reassurance: the semantic net still reads a message about the past.
        # Nor is a denial in one sentence for another that tells of now in words the rules do
        # not know ("No fall. No fever. Since yesterday I can't tell when I've been to the loo").
        sentences = _SENTENCE_END.split(text)
        ends = [end.start() for end in _SENTENCE_END.finditer(text)]
        denied_in = {bisect.bisect_right(ends, m.start()) for m, _, _ in mentions}
        told_now = any(
            self._time_anchor[lang].search(sentence)
            for i, sentence in enumerate(sentences)
            if i not in denied_in
            for lang in ("en", "ja")
        )
        return (
            bool(mentions)
            and all(self._negated(text, m, lang, concept) for m, lang, concept in mentions)
            and not told_now
        )

    def _someone_elses(
        self, text: str, match: re.Match[str], language: str, now_in: dict[tuple[int, int], bool]
    ) -> bool:
        """The clause says another person had the condition, in so many words ("my aunt had
        bone cancer", 「父が前立腺がんで治療中」), and its sentence does not speak of now. "My
        wife thinks the steroids…" and 「骨粗しょう症の私」 are the writer's own."""
        sentence = _span(_SENTENCE_END, text, match)
        if sentence not in now_in:  # read once per sentence, however many signs it names
            now_in[sentence] = self._is_now(text[sentence[0] : sentence[1]])
        if now_in[sentence]:
            return False
        start, end = _span(_CLAUSE_END, text, match)
        if language == "ja":
            return bool(
                self._someone_else["ja"].search(text, start, match.start())
                and self._had["ja"].match(text, match.start(), end)
            )
        person = self._someone_else["en"].search(text[start:end])
        if person is None:
            return False
        after = start + person.end()
        # A condition pattern may itself begin with the person ("mother had breast cancer").
        owned = after >= match.start() or self._had["en"].match(text, after, match.start())
        return bool(owned and not self._first_person["en"].search(text, after, end))

    def _all_someone_elses(self, text: str) -> bool:
        """Every sign the message names that is not denied or history is a condition someone
        else has had (a cancer, an aneurysm, steroids…), and the writer tells of a complaint of
        their own. A sign of now is never set aside this way, whoever has it: a carer writing
        about their father's chest pain gets the same urgent advice (the sixth review)."""
        if not self._own_complaint.search(text) or any(
            self._their_now[lang].search(text) for lang in ("en", "ja")
        ):
            return False
        others = False
        now_in: dict[tuple[int, int], bool] = {}
        for m, language, concept in self._mentions(text):
            if self._discounted(text, m, language, concept):
                continue
            if concept not in self._conditions or not self._someone_elses(
                text, m, language, now_in
            ):
                return False
            others = True
        return others

    def _is_informational(self, sentence: str) -> bool:
        """A question about a condition in general, a hypothetical, a definition or hearsay."""
        if any(self._time_anchor[lang].search(sentence) for lang in ("en", "ja")):
            return False  # "…what does it mean? since yesterday I can't pee"
        for language in ("en", "ja"):
            if self._hypothetical[language].search(sentence):
                return True
            about_writer = self._first_person[language].search(sentence)
            if not about_writer and (
                self._informational[language].search(sentence)
                or self._definition[language].search(sentence)
            ):
                return True
        return False

    def _first_rule(self, text: str, *, without_signs: bool = False) -> Rule | None:
        """The most urgent rule whose signs are all in `text` (already folded); with
        `without_signs`, every sign counts as absent (in `unless` too, where only context
        concepts stand today), so only the rules that context alone can fire are left."""
        present: dict[str, bool] = {}

        def has(concept: str) -> bool:
            if without_signs and concept in self._signs:
                return False
            if concept not in present:
                present[concept] = self._present(text, concept)
            return present[concept]

        for rule in self.rules:  # ordered most urgent first
            if any(has(c) for c in rule.unless):
                continue
            if any(all(has(c) for c in group) for group in rule.when):
                return rule
        return None

    def _rule_for(self, text: str) -> tuple[Rule | None, bool]:
        """The most urgent rule for `text`, and whether every sign in it was a condition someone
        else has had (then only the rules context alone can fire are left)."""
        rule = self._first_rule(text)
        if rule is not None and self._all_someone_elses(text):
            return self._first_rule(text, without_signs=True), True
        return rule, False

    def check(self, message: str) -> Triage:
        """The most urgent rule the message triggers, if any.

        Signs that appear only in informational sentences ("what is cauda equina?", "I read
        that...") do not count; the message then gets the red-flags topic instead of an alarm.
        """
        text = fold(message)
        rule, someone_elses = self._rule_for(text)
        if rule is None and someone_elses:
            return Triage(someone_elses=True)
        sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
        if rule is None:
            general = bool(sentences) and all(self._is_informational(s) for s in sentences)
            return Triage(reassured=self._denied(text), general=general)
        if _ME_NOW.search(text):  # "…is that serious? That's me now": nothing is set aside
            return Triage(rule=rule)
        about_the_writer = ". ".join(s for s in sentences if not self._is_informational(s))
        if about_the_writer == ". ".join(sentences):
            return Triage(rule=rule)
        rule, _ = self._rule_for(about_the_writer)
        return Triage(rule=rule) if rule is not None else Triage(informational=True)
