"""The pain diary through the real Application and the fake Bot API: what a patient sees."""

from __future__ import annotations

import asyncio
import csv
import io
import struct
from datetime import timedelta
from typing import Any

import pytest

from bot.deps import DEPS_KEY
from bot.storage.models import PainScore, Patient
from tests.conftest import RunningBot, consent, stored
from tests.fake_telegram import Call

PATIENT, STAFF = 501, 9001


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (fails for anything that is not a PNG)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def _next(bot: RunningBot, method: str, user: int = PATIENT) -> Call:
    """Wait for one more call of `method` to `user` and return it."""
    count = len(bot.fake.calls_to(method, user))
    calls = await bot.fake.wait_calls(method, count + 1, chat_id=user)
    return calls[-1]


async def _command(bot: RunningBot, text: str, method: str = "sendMessage", **kw: object) -> Call:
    count = len(bot.fake.calls_to(method, kw.get("user", PATIENT)))  # type: ignore[arg-type]
    user = int(kw.get("user", PATIENT))  # type: ignore[call-overload]
    await bot.fake.send_text(user, text, language_code=str(kw.get("language_code", "en")))
    calls = await bot.fake.wait_calls(method, count + 1, chat_id=user)
    return calls[-1]


async def _press(
    bot: RunningBot, data: str, method: str, user: int = PATIENT, language_code: str = "en"
) -> Call:
    count = len(bot.fake.calls_to(method, user))
    await bot.fake.press(user, data, language_code=language_code)
    calls = await bot.fake.wait_calls(method, count + 1, chat_id=user)
    return calls[-1]


async def _start_diary(bot: RunningBot, user: int = PATIENT, language_code: str = "en") -> None:
    """Consent to storage, then to the diary: the bot then asks today's score."""
    await consent(bot, user, language_code)
    ask = await _command(bot, "/pain", user=user, language_code=language_code)
    assert [b["callback_data"] for b in ask.buttons()] == ["y:yes", "y:no"]
    before = len(bot.fake.calls_to("sendMessage", user))
    await _press(bot, "y:yes", "editMessageText", user, language_code)
    question = await bot.fake.wait_calls("sendMessage", before + 1, chat_id=user)
    assert [b["text"] for b in question[-1].buttons()] == [str(n) for n in range(11)]


async def test_pain_needs_storage_consent_first(running_bot: RunningBot) -> None:
    reply = await _command(running_bot, "/pain")
    assert "/start" in reply.text
    assert reply.buttons() == []


async def test_the_diary_has_its_own_consent_that_says_what_is_kept(
    running_bot: RunningBot,
) -> None:
    bot = running_bot
    await consent(bot)
    ask = await _command(bot, "/pain")
    assert "health information" in ask.text and "/forget" in ask.text
    declined = await _press(bot, "y:no", "editMessageText")
    assert "no pain scores are stored" in declined.text
    [row] = await stored(bot.settings.database_url, Patient)
    assert row.diary_consented_at is None
    assert "y:yes" in [b["callback_data"] for b in (await _command(bot, "/pain")).buttons()]


async def test_a_score_is_kept_once_per_local_day_and_pressing_again_replaces_it(
    running_bot: RunningBot,
) -> None:
    bot = running_bot
    await _start_diary(bot)
    saved = await _press(bot, "k:7", "editMessageText")
    assert "7/10" in saved.text
    assert "g:sitting" in [b["callback_data"] for b in saved.buttons()]
    tagged = await _press(bot, "g:sitting", "editMessageText")
    assert "Worse after sitting" in tagged.text
    assert "✓ Worse after sitting" in [b["text"] for b in tagged.buttons()]
    await _command(bot, "/pain")
    again = await _press(bot, "k:4", "editMessageText")
    assert "4/10" in again.text
    [row] = await stored(bot.settings.database_url, PainScore)
    assert (row.score, row.tags) == (4, "")
    # 05:00 UTC is 14:00 in Tokyo; 16:00 UTC is already tomorrow there.
    bot.clock.advance(timedelta(hours=11))
    await _command(bot, "/pain")
    await _press(bot, "k:3", "editMessageText")
    rows = await stored(bot.settings.database_url, PainScore)
    assert sorted((r.day, r.score) for r in rows) == [("2026-11-26", 4), ("2026-11-27", 3)]


