"""User-facing strings: Fluent catalogues per language, and language detection."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fluent.runtime import FluentBundle, FluentResource

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANGUAGE = "en"
_JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


_LATIN_LETTER = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """Japanese when Japanese script is a fair share of the letters (one Japanese character
    carries about as much as a short English word, so 15 % is plenty); else English. A place
    name in kanji does not make an English message Japanese."""
    japanese = len(_JAPANESE_SCRIPT.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    return "ja" if japanese and japanese >= 0.15 * (japanese + latin) else DEFAULT_LANGUAGE


def language_from_telegram(language_code: str | None) -> str:
    """Map Telegram's `language_code` to a language the bot speaks."""
    return "ja" if (language_code or "").lower().startswith("ja") else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Catalogue:
    """One language's messages."""

    language: str
    bundle: FluentBundle

    def text(self, message_id: str, **args: object) -> str:
        """The message `message_id` with `args` filled in; a missing id is a bug, so it raises."""
        message = self.bundle.get_message(message_id)
        if message.value is None:
            raise KeyError(f"{self.language}: message {message_id!r} has no value")
        value, errors = self.bundle.format_pattern(message.value, args)
        if errors:
            raise ValueError(f"{self.language}: {message_id}: {errors}")
        return str(value)


def load_catalogue(language: str, locales_dir: Path = LOCALES_DIR) -> Catalogue:
    """Read every `.ftl` file of `language` into one catalogue."""
    bundle = FluentBundle([language], use_isolating=False)
    for path in sorted((locales_dir / language).glob("*.ftl")):
        bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
    return Catalogue(language=language, bundle=bundle)


def available_languages(locales_dir: Path = LOCALES_DIR) -> list[str]:
    """Languages that have a catalogue folder, default first."""
    found = sorted(p.name for p in locales_dir.iterdir() if p.is_dir() and any(p.glob("*.ftl")))
    return sorted(found, key=lambda lang: lang != DEFAULT_LANGUAGE)


class Texts:
    """All catalogues; unknown languages fall back to the default."""

    def __init__(self, locales_dir: Path = LOCALES_DIR) -> None:
        self.languages = available_languages(locales_dir)
        self._catalogues = {lang: load_catalogue(lang, locales_dir) for lang in self.languages}

    def __call__(self, language: str) -> Catalogue:
        return self._catalogues.get(language) or self._catalogues[DEFAULT_LANGUAGE]
