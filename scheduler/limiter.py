"""Staying within Telegram's limits: about 30 messages a second overall, 1 a second per chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class RateLimiter:
    """Spaces sends: at most `rate` per second overall and one per `per_chat` seconds per chat.

    Every message the bot sends (replies, notes and edits too) passes one at a time through a
    gate (`wait_turn`) that reopens `1/rate` after the last one actually went, so a sender that
    wakes late (a busy loop, the end of a 429 pause) never lets a burst through behind it. The
    dispatcher also waits for each chat's turn (`wait_chat`). A 429 pauses everyone (`pause`),
    as Telegram's `retry_after` asks. Time and sleeping are injectable so tests need not wait.
    """

    def __init__(
        self,
        rate: float,
        per_chat: float = 1.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._rate = rate
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._per_chat = per_chat
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[int, float] = {}
        self._gate = asyncio.Lock()

    def share(self, instances: int) -> None:
        """Take one equal share of the rate: `instances` processes send on one budget."""
        self._interval = max(instances, 1) / self._rate if self._rate > 0 else 0.0

    def pause(self, seconds: float) -> None:
        """Nobody sends for `seconds` (Telegram's retry_after)."""
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    async def wait_chat(self, chat_id: int) -> None:
        """Return when `chat_id` may get its next message (the dispatcher asks, per message)."""
        now = self._monotonic()
        chat_at = max(now, self._chat_next.get(chat_id, 0.0))
        self._chat_next[chat_id] = chat_at + self._per_chat
        if len(self._chat_next) > 50_000:
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        if chat_at > now:  # this chat's turn first, without holding anyone else up
            await self._sleep(chat_at - now)

    async def wait_turn(self) -> None:
        """Return when any message may go out (the Bot API transport asks, per message sent)."""
        async with self._gate:
            while (wait := max(self._next_slot, self._paused_until) - self._monotonic()) > 0:
                await self._sleep(wait)
            self._next_slot = self._monotonic() + self._interval
