"""Free text, non-text messages, button presses, inline queries, flood control and errors."""

from __future__ import annotations

import logging
import re
from uuid import uuid4

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.answer import ANSWERED, UNSURE, Answer
from bot.core import MAX_QUESTION_CHARS, Asker
from bot.render import render
from bot.strings import t
from bot.telegram.callbacks import Callback, as_int, parse
from bot.telegram.commands import after_language
from bot.telegram.deps import CHANNEL, Deps, Prefs, deps_of
from bot.telegram.replies import answer_query, replace, say, send, send_answer, while_typing
from bot.telegram.text import clean, esc, has_words
from bot.telegram.views import answer_text, button, details_text, entries_keyboard, keyboard, topics_keyboard
from knowledge.localized import pick
from knowledge.vocabulary import LANGUAGES, TOPICS

log = logging.getLogger(__name__)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A private text message: a 👎 comment when one is awaited, else a question."""
    deps = deps_of(context)
    prefs = deps.prefs(update)
    text = clean(update.effective_message.text)
    feedback_id = context.user_data.pop("await_comment", None)
    if feedback_id:
        deps.store.add_feedback_comment(feedback_id, text)
        await send(context, update.effective_chat.id, t(prefs.lang, "comment_saved"))
        return
    await answer_question(update, context, deps, prefs, text)


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups, answer only messages that mention the bot."""
    mention = re.compile(rf"@{re.escape(context.bot.username)}\b", re.IGNORECASE)
    text = clean(update.effective_message.text)
    if not mention.search(text):
        return
    text = mention.sub("", text).strip()
    if has_words(text):
        deps = deps_of(context)
        await answer_question(update, context, deps, deps.prefs(update), text)


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, deps: Deps, prefs: Prefs,
                          text: str) -> None:
    """Ask the core (in a worker thread) and send the answer with its buttons.

    The question is recorded under the update's id, so an update delivered again after a restart
    does not record it twice (bot/telegram/ledger.py).
    """
    chat = update.effective_chat.id
    quote = update.message.message_id if update.message else None  # not for a question asked earlier
    if not has_words(text):  # 👍, 🙏, "?": not a question; show what the bot can do
        await after_language(context, chat, deps, prefs)
        return
    if prefs.region is None:
        context.user_data["pending_question"] = text[:MAX_QUESTION_CHARS]
        await after_language(context, chat, deps, prefs)
        return
    if len(text) > MAX_QUESTION_CHARS:
        await send(context, chat, t(prefs.lang, "too_long"), reply_to=quote)
    region = deps.core.region(prefs.region).content.region
    asker = Asker(user=prefs.pseudonym, channel=CHANNEL, official=prefs.official,
                  ref=deps.question_ref(update.update_id))
    if prefs.official:
        office = region.office_languages[0]
        work = deps.run(deps.core.ask, text, prefs.region, lang=office, asker=asker)
    else:
        work = deps.run(deps.core.ask, text, prefs.region, hint=prefs.lang, asker=asker)
    answer = await while_typing(context, chat, work)
    await send_answer(context, chat, answer, prefs, region.office_languages, reply_to=quote)


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Voice, photo, sticker, location, document...: explain kindly that only text is understood."""
    await say(update, context, "non_text")


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have: show the help."""
    await say(update, context, "help")


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every inline button: validated, then dispatched by kind.

    Our buttons live only in chats with the bot, so a press without a chat (a message sent through
    inline mode) is an old or forged one, like data that does not parse.
    """
    deps = deps_of(context)
    prefs = deps.prefs(update)
    data = parse(update.callback_query.data)
    handler = _CALLBACKS.get(data.kind) if data else None
    valid = handler is not None and data is not None and update.effective_chat is not None
    if not (valid and await handler(update, context, deps, prefs, data)):
        await answer_query(update, t(prefs.lang, "stale_button"))
        return
    await answer_query(update)


async def _cb_language(update: Update, context: ContextTypes.DEFAULT_TYPE, deps: Deps, prefs: Prefs,
                       data: Callback) -> bool:
    lang = data.args[0]
    if lang not in deps.ui_languages:
        return False
    deps.save(prefs, lang=lang)
    await replace(update, context, t(lang, "language_set", language=LANGUAGES[lang]))
    await after_language(context, update.effective_chat.id, deps, prefs)
    return True


async def _cb_region(update: Update, context: ContextTypes.DEFAULT_TYPE, deps: Deps, prefs: Prefs,
                     data: Callback) -> bool:
    region_id = data.args[0]
    if region_id not in deps.core.catalog.region_ids:
        return False
    deps.save(prefs, region=region_id)
    region = deps.core.region(region_id).content.region
    name = esc(pick(region.name, [prefs.lang, "en"]))
    await replace(update, context, t(prefs.lang, "region_set", region=name))
    pending = context.user_data.pop("pending_question", None)
    if pending:
        await answer_question(update, context, deps, prefs, pending)
    else:
        await after_language(context, update.effective_chat.id, deps, prefs)
    return True


async def _cb_topic(update: Update, context: ContextTypes.DEFAULT_TYPE, deps: Deps, prefs: Prefs,
                    data: Callback) -> bool:
    topic = data.args[0]
    if prefs.region is None or (topic != "-" and topic not in TOPICS):
        return False
    live = deps.core.region(prefs.region)
    if topic == "-":
        await replace(update, context, t(prefs.lang, "topics_intro"),
                      topics_keyboard(live, prefs.lang, prefs.official))
    else:
        await replace(update, context, t(prefs.lang, "topic_entries", topic=t(prefs.lang, f"topic_{topic}")),
                      entries_keyboard(live, topic, prefs.lang, prefs.official))
    return True


def _entry(deps: Deps, prefs: Prefs, entry_id: str, lang: str | None = None,
           official: bool | None = None) -> Answer | None:
    """An entry of the user's region as an Answer, or None (stale button)."""
    if prefs.region is None or entry_id not in deps.core.region(prefs.region).content.entries:
        return None
    official = prefs.official if official is None else official
    asker = Asker(user=prefs.pseudonym, channel=CHANNEL, official=official)
    region = deps.core.region(prefs.region).content.region
    lang = lang or (region.office_languages[0] if official else prefs.lang)
    return deps.core.entry_answer(prefs.region, entry_id, lang, asker)


