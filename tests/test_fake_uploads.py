"""The fake Bot API accepts multipart uploads and refuses what Telegram refuses for files."""

from __future__ import annotations

import struct
import zlib

import pytest
from telegram import Bot
from telegram.error import BadRequest

from tests.fake_telegram import FakeTelegram

CHAT = 501


def png(width: int, height: int) -> bytes:
    """A PNG header claiming `width`×`height` (the fake, like a quick check, reads only that)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(header))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


async def test_an_uploaded_photo_is_recorded_and_its_file_id_works_afterwards(
    fake_telegram: FakeTelegram,
) -> None:
    fake_telegram.meet(CHAT)
    async with Bot("1:T", base_url=fake_telegram.base_url) as bot:
        sent = await bot.send_photo(CHAT, png(800, 600), caption="first")
        [call] = fake_telegram.calls_to("sendPhoto", CHAT)
        assert call.upload("photo").data == png(800, 600)
        again = await bot.send_photo(CHAT, sent.photo[-1].file_id)
        assert again.photo[-1].file_id == sent.photo[-1].file_id
        document = await bot.send_document(CHAT, b"a,b\r\n", filename="x.csv")
        assert document.document is not None and document.document.file_name == "x.csv"


@pytest.mark.parametrize("size", [(9000, 1001), (4000, 100)])
async def test_photos_beyond_telegrams_dimensions_are_refused(
    fake_telegram: FakeTelegram, size: tuple[int, int]
) -> None:
    fake_telegram.meet(CHAT)
    async with Bot("1:T", base_url=fake_telegram.base_url) as bot:
        with pytest.raises(BadRequest, match=r"(?i)photo_invalid_dimensions"):
            await bot.send_photo(CHAT, png(*size))
        with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
            await bot.send_photo(CHAT, "never-issued")
    assert fake_telegram.delivered("sendPhoto") == []
