"""Per-chat ordering never lets one chat's backlog hold every processing slot."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update

from bot.concurrency import PerChatOrderedProcessor


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat, text="hi"))


async def test_a_chat_with_a_backlog_does_not_hold_up_another_chat() -> None:
    processor = PerChatOrderedProcessor(max_concurrent_updates=2)
    slow_chat_may_go = asyncio.Event()
    handled: list[str] = []

    async def handle(name: str, wait: bool) -> None:
        if wait:
            await slow_chat_may_go.wait()
        handled.append(name)

    busy = [
        asyncio.create_task(processor.process_update(_update(i, 1), handle(f"A{i}", True)))
        for i in range(8)
    ]
    other = asyncio.create_task(processor.process_update(_update(100, 2), handle("B", False)))
    await asyncio.wait_for(other, 2)
    assert handled == ["B"], "the other patient is answered while the first chat waits"
    slow_chat_may_go.set()
    await asyncio.gather(*busy)
    assert handled[1:] == [f"A{i}" for i in range(8)], "one chat's updates stay in order"
