"""Answer quality over the question sets in tests/data: accuracy floor, no off-topic answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.answering import Answerer, ClinicFacts
from bot.settings import REPO_ROOT

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    facts = ClinicFacts(name="Fuji Wellness", address="Tokyo", email="clinic@example.com")
    return Answerer.from_folder(REPO_ROOT / "content", facts)


@pytest.mark.parametrize(("language", "at_least"), [("en", 150), ("ja", 80)])
def test_top1_accuracy_is_at_least_90_percent(
    answerer: Answerer, language: str, at_least: int
) -> None:
    rows = [(topic, q) for topic, q in _rows(f"questions_{language}.tsv") if topic != "-"]
    assert len(rows) >= at_least
    wrong = [(q, topic, answerer.answer(q, language).topic_id) for topic, q in rows]
    wrong = [w for w in wrong if w[1] != w[2]]
    accuracy = 1 - len(wrong) / len(rows)
    assert accuracy >= 0.90, f"accuracy {accuracy:.1%}; misses: {wrong}"


@pytest.mark.parametrize("language", ["en", "ja"])
def test_no_off_topic_question_gets_a_topic(answerer: Answerer, language: str) -> None:
    off_topic = [q for topic, q in _rows(f"questions_{language}.tsv") if topic == "-"]
    assert len(off_topic) >= 15
    answered = [(q, answerer.answer(q, language).topic_id) for q in off_topic]
    assert [a for a in answered if a[1] is not None] == []


def test_every_urgent_message_is_flagged_in_both_languages(answerer: Answerer) -> None:
    urgent = [(lang, m) for kind, lang, m in _rows("red_flags.tsv") if kind == "urgent"]
    assert len(urgent) >= 60 and {lang for lang, _ in urgent} == {"en", "ja"}
    missed = [m for _, m in urgent if not answerer.answer(m).urgent]
    assert missed == []


def test_at_most_5_percent_of_calm_messages_are_flagged(answerer: Answerer) -> None:
    calm = [m for kind, _, m in _rows("red_flags.tsv") if kind == "calm"]
    assert len(calm) >= 60
    flagged = [m for m in calm if answerer.answer(m).urgent]
    assert len(flagged) / len(calm) <= 0.05, flagged


def test_urgent_reply_says_what_to_do_in_its_first_line(answerer: Answerer) -> None:
    emergency = answerer.answer("I can't control my bladder and my back hurts")
    assert emergency.urgent and emergency.topic_id is None
    assert "Call 119" in emergency.plain.splitlines()[0]
    same_day = answerer.answer("I have a fever and my lower back hurts")
    assert "see a doctor today" in same_day.plain.splitlines()[0]
    assert "#7119" in same_day.plain and "03-5285-8181" in same_day.plain


def test_informational_question_gets_the_red_flags_topic_not_an_alarm(answerer: Answerer) -> None:
    reply = answerer.answer("What is cauda equina syndrome?")
    assert not reply.urgent and reply.topic_id == "care.red-flags"


def test_red_flags_run_before_a_matching_topic(answerer: Answerer) -> None:
    reply = answerer.answer("does acupuncture help when both my legs are numb")
    assert reply.urgent


def test_empty_clinic_settings_say_to_ask_the_clinic(answerer: Answerer) -> None:
    reply = answerer.answer("what are your opening hours")
    assert reply.topic_id == "clinic.hours"
    assert "please ask the clinic (clinic@example.com)" in reply.plain
