"""Sending: split long texts, attach the keyboard to the last part, and send answers of the core."""

from __future__ import annotations

from contextlib import suppress

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.answer import Answer
from bot.strings import t
from bot.telegram.deps import Prefs, deps_of
from bot.telegram.text import split_message
from bot.telegram.views import answer_keyboard, answer_text


async def send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str,
               markup: InlineKeyboardMarkup | None = None) -> None:
    """Send HTML text in parts of at most 4096 characters; the keyboard goes with the last part."""
    parts = split_message(text)
    for i, part in enumerate(parts):
        await context.bot.send_message(chat_id, part, parse_mode=ParseMode.HTML,
                                       reply_markup=markup if i == len(parts) - 1 else None,
                                       link_preview_options=None)


async def say(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str, **values: object) -> None:
    """Reply with one UI string in the user's language."""
    prefs = deps_of(context).prefs(update)
    await send(context, update.effective_chat.id, t(prefs.lang, key, **values))


async def typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """Show "typing…" (best effort: a failure here must not cost the answer)."""
    with suppress(TelegramError):
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)


def client_language(prefs: Prefs, office_languages: list[str]) -> str | None:
    """The language an official's client speaks (set with /client)."""
    lang = prefs.extra.get("client_lang")
    if lang:
        return lang
    return prefs.lang if prefs.lang not in office_languages else None


async def send_answer(context: ContextTypes.DEFAULT_TYPE, chat_id: int, answer: Answer, prefs: Prefs,
                      office_languages: list[str]) -> None:
    """An Answer of the core, with its buttons."""
    ui_lang = answer.lang if not answer.official else prefs.lang
    client = client_language(prefs, office_languages) if answer.official else None
    await send(context, chat_id, answer_text(answer), answer_keyboard(answer, ui_lang, client))
