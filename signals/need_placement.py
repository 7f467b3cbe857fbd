"""Placing one batch of unmet-need signals into groups (used by NeedInbox.update, in one transaction)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from index.catalog import LiveRegion
from signals.misses import THUMBS_DOWN, cause_of
from signals.need_groups import Centroids, from_blob, to_blob
from signals.store import utc_now

if TYPE_CHECKING:
    from signals.needs import NeedInbox


class Placement:
    """The groups of the regions of one batch, read inside the batch's transaction and kept in memory."""

    def __init__(self, inbox: NeedInbox, lives: dict[str, LiveRegion | None]) -> None:
        self.inbox = inbox
        self.lives = lives
        self.centroids: dict[str, Centroids] = {}
        self.raw_sums: dict[int, np.ndarray] = {}
        self.states: dict[int, tuple[str, str | None]] = {}
        self.touched: set[int] = set()
        self.reopened: list[tuple[int, int]] = []
        self.placed = self.opened = 0

    def _region(self, region: str) -> Centroids:
        if region not in self.centroids:
            centroids = Centroids(self.inbox.embedder.dim)
            langs: dict[int, set[str | None]] = {}
            for group_id, lang in self.inbox.db.conn.execute(
                    "SELECT DISTINCT group_id, lang FROM need_signals WHERE region = ?", [region]):
                langs.setdefault(group_id, set()).add(lang)
            for g in self.inbox.db.conn.execute(
                    "SELECT id, centroid, raw_sum, state, state_changed FROM need_groups "
                    "WHERE region = ? AND state != 'merged' ORDER BY id", [region]):
                centroids.add_group(g[0], from_blob(g[1]), langs.get(g[0], ()))
                self.raw_sums[g[0]] = from_blob(g[2])
                self.states[g[0]] = (g[3], g[4])
            self.centroids[region] = centroids
        return self.centroids[region]

    def place_batch(self, rows: list[dict[str, Any]], langs: list[str | None], raw: np.ndarray,
                    grouping: np.ndarray) -> None:
        """Place a batch in order, skipping signals placed meanwhile (inside the caller's transaction)."""
        marks = ",".join("?" * len(rows))
        done = {q for (q,) in self.inbox.db.conn.execute(
            f"SELECT question_id FROM need_signals WHERE question_id IN ({marks})", [r["id"] for r in rows])}
        for row, lang, vector, point in zip(rows, langs, raw, grouping, strict=True):
            if row["id"] not in done:
                self.place(row, lang, vector, point)
        self.save_sums()

    def place(self, row: dict[str, Any], lang: str | None, vector: np.ndarray, point: np.ndarray) -> None:
        """Put one signal into the closest group of its region (merged groups live on in their target), or
        open a group (inside a transaction)."""
        region = row["region"]
        centroids = self._region(region)
        shown = row["picked_entry"] or row["entry_id"]
        kind = THUMBS_DOWN if row["down_ts"] and shown else \
            ("unanswered" if row["outcome"] == "unanswered" else "unsure")
        ts = row["down_ts"] if kind == THUMBS_DOWN else row["ts"]
        entry_id, score = self._nearest(region, row, vector, kind, shown)
        live = self.lives[region]
        entry = live.content.entries.get(entry_id) if live and entry_id else None
        cause = cause_of(kind, entry, score, lang, self.inbox.thresholds)
        inbox = self.inbox
        group_id, _ = centroids.best(point, lang, inbox.join_threshold, inbox.new_language_threshold)
        now = utc_now()
        conn = self.inbox.db.conn
        if group_id is not None:
            centroids.join(group_id, point, lang)
            self.raw_sums[group_id] = self.raw_sums[group_id] + vector
            self._maybe_reopen(group_id, ts, row["id"])
        else:
            group_id = conn.execute(
                "INSERT INTO need_groups (region, state, created, updated, state_changed, label, label_qid, "
                "centroid, raw_sum) VALUES (?, 'new', ?, ?, ?, ?, ?, ?, ?)",
                [region, now, now, now, row["text"], row["id"], to_blob(point), to_blob(vector)]).lastrowid
            centroids.add_group(group_id, point, [lang])
            self.raw_sums[group_id] = vector.copy()
            self.states[group_id] = ("new", now)
            self.opened += 1
        conn.execute(
            "INSERT INTO need_signals (question_id, group_id, region, kind, ts, lang, vector, cause, "
            "nearest_entry, nearest_score, placed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [row["id"], group_id, region, kind, ts, lang, to_blob(vector), cause, entry_id,
             None if score is None else round(score, 4), now])
        self.touched.add(group_id)
        self.placed += 1

    def _nearest(self, region: str, row: dict[str, Any], vector: np.ndarray, kind: str,
                 shown: str | None) -> tuple[str | None, float | None]:
        if kind == THUMBS_DOWN:
            return shown, row["score"]
        live = self.lives[region]
        if live is None:
            return None, None
        hits = self.inbox.nearest(live, vector, row["text"], official=row["audience"] == "official", k=1)
        return (hits[0].entry_id, hits[0].score) if hits else (None, None)

    def _maybe_reopen(self, group_id: int, ts: str, question_id: int) -> None:
        state, changed = self.states[group_id]
        if state == "done" and changed and ts >= changed:
            now = utc_now()
            self.inbox.db.conn.execute("UPDATE need_groups SET state = 'new', state_changed = ?, updated = ? "
                                       "WHERE id = ?", [now, now, group_id])
            self.states[group_id] = ("new", now)
            self.reopened.append((group_id, question_id))

    def save_sums(self) -> None:
        """Write the touched groups' sums (inside the caller's transaction)."""
        now = utc_now()
        for centroids in self.centroids.values():
            for group_id, vector_sum in zip(centroids.ids, centroids.sums, strict=True):
                if group_id in self.touched:
                    self.inbox.db.conn.execute(
                        "UPDATE need_groups SET centroid = ?, raw_sum = ?, updated = ? WHERE id = ?",
                        [to_blob(vector_sum), to_blob(self.raw_sums[group_id]), now, group_id])
