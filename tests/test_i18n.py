"""Both languages: catalogues complete both ways, placeholders agree, no English in Japanese."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.checks import check_catalogues, check_everything
from bot.i18n import LOCALES_DIR, available_languages
from bot.services.answering import Answerer, ClinicFacts
from bot.services.content import load_content
from bot.settings import REPO_ROOT, Settings

# Brand and product names stay in Latin letters; acronyms (MRI, BL23, NICE) are upper case.
ALLOWED_LATIN = {"Fuji", "Wellness", "Telegram", "ID", "cm"}
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
# Markup, placeholders, commands with their arguments, and IANA zone names are not prose.
_MARKUP = re.compile(
    r"</?b>|\{\{\s*[a-z_]+\s*\}\}|\{ ?\$[a-z_]+ ?\}|/[a-z]+(?: (?:on|off))?|#7119"
    r"|[A-Z][a-z]+/[A-Za-z_]+|\[(?:one|other)\]|\*\[other\]"
)


def english_words(text: str) -> list[str]:
    """Latin-letter words a Japanese reader would see as English (acronyms allowed)."""
    text = _MARKUP.sub(" ", text)
    return [w for w in _LATIN_WORD.findall(text) if not w.isupper() and w not in ALLOWED_LATIN]


def test_the_bot_speaks_english_and_japanese() -> None:
    assert available_languages() == ["en", "ja"]
    assert sorted(load_content(REPO_ROOT / "content").topics) == ["en", "ja"]


def test_catalogues_are_complete_both_ways_with_matching_placeholders() -> None:
    assert check_catalogues() == []
    assert check_everything(REPO_ROOT / "content") == []


def test_a_missing_message_or_placeholder_is_reported(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)
    ja = locales / "ja" / "bot.ftl"
    text = ja.read_text(encoding="utf-8")
    text = text.replace("not-text = ", "not-text-renamed = ")
    text = text.replace("{ $email }", "{ $mail }", 1)
    ja.write_text(text, encoding="utf-8")
    problems = "\n".join(check_catalogues(locales))
    assert "ja: message not-text is missing" in problems
    assert "ja: message not-text-renamed is not in en" in problems
    assert "uses ['mail'], en uses ['email']" in problems


def test_no_english_is_left_in_japanese_messages() -> None:
    source = (LOCALES_DIR / "ja" / "bot.ftl").read_text(encoding="utf-8")
    values = [
        line.split("=", 1)[1] if "=" in line else line
        for line in source.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    leftovers = [(v.strip(), english_words(v)) for v in values if english_words(v)]
    assert leftovers == []


def test_no_english_is_left_in_japanese_content() -> None:
    for topic in load_content(REPO_ROOT / "content").topics["ja"].values():
        assert english_words(topic.title + "\n" + topic.body) == [], topic.id


@pytest.mark.parametrize(
    "question",
    ["鍼は痛いですか", "住所は？", "営業時間は", "腎兪はどこ", "予約したい", "わからない質問です"],
)
def test_japanese_replies_are_japanese(question: str) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    answerer = Answerer.from_folder(REPO_ROOT / "content", ClinicFacts.from_settings(settings))
    reply = answerer.answer(question)
    assert reply.language == "ja"
    assert english_words(reply.plain.replace(settings.clinic_email, "")) == []


def test_a_kanji_place_name_does_not_make_an_english_message_japanese() -> None:
    from bot.i18n import detect_language

    assert detect_language("I'm staying near 新宿 station, where is the clinic?") == "en"
    assert detect_language("腰痛 + saddle areaのnumbness。これってヤバいやつ？") == "ja"
    assert detect_language("腰が痛い") == "ja"
