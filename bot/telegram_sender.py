"""The scheduler's sender, over the Bot API: maps Telegram's errors to outcomes."""

from __future__ import annotations

from collections.abc import Awaitable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.services.prompts import Outgoing
from scheduler.sender import Outcome, SendResult


def keyboard(message: Outgoing) -> InlineKeyboardMarkup | None:
    """The message's buttons as an inline keyboard."""
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, callback_data=b.data, url=b.url) for b in row]
            for row in message.buttons
        ]
    )


class TelegramSender:
    """Sends through the application's Bot; one try per call (the dispatcher retries)."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, chat_id: int, message: Outgoing) -> SendResult:
        """Send `message` to `chat_id` and say what happened."""
        markup = keyboard(message)
        if message.photo:
            return await _outcome(
                self._bot.send_photo(
                    chat_id,
                    message.photo,
                    caption=message.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
            )
        return await _outcome(
            self._bot.send_message(
                chat_id, message.html, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        )

    async def edit(self, chat_id: int, message_id: int, message: Outgoing) -> SendResult:
        """Edit an earlier message's text and buttons."""
        return await _outcome(
            self._bot.edit_message_text(
                message.html,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(message),
            )
        )


async def _outcome(request: Awaitable[object]) -> SendResult:
    """Await a Bot API call and classify what happened."""
    try:
        await request
    except Forbidden as error:
        return SendResult(Outcome.BLOCKED, error=type(error).__name__)
    except RetryAfter as error:
        return SendResult(Outcome.RETRY_AFTER, retry_after=_seconds(error.retry_after))
    except (BadRequest, InvalidToken) as error:  # BadRequest is a NetworkError: catch it first
        return SendResult(Outcome.REJECTED, error=type(error).__name__)
    except TimedOut as error:  # the request went out; Telegram may have acted on it
        return SendResult(Outcome.UNKNOWN, error=type(error).__name__)
    except NetworkError as error:  # 5xx and failed connections arrive as NetworkError
        return SendResult(Outcome.TRANSIENT, error=type(error).__name__)
    except TelegramError as error:
        return SendResult(Outcome.TRANSIENT, error=type(error).__name__)
    return SendResult(Outcome.SENT)


def _seconds(value: object) -> float:
    total_seconds = getattr(value, "total_seconds", None)
    return float(total_seconds()) if callable(total_seconds) else float(value)  # type: ignore[arg-type]
