"""Processing updates concurrently across chats while keeping each chat's updates in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

UNLIMITED = 1_000_000  # updates PTB may hand over at once; memory, not slots, bounds them


class PerChatOrderedProcessor(BaseUpdateProcessor):
    """Many patients are served at once; one patient's messages are answered in the order sent.

    PTB's SimpleUpdateProcessor runs everything concurrently, which could answer a patient's
    second question before their first; the default runs one update at a time for everyone.
    """

    def __init__(self, max_concurrent_updates: int = 8) -> None:
        # PTB takes its own semaphore before do_process_update (process_update is final), so
        # eight quick messages from one chat would hold all eight slots while waiting on their
        # own chat, and every other patient would wait. Its semaphore is set out of the way;
        # the real limit is taken below, after the chat's turn has come.
        super().__init__(max_concurrent_updates=UNLIMITED)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run `coroutine` after any earlier update from the same chat, in a free slot."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._slots:
                await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._users[chat.id] = self._users.get(chat.id, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._users[chat.id] -= 1
            if self._users[chat.id] == 0:
                del self._users[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
