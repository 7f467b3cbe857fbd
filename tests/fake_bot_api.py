"""A local aiohttp server that speaks enough of the Telegram Bot API for the real PTB client.

It queues updates that tests inject and serves them through getUpdates as Telegram does: long polling,
at most `limit` per call, only the types in `allowed_updates` (remembered between calls), and an update
is dropped only when a later call's `offset` confirms it (unconfirmed updates come again). Method names
are case-insensitive, as in the real API. It records every call with its decoded parameters, can fail
the next N calls of a method with HTTP 500, and can stall a method to simulate a process killed while
its requests were on the way (`hold`: not delivered; `swallow`: delivered, but no response).
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from aiohttp import web

BOT_USER = {"id": 999000, "is_bot": True, "first_name": "Infopoint", "username": "infopoint_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}
JSON_FIELDS = {"reply_markup", "commands", "results", "allowed_updates", "link_preview_options", "entities",
               "scope", "reply_parameters"}
METHODS = ("getMe", "getUpdates", "sendMessage", "sendChatAction", "editMessageText",
           "editMessageReplyMarkup", "answerCallbackQuery", "answerInlineQuery", "setMyCommands",
           "getMyCommands", "deleteWebhook", "setWebhook", "getWebhookInfo", "sendDocument", "close",
           "logOut")
CANONICAL = {name.lower(): name for name in METHODS}
# Telegram's default when allowed_updates is empty or was never given.
NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")
# What Telegram's HTML parse mode accepts.
HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code",
             "pre", "blockquote", "tg-emoji"}
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>")
BAD_AMPERSAND = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


@dataclass
class Call:
    """One Bot API request the bot made."""

    method: str
    params: dict[str, Any]


class FakeBotAPI:
    """The fake server; `url` is what goes into INFOPOINT_TELEGRAM_API_URL."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.fail: dict[str, int] = {}
        self.offsets: list[int] = []  # the offset of every getUpdates call, in order
        self.rejected: list[Call] = []  # calls Telegram would refuse (HTTP 400), with the reason
        self._watchers: dict[str, asyncio.Queue[Call]] = {}
        self._shown: dict[tuple[str, int], tuple[str, Any]] = {}  # (chat, message) -> (text, keyboard)
        self.allowed_updates: list[str] = []
        self._held: dict[str, Callable[[dict[str, Any]], bool] | None] = {}
        self._swallow: dict[str, int] = {}
        self.stalled = 0  # calls held back (never delivered) so far
        self.swallowed: list[Call] = []  # calls delivered whose response was never sent
        self._release = asyncio.Event()
        self._update_ids = itertools.count(1)
        self.last_update_id = 0
        self._message_ids = itertools.count(1000)
        self._new = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        """Listen on a free local port."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        """Close the server."""
        self._new.set()
        self.release()
        if self._runner:
            await self._runner.cleanup()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        raw = dict(await request.post())
        params: dict[str, Any] = {}
        for key, value in raw.items():
            value = value if isinstance(value, str) else str(value)
            params[key] = json.loads(value) if key in JSON_FIELDS else value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        method = CANONICAL.get(method.lower(), method)
        params = await self._params(request)
        if self._holds(method, params) and not self._swallow.get(method):  # never reaches "Telegram"
            self.stalled += 1
            await self._release.wait()
            return web.json_response({"ok": False, "error_code": 502, "description": "Bad Gateway"},
                                     status=502)
        call = Call(method, params)
        self.calls.append(call)
        watcher = self._watchers.get(str(params.get("chat_id")))
        if watcher is not None:
            watcher.put_nowait(call)
        if self._swallow.get(method, 0) > 0:  # delivered, but the response is lost
            self._swallow[method] -= 1
            self.swallowed.append(call)
            await self._release.wait()
            return web.json_response({"ok": False, "error_code": 502, "description": "Bad Gateway"},
                                     status=502)
        if self.fail.get(method, 0) > 0:
            self.fail[method] -= 1
            return web.json_response({"ok": False, "error_code": 500, "description": "Internal Server Error"},
                                     status=500)
        if method == "editMessageText" and "chat_id" in params:
            shown = self._shown.get(_where(params))
            if shown is None or shown == _content(params):
                description = "Bad Request: message to edit not found" if shown is None else NOT_MODIFIED
                return web.json_response({"ok": False, "error_code": 400, "description": description},
                                         status=400)
        problem = rejection(method, params)
        if problem:
            self.rejected.append(Call(method, {**params, "error": problem}))
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": f"Bad Request: {problem}"}, status=400)
        if method == "getUpdates":
            result: Any = await self._get_updates(params)
        else:
            result = self._result(method, params)
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self.offsets.append(offset)
        if "allowed_updates" in params:
            self.allowed_updates = list(params["allowed_updates"] or [])
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self._deliverable():
            self._new.clear()
            timeout = min(float(params.get("timeout") or 0), 1.0)
            with suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), timeout)
        return self._deliverable()[: int(params.get("limit") or 100)]

    def _deliverable(self) -> list[dict[str, Any]]:
        allowed = set(self.allowed_updates)
        return [u for u in self.updates
                if not (kinds := set(u) - {"update_id"})
                or (kinds & allowed if allowed else not kinds <= NOT_BY_DEFAULT)]

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        message_id = int(params.get("message_id") or next(self._message_ids))
        self._shown[(str(params.get("chat_id")), message_id)] = _content(params)
        return {"message_id": message_id, "date": int(time.time()), "from": BOT_USER,
                "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
                "text": params.get("text", "")}

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "sendMessage":
            return self._message(params)
        if method in ("editMessageText", "editMessageReplyMarkup"):
            return self._message(params) if "chat_id" in params else True
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method == "getMyCommands":
            return []
        return True

    # --- what tests use -------------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        """Queue one update; returns the update_id assigned to it."""
        update["update_id"] = self.last_update_id = next(self._update_ids)
        self.updates.append(update)
        self._new.set()
        return update["update_id"]

    def message(self, user_id: int, text: str | None = None, chat_type: str = "private",
                lang: str | None = "uk", **extra: Any) -> dict[str, Any]:
        """Queue a message from a user (text, or other fields such as voice=...)."""
        chat_id = user_id if chat_type == "private" else -100 - user_id
        msg: dict[str, Any] = {"message_id": next(self._message_ids), "date": int(time.time()),
                               "chat": {"id": chat_id, "type": chat_type},
                               "from": _user(user_id, lang), **extra}
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self.push({"message": msg})
        return msg

    def press(self, user_id: int, data: str, lang: str | None = "uk", message_id: int | None = None) -> int:
        """Queue a press of an inline button with `data` on a message of the bot (a new one, or the one
        with `message_id` again); returns the message id."""
        message_id = message_id or next(self._message_ids)
        self._shown.setdefault((str(user_id), message_id), ("…", None))
        message = {"message_id": message_id, "date": int(time.time()), "from": BOT_USER,
                   "chat": {"id": user_id, "type": "private"}, "text": "…"}
        self.push({"callback_query": {"id": str(next(self._message_ids)), "from": _user(user_id, lang),
                                      "chat_instance": "ci", "data": data, "message": message}})
        return message_id

    def inline(self, user_id: int, query: str) -> None:
        """Queue an inline query (`@bot query`)."""
        self.push({"inline_query": {"id": str(next(self._message_ids)), "from": _user(user_id, "pl"),
                                    "query": query, "offset": ""}})

    def hold(self, *methods: str, when: Callable[[dict[str, Any]], bool] | None = None) -> None:
        """Stall calls of these methods (those whose parameters satisfy `when`, if given) before they
        arrive (until `release`, then they fail)."""
        self._release.clear()
        self._held.update(dict.fromkeys(methods, when))

    def _holds(self, method: str, params: dict[str, Any]) -> bool:
        if method not in self._held:
            return False
        when = self._held[method]
        return when is None or when(params)

    def swallow(self, method: str, count: int) -> None:
        """Record the next `count` calls of a method but never answer them (until `release`); they go
        through even while the method is held."""
        self._release.clear()
        self._swallow[method] = count

    def release(self) -> None:
        """End `hold` and `swallow`: the stalled calls fail, new ones are served again."""
        self._held.clear()
        self._swallow.clear()
        self._release.set()

    @property
    def confirmed(self) -> int:
        """The highest offset the bot has confirmed (updates below it are gone)."""
        return max(self.offsets, default=0)

    def watch(self, chat_id: int) -> asyncio.Queue[Call]:
        """A queue that receives every later call addressed to one chat (cheaper than polling `calls`)."""
        return self._watchers.setdefault(str(chat_id), asyncio.Queue())

    def mark(self) -> int:
        """The current position in the call log (to look only at what follows)."""
        return len(self.calls)

    def sent(self, chat_id: int, since: int = 0, method: str = "sendMessage") -> list[dict[str, Any]]:
        """Parameters of the calls of `method` to one chat since a mark."""
        return [c.params for c in self.calls[since:]
                if c.method == method and str(c.params.get("chat_id")) == str(chat_id)]

    async def wait_sent(self, chat_id: int, since: int, count: int = 1, timeout: float = 20,
                        method: str = "sendMessage", contains: str | None = None) -> list[dict[str, Any]]:
        """Wait until the bot has sent `count` messages (optionally one containing a text) to a chat."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sent = self.sent(chat_id, since, method)
            if len(sent) >= count and (contains is None or any(contains in m.get("text", "") for m in sent)):
                return sent
            await asyncio.sleep(0.02)
        raise AssertionError(f"bot sent {self.sent(chat_id, since, method)} to {chat_id}, expected {count}"
                             + (f" containing {contains!r}" if contains else ""))

    async def wait_call(self, method: str, since: int = 0, timeout: float = 20) -> list[Call]:
        """Wait until the bot has called `method`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [c for c in self.calls[since:] if c.method == method]
            if found:
                return found
            await asyncio.sleep(0.02)
        raise AssertionError(f"no {method} call")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse this text in HTML parse mode, or None."""
    stack: list[str] = []
    position = 0
    for match in TAG.finditer(text):
        data = text[position:match.start()]
        if "<" in data or BAD_AMPERSAND.search(data):
            return "can't parse entities: unescaped character"
        closing, name = match.group(1), match.group(2).lower()
        if name not in HTML_TAGS:
            return f"can't parse entities: unsupported start tag \"{name}\""
        if closing:
            if not stack or stack.pop() != name:
                return f"can't parse entities: unexpected end tag \"{name}\""
        else:
            stack.append(name)
        position = match.end()
    rest = text[position:]
    if "<" in rest or BAD_AMPERSAND.search(rest):
        return "can't parse entities: unescaped character"
    if stack:
        return f"can't parse entities: can't find end tag corresponding to start tag \"{stack[-1]}\""
    return None


