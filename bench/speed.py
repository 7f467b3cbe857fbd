"""`make bench`: speed and memory of the answer core, the HTTP API and indexing, for each embedder backend.

For each backend (torch: the default, sentence-transformers: the library, lite), in fresh processes:
answer core latency over the labelled questions one at a time, next to the raw model's encode time of
the same text (the floor); a full index build with an empty embedding cache and an incremental re-index
after editing one entry; cold start of `infopoint ask` and of `infopoint run` until /healthz answers;
throughput through the real HTTP API (`infopoint run` in a subprocess, aiohttp clients with 1/8/16/32
requests in flight, each run repeated because this VM's cores are shared (steal time), query batching
on and off) and the server's peak RSS. Writes its section of docs/bench-speed.md (bench/scale.py
writes the other one).

    .venv/bin/python -m bench.speed [--quick] [--backends torch,sentence-transformers,lite] [--out FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from statistics import median
from typing import Any

from bench.common import (
    BIN,
    Stopwatch,
    bench_env,
    copy_index,
    load_average,
    machine,
    markdown_table,
    peak_rss_mb,
    percentiles,
    rss_mb,
    rss_parts_mb,
    save_raw,
    start_service,
    write_section,
)
from infopoint.settings import REPO_ROOT, load_settings

BACKENDS = ("torch", "sentence-transformers", "lite")
CONCURRENCY = (1, 8, 16, 32)
REPEATS = 3  # throughput runs per setting; the median is reported (the host's cores are shared)
TARGETS = {"p95_ms": 50.0, "qps": 60.0,
           "rss_mb": {"torch": 1300.0, "sentence-transformers": 1300.0, "lite": 300.0},
           "cold_s": 10.0, "reindex_s": 3.0}
COLD_QUESTION = "де зробити песель?"
QUICK_ENTRIES = 8


# ----------------------------------------------------------------------------- in a worker process

def _items(quick: bool) -> list[Any]:
    from admin.evaluation import load_items

    items = load_items([REPO_ROOT / "eval"])
    return items[:: max(1, len(items) // 60)] if quick else items


def _fresh_cache(tmp: Path) -> Path:
    """A cache folder with the materialised model but an empty embedding cache."""
    cache = tmp / "cache-empty"
    cache.mkdir(parents=True, exist_ok=True)
    models = load_settings().cache_dir / "models"
    if models.exists() and not (cache / "models").exists():
        (cache / "models").symlink_to(models)
    return cache


def edit_one_answer(path: Path, mark: str) -> None:
    """Change the first answer text of an entry file (a sentence added to its block scalar)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for n, line in enumerate(lines):
        found = re.match(r"^(\s*)answer:\s*(.*)$", line)
        if not found:
            continue
        if found.group(2).strip() in {">-", ">", "|", "|-", ">+", "|+"}:
            indent = re.match(r"^(\s*)", lines[n + 1]).group(1)
            lines.insert(n + 1, f"{indent}Updated note {mark}: please check the office hours first.\n")
        else:
            lines[n] = line.rstrip("\n") + f" Updated note {mark}.\n"
        path.write_text("".join(lines), encoding="utf-8")
        return
    raise ValueError(f"{path}: no answer to edit")


