"""The one way the scheduler reaches Telegram: a small sender interface and its outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.services.prompts import Outgoing


class Outcome(StrEnum):
    """What happened to one send."""

    SENT = "sent"
    BLOCKED = "blocked"  # 403: the patient blocked the bot
    RETRY_AFTER = "retry-after"  # 429: Telegram asks us to wait
    TRANSIENT = "transient"  # no connection, 5xx: it did not go out, worth another try
    UNKNOWN = "unknown"  # timed out waiting for the answer: it may or may not have gone out
    REJECTED = "rejected"  # 400 and the like: trying again will not help


@dataclass(frozen=True)
class SendResult:
    """The outcome, with Telegram's wait time or a short error name."""

    outcome: Outcome
    retry_after: float = 0.0
    error: str = ""


class Sender(Protocol):
    """Sends one message to one chat."""

    async def send(self, chat_id: int, message: Outgoing) -> SendResult:
        """Send and report what happened; never raises for Telegram errors."""
        ...

    async def edit(self, chat_id: int, message_id: int, message: Outgoing) -> SendResult:
        """Replace the text and buttons of a message the bot sent earlier."""
        ...
