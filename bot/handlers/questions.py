"""Questions and browsing: free text, /topics, topic buttons, and group chats."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.ext import ContextTypes

from bot import keyboards
from bot.deps import Deps, deps, reply_language
from bot.handlers.common import answer_stale, callback_value
from bot.services.answering import Reply


async def _language(update: Update, d: Deps, text: str | None = None) -> str:
    user = update.effective_user
    assert user is not None
    return reply_language(await d.patients.get(user.id), user.language_code, text)


async def _send_reply(message: Message, reply: Reply) -> None:
    await message.reply_text(
        reply.html,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.related_keyboard(reply.related),
        do_quote=False,
    )


async def on_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any private text that is not a command: red flags first, then the best answer."""
    d, message = deps(context), update.effective_message
    assert message is not None and message.text is not None
    await message.chat.send_action(ChatAction.TYPING)
    language = await _language(update, d, message.text)
    await _send_reply(message, d.answerer.answer(message.text, language))


async def on_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice: say what the bot can read."""
    d, message = deps(context), update.effective_message
    assert message is not None
    await message.reply_text(d.texts(await _language(update, d)).text("not-text"))


async def cmd_topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Browse the content: first the sections."""
    d, message = deps(context), update.effective_message
    assert message is not None
    language = d.answerer.content_language(await _language(update, d))
    texts = d.texts(language)
    await message.reply_text(
        texts.text("topics-sections"),
        reply_markup=keyboards.sections_keyboard(d.answerer.content, language),
    )


async def on_sections(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Back to the list of sections."""
    d, query = deps(context), update.callback_query
    assert query is not None
    language = d.answerer.content_language(await _language(update, d))
    await query.answer()
    await query.edit_message_text(
        d.texts(language).text("topics-sections"),
        reply_markup=keyboards.sections_keyboard(d.answerer.content, language),
    )


async def on_section(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One section's topics."""
    d, query = deps(context), update.callback_query
    assert query is not None
    language = d.answerer.content_language(await _language(update, d))
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
    language = await _language(update, d)
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
    language = await _language(update, d, text)
    triage = d.answerer.checker.check(text)
    if triage.rule is not None:
        reply = d.answerer.urgent_reply(triage.rule.tier, triage.rule.reason, language)
        await message.reply_text(reply.html, parse_mode=ParseMode.HTML)
        return
    texts = d.texts(language)
    await message.reply_text(
        texts.text("group-go-private"),
        reply_markup=keyboards.private_chat_keyboard(texts, context.bot.username),
    )
