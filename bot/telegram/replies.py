"""Sending: split long texts, attach the keyboard to the last part, and send answers of the core."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from contextlib import suppress
from typing import TypeVar

from telegram import InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.answer import Answer
from bot.strings import t
from bot.telegram.deps import Prefs, deps_of
from bot.telegram.text import split_message
from bot.telegram.views import answer_keyboard, answer_text

log = logging.getLogger(__name__)
T = TypeVar("T")
TYPING_AFTER = 0.5  # seconds: an answer that takes longer shows "typing…" meanwhile


async def send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str,
               markup: InlineKeyboardMarkup | None = None, reply_to: int | None = None) -> None:
    """Send HTML text in parts of at most 4096 characters; the keyboard goes with the last part.

    With `reply_to` the first part quotes that message (the question it answers), if it still exists.
    """
    parts = split_message(text)
    quote = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
    for i, part in enumerate(parts):
        await context.bot.send_message(chat_id, part, parse_mode=ParseMode.HTML,
                                       reply_markup=markup if i == len(parts) - 1 else None,
                                       link_preview_options=None, reply_parameters=quote if i == 0 else None)


async def replace(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str,
                  markup: InlineKeyboardMarkup | None = None) -> None:
    """Show `text` in place of the message whose button was pressed, or as a new message when that
    one cannot be edited any more (older than 48 hours, deleted) or is not in a chat with the bot."""
    query = update.callback_query
    if isinstance(query.message, Message) and query.message.is_accessible:
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():  # the same button pressed twice
                return
            log.info("could not edit the message (%s); sending a new one", exc)
    await send(context, update.effective_chat.id, text, markup)


async def answer_query(update: Update, text: str | None = None) -> None:
    """Answer a button press (best effort: a query older than a few minutes can no longer be answered,
    and that must not cost the reply itself)."""
    try:
        await update.callback_query.answer(text, show_alert=bool(text))
    except BadRequest as exc:
        log.info("could not answer the button press: %s", exc)


async def say(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str, **values: object) -> None:
    """Reply with one UI string in the user's language."""
    prefs = deps_of(context).prefs(update)
    await send(context, update.effective_chat.id, t(prefs.lang, key, **values))


async def typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """Show "typing…" (best effort: a failure here must not cost the answer)."""
    with suppress(TelegramError):
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)


async def while_typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int, work: Awaitable[T]) -> T:
    """Await `work`, showing "typing…" if it takes longer than TYPING_AFTER (a quick answer needs no
    sign, and the call costs a round trip to Telegram)."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=TYPING_AFTER)
    if not done:
        await typing(context, chat_id)
    return await task


def client_language(prefs: Prefs, office_languages: list[str]) -> str | None:
    """The language an official's client speaks (set with /client)."""
    lang = prefs.extra.get("client_lang")
    if lang:
        return lang
    return prefs.lang if prefs.lang not in office_languages else None


async def send_answer(context: ContextTypes.DEFAULT_TYPE, chat_id: int, answer: Answer, prefs: Prefs,
                      office_languages: list[str], reply_to: int | None = None) -> None:
    """An Answer of the core, with its buttons (quoting the question message when given)."""
    ui_lang = answer.lang if not answer.official else prefs.lang
    client = client_language(prefs, office_languages) if answer.official else None
    await send(context, chat_id, answer_text(answer), answer_keyboard(answer, ui_lang, client), reply_to)
