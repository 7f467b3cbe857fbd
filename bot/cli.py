"""`infopoint`: ask a question from the command line (`ask`), or run the service (`run`)."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from bot.core import Asker, UnknownLanguage, UnknownRegion
from knowledge.vocabulary import LANGUAGES


def _ask(args: argparse.Namespace) -> int:
    from bot.render import render
    from bot.services import build_core

    core = build_core(progress=True)
    regions = core.catalog.region_ids
    region = args.region or (regions[0] if len(regions) == 1 else None)
    if region is None:
        print(f"Please choose a region with --region: {', '.join(regions)}", file=sys.stderr)
        return 2
    try:
        answer = core.ask(args.question, region, lang=args.lang, asker=Asker(channel="cli",
                                                                          official=args.official))
    except UnknownRegion:
        print(f"Unknown region {region!r}. Available regions: {', '.join(regions)}", file=sys.stderr)
        return 2
    except UnknownLanguage:
        print(f"Unknown language {args.lang!r}. Available languages: {', '.join(LANGUAGES)}",
              file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"[{answer.outcome} · score {answer.score:.3f} · {answer.lang}]\n" if answer.score is not None
              else f"[{answer.outcome}]\n")
        print(render(answer))
    return 0


def _run(args: argparse.Namespace) -> int:
    from bot.service import run_service

    return run_service(host=args.host, port=args.port)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser."""
    parser = argparse.ArgumentParser(prog="infopoint", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer one question as the bot would")
    ask.add_argument("question")
    ask.add_argument("--region", help="region id (e.g. malopolska, jihomoravsky)")
    ask.add_argument("--lang", help="reply language (default: the question's)")
    ask.add_argument("--official", action="store_true", help="official mode (procedure, legal basis)")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    ask.set_defaults(func=_ask)
    run = sub.add_parser("run", help="run the service (Telegram bot when configured, web API, web chat)")
    run.add_argument("--host", default=None)
    run.add_argument("--port", type=int, default=None)
    run.set_defaults(func=_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
