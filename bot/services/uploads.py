"""Files Telegram already holds: each uploaded picture's file id, so it is sent by id next time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.storage.models import UploadedFile


class Uploads:
    """Remembers file ids by key (the key names the file and a hash of its bytes)."""

    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions
        self._known: dict[str, str] = {}

    async def file_id(self, key: str) -> str | None:
        """The stored file id for `key`, or None when it has not been uploaded yet."""
        if key in self._known:
            return self._known[key]
        async with self._sessions() as session:
            found = await session.scalar(
                select(UploadedFile.file_id).where(UploadedFile.key == key)
            )
        if found is None:
            return None
        self._known[key] = str(found)
        return str(found)

    async def remember(self, key: str, file_id: str, now: datetime) -> None:
        """Store the file id Telegram gave for `key` (the latest upload wins)."""
        async with self._sessions() as session, session.begin():
            dialect = session.bind.dialect.name if session.bind else "sqlite"
            insert = (postgresql if dialect == "postgresql" else sqlite).insert(UploadedFile)
            await session.execute(
                insert.values(key=key, file_id=file_id, uploaded_at=now).on_conflict_do_update(
                    index_elements=["key"], set_={"file_id": file_id, "uploaded_at": now}
                )
            )
        self._known[key] = file_id

    async def forget(self, key: str) -> None:
        """Telegram no longer knows this file id: upload again next time."""
        self._known.pop(key, None)
        async with self._sessions() as session, session.begin():
            stored = await session.get(UploadedFile, key)
            if stored is not None:
                await session.delete(stored)
