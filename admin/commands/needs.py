"""`infopoint-admin needs`: the unmet-need inbox (group, triage, fix) and the misses by cause."""

from __future__ import annotations

import argparse
import getpass
import sys

from admin.commands.report import check_region, iso_date, open_inbox
from infopoint.settings import load_settings
from knowledge.writer import ContentRejected
from signals.misses import count_causes
from signals.needs import STATES, NeedGroup, NeedInbox


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "admin"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `needs` and its actions."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--region", help="only this region (default: all)")
    common.add_argument("--actor", default=_os_user(), help="who acts (audit log; default: you)")
    p = subparsers.add_parser("needs",
                              help="unmet needs: update, list, show, state, merge, attach, draft, misses")
    actions = p.add_subparsers(dest="action", required=True)
    actions.add_parser("update", parents=[common], help="group the signals not yet grouped")
    listing = actions.add_parser("list", parents=[common], help="the groups, biggest first")
    listing.add_argument("--state", action="append", choices=STATES, help="only these states (repeatable)")
    for sub in (listing, actions.add_parser("misses", parents=[common], help="missed questions by cause")):
        sub.add_argument("--from", dest="start", type=iso_date, help="first day, YYYY-MM-DD")
        sub.add_argument("--to", dest="end", type=iso_date, help="last day, YYYY-MM-DD")
    actions.add_parser("show", parents=[common], help="one group in full").add_argument("id", type=int)
    state = actions.add_parser("state", parents=[common], help="triage a group")
    state.add_argument("id", type=int)
    state.add_argument("state", choices=STATES)
    merge = actions.add_parser("merge", parents=[common], help="merge groups that are the same need into one")
    merge.add_argument("target", type=int, help="the group that stays (keeps its id and state)")
    merge.add_argument("others", type=int, nargs="+", help="the groups merged into it")
    attach = actions.add_parser("attach", parents=[common],
                                help="add the group's questions to an entry as sample questions")
    attach.add_argument("id", type=int)
    attach.add_argument("entry_id")
    attach.add_argument("--question", type=int, action="append", help="only these question ids")
    actions.add_parser("draft", parents=[common], help="write a draft entry from the group").add_argument(
        "id", type=int)
    p.set_defaults(func=run)


def _line(g: NeedGroup) -> str:
    langs = ",".join(g.languages)
    return (f"{g.id:5} {g.state:11} {g.size:4} {g.people:4} {g.trend:+4.0f} {langs[:14]:14} "
            f"{(g.topic or '-')[:14]:14} {g.label[:60]}")


def _show(inbox: NeedInbox, g: NeedGroup) -> None:
    print(f"need #{g.id} ({g.region}), {g.state}: {g.label}")
    print(f"  {g.size} signals from {g.people} people; languages {g.languages}; causes {g.causes}")
    print(f"  first {g.first_seen}, last {g.last_seen}, trend {g.trend:+.0f}; weeks {g.weekly}")
    print(f"  topic {g.topic or '-'}; nearest entries "
          + (", ".join(f"{e} {s:.3f}" for e, s in g.nearest_entries) or "-"))
    for m in inbox.member_questions(g.id)[-20:]:
        print(f"  q{m['question_id']:<6} {m['lang'] or '?':3} {m['text'][:90]}")
    for s in inbox.similar(g.id):
        why = ", same nearest entry" if s.same_entry else ""
        print(f"  maybe the same need: #{s.group.id} ({s.similarity:.2f}{why}) {s.group.size} signals, "
              f"{','.join(s.group.languages)}: {s.group.label[:60]}")
    for a in inbox.audit.entries(target=f"need:{g.id}", limit=10):
        print(f"  {a['ts']} {a['actor']}: {a['action']} {a['detail']}")


def run(args: argparse.Namespace) -> int:
    """Carry out one action; exit 1 on refused content, 2 on bad arguments."""
    settings = load_settings()
    if args.region and (problem := check_region(settings, args.region)):
        print(f"error: {problem}", file=sys.stderr)
        return 2
    _, inbox = open_inbox(settings)
    try:
        return _act(inbox, args)
    except (KeyError, ValueError) as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    except ContentRejected as exc:
        print("refused, nothing written:", *exc.errors, sep="\n  ", file=sys.stderr)
        return 1


def _act(inbox: NeedInbox, args: argparse.Namespace) -> int:
    if args.action == "update":
        print(f"{inbox.update(args.region)} signals placed")
    elif args.action == "list":
        groups = inbox.groups(args.region, states=args.state, since=args.start, until=args.end)
        print(f"{'id':>5} {'state':11} {'size':>4} {'ppl':>4} {'trnd':>4} {'languages':14} {'topic':14} "
              "label")
        for g in groups:
            print(_line(g))
    elif args.action == "show":
        _show(inbox, inbox.group(args.id))
    elif args.action == "state":
        inbox.set_state(args.id, args.state, args.actor)
        print(f"need #{args.id} is {args.state}")
    elif args.action == "merge":
        moved = inbox.merge(args.target, args.others, args.actor)
        merged = ", ".join(f"#{o}" for o in args.others)
        print(f"merged {merged} into need #{args.target} ({moved} signals moved)")
    elif args.action == "attach":
        added = inbox.attach_to_entry(args.id, args.entry_id, args.actor, args.question)
        print(f"{added} sample questions added to {args.entry_id}; index updated; need #{args.id} is done")
    elif args.action == "draft":
        print(f"draft written: {inbox.draft_entry(args.id, args.actor)}")
    elif args.action == "misses":
        misses = inbox.misses(args.region, since=args.start, until=args.end)
        print("  ".join(f"{cause} {n}" for cause, n in count_causes(misses).items()))
        for m in misses[-30:]:
            print(f"  {m.ts[:16]} {m.cause:10} {m.lang or '?':3} {m.entry_id or '-':32} "
                  f"{m.score or 0:.3f} {(m.text or '')[:60]}")
    return 0
