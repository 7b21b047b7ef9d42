"""The rate limiter's spacing, checked on a fake clock (no waiting)."""

from __future__ import annotations

import asyncio

from scheduler.limiter import RateLimiter
from tests.fake_telegram import busiest_second


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.starts: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def _wait(limiter: RateLimiter, chat: int) -> None:
    """What one scheduled message does: its chat's turn (dispatcher), then the gate (transport)."""
    await limiter.wait_chat(chat)
    async with limiter.turn():
        pass


async def _send_times(limiter: RateLimiter, clock: FakeTime, chats: list[int]) -> list[float]:
    times = []
    for chat in chats:
        await _wait(limiter, chat)
        times.append(round(clock.now, 3))
    return times


async def test_overall_rate_is_capped() -> None:
    clock = FakeTime()
    limiter = RateLimiter(25, monotonic=clock.monotonic, sleep=clock.sleep)
    times = await _send_times(limiter, clock, list(range(100)))
    assert times[:3] == [0.0, 0.04, 0.08]
    assert times[-1] == 3.96, "100 messages at 25/s take four seconds"


async def test_one_chat_gets_at_most_one_message_a_second() -> None:
    clock = FakeTime()
    limiter = RateLimiter(25, monotonic=clock.monotonic, sleep=clock.sleep)
    times = await _send_times(limiter, clock, [7, 7, 8, 7])
    assert times == [0.0, 1.0, 1.04, 2.0]


async def test_retry_after_pauses_everyone() -> None:
    clock = FakeTime()
    limiter = RateLimiter(25, monotonic=clock.monotonic, sleep=clock.sleep)
    await _wait(limiter, 1)
    limiter.pause(5)
    await _wait(limiter, 2)
    assert clock.now >= 5.0


async def test_concurrent_waiters_are_spaced_too() -> None:
    clock = FakeTime()
    limiter = RateLimiter(10, monotonic=clock.monotonic, sleep=clock.sleep)
    starts: list[float] = []

    async def one(chat: int) -> None:
        before = clock.now
        await _wait(limiter, chat)
        starts.append(before)

    await asyncio.gather(*(one(chat) for chat in range(5)))
    assert clock.now >= 0.4


async def test_after_a_429_pause_waiting_senders_go_one_by_one() -> None:
    clock = FakeTime()

    async def sleep(seconds: float) -> None:  # other senders run while this one sleeps
        until = clock.now + seconds
        await asyncio.sleep(0)
        clock.now = max(clock.now, until)

    limiter = RateLimiter(25, per_chat=0, monotonic=clock.monotonic, sleep=sleep)
    passed: list[float] = []

    async def one(chat: int) -> None:
        await _wait(limiter, chat)
        passed.append(round(clock.now, 3))

    waiting = [asyncio.create_task(one(chat)) for chat in range(4)]
    await asyncio.sleep(0)  # all four are waiting for their turn when the 429 comes
    limiter.pause(5)
    await asyncio.gather(*waiting)
    assert passed == [0.0, 5.0, 5.04, 5.08], "spaced, not all at the end of the pause"


async def test_no_second_as_telegram_counts_it_holds_more_than_the_rate() -> None:
    """Telegram counts a message at some moment between our request and its answer: here the
    worst case, the slow first message counted at its answer and the rest as they leave."""
    clock = FakeTime()
    limiter = RateLimiter(4, per_chat=0, monotonic=clock.monotonic, sleep=clock.sleep)
    counted: list[float] = []
    slow = limiter.turn()
    await slow.__aenter__()  # its answer takes most of a second
    for _ in range(3):
        async with limiter.turn():
            counted.append(clock.now)
    counted.append(clock.now)  # Telegram counts the slow one just before it answers
    await slow.__aexit__(None, None, None)
    for _ in range(4):
        async with limiter.turn():
            counted.append(clock.now)
    assert counted[:4] == [0.25, 0.5, 0.75, 0.75]
    assert busiest_second(counted) == 4, "spacing alone would let 5 into [0.75, 1.75)"
