"""`infopoint run`: the web server and, when a token is configured, the Telegram bot, in one process."""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from contextlib import suppress
from typing import Any

from aiohttp import web

from bot.core import AnswerCore
from bot.web import make_web_app
from infopoint.settings import Settings, load_settings

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"


def telegram_deps(core: AnswerCore, settings: Settings) -> Any:
    """The Telegram adapter's dependencies from the settings."""
    from bot.telegram import BotConfig, Deps
    from signals.pseudonym import Pseudonymizer, load_or_create_key

    assert settings.telegram_token and core.store is not None
    config = BotConfig(token=settings.telegram_token, base_url=settings.telegram_api_url,
                       official_codes=settings.official_codes, retention_days=settings.retention_days)
    key = load_or_create_key(settings.data_dir, settings.hmac_key)
    return Deps(core, core.store, Pseudonymizer(key), config)


async def serve(core: AnswerCore, settings: Settings, stop: asyncio.Event) -> None:
    """Run until `stop` is set: aiohttp always, the bot when TELEGRAM_BOT_TOKEN is set."""
    application = None
    mode = "off"
    secret = settings.webhook_secret or secrets.token_urlsafe(32)
    if settings.telegram_token:
        from bot.telegram import build_application

        mode = "webhook" if settings.webhook_url else "polling"
        application = build_application(telegram_deps(core, settings), updater=mode == "polling")
    else:
        log.warning("TELEGRAM_BOT_TOKEN is not set: running the web part only (API and web chat).")
    web_app = make_web_app(core, mode, application, WEBHOOK_PATH if mode == "webhook" else None, secret)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    log.warning("web server on http://%s:%s (Telegram: %s)", settings.host, settings.port, mode)
    from admin.digest import start_digest_task, stop_digest_task

    digest_task = start_digest_task(core, settings, stop)
    try:
        if application is not None:
            from bot.telegram import initialize

            await initialize(application)
            await application.start()
            if mode == "webhook":
                url = settings.webhook_url.rstrip("/") + WEBHOOK_PATH
                await application.bot.set_webhook(url, secret_token=secret, allowed_updates=["message",
                                                  "callback_query", "inline_query"])
            else:
                await application.updater.start_polling(allowed_updates=["message", "callback_query",
                                                                         "inline_query"])
        await stop.wait()
    finally:
        await stop_digest_task(digest_task)
        if application is not None:
            if application.updater and application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
        await runner.cleanup()


def run_service(host: str | None = None, port: int | None = None) -> int:
    """Build the answer core and serve until SIGINT/SIGTERM; returns the exit code."""
    from dataclasses import replace

    from bot.services import build_core

    settings = load_settings()
    settings = replace(settings, host=host or settings.host, port=port or settings.port)
    core = build_core(settings)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await serve(core, settings, stop)

    asyncio.run(main())
    return 0
