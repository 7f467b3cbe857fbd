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
    ignore_unaddressed,
    on_callback,
    on_error,
    on_group_text,
    on_inline,
    on_non_text,
    on_text,
    on_unknown_command,
)
from bot.telegram.deps import Deps, bot_id
from bot.telegram.ledger import UpdateLedger
from bot.telegram.polling import LedgerUpdater
from bot.telegram.processor import OrderedUpdateProcessor

log = logging.getLogger(__name__)

# New messages only: edits, channel posts and business messages are deliberately left unanswered, and
# so are our own answers that a user dropped into the chat through inline mode.
NEW = filters.UpdateType.MESSAGE & ~filters.VIA_BOT
TELEGRAM_API = "https://api.telegram.org"


def api_urls(api_url: str | None) -> tuple[str, str]:
    """(base_url, base_file_url) for PTB from a server root ("http://host:port") or a ".../bot" URL."""
    root = (api_url or TELEGRAM_API).rstrip("/")
    root = root.removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


def build_application(deps: Deps, updater: bool = True) -> Application:
    """The bot, ready for `initialize()`; `updater=False` for webhook mode driven by our own server.

    Updates of different users are handled concurrently (each user's in order). Long polling confirms
    an update to Telegram only once it is done, so a killed process loses none and records none twice
    (bot/telegram/ledger.py says exactly what is guaranteed). In webhook mode our server answers
    Telegram as soon as an update is queued, so that guarantee is polling's only.
    """
    base_url, file_url = api_urls(deps.config.base_url)
    ledger = UpdateLedger(deps.store.path, bot_id(deps.config.token)) if updater else None
    app = (ApplicationBuilder().token(deps.config.token).base_url(base_url).base_file_url(file_url)
           .concurrent_updates(OrderedUpdateProcessor(ledger, deps.config.concurrency))
           .updater(None).build())
    if ledger is not None:  # the builder cannot make an Updater of our own class around its bot
        app.updater = LedgerUpdater(app.bot, app.update_queue, ledger)
    app.bot_data["deps"] = deps
    app.add_handler(TypeHandler(Update, ignore_unaddressed), group=-2)
    app.add_handler(TypeHandler(Update, flood_guard), group=-1)
    for name, handler in HANDLERS.items():
        app.add_handler(CommandHandler(name, handler, filters=NEW))
    app.add_handler(CallbackQueryHandler(on_callback))
    app.add_handler(InlineQueryHandler(on_inline))
    private = NEW & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(MessageHandler(private & filters.COMMAND, on_unknown_command))
    app.add_handler(MessageHandler(NEW & filters.ChatType.GROUPS & filters.TEXT & filters.Entity("mention"),
                                   on_group_text))
    # Voice, photos, stickers, files, locations, polls...; service notices (a pinned message) get nothing.
    app.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_non_text))
    app.add_error_handler(on_error)
    return app


async def initialize(app: Application) -> None:
    """Initialize the application and set the command menus (a menu failure is logged, not fatal)."""
    await app.initialize()
    try:
        await set_commands(app, app.bot_data["deps"].ui_languages)
    except TelegramError:
        log.exception("could not set the command menus")
