"""`infopoint-admin report`: the report to a region for a date range, as HTML, CSV or Markdown."""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from admin.report_formats import FORMATS
from infopoint.settings import Settings, load_settings
from knowledge.loader import region_folders


def iso_date(text: str) -> date:
    """An argparse type: a YYYY-MM-DD date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD, e.g. 2026-11-01") from None


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = subparsers.add_parser("report", help="the report to a region for a date range (html, csv or md)")
    p.add_argument("--region", required=True)
    p.add_argument("--from", dest="start", type=iso_date, help="first day, YYYY-MM-DD (default: 4 weeks ago)")
    p.add_argument("--to", dest="end", type=iso_date, help="last day, YYYY-MM-DD (default: today)")
    p.add_argument("--format", choices=FORMATS, default="html")
    p.add_argument("--out", type=Path, help="write to this file (default: standard output)")
    p.set_defaults(func=run)


def check_region(settings: Settings, region: str) -> str | None:
    """An error message when `region` is not a region folder of the content, else None."""
    known = [folder.name for folder in region_folders(settings.content_dir)]
    if region in known:
        return None
    return f"unknown region {region!r}; regions: {', '.join(known) or 'none'}"


def open_inbox(settings: Settings) -> tuple[Any, Any]:
    """(answer core, NeedInbox) over the configured content, model and store."""
    from bot.services import build_core
    from signals.needs import NeedInbox

    core = build_core(settings)
    return core, NeedInbox(core.store, core.embedder, core.catalog)


def run(args: argparse.Namespace) -> int:
    """Build and write the report; exit 2 on a bad region or dates."""
    from admin.reports import build_report, render_report

    settings = load_settings()
    end = args.end or date.today()
    start = args.start or end - timedelta(days=27)
    problem = check_region(settings, args.region)
    if problem is None and start > end:
        problem = f"--from {start} is after --to {end}"
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    core, inbox = open_inbox(settings)
    report = build_report(core.store, inbox, args.region, start, end)
    text = render_report(report, args.format)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"{args.format} report of {args.region}, {start} to {end}: {report.totals.total} questions, "
              f"{len(report.needs)} need groups listed -> {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
