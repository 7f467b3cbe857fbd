"""Which Telegram updates are done, and the getUpdates offset that is safe to confirm (in SQLite).

Telegram keeps every update until a getUpdates call with a higher `offset` confirms it. The bot
confirms an update only once it is *done* (its handlers have finished, the reply has been sent), so an
update that was fetched but not finished when the process died is delivered again after a restart.
Updates finish out of order (several are handled at once), so the offset that can be confirmed is the
lowest update still pending; finished updates above it are remembered here and skipped when they come
again. Only update ids are stored: nothing about the user or the message.

The delivery guarantee this gives (see also `bot.telegram.processor` and the question `ref` in the
answer core):

* no update is lost: it is confirmed to Telegram only after it is done;
* a question is recorded once: the answer core records it under the update's id (`Asker.ref`), so a
  replayed update finds its row instead of adding one;
* an update is answered once, except in one window no bot can close: when the process dies *during*
  the sendMessage call of a reply (or between the parts of a reply split in several messages),
  Telegram may already have delivered it but the bot cannot know, and the update is answered again
  after the restart: at least once rather than maybe never. A second copy of an answer costs a
  person little; a missing one may cost them the emergency number it carried.

Not covered: a 👍/👎 whose update is replayed may be counted twice (votes carry no ref), and what a
person was in the middle of (a 👎 comment awaited, a question waiting for the region) lives in memory
and is forgotten. In webhook mode this ledger is not used (our server answers Telegram at once).
tests/test_crash_recovery.py kills the service with SIGKILL in each of these windows.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class UpdateLedger:
    """Pending and done update ids of one bot, and the offset to confirm with."""

    def __init__(self, path: Path, bot_id: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.bot_id = bot_id
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # A killed process loses nothing committed; only a power cut may lose the last marks, and then
        # Telegram re-delivers those updates (answered again, recorded once).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("CREATE TABLE IF NOT EXISTS telegram_done "
                             "(bot INTEGER, update_id INTEGER, PRIMARY KEY (bot, update_id))")
            self._db.execute("CREATE TABLE IF NOT EXISTS telegram_offset (bot INTEGER PRIMARY KEY, "
                             "next_offset INTEGER NOT NULL)")
            row = self._db.execute("SELECT next_offset FROM telegram_offset WHERE bot = ?",
                                   [bot_id]).fetchone()
            self._offset: int | None = row[0] if row else None
            self._done = {r[0] for r in self._db.execute(
                "SELECT update_id FROM telegram_done WHERE bot = ?", [bot_id])}
        self._pending: set[int] = set()
        self._highest = max(self._done, default=(self._offset or 0) - 1)
        self.progress = asyncio.Event()

    @property
    def offset(self) -> int | None:
        """The offset confirmed (or about to be) to Telegram; None before the first update ever."""
        return self._offset

    def is_done(self, update_id: int) -> bool:
        """True when the update was handled already (or lies below the confirmed offset)."""
        return update_id in self._done or (self._offset is not None and update_id < self._offset)

    def receive(self, update_id: int) -> bool:
        """Note a fetched update; False when it is done or already waiting to be handled."""
        self._highest = max(self._highest, update_id)
        if self.is_done(update_id) or update_id in self._pending:
            return False
        self._pending.add(update_id)
        return True

    def finish(self, update_id: int) -> None:
        """Mark an update done (durably, before its id may be confirmed to Telegram)."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO telegram_done (bot, update_id) VALUES (?, ?)",
                             [self.bot_id, update_id])
        self._done.add(update_id)
        self._pending.discard(update_id)
        self.progress.set()

    @property
    def pending(self) -> int:
        """How many fetched updates are not done yet."""
        return len(self._pending)

    def next_offset(self) -> int | None:
        """The offset for the next getUpdates: the lowest pending update, else one past the highest seen.

        It is saved before it is sent, so a restart never asks for less than Telegram has already
        dropped, and done ids below it are forgotten (Telegram will not send them again).
        """
        if self._pending:
            candidate = min(self._pending)
        elif self._highest >= 0:
            candidate = self._highest + 1
        else:
            return self._offset
        if self._offset is not None and candidate <= self._offset:
            return self._offset
        self._offset = candidate
        with self._lock:
            self._db.execute("INSERT INTO telegram_offset (bot, next_offset) VALUES (?, ?) ON CONFLICT(bot) "
                             "DO UPDATE SET next_offset = excluded.next_offset", [self.bot_id, candidate])
            self._db.execute("DELETE FROM telegram_done WHERE bot = ? AND update_id < ?",
                             [self.bot_id, candidate])
        self._done = {u for u in self._done if u >= candidate}
        return candidate

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()
