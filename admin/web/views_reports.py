"""Reports to the region: a form whose button downloads the report (HTML with charts, CSV or Markdown)."""

from __future__ import annotations

from datetime import date, timedelta

from aiohttp import web

from admin.reports import build_report, render_report
from admin.web.auth import requires
from admin.web.context import admin_of, blocking, query, render, session_of

FORMATS = {"html": ("text/html", "HTML with charts"), "csv": ("text/csv", "CSV (for spreadsheets)"),
           "md": ("text/markdown", "Markdown")}


def _defaults() -> dict[str, str]:
    """The last four full weeks, Monday to Sunday."""
    today = date.today()
    end = today - timedelta(days=today.weekday() + 1)
    return {"from": (end - timedelta(days=27)).isoformat(), "to": end.isoformat(), "format": "html"}


def _form(request: web.Request, status: int = 200, error: str | None = None,
          values: dict[str, str] | None = None) -> web.Response:
    regions = admin_of(request).catalog.region_ids
    values = values or {"region": regions[0] if regions else "", **_defaults()}
    return render(request, "reports.html", status=status, error=error, values=values, regions=regions,
                  formats=FORMATS)


@requires("reports")
async def report_form(request: web.Request) -> web.Response:
    """GET /admin/reports."""
    return _form(request)


@requires("reports")
async def download(request: web.Request) -> web.StreamResponse:
    """GET /admin/reports/download?region=&from=&to=&format=: the report as a file."""
    values = {k: query(request, k) for k in ("region", "from", "to", "format")}
    admin = admin_of(request)
    try:
        start, end = date.fromisoformat(values["from"]), date.fromisoformat(values["to"])
    except ValueError:
        return _form(request, 400, "Give both dates as YYYY-MM-DD.", values)
    if values["region"] not in admin.catalog.region_ids:
        return _form(request, 400, "Choose a region.", values)
    if values["format"] not in FORMATS:
        return _form(request, 400, "Choose a format.", values)
    if start > end or (end - start).days > 3 * 366:
        return _form(request, 400, "The start must be before the end, at most three years apart.", values)
    report = await blocking(lambda: build_report(admin.store, admin.inbox, values["region"], start, end))
    body = render_report(report, values["format"])
    admin.record(session_of(request), "report.download", values["region"], start=values["from"],
                 end=values["to"], format=values["format"])
    name = f"infopoint-report-{values['region']}-{start}-{end}.{values['format']}"
    return web.Response(text=body, content_type=FORMATS[values["format"]][0], charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def add_routes(app: web.Application) -> None:
    """Register this module's routes."""
    app.router.add_get("/reports", report_form)
    app.router.add_get("/reports/download", download)
