"""The PII scrubber against labelled sets: recall on personal data, no change to ordinary questions.

tests/data/pii/with_pii.yaml lists strings with the exact values that must disappear;
tests/data/pii/without_pii.yaml lists strings that must come out unchanged (both written by
tests/data/pii/generate_sets.py; items marked `batch: held-out` were written after the rules were tuned).
The questions of the evaluation sets (eval/) and the knowledge base's sample questions are a second,
larger set of ordinary questions. Run with `-s` to see the figures that docs/privacy-scrubber.md quotes.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from knowledge.loader import load_all
from signals.scrub import find_personal_data, scrub

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "pii"
MIN_RECALL = 0.99
MAX_CHANGED = 0.01


def _load(name: str) -> list[dict]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def with_pii() -> list[dict]:
    return _load("with_pii.yaml")


@pytest.fixture(scope="module")
def without_pii() -> list[dict]:
    return _load("without_pii.yaml")


def _removed(text: str, value: str) -> bool:
    """True when every non-space character of `value` lies inside a detected span and it is gone."""
    start = text.find(value)
    assert start >= 0, f"label {value!r} is not in {text!r}"
    covered: set[int] = set()
    for f in find_personal_data(text):
        covered.update(range(f.start, f.end))
    inside = all(i in covered for i in range(start, start + len(value)) if not text[i].isspace())
    return inside and value not in scrub(text)


def _changed(texts: list[str]) -> list[str]:
    return [f"  {t!r} -> {out!r}" for t in texts if (out := scrub(t)) != t]


def test_sets_are_big_and_varied(with_pii: list[dict], without_pii: list[dict]) -> None:
    assert len(with_pii) >= 200 and len(without_pii) >= 200
    for items in (with_pii, without_pii):
        assert {"pl", "cs", "uk", "ru", "en", "vi", "ar"} <= {i["lang"] for i in items}
    kinds = {r["kind"] for i in with_pii for r in i["remove"]}
    assert {"phone", "pesel", "birth-number", "rnokpp", "passport", "id-card", "iban", "email", "address",
            "card", "birth-date"} <= kinds


def test_recall_on_personal_data(with_pii: list[dict]) -> None:
    values = [(item.get("batch", "dev"), r["kind"], r["value"], item["text"])
              for item in with_pii for r in item["remove"]]
    missed = [v for v in values if not _removed(v[3], v[2])]
    recall = 1 - len(missed) / len(values)
    print(f"\nPII set: {len(with_pii)} strings, {len(values)} labelled values, recall {recall:.4f}")
    for name, index in (("batch", 0), ("kind", 1)):
        total, lost = Counter(v[index] for v in values), Counter(v[index] for v in missed)
        print(f"  by {name}: " + ", ".join(f"{k} {total[k] - lost[k]}/{total[k]}" for k in sorted(total)))
    listing = "\n".join(f"  [{kind}] {value!r} in {text!r} -> {scrub(text)!r}"
                        for _, kind, value, text in missed)
    assert recall >= MIN_RECALL, f"recall {recall:.4f} < {MIN_RECALL}; missed values:\n{listing}"


def test_ordinary_questions_untouched(without_pii: list[dict]) -> None:
    changed = _changed([item["text"] for item in without_pii])
    share = len(changed) / len(without_pii)
    held_out = _changed([i["text"] for i in without_pii if i.get("batch") == "held-out"])
    print(f"\nnon-PII set: {len(without_pii)} strings, changed {len(changed)} ({share:.2%}); "
          f"held-out batch changed {len(held_out)}")
    listing = "\n".join(changed)
    assert share <= MAX_CHANGED, f"{share:.2%} of ordinary strings changed (max 1%):\n{listing}"


def test_real_questions_untouched() -> None:
    """Evaluation questions and the knowledge base's sample questions hold no personal data."""
    texts = [item["text"] for path in sorted((ROOT / "eval").glob("*.yaml"))
             for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    for region in load_all(ROOT / "knowledge" / "regions").values():
        texts += [q for e in region.entries.values() for t in e.texts.values() for q in t.questions]
    changed = _changed(texts)
    share = len(changed) / len(texts)
    print(f"\nreal questions (eval + knowledge samples): {len(texts)}, changed {len(changed)} ({share:.2%})")
    listing = "\n".join(changed)
    assert share <= MAX_CHANGED, f"{share:.2%} of real questions changed:\n{listing}"


def test_speed(with_pii: list[dict], without_pii: list[dict]) -> None:
    texts = [i["text"] for i in with_pii + without_pii]
    rounds = 5
    start = time.perf_counter()
    for _ in range(rounds):
        for t in texts:
            scrub(t)
    per_string = (time.perf_counter() - start) / (rounds * len(texts))
    print(f"\nscrub: {per_string * 1e6:.0f} µs per string ({len(texts)} strings x {rounds})")
    assert per_string < 0.002, f"{per_string * 1e6:.0f} µs per string (limit 2000)"


@pytest.mark.parametrize("text", [
    "a" * 4095 + "@", "a." * 2048 + "@", "1 " * 2048, "1-" * 2048, "(1) " * 1024, "+1 " * 1365, "1/" * 2048,
    "mieszkam " + "Krakowie " * 454, "mieszkam w " * 372, "urodzony 1 " * 372, "m. 1 " * 819,
    ("PESEL 90010112345 tel 600 123 456 ul. Długa 5 m. 3 " * 100)[:4096],
])
def test_long_messages_stay_fast(text: str) -> None:
    """A Telegram message is at most 4096 characters; no pattern may backtrack badly on one."""
    start = time.perf_counter()
    scrub(text)
    assert time.perf_counter() - start < 0.5
