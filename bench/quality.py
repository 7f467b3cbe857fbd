"""`make bench-quality`: search quality against baselines, side by side in one run.

Runs the labelled sets (eval/*.yaml) through the shipped answer core and through search variants
built in memory (bench/search_variants.py) over the same content, with the real model and the
embedding cache. Thresholds are never tuned on the items they decide: every variant's outcomes
come from k-fold cross-validation (thresholds chosen on the other folds). The default is the
variant with the best cross-validated utility among those that, with thresholds chosen on all
items, still answer the 20 most asked questions directly (tests/test_top_questions.py, a product
requirement); a nested cross-validation (the same choice made on the training folds only) shows
whether choosing so beats the shipped recipe on held-out folds. Writes docs/bench-quality.md and
docs/img/score-distribution.png.

    .venv/bin/python -m bench.quality [--folds 5] [--out docs/bench-quality.md]
"""

from __future__ import annotations

import argparse
import importlib.util
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from admin.evaluation import (
    CrossValidation,
    Item,
    Result,
    best_thresholds,
    cross_validate,
    judge,
    kfold,
    load_items,
    outcomes_with,
    run_items,
    utility,
)
from bench.search_variants import ALL_KINDS, RegionTables, SearchVariant, variants
from bot.answer import UNANSWERED, Answer
from bot.core import SEARCH_DEPTH, AnswerCore
from bot.services import build_core
from index.thresholds import Thresholds
from infopoint.settings import REPO_ROOT, load_settings

SHIPPED = "shipped"
PREVIOUS = "hybrid-0.08"  # the recipe shipped before this benchmark existed
PREVIOUS_AS_SHIPPED = "previous"  # ... with the thresholds it shipped with (calibration.json then)
PREVIOUS_THRESHOLDS = Thresholds(answer=0.955, unsure=0.9375)
CLEAR_GAIN = 0.02  # held-out utility per item a variant must gain to replace the shipped recipe
TOP_QUESTIONS = REPO_ROOT / "tests" / "test_top_questions.py"
TOP_REGION = "malopolska"  # the region of those questions


@dataclass
class FoldPick:
    """One outer fold of the nested selection."""

    fold: int
    pick: str
    held_out: dict[str, float]  # variant -> utility on this fold with thresholds from the other folds
    items: int


@dataclass
class Bench:
    """Everything one run measured."""

    items: list[Item]
    catalogue: list[SearchVariant]
    runs: dict[str, list[Result]]
    thresholds: Thresholds
    k: int
    model_id: str
    entries: int
    current: str = ""
    cv: dict[str, CrossValidation] = field(default_factory=dict)
    folds: list[FoldPick] = field(default_factory=list)
    pick: str = ""
    lang_cv: CrossValidation | None = None
    checks: dict[str, str] = field(default_factory=dict)
    top_answered: dict[str, int] = field(default_factory=dict)  # of the most asked questions
    top_total: int = 0
    previous_as_shipped: list[Result] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def eligible(self) -> list[str]:
        """Variants that answer every one of the most asked questions (all of them if none does)."""
        names = [v.name for v in self.catalogue]
        return [n for n in names if self.top_answered.get(n) == self.top_total] or names

    def held(self, name: str) -> list[Result]:
        """A run with its held-out outcomes."""
        return self.cv[name].applied(self.runs[name])

    def nested_total(self, name: str | None = None) -> float:
        """Held-out utility of the nested selection (or of always using `name`)."""
        return sum(f.held_out[name or f.pick] for f in self.folds)


def settings_of(variant: SearchVariant) -> Thresholds | None:
    """The answer core's search settings that reproduce a variant, if the shipped index can."""
    if variant.kinds != ALL_KINDS or variant.source_only or not variant.dense or variant.lexical != "add" \
            or variant.pool < 1:
        return None
    return Thresholds(lexical_weight=variant.weight, lexical_saturation=variant.saturation, pool=variant.pool)


def matching_variant(thresholds: Thresholds, catalogue: list[SearchVariant]) -> SearchVariant:
    """The variant with the shipped search settings (added to the catalogue when it is not in it)."""
    for variant in catalogue:
        own = settings_of(variant)
        if own and (own.lexical_weight, own.lexical_saturation, own.pool) == \
                (thresholds.lexical_weight, thresholds.lexical_saturation, thresholds.pool):
            return variant
    variant = SearchVariant(f"shipped-recipe-{thresholds.lexical_weight}", "the shipped search settings",
                            pool=thresholds.pool, weight=thresholds.lexical_weight,
                            saturation=thresholds.lexical_saturation)
    catalogue.append(variant)
    return variant


