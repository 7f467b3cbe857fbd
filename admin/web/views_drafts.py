"""Draft entries (opened from an unmet need): list them, fill one in, save it or publish it.

A draft lives in <region>/drafts/ and is never served. Publishing writes it to entries/<topic>/ through
the same validation as any edit (nothing is written while there are errors) and removes the draft.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from admin.web.auth import requires
from admin.web.context import PREFIX, admin_of, blocking, form_of, redirect, render, session_of
from admin.web.entry_form import document_from_values, values_from_document, values_from_post
from admin.web.views_content import edit_page, file_version, stale_form_error, unreadable
from knowledge.loader import ID_RE, ContentError
from knowledge.region import Region
from knowledge.writer import (
    DRAFTS_DIR,
    ContentRejected,
    entry_path,
    load_entry_document,
    save_draft,
    save_entry,
)


def _regions(request: web.Request) -> dict[str, Region]:
    catalog = admin_of(request).catalog
    return {rid: catalog.regions[rid].content.region for rid in catalog.region_ids
            if catalog.regions[rid].content.region is not None}


def _draft(request: web.Request) -> tuple[Region, Path]:
    region = _regions(request).get(request.match_info["region"])
    draft_id = request.match_info["draft_id"]
    if region is None or region.path is None or not ID_RE.match(draft_id):
        raise web.HTTPNotFound(text="unknown draft")
    path = region.path / DRAFTS_DIR / f"{draft_id}.yaml"
    if not path.is_file():
        raise web.HTTPNotFound(text="unknown draft")
    return region, path


def _title(path: Path) -> str:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, OSError):
        return ""
    content = data.get("content") if isinstance(data, dict) else None
    for block in (content or {}).values():
        if isinstance(block, dict) and block.get("title"):
            return str(block["title"])
        if isinstance(block, dict) and block.get("questions"):
            return f"“{block['questions'][0]}”"
    return ""


def _start_comment(doc: Any) -> str:
    """The header comment of a YAML document (kept when a draft is saved again)."""
    tokens = (doc.ca.comment or [None, None])[1] or []
    return "\n".join(t.value.strip().removeprefix("#").removeprefix(" ") for t in tokens)


@requires("content")
async def drafts(request: web.Request) -> web.Response:
    """GET /admin/drafts: every draft of every region, newest first."""
    rows = []
    for rid, region in _regions(request).items():
        assert region.path is not None
        for path in (region.path / DRAFTS_DIR).glob("*.yaml"):
            changed = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0).isoformat()
            rows.append({"region": rid, "id": path.stem, "title": _title(path), "changed": changed})
    rows.sort(key=lambda r: r["changed"], reverse=True)
    return render(request, "drafts.html", rows=rows)


@requires("content")
async def edit_draft(request: web.Request) -> web.Response:
    """GET /admin/drafts/{region}/{draft_id}: the draft in the entry form."""
    region, path = _draft(request)
    try:
        doc = await blocking(load_entry_document, path)
    except ContentRejected as exc:
        return unreadable(request, exc)
    return edit_page(request, region, values_from_document(doc, region.languages), file_version(path),
                     draft_id=path.stem, file_name=path.name)


@requires("content")
async def save(request: web.Request) -> web.StreamResponse:
    """POST /admin/drafts/{region}/{draft_id} (action=save_draft|publish)."""
    region, path = _draft(request)
    assert region.path is not None
    draft_id = path.stem
    form = await form_of(request)
    values = values_from_post(form, region.languages)
    version = file_version(path)
    page = {"draft_id": draft_id, "file_name": path.name}
    if str(form.get("version", "")) != version:
        return edit_page(request, region, values, str(form.get("version", "")), [stale_form_error(path.name)],
                         409, **page)
    try:
        original = await blocking(load_entry_document, path)
    except ContentRejected as exc:
        return unreadable(request, exc)
    data = {**document_from_values(values, original, region.languages), "id": draft_id}
    admin, session = admin_of(request), session_of(request)
    here = f"{PREFIX}/drafts/{region.id}/{draft_id}"
    if form.get("action") == "save_draft":
        await blocking(save_draft, region.path, draft_id, data, _start_comment(original))
        admin.record(session, "draft.save", f"{region.id}/{draft_id}")
        raise redirect(here, "Draft saved (not checked and not served until you publish it).", request)
    if entry_path(region.path, draft_id) is not None:
        errors = [ContentError(path.name, "id", f"an entry {draft_id!r} exists already; merge the draft into "
                               "it or rename the draft file")]
    else:
        errors = await blocking(save_entry, region.path, draft_id, data)
    if errors:
        return edit_page(request, region, values, version, errors, 400, **page)
    os.unlink(path)
    await blocking(admin.catalog.refresh)
    admin.record(session, "entry.publish", f"{region.id}/{draft_id}")
    raise redirect(f"{PREFIX}/entries/{region.id}/{draft_id}", "Published. The bot answers with this entry "
                   "from now on.", request)


def add_routes(app: web.Application) -> None:
    """Register this module's routes."""
    app.router.add_get("/drafts", drafts)
    app.router.add_get("/drafts/{region}/{draft_id}", edit_draft)
    app.router.add_post("/drafts/{region}/{draft_id}", save)
