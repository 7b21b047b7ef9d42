"""The Bot API's HTTP transport for python-telegram-bot, on aiohttp.

PTB's default transport (httpx) spends most of its time managing its connection pool when
many requests are in flight (measured in benchmarks/broadcast_throughput.py); aiohttp's
connector does not. PTB still builds every request and reads every answer and error.
"""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from scheduler.limiter import RateLimiter

# Calls that put a message in a chat: they count towards Telegram's ~30 a second.
MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVenue",
        "sendLocation",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)


class AiohttpRequest(BaseRequest):
    """A pooled aiohttp session behind PTB's request interface.

    With a `limiter`, every message-sending call waits for its turn first: replies, staff
    notes, progress edits and scheduled messages share one budget (BROADCAST_RATE).
    """

    def __init__(
        self, *, pool_size: int, timeout: float, limiter: RateLimiter | None = None
    ) -> None:
        self._pool_size = pool_size
        self._timeout = timeout
        self._limiter = limiter
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        """Seconds to wait for Telegram's answer by default."""
        return self._timeout

    async def initialize(self) -> None:
        """Open the connection pool."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        """Close the connection pool."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; timeouts become TimedOut and connection trouble NetworkError."""
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = read_timeout if isinstance(read_timeout, int | float) else self._timeout
        connect = connect_timeout if isinstance(connect_timeout, int | float) else self._timeout
        timeout = aiohttp.ClientTimeout(sock_connect=connect, sock_read=read)
        body: aiohttp.FormData | dict[str, str] | None = None
        if request_data is not None and request_data.contains_files:
            body = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                body.add_field(name, value)
            for name, part in (request_data.multipart_data or {}).items():
                filename, content, mimetype = part[0], part[1], part[2] if len(part) > 2 else None
                body.add_field(name, content, filename=filename, content_type=mimetype)
        elif request_data is not None:
            body = request_data.json_parameters
        limited = self._limiter is not None and url.rsplit("/", 1)[-1] in MESSAGE_METHODS
        turn = self._limiter.turn() if limited and self._limiter else contextlib.nullcontext()
        async with turn:  # held until the answer is in: the limiter counts it till then
            try:
                async with self._session.request(
                    method, url, data=body, timeout=timeout
                ) as response:
                    return response.status, await response.read()
            except aiohttp.ConnectionTimeoutError as error:  # nothing was sent: try again
                raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
            except TimeoutError as error:
                raise TimedOut from error
            except asyncio.TimeoutError as error:  # noqa: UP041 - aiohttp raises this alias
                raise TimedOut from error
            except aiohttp.ClientError as error:
                raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
