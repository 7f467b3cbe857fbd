"""Build the python-telegram-bot Application: handlers, command menus and the error handler."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.telegram.commands import HANDLERS, set_commands
from bot.telegram.conversation import (
    flood_guard,
    on_callback,
    on_error,
    on_group_text,
    on_inline,
    on_non_text,
    on_text,
)
from bot.telegram.deps import Deps

log = logging.getLogger(__name__)

NON_TEXT = (filters.VOICE | filters.AUDIO | filters.PHOTO | filters.VIDEO | filters.VIDEO_NOTE
            | filters.Sticker.ALL | filters.LOCATION | filters.VENUE | filters.CONTACT | filters.Document.ALL
            | filters.ANIMATION)
TELEGRAM_API = "https://api.telegram.org"


def api_urls(api_url: str | None) -> tuple[str, str]:
    """(base_url, base_file_url) for PTB from a server root ("http://host:port") or a ".../bot" URL."""
    root = (api_url or TELEGRAM_API).rstrip("/")
    root = root.removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


def build_application(deps: Deps, updater: bool = True) -> Application:
    """The bot, ready for `initialize()`; `updater=False` for webhook mode driven by our own server."""
    base_url, file_url = api_urls(deps.config.base_url)
    builder = ApplicationBuilder().token(deps.config.token).base_url(base_url).base_file_url(file_url)
    if not updater:
        builder = builder.updater(None)
    app = builder.build()
    app.bot_data["deps"] = deps
    app.add_handler(TypeHandler(Update, flood_guard), group=-1)
    for name, handler in HANDLERS.items():
        app.add_handler(CommandHandler(name, handler))
    app.add_handler(CallbackQueryHandler(on_callback))
    app.add_handler(InlineQueryHandler(on_inline))
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.TEXT & filters.Entity("mention"),
                                   on_group_text))
    app.add_handler(MessageHandler(private & NON_TEXT, on_non_text))
    app.add_error_handler(on_error)
    return app


async def initialize(app: Application) -> None:
    """Initialize the application and set the command menus (a menu failure is logged, not fatal)."""
    await app.initialize()
    try:
        await set_commands(app, app.bot_data["deps"].ui_languages)
    except TelegramError:
        log.exception("could not set the command menus")