async def _cb_entry(update: Update, context: ContextTypes.DEFAULT_TYPE, deps: Deps, prefs: Prefs,
                    data: Callback) -> bool:
    answer = _entry(deps, prefs, data.args[0])
    if answer is None:
        return False
    region = deps.core.region(prefs.region).content.region
    await send_answer(context, update.effective_chat.id, answer, prefs, region.office_languages)
    return True


async def _cb_details(update: Update, context: ContextTypes.DEFAULT_TYPE, deps: Deps, prefs: Prefs,
                      data: Callback) -> bool:
    answer = _entry(deps, prefs, data.args[0])
    if answer is None:
        return False
    await send(context, update.effective_chat.id, details_text(answer))
    return True


async def _cb_vote(update: Update, context: ContextTypes.DEFAULT_TYPE, deps: Deps, prefs: Prefs,
                   data: Callback) -> bool:
    sign, qid_text, entry_id = data.args
    qid = as_int(qid_text)
    if sign not in "+-" or qid is None or _entry(deps, prefs, entry_id) is None:
        return False
    own = qid and deps.store.count("questions", "id = ? AND user = ?", [qid, prefs.pseudonym])
    feedback_id = deps.store.record_feedback(question_id=qid if own else None, vote=1 if sign == "+" else -1,
                                             entry_id=entry_id, user=prefs.pseudonym, region=prefs.region,
                                             lang=prefs.lang)
    if sign == "+":
        await send(context, update.effective_chat.id, t(prefs.lang, "thanks_feedback"))
        return True
    context.user_data["await_comment"] = feedback_id
    await send(context, update.effective_chat.id, t(prefs.lang, "ask_missing"),
               keyboard([[button(t(prefs.lang, "btn_skip"), "s", feedback_id)]]))
    return True


async def _cb_skip(update: Update, context: ContextTypes.DEFAULT_TYPE, deps: Deps, prefs: Prefs,
                   data: Callback) -> bool:
    context.user_data.pop("await_comment", None)
    await replace(update, context, t(prefs.lang, "thanks_feedback"))
    return True


