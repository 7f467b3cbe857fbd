"""Accounts (admin only): list, add with a role, disable / enable, reset a password.

New and reset passwords are random, shown once on the page that made them, and never stored in clear.
"""

from __future__ import annotations

from aiohttp import web

from admin.accounts import ROLES, AccountError, new_password
from admin.web.auth import requires
from admin.web.context import PREFIX, admin_of, blocking, form_of, redirect, render, session_of


def _page(request: web.Request, status: int = 200, error: str | None = None,
          issued: tuple[str, str] | None = None, values: dict[str, str] | None = None) -> web.Response:
    return render(request, "accounts.html", status=status, error=error, issued=issued, roles=ROLES,
                  accounts=admin_of(request).accounts.accounts(), values=values or {})


@requires("accounts")
async def accounts(request: web.Request) -> web.Response:
    """GET /admin/accounts."""
    return _page(request)


@requires("accounts")
async def add(request: web.Request) -> web.Response:
    """POST /admin/accounts: a new account with a random first password (shown once)."""
    form = await form_of(request)
    username, role = str(form.get("username", "")).strip().lower(), str(form.get("role", ""))
    password = new_password()
    try:
        account = await blocking(admin_of(request).accounts.create, username, password, role)
    except AccountError as exc:
        return _page(request, 400, str(exc), values={"username": username, "role": role})
    admin_of(request).record(session_of(request), "account.create", account.username, role=account.role)
    return _page(request, issued=(account.username, password))


@requires("accounts")
async def set_active(request: web.Request) -> web.StreamResponse:
    """POST /admin/accounts/{username}/active (active=0|1): disable ends the person's sessions at once."""
    username = request.match_info["username"]
    active = (await form_of(request)).get("active") == "1"
    session = session_of(request)
    if not active and username == session.account.username:
        return _page(request, 400, "You cannot disable your own account.")
    try:
        admin_of(request).accounts.set_active(username, active)
    except AccountError as exc:
        return _page(request, 400, str(exc))
    admin_of(request).record(session, "account.enable" if active else "account.disable", username)
    raise redirect(PREFIX + "/accounts", f"{'Enabled' if active else 'Disabled'} {username}.", request)


@requires("accounts")
async def reset_password(request: web.Request) -> web.Response:
    """POST /admin/accounts/{username}/password: a new random password (shown once); sessions end."""
    username = request.match_info["username"]
    password = new_password()
    try:
        await blocking(admin_of(request).accounts.set_password, username, password)
    except AccountError as exc:
        return _page(request, 400, str(exc))
    session = session_of(request)
    admin_of(request).record(session, "account.reset_password", username)
    if username == session.account.username:
        raise redirect(PREFIX + "/login")
    return _page(request, issued=(username, password))


def add_routes(app: web.Application) -> None:
    """Register this module's routes."""
    app.router.add_get("/accounts", accounts)
    app.router.add_post("/accounts", add)
    app.router.add_post("/accounts/{username}/active", set_active)
    app.router.add_post("/accounts/{username}/password", reset_password)
