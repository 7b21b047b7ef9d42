"""Staying within Telegram's limits: about 30 messages a second overall, 1 a second per chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class RateLimiter:
    """Spaces sends: at most `rate` per second overall and one per `per_chat` seconds per chat.

    A 429 pauses everyone (`pause`), as Telegram's `retry_after` asks. Time and sleeping are
    injectable so tests can check the spacing without waiting.
    """

    def __init__(
        self,
        rate: float,
        per_chat: float = 1.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._per_chat = per_chat
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[int, float] = {}
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        """Nobody sends for `seconds` (Telegram's retry_after)."""
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    async def wait(self, chat_id: int) -> None:
        """Return when a message to `chat_id` may go out."""
        async with self._lock:
            now = self._monotonic()
            start = max(now, self._next_slot, self._paused_until, self._chat_next.get(chat_id, 0))
            self._next_slot = start + self._interval
            self._chat_next[chat_id] = start + self._per_chat
            if len(self._chat_next) > 50_000:
                self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        if start > now:
            await self._sleep(start - now)
        while (wait := self._paused_until - self._monotonic()) > 0:  # a 429 arrived meanwhile
            await self._sleep(wait)