def run_variant(core: AnswerCore, tables: dict[str, RegionTables], variant: SearchVariant,
                shipped: list[Result], vectors: dict[str, np.ndarray]) -> list[Result]:
    """Every item searched with one variant; the question, language and asker as in the shipped run."""
    ranked_by_id: dict[str, list[tuple[str, float]]] = {}
    for region, table in tables.items():
        group = [r for r in shipped if r.item.region == region]
        ranked = table.rank(variant, [r.answer.question for r in group], vectors[region],
                            [r.answer.official for r in group], SEARCH_DEPTH)
        ranked_by_id.update({r.item.id: rk for r, rk in zip(group, ranked, strict=True)})
    out = []
    for r in shipped:
        ranked = ranked_by_id[r.item.id]
        answer = Answer(outcome=UNANSWERED, question=r.answer.question, region=r.item.region,
                        lang=r.answer.lang, detected_lang=r.answer.detected_lang,
                        score=ranked[0][1] if ranked else None, official=r.answer.official, ranked=ranked)
        out.append(judge(core, r.item, answer))
    return out


def nested_selection(bench: Bench) -> list[FoldPick]:
    """Per outer fold: every candidate is cross-validated on the training folds alone (inner k-fold);
    the best is picked (ties: the simpler, earlier one), gets its thresholds on the training folds and
    is scored on the held-out fold. Every fixed variant is scored the same way, for comparison."""
    names = [v.name for v in bench.catalogue]
    splits = {n: kfold(bench.runs[n], bench.k) for n in names}
    out = []
    for f in range(bench.k):
        inner = {n: cross_validate(splits[n][f][0], k=bench.k).utility for n in bench.eligible}
        pick = max(bench.eligible, key=lambda n: (round(inner[n], 6), -names.index(n)))
        held = {}
        for n in names:
            answer_at, unsure_at, _ = best_thresholds(splits[n][f][0])
            held[n] = utility(splits[n][f][1], answer_at, unsure_at)
        out.append(FoldPick(f + 1, pick, held, len(splits[pick][f][1])))
    return out


def all_data_pick(bench: Bench) -> str:
    """What the selection picks given every item: the candidate with the best k-fold utility."""
    names = [v.name for v in bench.catalogue]
    return max(bench.eligible, key=lambda n: (round(bench.cv[n].utility, 6), -names.index(n)))


def verdict(bench: Bench) -> tuple[bool, str]:
    """Whether the all-data pick is clearly better than the shipped recipe on held-out folds."""
    n = len(bench.items)

    def against(name: str) -> tuple[float, int]:
        wins = sum(f.held_out[f.pick] > f.held_out[name] + 1e-9 for f in bench.folds)
        return (bench.nested_total() - bench.nested_total(name)) / n, wins

    picks = ", ".join(f"`{p}`" for p in sorted({f.pick for f in bench.folds}))
    text = (f"Among the {len(bench.eligible)} variants that answer all {bench.top_total} most asked "
            f"questions, the folds pick {picks}, and given all items the selection picks `{bench.pick}`. ")
    gain, wins = against(PREVIOUS)
    text += (f"Held out, selecting scores {gain:+.3f} utility per item against the previous default "
             f"`{PREVIOUS}` (better on {wins} of {bench.k} folds). ")
    if bench.pick == bench.current:
        return False, text + f"`{bench.pick}` is what ships."
    gain, wins = against(bench.current)
    clear = gain >= CLEAR_GAIN and wins >= bench.k - 1
    return clear, text + (
        f"Against the shipped `{bench.current}` it is {gain:+.3f} per item (better on {wins} of {bench.k} "
        "folds): "
        + ("clearly better, so it should ship." if clear else
           f"not clearly better (needs >= {CLEAR_GAIN} per item on {bench.k - 1} folds), so "
           f"`{bench.current}` stays."))


def _top(result: Result) -> str | None:
    return result.answer.ranked[0][0] if result.answer.ranked else None