async def test_a_forged_score_changes_nothing(running_bot: RunningBot) -> None:
    bot = running_bot
    await _start_diary(bot)
    answers = len(bot.fake.calls_to("answerCallbackQuery"))
    await bot.fake.press(PATIENT, "k:11")
    answer = (await bot.fake.wait_calls("answerCallbackQuery", answers + 1))[-1]
    assert "no longer valid" in answer.params["text"]
    assert await stored(bot.settings.database_url, PainScore) == []


async def test_diary_with_no_scores_says_so_in_text(running_bot: RunningBot) -> None:
    bot = running_bot
    await _start_diary(bot)
    reply = await _command(bot, "/diary")
    assert "No pain scores yet" in reply.text
    assert bot.fake.calls_to("sendPhoto", PATIENT) == []


async def test_diary_sends_a_chart_photo_readable_on_a_phone(running_bot: RunningBot) -> None:
    bot = running_bot
    await _start_diary(bot)
    for score in (8, 6, 5):
        await _command(bot, "/pain")
        await _press(bot, f"k:{score}", "editMessageText")
        bot.clock.advance(timedelta(days=1))
    photo = await _command(bot, "/diary", method="sendPhoto")
    png = photo.upload("photo").data
    width, _ = png_size(png)
    assert width >= 800 and len(png) < 300_000
    assert "3 scores, average 6.3" in photo.params["caption"]
    assert [b["callback_data"] for b in photo.buttons()] == ["y:c90"]
    longer = await _press(bot, "y:c90", "sendPhoto")
    assert "last 90 days" in longer.params["caption"]
    assert png_size(longer.upload("photo").data)[0] >= 800
    typed = await _command(bot, "/diary 90", method="sendPhoto")
    assert "last 90 days" in typed.params["caption"]


async def test_export_sends_the_scores_as_a_csv_document(running_bot: RunningBot) -> None:
    bot = running_bot
    await _start_diary(bot)
    await _press(bot, "k:6", "editMessageText")
    await _press(bot, "g:sleep", "editMessageText")
    document = await _command(bot, "/diary export", method="sendDocument")
    upload = document.upload("document")
    assert upload.filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(upload.data.decode("utf-8-sig"))))
    assert rows == [["date", "pain (0-10)", "notes"], ["2026-11-26", "6", "Slept badly"]]


async def test_share_reaches_staff_only_after_the_patient_confirms(
    running_bot: RunningBot,
) -> None:
    bot = running_bot
    await _start_diary(bot)
    await _press(bot, "k:5", "editMessageText")
    ask = await _command(bot, "/diary share")
    assert "staff" in ask.text
    assert bot.fake.calls_to("sendPhoto", STAFF) == []
    kept = await _press(bot, "y:keep", "editMessageText")
    assert "Not sent" in kept.text
    assert bot.fake.calls_to("sendPhoto", STAFF) == []

    await _command(bot, "/diary share")
    sent = await _press(bot, "y:share", "editMessageText")
    assert "Sent" in sent.text
    [shared] = bot.fake.calls_to("sendPhoto", STAFF)
    assert "#1 (Patient501)" in shared.params["caption"]
    assert png_size(shared.upload("photo").data)[0] >= 800


async def test_privacy_lists_the_diary_forget_deletes_it_and_stats_count_only(
    running_bot: RunningBot,
) -> None:
    bot = running_bot
    await _start_diary(bot)
    await _press(bot, "k:9", "editMessageText")
    privacy = await _command(bot, "/privacy")
    assert "<b>Pain diary</b>: 1 scores since 2026-11-26" in privacy.text
    stats = await _command(bot, "/stats", user=STAFF)
    assert "<b>Pain diary</b>: kept by 1 patients" in stats.text
    assert "9/10" not in stats.text and "Patient501" not in stats.text

    await _command(bot, "/forget")
    await _press(bot, "f:yes", "editMessageText")
    assert await stored(bot.settings.database_url, PainScore) == []
    assert "Pain diary" not in (await _command(bot, "/privacy")).text
    stats = await _command(bot, "/stats", user=STAFF)
    assert "kept by 0 patients" in stats.text


