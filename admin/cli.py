"""`infopoint-admin`: the curators' and regional staff's command line."""

from __future__ import annotations

import argparse
import sys

from admin.commands import accounts, coverage, evaluate, setup_model, validate
from admin.commands import digest as digest_command
from admin.commands import needs as needs_command
from admin.commands import report as report_command

COMMANDS = [validate, evaluate, coverage, setup_model, accounts, report_command, digest_command,
            needs_command]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(prog="infopoint-admin", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
