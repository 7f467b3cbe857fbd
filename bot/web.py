"""The aiohttp adapter: health check, the JSON API, the web chat page and the Telegram webhook."""

from __future__ import annotations

import asyncio
import hmac
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.core import MAX_QUESTION_CHARS, AnswerCore, Asker
from knowledge.vocabulary import LANGUAGES

log = logging.getLogger(__name__)
CORE = web.AppKey("core", AnswerCore)
TELEGRAM = web.AppKey("telegram", object)
MODE = web.AppKey("mode", str)
ASKERS = web.AppKey("askers", ThreadPoolExecutor)
ASK_THREADS = 32  # questions answered at once; those waiting for the model are embedded together
CHAT_PAGE = Path(__file__).parent / "static" / "chat.html"
MAX_BODY = 64 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _error(code: str, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": code, "message": message, **extra}, status=400)


async def healthz(request: web.Request) -> web.Response:
    """Liveness and what is being served."""
    core = request.app[CORE]
    return web.json_response({"status": "ok", "regions": core.catalog.region_ids,
                              "telegram": request.app[MODE]})


async def ask(request: web.Request) -> web.Response:
    """POST /api/v1/ask {question, region, lang?} -> the Answer as JSON."""
    core = request.app[CORE]
    try:
        body = await request.json()
    except ValueError:
        return _error("invalid_json", "The request body must be a JSON object.")
    if not isinstance(body, dict):
        return _error("invalid_json", "The request body must be a JSON object.")
    question, region, lang = body.get("question"), body.get("region"), body.get("lang")
    if not isinstance(question, str) or not question.strip():
        return _error("missing_question", "'question' must be a non-empty string.")
    regions = core.catalog.region_ids
    if region not in regions:
        return _error("unknown_region", f"Unknown region {region!r}.", valid=regions)
    if lang is not None and lang not in LANGUAGES:
        return _error("unknown_language", f"Unknown language {lang!r}.", valid=list(LANGUAGES))
    answer = await asyncio.get_running_loop().run_in_executor(
        request.app[ASKERS], lambda: core.ask(question[: MAX_QUESTION_CHARS * 2], region, lang=lang,
                                              asker=Asker(channel="web")))
    return web.json_response(answer.to_dict(), dumps=_dumps)


def _dumps(data: Any) -> str:
    import json

    return json.dumps(data, ensure_ascii=False)


async def chat_page(request: web.Request) -> web.Response:
    """The small web chat for people without Telegram."""
    return web.Response(text=CHAT_PAGE.read_text(encoding="utf-8"), content_type="text/html")


def webhook_handler(application: Any, secret: str) -> Any:
    """POST handler for Telegram updates, checking Telegram's secret-token header."""
    from telegram import Update

    async def handle(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except ValueError:
            return web.Response(status=400)
        await application.update_queue.put(update)
        return web.Response()

    return handle


async def _stop_askers(app: web.Application) -> None:
    app[ASKERS].shutdown(wait=False)


def make_web_app(core: AnswerCore, mode: str = "off", application: Any = None,
                 webhook_path: str | None = None, secret: str | None = None) -> web.Application:
    """The aiohttp application; with `application` and `webhook_path` it also receives Telegram updates."""
    app = web.Application(client_max_size=MAX_BODY)
    app[CORE] = core
    app[MODE] = mode
    app[ASKERS] = ThreadPoolExecutor(ASK_THREADS, thread_name_prefix="web-ask")
    app.on_cleanup.append(_stop_askers)
    app.router.add_get("/", chat_page)
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/api/v1/ask", ask)
    if application is not None and webhook_path and secret:
        app.router.add_post(webhook_path, webhook_handler(application, secret))
    if core.store is not None:
        from admin.web import add_admin_routes  # the dashboard, behind its login, under /admin

        add_admin_routes(app, core)
    return app
