"""`infopoint-admin create-admin | add-user | list-users | disable-user`: admin web accounts.

The first admin account can only be made here (there is never a default password). Passwords are
typed twice at a hidden prompt, or read from the first line of stdin with `--password-stdin`.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from admin.accounts import ROLES, AccountError, AccountStore, check_password_strength
from infopoint.settings import load_settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the sub-commands."""
    p = subparsers.add_parser("create-admin", help="create an admin account for the web dashboard")
    p.add_argument("--username", required=True)
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=run_create, role="admin")
    p = subparsers.add_parser("add-user", help="create a dashboard account with a role")
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=run_create)
    p = subparsers.add_parser("list-users", help="list the dashboard accounts")
    p.set_defaults(func=run_list)
    p = subparsers.add_parser("disable-user", help="disable a dashboard account (ends its sessions)")
    p.add_argument("--username", required=True)
    p.add_argument("--enable", action="store_true", help="re-enable instead")
    p.set_defaults(func=run_disable)


def _store() -> AccountStore:
    return AccountStore(load_settings().db_path)


def read_password(from_stdin: bool) -> str:
    """The new password: the first line of stdin, or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    check_password_strength(first)
    if getpass.getpass("Repeat the password: ") != first:
        raise AccountError("The two passwords differ.")
    return first


def run_create(args: argparse.Namespace) -> int:
    """Create the account; exit 1 with the reason when it cannot be made."""
    try:
        store = _store()
        if store.get(args.username.strip().lower()):
            raise AccountError(f"The account {args.username!r} already exists.")
        account = store.create(args.username, read_password(args.password_stdin), args.role)
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"created {account.role} account {account.username!r}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    """One line per account."""
    accounts = _store().accounts()
    if not accounts:
        print("no accounts yet: create the first one with `infopoint-admin create-admin --username NAME`")
    for a in accounts:
        state = "active" if a.active else "disabled"
        print(f"{a.username:24} {a.role:8} {state:9} last login {a.last_login or 'never'}")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    """Disable (or with --enable re-enable) an account."""
    try:
        _store().set_active(args.username.strip().lower(), args.enable)
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{'enabled' if args.enable else 'disabled'} {args.username!r}")
    return 0
