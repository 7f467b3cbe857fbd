"""Merging need groups that are the same need, and the suggestions of which ones might be.

Grouping joins a signal to a group only when it is clearly close (signals/need_groups.py), so one need
can still end up in a few groups, typically split by language. `similar` offers the open groups of the
same region that may be the same need: centroid cosine (language-centred space) from SUGGEST_THRESHOLD,
or from SUGGEST_SAME_ENTRY when both groups have the same nearest entry. A person decides; `merge` then
moves the signals. Merging is the one change of membership, and it only ever joins whole groups.

The band is wide on purpose, since a missed suggestion leaves a need split while a wrong one costs a
glance: in the simulated groupings of bench/need_grouping.py, 15 of 168 suggested pairs on the eval
set and 320 of 4717 on the content set join pieces of the same label (the content set counts other
phrasings of the same entry as different needs). At most `limit` (5) are shown per group, closest first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from signals.need_groups import SUGGEST_SAME_ENTRY, SUGGEST_THRESHOLD, from_blob, to_blob, unit
from signals.store import utc_now

if TYPE_CHECKING:
    from signals.needs import NeedGroup, NeedInbox

OPEN = ("new", "in_progress")


@dataclass
class Similar:
    """A group that may be the same need as another one."""

    group: NeedGroup
    similarity: float  # centroid cosine in the grouping space
    same_entry: bool  # both groups have the same nearest entry


def _top_entry(nearest: str | None) -> str | None:
    hits = json.loads(nearest) if nearest else []
    return hits[0][0] if hits else None


def similar(inbox: NeedInbox, group_id: int, limit: int = 5) -> list[Similar]:
    """Open groups of the group's region that may be the same need, closest first (at most `limit`)."""
    row = inbox.group_row(group_id)
    others = [dict(r) for r in inbox.db.query(
        f"SELECT id, centroid, nearest FROM need_groups WHERE region = ? AND id != ? "
        f"AND state IN ({','.join('?' * len(OPEN))})", [row["region"], group_id, *OPEN])]
    if not others or row["state"] == "merged":
        return []
    scores = unit(np.stack([from_blob(o["centroid"]) for o in others])) @ unit(from_blob(row["centroid"]))
    entry = _top_entry(row["nearest"])
    found = []
    for other, score in zip(others, scores.tolist(), strict=True):
        same_entry = entry is not None and _top_entry(other["nearest"]) == entry
        if score >= SUGGEST_THRESHOLD or (same_entry and score >= SUGGEST_SAME_ENTRY):
            found.append((score, other["id"], same_entry))
    out = []
    for score, other_id, same_entry in sorted(found, reverse=True):
        try:
            out.append(Similar(inbox.group(other_id), round(score, 4), same_entry))
        except KeyError:  # no signal left (all removed by /forget)
            continue
        if len(out) == limit:
            break
    return out


def merge(inbox: NeedInbox, target_id: int, other_ids: list[int], actor: str) -> int:
    """Move the others' signals into the target and mark them merged; returns how many signals moved.

    The target keeps its id and state; its centroid and sums become those of all the signals, so new
    signals that would have joined a merged group join the target. Groups merged earlier into one of
    the others point to the target from now on. Recorded in the audit log.
    """
    others = sorted(set(other_ids) - {target_id})
    if not others:
        raise ValueError("choose at least one other group to merge")
    target = inbox.group_row(target_id)
    rows = [inbox.group_row(other) for other in others]
    for row in [target, *rows]:
        if row["state"] == "merged":
            raise ValueError(f"need group {row['id']} was already merged into #{row['merged_into']}")
        if row["region"] != target["region"]:
            raise ValueError(f"need group {row['id']} is in {row['region']}, not {target['region']}")
    now = utc_now()
    marks = ",".join("?" * len(others))
    with inbox.store._lock:
        conn = inbox.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            sql = "SELECT centroid, raw_sum, state FROM need_groups WHERE id = ?"
            sums = [conn.execute(sql, [g]).fetchone() for g in [target_id, *others]]
            if any(state == "merged" for _, _, state in sums):
                raise ValueError("a group was merged meanwhile; reload and try again")
            centroid = sum(from_blob(c) for c, _, _ in sums)
            raw_sum = sum(from_blob(r) for _, r, _ in sums)
            moved = conn.execute(f"UPDATE need_signals SET group_id = ? WHERE group_id IN ({marks})",
                                 [target_id, *others]).rowcount
            conn.execute("UPDATE need_groups SET centroid = ?, raw_sum = ?, updated = ? WHERE id = ?",
                         [to_blob(centroid), to_blob(raw_sum), now, target_id])
            conn.execute(f"UPDATE need_groups SET state = 'merged', merged_into = ?, state_changed = ?, "
                         f"updated = ? WHERE id IN ({marks})", [target_id, now, now, *others])
            conn.execute(f"UPDATE need_groups SET merged_into = ? WHERE merged_into IN ({marks})",
                         [target_id, *others])
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
    inbox.refresh_group(target_id)
    inbox.audit.record(actor, "merge", f"need:{target_id}", {"merged": others, "signals": moved})
    for other in others:
        inbox.audit.record(actor, "merged_into", f"need:{other}", {"into": target_id})
    return moved
