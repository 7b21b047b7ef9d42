"""Staying within Telegram's limits: about 30 messages a second overall, 1 a second per chat."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

WINDOW = 1.0  # seconds: Telegram counts messages per second


class RateLimiter:
    """Spaces sends: at most `rate` per second overall and one per `per_chat` seconds per chat.

    Every message the bot sends (replies, notes and edits too) holds a turn (`turn`) from
    before its request goes until its answer is in. A turn is given when fewer than `rate`
    messages are in flight or were answered within the last second, and no sooner than
    `1/rate` after the last one went. Telegram counts a message at some moment between our
    request and its answer, so however late any answer comes back (a slow network, a loaded
    machine), no second as Telegram sees it holds more than `rate` of ours; the spacing keeps
    them from bunching up. The dispatcher also waits for each chat's turn (`wait_chat`). A 429
    pauses everyone (`pause`), as Telegram's `retry_after` asks. Time and sleeping are
    injectable so tests need not wait.
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
        self._per_chat = per_chat
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[int, float] = {}
        self._gate = asyncio.Lock()
        self._in_flight = 0
        self._answered: deque[float] = deque()  # when recent messages were answered
        self._answer = asyncio.Event()
        self.share(1)

    def share(self, instances: int) -> None:
        """Take one equal share of the rate: `instances` processes send on one budget."""
        instances = max(instances, 1)
        self._interval = instances / self._rate if self._rate > 0 else 0.0
        # Whole messages, rounded down: the shares never add up to more than the rate.
        self._budget = max(int(self._rate / instances), 1) if self._rate > 0 else float("inf")

    def pause(self, seconds: float) -> None:
        """Nobody sends for `seconds` (Telegram's retry_after, or a new leader settling in)."""
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

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold one message's turn while it is sent (the Bot API transport, per message)."""
        await self._wait_turn()
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1
            self._answered.append(self._monotonic())
            self._answer.set()

    async def _wait_turn(self) -> None:
        async with self._gate:
            while True:
                now = self._monotonic()
                while self._answered and now - self._answered[0] >= WINDOW:
                    self._answered.popleft()
                wait = max(self._next_slot, self._paused_until) - now
                if self._in_flight + len(self._answered) >= self._budget:
                    if not self._answered:  # all in flight: the first answer frees a place
                        self._answer.clear()
                        await self._answer.wait()
                        continue
                    wait = max(wait, self._answered[0] + WINDOW - now)
                if wait <= 0:
                    break
                await self._sleep(wait)
            self._next_slot = self._monotonic() + self._interval
