"""What the Telegram handlers share: the answer core, the store, pseudonyms, settings and flood control."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import ContextTypes

from bot.core import AnswerCore
from bot.strings import available_languages
from knowledge.vocabulary import LANGUAGES
from signals.pseudonym import Pseudonymizer
from signals.store import SignalStore

T = TypeVar("T")
CHANNEL = "telegram"


def bot_id(token: str) -> int:
    """The bot's numeric id: the part of its token before the colon (0 when the token has none)."""
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else 0


@dataclass
class BotConfig:
    """Settings of the Telegram adapter (from the environment, see bot/service.py)."""

    token: str
    base_url: str | None = None
    official_codes: frozenset[str] = frozenset()
    flood_limit: int = 12
    flood_window: float = 30.0
    retention_days: int = 180
    # Updates handled at once (each user's still in order). Each spends most of its time waiting for
    # Telegram's HTTP round trips or for the model's next batch, so more than the cores pays off.
    concurrency: int = 32


@dataclass
class Prefs:
    """One user's remembered choices."""

    pseudonym: str
    lang: str
    region: str | None = None
    official: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    known: bool = False


class FloodGate:
    """Per-user sliding-window rate limit (in memory; keys are pseudonyms)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str) -> tuple[bool, bool]:
        """(allowed, first refusal in this window: tell the user once)."""
        now = time.monotonic()
        hits = self._hits[key]
        while hits and now - hits[0] > self.window:
            hits.popleft()
        hits.append(now)
        return len(hits) <= self.limit, len(hits) == self.limit + 1


class Deps:
    """The domain services seen from the bot."""

    def __init__(self, core: AnswerCore, store: SignalStore, pseudonymizer: Pseudonymizer,
                 config: BotConfig) -> None:
        self.core, self.store, self.pseudonymizer, self.config = core, store, pseudonymizer, config
        self.flood = FloodGate(config.flood_limit, config.flood_window)
        # One thread per update being handled: while the model is busy, the questions of the others
        # wait in the (batching) embedder and are embedded together in its next call.
        self.executor = ThreadPoolExecutor(max_workers=config.concurrency, thread_name_prefix="answer-core")
        self.ui_languages = [code for code in LANGUAGES if code in available_languages()]

    async def run(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a CPU-bound call (the model) off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, partial(func, *args, **kwargs))

    def question_ref(self, update_id: int) -> str:
        """What a question asked in an update is recorded under (the same update is one question)."""
        return f"{CHANNEL}:{bot_id(self.config.token)}:{update_id}"

    def pseudonym(self, user_id: int) -> str:
        """The stored identity of a Telegram user (never the raw id)."""
        return self.pseudonymizer(CHANNEL, user_id)

    def prefs(self, update: Update) -> Prefs:
        """The user's remembered choices, or sensible defaults from Telegram's language hint."""
        user = update.effective_user
        pseudonym = self.pseudonym(user.id if user else 0)
        row = self.store.get_user(pseudonym)
        regions = self.core.catalog.region_ids
        if row:  # a region or language that is no longer served is asked for again
            lang = row.get("lang") if row.get("lang") in self.ui_languages else "en"
            region = row.get("region") if row.get("region") in regions else None
            return Prefs(pseudonym, lang, region, bool(row.get("official")), row.get("extra") or {},
                         known=True)
        hint = ((user.language_code if user else None) or "en").split("-")[0].lower()
        return Prefs(pseudonym, hint if hint in self.ui_languages else "en",
                     regions[0] if len(regions) == 1 else None)

    def save(self, prefs: Prefs, **changes: Any) -> None:
        """Remember changed choices (lang, region, official, extra)."""
        for key, value in changes.items():
            setattr(prefs, key, value)
        self.store.save_user(prefs.pseudonym, lang=prefs.lang, region=prefs.region,
                             official=int(prefs.official), extra=prefs.extra)
        prefs.known = True


def deps_of(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    """The Deps stored in the application's bot_data."""
    return context.application.bot_data["deps"]