async def _cb_pick(update: Update, context: ContextTypes.DEFAULT_TYPE, deps: Deps, prefs: Prefs,
                   data: Callback) -> bool:
    qid, entry_id = as_int(data.args[0]), data.args[1]
    answer = _entry(deps, prefs, entry_id)
    if answer is None or qid is None:
        return False
    if qid and deps.store.count("questions", "id = ? AND user = ?", [qid, prefs.pseudonym]):
        deps.store.record_pick(qid, entry_id)
        answer.question_id = qid
    region = deps.core.region(prefs.region).content.region
    await send_answer(context, update.effective_chat.id, answer, prefs, region.office_languages)
    return True


async def _cb_client(update: Update, context: ContextTypes.DEFAULT_TYPE, deps: Deps, prefs: Prefs,
                     data: Callback) -> bool:
    entry_id, lang = data.args
    if not prefs.official or lang not in LANGUAGES:
        return False
    answer = _entry(deps, prefs, entry_id, lang=lang, official=False)
    if answer is None:
        return False
    await send(context, update.effective_chat.id, render(answer, rich=True, with_details=True))
    return True


async def _cb_forget(update: Update, context: ContextTypes.DEFAULT_TYPE, deps: Deps, prefs: Prefs,
                     data: Callback) -> bool:
    if data.args[0] == "yes":
        deps.store.delete_user(prefs.pseudonym)
        context.user_data.clear()
        await replace(update, context, t(prefs.lang, "forget_done"))
    elif data.args[0] == "no":
        await replace(update, context, t(prefs.lang, "cancelled"))
    else:
        return False
    return True


_CALLBACKS = {"l": _cb_language, "r": _cb_region, "t": _cb_topic, "e": _cb_entry, "d": _cb_details,
              "v": _cb_vote, "s": _cb_skip, "p": _cb_pick, "c": _cb_client, "f": _cb_forget}


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@bot pesel`: offer matching entries to drop into any chat."""
    deps = deps_of(context)
    prefs = deps.prefs(update)
    query = update.inline_query
    text = clean(query.query).strip()
    region = prefs.region or deps.core.catalog.region_ids[0]
    answers: list[Answer] = []
    if has_words(text):
        found = await deps.run(deps.core.ask, text, region, hint=prefs.lang, record=False)
        ids = [found.entry.id] if found.outcome == ANSWERED and found.entry else []
        ids += [c.entry_id for c in found.candidates] if found.outcome == UNSURE else []
        ids += [e for e in _lexical(deps, region, text) if e not in ids]
        answers = [deps.core.entry_answer(region, e, found.lang) for e in ids[:5]]
    results = [InlineQueryResultArticle(
        id=uuid4().hex, title=a.text.title, description=a.text.answer[:100],
        input_message_content=InputTextMessageContent(answer_text(a)[:4096], parse_mode=ParseMode.HTML))
        for a in answers if a.text]
    await query.answer(results, cache_time=60, is_personal=True)


def _lexical(deps: Deps, region: str, text: str) -> list[str]:
    """Entries whose title or keywords contain the query (acronyms such as PESEL, NFZ, VZP)."""
    needle = text.lower()
    return [e.id for e in deps.core.region(region).content.entries.values()
            if e.audience != "official" and (any(needle in k.lower() for k in e.keywords)
                                             or any(needle in x.title.lower() for x in e.texts.values()))]


async def ignore_unaddressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deliberately ignore updates nobody can be answered for: no sender (channel posts), or a
    message without its chat (Telegram always sends one; such an update is malformed)."""
    message = update.effective_message
    if update.effective_user is None or (message is not None and message.chat is None):
        raise ApplicationHandlerStop


async def flood_guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop updates from a user who sends too much too fast (told once per window)."""
    user = update.effective_user
    if user is None or update.inline_query:
        return
    deps = deps_of(context)
    allowed, first_refusal = deps.flood.allow(deps.pseudonym(user.id))
    if allowed:
        return
    if first_refusal and update.effective_chat:
        await send(context, update.effective_chat.id, t(deps.prefs(update).lang, "slow_down"))
    raise ApplicationHandlerStop


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every error; the user always gets a short apology."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    lang = "en"
    try:
        lang = deps_of(context).prefs(update).lang
    except Exception:  # the store itself may be what failed
        log.exception("could not read the user's language")
    try:
        await context.bot.send_message(update.effective_chat.id, t(lang, "error"))
    except TelegramError:
        log.exception("could not send the apology")

