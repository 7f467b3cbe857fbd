"""The unmet-need inbox: signals grouped by meaning across languages, triage, and the fix loop.

Signals are questions that were not served: outcome `unanswered`; `unsure` where the user picked none
of the offered entries (counted once the question is `unsure_settle` old, so the user had time to
pick); and answers that got a 👎 (a vote given with its question id). `update()` places every signal
not yet placed, in id order, into the closest group of its region (cosine of the language-centred
vectors, see signals/need_groups.py) or opens a new group. Membership never changes afterwards. Each
signal's vector is stored (never its text), so groups survive the retention purge of question texts;
a user's /forget removes their signals.

Counting people: `people` is the number of distinct pseudonyms, plus one for all signals without a
user (the web page and the API have no pseudonym). Anonymous askers cannot be told apart, so they
count as one person: the figure is a lower bound, which keeps the "fewer than 3 people" rule of the
exported reports on the safe side.

State: new -> in_progress -> done | ignored; `merged` when a person merged the group into another
(its signals moved there; new signals close to it join the target, since the target's centroid now
holds its members). An ignored group keeps its state when more signals join
(the same question asked again stays out of the way). A done group that receives a signal dated after
it was marked done goes back to `new` (the fix did not work); that is logged as the `system` actor.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from index.catalog import LiveRegion, RegionCatalog, UnknownRegion
from index.embedder import Embedder
from index.search_index import Hit
from index.thresholds import Thresholds
from signals.audit import SYSTEM, AuditLog
from signals.misses import Miss
from signals.need_fixes import attach, draft
from signals.need_groups import (
    JOIN_THRESHOLD,
    NEW_LANGUAGE_THRESHOLD,
    centred,
    from_blob,
    language_means,
    to_blob,
    unit,
)
from signals.need_merge import Similar, merge, similar
from signals.need_placement import Placement
from signals.store import SignalStore, utc_now

log = logging.getLogger(__name__)
STATES = ("new", "in_progress", "done", "ignored")
MERGED = "merged"  # not a triage state: the group lives on in the one it was merged into
NEAREST = 3
EXAMPLES = 5

_PENDING_SQL = """
SELECT q.id, q.ts, q.region, q.lang, q.detected_lang, q.outcome, q.text, q.entry_id, q.picked_entry,
       q.score, q.audience,
       (SELECT MIN(f.ts) FROM feedback f WHERE f.question_id = q.id AND f.vote < 0) AS down_ts
FROM questions q
WHERE NOT EXISTS (SELECT 1 FROM need_signals s WHERE s.question_id = q.id)
  AND q.text IS NOT NULL AND q.text != ''
  AND (q.outcome = 'unanswered'
       OR (q.outcome = 'unsure' AND q.picked_entry IS NULL AND q.ts <= :settled)
       OR EXISTS (SELECT 1 FROM feedback f WHERE f.question_id = q.id AND f.vote < 0))
  AND (:region IS NULL OR q.region = :region)
ORDER BY q.id
"""

_MEMBERS_SQL = """
SELECT s.question_id, s.group_id, s.region, s.kind, s.ts, s.lang, s.cause, s.nearest_entry,
       s.nearest_score, q.user, q.text
