"""Who may do what in the admin: roles, the session cookie, CSRF checks, login throttling, headers.

Fail closed: a route without a declared permission answers 403, so a view that forgets to say who may
use it is unreachable rather than open.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from admin.accounts import SESSION_HOURS
from admin.web.context import PREFIX, SESSION_KEY, admin_of, render

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
COOKIE = "infopoint_admin"
LOGIN_COOKIE = "infopoint_login_csrf"
CSRF_FIELD = "csrf_token"
MAX_FORM_BYTES = 1024 * 1024  # entry edits in several scripts, percent-encoded
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# permission -> roles that have it ("admin" has everything)
PERMISSIONS: dict[str, frozenset[str]] = {
    "any": frozenset({"curator", "analyst", "admin"}),
    "content": frozenset({"curator", "admin"}),      # entries, translations, review dates
    "fix": frozenset({"curator", "admin"}),          # attach a need group to an entry, open a draft
    "needs": frozenset({"curator", "analyst", "admin"}),  # read the unmet-need groups
    "signals": frozenset({"analyst", "admin"}),      # triage, misses, audit log
    "reports": frozenset({"analyst", "admin"}),
    "accounts": frozenset({"admin"}),
}
MENU: list[tuple[str, str, str]] = [
    ("Overview", PREFIX + "/", "any"),
    ("Unmet needs", PREFIX + "/needs", "needs"),
    ("Misses", PREFIX + "/misses", "signals"),
    ("Entries", PREFIX + "/entries", "content"),
    ("Drafts", PREFIX + "/drafts", "content"),
    ("Translations", PREFIX + "/translations", "content"),
    ("Reports", PREFIX + "/reports", "reports"),
    ("Audit log", PREFIX + "/audit", "signals"),
    ("Accounts", PREFIX + "/accounts", "accounts"),
]
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


def can(role: str, permission: str) -> bool:
    """True when `role` has `permission`."""
    return role == "admin" or role in PERMISSIONS.get(permission, frozenset())


def menu(role: str) -> list[tuple[str, str]]:
    """The menu items this role can open."""
    return [(label, href) for label, href, perm in MENU if can(role, perm)]


def requires(permission: str) -> Callable[[Handler], Handler]:
    """Declare which permission a view needs (checked by the middleware before the view runs)."""
    if permission not in PERMISSIONS:
        raise ValueError(permission)

    def mark(handler: Handler) -> Handler:
        handler.admin_permission = permission  # type: ignore[attr-defined]
        return handler

    return mark


def public(handler: Handler) -> Handler:
    """A view reachable without logging in (only the login page and the stylesheet)."""
    handler.admin_permission = None  # type: ignore[attr-defined]
    return handler


def is_https(request: web.Request) -> bool:
    """True when the browser talks https to us (directly or through a proxy that says so)."""
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str,
               max_age: int) -> None:
    """A cookie scripts cannot read, sent only to /admin, only from our own pages (and only on https)."""
    response.set_cookie(name, value, max_age=max_age, path=PREFIX, httponly=True, samesite="Strict",
                        secure=is_https(request))


def start_session(request: web.Request, response: web.StreamResponse, username: str) -> None:
    """Log in: a fresh session token in the cookie."""
    token = admin_of(request).accounts.start_session(username)
    set_cookie(request, response, COOKIE, token, int(SESSION_HOURS * 3600))


def end_session(request: web.Request, response: web.StreamResponse) -> None:
    """Log out: the token is deleted server-side and the cookie cleared."""
    admin_of(request).accounts.end_session(request.cookies.get(COOKIE))
    response.del_cookie(COOKIE, path=PREFIX)


def login_csrf(request: web.Request) -> str:
    """The login form's CSRF token (double-submit: a cookie and the same value in the form)."""
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)


