"""Mount the admin dashboard under /admin of the service's aiohttp application."""

from __future__ import annotations

from aiohttp import web

from admin.accounts import AccountStore
from admin.web import (
    views_accounts,
    views_content,
    views_drafts,
    views_needs,
    views_overview,
    views_reports,
    views_session,
)
from admin.web.auth import THROTTLE, LoginThrottle, authenticate, security_headers
from admin.web.context import ADMIN, PREFIX, Admin
from bot.core import AnswerCore

VIEW_MODULES = (views_session, views_overview, views_needs, views_content, views_drafts, views_reports,
                views_accounts)


def make_admin_app(core: AnswerCore, accounts: AccountStore | None = None,
                   throttle: LoginThrottle | None = None) -> web.Application:
    """The dashboard as its own sub-application (its middlewares guard only /admin)."""
    if core.store is None:
        raise ValueError("the admin needs the signal store")
    admin = web.Application(middlewares=[security_headers, authenticate])
    admin[ADMIN] = Admin(core, accounts or AccountStore(core.store.path))
    admin[THROTTLE] = throttle or LoginThrottle()
    for module in VIEW_MODULES:
        module.add_routes(admin)
    return admin


async def _to_dashboard(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound(PREFIX + "/")


def add_admin_routes(app: web.Application, core: AnswerCore, accounts: AccountStore | None = None,
                     throttle: LoginThrottle | None = None) -> web.Application:
    """Mount the dashboard under /admin of `app`; returns the sub-application."""
    admin = make_admin_app(core, accounts, throttle)
    app.router.add_get(PREFIX, _to_dashboard)
    app.add_subapp(PREFIX, admin)
    return admin
