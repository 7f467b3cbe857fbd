"""Run a labelled question set through the answer core; figures and threshold calibration.

Item format (YAML list): id, region, lang, text, in_scope, topic, expect_any (terms: an answer is
correct when the chosen entry's text, in any language, contains one, case-insensitive), audience,
source; optional expect_entry (entry ids) for a stricter check.
"""

from __future__ import annotations

import hashlib
import statistics
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
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


def judge(core: AnswerCore, item: Item, answer: Answer) -> Result:
    """Whether the top entry, and any of the top three, answers the item (for any search's ranking)."""
    ok = [item.in_scope and _matches(core, item, eid) for eid, _ in answer.ranked[:3]]
    return Result(item, answer, bool(ok[:1] and ok[0]), any(ok))


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
                results[item.id] = judge(core, item, answer)
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


# Utility of each outcome (answered, unsure, unanswered): a wrong answer costs more than an honest
# "I don't know". In scope: answered right +1 / wrong -1.5, unsure with the right entry among the
# choices +0.5 / otherwise -0.25, unanswered -0.5. Out of scope: answered -1.5, unsure -0.25, unanswered +1.
OUTCOMES = (ANSWERED, UNSURE, UNANSWERED)
MIN_IN_SCOPE_PER_LANG = 25
MIN_OUT_OF_SCOPE_PER_LANG = 5
PER_LANG_MARGIN = 0.01


def gains(result: Result) -> tuple[float, float, float]:
    """What answering / offering choices / declining would be worth for this item."""
    if result.item.in_scope:
        return (1.0 if result.top1 else -1.5, 0.5 if result.top3 else -0.25, -0.5)
    return (-1.5, -0.25, 1.0)


def score_of(result: Result) -> float:
    """The top score the thresholds are compared with (0 when nothing was found)."""
    return result.answer.score or 0.0


def lang_of(result: Result) -> str:
    """The language the thresholds are chosen for: the detected one, as in the answer core."""
    return result.answer.detected_lang or result.item.lang


def outcome_for(score: float, answer_at: float, unsure_at: float) -> str:
    """The outcome a pair of thresholds gives a score (the rule of `bot.core`)."""
    return ANSWERED if score >= answer_at else UNSURE if score >= unsure_at else UNANSWERED


def outcomes_with(results: list[Result], thresholds: Thresholds) -> list[str]:
    """The outcome of every result under these (possibly per-language) thresholds."""
    return [outcome_for(score_of(r), *thresholds.for_lang(lang_of(r))) for r in results]


def utility(results: list[Result], answer_at: float, unsure_at: float) -> float:
    """How good a pair of thresholds would be on these results (see `gains`)."""
    return sum(gains(r)[OUTCOMES.index(outcome_for(score_of(r), answer_at, unsure_at))] for r in results)


def thresholds_utility(results: list[Result], thresholds: Thresholds) -> float:
    """The utility of (per-language) thresholds on these results."""
    return sum(gains(r)[OUTCOMES.index(o)] for r, o in zip(results, outcomes_with(results, thresholds),
                                                             strict=True))


def best_thresholds(results: list[Result]) -> tuple[float, float, float]:
    """The (answer, unsure) pair with the highest utility, and that utility.

    Candidates are the midpoints between consecutive distinct scores (so it works for any score
    scale, BM25 as well as cosine); ties go to the stricter answer threshold, then the narrower band.
    Exact and fast: items sorted by score, cumulative gains, every pair evaluated at once.
    """
    if not results:
        return 1.0, 1.0, 0.0
    scores = np.array([score_of(r) for r in results])
    order = np.argsort(-scores, kind="stable")
    table = np.array([gains(r) for r in results])[order]
    cum = np.vstack([np.zeros(3), np.cumsum(table, axis=0)])  # cum[k]: gains of the k best-scored
    distinct = np.unique(scores)[::-1]
    cuts = np.concatenate([[distinct[0] + 0.01], (distinct[:-1] + distinct[1:]) / 2, [distinct[-1] - 0.01]])
    cuts = np.round(cuts, 4)
    taken = np.searchsorted(-scores[order], -cuts, side="right")  # items with score >= cut
    ka, ku = taken[:, None], taken[None, :]
    value = cum[ka, 0] + cum[ku, 1] - cum[ka, 1] + cum[-1, 2] - cum[ku, 2]
    value = np.where(ku >= ka, value, -np.inf)  # unsure threshold <= answer threshold
    best = value.max()
    a_idx, u_idx = np.argwhere(value >= best - 1e-9)[0]  # cuts descend: first = strictest
    return float(cuts[a_idx]), float(cuts[u_idx]), float(best)


