"""Run a labelled question set through the answer core; figures and threshold calibration.

Item format (YAML list): id, region, lang, text, in_scope, topic, expect_any (terms: an answer is
correct when the chosen entry's text, in any language, contains one, case-insensitive), audience,
source; optional expect_entry (entry ids) for a stricter check.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.answer import ANSWERED, UNANSWERED, UNSURE, Answer
from bot.core import AnswerCore, Asker
from index.thresholds import Thresholds

REQUIRED = ("id", "region", "lang", "text", "in_scope")


@dataclass
class Item:
    """One labelled question."""

    id: str
    region: str
    lang: str
    text: str
    in_scope: bool
    topic: str | None = None
    expect_any: list[str] = field(default_factory=list)
    expect_entry: list[str] = field(default_factory=list)
    audience: str = "migrant"
    source: str = ""


def load_items(paths: list[Path]) -> list[Item]:
    """Items of one or more YAML files (a folder means all its *.yaml); ValueError names the problem."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    items: list[Item] = []
    seen: set[str] = set()
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(data, list):
            raise ValueError(f"{path}: must be a YAML list of items")
        for n, raw in enumerate(data):
            missing = [k for k in REQUIRED if k not in raw] if isinstance(raw, dict) else list(REQUIRED)
            if missing:
                raise ValueError(f"{path}: item {n}: missing {', '.join(missing)}")
            if raw["id"] in seen:
                raise ValueError(f"{path}: item {n}: duplicate id {raw['id']!r}")
            seen.add(raw["id"])
            known = {k: v for k, v in raw.items() if k in Item.__dataclass_fields__}
            known["expect_any"] = [str(t) for t in known.get("expect_any") or []]
            known["expect_entry"] = [str(t) for t in known.get("expect_entry") or []]
            known["in_scope"] = bool(known["in_scope"])
            items.append(Item(**known))
    return items


@dataclass
class Result:
    """What the core did with one item."""

    item: Item
    answer: Answer
    top1: bool
    top3: bool

    @property
    def answered_correctly(self) -> bool:
        return self.answer.outcome == ANSWERED and self.top1


def _matches(core: AnswerCore, item: Item, entry_id: str) -> bool:
    if item.expect_entry:
        return entry_id in item.expect_entry
    text = core.region(item.region).content.entries[entry_id].all_text().lower()
    return any(term.lower() in text for term in item.expect_any)


def run_items(core: AnswerCore, items: list[Item]) -> list[Result]:
    """Ask every item (not recorded as signals), batching per region and audience."""
    groups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in items:
        groups[(item.region, item.audience)].append(item)
    results: dict[str, Result] = {}
    for (region, audience), group in groups.items():
        for start in range(0, len(group), 64):
            chunk = group[start : start + 64]
            answers = core.ask_many([i.text for i in chunk], region, hints=[i.lang for i in chunk],
                                    record=False,
                                    asker=Asker(channel="eval", official=audience == "official"))
            for item, answer in zip(chunk, answers, strict=True):
                ranked = [eid for eid, _ in answer.ranked]
                ok = [item.in_scope and _matches(core, item, eid) for eid in ranked[:3]]
                results[item.id] = Result(item, answer, bool(ok[:1] and ok[0]), any(ok))
    return [results[i.id] for i in items]


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.1%}" if whole else "-"


def _percentiles(values: list[float]) -> str:
    if not values:
        return "-"
    qs = statistics.quantiles(values, n=20) if len(values) > 1 else [values[0]] * 19
    return f"min {min(values):.3f}  p10 {qs[1]:.3f}  p50 {statistics.median(values):.3f}  " \
           f"p90 {qs[17]:.3f}  max {max(values):.3f}"


def summary(results: list[Result]) -> dict[str, Any]:
    """The headline figures of a run."""
    ins = [r for r in results if r.item.in_scope]
    oos = [r for r in results if not r.item.in_scope]
    return {
        "items": len(results), "in_scope": len(ins), "out_of_scope": len(oos),
        "correct@1": sum(r.top1 for r in ins) / max(len(ins), 1),
        "correct@3": sum(r.top3 for r in ins) / max(len(ins), 1),
        "answered_correct": sum(r.answered_correctly for r in ins) / max(len(ins), 1),
        "answered_wrong": sum(r.answer.outcome == ANSWERED and not r.top1 for r in ins) / max(len(ins), 1),
        "unsure": sum(r.answer.outcome == UNSURE for r in ins) / max(len(ins), 1),
        "false_unanswered": sum(r.answer.outcome == UNANSWERED for r in ins) / max(len(ins), 1),
        "oos_rejected": sum(r.answer.outcome == UNANSWERED for r in oos) / max(len(oos), 1),
        "oos_answered": sum(r.answer.outcome == ANSWERED for r in oos) / max(len(oos), 1),
    }


