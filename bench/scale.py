"""Scale: a synthetic knowledge base of 10,000 and 100,000 entry variants, and a large signals store.

The knowledge base is the real content cloned until it has that many variants (each clone keeps its
texts, so BM25 sees real vocabulary and document lengths, plus a word of its own). The vectors are
random unit vectors (embedding 100,000 texts would take the full build rate of bench/speed.py; FAISS and
BM25 cost the same whatever the vectors are). The index is the shipped `RegionIndex` (FAISS inner
product + BM25); each size is measured in a fresh process: build time, save and load time, search
latency (hybrid as shipped, and dense only), and memory.

    .venv/bin/python -m bench.scale [--quick] [--out docs/bench-speed.md]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import (
    Stopwatch,
    load_average,
    machine,
    markdown_table,
    peak_rss_mb,
    percentiles,
    rss_mb,
    save_raw,
    write_section,
)
from infopoint.settings import REPO_ROOT, load_settings

SIZES = (10_000, 100_000)
QUICK_SIZES = (2_000, 10_000)
QUERIES = 300
DIM = 384


def synthetic_entries(variants: int) -> dict[str, Any]:
    """The real entries cloned (new ids, one distinct word each) until they have `variants` variants."""
    from index.search_index import entry_variants
    from knowledge.loader import load_all

    originals = [e for content in load_all(load_settings().content_dir).values()
                 for e in content.entries.values()]
    entries: dict[str, Any] = {}
    total, n = 0, 0
    while total < variants:
        source = originals[n % len(originals)]
        clone_id = f"{source.id}-{n:06d}"
        texts = {lang: replace(t, title=f"{t.title} q{n:06d}") for lang, t in source.texts.items()}
        clone = replace(source, id=clone_id, texts=texts)
        entries[clone_id] = clone
        total += len(entry_variants(clone))
        n += 1
    return entries


def _unit(rows: int, rng: np.random.Generator) -> np.ndarray:
    vectors = rng.standard_normal((rows, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def worker_kb(size: int, tmp: Path) -> dict[str, Any]:
    """Build, save, load and search one synthetic index in this (fresh) process."""
    from admin.evaluation import load_items
    from index.search_index import RegionIndex, entry_variants

    rng = np.random.default_rng(size)
    out: dict[str, Any] = {"rss_start_mb": rss_mb()}
    entries = synthetic_entries(size)
    rows = [v for e in entries.values() for v, _ in entry_variants(e)]
    vectors = _unit(len(rows), rng)
    out.update(entries=len(entries), variants=len(rows), rss_content_mb=rss_mb())
    watch = Stopwatch()
    index = RegionIndex("synthetic", "random", "-", rows, vectors, entries)
    out["build_s"] = watch.elapsed
    out["rss_built_mb"] = rss_mb()
    watch = Stopwatch()
    index.save(tmp / "synthetic")
    out["save_s"] = watch.elapsed
    out["disk_mb"] = sum(f.stat().st_size for f in (tmp / "synthetic").iterdir()) / 2**20
    del index
    watch = Stopwatch()
    index = RegionIndex.load(tmp / "synthetic", "random", "-", entries)
    out["load_s"] = watch.elapsed
    assert index is not None and index.faiss.ntotal == len(rows)
    texts = [i.text for i in load_items([REPO_ROOT / "eval"])]
    picks = rng.integers(0, len(rows), QUERIES)
    queries = vectors[picks] + 0.05 * _unit(QUERIES, rng)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    for name, weight in (("hybrid", 0.08), ("dense", 0.0)):
        times = []
        for n, query in enumerate(queries):
            watch = Stopwatch()
            index.search(query, texts[n % len(texts)], k=8, lexical_weight=weight)
            times.append(watch.elapsed)
        out[name] = percentiles(times[10:])
    out["rss_end_mb"] = rss_mb()
    out["peak_rss_mb"] = peak_rss_mb()
    return out


SUFFIXES = ("", "?", " please", " asap", " 2026", " in Kraków", " in Brno", " — help", " !!", " for my son",
            " for my wife", " urgent")
OUTCOMES = (("answered", 0.75), ("unsure", 0.08), ("unanswered", 0.17))
WEEKS = 26


def distinct_questions(per_region: int) -> dict[str, list[tuple[str, str]]]:
    """(text, lang) per region: the labelled questions of the region and the out-of-scope ones, varied."""
    from admin.evaluation import load_items

    items = load_items([REPO_ROOT / "eval"])
    regions = sorted({i.region for i in items if i.in_scope})
    out = {}
    for region in regions:
        base = [(i.text, i.lang) for i in items if i.region == region or not i.in_scope]
        varied = [(text + suffix, lang) for suffix in SUFFIXES for text, lang in base]
        out[region] = varied[:per_region]
    return out


def fill_store(path: Path, questions: int, texts: dict[str, list[tuple[str, str]]],
               rng: np.random.Generator, start_id: int = 1, days: int = WEEKS * 7) -> float:
    """Insert `questions` synthetic questions (and 1% votes) with executemany; returns the seconds."""
    import sqlite3
    from datetime import UTC, datetime, timedelta

    from signals.store import SignalStore

    SignalStore(path)  # the schema, as the product creates it
    watch = Stopwatch()
    now = datetime.now(UTC).replace(microsecond=0)
    regions = sorted(texts)
    region_of = rng.choice(len(regions), questions, p=[0.7, 0.3] if len(regions) == 2 else None)
    picks = rng.random(questions)
    outcome_of = np.searchsorted(np.cumsum([p for _, p in OUTCOMES]), rng.random(questions))
    seconds = rng.integers(0, days * 86400, questions)
    users = rng.integers(0, 100_000, questions)
    rows = []
    for n in range(questions):
        region = regions[region_of[n]]
        text, lang = texts[region][int(picks[n] * len(texts[region]))]
        ts = (now - timedelta(seconds=int(seconds[n]))).isoformat()
        user = None if users[n] % 10 == 0 else f"u{users[n]:06x}"
        rows.append((start_id + n, ts, region, "telegram" if user else "web", lang, lang,
                     OUTCOMES[min(outcome_of[n], 2)][0], None, 0.9, "[]", text, user, 0, None, "migrant"))
    votes = [(row[0], row[1], None, -1 if row[0] % 3 else 1, row[11], row[2], row[4])
             for row in rows[:: 100]]
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany("INSERT INTO questions (id, ts, region, channel, lang, detected_lang, outcome, "
                         "entry_id, score, candidates, text, user, emergency, picked_entry, audience) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.executemany("INSERT INTO feedback (question_id, ts, entry_id, vote, user, region, lang) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", votes)
    conn.close()
    return watch.elapsed


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to encode (to check each is embedded once)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.model_id, self.dim, self.encoded = inner, inner.model_id, inner.dim, 0

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Counted query vectors."""
        self.encoded += len(texts)
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Counted passage vectors."""
        self.encoded += len(texts)
        return self.inner.encode_passages(texts)


def worker_signals(size: int, distinct: int, backend: str, tmp: Path) -> dict[str, Any]:
    """A store of `size` questions: grouping all unmet needs, an incremental update, two reports."""
    import shutil
    from datetime import date, timedelta

    from admin.report_formats import render_report
    from admin.reports import build_report
    from bot.services import build_core
    from index.embedder import load_embedder
    from signals.needs import NeedInbox
    from signals.store import SignalStore

    rng = np.random.default_rng(size)
    settings = replace(load_settings(), embedder=backend, data_dir=tmp / f"signals-{size}",
                       cache_dir=tmp / "cache", batch_queries=False)
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    models = load_settings().cache_dir / "models"
    if not (settings.cache_dir / "models").exists():
        (settings.cache_dir / "models").symlink_to(models)
    source = replace(load_settings(), embedder=backend).index_dir
    if source.exists():
        shutil.copytree(source, settings.index_dir)
    embedder = CountingEmbedder(load_embedder(settings))
    core = build_core(settings, embedder=embedder)
    texts = distinct_questions(distinct // 2)
    out: dict[str, Any] = {"questions": size, "distinct_texts": sum(len(t) for t in texts.values()),
                           "index_texts_embedded": embedder.encoded}
    out["insert_s"] = fill_store(settings.db_path, size, texts, rng)
    store = SignalStore(settings.db_path)
    inbox = NeedInbox(store, embedder, core.catalog, unsure_settle=timedelta(0), auto_update=False)
    embedder.encoded = 0
    watch = Stopwatch()
    out["placed"] = inbox.update()
    out["group_s"] = watch.elapsed
    out["grouping_texts_embedded"] = embedder.encoded
    out["groups"] = store.db.execute("SELECT COUNT(*) FROM need_groups").fetchone()[0]
    watch = Stopwatch()
    out["placed_again"] = inbox.update()
    out["update_nothing_new_s"] = watch.elapsed
    fill_store(settings.db_path, 1000, texts, rng, start_id=size + 1, days=1)
    watch = Stopwatch()
    out["placed_new"] = inbox.update()
    out["update_1000_new_s"] = watch.elapsed
    today = date.today()
    for name, days in (("report_4_weeks", 28), ("report_26_weeks", WEEKS * 7)):
        watch = Stopwatch()
        report = build_report(store, inbox, "malopolska", today - timedelta(days=days - 1), today)
        out[name + "_s"] = watch.elapsed
        watch = Stopwatch()
        render_report(report, "html")
        out[name + "_render_s"] = watch.elapsed
        out[name + "_questions"] = report.totals.total
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _run_worker(args: list[str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.scale", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise RuntimeError(f"worker {args} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _build_rate() -> float | None:
    """Variants embedded per second in the last full build of bench/speed.py (default backend)."""
    path = REPO_ROOT / "data" / "bench" / "speed.json"
    try:
        results = json.loads(path.read_text())["results"]
        core = next(iter(results.values()))["core"]
        return core["build_variants"] / core["build_s"]
    except (OSError, ValueError, KeyError, StopIteration, ZeroDivisionError):
        return None


def render(kb: list[dict[str, Any]], store: dict[str, Any], meta: dict[str, Any]) -> str:
    """The Markdown section of this run."""
    parts = [f"Measured {meta['date']} with `{meta['command']}` in {meta['seconds']:.0f} s. "
             f"Load average before / after: {meta['load_before']} → {meta['load_after']}."]
    if meta["note"]:
        parts.append(f"\n> {meta['note']}\n")
    parts += ["\n### A synthetic knowledge base\n",
              "The real entries cloned (own ids, one distinct word each) until the index has that many "
              "variants; random unit vectors; the shipped `RegionIndex` (FAISS `IndexFlatIP` + BM25), one "
              f"fresh process per size, {QUERIES} searches (query vectors near a random variant, labelled "
              "questions as the lexical text).\n"]
    rows = [[f"{r['variants']:,}", f"{r['entries']:,}", f"{r['build_s']:.2f}", f"{r['save_s']:.2f}",
             f"{r['load_s']:.2f}", f"{r['disk_mb']:.0f}",
             f"{r['hybrid']['p50']:.2f} / {r['hybrid']['p95']:.2f} / {r['hybrid']['p99']:.2f}",
             f"{r['dense']['p50']:.2f} / {r['dense']['p95']:.2f}",
             f"{r['rss_built_mb'] - r['rss_start_mb']:.0f}", f"{r['peak_rss_mb']:.0f}"] for r in kb]
    parts.append(markdown_table(
        ["variants", "entries", "build s", "save s", "load s", "on disk MB", "search ms p50 / p95 / p99",
         "dense only ms p50 / p95", "RSS of content + index MB", "peak RSS MB"], rows))
    rate = meta.get("build_rate")
    if rate:
        parts.append("\nEmbedding the texts is the cost the random vectors leave out: at the full-build "
                     f"rate measured by bench/speed.py ({rate:.0f} variants/s), "
                     + ", ".join(f"{r['variants']:,} variants take ~{r['variants'] / rate / 60:.0f} min"
                                 for r in kb)
                     + " once; after that the embedding cache makes edits cheap.")
    parts += [f"\n### A signals store of {store['questions']:,} questions\n",
              f"Questions over {WEEKS} weeks inserted with `executemany` into the product's schema (two "
              f"regions, {store['distinct_texts']:,} distinct texts: the labelled questions with variations; "
              "outcomes "
              + ", ".join(f"{name} {share:.0%}" for name, share in OUTCOMES)
              + "; 1% of the questions voted on, two of three votes down). Grouping uses the "
              f"`{meta['backend']}` embedder with an empty embedding cache.\n",
              markdown_table(["what", "figure"], [
                  ["inserting the questions", f"{store['insert_s']:.1f} s"],
                  ["`NeedInbox.update()`: grouping every unmet need",
                   f"{store['group_s']:.1f} s ({store['placed']:,} signals into {store['groups']:,} groups)"],
                  ["texts embedded for it (each distinct text once)",
                   f"{store['grouping_texts_embedded']:,}"],
                  ["`update()` again, nothing new", f"{store['update_nothing_new_s']:.2f} s"],
                  ["`update()` after 1,000 new questions",
                   f"{store['update_1000_new_s']:.2f} s ({store['placed_new']:,} signals placed)"],
                  ["`build_report` Małopolska, last 4 weeks",
                   f"{store['report_4_weeks_s']:.1f} s ({store['report_4_weeks_questions']:,} questions), "
                   f"HTML {store['report_4_weeks_render_s']:.2f} s"],
                  ["`build_report` Małopolska, 26 weeks",
                   f"{store['report_26_weeks_s']:.1f} s ({store['report_26_weeks_questions']:,} questions), "
                   f"HTML {store['report_26_weeks_render_s']:.2f} s"],
                  ["peak RSS of the process", f"{store['peak_rss_mb']:.0f} MB"],
              ])]
    return "\n".join(parts) + "\n"


def run(quick: bool, out: Path, note: str, signals: int, distinct: int, backend: str) -> dict[str, Any]:
    """Measure every size, write the report section."""
    load_before = load_average()
    watch = Stopwatch()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as name:
        kb = []
        for size in QUICK_SIZES if quick else SIZES:
            print(f"synthetic knowledge base of {size:,} variants ...", flush=True)
            kb.append(_run_worker(["--worker", "kb", "--size", str(size), "--tmp", name]))
        print(f"signals store of {signals:,} questions ...", flush=True)
        store = _run_worker(["--worker", "signals", "--size", str(signals), "--distinct", str(distinct),
                             "--backend", backend, "--tmp", name])
    command = "python -m bench.scale" + (" --quick" if quick else "")
    meta = {"date": time.strftime("%Y-%m-%d %H:%M"), "seconds": watch.elapsed, "machine": machine(),
            "command": command, "load_before": load_before, "backend": backend,
            "load_after": load_average(), "note": note, "build_rate": _build_rate()}
    write_section(out, "scale", render(kb, store, meta))
    save_raw("scale", {"meta": meta, "kb": kb, "signals": store})
    return {"kb": kb, "signals": store}


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (for development)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "bench-speed.md")
    parser.add_argument("--note", default=os.environ.get("BENCH_NOTE", ""),
                        help="a remark printed above the figures")
    parser.add_argument("--signals", type=int, default=None,
                        help="questions in the signals store (default 1,000,000; 20,000 with --quick)")
    parser.add_argument("--distinct", type=int, default=3000, help="distinct question texts in it")
    parser.add_argument("--backend", default="torch", help="embedder backend for grouping")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker == "kb":
        print(json.dumps(worker_kb(args.size, args.tmp)))
        return 0
    if args.worker == "signals":
        print(json.dumps(worker_signals(args.size, args.distinct, args.backend, args.tmp)))
        return 0
    signals = args.signals or (20_000 if args.quick else 1_000_000)
    run(args.quick, args.out, args.note, signals, args.distinct, args.backend)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
