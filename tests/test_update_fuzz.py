"""Hypothesis-generated Telegram updates, through the local Bot API server, to the real bot.

Odd unicode (lone surrogates, RTL and zero-width marks, emoji sequences, HTML look-alikes), huge
texts, missing fields, unknown update types, edited messages, channel posts, buttons from old or forged
keyboards, inline queries, media and group chats. Whatever arrives: no error reaches the error handler,
Telegram refuses nothing the bot sends (the fake server checks HTML, lengths and buttons as Telegram
does), and every update gets a reply or a deliberate silence, as the table in `expectation` says.

Half of the generated people have chosen a region, so that their odd texts reach the answer core.
The bot runs in its own thread and event loop, so that Hypothesis drives plain synchronous examples.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Coroutine, Iterator
from typing import Any

import pytest
from fake_bot_api import BOT_USER, FakeBotAPI
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from simulated_users import ERROR_TEXTS, question_pool
from telegram import Bot, Update
from telegram.ext import Application

from bot.core import AnswerCore
from bot.strings import t
from bot.telegram import BotConfig, Deps, build_application, initialize
from bot.telegram.callbacks import KINDS
from infopoint.settings import REPO_ROOT
from signals.pseudonym import Pseudonymizer
from signals.store import SignalStore

EXAMPLES = int(os.environ.get("INFOPOINT_FUZZ_EXAMPLES", "150"))
QUESTIONS = [text for (_, _), texts in sorted(question_pool().items()) for text in texts][::7]
ENTRY_IDS = sorted(path.stem for path in (REPO_ROOT / "knowledge" / "regions").glob("*/entries/*/*.yaml"))
TRICKY = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202e", "\u2066", "\ufeff", "\ud800", "\udfff",
          "\ud83d", "\U0001F600", "👨‍👩‍👧", "🇺🇦", "a\u0301\u0301\u0301", "<b>", "</i>", "<a href='x'>", "&",
          "&amp;", "&#0;", "\x00", "\n", "\r\n", "\t", " ", "@infopoint_test_bot", "/start", "مرحبا",
          "ქართული", "Привіт", "Żółć", "Đăng ký", "\U000E0001", "\U0010FFFF", "﷽", "🏳️‍🌈", "\u0600", "\u061c"]
COMMANDS = ["start", "help", "topics", "language", "region", "contact", "privacy", "forget", "official",
            "client", "unknown", "start@infopoint_test_bot", "START"]
NON_TEXT = {"photo", "sticker", "voice", "document", "location", "contact", "poll", "dice", "audio", "video",
            "animation", "video_note", "venue"}
USER_BASE = 7_000_000
USERS = 26

pieces = st.one_of(st.characters(), st.characters(exclude_categories=()), st.sampled_from(TRICKY))
odd_text = st.lists(pieces, max_size=40).map("".join)
huge_text = st.builds(lambda unit, times: unit * times, st.lists(pieces, min_size=1, max_size=6).map("".join),
                      st.integers(400, 3000))
texts = st.one_of(st.sampled_from(QUESTIONS), odd_text, huge_text,
                  st.builds(lambda a, b, c: a + b + c, odd_text, st.sampled_from(QUESTIONS), odd_text))
languages = st.one_of(st.none(), st.sampled_from(["uk", "ru", "pl", "en", "cs", "ar", "vi", "ka", "be", "de",
                                                  "pt-br", "EN-us", "", "zz"]), st.text(max_size=8))
ids = st.integers(1, 2**40)


def _spread(n: int, size: int) -> int:
    # Hypothesis favours boundary values (0, the maximum); scattering them keeps the weights honest.
    return (n * 7919 + 13) % size


def weighted(options: dict[str, int]) -> st.SearchStrategy[str]:
    """One of the options, each about as often as its weight."""
    table = [name for name, weight in options.items() for _ in range(weight)]
    return st.integers(0, 10_000).map(lambda n: table[_spread(n, len(table))])


def chance(per_mille: int) -> st.SearchStrategy[bool]:
    """True about `per_mille` times in a thousand."""
    return st.integers(0, 10_000).map(lambda n: _spread(n, 1000) < per_mille)


@st.composite
def users(draw: st.DrawFn) -> dict[str, Any]:
    user: dict[str, Any] = {"id": USER_BASE + draw(st.integers(0, USERS - 1)), "is_bot": draw(st.booleans()),
                            "first_name": draw(odd_text)}
    lang = draw(languages)
    if lang is not None:
        user["language_code"] = lang
    if draw(st.booleans()):
        user["username"] = draw(odd_text)
    return user


def mention(text: str) -> tuple[str, list[dict[str, Any]]]:
    return "@infopoint_test_bot " + text, [{"type": "mention", "offset": 0, "length": 19}]


@st.composite
def content(draw: st.DrawFn) -> dict[str, Any]:
    """What a message carries: text, a command, a mention, media, or a service notice."""
    kind = draw(weighted({"text": 12, "command": 4, "mention": 3, "new_chat_members": 1, "nothing": 1,
                          **dict.fromkeys(sorted(NON_TEXT), 1)}))
    if kind == "text":
        return {"text": draw(texts)}
    if kind == "command":
        name = draw(st.sampled_from(COMMANDS))
        args = draw(st.one_of(st.just(""), st.sampled_from(["malopolska-uk-education", "jihomoravsky-vi",
                                                            "off", "uk", "KRK-2026", "xx-yy-zz"]), odd_text))
        text = f"/{name} {args}".rstrip() if args else f"/{name}"
        return {"text": text, "entities": [{"type": "bot_command", "offset": 0, "length": len(name) + 1}]}
    if kind == "mention":
        text, entities = mention(draw(texts))
        return {"text": text, "entities": entities}
    file = {"file_id": "f", "file_unique_id": "u"}
    media: dict[str, Any] = {
        "photo": [{**file, "width": 1, "height": 1}],
        "sticker": {**file, "type": "regular", "width": 1, "height": 1, "is_animated": False,
                    "is_video": False},
        "voice": {**file, "duration": 3}, "audio": {**file, "duration": 3},
        "video": {**file, "width": 1, "height": 1, "duration": 1},
        "animation": {**file, "width": 1, "height": 1, "duration": 1},
        "video_note": {**file, "length": 1, "duration": 1},
        "document": {**file, "file_name": draw(odd_text)},
        "location": {"latitude": 50.06, "longitude": 19.94},
        "venue": {"location": {"latitude": 50.06, "longitude": 19.94}, "title": "x", "address": "y"},
        "contact": {"phone_number": "+48 600 100 200", "first_name": draw(odd_text)},
        "poll": {"id": "p", "question": draw(odd_text) or "?", "options": [{"text": "a", "voter_count": 0}],
                 "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
                 "allows_multiple_answers": False},
        "dice": {"emoji": "🎲", "value": 3},
        "new_chat_members": [draw(users())],
    }
    if kind == "nothing":
        return {}
    body = {kind: media[kind]}
    if kind in ("photo", "document", "video") and draw(st.booleans()):
        body["caption"] = draw(texts)
    return body


@st.composite
def messages(draw: st.DrawFn, chat_type: str | None = None) -> dict[str, Any]:
    user = draw(users())
    chat_type = chat_type or draw(weighted({"private": 6, "group": 1, "supergroup": 1, "channel": 1}))
    chat: dict[str, Any] = {"id": user["id"] if chat_type == "private" else -(10**12) - user["id"],
                            "type": chat_type}
    if chat_type != "private":
        chat["title"] = draw(odd_text)
    message: dict[str, Any] = {"message_id": draw(ids), "date": draw(st.integers(0, 2**31)), "chat": chat,
                               **draw(content())}
    if chat_type != "channel" or draw(st.booleans()):
        message["from"] = user
    if draw(chance(30)):
        message["via_bot"] = BOT_USER
    return message


def callback_data(draw: st.DrawFn) -> str | None:
    kind = draw(st.sampled_from(sorted(KINDS)))
    fields = {"l": [draw(languages) or "uk"],
              "r": [draw(st.sampled_from(["malopolska", "jihomoravsky", "x"]))],
              "t": [draw(st.sampled_from(["-", "health", "residence", "nope"]))],
              "e": [draw(st.sampled_from(ENTRY_IDS))], "d": [draw(st.sampled_from(ENTRY_IDS))],
              "v": [draw(st.sampled_from("+-")), draw(st.integers(0, 10**6)),
                    draw(st.sampled_from(ENTRY_IDS))],
              "p": [draw(st.integers(0, 10**6)), draw(st.sampled_from(ENTRY_IDS))],
              "c": [draw(st.sampled_from(ENTRY_IDS)), draw(st.sampled_from(["uk", "pl", "xx"]))],
              "f": [draw(st.sampled_from(["yes", "no", "maybe"]))], "s": [draw(st.integers(0, 10**6))]}[kind]
    well_formed = ":".join([kind, *map(str, fields)])
    return draw(st.one_of(st.just(well_formed), st.none(), odd_text, st.text(max_size=80)))


@st.composite
def callback_queries(draw: st.DrawFn) -> dict[str, Any]:
    user = draw(users())
    query: dict[str, Any] = {"id": str(draw(ids)), "from": user, "chat_instance": "ci"}
    data = callback_data(draw)
    if data is not None:
        query["data"] = data
    elif draw(st.booleans()):
        query["game_short_name"] = "game"
    where = draw(st.sampled_from(["message", "old message", "inline"]))
    chat = {"id": user["id"], "type": "private"}
    if where == "message":
        query["message"] = {"message_id": draw(ids), "date": 1_700_000_000, "chat": chat, "from": BOT_USER,
                            "text": "…"}
    elif where == "old message":  # older than 48 hours: Telegram sends an InaccessibleMessage
        query["message"] = {"message_id": draw(ids), "date": 0, "chat": chat}
    else:
        query["inline_message_id"] = draw(odd_text) or "i"
    return query


@st.composite
def questions(draw: st.DrawFn) -> dict[str, Any]:
    """A private question, odd or plain, from someone who has chosen a region: it goes to the core."""
    user = {"id": USER_BASE + 2 * draw(st.integers(0, USERS // 2 - 1)), "is_bot": False, "first_name": "Q"}
    lang = draw(languages)
    if lang is not None:
        user["language_code"] = lang
    return {"message_id": draw(ids), "date": 1_700_000_000, "from": user, "text": draw(texts),
            "chat": {"id": user["id"], "type": "private"}}


@st.composite
def updates(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(weighted({"question": 8, "message": 10, "callback_query": 5, "inline_query": 2,
                          "edited_message": 1, "channel_post": 1, "edited_channel_post": 1,
                          "chosen_inline_result": 1, "poll_answer": 1, "brand_new_kind": 1}))
    if kind == "question":
        kind, payload = "message", draw(questions())
    elif kind == "message":
        payload: Any = draw(messages())
    elif kind == "callback_query":
        payload = draw(callback_queries())
    elif kind == "inline_query":
        payload = {"id": str(draw(ids)), "from": draw(users()), "query": draw(st.one_of(odd_text, texts)),
                   "offset": ""}
    elif kind in ("edited_message", "edited_channel_post"):
        payload = {**draw(messages("channel" if kind == "edited_channel_post" else None)), "edit_date": 1}
    elif kind == "channel_post":
        payload = draw(messages("channel"))
    elif kind == "chosen_inline_result":
        payload = {"result_id": "r", "from": draw(users()), "query": draw(odd_text)}
    elif kind == "poll_answer":
        payload = {"poll_id": "p", "option_ids": [0], "user": draw(users())}
    else:
        payload = draw(st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), odd_text), max_size=3))
    if isinstance(payload, dict) and payload and draw(chance(100)):  # a missing field
        payload = dict(payload)
        del payload[draw(st.sampled_from(sorted(payload)))]
    return {kind: payload}


class ThreadedBot:
    """The fake server and the real bot, running in an event loop of their own."""

    def __init__(self, core: AnswerCore, store: SignalStore) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fuzz-bot", daemon=True)
        self.thread.start()
        self.api = FakeBotAPI()
        self.store = store
        config = BotConfig(token="424242:FUZZ", official_codes=frozenset({"KRK-2026"}), flood_limit=100_000)
        own = AnswerCore(core.catalog, store, core.thresholds)
        self.deps = Deps(own, store, Pseudonymizer(b"fuzz"), config)
        for n in range(0, USERS, 2):  # half the people have chosen a region: their text goes to the core
            region = ("malopolska", "jihomoravsky")[n % 4 // 2]
            store.save_user(self.deps.pseudonym(USER_BASE + n), lang=("uk", "en", "vi")[n % 3], region=region)
        self.app: Application | None = None
        self.call(self._start())

    def call(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 120) -> Any:
        """Run a coroutine in the bot's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _start(self) -> None:
        await self.api.start()
        self.deps.config.base_url = self.api.url
        self.app = build_application(self.deps)
        await initialize(self.app)
        await self.app.start()
        await self.app.updater.start_polling(poll_interval=0, timeout=1)

    async def _stop(self) -> None:
        assert self.app is not None
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()
        await self.api.stop()

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (thread-safely); returns its update_id."""
        return self.call(self._push(update))

    async def _push(self, update: dict[str, Any]) -> int:
        self.api.push(update)
        return update["update_id"]

    def wait_done(self, update_id: int, timeout: float = 60) -> None:
        """Wait until the bot has finished with an update (its handlers have returned)."""
        ledger = self.app.update_processor.ledger
        deadline = time.monotonic() + timeout
        while not ledger.is_done(update_id):
            assert time.monotonic() < deadline, f"update {update_id} was never finished: the bot stalled"
            time.sleep(0.005)

    def close(self) -> None:
        self.call(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class Errors(logging.Handler):
    """Collects log records at ERROR and above (the error handler logs every escaped exception)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def fuzz_bot(core: AnswerCore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedBot]:
    bot = ThreadedBot(core, SignalStore(tmp_path_factory.mktemp("fuzz") / "signals.sqlite3"))
    yield bot
    bot.close()


