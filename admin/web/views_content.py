"""Content curation: list and filter entries, edit one (validated, written back), preview, translations."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from aiohttp import web
from markupsafe import Markup

from admin.commands.coverage import MARKS
from admin.web.auth import requires
from admin.web.context import PREFIX, admin_of, blocking, form_of, query, redirect, render, session_of
from admin.web.entry_form import (
    document_from_values,
    field_errors,
    values_from_document,
    values_from_post,
)
from bot.core import Asker
from bot.render import render as render_answer
from index.catalog import LiveRegion, UnknownRegion
from knowledge.entry import Entry
from knowledge.loader import ContentError
from knowledge.localized import pick
from knowledge.region import Region
from knowledge.vocabulary import AUDIENCES, LANGUAGES, TOPICS
from knowledge.writer import ContentRejected, load_entry_document, save_entry

STATUS_LABELS = {"source": "source", "up_to_date": "up to date", "outdated": "outdated",
                 "missing": "missing", "unknown": "not stamped"}


def entry_title(entry: Entry) -> str:
    """The entry's title for the English-speaking admin (English, else its source language)."""
    return entry.text_in(["en"]).title


def _live(request: web.Request, region_id: str) -> LiveRegion:
    try:
        return admin_of(request).catalog.get(region_id)
    except UnknownRegion:
        raise web.HTTPNotFound(text=f"unknown region {region_id}") from None


def _entry(request: web.Request) -> tuple[LiveRegion, Entry]:
    live = _live(request, request.match_info["region"])
    entry = live.content.entries.get(request.match_info["entry_id"])
    if entry is None or entry.path is None:
        raise web.HTTPNotFound(text="unknown entry")
    return live, entry


def _regions(request: web.Request) -> dict[str, LiveRegion]:
    catalog = admin_of(request).catalog
    catalog.maybe_refresh()
    return {rid: catalog.regions[rid] for rid in catalog.region_ids}


@requires("content")
async def entries(request: web.Request) -> web.Response:
    """GET /admin/entries?region=&topic=&lang=&audience=&due=: the entries, filtered."""
    regions = _regions(request)
    f = {k: query(request, k) for k in ("region", "topic", "lang", "audience", "due", "q")}
    today = date.today()
    rows = []
    for rid, live in regions.items():
        if f["region"] and rid != f["region"]:
            continue
        for entry in live.content.entries.values():
            title = entry_title(entry)
            if ((f["topic"] and entry.topic != f["topic"])
                    or (f["audience"] and entry.audience != f["audience"])
                    or (f["lang"] and f["lang"] not in entry.texts)
                    or (f["due"] and entry.review_due() >= today)
                    or (f["q"] and f["q"].lower() not in f"{entry.id} {title}".lower())):
                continue
            rows.append({"region": rid, "entry": entry, "title": title, "due": entry.review_due(),
                         "overdue": entry.review_due() < today})
    rows.sort(key=lambda r: (r["region"], r["entry"].topic, r["entry"].id))
    return render(request, "entries.html", rows=rows, filters=f, regions=list(regions), topics=TOPICS,
                  audiences=AUDIENCES, languages=LANGUAGES)


