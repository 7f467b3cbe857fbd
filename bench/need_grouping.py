"""How well unmet-need grouping puts the same need together across languages (B-cubed precision/recall).

Two labelled sets, grouped per region in random orders with the real join rule of
signals/need_groups.py (`Centroids.best`), and scored with B-cubed precision and recall:

- eval: the eval/*.yaml items labelled with exactly one entry; label = that entry;
- content: the entries' sample questions; label = one question and its translations (same position
  in every language of the entry).

The nearest entry (used by the merge suggestions) is computed the way signals are placed, but with
the question's own labelled entry held out of the results: an unmet need is one the content does not
answer, so its nearest entry is a neighbour, not the answer.

    .venv/bin/python -m bench.need_grouping [--seeds 3]
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from infopoint.settings import REPO_ROOT
from signals.need_groups import (
    JOIN_THRESHOLD,
    NEW_LANGUAGE_THRESHOLD,
    SUGGEST_SAME_ENTRY,
    SUGGEST_THRESHOLD,
    Centroids,
    centred,
    unit,
)


@dataclass
class Item:
    """One labelled question with its grouping point and nearest entry."""

    region: str
    label: str
    lang: str
    text: str
    point: np.ndarray
    nearest: str | None


def eval_items(folder: Path) -> list[tuple[str, str, str, str, str]]:
    """(region, label, lang, text, entry) of the eval items labelled with exactly one entry."""
    out = []
    for path in sorted(folder.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            entries = item.get("expect_entry") or []
            if item.get("in_scope") and len(entries) == 1:
                out.append((item["region"], entries[0], item["lang"], item["text"], entries[0]))
    return out


def content_items(core) -> list[tuple[str, str, str, str, str]]:
    """(region, label, lang, text, entry) of every sample question; label = entry and position."""
    out = []
    for region in core.catalog.region_ids:
        for entry in core.catalog.get(region).content.entries.values():
            for lang, text in entry.texts.items():
                out += [(region, f"{entry.id}#{i}", lang, q, entry.id) for i, q in enumerate(text.questions)]
    return out


def prepare(core, inbox, rows: list[tuple[str, str, str, str, str]]) -> list[Item]:
    """Embed, centre and search every labelled question."""
    raw = inbox._embed([r[3] for r in rows])
    points = centred(raw, [r[2] for r in rows], inbox._language_means())
    items = []
    for (region, label, lang, text, entry), vector, point in zip(rows, raw, points, strict=True):
        hits = inbox.nearest(core.catalog.get(region), vector, text, k=4)
        held_out = [h for h in hits if h.entry_id != entry]
        items.append(Item(region, label, lang, text, point, held_out[0].entry_id if held_out else None))
    return items


def simulate(items: list[Item], seed: int, same: float = JOIN_THRESHOLD,
             new_language: float = NEW_LANGUAGE_THRESHOLD) -> list[int]:
    """Group the items per region in a random order with the real rule; returns each item's group."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    spaces: dict[str, Centroids] = {}
    assigned = [0] * len(items)
    for i in order:
        item = items[i]
        space = spaces.setdefault(item.region, Centroids(len(item.point)))
        group, _ = space.best(item.point, item.lang, same, new_language)
        if group is None:
            group = len(assigned) + i + 1
            space.add_group(group, item.point, [item.lang])
        else:
            space.join(group, item.point, item.lang)
        assigned[i] = group
    return assigned


def bcubed(labels: list[str], groups: list[int]) -> tuple[float, float]:
    """B-cubed precision and recall of a grouping against labels."""
    pair = Counter(zip(labels, groups, strict=True))
    by_label, by_group = Counter(labels), Counter(groups)
    n = len(labels)
    precision = sum(c * c / by_group[g] for (_, g), c in pair.items()) / n
    recall = sum(c * c / by_label[lab] for (lab, _), c in pair.items()) / n
    return precision, recall


def score(items: list[Item], seeds: int, **rule: float) -> tuple[float, float, float, float]:
    """Mean precision, recall, F1 and group count over `seeds` random orders."""
    labels = [f"{i.region}/{i.label}" for i in items]
    runs = []
    for seed in range(seeds):
        groups = simulate(items, seed, **rule)
        p, r = bcubed(labels, groups)
        runs.append((p, r, 2 * p * r / (p + r), len(set(groups))))
    return tuple(float(x) for x in np.mean(runs, axis=0))  # type: ignore[return-value]


def suggestions(items: list[Item], seed: int = 0) -> tuple[int, int]:
    """Merge suggestions between the groups of one simulated run: (right, wrong), right when the two
    groups' most common labels agree (the `similar` rule: centroid cosine, or the same nearest entry)."""
    groups = simulate(items, seed)
    members: dict[int, list[Item]] = {}
    for item, group in zip(items, groups, strict=True):
        members.setdefault(group, []).append(item)
    keys = list(members)
    cents = np.stack([unit(np.sum([i.point for i in members[g]], axis=0)) for g in keys])
    labels = [Counter(i.label for i in members[g]).most_common(1)[0][0] for g in keys]
    entries = [Counter(i.nearest for i in members[g]).most_common(1)[0][0] for g in keys]
    regions = [members[g][0].region for g in keys]
    right = wrong = 0
    sims = cents @ cents.T
    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            same_entry = entries[a] is not None and entries[a] == entries[b]
            if regions[a] == regions[b] and (sims[a, b] >= SUGGEST_THRESHOLD
                                             or (same_entry and sims[a, b] >= SUGGEST_SAME_ENTRY)):
                right, wrong = (right + 1, wrong) if labels[a] == labels[b] else (right, wrong + 1)
    return right, wrong


def main(argv: list[str] | None = None) -> None:
    """Print the B-cubed table of both sets for the given rules."""
    from bot.services import build_core
    from signals.needs import NeedInbox
    from signals.store import SignalStore

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)
    core = build_core()
    inbox = NeedInbox(SignalStore(Path("/tmp/need-grouping.sqlite3")), core.embedder, core.catalog)
    sets = {"eval": prepare(core, inbox, eval_items(REPO_ROOT / "eval")),
            "content": prepare(core, inbox, content_items(core))}
    rules = {"one threshold 0.55 (before)": {"same": 0.55, "new_language": 0.55},
             f"now ({JOIN_THRESHOLD}, new language {NEW_LANGUAGE_THRESHOLD})": {}}
    for name, items in sets.items():
        print(f"{name}: {len(items)} texts, {len({i.label for i in items})} labels")
        for rule_name, rule in rules.items():
            p, r, f, g = score(items, args.seeds, **rule)
            print(f"  {rule_name:34} precision {p:.3f} recall {r:.3f} F1 {f:.3f} groups {g:.0f}")
        right, wrong = suggestions(items)
        print(f"  merge suggestions: {right} same need, {wrong} not")

if __name__ == "__main__":
    main()