async def test_japanese_patient_gets_the_diary_in_japanese(running_bot: RunningBot) -> None:
    bot = running_bot
    await _start_diary(bot, language_code="ja")
    saved = await _press(bot, "k:2", "editMessageText", language_code="ja")
    assert "今日の痛み" in saved.text and "座った後に悪化" in [b["text"] for b in saved.buttons()]
    photo = await _command(bot, "/diary", method="sendPhoto", language_code="ja")
    assert "痛み日記" in photo.params["caption"]
    assert png_size(photo.upload("photo").data)[0] >= 800
    document = await _command(bot, "/diary 書き出し", method="sendDocument", language_code="ja")
    rows = list(csv.reader(io.StringIO(document.upload("document").data.decode("utf-8-sig"))))
    assert rows == [["日付", "痛み（0〜10）", "メモ"], ["2026-11-26", "2", ""]]


async def test_the_daily_stretch_can_carry_the_pain_question(running_bot: RunningBot) -> None:
    bot = running_bot
    await _start_diary(bot)
    needs = await _command(bot, "/daily diary on")
    assert "/daily" in needs.text and "first" in needs.text
    await _command(bot, "/daily 08:00")
    on = await _command(bot, "/daily diary on")
    assert "pain score" in on.text
    bot.clock.current = bot.clock.current.replace(hour=23)  # 08:00 in Tokyo
    assert (await bot.tick()).sent == 1
    prompt = bot.fake.calls_to("sendMessage", PATIENT)[-1]
    assert "Today's stretch" in prompt.text and "how is your pain" in prompt.text
    scores = [b["callback_data"] for b in prompt.buttons() if b["callback_data"][:2] == "k:"]
    assert scores == [f"k:d{n}" for n in range(11)]
    saved = await _press(bot, "k:d3", "sendMessage")
    assert "3/10" in saved.text, "a new message: the stretch stays as it was"
    [row] = await stored(bot.settings.database_url, PainScore)
    assert (row.day, row.score) == ("2026-11-27", 3)

    await _command(bot, "/daily diary off")
    bot.clock.advance(timedelta(days=1))
    assert (await bot.tick()).sent == 1
    plain = bot.fake.calls_to("sendMessage", PATIENT)[-1]
    assert not any(b["callback_data"].startswith("k:") for b in plain.buttons())


async def test_stopping_the_diary_deletes_the_scores_after_a_confirm(
    running_bot: RunningBot,
) -> None:
    bot = running_bot
    await _start_diary(bot)
    await _press(bot, "k:6", "editMessageText")
    ask = await _command(bot, "/diary stop")
    assert "delete all 1 scores" in ask.text
    kept = await _press(bot, "y:retain", "editMessageText")
    assert "Nothing was deleted" in kept.text
    assert len(await stored(bot.settings.database_url, PainScore)) == 1

    await _command(bot, "/diary stop")
    done = await _press(bot, "y:erase", "editMessageText")
    assert "deleted" in done.text
    assert await stored(bot.settings.database_url, PainScore) == []
    [patient] = await stored(bot.settings.database_url, Patient)
    assert patient.diary_consented_at is None, "the storage consent stays; the diary's is gone"
    again = await _command(bot, "/pain")
    assert [b["callback_data"] for b in again.buttons()] == ["y:yes", "y:no"]


async def test_a_second_tap_while_the_chart_is_drawn_queues_no_more_work(
    running_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = running_bot
    await _start_diary(bot)
    await _press(bot, "k:5", "editMessageText")
    renderer = bot.app.bot_data[DEPS_KEY].renderer
    original, release, calls = renderer.run, asyncio.Event(), []

    async def slow_run(draw: Any, data: Any) -> bytes:
        calls.append(draw)
        await release.wait()
        return await original(draw, data)

    monkeypatch.setattr(renderer, "run", slow_run)
    await bot.fake.send_text(PATIENT, "/diary")
    busy = await _command(bot, "/diary")
    assert "being drawn" in busy.text
    release.set()
    await bot.fake.wait_calls("sendPhoto", 1, chat_id=PATIENT)
    again = await _command(bot, "/diary 90", method="sendPhoto")
    assert "90 days" in again.params["caption"] and len(calls) == 2
