"""Inline keyboards and the callback data they carry (parsed and validated here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote_plus

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Catalogue
from bot.services.content import Content

LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}
_CALLBACK = re.compile(r"^(?P<kind>[tsSclfrpadozbkgyi]):?(?P<value>[a-z0-9.\-]{0,48})$")
MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database; a larger one is forged


@dataclass(frozen=True)
class Callback:
    """A parsed button press: what kind of button, and its value."""

    kind: str
    value: str


def parse_callback(data: str | None) -> Callback | None:
    """The button's meaning, or None for anything malformed (forged or from an old version)."""
    match = _CALLBACK.match(data or "")
    return Callback(match["kind"], match["value"]) if match else None


def callback_id(text: str) -> int | None:
    """The database id a button carries, or None when the text cannot be one."""
    if not text.isdigit() or len(text) > len(str(MAX_ID)) or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


def related_keyboard(related: tuple[tuple[str, str], ...]) -> InlineKeyboardMarkup | None:
    """One button per related topic."""
    if not related:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(title, callback_data=f"t:{topic_id}")]
            for topic_id, title in related
        ]
    )


def topic_keyboard(
    related: tuple[tuple[str, str], ...], section: str, section_title: str, texts: Catalogue
) -> InlineKeyboardMarkup:
    """Related topics, then a way back to the topic's section."""
    rows = [[InlineKeyboardButton(title, callback_data=f"t:{tid}")] for tid, title in related]
    back = texts.text("button-back-section", section=section_title)
    rows.append([InlineKeyboardButton(back, callback_data=f"s:{section}")])
    return InlineKeyboardMarkup(rows)


def sections_keyboard(content: Content, language: str) -> InlineKeyboardMarkup:
    """All sections, two per row."""
    buttons = [
        InlineKeyboardButton(title, callback_data=f"s:{section}")
        for section, title in content.sections[language].items()
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def section_keyboard(
    content: Content, language: str, section: str, texts: Catalogue
) -> InlineKeyboardMarkup:
    """A section's topics, then back to all sections."""
    rows = [
        [InlineKeyboardButton(topic.title, callback_data=f"t:{topic.id}")]
        for topic in content.section_topics(language, section)
    ]
    rows.append([InlineKeyboardButton(texts.text("button-back-sections"), callback_data="S")])
    return InlineKeyboardMarkup(rows)


def consent_keyboard(texts: Catalogue) -> InlineKeyboardMarkup:
    """Agree to storage, or not."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.text("consent-agree"), callback_data="c:yes"),
                InlineKeyboardButton(texts.text("consent-decline"), callback_data="c:no"),
            ]
        ]
    )


def language_keyboard(languages: list[str]) -> InlineKeyboardMarkup:
    """One button per language the bot speaks."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(LANGUAGE_NAMES.get(lang, lang), callback_data=f"l:{lang}")]
            for lang in languages
        ]
    )


def forget_keyboard(texts: Catalogue) -> InlineKeyboardMarkup:
    """Confirm or cancel deleting everything."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.text("forget-confirm"), callback_data="f:yes")],
            [InlineKeyboardButton(texts.text("forget-cancel"), callback_data="f:no")],
        ]
    )


def booking_keyboard(texts: Catalogue, *, booking_url: str, address: str) -> InlineKeyboardMarkup:
    """The booking link (when there is one) and a maps search for the address."""
    rows = []
    if booking_url:
        rows.append([InlineKeyboardButton(texts.text("book-button"), url=booking_url)])
    maps = f"https://www.google.com/maps/search/?api=1&query={quote_plus(address)}"
    rows.append([InlineKeyboardButton(texts.text("book-map-button"), url=maps)])
    return InlineKeyboardMarkup(rows)


def private_chat_keyboard(texts: Catalogue, bot_username: str) -> InlineKeyboardMarkup:
    """A deep link that opens a private chat with the bot."""
    url = f"https://t.me/{bot_username}?start=group"
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.text("group-button"), url=url)]])
