"""Acupoint pictures: each point sits where the WHO (2008) location puts it relative to the drawn
landmarks (shared/reference/medical-facts.md §4), and the bot sends it once, then by file id."""

from __future__ import annotations

import math
import struct
import warnings

import pytest

from bot.handlers.pictures import picture_labels
from bot.i18n import Texts
from bot.services.acupoint_pictures import (
    CUN,
    FIRST_METACARPAL,
    GREATER_TROCHANTER,
    ILIAC_CREST_TOP_Y,
    POPLITEAL_CREASE,
    SACRAL_HIATUS,
    SECOND_METACARPAL,
    SPINE_X,
    SPINOUS,
    SPINOUS_HALF_HEIGHT,
    TOPICS,
    PictureRequest,
    locate,
    lower_border,
    render_picture,
)
from bot.storage.models import UploadedFile
from tests.conftest import RunningBot, stored

PATIENT = 501
POINTS = sorted(TOPICS.values())


def test_bl23_is_level_with_the_lower_border_of_l2_and_one_and_a_half_cun_out() -> None:
    left, right = locate("bl23")
    assert left[1] == right[1] == lower_border("L2")
    assert {round(abs(x - SPINE_X) / CUN, 6) for x in (left[0], right[0])} == {1.5}


def test_gv4_is_on_the_midline_just_below_l2_level_with_bl23() -> None:
    ((x, y),) = locate("gv4")
    assert x == SPINE_X
    top_of_l3 = SPINOUS["L3"] + SPINOUS_HALF_HEIGHT
    assert top_of_l3 < y < lower_border("L2")
    assert abs(y - locate("bl23")[0][1]) < SPINOUS_HALF_HEIGHT


def test_bl25_is_level_with_the_lower_border_of_l4_where_the_crest_line_crosses() -> None:
    left, right = locate("bl25")
    assert left[1] == right[1] == lower_border("L4")
    assert abs(right[0] - SPINE_X) == pytest.approx(1.5 * CUN)
    l4_top, l4_bottom = SPINOUS["L4"] + SPINOUS_HALF_HEIGHT, lower_border("L4")
    assert l4_bottom <= ILIAC_CREST_TOP_Y <= l4_top


def test_gb30_is_a_third_of_the_way_from_the_trochanter_to_the_sacral_hiatus() -> None:
    ((x, y),) = locate("gb30")
    whole = math.dist(GREATER_TROCHANTER, SACRAL_HIATUS)
    assert math.dist(GREATER_TROCHANTER, (x, y)) == pytest.approx(whole / 3)
    assert math.dist((x, y), SACRAL_HIATUS) == pytest.approx(2 * whole / 3)


def test_bl40_is_the_midpoint_of_the_knee_crease() -> None:
    ((x, y),) = locate("bl40")
    (ax, ay), (bx, by) = POPLITEAL_CREASE
    assert (x, y) == pytest.approx(((ax + bx) / 2, (ay + by) / 2))


def test_li4_is_beside_the_middle_of_the_second_metacarpal_on_the_thumb_side() -> None:
    ((x, y),) = locate("li4")
    (bx, by), (hx, hy) = SECOND_METACARPAL
    along = ((x - bx) * (hx - bx) + (y - by) * (hy - by)) / math.dist((bx, by), (hx, hy)) ** 2
    assert along == pytest.approx(0.5)
    mid = ((bx + hx) / 2, (by + hy) / 2)
    thumb_mid = tuple((a + b) / 2 for a, b in zip(*FIRST_METACARPAL, strict=True))
    assert math.dist((x, y), thumb_mid) < math.dist(mid, thumb_mid), "radial: toward the thumb"


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("point", POINTS)
def test_every_picture_draws_with_its_glyphs_at_a_readable_size(point: str, language: str) -> None:
    labels = picture_labels(Texts()(language), point)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would be drawn as a box
        png = render_picture(PictureRequest(point, labels))
    width, _ = struct.unpack(">II", png[16:24])
    assert png.startswith(b"\x89PNG") and width >= 800 and len(png) < 300_000
    if language == "ja":
        assert "（" in labels.point, "the Japanese label carries the reading"


async def _ask(bot: RunningBot, text: str, language_code: str = "en") -> tuple[str, object]:
    """Ask a question; returns the answer's text and the picture's `photo` field."""
    fake = bot.fake
    texts, photos = len(fake.calls_to("sendMessage")), len(fake.calls_to("sendPhoto"))
    await fake.send_text(PATIENT, text, language_code=language_code)
    answers = await fake.wait_calls("sendMessage", texts + 1)
    pictures = await fake.wait_calls("sendPhoto", photos + 1)
    return answers[-1].text, pictures[-1].params["photo"]


async def test_each_acupoint_answer_comes_with_its_picture_in_both_languages(
    running_bot: RunningBot,
) -> None:
    fake = running_bot.fake
    for language in ("en", "ja"):
        for point in POINTS:
            before = len(fake.calls_to("sendPhoto"))
            await fake.press(PATIENT, f"t:acupoints.{point}", language_code=language)
            [picture] = (await fake.wait_calls("sendPhoto", before + 1))[before:]
            label = picture_labels(Texts()(language), point).point
            assert label in picture.params["caption"]
            png = picture.upload("photo").data
            assert struct.unpack(">I", png[16:20])[0] >= 800
    await fake.send_text(PATIENT, "/help")  # handled after the last picture's file id is stored
    await fake.wait_calls("sendMessage", 1, chat_id=PATIENT)
    rows = await stored(running_bot.settings.database_url, UploadedFile)
    assert len(rows) == 12 and all(r.file_id in fake.file_ids for r in rows)


async def test_a_japanese_question_gets_the_japanese_picture_and_repeats_reuse_the_file_id(
    running_bot: RunningBot,
) -> None:
    answer, first = await _ask(running_bot, "腎兪はどこですか", "ja")
    assert "腎兪" in answer
    assert not isinstance(first, str), "the first picture is uploaded"
    [sent] = running_bot.fake.calls_to("sendPhoto")
    assert "腎兪（じんゆ）" in sent.params["caption"]
    _, again = await _ask(running_bot, "腎兪の場所", "ja")
    assert isinstance(again, str) and again in running_bot.fake.file_ids


async def test_a_file_id_telegram_refuses_is_replaced_by_a_new_upload(
    running_bot: RunningBot,
) -> None:
    fake = running_bot.fake
    await _ask(running_bot, "where is LI4?")
    fake.file_ids.clear()  # as if the bot's token had changed
    await fake.send_text(PATIENT, "where is hegu?")
    refused, uploaded = (await fake.wait_calls("sendPhoto", 3))[1:]
    assert not refused.ok and isinstance(refused.params["photo"], str)
    assert uploaded.ok and uploaded.upload("photo").data.startswith(b"\x89PNG")
    await fake.send_text(PATIENT, "/help")  # handled after the new file id is stored
    await fake.wait_calls("sendMessage", 3, chat_id=PATIENT)
    [row] = await stored(running_bot.settings.database_url, UploadedFile)
    assert row.file_id in running_bot.fake.file_ids


async def test_other_answers_and_urgent_advice_come_without_a_picture(
    running_bot: RunningBot,
) -> None:
    fake = running_bot.fake
    await fake.send_text(PATIENT, "does acupuncture hurt?")
    await fake.send_text(PATIENT, "back pain after a fall, where is bl23?")
    await fake.send_text(PATIENT, "/help")  # replies come in order: this one comes last
    replies = await fake.wait_calls("sendMessage", 3, chat_id=PATIENT)
    assert "see a doctor today" in replies[1].text
    assert fake.calls_to("sendPhoto") == []
