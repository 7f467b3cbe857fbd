"""Long polling that confirms an update to Telegram only once it is done (see bot.telegram.ledger).

PTB's own Updater confirms every update as soon as it has fetched it, so updates that were fetched
but not yet handled are lost when the process is killed; and one update it cannot parse stops the
whole batch, again and again. This Updater asks Telegram for updates from the lowest one still pending,
hands each new one to the application, skips those already done, and drops (with a log line) one that
cannot be read instead of stalling on it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import timedelta
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import Updater

from bot.telegram.ledger import UpdateLedger

log = logging.getLogger(__name__)
BATCH = 100  # Telegram's maximum per getUpdates call
READ_MARGIN = 10.0  # seconds on top of the long-polling timeout before a request counts as lost
REPOLL_AFTER = 0.05  # when every fetched update is already in hand, wait for progress at least this long
MAX_BACKOFF = 30.0


class LedgerUpdater(Updater):
    """A polling Updater whose offsets come from the ledger of done updates."""

    def __init__(self, bot: Bot, update_queue: asyncio.Queue[object], ledger: UpdateLedger) -> None:
        super().__init__(bot, update_queue)
        self.ledger = ledger
        self._task: asyncio.Task[None] | None = None

    async def start_polling(self, poll_interval: float = 0.0, timeout: int | timedelta = 10,
                            bootstrap_retries: int = 0, allowed_updates: Sequence[str] | None = None,
                            drop_pending_updates: bool | None = None,
                            error_callback: Callable[[TelegramError], None] | None = None,
                            ) -> asyncio.Queue[object]:
        """Start fetching updates in the background (the arguments mean what they mean in PTB)."""
        if self.running:
            raise RuntimeError("This Updater is already running!")
        if not self._initialized:
            raise RuntimeError("This Updater was not initialized via `Updater.initialize`!")
        seconds = timeout.total_seconds() if isinstance(timeout, timedelta) else float(timeout)
        for attempt in range(max(bootstrap_retries, 0) + 1):
            try:  # polling needs no webhook; the call also drops pending updates when asked to
                await self.bot.delete_webhook(drop_pending_updates=bool(drop_pending_updates))
                break
            except TelegramError:
                if attempt == max(bootstrap_retries, 0):
                    raise
                await asyncio.sleep(1)
        self._running = True
        self._task = asyncio.create_task(
            self._poll(poll_interval, int(seconds), list(allowed_updates) if allowed_updates else None,
                       error_callback), name="LedgerUpdater:poll")
        return self.update_queue

    async def stop(self) -> None:
        """Stop fetching; updates not done yet stay unconfirmed and come again on the next start."""
        if not self.running:
            raise RuntimeError("This Updater is not running!")
        self._running = False
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _poll(self, interval: float, timeout: int, allowed_updates: list[str] | None,
                    error_callback: Callable[[TelegramError], None] | None) -> None:
        offset = self.ledger.offset
        failures = 0
        while self.running:
            self.ledger.progress.clear()
            try:
                raw = await self._fetch(offset, timeout, allowed_updates)
            except Exception as exc:  # network, Telegram 5xx, another instance polling (409), garbage
                failures += 1
                if error_callback and isinstance(exc, TelegramError):
                    error_callback(exc)
                else:
                    log.warning("getUpdates failed (%s attempt): %s", failures, exc)
                await asyncio.sleep(min(MAX_BACKOFF, 0.25 * 2 ** min(failures, 8)))
                continue
            failures = 0
            fresh = await self._hand_over(raw)
            offset = self.ledger.next_offset()
            if not fresh and self.ledger.pending:
                # Everything Telegram sent is in hand already: asking again before some of it is done
                # would only fetch the same updates.
                with suppress(TimeoutError):
                    await asyncio.wait_for(self.ledger.progress.wait(), timeout=1.0)
                await asyncio.sleep(REPOLL_AFTER)
            elif interval:
                await asyncio.sleep(interval)

    async def _fetch(self, offset: int | None, timeout: int, allowed_updates: list[str] | None) -> list[Any]:
        params: dict[str, Any] = {"timeout": timeout, "limit": BATCH}
        if offset is not None:
            params["offset"] = offset
        if allowed_updates is not None:
            params["allowed_updates"] = allowed_updates
        # The raw JSON, so that updates are parsed one by one. Bot API method names are
        # case-insensitive; the lower-case name keeps PTB from pointing at Bot.get_updates, which
        # parses the whole batch at once and fails on a single unreadable update.
        result = await self.bot.do_api_request("getupdates", api_kwargs=params,
                                               read_timeout=timeout + READ_MARGIN)
        if not isinstance(result, list):
            raise TypeError(f"getUpdates returned {type(result).__name__}, not a list")
        return result

    async def _hand_over(self, raw: list[Any]) -> int:
        """Queue the updates not seen before; returns how many."""
        fresh = 0
        for item in raw:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            if not isinstance(update_id, int) or isinstance(update_id, bool):
                log.warning("ignoring an update without an update_id")
                continue
            if not self.ledger.receive(update_id):
                continue
            try:
                update = Update.de_json(item, self.bot)
            except Exception as exc:
                # The update (and the message of the error) may hold personal data: log only its kind.
                log.warning("update %s cannot be read (%s); skipped", update_id, type(exc).__name__)
                self.ledger.finish(update_id)
                continue
            await self.update_queue.put(update)
            fresh += 1
        return fresh
