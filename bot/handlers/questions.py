"""Questions and browsing: free text, /topics, topic buttons, and group chats."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Chat, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import keyboards
from bot.deps import deps
from bot.handlers.common import answer_stale, callback_value, language_of
from bot.handlers.pictures import send_acupoint_picture
from bot.services.answering import Reply

TYPING_AFTER = 0.5  # seconds


async def _send_reply(message: Message, reply: Reply) -> None:
    await message.reply_text(
        reply.html,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.related_keyboard(reply.related),
        do_quote=False,
    )


@asynccontextmanager
async def typing_if_slow(chat: Chat) -> AsyncIterator[None]:
    """Show "typing…" only when the reply is not ready within TYPING_AFTER seconds.

    Telegram clears the indicator when the reply arrives; sent for every message it would cost
    a request each time and, if it lost the race, show "typing" after the answer.
    """

    async def later() -> None:
        await asyncio.sleep(TYPING_AFTER)
        await chat.send_action(ChatAction.TYPING)

    task = asyncio.create_task(later())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, TelegramError):
            await task


async def on_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any private text that is not a command: red flags first, then the best answer."""
    d, message = deps(context), update.effective_message
    assert message is not None and message.text is not None
    async with typing_if_slow(message.chat):
        language = await language_of(update, context, message.text)
        reply = await d.answerer.answer_off_loop(message.text, language)
    outcome = "urgent" if reply.urgent else "topic" if reply.topic_id else "fallback"
    d.metrics.answers.labels(outcome).inc()
    await _send_reply(message, reply)
    await send_acupoint_picture(
        context.bot, d, chat_id=message.chat_id, topic_id=reply.topic_id, language=reply.language
    )


async def on_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice: say what the bot can read."""
    d, message = deps(context), update.effective_message
    assert message is not None
    await message.reply_text(d.texts(await language_of(update, context)).text("not-text"))


async def cmd_topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Browse the content: first the sections."""
    d, message = deps(context), update.effective_message
    assert message is not None
    language = d.answerer.content_language(await language_of(update, context))
    texts = d.texts(language)
    await message.reply_text(
        texts.text("topics-sections"),
        reply_markup=keyboards.sections_keyboard(d.answerer.content, language),
    )


async def on_sections(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Back to the list of sections."""
    d, query = deps(context), update.callback_query
    assert query is not None
    language = d.answerer.content_language(await language_of(update, context))
    await query.answer()
    await query.edit_message_text(
        d.texts(language).text("topics-sections"),
        reply_markup=keyboards.sections_keyboard(d.answerer.content, language),
    )


async def on_section(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One section's topics."""
    d, query = deps(context), update.callback_query
    assert query is not None
    language = d.answerer.content_language(await language_of(update, context))
    section = callback_value(update)
    titles = d.answerer.content.sections.get(language, {})
    if section not in titles:
        await answer_stale(update, context)
        return
    texts = d.texts(language)
    await query.answer()
    await query.edit_message_text(
        texts.text("topics-in-section", section=titles[section]),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.section_keyboard(d.answerer.content, language, section, texts),
    )


async def on_topic(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A topic button: the answer, its related topics, and the way back to its section."""
    d, query = deps(context), update.callback_query
    assert query is not None
    language = await language_of(update, context)
    topic_id = callback_value(update) or ""
    topic = d.answerer.topic(topic_id, language)
    if topic is None or not isinstance(query.message, Message):
        await answer_stale(update, context)
        return
    reply = d.answerer.topic_reply(topic_id, language)
    content_language = d.answerer.content_language(language)
    section_title = d.answerer.content.sections[content_language].get(topic.section, "")
    await query.answer()
    await query.message.reply_text(
        reply.html,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.topic_keyboard(
            reply.related, topic.section, section_title, d.texts(language)
        ),
        do_quote=False,
    )
    await send_acupoint_picture(
        context.bot,
        d,
        chat_id=query.message.chat_id,
        topic_id=reply.topic_id,
        language=reply.language,
    )


def _addressed_text(message: Message, username: str) -> str | None:
    """The text of a group message meant for the bot, without the mention; else None."""
    text = message.text or ""
    mention = f"@{username}".lower()
    replied_to_bot = bool(
        message.reply_to_message
        and message.reply_to_message.from_user
        and message.reply_to_message.from_user.username == username
    )
    if mention in text.lower():
        start = text.lower().index(mention)
        return (text[:start] + text[start + len(mention) :]).strip()
    return text if replied_to_bot else None


async def on_group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group, answer only when addressed, and never with health details.

    Urgent advice is generic and safety comes first, so it is still given;
    everything else is an invitation to a private chat.
    """
    d, message = deps(context), update.effective_message
    assert message is not None
    text = _addressed_text(message, context.bot.username)
    if text is None:
        return
    language = await language_of(update, context, text)
    reply = await d.answerer.answer_off_loop(text, language)  # both nets, as in a private chat
    if reply.urgent:
        await message.reply_text(reply.html, parse_mode=ParseMode.HTML)
        return
    texts = d.texts(language)
    await message.reply_text(
        texts.text("group-go-private"),
        reply_markup=keyboards.private_chat_keyboard(texts, context.bot.username),
    )
