"""What every admin view shares: the services it works on, the templates, forms, redirects, messages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from multidict import MultiDictProxy

from admin.accounts import AccountStore, Session
from bot.core import AnswerCore
from signals.audit import AuditLog
from signals.needs import NeedInbox

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
PREFIX = "/admin"
T = TypeVar("T")


@dataclass
class Admin:
    """The services behind the dashboard (one per application)."""

    core: AnswerCore
    accounts: AccountStore
    _inbox: Any = field(default=None, repr=False)
    _audit: Any = field(default=None, repr=False)

    @property
    def store(self):
        """The signal store (questions, feedback)."""
        return self.core.store

    @property
    def catalog(self):
        """The live regions (content + index)."""
        return self.core.catalog

    @property
    def inbox(self) -> NeedInbox:
        """The unmet-need inbox over the signal store (groups new signals whenever it is read)."""
        if self._inbox is None:
            self._inbox = NeedInbox(self.core.store, self.core.embedder, self.core.catalog,
                                    self.core.thresholds)
        return self._inbox

    @property
    def audit(self) -> AuditLog:
        """The audit log of admin actions."""
        if self._audit is None:
            self._audit = AuditLog(self.core.store)
        return self._audit

    def record(self, session: Session, action: str, target: str, **detail: Any) -> None:
        """Write one admin action to the audit log (who, what, on what)."""
        self.audit.record(session.account.username, action, target, detail)


ADMIN = web.AppKey("admin", Admin)
SESSION_KEY = web.RequestKey("admin_session", Session)

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True)


def when(value: str | None) -> str:
    """An ISO timestamp as `YYYY-MM-DD HH:MM` (UTC, as stored)."""
    return str(value or "")[:16].replace("T", " ")


_env.filters["when"] = when


def admin_of(request: web.Request) -> Admin:
    """The Admin of the application serving this request."""
    return request.app[ADMIN]


def session_of(request: web.Request) -> Session:
    """The logged-in session (the auth middleware guarantees it on protected routes)."""
    return request[SESSION_KEY]


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """Render a page; the base template gets the user, the CSRF token, the menu and the message."""
    from admin.web.auth import can, menu

    session: Session | None = request.get(SESSION_KEY)
    flash = admin_of(request).accounts.pop_flash(session) if session else None
    page = _env.get_template(template).render(
        user=session.account if session else None, csrf=session.csrf if session else "",
        menu=menu(session.account.role) if session else [], path=request.path, flash=flash,
        can=(lambda perm: can(session.account.role, perm)) if session else (lambda perm: False),
        prefix=PREFIX, **context)
    return web.Response(text=page, status=status, content_type="text/html")


async def form_of(request: web.Request) -> MultiDictProxy:
    """The posted form (already read and checked by the CSRF middleware)."""
    return await request.post()


def redirect(location: str, message: str | None = None,
             request: web.Request | None = None) -> web.HTTPSeeOther:
    """A 303-style redirect after a POST, with an optional one-time message for the next page."""
    if message and request is not None and request.get(SESSION_KEY):
        admin_of(request).accounts.set_flash(session_of(request), message)
    return web.HTTPSeeOther(location)


async def blocking(func: Callable[..., T], *args: Any) -> T:
    """Run slow work (embedding, file writes, index refresh) off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, func, *args)


def query(request: web.Request, name: str, default: str = "") -> str:
    """A query-string parameter, stripped."""
    return request.query.get(name, default).strip()
