"""Load: 200 simulated users x 20 real questions through the local Bot API server to the real bot.

Every question message is answered exactly once, in its own chat (the answer quotes it), and recorded
exactly once in SQLite. The figures (throughput, wait per question) are printed; run with `-s` to see
them. INFOPOINT_LOAD_USERS / INFOPOINT_LOAD_QUESTIONS make the crowd smaller while developing.
"""

from __future__ import annotations

import os

import pytest
from fake_bot_api import FakeBotAPI
from simulated_users import Crowd, check, plan

from bot.core import AnswerCore
from bot.telegram import BotConfig, Deps, build_application, initialize
from bot.telegram.deps import bot_id
from signals.pseudonym import Pseudonymizer
from signals.store import SignalStore

pytestmark = pytest.mark.asyncio(loop_scope="session")
USERS = int(os.environ.get("INFOPOINT_LOAD_USERS", "200"))
QUESTIONS = int(os.environ.get("INFOPOINT_LOAD_QUESTIONS", "20"))
TOKEN = "777000:LOAD"


async def test_200_users_20_questions_each(core: AnswerCore, tmp_path) -> None:
    api = FakeBotAPI()
    await api.start()
    store = SignalStore(tmp_path / "signals.sqlite3")
    # People here type faster than any real one, so the flood gate is opened wide.
    config = BotConfig(token=TOKEN, base_url=api.url, flood_limit=10_000)
    deps = Deps(AnswerCore(core.catalog, store, core.thresholds), store, Pseudonymizer(b"load-test"), config)
    app = build_application(deps)
    await initialize(app)
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    crowd = Crowd(api, plan(USERS, QUESTIONS, first_id=8_000_000), timeout=300)
    try:
        await crowd.run()
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await api.stop()
    figures = check(api, store, crowd, bot_id(TOKEN))
    latency = crowd.latency()
    assert figures["questions"] == figures["recorded"] == USERS * QUESTIONS
    assert figures["answers_with_buttons"] > USERS * QUESTIONS // 2  # most are answered from content
    print(f"\nload: {USERS} users x {QUESTIONS} questions = {latency['questions']} answered in "
          f"{latency['seconds']:.1f} s ({latency['per_second']:.1f} questions/s); wait per question "
          f"p50 {latency['p50'] * 1000:.0f} ms, p95 {latency['p95'] * 1000:.0f} ms, "
          f"max {latency['max'] * 1000:.0f} ms; concurrency {config.concurrency}")