class LoginThrottle:
    """At most `per_user` failed logins per account and `per_ip` per address in `window` seconds."""

    def __init__(self, per_user: int = 5, per_ip: int = 20, window: float = 900.0) -> None:
        self.limits = {"user": per_user, "ip": per_ip}
        self.window = window
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def wait(self, username: str, ip: str) -> int:
        """Seconds until another attempt is allowed (0 when it is allowed now)."""
        now = time.monotonic()
        waits = [0.0]
        for kind, key in (("user", f"user:{username}"), ("ip", f"ip:{ip}")):
            times = self._recent(key, now)
            if len(times) >= self.limits[kind]:
                waits.append(times[0] + self.window - now)
        return int(max(waits)) + (1 if max(waits) > 0 else 0)

    def failed(self, username: str, ip: str) -> None:
        """Count one failed attempt."""
        now = time.monotonic()
        if len(self._failures) > 10_000:  # forget the oldest keys rather than grow without bound
            for key in list(self._failures)[:5_000]:
                del self._failures[key]
        for key in (f"user:{username}", f"ip:{ip}"):
            times = self._recent(key, now)
            times.append(now)
            self._failures[key] = times

    def succeeded(self, username: str) -> None:
        """A correct login clears the account's failures (not the address's)."""
        self._failures.pop(f"user:{username}", None)


THROTTLE = web.AppKey("login_throttle", LoginThrottle)


def _forbidden(request: web.Request, reason: str) -> web.Response:
    return render(request, "error.html", status=403, title="Not allowed", message=reason)


def _permission_of(request: web.Request) -> str | None:
    handler = request.match_info.handler
    return getattr(handler, "admin_permission", "missing")


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Headers on every admin response: no framing, no sniffing, a strict CSP, no caching of pages."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers.setdefault("Cache-Control", "no-store")
    if is_https(request):
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if isinstance(response, web.HTTPException):
        raise response
    return response


def _origin_ok(request: web.Request) -> bool:
    """A browser's Origin header, when sent, must be this host."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    hosts = {h for h in (request.host, request.headers.get("X-Forwarded-Host")) if h}
    return origin.split("://", 1)[-1] in hosts


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Session, role and CSRF checks before any admin view runs."""
    permission = _permission_of(request)
    if request.method not in SAFE_METHODS:
        request = request.clone(client_max_size=MAX_FORM_BYTES)
    if permission is None:  # the login page and the stylesheet
        if request.method not in SAFE_METHODS:
            form = await request.post()
            expected = request.cookies.get(LOGIN_COOKIE, "")
            if not _origin_ok(request) or not expected or not hmac.compare_digest(
                    str(form.get(CSRF_FIELD, "")), expected):
                return _forbidden(request, "The login form expired. Reload the page and try again.")
        return await handler(request)
    session = admin_of(request).accounts.session(request.cookies.get(COOKIE))
    if session is None:
        if request.method in SAFE_METHODS:
            target = request.path_qs if request.path.startswith(PREFIX) else PREFIX + "/"
            raise web.HTTPFound(PREFIX + "/login?" + _next_param(target))
        return _forbidden(request, "You are not logged in (or the session ended). Log in and try again.")
    request[SESSION_KEY] = session
    if permission == "missing" or not can(session.account.role, permission):
        return _forbidden(request, f"Your role ({session.account.role}) cannot open this page.")
    if request.method not in SAFE_METHODS:
        form = await request.post()
        token = str(form.get(CSRF_FIELD, "")) or request.headers.get("X-CSRF-Token", "")
        if not _origin_ok(request) or not hmac.compare_digest(token.encode(), session.csrf.encode()):
            return _forbidden(request, "The form expired or did not come from this site. "
                              "Go back, reload the page and try again.")
    return await handler(request)


def _next_param(target: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": target})


def safe_next(value: Any) -> str:
    """Where to go after logging in: only a path inside the admin (no open redirect)."""
    text = str(value or "")
    if text.startswith(PREFIX + "/") and not text.startswith("//") and "\\" not in text:
        return text
    return PREFIX + "/"
