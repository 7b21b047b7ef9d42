"""The real Application, polling the fake Bot API server: what a patient sees."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.handlers import questions
from bot.storage.models import Patient
from tests.conftest import RunningBot, consent, stored

PATIENT = 501


async def _patients(bot: RunningBot) -> list[Patient]:
    return await stored(bot.settings.database_url, Patient)


async def test_menu_is_registered_at_start(running_bot: RunningBot) -> None:
    calls = running_bot.fake.calls_to("setMyCommands")
    commands = {c["command"] for c in calls[0].params["commands"]}
    assert {"start", "help", "topics", "book", "privacy", "forget"} <= commands


async def test_start_welcomes_and_asks_consent_then_stores_the_patient(
    running_bot: RunningBot,
) -> None:
    fake = running_bot.fake
    await fake.send_text(PATIENT, "/start")
    welcome, consent = await fake.wait_calls("sendMessage", 2, chat_id=PATIENT)
    assert "Welcome to Fuji Wellness" in welcome.text
    assert "119" in welcome.text and "diagnose" in welcome.text
    assert [b["callback_data"] for b in consent.buttons()] == ["c:yes", "c:no"]
    assert await _patients(running_bot) == []

    await fake.press(PATIENT, "c:yes")
    edits = await fake.wait_calls("editMessageText", 1, chat_id=PATIENT)
    assert "saved" in edits[0].text
    [stored] = await _patients(running_bot)
    assert stored.telegram_id == PATIENT and stored.language == "en"
    languages = await fake.wait_calls("sendMessage", 3, chat_id=PATIENT)
    assert [b["callback_data"] for b in languages[-1].buttons()] == ["l:en", "l:ja"]
    assert stored.consented_at == running_bot.clock.now()


async def test_declining_consent_stores_nothing(running_bot: RunningBot) -> None:
    await running_bot.fake.send_text(PATIENT, "/start")
    await running_bot.fake.wait_calls("sendMessage", 2, chat_id=PATIENT)
    await running_bot.fake.press(PATIENT, "c:no")
    [edit] = await running_bot.fake.wait_calls("editMessageText", 1, chat_id=PATIENT)
    assert "nothing is stored" in edit.text
    assert await _patients(running_bot) == []


async def test_a_question_gets_the_clinic_answer_with_related_buttons(
    running_bot: RunningBot,
) -> None:
    fake = running_bot.fake
    await fake.send_text(PATIENT, "does acupunture hurt?")
    [reply] = await fake.wait_calls("sendMessage", 1, chat_id=PATIENT)
    assert reply.params["parse_mode"] == "HTML"
    assert reply.text.startswith("<b>Does acupuncture hurt?</b>")
    assert 2 <= len(reply.buttons()) <= 3
    assert all(b["callback_data"].startswith("t:") for b in reply.buttons())
    assert fake.calls_to("sendChatAction", PATIENT) == [], "a quick answer needs no typing"


async def test_a_slow_answer_shows_typing_before_the_reply(
    running_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = running_bot.fake
    typing_seen = asyncio.Event()
    original = questions.language_of

    async def slow_language_of(*args: Any) -> str:
        await typing_seen.wait()  # as if the database were slow
        return await original(*args)

    monkeypatch.setattr(questions, "TYPING_AFTER", 0.01)
    monkeypatch.setattr(questions, "language_of", slow_language_of)
    await fake.send_text(PATIENT, "does acupuncture hurt?")
    [typing] = await fake.wait_calls("sendChatAction", 1, chat_id=PATIENT)
    assert typing.params["action"] == "typing"
    typing_seen.set()
    [reply] = await fake.wait_calls("sendMessage", 1, chat_id=PATIENT)
    assert "Does acupuncture hurt?" in reply.text and reply.at > typing.at


async def test_an_emergency_message_gets_urgent_advice_first(running_bot: RunningBot) -> None:
    await running_bot.fake.send_text(PATIENT, "I have numbness between my legs and can't pee")
    [reply] = await running_bot.fake.wait_calls("sendMessage", 1, chat_id=PATIENT)
    first_line = reply.text.splitlines()[0]
    assert "Call 119" in first_line
    # An emergency must not invite delay: no advice line to phone first (迷わず119).
    assert "#7119" not in reply.text and "English interpreter" in reply.text
    assert "not the right first step" in reply.text


async def test_urgent_wording_the_rules_never_saw_still_gets_urgent_advice(
    running_bot: RunningBot,
) -> None:
    message = "back ache and I've been pooping myself without realising"
    await running_bot.fake.send_text(PATIENT, message)
    [reply] = await running_bot.fake.wait_calls("sendMessage", 1, chat_id=PATIENT)
    assert "Call 119" in reply.text.splitlines()[0]


async def test_an_off_topic_question_gets_the_honest_fallback(running_bot: RunningBot) -> None:
    await running_bot.fake.send_text(PATIENT, "who won the football match")
    [reply] = await running_bot.fake.wait_calls("sendMessage", 1, chat_id=PATIENT)
    assert "don't have an answer" in reply.text
    assert running_bot.settings.clinic_email in reply.text


async def test_topics_browse_sections_then_a_topic_then_back(running_bot: RunningBot) -> None:
    fake = running_bot.fake
    await fake.send_text(PATIENT, "/topics")
    [menu] = await fake.wait_calls("sendMessage", 1, chat_id=PATIENT)
    sections = [b["callback_data"] for b in menu.buttons()]
    assert "s:acupoints" in sections and "s:exercise" in sections

    await fake.press(PATIENT, "s:acupoints")
    [section] = await fake.wait_calls("editMessageText", 1, chat_id=PATIENT)
    topics = [b["callback_data"] for b in section.buttons()]
    assert "t:acupoints.bl23" in topics and topics[-1] == "S"

    await fake.press(PATIENT, "t:acupoints.bl23")
    replies = await fake.wait_calls("sendMessage", 2, chat_id=PATIENT)
    assert "BL23 (Shenshu)" in replies[-1].text
    assert replies[-1].buttons()[-1]["callback_data"] == "s:acupoints"

    await fake.press(PATIENT, "S")
    edits = await fake.wait_calls("editMessageText", 2, chat_id=PATIENT)
    assert "Choose a section" in edits[-1].text


async def test_book_gives_link_address_email_and_a_map_pin(running_bot: RunningBot) -> None:
    fake = running_bot.fake
    await fake.send_text(PATIENT, "/book")
    [message] = await fake.wait_calls("sendMessage", 1, chat_id=PATIENT)
    [venue] = await fake.wait_calls("sendVenue", 1, chat_id=PATIENT)
    assert "Matsushima" in message.text and running_bot.settings.clinic_email in message.text
    urls = [b["url"] for b in message.buttons()]
    assert urls[0] == "https://booking.example/fuji"
    assert urls[1].startswith("https://www.google.com/maps/search/")
    assert venue.params["latitude"] == 35.7 and "Matsushima" in venue.params["address"]


async def test_forget_deletes_everything_after_confirmation(running_bot: RunningBot) -> None:
    fake = running_bot.fake
    await consent(running_bot)
    assert len(await _patients(running_bot)) == 1

    await fake.send_text(PATIENT, "/forget")
    asks = await fake.wait_calls("sendMessage", 4, chat_id=PATIENT)
    assert [b["callback_data"] for b in asks[-1].buttons()] == ["f:yes", "f:no"]
    assert len(await _patients(running_bot)) == 1, "nothing is deleted before confirming"

    await fake.press(PATIENT, "f:yes")
    edits = await fake.wait_calls("editMessageText", 2, chat_id=PATIENT)
    assert "deleted" in edits[-1].text
    assert await _patients(running_bot) == []


async def test_privacy_shows_what_is_stored(running_bot: RunningBot) -> None:
    await running_bot.fake.send_text(PATIENT, "/privacy")
    [reply] = await running_bot.fake.wait_calls("sendMessage", 1, chat_id=PATIENT)
    assert "What I store" in reply.text and "nothing" in reply.text


async def test_a_stale_or_forged_button_gets_a_polite_answer(running_bot: RunningBot) -> None:
    fake = running_bot.fake
    for data in ("t:no.such-topic", "s:nowhere", "zz:evil", "l:xx", "f:maybe"):
        await fake.press(PATIENT, data)
    answers = await fake.wait_calls("answerCallbackQuery", 5)
    assert all("no longer valid" in a.params.get("text", "") for a in answers)
    assert fake.calls_to("sendMessage") == [] and fake.calls_to("editMessageText") == []


async def test_group_messages_are_answered_only_when_addressed_and_privately(
    running_bot: RunningBot,
) -> None:
    fake, group = running_bot.fake, -100123
    await fake.send_text(PATIENT, "my sciatica is bad today", chat_type="supergroup", chat_id=group)
    await fake.send_text(
        PATIENT,
        "@fuji_wellness_test_bot does acupuncture help sciatica?",
        chat_type="supergroup",
        chat_id=group,
    )
    [reply] = await fake.wait_calls("sendMessage", 1, chat_id=group)
    assert "private chat" in reply.text
    assert "sciatic" not in reply.text.lower()
    assert reply.buttons()[0]["url"].startswith("https://t.me/fuji_wellness_test_bot")


async def test_urgent_signs_in_a_group_still_get_urgent_advice(running_bot: RunningBot) -> None:
    fake, group = running_bot.fake, -100124
    await fake.send_text(
        PATIENT, "@fuji_wellness_test_bot both my legs are numb", chat_type="group", chat_id=group
    )
    [reply] = await fake.wait_calls("sendMessage", 1, chat_id=group)
    assert "Call 119" in reply.text.splitlines()[0]


async def test_a_sticker_gets_a_friendly_note(running_bot: RunningBot) -> None:
    await running_bot.fake.send_sticker(PATIENT)
    [reply] = await running_bot.fake.wait_calls("sendMessage", 1, chat_id=PATIENT)
    assert "only read text" in reply.text


async def test_a_failed_reply_is_logged_without_patient_text_and_apologised_for(
    running_bot: RunningBot, caplog: object
) -> None:
    import logging

    from tests.fake_telegram import Fault

    fake = running_bot.fake
    fake.fail_next("sendMessage", Fault(400, "Bad Request: something odd"))
    secret = "my private sciatica story"
    with caplog.at_level(logging.INFO):  # type: ignore[attr-defined]
        await fake.send_text(PATIENT, secret)
        calls = await fake.wait_calls("sendMessage", 2, chat_id=PATIENT)
    assert "went wrong" in calls[-1].text
    assert secret not in caplog.text  # type: ignore[attr-defined]
    assert "TEST-TOKEN" not in caplog.text  # type: ignore[attr-defined]


async def test_blocking_the_bot_marks_the_patient(running_bot: RunningBot) -> None:
    from tests.fake_telegram import Fault

    fake = running_bot.fake
    await consent(running_bot)
    fake.fail_next("sendMessage", Fault(403, "Forbidden: bot was blocked by the user"))
    await fake.send_text(PATIENT, "does it hurt")
    await fake.wait_for(lambda: len(fake.calls_to("sendMessage", PATIENT)) >= 4)
    # The refusal is recorded after Telegram answers 403; another chat's update runs alongside,
    # so it proves nothing: look at the row until it changes.
    for _ in range(200):
        [patient] = await _patients(running_bot)
        if patient.blocked_at is not None:
            break
        await asyncio.sleep(0.05)
    assert patient.blocked_at is not None


async def test_a_japanese_speaking_patients_journey(running_bot: RunningBot) -> None:
    fake, user = running_bot.fake, 777
    languages = {c.params.get("language_code") for c in fake.calls_to("setMyCommands")}
    assert languages == {None, "ja"}

    await fake.send_text(user, "/start", language_code="ja")
    welcome, consent_ask = await fake.wait_calls("sendMessage", 2, chat_id=user)
    assert "ようこそ" in welcome.text and "119" in welcome.text
    assert "保存してもよろしいですか" in consent_ask.text
    await fake.press(user, "c:yes", language_code="ja")
    [saved] = await fake.wait_calls("editMessageText", 1, chat_id=user)
    assert "保存しました" in saved.text
    [stored] = await _patients(running_bot)
    assert stored.language == "ja"

    await fake.send_text(user, "鍼は痛いですか？", language_code="ja")
    answer = (await fake.wait_calls("sendMessage", 4, chat_id=user))[-1]
    assert answer.text.startswith("<b>鍼は痛いですか？</b>")

    await fake.send_text(user, "/topics", language_code="ja")
    menu = (await fake.wait_calls("sendMessage", 5, chat_id=user))[-1]
    assert "分野を選んで" in menu.text and menu.buttons()[0]["text"] == "概要"

    await fake.send_text(user, "/book", language_code="ja")
    booking = (await fake.wait_calls("sendMessage", 6, chat_id=user))[-1]
    assert "ご予約" in booking.text and "江戸川区" in booking.text

    await fake.send_text(user, "/appointment 明日15時", language_code="ja")
    check = (await fake.wait_calls("sendMessage", 7, chat_id=user))[-1]
    assert "11月27日(金) 15:00" in check.text and check.buttons()[0]["text"] == "✅ 登録する"
    await fake.press(user, check.buttons()[0]["callback_data"], language_code="ja")
    saved = (await fake.wait_calls("editMessageText", 2, chat_id=user))[-1]
    assert "登録しました" in saved.text
    running_bot.clock.current = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # 24 h before
    assert (await running_bot.tick()).sent == 1
    reminder = (await fake.wait_calls("sendMessage", 8, chat_id=user))[-1]
    assert "施術のお知らせ" in reminder.text and "江戸川区" in reminder.text

    await fake.send_text(user, "/daily 08:00", language_code="ja")
    daily = (await fake.wait_calls("sendMessage", 9, chat_id=user))[-1]
    assert "毎日 <b>08:00</b>" in daily.text
    running_bot.clock.current = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)  # 08:00 Tokyo
    assert (await running_bot.tick()).sent == 1
    prompt = (await fake.wait_calls("sendMessage", 10, chat_id=user))[-1]
    assert "今日のストレッチ" in prompt.text and prompt.buttons()[0]["text"] == "✅ やりました"

    await fake.send_text(user, "/language", language_code="ja")
    choice = (await fake.wait_calls("sendMessage", 11, chat_id=user))[-1]
    assert "今の言語：日本語" in choice.text
    await fake.press(user, "l:en", language_code="ja")
    switched = (await fake.wait_calls("editMessageText", 3, chat_id=user))[-1]
    assert "I will reply in English" in switched.text

    await fake.send_text(user, "does it hurt?", language_code="ja")
    english = (await fake.wait_calls("sendMessage", 12, chat_id=user))[-1]
    assert english.text.startswith("<b>Does acupuncture hurt?</b>")
    await fake.send_text(user, "股の間がしびれます", language_code="ja")
    urgent = (await fake.wait_calls("sendMessage", 13, chat_id=user))[-1]
    assert "119番" in urgent.text.splitlines()[0], "Japanese script is answered in Japanese"


async def test_in_a_group_urgent_wording_only_the_semantic_net_knows_still_gets_advice(
    running_bot: RunningBot,
) -> None:
    fake, group = running_bot.fake, -100125
    await fake.send_text(
        PATIENT,
        "@fuji_wellness_test_bot back ache and I've been pooping myself without realising",
        chat_type="group",
        chat_id=group,
    )
    [reply] = await fake.wait_calls("sendMessage", 1, chat_id=group)
    assert "Call 119" in reply.text.splitlines()[0]
