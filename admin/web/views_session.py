"""Logging in and out, changing one's own password, and the stylesheet."""

from __future__ import annotations

from aiohttp import web

from admin.accounts import AccountError
from admin.web.auth import (
    LOGIN_COOKIE,
    THROTTLE,
    end_session,
    login_csrf,
    public,
    requires,
    safe_next,
    set_cookie,
    start_session,
)
from admin.web.context import PREFIX, STATIC, admin_of, blocking, form_of, render, session_of


def _login_page(request: web.Request, status: int = 200, error: str | None = None,
                username: str = "") -> web.Response:
    token = login_csrf(request)
    response = render(request, "login.html", status=status, error=error, username=username,
                      login_csrf=token, next=safe_next(request.query.get("next")))
    set_cookie(request, response, LOGIN_COOKIE, token, 3600)
    return response


@public
async def login_form(request: web.Request) -> web.Response:
    """GET /admin/login."""
    return _login_page(request)


@public
async def login(request: web.Request) -> web.StreamResponse:
    """POST /admin/login: check the password (throttled), then start a session."""
    form = await form_of(request)
    username = str(form.get("username", "")).strip().lower()[:80]
    password = str(form.get("password", ""))[:1000]
    ip = request.remote or "-"
    throttle = request.app[THROTTLE]
    wait = throttle.wait(username, ip)
    if wait:
        minutes = max(1, round(wait / 60))
        return _login_page(request, 429, f"Too many failed attempts. Try again in about {minutes} "
                           "minute(s).", username)
    accounts = admin_of(request).accounts
    account = await blocking(accounts.authenticate, username, password)
    if account is None:
        throttle.failed(username, ip)
        return _login_page(request, 401, "Wrong username or password (or the account is disabled).",
                           username)
    throttle.succeeded(username)
    admin_of(request).audit.record(account.username, "login", account.username, {})
    response = web.HTTPSeeOther(safe_next(form.get("next")))
    end_session(request, response)  # a fresh token on every login (no session fixation)
    start_session(request, response, account.username)
    response.del_cookie(LOGIN_COOKIE, path=PREFIX)
    raise response


@requires("any")
async def logout(request: web.Request) -> web.StreamResponse:
    """POST /admin/logout: the session ends server-side."""
    response = web.HTTPSeeOther(PREFIX + "/login")
    end_session(request, response)
    raise response


@requires("any")
async def password_form(request: web.Request) -> web.Response:
    """GET /admin/password: change one's own password."""
    return render(request, "password.html", error=None)


@requires("any")
async def change_password(request: web.Request) -> web.StreamResponse:
    """POST /admin/password: check the current password, set the new one, log in again."""
    form = await form_of(request)
    session = session_of(request)
    accounts = admin_of(request).accounts
    current, new, again = (str(form.get(k, "")) for k in ("current", "new", "again"))
    error = None
    if await blocking(accounts.authenticate, session.account.username, current) is None:
        error = "The current password is wrong."
    elif new != again:
        error = "The two new passwords differ."
    else:
        try:
            await blocking(accounts.set_password, session.account.username, new)
        except AccountError as exc:
            error = str(exc)
    if error:
        return render(request, "password.html", status=400, error=error)
    admin_of(request).record(session, "password.change", session.account.username)
    response = web.HTTPSeeOther(PREFIX + "/")
    start_session(request, response, session.account.username)  # the old sessions all ended
    raise response


@public
async def stylesheet(request: web.Request) -> web.FileResponse:
    """The one stylesheet (public: the login page needs it; it holds no data)."""
    return web.FileResponse(STATIC / "admin.css", headers={"Cache-Control": "max-age=3600"})


def add_routes(app: web.Application) -> None:
    """Register this module's routes."""
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/password", password_form)
    app.router.add_post("/password", change_password)
    app.router.add_get("/static/admin.css", stylesheet)