FROM need_signals s JOIN questions q ON q.id = s.question_id
WHERE {where}
ORDER BY s.ts, s.question_id
"""


@dataclass
class NeedGroup:
    """One unmet need: signals of one region close in meaning, whatever their language."""

    id: int
    region: str
    state: str  # new | in_progress | done | ignored
    label: str  # a representative question (scrubbed)
    topic: str | None  # the topic of the nearest entry
    nearest_entries: list[tuple[str, float]]
    size: int  # signals
    people: int  # distinct pseudonyms, all anonymous signals counting as one
    languages: dict[str, int]
    first_seen: str
    last_seen: str
    weekly: dict[str, int]  # ISO date of the week's Monday -> signals
    trend: float  # signals in the last 7 days minus the 7 days before
    examples: list[str]  # scrubbed, at most 5, different languages first
    causes: dict[str, int] = field(default_factory=dict)
    state_changed: str | None = None


def _bound(value: date | datetime | str | None, end: bool = False) -> str | None:
    """A time bound as an ISO string comparable with stored timestamps; a date as `until` includes the day."""
    if value is None:
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC) + timedelta(days=1 if end else 0)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def _within(ts: str, since: str | None, until: str | None) -> bool:
    return (since is None or ts >= since) and (until is None or ts < until)


class NeedInbox:
    """Unmet needs of every region, in the signals database (tables need_groups, need_signals)."""

    def __init__(self, store: SignalStore, embedder: Embedder | None, catalog: RegionCatalog | None,
                 thresholds: Thresholds | None = None, join_threshold: float = JOIN_THRESHOLD,
                 new_language_threshold: float = NEW_LANGUAGE_THRESHOLD,
                 unsure_settle: timedelta = timedelta(minutes=10), auto_update: bool = True,
                 batch_size: int = 256) -> None:
        self.store = store
        self.db = store.db
        self.embedder = embedder
        self.catalog = catalog
        self.thresholds = thresholds or Thresholds.load()
        self.join_threshold = join_threshold
        self.new_language_threshold = new_language_threshold
        self.unsure_settle = unsure_settle
        self.auto_update = auto_update and catalog is not None and embedder is not None
        self.batch_size = batch_size
        self.audit = AuditLog(store)
        self._means: dict[str, np.ndarray] | None = None
        self._create()

    def _create(self) -> None:
        with self.store._lock:
            self.db["need_groups"].create({
                "id": int, "region": str, "state": str, "created": str, "updated": str, "state_changed": str,
                "label": str, "label_qid": int, "topic": str, "nearest": str, "centroid": bytes,
                "raw_sum": bytes, "merged_into": int,
            }, pk="id", if_not_exists=True)
            if "merged_into" not in self.db["need_groups"].columns_dict:  # databases from before merging
                self.db["need_groups"].add_column("merged_into", int)
            self.db["need_signals"].create({
                "question_id": int, "group_id": int, "region": str, "kind": str, "ts": str, "lang": str,
                "vector": bytes, "cause": str, "nearest_entry": str, "nearest_score": float, "placed": str,
            }, pk="question_id", if_not_exists=True)
            self.db["need_space"].create({"model_id": str, "lang": str, "vector": bytes},
                                         pk=("model_id", "lang"), if_not_exists=True)
            for table, cols in (("need_groups", ["region", "state"]), ("need_signals", ["group_id"]),
                                ("need_signals", ["region", "ts"])):
                self.db[table].create_index(cols, if_not_exists=True)

    # ---- placing signals -------------------------------------------------------------------------

    def update(self, region: str | None = None) -> int:
        """Place every signal not yet placed (of one region, or all); returns how many were placed.

        Safe to run from several threads or processes at once: each batch is placed in one
        immediate transaction that first re-reads the groups and skips signals placed meanwhile.
        """
        settled = _bound(datetime.now(UTC) - self.unsure_settle)
        with self.store._lock:  # one connection for every thread: no statement while another writes
            pending = [dict(r) for r in self.db.query(_PENDING_SQL, {"settled": settled, "region": region})]
        if not pending:
            return 0
        if self.embedder is None or self.catalog is None:
            raise RuntimeError("placing signals needs the embedding model and the region catalog")
        means = self._language_means()
        lives = {r: self.live(r) for r in {row["region"] for row in pending}}
        placed, opened, touched = 0, 0, set()
        for start in range(0, len(pending), self.batch_size):
            rows = pending[start : start + self.batch_size]
            raw = self._embed([r["text"] for r in rows])
            langs = [r["detected_lang"] or r["lang"] for r in rows]
            grouping = centred(raw, langs, means)
            state = Placement(self, lives)
            with self.store._lock:
                conn = self.db.conn
                conn.execute("BEGIN IMMEDIATE")
                try:
                    state.place_batch(rows, langs, raw, grouping)
                    conn.commit()
                except BaseException:
                    conn.rollback()
                    raise
            for group_id, question_id in state.reopened:
                self.audit.record(SYSTEM, "reopen", f"need:{group_id}",
                                  {"from": "done", "to": "new", "question_id": question_id})
            placed, opened, touched = placed + state.placed, opened + state.opened, touched | state.touched
        for group_id in sorted(touched):
            self.refresh_group(group_id)
        log.info("needs: %d signals placed, %d groups opened", placed, opened)
        return placed

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Query vectors of texts, each distinct text encoded once (through the catalog's cache)."""
        distinct = list(dict.fromkeys(texts))
        encode = self.embedder.encode_queries
        if self.catalog is not None and self.catalog.cache is not None:
            vectors, _ = self.catalog.cache.embed(self.embedder.model_id, "query", distinct, encode)
        else:
            vectors = encode(distinct)
        row = {text: i for i, text in enumerate(distinct)}
        return np.asarray(vectors[[row[t] for t in texts]], dtype=np.float32)

    def _language_means(self) -> dict[str, np.ndarray]:
        """The per-language means of the grouping space: computed once per model, then kept fixed."""
        if self._means is not None:
            return self._means
        model_id = self.embedder.model_id
        with self.store._lock:
            rows = list(self.db.query("SELECT lang, vector FROM need_space WHERE model_id = ?", [model_id]))
        if rows:
            self._means = {r["lang"]: from_blob(r["vector"]) for r in rows}
            return self._means
        parts = []
        for live in self.catalog.regions.values():
            index = live.index
            if index.faiss.ntotal:
                vectors = index.faiss.reconstruct_n(0, index.faiss.ntotal)
                kinds = np.array([v.kind != "answer" for v in index.variants])
                langs = np.array([v.lang for v in index.variants])
                parts += [(lang, vectors[kinds & (langs == lang)]) for lang in set(langs.tolist())]
        means = language_means(parts)
        with self.store._lock, self.db.conn:
            self.db["need_space"].insert_all(
                [{"model_id": model_id, "lang": k, "vector": to_blob(v)} for k, v in means.items()],
                replace=True)
        self._means = means
        return means

    def live(self, region: str) -> LiveRegion | None:
        """The served region (content and index), or None."""
        if self.catalog is None:
            return None
        try:
            return self.catalog.get(region)
        except UnknownRegion:
            return None

    def nearest(self, live: LiveRegion, vector: np.ndarray, text: str = "", official: bool = True,
                k: int = NEAREST) -> list[Hit]:
        """The closest entries of a region for a query vector (as the core searches)."""
        settings = self.thresholds
        hits = live.index.search(vector, text, k=k + 5, lexical_weight=settings.lexical_weight,
                                 saturation=settings.lexical_saturation, pool=settings.pool)
        entries = live.content.entries
        return [h for h in hits if h.entry_id in entries
                and (official or entries[h.entry_id].audience != "official")][:k]

    def refresh_group(self, group_id: int) -> None:
        """Recompute a group's label (member nearest its centroid) and its nearest entries and topic."""
        group = self.group_row(group_id)
        with self.store._lock:
            members = [dict(r) for r in self.db.query(
                "SELECT s.question_id, s.vector, s.lang, q.text FROM need_signals s JOIN questions q "
                "ON q.id = s.question_id WHERE s.group_id = ? AND q.text IS NOT NULL", [group_id])]
        update: dict[str, Any] = {}
        if members:
            vectors = np.stack([from_blob(m["vector"]) for m in members])
            points = centred(vectors, [m["lang"] for m in members], self._language_means())
            best = members[int(np.argmax(points @ unit(from_blob(group["centroid"]))))]
            update.update(label=best["text"], label_qid=best["question_id"])
        live = self.live(group["region"])
        if live is not None:
            hits = self.nearest(live, unit(from_blob(group["raw_sum"])), update.get("label", group["label"]))
            update["nearest"] = json.dumps([(h.entry_id, round(h.score, 4)) for h in hits])
            update["topic"] = live.content.entries[hits[0].entry_id].topic if hits else None
        if update:
            with self.store._lock:
                self.db["need_groups"].update(group_id, update)

    # ---- reading ---------------------------------------------------------------------------------

    def group_row(self, group_id: int) -> dict[str, Any]:
        """The stored row of a group (KeyError when there is none)."""
        with self.store._lock:
            rows = list(self.db.query("SELECT * FROM need_groups WHERE id = ?", [group_id]))
        if not rows:
            raise KeyError(f"no need group {group_id}")
        return dict(rows[0])

    def groups(self, region: str | None, states: list[str] | tuple[str, ...] | None = None,
               since: date | datetime | str | None = None,
               until: date | datetime | str | None = None) -> list[NeedGroup]:
        """The groups of a region (None: all) with signals between since and until, biggest first.

        Merged groups are never listed (their signals are in the group they were merged into).

        Counts, languages, weeks, first/last seen and examples are those of the signals in the
        window; the trend compares the 7 days before `until` (or now) with the 7 days before that.
        """
        if self.auto_update:
            self.update(region)
        where, params = ["state != 'merged'"], []
        if region is not None:
            where.append("region = ?")
            params.append(region)
        if states:
            where.append(f"state IN ({','.join('?' * len(states))})")
            params += list(states)
        rows = {r["id"]: dict(r) for r in self.db.query(
            f"SELECT * FROM need_groups WHERE {' AND '.join(where)}", params)}
        member_where = "s.region = ?" if region is not None else "1=1"
        members: dict[int, list[dict[str, Any]]] = {}
        for m in self.db.query(_MEMBERS_SQL.format(where=member_where), [region] if region else []):
            if m["group_id"] in rows:
                members.setdefault(m["group_id"], []).append(dict(m))
        lo, hi = _bound(since), _bound(until, end=True)
        out = [self._summary(rows[g], ms, lo, hi) for g, ms in members.items()]
        out = [g for g in out if g is not None]
        out.sort(key=lambda g: g.last_seen, reverse=True)
        return sorted(out, key=lambda g: g.size, reverse=True)

    def group(self, group_id: int) -> NeedGroup:
        """One group (KeyError when there is none), over all its signals."""
        row = self.group_row(group_id)
        if row["state"] == MERGED:
            raise KeyError(f"need group {group_id} was merged into #{row['merged_into']}")
        if self.auto_update:
            self.update(row["region"])
            row = self.group_row(group_id)
        members = [dict(m) for m in self.db.query(_MEMBERS_SQL.format(where="s.group_id = ?"), [group_id])]
        summary = self._summary(row, members, None, None)
        if summary is None:
            raise KeyError(f"need group {group_id} has no signals left")
        return summary

    def _summary(self, row: dict[str, Any], members: list[dict[str, Any]], since: str | None,
                 until: str | None) -> NeedGroup | None:
        inside = [m for m in members if _within(m["ts"], since, until)]
        if not inside:
            return None
        users = {m["user"] for m in inside}
        weekly = Counter(_monday(m["ts"]) for m in inside)
        ref = datetime.fromisoformat(until) if until else datetime.now(UTC)
        last = sum(1 for m in members if _within(m["ts"], _bound(ref - timedelta(days=7)), until))
        before = sum(1 for m in members if _within(m["ts"], _bound(ref - timedelta(days=14)),
                                                   _bound(ref - timedelta(days=7))))
        label = row["label"] if any(m["question_id"] == row["label_qid"] for m in members) else None
        examples = _examples(inside)
        return NeedGroup(
            id=row["id"], region=row["region"], state=row["state"],
            label=label or (examples[0] if examples else ""), topic=row["topic"],
            nearest_entries=[(e, float(s)) for e, s in _loads(row["nearest"])], size=len(inside),
            people=len(users - {None}) + (None in users),
            languages=dict(Counter(m["lang"] or "?" for m in inside).most_common()),
            first_seen=inside[0]["ts"], last_seen=inside[-1]["ts"], weekly=dict(sorted(weekly.items())),
            trend=float(last - before), examples=examples, causes=dict(Counter(m["cause"] for m in inside)),
            state_changed=row["state_changed"],
        )

    def misses(self, region: str | None, since: date | datetime | str | None = None,
               until: date | datetime | str | None = None) -> list[Miss]:
        """Every signal of a region in the window with its cause (see signals/misses.py), oldest first."""
        if self.auto_update:
            self.update(region)
        where = "s.region = ?" if region is not None else "1=1"
        lo, hi = _bound(since), _bound(until, end=True)
        return [Miss(question_id=m["question_id"], region=m["region"], ts=m["ts"], lang=m["lang"],
                     kind=m["kind"], cause=m["cause"], entry_id=m["nearest_entry"], score=m["nearest_score"],
                     group_id=m["group_id"], text=m["text"])
                for m in self.db.query(_MEMBERS_SQL.format(where=where), [region] if region else [])
                if _within(m["ts"], lo, hi)]

    # ---- triage and fixes ------------------------------------------------------------------------

    def set_state(self, group_id: int, state: str, actor: str) -> None:
        """Move a group to new / in_progress / done / ignored (recorded in the audit log)."""
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}; states: {', '.join(STATES)}")
        row = self.group_row(group_id)
        if row["state"] == MERGED:
            raise ValueError(f"need group {group_id} was merged into #{row['merged_into']}")
        if row["state"] == state:
            return
        now = utc_now()
        with self.store._lock:
            self.db["need_groups"].update(group_id, {"state": state, "state_changed": now, "updated": now})
        self.audit.record(actor, "state", f"need:{group_id}", {"from": row["state"], "to": state})

    def attach_to_entry(self, group_id: int, entry_id: str, actor: str,
                        question_ids: list[int] | None = None) -> int:
        """Add the group's questions to an entry as sample questions, reindex, mark the group done.

        Returns how many questions were new to the entry. KeyError for an unknown entry;
        knowledge.writer.ContentRejected (nothing written) when the result would not load.
        """
        return attach(self, group_id, entry_id, actor, question_ids)

    def draft_entry(self, group_id: int, actor: str) -> Path:
        """Write a draft entry prefilled from the group into <region>/drafts/; returns its path."""
        return draft(self, group_id, actor)

    def similar(self, group_id: int, limit: int = 5) -> list[Similar]:
        """Open groups of the same region that may be the same need (for a person to merge), closest first."""
        return similar(self, group_id, limit)

    def merge(self, target_id: int, other_ids: list[int], actor: str) -> int:
        """Move the other groups' signals into the target; they become `merged` (see signals/need_merge.py).

        Returns how many signals moved. KeyError for an unknown group, ValueError for a group of another
        region, an already merged group or the target itself.
        """
        return merge(self, target_id, other_ids, actor)

    def member_questions(self, group_id: int) -> list[dict[str, Any]]:
        """The group's signals that still have their text: question_id, lang, text, ts (oldest first)."""
        return [dict(r) for r in self.db.query(
            "SELECT s.question_id, s.lang, q.text, s.ts FROM need_signals s JOIN questions q "
            "ON q.id = s.question_id WHERE s.group_id = ? AND q.text IS NOT NULL ORDER BY s.ts", [group_id])]


def _monday(ts: str) -> str:
    day = datetime.fromisoformat(ts).date()
    return (day - timedelta(days=day.weekday())).isoformat()


def _examples(members: list[dict[str, Any]]) -> list[str]:
    """Up to EXAMPLES distinct texts, newest first, one per language before any second one."""
    seen: set[str] = set()
    langs: set[str | None] = set()
    first, rest = [], []
    for m in reversed(members):
        text = m["text"]
        if not text or " ".join(text.lower().split()) in seen:
            continue
        seen.add(" ".join(text.lower().split()))
        (rest if m["lang"] in langs else first).append(text)
        langs.add(m["lang"])
    return (first + rest)[:EXAMPLES]


def _loads(value: str | None) -> Any:
    return json.loads(value) if value else []
