"""A local aiohttp server that speaks enough of the Telegram Bot API for the real PTB client.

It queues updates that tests inject, serves them through getUpdates (long polling), records every
call with its decoded parameters, and can be told to fail the next N calls of a method with HTTP 500.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from aiohttp import web

BOT_USER = {"id": 999000, "is_bot": True, "first_name": "Infopoint", "username": "infopoint_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}
JSON_FIELDS = {"reply_markup", "commands", "results", "allowed_updates", "link_preview_options", "entities",
               "scope"}


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
        self._update_ids = itertools.count(1)
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
        params = await self._params(request)
        self.calls.append(Call(method, params))
        if self.fail.get(method, 0) > 0:
            self.fail[method] -= 1
            return web.json_response({"ok": False, "error_code": 500, "description": "Internal Server Error"},
                                     status=500)
        if method == "getUpdates":
            result: Any = await self._get_updates(params)
        else:
            result = self._result(method, params)
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates:
            self._new.clear()
            timeout = min(float(params.get("timeout") or 0), 1.0)
            with suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), timeout)
        return list(self.updates)

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"message_id": next(self._message_ids), "date": int(time.time()), "from": BOT_USER,
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

    def push(self, update: dict[str, Any]) -> None:
        """Queue one update (its update_id is assigned here)."""
        update["update_id"] = next(self._update_ids)
        self.updates.append(update)
        self._new.set()

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

    def press(self, user_id: int, data: str, lang: str | None = "uk") -> None:
        """Queue a press of an inline button with `data` on a message of the bot."""
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "from": BOT_USER,
                   "chat": {"id": user_id, "type": "private"}, "text": "…"}
        self.push({"callback_query": {"id": str(next(self._message_ids)), "from": _user(user_id, lang),
                                      "chat_instance": "ci", "data": data, "message": message}})

    def inline(self, user_id: int, query: str) -> None:
        """Queue an inline query (`@bot query`)."""
        self.push({"inline_query": {"id": str(next(self._message_ids)), "from": _user(user_id, "pl"),
                                    "query": query, "offset": ""}})

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


def _user(user_id: int, lang: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
    if lang:
        user["language_code"] = lang
    return user


def buttons(params: dict[str, Any]) -> list[dict[str, Any]]:
    """All inline buttons of a sent message."""
    markup = params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]
