"""The SQLite store shared by the bot and the admin: questions, feedback and user preferences.

Nothing identifying is written: users are keyed pseudonyms, and every free text passes through the
scrubber first. Raw question text has a retention period; the counts stay.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from signals.scrub import scrub

OUTCOMES = ("answered", "unsure", "unanswered")


def utc_now() -> str:
    """The current time as an ISO string in UTC (seconds)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class SignalStore:
    """Questions, feedback and users in one SQLite file (WAL mode, safe across threads)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()  # one writer at a time
        self.db.enable_wal()
        self._create()

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's connection to the file. One connection must not be used by two threads at once
        (concurrent handlers broke each other's transactions under load); with WAL, each thread reads
        on its own while another writes."""
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            db = self._local.db = sqlite_utils.Database(conn)
            db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _create(self) -> None:
        with self._lock:
            self.db["questions"].create({
                "id": int, "ts": str, "region": str, "channel": str, "lang": str, "detected_lang": str,
                "outcome": str, "entry_id": str, "score": float, "candidates": str, "text": str,
                "user": str, "emergency": int, "picked_entry": str, "audience": str, "ref": str,
            }, pk="id", if_not_exists=True)
            if "ref" not in self.db["questions"].columns_dict:  # stores made before the column existed
                self.db["questions"].add_column("ref", str)
            # A question asked under the same ref again (a Telegram update delivered twice) is one row.
            self.db.execute("CREATE UNIQUE INDEX IF NOT EXISTS questions_ref ON questions (ref)")
            self.db["feedback"].create({
                "id": int, "ts": str, "question_id": int, "entry_id": str, "vote": int, "comment": str,
                "user": str, "region": str, "lang": str,
            }, pk="id", if_not_exists=True)
            self.db["users"].create({
                "pseudonym": str, "lang": str, "region": str, "official": int, "created": str,
                "updated": str, "extra": str,
            }, pk="pseudonym", if_not_exists=True)
            for table, cols in (("questions", ["ts"]), ("questions", ["region", "outcome"]),
                                ("questions", ["user"]), ("feedback", ["user"]),
                                ("feedback", ["question_id"])):  # the need inbox looks votes up per question
                self.db[table].create_index(cols, if_not_exists=True)

    def record_question(self, *, region: str, channel: str, lang: str | None, outcome: str,
                        text: str, score: float | None = None, entry_id: str | None = None,
                        candidates: list[str] | None = None, user: str | None = None,
                        detected_lang: str | None = None, emergency: bool = False,
                        audience: str = "migrant", ts: str | None = None, ref: str | None = None) -> int:
        """Store one question (text scrubbed) and return its id.

        `ref` names the request that asked it (e.g. a Telegram update): when a question with that ref
        is stored already, nothing is added and the stored question's id is returned.
        """
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        row = {
            "ts": ts or utc_now(), "region": region, "channel": channel, "lang": lang,
            "detected_lang": detected_lang, "outcome": outcome, "entry_id": entry_id,
            "score": None if score is None else round(float(score), 4),
            "candidates": json.dumps(candidates or []), "text": scrub(text)[:4000], "user": user,
            "emergency": int(emergency), "picked_entry": None, "audience": audience, "ref": ref,
        }
        with self._lock:
            if ref is not None:
                found = self.db.execute("SELECT id FROM questions WHERE ref = ?", [ref]).fetchone()
                if found:
                    return int(found[0])
            return self.db["questions"].insert(row).last_pk

    def record_pick(self, question_id: int, entry_id: str) -> None:
        """The user picked one of the candidates offered for an `unsure` question."""
        with self._lock:
            self.db["questions"].update(question_id, {"picked_entry": entry_id})

    def record_feedback(self, *, question_id: int | None, vote: int, entry_id: str | None = None,
                        comment: str | None = None, user: str | None = None,
                        region: str | None = None, lang: str | None = None) -> int:
        """Store a 👍 (+1) or 👎 (-1), with an optional comment (scrubbed)."""
        row = {"ts": utc_now(), "question_id": question_id, "entry_id": entry_id, "vote": int(vote),
               "comment": scrub(comment)[:2000] if comment else None, "user": user,
               "region": region, "lang": lang}
        with self._lock:
            return self.db["feedback"].insert(row).last_pk

    def add_feedback_comment(self, feedback_id: int, comment: str) -> None:
        """Attach what was missing to an earlier 👎."""
        with self._lock:
            self.db["feedback"].update(feedback_id, {"comment": scrub(comment)[:2000]})

    def get_user(self, pseudonym: str) -> dict[str, Any] | None:
        """A user's preferences, or None."""
        rows = list(self.db.query("SELECT * FROM users WHERE pseudonym = ?", [pseudonym]))
        if not rows:
            return None
        row = dict(rows[0])
        row["extra"] = json.loads(row["extra"] or "{}")
        return row

    def save_user(self, pseudonym: str, **prefs: Any) -> None:
        """Create or update a user's preferences (lang, region, official, extra=dict)."""
        current = self.get_user(pseudonym) or {"pseudonym": pseudonym, "created": utc_now(), "extra": {}}
        extra = {**current.get("extra", {}), **prefs.pop("extra", {})}
        current.update(prefs)
        current.update(updated=utc_now(), extra=json.dumps(extra, ensure_ascii=False))
        with self._lock:
            self.db["users"].upsert(current, pk="pseudonym")

    def delete_user(self, pseudonym: str) -> int:
        """Delete everything stored about one user; returns the number of rows removed."""
        removed = 0
        with self._lock, self.db.conn:
            if "need_signals" in self.db.table_names():  # their grouping vectors (signals/needs.py)
                self.db.conn.execute("DELETE FROM need_signals WHERE question_id IN "
                                     "(SELECT id FROM questions WHERE user = ?)", [pseudonym])
            for sql in ("DELETE FROM questions WHERE user = ?", "DELETE FROM feedback WHERE user = ?",
                        "DELETE FROM users WHERE pseudonym = ?"):
                removed += self.db.conn.execute(sql, [pseudonym]).rowcount
        return removed

    def purge_old_text(self, days: int) -> int:
        """Blank question texts and comments older than `days` (the counts stay)."""
        cutoff = (datetime.now(UTC) - timedelta(days=days)).replace(microsecond=0).isoformat()
        with self._lock, self.db.conn:
            n = self.db.conn.execute("UPDATE questions SET text = NULL WHERE ts < ? AND text IS NOT NULL",
                                     [cutoff]).rowcount
            n += self.db.conn.execute(
                "UPDATE feedback SET comment = NULL WHERE ts < ? AND comment IS NOT NULL", [cutoff]
            ).rowcount
        return n

    def questions(self, where: str = "1=1", params: list[Any] | None = None) -> Iterator[dict[str, Any]]:
        """Stored questions matching a SQL condition, oldest first."""
        yield from self.db.query(f"SELECT * FROM questions WHERE {where} ORDER BY id", params or [])

    def count(self, table: str, where: str = "1=1", params: list[Any] | None = None) -> int:
        """Number of rows of a table matching a condition."""
        rows = list(self.db.query(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}", params or []))
        return int(rows[0]["n"])
