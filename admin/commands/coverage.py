"""`infopoint-admin coverage` and `infopoint-admin translations`: what the content covers."""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import date

import yaml

from infopoint.settings import load_settings
from knowledge.loader import TRANSLATIONS_FILE, RegionContent, load_all
from knowledge.vocabulary import TOPICS

MARKS = {"source": "S", "up_to_date": "✓", "outdated": "!", "missing": "·", "unknown": "?"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the sub-commands."""
    p = subparsers.add_parser("coverage", help="entries per topic and the translation matrix")
    p.add_argument("--region")
    p.add_argument("--matrix", action="store_true", help="print the full entries x languages matrix")
    p.set_defaults(func=run_coverage)
    t = subparsers.add_parser("translations", help="translation status; --stamp marks them current")
    t.add_argument("--region")
    t.add_argument("--stamp", action="store_true",
                   help="record that every existing translation matches its current source text")
    t.set_defaults(func=run_translations)


def _regions(args: argparse.Namespace) -> dict[str, RegionContent]:
    regions = load_all(load_settings().content_dir)
    return {k: v for k, v in regions.items() if not args.region or k == args.region}


def coverage_text(name: str, content: RegionContent, matrix: bool = False) -> str:
    """The coverage report of one region."""
    region, entries = content.region, content.entries
    langs = region.languages if region else []
    per_topic = Counter(e.topic for e in entries.values())
    lines = [f"# {name}: {len(entries)} entries, {len(content.errors)} content errors", "",
             "entries per topic:"]
    for topic in TOPICS:
        count = per_topic.get(topic, 0)
        lines.append(f"  {topic:24} {count:4}" + ("   <- fewer than 5" if count < 5 else ""))
    lines += ["", "translations per language (S source, ✓ up to date, ! outdated, ? not stamped, · missing):"]
    for lang in langs:
        status = Counter(e.translation_status(lang) for e in entries.values())
        lines.append(f"  {lang}: " + "  ".join(f"{MARKS[k]} {status.get(k, 0)}" for k in MARKS))
    today = date.today()
    overdue = sorted(e.id for e in entries.values() if e.review_due() < today)
    no_source = sorted(e.id for e in entries.values() if not e.sources)
    lines += ["", f"past their review date: {len(overdue)}" + (f" ({', '.join(overdue)})" if overdue else ""),
              f"without an official source: {len(no_source)}"]
    if matrix:
        lines += ["", "entry".ljust(46) + " ".join(f"{lg:>2}" for lg in langs)]
        for entry in sorted(entries.values(), key=lambda e: (e.topic, e.id)):
            marks = " ".join(f"{MARKS[entry.translation_status(lg)]:>2}" for lg in langs)
            lines.append(f"{entry.topic[:12]:12} {entry.id[:33]:33} {marks}")
    return "\n".join(lines)


def run_coverage(args: argparse.Namespace) -> int:
    """Print the report for each region."""
    for name, content in _regions(args).items():
        print(coverage_text(name, content, args.matrix) + "\n")
    return 0


def run_translations(args: argparse.Namespace) -> int:
    """Print outdated/unstamped translations; with --stamp record them as current."""
    for name, content in _regions(args).items():
        stale = [(e.id, lg) for e in content.entries.values() for lg in e.texts
                 if e.translation_status(lg) in {"outdated", "unknown"}]
        print(f"{name}: {len(stale)} translations outdated or not stamped")
        if args.stamp and content.region and content.region.path:
            ordered = sorted(content.entries.values(), key=lambda e: e.id)
            stamps = {e.id: {lg: e.texts[e.source_lang].content_hash() for lg in sorted(e.texts)
                             if lg != e.source_lang} for e in ordered}
            path = content.region.path / TRANSLATIONS_FILE
            header = ("# Which version of the source text each translation was made from (written by\n"
                      "# `infopoint-admin translations --stamp`). Do not edit by hand.\n")
            path.write_text(header + yaml.safe_dump(stamps, sort_keys=False), encoding="utf-8")
            print(f"  stamped {sum(len(v) for v in stamps.values())} translations in {path}")
    return 0