def worker_core(backend: str, tmp: Path, quick: bool) -> dict[str, Any]:
    """Latency of the core and of the raw model, index build and re-index, in this (fresh) process."""
    from bot.core import Asker
    from bot.services import build_core
    from index.embedder import load_embedder
    from index.language import detect_language
    from index.search_index import RegionIndex
    from knowledge.loader import region_folders

    out: dict[str, Any] = {}
    settings = replace(load_settings(), embedder=backend, data_dir=tmp / "data-core")
    copy_index(settings.data_dir, backend)
    watch = Stopwatch()
    embedder = load_embedder(settings)
    out["model_load_s"] = watch.elapsed
    watch = Stopwatch()
    core = build_core(settings, embedder=embedder)
    out["core_build_s"] = watch.elapsed
    items = _items(quick)
    for item in items[:10]:  # warm-up: first calls allocate, langdetect loads its profiles
        core.ask(item.text, item.region, hint=item.lang, record=False)
        embedder.encode_queries([item.text])
    ask_s, raw_s, detect_s, search_s, record_s = [], [], [], [], []
    asker = Asker(channel="bench")
    for item in items:
        watch = Stopwatch()
        answer = core.ask(item.text, item.region, hint=item.lang, asker=asker)
        ask_s.append(watch.elapsed)
        watch = Stopwatch()
        vector = embedder.encode_queries([answer.question])[0]
        raw_s.append(watch.elapsed)
        watch = Stopwatch()
        detect_language(answer.question, item.lang)
        detect_s.append(watch.elapsed)
        live = core.catalog.regions[item.region]
        watch = Stopwatch()
        live.index.search(vector, answer.question, k=8, lexical_weight=core.thresholds.lexical_weight)
        search_s.append(watch.elapsed)
        watch = Stopwatch()
        core.store.record_question(region=item.region, channel="bench", lang=answer.lang,
                                   outcome=answer.outcome, text=answer.question, score=answer.score)
        record_s.append(watch.elapsed)
    out.update(questions=len(items), ask=percentiles(ask_s), raw=percentiles(raw_s),
               detect=percentiles(detect_s), search=percentiles(search_s), record=percentiles(record_s))
    batch = [i.text for i in items[:32]]
    watch = Stopwatch()
    embedder.encode_queries(batch)
    out["raw_batch32_ms_per_question"] = watch.elapsed / len(batch) * 1000
    out["rss_after_latency_mb"] = rss_mb()

    # Full index build: every text embedded, nothing cached (one region with --quick).
    content = tmp / "content"
    shutil.copytree(settings.content_dir, content)
    if quick:  # a few entries of one region
        for folder in region_folders(content)[1:]:
            shutil.rmtree(folder)
        for path in sorted((region_folders(content)[0] / "entries").rglob("*.yaml"))[QUICK_ENTRIES:]:
            path.unlink()
    build = replace(settings, content_dir=content, data_dir=tmp / "data-build", cache_dir=_fresh_cache(tmp),
                    batch_queries=False)
    watch = Stopwatch()
    built = build_core(build, embedder=embedder)
    out["build_s"] = watch.elapsed
    out["build_variants"] = sum(len(r.index.variants) for r in built.catalog.regions.values())
    out["build_entries"] = sum(len(r.content.entries) for r in built.catalog.regions.values())

    # Incremental re-index: edit one entry's answer, refresh (its texts re-embedded, the rest cached).
    catalog = built.catalog
    watch = Stopwatch()
    catalog.refresh()
    out["refresh_unchanged_s"] = watch.elapsed
    reindex = []
    folders = region_folders(content)
    for n, folder in enumerate(folders * 3 if len(folders) < 3 else folders[:3]):
        entry_file = sorted((folder / "entries").rglob("*.yaml"))[n]
        edit_one_answer(entry_file, f"{n}-{time.time_ns()}")
        watch = Stopwatch()
        refused = catalog.refresh()
        reindex.append(watch.elapsed)
        index: RegionIndex = catalog.regions[folder.name].index
        assert not refused and index.newly_embedded >= 1, (refused, index.newly_embedded)
    out["reindex_s"] = reindex
    out["reindex_variants"] = len(catalog.regions[folders[0].name].index.variants)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _run_worker(name: str, backend: str, tmp: Path, quick: bool) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.speed", "--worker", name, "--backends", backend,
               "--tmp", str(tmp)]
    done = subprocess.run(command + (["--quick"] if quick else []), cwd=REPO_ROOT, capture_output=True,
                          text=True, env=bench_env(tmp / "data-core", backend))
    if done.returncode != 0:
        raise RuntimeError(f"worker {name} ({backend}) failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- cold start and HTTP

def cold_start(backend: str, tmp: Path, runs: int) -> dict[str, Any]:
    """`infopoint ask` wall time and `infopoint run` until /healthz, saved index in place (warm OS cache)."""
    data = tmp / "data-cold"
    copy_index(data, backend)
    env = bench_env(data, backend)
    ask, ready, model = [], [], []
    for _ in range(runs):
        watch = Stopwatch()
        subprocess.run([str(BIN / "infopoint"), "ask", "--region", "malopolska", COLD_QUESTION], env=env,
                       cwd=REPO_ROOT, check=True, capture_output=True)
        ask.append(watch.elapsed)
        served = start_service(env, tmp / "cold.log")
        ready.append(served.ready_seconds)
        served.stop()
        watch = Stopwatch()
        subprocess.run([sys.executable, "-c", "from index.embedder import load_embedder; "
                        "from infopoint.settings import load_settings; load_embedder(load_settings())"],
                       env=env, cwd=REPO_ROOT, check=True, capture_output=True)
        model.append(watch.elapsed)
    return {"ask_s": ask, "ready_s": ready, "model_process_s": model}


async def _load(url: str, questions: list[tuple[str, str]], concurrency: int, count: int) -> dict[str, Any]:
    import aiohttp

    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for n in range(count):
        queue.put_nowait(questions[n % len(questions)])

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        while not queue.empty():
            text, region = queue.get_nowait()
            watch = Stopwatch()
            async with session.post(url + "/api/v1/ask", json={"question": text, "region": region}) as resp:
                await resp.read()
                errors += resp.status != 200
            latencies.append(watch.elapsed)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        watch = Stopwatch()
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
        wall = watch.elapsed
    return {"concurrency": concurrency, "requests": count, "errors": errors, "qps": count / wall,
            **{k: v for k, v in percentiles(latencies).items() if k != "mean"}}


def throughput(backend: str, tmp: Path, quick: bool) -> dict[str, Any]:
    """The HTTP API under concurrent requests, with query batching on and off; the server's memory."""
    questions = [(i.text, i.region) for i in _items(quick)]
    out: dict[str, Any] = {}
    for batching in (True, False):
        data = tmp / f"data-http-{int(batching)}"
        copy_index(data, backend)
        served = start_service(bench_env(data, backend, INFOPOINT_BATCH_QUERIES=str(int(batching))),
                               tmp / "http.log")
        try:
            idle = rss_mb(served.process.pid)
            asyncio.run(_load(served.url, questions, 4, 20))  # warm-up
            runs = []
            for concurrency in CONCURRENCY:
                count = 60 if quick else max(300, 15 * concurrency)
                repeats = [asyncio.run(_load(served.url, questions, concurrency, count))
                           for _ in range(1 if quick else REPEATS)]
                runs.append({**sorted(repeats, key=lambda r: r["qps"])[len(repeats) // 2],
                             "qps_all": [r["qps"] for r in repeats]})
            out["batched" if batching else "unbatched"] = {
                "runs": runs, "idle_rss_mb": idle, "peak_rss_mb": peak_rss_mb(served.process.pid),
                "end_rss_mb": rss_parts_mb(served.process.pid)}
        finally:
            served.stop()
    return out


# ----------------------------------------------------------------------------- report

def _ms(value: float) -> str:
    return f"{value:.1f}"


def _verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def render(results: dict[str, dict[str, Any]], meta: dict[str, Any]) -> str:
    """The Markdown section with every figure of this run."""
    backends = list(results)
    parts = [f"Measured {meta['date']} with `{meta['command']}` in {meta['seconds']:.0f} s. "
             f"Load average before / after: {meta['load_before']} → {meta['load_after']}."]
    if meta["note"]:
        parts.append(f"\n> {meta['note']}\n")
    parts.append(markdown_table(["machine", ""], [[k, v] for k, v in meta["machine"].items()]))

    summary = []
    for b in backends:
        r = results[b]
        best = max(run["qps"] for run in r["http"]["batched"]["runs"])
        peak = max(mode["peak_rss_mb"] for mode in r["http"].values())
        cold = max(median(r["cold"]["ask_s"]), median(r["cold"]["ready_s"]))
        reindex = median(r["core"]["reindex_s"])
        summary += [
            [b, "answer p95 (core, one at a time)", f"≤ {TARGETS['p95_ms']:.0f} ms",
             f"{_ms(r['core']['ask']['p95'])} ms", _verdict(r["core"]["ask"]["p95"] <= TARGETS["p95_ms"])],
            [b, "questions/s through HTTP (batched; median run, best number in flight)",
             f"≥ {TARGETS['qps']:.0f}",
             f"{best:.0f}", _verdict(best >= TARGETS["qps"])],
            [b, "peak RSS of the server", f"≤ {TARGETS['rss_mb'][b]:.0f} MB", f"{peak:.0f} MB",
             _verdict(peak <= TARGETS["rss_mb"][b])],
            [b, "cold start (slower of `ask` and `run` → ready, median)", f"≤ {TARGETS['cold_s']:.0f} s",
             f"{cold:.1f} s", _verdict(cold <= TARGETS["cold_s"])],
            [b, "re-index after editing one entry (median)", f"≤ {TARGETS['reindex_s']:.0f} s",
             f"{reindex:.2f} s", _verdict(reindex <= TARGETS["reindex_s"])],
        ]
    parts += ["\n### Targets\n", markdown_table(["backend", "what", "target", "measured", "met"], summary)]

    rows = []
    for b in backends:
        c = results[b]["core"]
        rows.append([b, c["questions"], _ms(c["ask"]["p50"]), _ms(c["ask"]["p95"]), _ms(c["ask"]["p99"]),
                     _ms(c["raw"]["p50"]), _ms(c["raw"]["p95"]), f"{c['ask']['p50'] / c['raw']['p50']:.2f}",
                     _ms(c["raw_batch32_ms_per_question"])])
    parts += ["\n### Answer core latency, one question at a time (ms)\n",
              "`AnswerCore.ask` on every labelled question (language detection, embedding, FAISS + BM25 "
              "search, decision, recording the signal in SQLite), next to the model's own encode time of "
              "the same text (the floor on this CPU).\n",
              markdown_table(["backend", "questions", "p50", "p95", "p99", "raw encode p50", "raw p95",
                              "ours / raw (p50)", "raw, batch of 32, per question"], rows)]
    rows = [[b, _ms(results[b]["core"]["detect"]["p50"]), _ms(results[b]["core"]["search"]["p50"]),
             _ms(results[b]["core"]["record"]["p50"])] for b in backends]
    parts += ["\nWhere the rest goes (p50, ms): ", markdown_table(
        ["backend", "language detection", "search (FAISS + BM25)", "recording (SQLite)"], rows)]

    rows = []
    for b in backends:
        for mode, data in results[b]["http"].items():
            rows += [[b, mode, run["concurrency"], run["requests"], f"{run['qps']:.1f}",
                      " / ".join(f"{q:.0f}" for q in run.get("qps_all", [run["qps"]])), _ms(run["p50"]),
                      _ms(run["p95"]), run["errors"]] for run in data["runs"]]
    parts += ["\n### Throughput through the HTTP API\n",
              "`infopoint run` in a subprocess; an aiohttp client in this process keeps N requests in flight "
              "(`POST /api/v1/ask`, labelled questions, no language given). `batched`: the questions of "
              "concurrent requests are embedded in one model call (bot/batching.py, the default); "
              "`unbatched`: `INFOPOINT_BATCH_QUERIES=0`. Client and server share the 2 cores. Each "
              f"setting ran {REPEATS} times (the VM's cores are shared with other machines: steal time); "
              "the table shows the median run and every run's questions/s.\n",
              markdown_table(["backend", "batching", "in flight", "requests per run", "questions/s (median)",
                              "each run", "p50 ms", "p95 ms", "errors"], rows)]

    rows = [[b, mode, f"{d['idle_rss_mb']:.0f}", f"{d['peak_rss_mb']:.0f}", f"{d['end_rss_mb']['anon']:.0f}",
             f"{d['end_rss_mb']['file']:.0f}"] for b in backends for mode, d in results[b]["http"].items()]
    parts += ["\n### Memory of the server (MB)\n",
              "RSS after start-up (index loaded), the peak (VmHWM) after the throughput runs, and the RSS "
              "then split into anonymous memory and file-backed pages (mostly the model weights, mapped "
              "from their file: clean pages the kernel can drop and read again).\n",
              markdown_table(["backend", "batching", "RSS at start", "peak RSS", "then: anonymous",
                              "then: file-backed"], rows)]

    rows = []
    for b in backends:
        cold = results[b]["cold"]
        rows.append([b, f"{median(cold['ask_s']):.1f} ({min(cold['ask_s']):.1f})",
                     f"{median(cold['ready_s']):.1f} ({min(cold['ready_s']):.1f})",
                     f"{median(cold['model_process_s']):.1f}", f"{results[b]['core']['model_load_s']:.2f}"])
    parts += ["\n### Cold start (s, median (best) of runs)\n",
              "A new process each time, the saved index in place, files in the OS cache. `model only`: a "
              "process that loads the embedder and exits (Python start-up + imports + weights).\n",
              markdown_table(["backend", "`infopoint ask` (whole command)", "`infopoint run` → /healthz",
                              "model only (process)", "model load (in process)"], rows)]

    rows = []
    for b in backends:
        c = results[b]["core"]
        rows.append([b, c["build_entries"], c["build_variants"], f"{c['build_s']:.1f}",
                     f"{c['build_variants'] / c['build_s']:.0f}", f"{median(c['reindex_s']):.2f}",
                     f"{max(c['reindex_s']):.2f}", f"{c['refresh_unchanged_s'] * 1000:.0f}"])
    parts += ["\n### Indexing\n",
              "Full build: every text embedded with an empty embedding cache, FAISS + BM25 built and saved. "
              "Re-index: one entry's answer edited in a copy of the content, then `RegionCatalog.refresh()` "
              "(the service does it at most every 5 s when asked); its texts are re-embedded, the others "
              "come from the cache.\n",
              markdown_table(["backend", "entries", "variants", "full build s", "variants/s",
                              "re-index s (median)", "re-index s (worst)", "refresh, nothing changed, ms"],
                             rows)]
    return "\n".join(parts) + "\n"


def run(backends: list[str], quick: bool, out: Path, note: str) -> dict[str, Any]:
    """Measure every backend and write the report section."""
    load_before = load_average()
    watch = Stopwatch()
    results: dict[str, dict[str, Any]] = {}
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix=f"bench-speed-{backend}-") as name:
            tmp = Path(name)
            print(f"[{backend}] answer core, raw model, index build, re-index ...", flush=True)
            core = _run_worker("core", backend, tmp, quick)
            print(f"[{backend}] cold start ...", flush=True)
            cold = cold_start(backend, tmp, 1 if quick else 3)
            print(f"[{backend}] HTTP throughput ...", flush=True)
            http = throughput(backend, tmp, quick)
            results[backend] = {"core": core, "cold": cold, "http": http}
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M"), "seconds": watch.elapsed, "machine": machine(),
        "command": "make bench" if not quick else "python -m bench.speed --quick",
        "load_before": load_before, "load_after": load_average(), "note": note,
    }
    write_section(out, "speed", render(results, meta))
    save_raw("speed", {"meta": meta, "results": results})
    return results


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--quick", action="store_true", help="small sizes, one cold start (for development)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "bench-speed.md")
    parser.add_argument("--note", default=os.environ.get("BENCH_NOTE", ""),
                        help="a remark printed above the figures (e.g. other load on the machine)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if args.worker == "core":
        print(json.dumps(worker_core(backends[0], args.tmp, args.quick)))
        return 0
    unknown = set(backends) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backends {sorted(unknown)}")
    run(backends, args.quick, args.out, args.note)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
