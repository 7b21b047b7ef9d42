"""A fake Telegram Bot API server on loopback: speaks its HTTP/JSON, records calls, fails on cue."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "Fuji Wellness",
    "username": "fuji_wellness_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


# What Telegram accepts in parse_mode=HTML (core.telegram.org/bots/api#html-style).
HTML_TAGS = frozenset(
    [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    ]
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_NAMED_ENTITIES = frozenset({"&lt;", "&gt;", "&amp;", "&quot;"})
MAX_TEXT, MAX_CAPTION, MAX_CALLBACK_DATA, MAX_ALERT = 4096, 1024, 64, 200
CHAT_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVenue",
        "sendLocation",
        "copyMessage",
        "editMessageText",
        "sendChatAction",
        "setMyCommands",
    }
)


def busiest_second(moments: list[float]) -> int:
    """The most messages within any one second (half-open windows), as Telegram counts a rate."""
    times, most, start = sorted(moments), 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def html_problem(text: str) -> tuple[str | None, int]:
    """Why Telegram would refuse `text` as HTML (None if it would not), and its plain length."""
    stack: list[str] = []
    plain, i = 0, 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG.match(text, i)
            if match is None:
                return f"Unclosed start tag at byte offset {len(text[:i].encode())}", plain
            closing, name = match[1], match[2].lower()
            if name not in HTML_TAGS:
                return f'Unsupported start tag "{name}" at byte offset {i}', plain
            if closing:
                if not stack or stack[-1] != name:
                    return f'Unmatched end tag at byte offset {i}: "</{name}>"', plain
                stack.pop()
            else:
                stack.append(name)
            i = match.end()
            continue
        if char == "&" and (entity := _ENTITY.match(text, i)):
            if not entity[0].startswith("&#") and entity[0] not in _NAMED_ENTITIES:
                return f'Unsupported HTML entity "{entity[0]}" at byte offset {i}', plain
            i = entity.end()
        else:
            i += 1
        plain += 1
    if stack:
        return f"Can't find end tag corresponding to start tag {stack[-1]!r}", plain
    return None, plain


def refusal(method: str, params: dict[str, Any]) -> str | None:
    """The 400 description Telegram gives for this call, or None when it would accept it."""
    markup = params.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                return "BUTTON_DATA_INVALID"
    if method == "answerCallbackQuery" and len(str(params.get("text", ""))) > MAX_ALERT:
        return "MESSAGE_TOO_LONG"
    captioned = method in ("sendPhoto", "sendDocument", "editMessageCaption")
    field, limit = ("caption", MAX_CAPTION) if captioned else ("text", MAX_TEXT)
    if not (captioned or method in ("sendMessage", "editMessageText")) or field not in params:
        return None
    text = str(params[field])
    length = len(text)
    if str(params.get("parse_mode", "")).upper() == "HTML":
        problem, length = html_problem(text)
        if problem:
            return f"can't parse entities: {problem}"
    if method != "sendPhoto" and not text.strip():
        return "message text is empty"
    if length > limit:
        return "message caption is too long" if field == "caption" else "message is too long"
    return None


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded as multipart/form-data: what Telegram would receive."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    ok: bool = True  # False when the server answered with an injected fault

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    def upload(self, field: str) -> Upload:
        """The file uploaded in `field` (e.g. `photo`, `document`); fails if it was a file id."""
        value = self.params.get(field)
        assert isinstance(value, Upload), f"{field} was not uploaded: {value!r}"
        return value

    def buttons(self) -> list[dict[str, Any]]:
        """Every inline button of the call's keyboard, in order."""
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


@dataclass
class Fault:
    """An error response to give instead of success."""

    status: int
    description: str
    retry_after: int | None = None
    delay: float = 0.0


