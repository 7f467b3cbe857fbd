"""Simulated Telegram users for the load and crash tests.

Each user opens the bot with a deep link (region and language), then asks real questions from the
labelled sets (eval/*.yaml) one after another, as a person does: the next question only once the answer
quoting the previous one has arrived. Afterwards `check` says, from the fake server's log and the
SQLite store, whether every question was answered exactly once in the right chat and recorded once.
"""

from __future__ import annotations

import asyncio
import glob
import random
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import yaml
from fake_bot_api import Call, FakeBotAPI, buttons

from bot.strings import available_languages, t
from infopoint.settings import REPO_ROOT
from signals.store import SignalStore

ERROR_TEXTS = {t(lang, "error") for lang in available_languages()}


@dataclass
class Question:
    """One question message a user sent."""

    user_id: int
    text: str
    message_id: int = 0
    update_id: int = 0
    sent_at: float = 0.0
    answered_at: float | None = None


@dataclass
class User:
    """A simulated person: where they live, the language they write in, what they will ask."""

    user_id: int
    region: str
    lang: str
    questions: list[str]
    asked: list[Question] = field(default_factory=list)


def question_pool() -> dict[tuple[str, str], list[str]]:
    """The labelled questions by (region, language); out-of-scope ones go to every region."""
    pool: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(glob.glob(str(REPO_ROOT / "eval" / "*.yaml"))):
        with open(path, encoding="utf-8") as handle:
            for item in yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
                regions = [item["region"]] if item.get("region") else ["malopolska", "jihomoravsky"]
                for region in regions:
                    pool[(region, item["lang"])].append(item["text"])
    return pool


def plan(users: int, questions: int, first_id: int, seed: int = 6) -> list[User]:
    """`users` people, spread over the regions and languages of the labelled set."""
    pool = question_pool()
    keys = sorted(k for k, texts in pool.items() if k[1] in available_languages() and len(texts) >= 3)
    rng = random.Random(seed)
    crowd = []
    for i in range(users):
        region, lang = keys[i % len(keys)]
        texts = pool[(region, lang)]
        crowd.append(User(first_id + i, region, lang, [rng.choice(texts) for _ in range(questions)]))
    return crowd


class Crowd:
    """Runs the users concurrently against the fake Bot API server."""

    def __init__(self, api: FakeBotAPI, users: list[User], think: float = 0.0, timeout: float = 120) -> None:
        self.api, self.users, self.think, self.timeout = api, users, think, timeout
        self.started = self.finished = 0.0

    async def run(self) -> None:
        """Every user starts, then asks all their questions; raises if someone waits `timeout` in vain."""
        self.started = time.monotonic()
        await asyncio.gather(*(self._live(user) for user in self.users))
        self.finished = time.monotonic()

    @property
    def questions(self) -> list[Question]:
        """Every question asked so far."""
        return [q for user in self.users for q in user.asked]

    async def _live(self, user: User) -> None:
        inbox = self.api.watch(user.user_id)
        self.api.message(user.user_id, f"/start {user.region}-{user.lang}", lang=user.lang)
        await self._wait(inbox, lambda call: call.method == "sendMessage", 2, user)
        for text in user.questions:
            if self.think:
                await asyncio.sleep(self.think)
            message = self.api.message(user.user_id, text, lang=user.lang)
            asked = Question(user.user_id, text, message["message_id"], self.api.last_update_id,
                             time.monotonic())
            user.asked.append(asked)
            await self._wait(inbox, lambda call, m=asked.message_id: quoted(call) == m, 1, user)
            asked.answered_at = time.monotonic()

    async def _wait(self, inbox: asyncio.Queue[Call], wanted: Any, count: int, user: User) -> None:
        deadline = time.monotonic() + self.timeout
        while count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"user {user.user_id} waited {self.timeout}s in vain")
            try:
                call = await asyncio.wait_for(inbox.get(), left)
            except TimeoutError:
                continue
            count -= bool(wanted(call))

    def latency(self) -> dict[str, float]:
        """Throughput and per-question wait (push to the quoting answer), in seconds."""
        waits = sorted(q.answered_at - q.sent_at for q in self.questions if q.answered_at is not None)
        cuts = statistics.quantiles(waits, n=100) if len(waits) > 1 else waits * 99
        return {"questions": len(waits), "seconds": self.finished - self.started,
                "per_second": len(waits) / max(self.finished - self.started, 1e-9),
                "p50": cuts[49], "p95": cuts[94], "max": waits[-1] if waits else 0.0}


def quoted(call: Call) -> int | None:
    """The message a sendMessage call replies to (quotes), if any."""
    if call.method != "sendMessage":
        return None
    reply = call.params.get("reply_parameters") or {}
    return int(reply["message_id"]) if "message_id" in reply else None


def check(api: FakeBotAPI, store: SignalStore, crowd: Crowd, bot_id: int,
          lost_responses: frozenset[int] = frozenset()) -> dict[str, int]:
    """Assert: each question answered exactly once, in its own chat, not with an apology; each recorded
    exactly once, under its own update; and answers' buttons point at the user's own question row.

    `lost_responses`: questions (message ids) whose answer reached Telegram while the bot died waiting
    for the response; the bot cannot know it was delivered, so these are answered exactly twice.
    """
    questions = crowd.questions
    by_message = {q.message_id: q for q in questions}
    replies = Counter()
    for call in api.calls:
        message_id = quoted(call)
        if message_id in by_message:
            asked = by_message[message_id]
            assert str(call.params["chat_id"]) == str(asked.user_id), "an answer went to another chat"
            assert call.params["text"] not in ERROR_TEXTS, f"apology instead of an answer to {asked.text!r}"
            replies[message_id] += 1
    assert not api.rejected, f"Telegram would refuse: {api.rejected[:3]}"
    assert not [c for c in api.calls if c.method == "sendMessage" and c.params.get("text") in ERROR_TEXTS], \
        "the bot apologised for an error"
    unanswered = [q.text for q in questions if replies[q.message_id] == 0]
    twice = [(q.text, q.update_id, replies[q.message_id]) for q in questions
             if replies[q.message_id] != 1 + (q.message_id in lost_responses)]
    assert not unanswered, f"{len(unanswered)} questions never answered, e.g. {unanswered[:3]}"
    assert not twice, f"{len(twice)} questions answered a wrong number of times, e.g. {twice[:3]}"
    refs = {f"telegram:{bot_id}:{q.update_id}": q for q in questions}
    rows = list(store.db.query("SELECT id, ref, user, text FROM questions WHERE channel = 'telegram'"))
    recorded = Counter(row["ref"] for row in rows)
    assert set(recorded) == set(refs), (f"{len(set(refs) - set(recorded))} questions not recorded, "
                                        f"{len(set(recorded) - set(refs))} recorded that were not asked")
    assert max(recorded.values()) == 1, "a question recorded twice"
    row_of = {row["id"]: row for row in rows}
    linked = 0
    for call in api.calls:
        asked = by_message.get(quoted(call))
        votes = [b["callback_data"] for b in buttons(call.params)
                 if b.get("callback_data", "").startswith("v:+:")]
        if asked and votes:
            row = row_of[int(votes[0].split(":")[2])]
            assert row["ref"] == f"telegram:{bot_id}:{asked.update_id}", "buttons point at another question"
            linked += 1
    return {"questions": len(questions), "recorded": len(rows), "answers_with_buttons": linked}