@pytest.fixture()
def errors() -> Iterator[Errors]:
    handler = Errors()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


PARSER = Bot("424242:FUZZ")


def expectation(update: dict[str, Any]) -> str:
    """'reply' (at least one message to the chat), 'answer' (the callback or inline query is answered),
    'silence' (nothing sent), or 'any' (a reply or silence are both deliberate)."""
    try:
        parsed = Update.de_json({"update_id": 1, **update}, PARSER)
    except Exception:
        return "silence"  # unreadable: skipped
    (kind, payload), = update.items()
    if parsed.effective_user is None:
        return "silence"  # nobody to answer
    if kind in ("callback_query", "inline_query"):
        return "answer"
    if kind != "message" or not isinstance(payload, dict):
        return "silence"
    message = parsed.message
    if message is None or message.chat is None or message.from_user is None:
        return "silence"
    if message.chat.type == "channel":
        return "any"
    if message.via_bot is not None:
        return "silence"  # one of our own answers, dropped into the chat through inline mode
    if message.chat.type != "private":
        if message.text and message.text.startswith("/"):
            return "any"
        return "any" if message.text and "@infopoint_test_bot" in message.text.lower() else "silence"
    if message.new_chat_members or not (message.text or NON_TEXT & set(payload)):
        return "any"
    return "reply"


@settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(update=updates())
def test_any_update_gets_a_reply_or_a_deliberate_silence(fuzz_bot: ThreadedBot, errors: Errors,
                                                         update: dict[str, Any]) -> None:
    api = fuzz_bot.api
    mark, rejected = api.mark(), len(api.rejected)
    errors.records.clear()
    update_id = fuzz_bot.push(dict(update))
    fuzz_bot.wait_done(update_id)
    calls = api.calls[mark:]
    assert not errors.records, [r.getMessage() + "\n" + str(r.exc_info) for r in errors.records]
    assert api.rejected[rejected:] == [], "Telegram would refuse what the bot sent"
    sent = [c.params for c in calls if c.method == "sendMessage"]
    assert not any(m.get("text") in ERROR_TEXTS for m in sent), "the bot apologised for an error"
    expected = expectation(update)
    (kind, payload), = update.items()
    event(f"{kind}: {expected}")
    if expected == "silence":
        spoken = [c for c in calls if c.method in ("sendMessage", "editMessageText", "answerInlineQuery")]
        assert not spoken, f"{kind} should be met with silence"
    elif expected == "reply":
        chat = payload["chat"]["id"]
        assert any(str(m.get("chat_id")) == str(chat) for m in sent), f"no reply to {kind}"
    elif expected == "answer":
        method = "answerCallbackQuery" if kind == "callback_query" else "answerInlineQuery"
        answered = [c for c in calls if c.method == method
                    and c.params.get("callback_query_id", c.params.get("inline_query_id")) == payload["id"]]
        assert len(answered) == 1, f"{kind} answered {len(answered)} times"


