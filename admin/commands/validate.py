"""`infopoint-admin validate`: check every region folder and list all problems."""

from __future__ import annotations

import argparse

from infopoint.settings import load_settings
from knowledge.loader import load_all


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = subparsers.add_parser("validate", help="check the content; exit 1 on any error")
    p.add_argument("--region", help="only this region")
    p.add_argument("--warnings", action="store_true", help="also list warnings")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print every error (file: field: problem) and a summary; non-zero exit on errors."""
    settings = load_settings()
    regions = load_all(settings.content_dir)
    if args.region:
        if args.region not in regions:
            print(f"unknown region {args.region!r}; regions: {', '.join(regions) or 'none'}")
            return 2
        regions = {args.region: regions[args.region]}
    if not regions:
        print(f"no region folders (with region.yaml) under {settings.content_dir}")
        return 1
    n_errors = 0
    for name, content in regions.items():
        for err in content.errors:
            print(f"ERROR {err}")
        if args.warnings:
            for warn in content.warnings:
                print(f"WARNING {warn}")
        n_errors += len(content.errors)
        print(f"{name}: {len(content.entries)} valid entries, {len(content.errors)} errors, "
              f"{len(content.warnings)} warnings")
    return 1 if n_errors else 0