def file_version(path: Path) -> str:
    """A short hash of a file's bytes (the edit form's guard against overwriting a newer file)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def edit_page(request: web.Request, region: Region, values: dict, version: str,
              errors: list[ContentError] | None = None, status: int = 200, *, entry: Entry | None = None,
              draft_id: str | None = None, file_name: str = "") -> web.Response:
    """The edit form of an entry (or, with `draft_id`, of a draft), with the errors of the last try."""
    langs = ["en", *region.office_languages]
    names = {c.id: pick(c.name, langs) + " (contact)" for c in region.contacts}
    names.update({o.id: pick(o.name, langs) for o in region.offices.values()})
    chosen = list(dict.fromkeys(values.get("offices") or []))  # in the entry's order: the bot shows them so
    offices = [(oid, names.get(oid, "(unknown office)"), True) for oid in chosen]
    offices += sorted(((oid, name, False) for oid, name in names.items() if oid not in chosen),
                      key=lambda o: o[1].lower())
    status_of = {lg: STATUS_LABELS[entry.translation_status(lg)] if entry else "draft"
                 for lg in region.languages}
    source = values.get("source_lang") or (entry.source_lang if entry else "")
    return render(request, "entry_edit.html", status=status, region=region, entry=entry, draft_id=draft_id,
                  file_name=file_name, values=values, version=version, errors=errors or [],
                  by_field=field_errors(errors or []), topics=TOPICS, audiences=AUDIENCES,
                  languages=region.languages, names=LANGUAGES, offices=offices, status_of=status_of,
                  open_langs={source} | {e.field.split(".")[1] for e in errors or []
                                         if e.field.startswith("content.")})


def stale_form_error(name: str) -> ContentError:
    """The error shown when the file changed after the form was opened."""
    return ContentError(name, "-", "the file changed since you opened the form (someone else saved it?). "
                        "Your text is kept below: copy your changes, reload the page and apply them again.")


def unreadable(request: web.Request, exc: ContentRejected) -> web.Response:
    """The page for a file the round-trip writer cannot edit safely."""
    problems = "; ".join(str(e) for e in exc.errors)
    return render(request, "error.html", status=409, title="This file cannot be edited here",
                  message=f"Edit it by hand first: {problems}")


@requires("content")
async def edit_form(request: web.Request) -> web.Response:
    """GET /admin/entries/{region}/{entry_id}: the edit form."""
    live, entry = _entry(request)
    assert entry.path is not None and live.content.region is not None
    try:
        doc = await blocking(load_entry_document, entry.path)
    except ContentRejected as exc:
        return unreadable(request, exc)
    region = live.content.region
    return edit_page(request, region, values_from_document(doc, region.languages), file_version(entry.path),
                     entry=entry, file_name=entry.path.name)


@requires("content")
async def save(request: web.Request) -> web.StreamResponse:
    """POST /admin/entries/{region}/{entry_id}: validate and write the YAML; refresh the index at once."""
    live, entry = _entry(request)
    region = live.content.region
    assert entry.path is not None and region is not None and region.path is not None
    form = await form_of(request)
    values = values_from_post(form, region.languages)
    version = file_version(entry.path)
    if str(form.get("version", "")) != version:
        return edit_page(request, region, values, str(form.get("version", "")),
                         [stale_form_error(entry.path.name)], 409, entry=entry, file_name=entry.path.name)
    try:
        original = await blocking(load_entry_document, entry.path)
    except ContentRejected as exc:
        return unreadable(request, exc)
    data = document_from_values(values, original, region.languages)
    problems = await blocking(save_entry, region.path, entry.id, data)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        return edit_page(request, region, values, version, errors, 400, entry=entry,
                         file_name=entry.path.name)
    refused = await blocking(admin_of(request).catalog.refresh)
    session = session_of(request)
    admin_of(request).record(session, "entry.save", f"{region.id}/{entry.id}")
    message = "Saved. The bot answers with the new text from now on."
    if region.id in refused:
        message = ("Saved, but the region has other content errors, so the bot still serves the last good "
                   "version: " + "; ".join(str(e) for e in refused[region.id][:5]))
    raise redirect(f"{PREFIX}/entries/{region.id}/{entry.id}", message, request)


@requires("content")
async def preview(request: web.Request) -> web.Response:
    """GET /admin/entries/{region}/{entry_id}/preview: the answer as the bot shows it, per language."""
    live, entry = _entry(request)
    region = live.content.region
    assert region is not None
    official = query(request, "official") == "1"
    core = admin_of(request).core
    shown = []
    for lang in region.languages:
        answer = core.entry_answer(region.id, entry.id, lang, Asker(channel="admin", official=official))
        # The bot's own Telegram HTML: every text in it is escaped by bot.render (only <b> and <a>).
        shown.append({"lang": lang, "name": LANGUAGES[lang], "html": Markup(render_answer(answer, rich=True)),
                      "status": STATUS_LABELS[entry.translation_status(lang)],
                      "fallback": answer.fallback_used})
    return render(request, "entry_preview.html", region=region, entry=entry, title=entry_title(entry),
                  shown=shown, official=official)


@requires("content")
async def translations(request: web.Request) -> web.Response:
    """GET /admin/translations?region=&topic=&status=: the entries x languages status matrix."""
    regions = _regions(request)
    region_id = query(request, "region") or next(iter(regions), "")
    live = regions.get(region_id)
    if live is None or live.content.region is None:
        raise web.HTTPNotFound(text="unknown region")
    topic, wanted = query(request, "topic"), query(request, "status")
    langs = live.content.region.languages
    rows, totals = [], {lg: dict.fromkeys(MARKS, 0) for lg in langs}
    for entry in sorted(live.content.entries.values(), key=lambda e: (e.topic, e.id)):
        statuses = {lg: entry.translation_status(lg) for lg in langs}
        for lg, st in statuses.items():
            totals[lg][st] += 1
        if (topic and entry.topic != topic) or (wanted and wanted not in statuses.values()):
            continue
        rows.append({"entry": entry, "title": entry_title(entry), "statuses": statuses})
    return render(request, "translations.html", regions=list(regions), region_id=region_id, langs=langs,
                  rows=rows, totals=totals, marks=MARKS, labels=STATUS_LABELS, topics=TOPICS, topic=topic,
                  wanted=wanted, today=date.today())


def add_routes(app) -> None:
    """Register this module's routes."""
    app.router.add_get("/entries", entries)
    app.router.add_get("/entries/{region}/{entry_id}", edit_form)
    app.router.add_post("/entries/{region}/{entry_id}", save)
    app.router.add_get("/entries/{region}/{entry_id}/preview", preview)
    app.router.add_get("/translations", translations)
