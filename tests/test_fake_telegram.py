"""The fake Bot API refuses what Telegram refuses, so no test passes on a reply Telegram drops."""

from __future__ import annotations

import aiohttp
import pytest

from tests.fake_telegram import FakeTelegram


async def _call(fake: FakeTelegram, method: str, params: dict[str, object]) -> dict[str, object]:
    fake.meet(1)  # chat 1 has opened the bot
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.base_url}123:T/{method}", json=params) as response,
    ):
        body: dict[str, object] = await response.json()
        return body


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("<b>bold</b> &lt;x&gt; &amp; a & b", True),
        ('<a href="https://example.org">link</a> <i>it</i>', True),
        ("“<x>” is not a zone", False),
        ("<b>unclosed", False),
        ("5 < 6", False),
        ("&nbsp;", False),
        ("x" * 4096, True),
        ("x" * 4097, False),
    ],
)
async def test_html_text_is_checked_like_telegram(
    fake_telegram: FakeTelegram, text: str, accepted: bool
) -> None:
    body = await _call(
        fake_telegram, "sendMessage", {"chat_id": 1, "text": text, "parse_mode": "HTML"}
    )
    assert body["ok"] is accepted


async def test_callback_data_over_64_bytes_is_refused(fake_telegram: FakeTelegram) -> None:
    def markup(data: str) -> dict[str, object]:
        return {"inline_keyboard": [[{"text": "b", "callback_data": data}]]}

    ok = await _call(
        fake_telegram, "sendMessage", {"chat_id": 1, "text": "t", "reply_markup": markup("é" * 32)}
    )
    too_long = await _call(
        fake_telegram, "sendMessage", {"chat_id": 1, "text": "t", "reply_markup": markup("é" * 33)}
    )
    assert ok["ok"] is True and too_long["description"] == "Bad Request: BUTTON_DATA_INVALID"


async def test_a_chat_that_never_opened_the_bot_is_not_found(fake_telegram: FakeTelegram) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{fake_telegram.base_url}123:T/sendMessage", json={"chat_id": 77, "text": "hi"}
        ) as response,
    ):
        body = await response.json()
    assert body == {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    await fake_telegram.send_text(77, "/start")
    assert (await _call(fake_telegram, "sendMessage", {"chat_id": 77, "text": "hi"}))["ok"]