def most_asked() -> list[tuple[str, set[str]]]:
    """The most asked questions and the entries that answer them (tests/test_top_questions.py)."""
    spec = importlib.util.spec_from_file_location("top_questions", TOP_QUESTIONS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TOP_QUESTIONS


def count_top_answered(bench: Bench, core: AnswerCore, tables: dict[str, RegionTables]) -> None:
    """How many of the most asked questions each variant answers directly and rightly, with the
    thresholds it gets on all items (and the shipped core with its own)."""
    top = most_asked()
    questions = [q for q, _ in top]
    bench.top_total = len(top)
    answers = core.ask_many(questions, TOP_REGION, record=False)
    bench.top_answered[SHIPPED] = sum(a.outcome == "answered" and a.entry.id in ok
                                      for a, (_, ok) in zip(answers, top, strict=True))
    vectors, _ = core.catalog.cache.embed(core.embedder.model_id, "query", questions,
                                          core.embedder.encode_queries)
    cases = [(v.name, v, best_thresholds(bench.runs[v.name])[0]) for v in bench.catalogue]
    previous = next(v for v in bench.catalogue if v.name == PREVIOUS)
    cases.append((PREVIOUS_AS_SHIPPED, previous, PREVIOUS_THRESHOLDS.answer))
    for name, variant, answer_at in cases:
        ranked = tables[TOP_REGION].rank(variant, questions, vectors, [False] * len(top), SEARCH_DEPTH)
        bench.top_answered[name] = sum(bool(r) and r[0][1] >= answer_at and r[0][0] in ok
                                       for r, (_, ok) in zip(ranked, top, strict=True))


def real_core_check(core: AnswerCore, items: list[Item], memory: list[Result],
                    settings: Thresholds) -> str:
    """Run the real answer core with a variant's search settings; compare with the in-memory run."""
    own = replace(core.thresholds, lexical_weight=settings.lexical_weight,
                  lexical_saturation=settings.lexical_saturation, pool=settings.pool, per_lang={})
    real = run_items(AnswerCore(core.catalog, None, own), items)
    same = sum(_top(a) == _top(b) for a, b in zip(real, memory, strict=True))
    diff = max(abs((a.answer.score or 0.0) - (b.answer.score or 0.0))
               for a, b in zip(real, memory, strict=True))
    c1 = sum(r.top1 for r in real if r.item.in_scope)
    return (f"{same}/{len(items)} same top entry, largest top-score difference {diff:.4f}, "
            f"correct@1 {c1}/{sum(i.in_scope for i in items)}")


def measure(eval_dir: Path, k: int) -> Bench:
    """Run every variant and all the analyses."""
    started = time.perf_counter()
    items = load_items([eval_dir])
    with tempfile.TemporaryDirectory() as tmp:
        core = build_core(replace(load_settings(), data_dir=Path(tmp)))
        shipped = run_items(core, items)
        catalogue = variants()
        bench = Bench(items, catalogue, {SHIPPED: shipped}, core.thresholds, k, core.embedder.model_id,
                      sum(len(live.content.entries) for live in core.catalog.regions.values()))
        bench.current = matching_variant(core.thresholds, catalogue).name
        regions = sorted({i.region for i in items})
        tables = {r: RegionTables(r, core.region(r).content.entries, core.embedder, core.catalog.cache)
                  for r in regions}
        vectors = {}
        for region in regions:
            texts = [r.answer.question for r in shipped if r.item.region == region]
            vectors[region], _ = core.catalog.cache.embed(core.embedder.model_id, "query", texts,
                                                          core.embedder.encode_queries)
        for variant in catalogue:
            bench.runs[variant.name] = run_variant(core, tables, variant, shipped, vectors)
        bench.cv = {name: cross_validate(results, k=k) for name, results in bench.runs.items()}
        previous = bench.runs[PREVIOUS]
        bench.previous_as_shipped = [
            Result(r.item, replace(r.answer, outcome=o), r.top1, r.top3)
            for r, o in zip(previous, outcomes_with(previous, PREVIOUS_THRESHOLDS), strict=True)]
        bench.lang_cv = cross_validate(shipped, per_language=True, k=k)
        count_top_answered(bench, core, tables)
        bench.folds = nested_selection(bench)
        bench.pick = all_data_pick(bench)
        for name in dict.fromkeys([bench.current, bench.pick]):
            settings = settings_of(next(v for v in catalogue if v.name == name))
            if settings is not None:
                bench.checks[name] = real_core_check(core, items, bench.runs[name], settings)
    bench.seconds = time.perf_counter() - started
    return bench


def main(argv: list[str] | None = None) -> int:
    """Measure, write the report and the plot, print the report."""
    from bench.quality_report import plot_scores, render

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=REPO_ROOT / "eval")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "bench-quality.md")
    parser.add_argument("--plot", type=Path, default=REPO_ROOT / "docs" / "img" / "score-distribution.png")
    args = parser.parse_args(argv)
    bench = measure(args.eval, args.folds)
    plot_scores(bench.runs[SHIPPED], bench.thresholds, args.plot)
    text = render(bench, args.out, args.plot)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"wrote {args.out} and {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
