"""The overview (per region: this week's questions, answered share, open needs, overdue entries) and
the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from aiohttp import web

from admin.web.auth import can, requires
from admin.web.context import admin_of, blocking, render, session_of
from knowledge.localized import pick

OPEN_STATES = ["new", "in_progress"]


def region_summary(request: web.Request, region_id: str, since: str, with_needs: bool) -> dict:
    """The overview figures of one region."""
    admin = admin_of(request)
    live = admin.catalog.regions[region_id]
    store = admin.store
    total = store.count("questions", "region = ? AND ts >= ?", [region_id, since])
    answered = store.count("questions", "region = ? AND ts >= ? AND outcome = 'answered'", [region_id, since])
    today = date.today()
    region = live.content.region
    return {
        "id": region_id, "name": pick(region.name, ["en"]) if region else region_id,
        "entries": len(live.content.entries), "questions": total, "answered": answered,
        "answered_share": round(100 * answered / total) if total else None,
        "open_needs": len(admin.inbox.groups(region_id, states=OPEN_STATES)) if with_needs else None,
        "overdue": sum(1 for e in live.content.entries.values() if e.review_due() < today),
        "errors": [*live.content.errors, *live.pending_errors],
    }


@requires("any")
async def overview(request: web.Request) -> web.Response:
    """GET /admin/: one card per region."""
    admin = admin_of(request)
    admin.catalog.maybe_refresh()
    since = (datetime.now(UTC) - timedelta(days=7)).replace(microsecond=0).isoformat()
    with_needs = can(session_of(request).account.role, "needs")
    regions = await blocking(lambda: [region_summary(request, rid, since, with_needs)
                                      for rid in admin.catalog.region_ids])
    return render(request, "overview.html", regions=regions)


@requires("signals")
async def audit(request: web.Request) -> web.Response:
    """GET /admin/audit: who did what, newest first."""
    return render(request, "audit.html", rows=admin_of(request).audit.entries(limit=300))


def add_routes(app: web.Application) -> None:
    """Register this module's routes."""
    app.router.add_get("/", overview)
    app.router.add_get("/audit", audit)