def report(results: list[Result]) -> str:
    """A readable report: headline figures, per language, per topic, per region, score distributions."""
    ins = [r for r in results if r.item.in_scope]
    oos = [r for r in results if not r.item.in_scope]
    s = summary(results)
    lines = [
        f"items: {s['items']} ({s['in_scope']} in scope, {s['out_of_scope']} out of scope)",
        f"correct@1 (top entry right):          {_rate(sum(r.top1 for r in ins), len(ins))}",
        f"correct@3:                            {_rate(sum(r.top3 for r in ins), len(ins))}",
        f"answered and correct:                 {_rate(sum(r.answered_correctly for r in ins), len(ins))}",
        f"answered but wrong (in scope):        "
        f"{_rate(sum(r.answer.outcome == ANSWERED and not r.top1 for r in ins), len(ins))}",
        f"unsure (choices offered, in scope):   "
        f"{_rate(sum(r.answer.outcome == UNSURE for r in ins), len(ins))}",
        f"false 'unanswered' on in-scope:       "
        f"{_rate(sum(r.answer.outcome == UNANSWERED for r in ins), len(ins))}",
        f"out-of-scope rejected (unanswered):   "
        f"{_rate(sum(r.answer.outcome == UNANSWERED for r in oos), len(oos))}",
        f"out-of-scope answered (wrongly):      "
        f"{_rate(sum(r.answer.outcome == ANSWERED for r in oos), len(oos))}",
        "",
    ]
    for label, key in (("language", lambda r: r.item.lang), ("topic", lambda r: r.item.topic or "-"),
                       ("region", lambda r: r.item.region)):
        lines.append(f"by {label}: in-scope correct@1 / correct@3 / false-unanswered; out-of-scope rejected")
        buckets: dict[str, list[Result]] = defaultdict(list)
        for r in results:
            buckets[key(r)].append(r)
        for name in sorted(buckets):
            b_in = [r for r in buckets[name] if r.item.in_scope]
            b_out = [r for r in buckets[name] if not r.item.in_scope]
            lines.append(
                f"  {name:24} {_rate(sum(r.top1 for r in b_in), len(b_in)):>16}  "
                f"{_rate(sum(r.top3 for r in b_in), len(b_in)):>16}  "
                f"{_rate(sum(r.answer.outcome == UNANSWERED for r in b_in), len(b_in)):>16}  "
                f"{_rate(sum(r.answer.outcome == UNANSWERED for r in b_out), len(b_out)):>16}")
        lines.append("")
    lines += [
        "top score distributions:",
        f"  in scope, top entry right: "
        f"{_percentiles([r.answer.score for r in ins if r.top1 and r.answer.score])}",
        f"  in scope, top entry wrong: "
        f"{_percentiles([r.answer.score for r in ins if not r.top1 and r.answer.score])}",
        f"  out of scope:              {_percentiles([r.answer.score for r in oos if r.answer.score])}",
    ]
    return "\n".join(lines)


def out_record(core: AnswerCore, result: Result) -> dict[str, Any]:
    """One line of `--out` (JSONL)."""
    answer = result.answer
    entries = core.region(result.item.region).content.entries
    chosen = answer.entry.id if answer.entry else (answer.ranked[0][0] if answer.ranked else None)
    return {
        "id": result.item.id, "outcome": answer.outcome, "score": answer.score, "lang": answer.lang,
        "entry_id": answer.entry.id if answer.entry else None,
        "entry_text": entries[chosen].all_text() if chosen else None,
        "candidates": [{"entry_id": eid, "score": round(score, 4), "entry_text": entries[eid].all_text()}
                       for eid, score in answer.ranked[:3]],
    }


def utility(results: list[Result], answer_at: float, unsure_at: float) -> float:
    """How good a pair of thresholds would be on these results (see `calibrate`)."""
    total = 0.0
    for r in results:
        score = r.answer.score or 0.0
        outcome = ANSWERED if score >= answer_at else UNSURE if score >= unsure_at else UNANSWERED
        if r.item.in_scope:
            total += {ANSWERED: 1.0 if r.top1 else -1.5, UNSURE: 0.5 if r.top3 else -0.25,
                      UNANSWERED: -0.5}[outcome]
        else:
            total += {ANSWERED: -1.5, UNSURE: -0.25, UNANSWERED: 1.0}[outcome]
    return total


def best_thresholds(results: list[Result]) -> tuple[float, float, float]:
    """The (answer, unsure) pair with the highest utility on a grid, and that utility."""
    grid = [round(0.78 + 0.0025 * i, 4) for i in range(73)]
    best = (-1e9, 0.9, 0.85)
    for a in grid:
        for u in grid:
            if u <= a:
                value = utility(results, a, u)
                # ties: prefer the narrower unsure band and the stricter answer threshold
                if value > best[0] + 1e-9:
                    best = (value, a, u)
    return best[1], best[2], best[0]


def calibrate(results: list[Result], model_id: str) -> tuple[Thresholds, str]:
    """Thresholds chosen on all results, with a two-fold cross-check of how well they generalise.

    Utility per item: in scope, answered right +1, answered wrong -1.5, unsure with the right entry
    among the choices +0.5, unsure otherwise -0.25, unanswered -0.5; out of scope, unanswered +1,
    unsure -0.25, answered -1.5. Wrong answers cost more than honest "I don't know"s.
    """
    folds = [results[0::2], results[1::2]]
    notes = []
    for i, (train, test) in enumerate(((folds[0], folds[1]), (folds[1], folds[0])), 1):
        a, u, _ = best_thresholds(train)
        notes.append(f"fold {i}: chosen on {len(train)} items answer={a} unsure={u}; held-out utility "
                     f"{utility(test, a, u):.1f} of max {len(test)}")
    a, u, value = best_thresholds(results)
    note = f"utility {value:.1f} of max {len(results)} on {len(results)} items; " + "; ".join(notes)
    return Thresholds(answer=a, unsure=u, model_id=model_id, note=note), note