def _shuffled(item_id: str) -> str:
    """A stable pseudo-random sort key: folds are the same in every run and for every search variant."""
    return hashlib.sha256(item_id.encode()).hexdigest()


def kfold(results: list[Result], k: int = 5) -> list[tuple[list[Result], list[Result]]]:
    """(train, test) pairs; stratified by (in scope, language) so each fold has its share of both."""
    strata: dict[tuple[bool, str], list[Result]] = defaultdict(list)
    for r in sorted(results, key=lambda r: _shuffled(r.item.id)):
        strata[(r.item.in_scope, r.item.lang)].append(r)
    fold: dict[str, int] = {}
    offset = 0
    for key in sorted(strata):
        for n, r in enumerate(strata[key]):
            fold[r.item.id] = (offset + n) % k
        offset += len(strata[key])
    return [([r for r in results if fold[r.item.id] != f], [r for r in results if fold[r.item.id] == f])
            for f in range(k)]


def choose_thresholds(results: list[Result], per_language: bool = False,
                      min_in: int = MIN_IN_SCOPE_PER_LANG,
                      min_out: int = MIN_OUT_OF_SCOPE_PER_LANG) -> Thresholds:
    """The best global pair; with `per_language`, an own pair for every language with enough
    in-scope and out-of-scope items (the others fall back to the global pair)."""
    answer_at, unsure_at, _ = best_thresholds(results)
    chosen = Thresholds(answer=answer_at, unsure=unsure_at)
    if per_language:
        by_lang: dict[str, list[Result]] = defaultdict(list)
        for r in results:
            by_lang[lang_of(r)].append(r)
        for lang, group in sorted(by_lang.items()):
            n_in = sum(r.item.in_scope for r in group)
            if n_in >= min_in and len(group) - n_in >= min_out:
                a, u, _ = best_thresholds(group)
                chosen.per_lang[lang] = {"answer": a, "unsure": u, "in_scope": n_in,
                                         "out_of_scope": len(group) - n_in}
    return chosen


@dataclass
class CrossValidation:
    """Held-out outcomes: every item decided by thresholds chosen without it."""

    outcomes: dict[str, str]
    utility: float
    fold_utilities: list[float]
    chosen: list[Thresholds]

    def applied(self, results: list[Result]) -> list[Result]:
        """The results with their held-out outcome in place of the one they were run with."""
        return [Result(r.item, replace(r.answer, outcome=self.outcomes[r.item.id]), r.top1, r.top3)
                for r in results]


def cross_validate(results: list[Result], per_language: bool = False, k: int = 5) -> CrossValidation:
    """Choose thresholds on k-1 folds, decide the k-th with them; repeat for every fold."""
    outcomes: dict[str, str] = {}
    fold_utilities, chosen = [], []
    for train, test in kfold(results, k):
        thresholds = choose_thresholds(train, per_language)
        chosen.append(thresholds)
        fold_utilities.append(thresholds_utility(test, thresholds))
        outcomes.update({r.item.id: o for r, o in zip(test, outcomes_with(test, thresholds), strict=True)})
    return CrossValidation(outcomes, sum(fold_utilities), fold_utilities, chosen)


def calibrate(results: list[Result], search: Thresholds, k: int = 5) -> tuple[Thresholds, str]:
    """Thresholds for results scored with the search settings of `search`, chosen on all results.

    Per-language pairs are kept only if they beat the global pair on held-out folds (k-fold
    cross-validation) by at least PER_LANG_MARGIN utility per item; else the global pair alone.
    """
    n = len(results)
    global_cv = cross_validate(results, per_language=False, k=k)
    lang_cv = cross_validate(results, per_language=True, k=k)
    use_lang = lang_cv.utility >= global_cv.utility + PER_LANG_MARGIN * n
    thresholds = choose_thresholds(results, per_language=use_lang)
    thresholds.model_id = search.model_id
    thresholds.lexical_weight = search.lexical_weight
    thresholds.lexical_saturation = search.lexical_saturation
    thresholds.pool = search.pool
    full = thresholds_utility(results, thresholds)
    candidates = ", ".join(sorted(choose_thresholds(results, per_language=True).per_lang)) or "none"
    thresholds.note = (
        f"utility {full:.1f} of max {n} on {n} items (in-sample); {k}-fold held-out utility: global "
        f"{global_cv.utility:.1f}, per-language (own pairs for {candidates}) {lang_cv.utility:.1f} -> "
        f"{'per-language' if use_lang else 'global'} (per-language must win by {PER_LANG_MARGIN} per item); "
        "global pairs chosen on the folds: " + ", ".join(f"{t.answer}/{t.unsure}" for t in global_cv.chosen))
    return thresholds, thresholds.note
