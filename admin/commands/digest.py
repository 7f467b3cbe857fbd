"""`infopoint-admin digest`: print a region's weekly digest of unmet needs; `--send` delivers it now."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from admin.commands.report import check_region, open_inbox
from infopoint.settings import load_settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = subparsers.add_parser("digest", help="the weekly digest of new and growing unmet needs of a region")
    p.add_argument("--region", required=True)
    p.add_argument("--send", action="store_true",
                   help="send it now to the region's Telegram chat / e-mail (and count this week as sent)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the digest; with --send deliver it (exit 1 when a channel failed, 2 on bad input)."""
    from admin.digest import DigestLog, catalog_regions, channels_for, digest_subject, send_digest
    from admin.digest import build_digest as build
    from admin.reports import region_timezone, week_key

    settings = load_settings()
    problem = check_region(settings, args.region)
    if problem is None and args.send and not channels_for(settings, args.region):
        problem = ("no digest channel for this region: set INFOPOINT_DIGEST_TELEGRAM_CHAT (with "
                   "TELEGRAM_BOT_TOKEN) and/or INFOPOINT_DIGEST_EMAIL_TO with INFOPOINT_SMTP_HOST")
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    core, inbox = open_inbox(settings)
    info = next(r for r in catalog_regions(core.catalog)() if r.id == args.region)
    now = datetime.now(UTC)
    text = build(inbox, info, now)
    print(text)
    if not args.send:
        return 0
    tz = region_timezone(info.country, settings.digest.timezone)
    week = week_key(now.astimezone(tz).date())
    results = send_digest(text, settings, info, subject=digest_subject(info, now))
    log = DigestLog(settings.db_path)
    for channel, error in results.items():
        if error is None:
            log.mark_sent(info.id, channel, week)
        print(f"{channel}: " + ("sent" if error is None else f"FAILED: {error}"), file=sys.stderr)
    log.close()
    return 0 if all(e is None for e in results.values()) else 1