class FakeTelegram:
    """The server. Start with `await fake.start()`; the bot's base URL is `fake.base_url`."""

    def __init__(self, latency: tuple[float, float] = (0.0, 0.0)) -> None:
        # Seconds each call takes, drawn between the two (half before it counts, half after).
        self.latency = latency
        self.calls: list[Call] = []
        self.counts: Counter[str] = Counter()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._faults: dict[str, list[Fault]] = {}
        self._runner: web.AppRunner | None = None
        self._closing = False
        # Telegram only lets a bot write to chats that have written to it ("chat not found").
        self.chats: set[int] = set()
        self.port = 0
        self.file_ids: set[str] = set()  # every file id this server gave out

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_post("/control/messages", self._control_messages)
        app.router.add_get("/control/wait", self._control_wait)
        app.router.add_get("/control/count", self._control_count)
        app.router.add_post("/control/meet", self._control_meet)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        # Long polls still open (a killed client's, say) end now rather than at their timeout.
        async with self._changed:
            self._closing = True
            self._changed.notify_all()
        if self._runner:
            await self._runner.cleanup()

    # ---- what tests do -------------------------------------------------------------------------
    def meet(self, *chat_ids: int) -> None:
        """These users have opened the bot before (patients seeded straight into a database)."""
        self.chats.update(chat_ids)

    def fail_next(self, method: str, fault: Fault, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with `fault`."""
        self._faults.setdefault(method, []).extend([fault] * times)

    async def push_update(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        update = {"update_id": update_id, **update}
        for part in update.values():
            if isinstance(part, dict):
                chat = (part.get("message") or part).get("chat") or {}
                self.meet(*(i for i in (chat.get("id"), (part.get("from") or {}).get("id")) if i))
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()
        return update_id

    async def send_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_type: str = "private",
        chat_id: int | None = None,
        language_code: str = "en",
        reply_to_bot: bool = False,
    ) -> int:
        """A user sends a text message (commands included)."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id or user_id, "type": chat_type},
            "from": self._user(user_id, language_code),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to_bot:
            message["reply_to_message"] = {
                "message_id": 1,
                "date": int(time.time()),
                "chat": message["chat"],
                "from": BOT_USER,
                "text": "earlier",
            }
        return await self.push_update({"message": message})

    async def send_sticker(self, user_id: int) -> int:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": self._user(user_id, "en"),
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "s1",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            },
        }
        return await self.push_update({"message": message})

    async def press(
        self, user_id: int, data: str, *, message_id: int = 1, language_code: str = "en"
    ) -> int:
        """A user presses an inline button carrying `data`."""
        query = {
            "id": str(next(self._message_ids)),
            "from": self._user(user_id, language_code),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "from": BOT_USER,
                "text": "menu",
            },
        }
        return await self.push_update({"callback_query": query})

    def delivered(self, method: str, chat_id: int | None = None) -> list[Call]:
        """Calls that succeeded: what users actually received."""
        return [c for c in self.calls_to(method, chat_id) if c.ok]

    def calls_to(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method and (chat_id is None or c.chat_id == chat_id)
        ]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10) -> None:
        """Wait until `predicate()` holds (each recorded call re-checks it)."""

        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(until(), timeout)

    async def wait_calls(
        self, method: str, count: int, chat_id: int | None = None, timeout: float = 10
    ) -> list[Call]:
        await self.wait_for(lambda: len(self.calls_to(method, chat_id)) >= count, timeout)
        return self.calls_to(method, chat_id)

    # ---- the HTTP side ---------------------------------------------------------------------------
    @staticmethod
    def _user(user_id: int, language_code: str) -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": f"Patient{user_id}",
            "language_code": language_code,
        }

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            raw.update(await request.json())
        elif request.can_read_body:
            raw.update(await request.post())
        params = {}
        for key, value in raw.items():
            if isinstance(value, web.FileField):
                value = Upload(value.filename, value.content_type, value.file.read())
            elif isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if method != "getUpdates" and self.latency[1] > 0:
            delay = random.uniform(*self.latency)
            await asyncio.sleep(delay / 2)
            response = await self._answer(method, params)
            await asyncio.sleep(delay / 2)
            return response
        return await self._answer(method, params)

    async def _answer(self, method: str, params: dict[str, Any]) -> web.Response:
        if method == "getUpdates":
            await self._record(method, params)
            return self._ok(await self._get_updates(params))
        refused = refusal(method, params) or self._unknown_chat(method, params)
        if refused:
            await self._record(method, params, ok=False)
            body = {"ok": False, "error_code": 400, "description": f"Bad Request: {refused}"}
            return web.json_response(body, status=400)
        faults = self._faults.get(method)
        if faults:
            fault = faults.pop(0)
            if fault.delay:
                await asyncio.sleep(fault.delay)
            body = {
                "ok": False,
                "error_code": fault.status,
                "description": fault.description,
            }
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            await self._record(method, params, ok=False)
            return web.json_response(body, status=fault.status)
        refused_file = self._refuse_file(method, params)
        if refused_file is not None:
            await self._record(method, params, ok=False)
            return refused_file
        await self._record(method, params)
        return self._ok(self._result(method, params))

    def _refuse_file(self, method: str, params: dict[str, Any]) -> web.Response | None:
        """What Telegram refuses: a file id it never issued (a URL it would try to fetch), and
        uploads over its limits (sendPhoto: 10 MB, width + height at most 10,000, sides at most
        20:1; sendDocument: 50 MB)."""
        field = {"sendPhoto": "photo", "sendDocument": "document"}.get(method)
        value = params.get(field) if field else None
        problem: tuple[int, str] | None = None
        if isinstance(value, str) and value not in self.file_ids and "://" not in value:
            problem = (400, "Bad Request: wrong file identifier/HTTP URL specified")
        elif isinstance(value, Upload) and method == "sendDocument":
            if len(value.data) > 50 * 1024 * 1024:
                problem = (413, "Request Entity Too Large")
        elif isinstance(value, Upload):
            size = _png_size(value.data)
            if len(value.data) > 10 * 1024 * 1024:
                problem = (413, "Request Entity Too Large")
            elif size and (sum(size) > 10_000 or max(size) > 20 * min(size)):
                problem = (400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        if problem is None:
            return None
        status, description = problem
        body = {"ok": False, "error_code": status, "description": description}
        return web.json_response(body, status=status)

    def _file(self, value: Any, kind: str) -> dict[str, Any]:
        """The file object Telegram returns: a new id for an upload, the same id when reused."""
        if isinstance(value, Upload):
            file_id = f"fake-{kind}-{len(self.file_ids) + 1}"
            self.file_ids.add(file_id)
            return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(value.data)}
        return {"file_id": str(value), "file_unique_id": str(value)}

    def _unknown_chat(self, method: str, params: dict[str, Any]) -> str | None:
        scope = params.get("scope") if method == "setMyCommands" else None
        chat = scope.get("chat_id") if isinstance(scope, dict) else params.get("chat_id")
        if method in CHAT_METHODS and chat is not None and int(chat) not in self.chats:
            return "chat not found"
        return None

    async def _control_meet(self, request: web.Request) -> web.Response:
        """Another process (a benchmark) seeded patients who have opened the bot: [id, ...]."""
        self.meet(*(int(i) for i in await request.json()))
        return self._ok(True)

    async def _control_messages(self, request: web.Request) -> web.Response:
        """Another process (a benchmark) has users send texts: [[user_id, text], ...]."""
        for user_id, text in await request.json():
            await self.send_text(int(user_id), str(text))
        return self._ok(True)

    async def _control_wait(self, request: web.Request) -> web.Response:
        """Answers once `method` has been called `count` times."""
        method, count = request.query["method"], int(request.query["count"])
        await self.wait_for(lambda: self.counts[method] >= count, timeout=3600)
        return self._ok(True)

    async def _control_count(self, request: web.Request) -> web.Response:
        """How many times `method` has been called so far."""
        return self._ok(self.counts[request.query["method"]])

    async def _record(self, method: str, params: dict[str, Any], ok: bool = True) -> None:
        async with self._changed:
            self.calls.append(Call(method, params, ok=ok))
            self.counts[method] += ok  # what users actually received
            self._changed.notify_all()

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)

        def pending() -> list[dict[str, Any]]:
            return [u for u in self._updates if u["update_id"] >= offset]

        async with self._changed:
            self._updates = pending()
            if not self._updates and timeout:
                try:
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(pending()) or self._closing), timeout
                    )
                except TimeoutError:
                    return []
            return pending()[: int(params.get("limit") or 100)]

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in (
            "sendMessage",
            "editMessageText",
            "sendVenue",
            "sendPhoto",
            "sendDocument",
            "copyMessage",
        ):
            chat_id = params.get("chat_id") or 1
            message: dict[str, Any] = {
                "message_id": params.get("message_id") or next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": int(chat_id), "type": "private"},
                "from": BOT_USER,
            }
            if "text" in params:
                message["text"] = str(params["text"])
            if method == "sendPhoto":
                message["photo"] = [
                    {**self._file(params["photo"], "photo"), "width": 1, "height": 1}
                ]
            if method == "sendDocument":
                document = params["document"]
                message["document"] = self._file(document, "document")
                if isinstance(document, Upload):
                    message["document"]["file_name"] = document.filename
            if method == "sendVenue":
                message["venue"] = {
                    "location": {"latitude": params["latitude"], "longitude": params["longitude"]},
                    "title": params["title"],
                    "address": params["address"],
                }
            return message
        return True

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})


def _png_size(data: bytes) -> tuple[int, int] | None:
    """A PNG's width and height from its header; None for other formats."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


async def _serve_forever(port: int, latency: tuple[float, float]) -> None:
    fake = FakeTelegram(latency)
    await fake.start(port)
    print(fake.port, flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="The fake Bot API in its own process.")
    parser.add_argument("port", type=int, nargs="?", default=0)
    parser.add_argument(
        "--latency", default="0-0", help="seconds per call, e.g. 0.05-0.15 (uniform)"
    )
    arguments = parser.parse_args()
    low, high = (float(x) for x in arguments.latency.split("-"))
    asyncio.run(_serve_forever(arguments.port, (low, high)))
