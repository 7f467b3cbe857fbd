"""Handle updates of different people at once, each person's in order, and mark each one done.

PTB handles updates one by one unless told otherwise; answering takes the model a few dozen
milliseconds, so one busy user would make everyone wait. This processor runs up to `workers` updates at
once, but never two of the same user (or chat) together: a person's messages are answered in the order
they were sent and their state (a 👎 comment being awaited, a question waiting for the region) is never
raced. With a ledger (long polling), an update is marked done there once its handlers have finished,
and an update that is done already (Telegram delivering it again after a restart) is skipped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.telegram.ledger import UpdateLedger

log = logging.getLogger(__name__)
# How many updates may wait (for their user's turn or a worker) at once; the poller keeps far fewer.
MAX_WAITING = 4096


def order_key(update: object) -> Hashable | None:
    """Whose updates must stay in order: the user's, else the chat's; None for neither."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    return None


class OrderedUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across users, sequential per user, and recorded in the ledger (if any) when done."""

    def __init__(self, ledger: UpdateLedger | None, workers: int = 32) -> None:
        super().__init__(max_concurrent_updates=MAX_WAITING)
        self.ledger = ledger
        self.workers = workers
        self._slots = asyncio.Semaphore(workers)
        self._turns: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the user's turn and a free worker, then handle the update unless it is done."""
        key = order_key(update)
        if key is None:
            await self._handle(update, coroutine)
            return
        turn = self._turns.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with turn:
                await self._handle(update, coroutine)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._turns[key]

    async def _handle(self, update: object, coroutine: Awaitable[Any]) -> None:
        update_id = update.update_id if isinstance(update, Update) and self.ledger else None
        if update_id is not None and self.ledger.is_done(update_id):
            log.info("update %s was handled before; not again", update_id)
            if asyncio.iscoroutine(coroutine):
                coroutine.close()
            return
        async with self._slots:
            try:
                await coroutine
            finally:
                # Cancelled (shutting down): not done, so Telegram delivers it again after the restart.
                # Handler errors were given to the error handler by PTB already; an update that failed
                # anyway is done too, or one bad update would come back forever.
                if update_id is not None and not _cancelling():
                    self.ledger.finish(update_id)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def _cancelling() -> bool:
    task = asyncio.current_task()
    return bool(task and task.cancelling())
