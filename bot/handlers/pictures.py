"""Acupoint pictures after an acupoint answer: drawn once per language, then sent by file id."""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest

from bot.deps import Deps
from bot.i18n import Catalogue
from bot.services.acupoint_pictures import (
    LANDMARKS,
    TOPICS,
    PictureLabels,
    PictureRequest,
    render_picture,
)


def picture_labels(texts: Catalogue, point: str) -> PictureLabels:
    """The picture's words from the catalogue of its language."""
    return PictureLabels(
        language=texts.language,
        point=texts.text(f"acupoint-label-{point}"),
        view=texts.text(f"acupoint-view-{point}"),
        landmarks={name: texts.text(f"landmark-{name}") for name in LANDMARKS},
    )


async def send_acupoint_picture(
    bot: Bot, d: Deps, *, chat_id: int, topic_id: str | None, language: str
) -> None:
    """When the answer was an acupoint, send where it is; nothing for any other topic."""
    point = TOPICS.get(topic_id or "")
    if point is None:
        return
    texts = d.texts(language)
    labels = picture_labels(texts, point)
    key = labels.key(point)
    caption = texts.text("acupoint-picture-caption", point=labels.point)
    file_id = await d.uploads.file_id(key)
    if file_id is not None:
        try:
            await bot.send_photo(chat_id, file_id, caption=caption)
            return
        except BadRequest:
            # Telegram no longer has it (or it belongs to another bot token): upload again.
            await d.uploads.forget(key)
    png = await d.renderer.run(render_picture, PictureRequest(point, labels))
    message = await bot.send_photo(chat_id, png, caption=caption)
    if message.photo:
        await d.uploads.remember(key, message.photo[-1].file_id, d.clock.now())