def rejection(method: str, params: dict[str, Any]) -> str | None:
    """The error Telegram would answer a sending call with (400 Bad Request), or None."""
    if method == "answerCallbackQuery":
        return "MESSAGE_TOO_LONG" if utf16_len(params.get("text") or "") > 200 else None
    if method not in ("sendMessage", "editMessageText"):
        return None
    text = str(params.get("text", ""))
    if params.get("parse_mode") == "HTML":
        problem = html_problem(text)
        if problem:
            return problem
        text = html.unescape(TAG.sub("", text))
    if not text.strip():
        return "message text is empty"
    if utf16_len(text) > 4096:
        return "message is too long"
    for button in buttons(params):
        data = button.get("callback_data")
        if not button.get("text") or (data is not None and not 1 <= len(data.encode()) <= 64):
            return "BUTTON_DATA_INVALID"
    return None


def _where(params: dict[str, Any]) -> tuple[str, int]:
    return str(params.get("chat_id")), int(params.get("message_id") or 0)


def _content(params: dict[str, Any]) -> tuple[str, Any]:
    return str(params.get("text", "")), params.get("reply_markup") or None


def _user(user_id: int, lang: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
    if lang:
        user["language_code"] = lang
    return user


def buttons(params: dict[str, Any]) -> list[dict[str, Any]]:
    """All inline buttons of a sent message."""
    markup = params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]
