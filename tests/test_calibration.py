"""Threshold calibration (global and per language) and the search options it is calibrated with."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np

from admin.evaluation import (
    Item,
    Result,
    best_thresholds,
    calibrate,
    choose_thresholds,
    cross_validate,
    kfold,
    utility,
)
from bot.answer import UNANSWERED, Answer
from bot.core import AnswerCore
from index.search_index import lexical_bonus, pool_groups
from index.thresholds import Thresholds


def _result(n: int, lang: str, in_scope: bool, score: float, top1: bool, top3: bool) -> Result:
    item = Item(id=f"{lang}-{n}", region="malopolska", lang=lang, text="q", in_scope=in_scope)
    answer = Answer(outcome=UNANSWERED, question="q", region="malopolska", lang=lang, detected_lang=lang,
                    score=score)
    return Result(item, answer, top1 and in_scope, (top1 or top3) and in_scope)


def _synthetic(seed: int, n: int = 120, langs: tuple[str, ...] = ("en", "uk")) -> list[Result]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        in_scope = rng.random() < 0.8
        right = in_scope and rng.random() < 0.85
        score = rng.gauss(1.0 if right else 0.96 if in_scope else 0.9, 0.03)
        out.append(_result(i, rng.choice(langs), in_scope, round(score, 3), right, rng.random() < 0.5))
    return out


def test_best_thresholds_is_the_exhaustive_optimum() -> None:
    for seed in range(8):
        results = _synthetic(seed, n=40)
        answer_at, unsure_at, value = best_thresholds(results)
        assert unsure_at <= answer_at
        assert abs(utility(results, answer_at, unsure_at) - value) < 1e-9
        cuts = [*sorted({r.answer.score for r in results}), 9.0]
        exhaustive = max(utility(results, a, u) for a, u in itertools.product(cuts, cuts) if u <= a)
        assert abs(exhaustive - value) < 1e-9


def test_folds_are_stable_stratified_and_disjoint() -> None:
    results = _synthetic(1)
    folds = kfold(results, 5)
    assert [[r.item.id for r in test] for _, test in folds] == \
        [[r.item.id for r in test] for _, test in kfold(list(results), 5)]
    tests = [r.item.id for _, test in folds for r in test]
    assert sorted(tests) == sorted(r.item.id for r in results)
    out_of_scope = sum(not r.item.in_scope for r in results)
    for train, test in folds:
        assert not {r.item.id for r in train} & {r.item.id for r in test}
        assert abs(sum(not r.item.in_scope for r in test) - out_of_scope / 5) <= 2


def test_per_language_pairs_need_enough_data_and_must_win_on_held_out_folds() -> None:
    results = _synthetic(2, n=200, langs=("en", "uk", "ka"))
    few = [r for r in results if r.item.lang != "ka"] + [
        _result(900 + i, "ka", i < 3, 0.95, True, True) for i in range(4)]
    chosen = choose_thresholds(few, per_language=True)
    assert "ka" not in chosen.per_lang  # 3 in scope, 1 out of scope: falls back to the global pair
    assert chosen.for_lang("ka") == (chosen.answer, chosen.unsure)
    for lang, own in chosen.per_lang.items():
        assert chosen.for_lang(lang) == (own["answer"], own["unsure"])
    search = Thresholds(lexical_weight=0.16, lexical_saturation=20.0, pool=3, model_id="m")
    thresholds, note = calibrate(few, search)
    held_global = cross_validate(few).utility
    held_lang = cross_validate(few, per_language=True).utility
    assert bool(thresholds.per_lang) == (held_lang >= held_global + 0.01 * len(few))
    assert (thresholds.lexical_weight, thresholds.lexical_saturation, thresholds.pool) == (0.16, 20.0, 3)
    assert f"global {held_global:.1f}" in note


def test_thresholds_round_trip_with_search_settings(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    Thresholds(answer=0.95, unsure=0.9, pool=3, lexical_saturation=20.0,
               per_lang={"uk": {"answer": 0.97, "unsure": 0.92}}).save(path)
    loaded = Thresholds.load(path)
    assert (loaded.pool, loaded.lexical_saturation) == (3, 20.0)
    assert loaded.for_lang("uk") == (0.97, 0.92) and loaded.for_lang("vi") == (0.95, 0.9)
    assert loaded.for_lang(None) == (0.95, 0.9)


def test_pooling_and_lexical_bonus() -> None:
    scores = np.array([0.9, 0.5, 0.7, 0.2, 0.8, 0.6])
    pooled, best = pool_groups(scores, np.array([3, 1, 2]), 2)
    assert np.allclose(pooled, [0.8, 0.2, 0.7]) and list(best) == [0, 3, 4]
    assert np.allclose(pool_groups(scores, np.array([3, 1, 2]), 1)[0], [0.9, 0.2, 0.8])
    raw = np.array([0.0, 2.0, 8.0])
    assert np.allclose(lexical_bonus(raw), [0, 0.25, 1])
    assert np.allclose(lexical_bonus(raw, 8.0), [0, 0.2, 0.5])  # the best of weak matches is not lifted to 1


def test_pooled_search_matches_exact_pooling(core: AnswerCore) -> None:
    index = core.region("malopolska").index
    questions = ["де зробити песель", "how to register a car from abroad", "bezpłatne kursy języka polskiego",
                 "what's the weather tomorrow"]
    vectors = core.embedder.encode_queries(questions)
    everything = index.faiss.reconstruct_n(0, index.faiss.ntotal)
    owners = [v.entry_id for v in index.variants]
    for question, vector in zip(questions, vectors, strict=True):
        sims = everything @ vector
        exact = {e: float(np.mean(sorted(sims[[i for i, o in enumerate(owners) if o == e]])[-3:]))
                 for e in set(owners)}
        hits = index.search(vector, question, k=3, pool=3)
        assert hits[0].entry_id == max(exact, key=exact.get)
        assert all(abs(h.score - exact[h.entry_id]) < 1e-5 for h in hits)