def test_unreadable_update_does_not_stall_the_bot(fuzz_bot: ThreadedBot, errors: Errors) -> None:
    """An update PTB cannot parse is skipped and confirmed; the next one is answered as usual."""
    user = {"id": USER_BASE + 99, "is_bot": False, "first_name": "A", "language_code": "en"}
    broken = fuzz_bot.push({"message": {"message_id": 1, "date": 0, "chat": {"id": 1}, "from": user}})
    mark = fuzz_bot.api.mark()
    good = fuzz_bot.push({"message": {"message_id": 2, "date": 0, "from": user, "text": "/help",
                                      "chat": {"id": user["id"], "type": "private"},
                                      "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}})
    fuzz_bot.wait_done(good)
    assert fuzz_bot.app.update_processor.ledger.is_done(broken)
    sent = [c.params["text"] for c in fuzz_bot.api.calls[mark:] if c.method == "sendMessage"]
    assert sent == [t("en", "help")]
    deadline = time.monotonic() + 10
    while fuzz_bot.api.confirmed <= good and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fuzz_bot.api.confirmed > good, "the bot did not confirm past the unreadable update"
    assert not errors.records


def test_old_and_repeated_button_presses(fuzz_bot: ThreadedBot, errors: Errors) -> None:
    """A button on a message older than 48 hours (Telegram sends it as inaccessible) gets its answer as
    a new message; the same button pressed twice leaves the message as it is (Telegram refuses an edit
    that changes nothing); neither ends in an error."""
    user_id = USER_BASE + 98
    user = {"id": user_id, "is_bot": False, "first_name": "B", "language_code": "en"}
    old = {"message_id": 5, "date": 0, "chat": {"id": user_id, "type": "private"}}
    mark = fuzz_bot.api.mark()
    fuzz_bot.wait_done(fuzz_bot.push({"callback_query": {"id": "old", "from": user, "chat_instance": "c",
                                                         "data": "f:no", "message": old}}))
    sent = [c.params["text"] for c in fuzz_bot.api.calls[mark:] if c.method == "sendMessage"]
    assert sent == [t("en", "cancelled")], fuzz_bot.api.calls[mark:]
    message_id = fuzz_bot.call(_press(fuzz_bot.api, user_id, "f:no"))
    fuzz_bot.wait_done(fuzz_bot.api.last_update_id)
    mark = fuzz_bot.api.mark()
    fuzz_bot.call(_press(fuzz_bot.api, user_id, "f:no", message_id))
    fuzz_bot.wait_done(fuzz_bot.api.last_update_id)
    calls = fuzz_bot.api.calls[mark:]
    assert [c.method for c in calls if c.method != "getUpdates"] == ["editMessageText", "answerCallbackQuery"]
    assert not errors.records


async def _press(api: FakeBotAPI, user_id: int, data: str, message_id: int | None = None) -> int:
    return api.press(user_id, data, lang="en", message_id=message_id)
