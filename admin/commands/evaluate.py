"""`infopoint-admin eval` and `infopoint-admin calibrate`: measure and tune on a labelled set."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from admin.evaluation import calibrate, load_items, out_record, report, run_items


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the sub-commands."""
    p = subparsers.add_parser("eval", help="run a labelled question set and print the figures")
    p.add_argument("files", nargs="+", type=Path, help="YAML item files or folders (e.g. eval/)")
    p.add_argument("--out", type=Path, help="write one JSON object per item (JSONL)")
    p.set_defaults(func=run_eval)
    c = subparsers.add_parser("calibrate", help="choose the answered/unsure thresholds on a labelled set "
                              "(per language where the data supports it)")
    c.add_argument("files", nargs="+", type=Path)
    c.add_argument("--write", action="store_true", help="save them to index/calibration.json")
    c.add_argument("--lexical-weight", type=float, help="search setting to calibrate for (default: current)")
    c.add_argument("--lexical-saturation", type=float,
                   help="0: BM25 normalised to the best entry; s > 0: bm25 / (bm25 + s) (default: current)")
    c.add_argument("--pool", type=int,
                   help="an entry scores by the mean of its n best texts (default: current)")
    c.add_argument("--folds", type=int, default=5, help="k of the k-fold cross-check (default 5)")
    c.set_defaults(func=run_calibrate)


def _core_and_results(files: list[Path], search: dict | None = None):
    from bot.services import build_core

    try:
        items = load_items(files)
    except (ValueError, OSError) as exc:
        print(f"cannot read the labelled set: {exc}")
        return None, None
    core = build_core(progress=True)
    for name, value in (search or {}).items():
        if value is not None:
            setattr(core.thresholds, name, value)
    unknown = sorted({i.region for i in items} - set(core.catalog.region_ids))
    if unknown:
        print(f"unknown region(s) in the labelled set: {unknown}; regions: {core.catalog.region_ids}")
        return None, None
    return core, run_items(core, items)


def run_eval(args: argparse.Namespace) -> int:
    """Print the figures; optionally write the JSONL."""
    core, results = _core_and_results(args.files)
    if core is None:
        return 2
    t = core.thresholds
    print(f"thresholds: answer >= {t.answer}, unsure >= {t.unsure}"
          + "".join(f" ({lang}: {p['answer']}/{p['unsure']})" for lang, p in t.per_lang.items())
          + f"; lexical weight {t.lexical_weight}, saturation {t.lexical_saturation}, pool {t.pool}")
    print(report(results))
    if args.out:
        with args.out.open("w", encoding="utf-8") as handle:
            for result in results:
                handle.write(json.dumps(out_record(core, result), ensure_ascii=False) + "\n")
        print(f"wrote {len(results)} lines to {args.out}")
    return 0


def run_calibrate(args: argparse.Namespace) -> int:
    """Print (and with --write save) the calibrated thresholds."""
    core, results = _core_and_results(args.files, {"lexical_weight": args.lexical_weight,
                                                   "lexical_saturation": args.lexical_saturation,
                                                   "pool": args.pool})
    if core is None:
        return 2
    core.thresholds.model_id = core.embedder.model_id
    thresholds, note = calibrate(results, core.thresholds, k=args.folds)
    print(f"search: lexical weight {thresholds.lexical_weight}, saturation {thresholds.lexical_saturation}, "
          f"pool {thresholds.pool}\nanswer >= {thresholds.answer}, unsure >= {thresholds.unsure}"
          + "".join(f"\n  {lang}: answer >= {t['answer']}, unsure >= {t['unsure']}"
                    for lang, t in thresholds.per_lang.items()) + f"\n{note}")
    if args.write:
        thresholds.save()
        print("saved to index/calibration.json")
    return 0
