"""End to end: the real PTB Application and the real answer core against a local fake Bot API server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio
from fake_bot_api import FakeBotAPI, buttons
from telegram.ext import Application

from bot.core import AnswerCore
from bot.strings import t
from bot.telegram import BotConfig, Deps, build_application, initialize
from bot.telegram.callbacks import make, parse
from bot.telegram.deps import FloodGate
from bot.telegram.text import split_message
from signals.pseudonym import Pseudonymizer
from signals.store import SignalStore

pytestmark = pytest.mark.asyncio(loop_scope="session")
CODE = "KRK-2026"
UNANSWERABLE = "Who won the football world cup in 1974?"


@dataclass
class Running:
    """The running bot and what the tests look at."""

    api: FakeBotAPI
    app: Application
    store: SignalStore
    deps: Deps

    def pseudonym(self, user_id: int) -> str:
        return self.deps.pseudonym(user_id)

    async def start(self, user_id: int, payload: str, lang: str = "en") -> None:
        """/start with a deep link, waiting for the bot to finish replying."""
        mark = self.api.mark()
        self.api.message(user_id, f"/start {payload}", lang=lang)
        await self.api.wait_sent(user_id, mark, 2)

    async def ask(self, user_id: int, text: str, count: int = 1, lang: str = "en") -> list[dict]:
        mark = self.api.mark()
        self.api.message(user_id, text, lang=lang)
        return await self.api.wait_sent(user_id, mark, count)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def bot(core: AnswerCore, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    api = FakeBotAPI()
    await api.start()
    store = SignalStore(tmp_path_factory.mktemp("e2e") / "signals.sqlite3")
    own_core = AnswerCore(core.catalog, store, core.thresholds)
    config = BotConfig(token="123456:TEST", base_url=f"{api.url}/bot", official_codes=frozenset({CODE}),
                       flood_limit=40)
    deps = Deps(own_core, store, Pseudonymizer(b"e2e-test-key"), config)
    app = build_application(deps)
    await initialize(app)
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    yield Running(api, app, store, deps)
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    await api.stop()


async def test_commands_set_per_language(bot: Running) -> None:
    calls = await bot.api.wait_call("setMyCommands")
    langs = {c.params.get("language_code") for c in calls}
    assert {None, "en", "pl", "uk", "ru", "cs", "be", "ka", "vi", "ar"} <= langs
    uk = next(c for c in calls if c.params.get("language_code") == "uk")
    assert {"command": "forget", "description": t("uk", "cmd_forget")} in uk.params["commands"]


async def test_start_with_deep_link_opens_region_language_topic(bot: Running) -> None:
    mark = bot.api.mark()
    bot.api.message(101, "/start malopolska-uk-education", lang="en")
    sent = await bot.api.wait_sent(101, mark, 2)
    assert sent[0]["text"] == t("uk", "welcome")
    assert sent[1]["text"].startswith(t("uk", "topic_education"))
    data = [b["callback_data"] for b in buttons(sent[1])]
    assert "e:school-enrolment-krakow" in data
    user = bot.store.get_user(bot.pseudonym(101))
    assert user["lang"] == "uk" and user["region"] == "malopolska"
    assert all(len(d.encode()) <= 64 for d in data)


async def test_language_and_region_choice(bot: Running) -> None:
    mark = bot.api.mark()
    bot.api.message(102, "/start", lang="ru")
    sent = await bot.api.wait_sent(102, mark, 2)
    assert sent[0]["text"] == t("ru", "welcome")
    assert "l:uk" in [b["callback_data"] for b in buttons(sent[1])]
    mark = bot.api.mark()
    bot.api.press(102, "l:uk")
    regions = await bot.api.wait_sent(102, mark, 1)
    edited = bot.api.sent(102, mark, "editMessageText")
    assert edited[0]["text"] == t("uk", "language_set", language="Українська")
    assert regions[0]["text"] == t("uk", "choose_region")
    assert {"r:malopolska", "r:jihomoravsky"} <= {b["callback_data"] for b in buttons(regions[0])}
    mark = bot.api.mark()
    bot.api.press(102, "r:jihomoravsky")
    ready = await bot.api.wait_sent(102, mark, 1)
    assert ready[0]["text"] == t("uk", "ready")
    user = bot.store.get_user(bot.pseudonym(102))
    assert (user["lang"], user["region"]) == ("uk", "jihomoravsky")
    assert bot.store.get_user("102") is None and "102" not in bot.pseudonym(102)


async def test_ukrainian_question_answered_in_ukrainian(bot: Running) -> None:
    await bot.start(103, "malopolska-uk", lang="uk")
    sent = await bot.ask(103, "Як записати дитину до школи в Кракові?", lang="uk")
    row = list(bot.store.questions("user = ?", [bot.pseudonym(103)]))[-1]
    assert (row["outcome"], row["lang"], row["channel"]) == ("answered", "uk", "telegram")
    entry = bot.deps.core.region("malopolska").content.entries[row["entry_id"]]
    assert entry.texts["uk"].title in sent[-1]["text"]
    assert t("uk", "reviewed", date=entry.last_reviewed.isoformat()) in sent[-1]["text"]
    assert sent[-1]["parse_mode"] == "HTML"
    data = [b["callback_data"] for b in buttons(sent[-1])]
    assert f"v:+:{row['id']}:{entry.id}" in data and f"v:-:{row['id']}:{entry.id}" in data


async def test_unanswered_question_is_honest_and_recorded(bot: Running) -> None:
    await bot.start(104, "malopolska-en")
    sent = await bot.ask(104, UNANSWERABLE)
    text = sent[-1]["text"]
    assert t("en", "unanswered") in text and t("en", "contacts_intro") in text
    assert "+48 12 210 20 20" in text
    rows = list(bot.store.questions("user = ?", [bot.pseudonym(104)]))
    assert rows[-1]["outcome"] == "unanswered" and rows[-1]["text"] == UNANSWERABLE


async def test_thumbs_down_with_comment_is_recorded(bot: Running) -> None:
    await bot.start(105, "malopolska-en")
    sent = await bot.ask(105, "How do I get a PESEL number?")
    down = next(b["callback_data"] for b in buttons(sent[-1]) if b["text"] == "👎")
    mark = bot.api.mark()
    bot.api.press(105, down)
    asked = await bot.api.wait_sent(105, mark, 1)
    assert asked[0]["text"] == t("en", "ask_missing")
    replies = await bot.ask(105, "The office hours, call +48 600 100 200")
    assert replies[-1]["text"] == t("en", "comment_saved")
    rows = list(bot.store.db.query("SELECT * FROM feedback WHERE user = ?", [bot.pseudonym(105)]))
    assert rows[-1]["vote"] == -1 and rows[-1]["entry_id"] == parse(down).args[2]
    assert rows[-1]["question_id"] == int(parse(down).args[1]) > 0
    assert "office hours" in rows[-1]["comment"] and "600 100 200" not in rows[-1]["comment"]


async def test_voice_message_gets_kind_explanation(bot: Running) -> None:
    mark = bot.api.mark()
    bot.api.message(106, None, lang="uk", voice={"file_id": "v1", "file_unique_id": "u1", "duration": 3})
    sent = await bot.api.wait_sent(106, mark, 1)
    assert sent[0]["text"] == t("uk", "non_text")
    mark = bot.api.mark()
    bot.api.message(106, None, lang="uk", sticker={"file_id": "s", "file_unique_id": "s", "type": "regular",
                                                   "width": 1, "height": 1, "is_animated": False,
                                                   "is_video": False})
    assert (await bot.api.wait_sent(106, mark, 1))[0]["text"] == t("uk", "non_text")


async def test_very_long_message_is_handled_in_parts(bot: Running) -> None:
    await bot.start(107, "malopolska-en")
    text = "How do I get a PESEL number? " + "Please explain everything in detail. " * 280
    assert len(text) > 10_000
    sent = await bot.ask(107, text[:10_000], count=2)
    assert sent[0]["text"] == t("en", "too_long")
    assert all(len(m["text"]) <= 4096 for m in sent)
    parts = split_message(("word " * 900 + "\n\n") * 5)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)


async def test_forget_deletes_the_users_rows(bot: Running) -> None:
    await bot.start(108, "malopolska-en")
    await bot.ask(108, UNANSWERABLE)
    who = bot.pseudonym(108)
    assert bot.store.count("questions", "user = ?", [who]) == 1
    sent = await bot.ask(108, "/forget")
    assert sent[0]["text"] == t("en", "forget_confirm")
    assert "f:yes" in [b["callback_data"] for b in buttons(sent[0])]
    mark = bot.api.mark()
    bot.api.press(108, "f:yes")
    edited = await bot.api.wait_sent(108, mark, 1, method="editMessageText")
    assert edited[0]["text"] == t("en", "forget_done")
    assert bot.store.count("questions", "user = ?", [who]) == 0
    assert bot.store.get_user(who) is None


async def test_official_mode_with_client_version(bot: Running) -> None:
    await bot.start(109, "malopolska-pl", lang="pl")
    assert (await bot.ask(109, "/official WRONG"))[0]["text"] == t("pl", "official_bad_code")
    on = await bot.ask(109, f"/official {CODE}")
    assert on[0]["text"] == t("pl", "official_on", language="Polski", client="-")
    await bot.ask(109, "/client uk")
    sent = await bot.ask(109, "Jak cudzoziemiec uzyskuje numer PESEL?")
    data = [b["callback_data"] for b in buttons(sent[-1])]
    client_button = next(d for d in data if d.startswith("c:"))
    entry_id = parse(client_button).args[0]
    assert client_button == f"c:{entry_id}:uk" and f"d:{entry_id}" in data
    entry = bot.deps.core.region("malopolska").content.entries[entry_id]
    assert entry.texts["pl"].title in sent[-1]["text"]
    mark = bot.api.mark()
    bot.api.press(109, f"d:{entry_id}")
    details = await bot.api.wait_sent(109, mark, 1)
    if entry.legal_basis:
        assert t("pl", "legal_basis") in details[0]["text"]
    mark = bot.api.mark()
    bot.api.press(109, client_button)
    client = await bot.api.wait_sent(109, mark, 1)
    assert entry.texts["uk"].title in client[0]["text"]
    row = list(bot.store.questions("user = ?", [bot.pseudonym(109)]))[-1]
    assert row["audience"] == "official"


async def test_bot_api_failures_mid_conversation(bot: Running) -> None:
    await bot.start(110, "malopolska-en")
    bot.api.fail["getUpdates"] = 1
    await bot.api.wait_call("getUpdates", bot.api.mark())
    sent = await bot.ask(110, "How do I get a PESEL number?")
    assert "PESEL" in sent[-1]["text"]
    bot.api.fail["sendMessage"] = 1
    sent = await bot.ask(110, "How do I get a PESEL number?", count=2)
    assert sent[-1]["text"] == t("en", "error")
    sent = await bot.ask(110, "How do I get a PESEL number?")
    assert "PESEL" in sent[-1]["text"]


async def test_stale_or_forged_buttons_are_refused_politely(bot: Running) -> None:
    await bot.start(112, "malopolska-en")
    for data in ("e:no-such-entry", "zz:1", "v:+:abc:pesel-number-foreigners", "l:xx", "x" * 64):
        mark = bot.api.mark()
        bot.api.press(112, data)
        calls = await bot.api.wait_call("answerCallbackQuery", mark)
        assert calls[0].params["text"] == t("en", "stale_button")
    assert make("e", "x" * 70) is None and make("v", "+", 1) is None


async def test_groups_answer_only_mentions(bot: Running) -> None:
    await bot.start(113, "malopolska-en")
    mark = bot.api.mark()
    bot.api.message(113, "How do I get a PESEL number?", chat_type="group", lang="en")
    text = "@infopoint_test_bot How do I get a PESEL number?"
    bot.api.message(113, text, chat_type="group", lang="en",
                    entities=[{"type": "mention", "offset": 0, "length": 19}])
    sent = await bot.api.wait_sent(-213, mark, 1)
    assert len(sent) == 1 and "PESEL" in sent[0]["text"]


async def test_inline_query_offers_entries(bot: Running) -> None:
    await bot.start(114, "malopolska-pl", lang="pl")
    mark = bot.api.mark()
    bot.api.inline(114, "PESEL")
    calls = await bot.api.wait_call("answerInlineQuery", mark)
    results = calls[0].params["results"]
    assert results and any("PESEL" in r["title"] for r in results)


async def test_flood_gate() -> None:
    gate = FloodGate(limit=3, window=60)
    assert [gate.allow("u") for _ in range(5)] == [(True, False)] * 3 + [(False, True), (False, False)]
    assert gate.allow("other") == (True, False)
