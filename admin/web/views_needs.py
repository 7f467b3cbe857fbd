"""Unmet needs: the groups per region, one group with triage and fixes, misses by cause."""

from __future__ import annotations

from aiohttp import web

from admin.web.auth import requires
from admin.web.context import PREFIX, admin_of, blocking, form_of, query, redirect, render, session_of
from admin.web.views_content import entry_title
from knowledge.writer import DRAFTS_DIR, ContentRejected
from signals.misses import CAUSES, Miss, count_causes
from signals.needs import MERGED, NeedGroup, NeedInbox

STATES = ("new", "in_progress", "done", "ignored")
STATE_LABELS = {"new": "new", "in_progress": "in progress", "done": "done", "ignored": "ignored"}
CAUSE_LABELS = {
    "no_content": ("No content", "nothing in the region is close: an entry is missing"),
    "retrieval": ("Retrieval", "a close entry exists but scored too low: add sample questions or keywords"),
    "language": ("Language", "a close entry exists but not in the asker's language: translate it"),
    "bad_answer": ("Bad answer", "people gave the answer a 👎: check and improve it"),
}
MISSES_SHOWN = 100
STATE_FILTERS = {"open": ["new", "in_progress"], **{s: [s] for s in STATES}, "all": None}


async def _group_or_404(request: web.Request) -> NeedGroup:
    """The group of the URL; a merged group's page redirects to the group it was merged into."""
    inbox = admin_of(request).inbox
    try:
        group_id = int(request.match_info["group_id"])
        return await blocking(inbox.group, group_id)
    except (KeyError, ValueError):
        target = _merged_into(inbox, request.match_info["group_id"])
        if target is not None and request.method == "GET":
            raise web.HTTPFound(f"{PREFIX}/needs/{target}") from None
        raise web.HTTPNotFound(text="unknown need group") from None


def _merged_into(inbox: NeedInbox, raw_id: str) -> int | None:
    try:
        row = inbox.group_row(int(raw_id))
    except (KeyError, ValueError):
        return None
    return row["merged_into"] if row["state"] == MERGED else None


@requires("needs")
async def groups(request: web.Request) -> web.Response:
    """GET /admin/needs?region=&state=: the need groups, biggest first."""
    admin = admin_of(request)
    regions = admin.catalog.region_ids
    region = query(request, "region")
    state = query(request, "state", "open")
    if state not in STATE_FILTERS:
        state = "open"
    rows = await blocking(admin.inbox.groups, region if region in regions else None, STATE_FILTERS[state])
    rows.sort(key=lambda g: (-g.size, -g.people, g.id))
    return render(request, "needs.html", rows=rows, regions=regions, region=region, state=state,
                  filters=STATE_FILTERS, labels=STATE_LABELS)


@requires("needs")
async def group(request: web.Request) -> web.Response:
    """GET /admin/needs/{group_id}: one group with triage buttons and the fixes."""
    need = await _group_or_404(request)
    admin = admin_of(request)
    live = admin.catalog.get(need.region)
    entries = live.content.entries
    nearest = [(eid, entry_title(entries[eid]), score) for eid, score in need.nearest_entries
               if eid in entries]
    near_ids = {eid for eid, _, _ in nearest}
    others = sorted(((e.id, entry_title(e)) for e in entries.values() if e.id not in near_ids),
                    key=lambda item: item[1].lower())
    history = admin.audit.entries(limit=50, target=f"need:{need.id}")
    region_dir = admin.catalog.content_dir / need.region
    drafts = [str(h["detail"]["id"]) for h in history if h["action"] == "draft" and h["detail"].get("id")
              and (region_dir / DRAFTS_DIR / f"{h['detail']['id']}.yaml").is_file()]
    similar = await blocking(admin.inbox.similar, need.id)
    return render(request, "need.html", need=need, nearest=nearest, others=others, states=STATES,
                  labels=STATE_LABELS, causes=CAUSE_LABELS, members=admin.inbox.member_questions(need.id),
                  history=history, drafts=drafts, similar=similar)


@requires("signals")
async def set_state(request: web.Request) -> web.StreamResponse:
    """POST /admin/needs/{group_id}/state (state=new|in_progress|done|ignored)."""
    need = await _group_or_404(request)
    state = str((await form_of(request)).get("state", ""))
    if state not in STATES:
        raise web.HTTPBadRequest(text="unknown state")
    await blocking(admin_of(request).inbox.set_state, need.id, state, session_of(request).account.username)
    raise redirect(f"{PREFIX}/needs/{need.id}", f"Marked as {STATE_LABELS[state]}.", request)


@requires("signals")
async def merge(request: web.Request) -> web.StreamResponse:
    """POST /admin/needs/{group_id}/merge (other_ids): the ticked groups are merged into this one."""
    need = await _group_or_404(request)
    here = f"{PREFIX}/needs/{need.id}"
    try:
        others = [int(g) for g in (await form_of(request)).getall("other_ids", [])]
    except ValueError:
        raise web.HTTPBadRequest(text="bad group id") from None
    if not others:
        raise redirect(here, "Tick at least one group to merge into this one.", request)
    try:
        moved = await blocking(admin_of(request).inbox.merge, need.id, others,
                               session_of(request).account.username)
    except (KeyError, ValueError) as exc:
        raise redirect(here, f"Not merged: {exc.args[0]}.", request) from None
    merged = ", ".join(f"#{g}" for g in others)
    raise redirect(here, f"Merged {merged} into this need ({moved} questions moved).", request)


@requires("fix")
async def attach(request: web.Request) -> web.StreamResponse:
    """POST /admin/needs/{group_id}/attach (entry_id): the group's questions become sample questions."""
    need = await _group_or_404(request)
    form = await form_of(request)
    entry_id = str(form.get("entry_id", ""))
    admin = admin_of(request)
    here = f"{PREFIX}/needs/{need.id}"
    if entry_id not in admin.catalog.get(need.region).content.entries:
        raise redirect(here, "Choose an entry to attach the questions to.", request)
    try:
        chosen = [int(q) for q in form.getall("question_ids", [])]
    except ValueError:
        raise web.HTTPBadRequest(text="bad question id") from None
    if not chosen:
        raise redirect(here, "Tick at least one question to attach.", request)
    actor = session_of(request).account.username
    try:
        added = await blocking(admin.inbox.attach_to_entry, need.id, entry_id, actor, chosen)
    except ContentRejected as exc:
        raise redirect(here, "Not attached: the entry would not validate: "
                       + "; ".join(str(e) for e in exc.errors[:5]), request) from None
    await blocking(admin.catalog.refresh)
    raise redirect(here, f"Added {added} new sample question(s) to {entry_id} and marked the need done; "
                   "the bot finds that entry for these questions from now on.", request)


@requires("fix")
async def draft(request: web.Request) -> web.StreamResponse:
    """POST /admin/needs/{group_id}/draft: a draft entry prefilled from the group."""
    need = await _group_or_404(request)
    admin = admin_of(request)
    path = await blocking(admin.inbox.draft_entry, need.id, session_of(request).account.username)
    raise redirect(f"{PREFIX}/drafts/{need.region}/{path.stem}", f"Draft opened from need #{need.id}, with "
                   "the questions people asked. Write the title, answer and sources, then publish.", request)


@requires("signals")
async def misses(request: web.Request) -> web.Response:
    """GET /admin/misses?region=: unanswered and disliked questions by cause (all regions by default)."""
    admin = admin_of(request)
    regions = admin.catalog.region_ids
    region = query(request, "region")
    if region and region not in regions:
        raise web.HTTPNotFound(text="unknown region")
    found = await blocking(admin.inbox.misses, region or None)
    by_cause: dict[str, list[Miss]] = {cause: [] for cause in CAUSES}
    for miss in sorted(found, key=lambda m: m.ts, reverse=True):
        by_cause.setdefault(miss.cause, []).append(miss)
    return render(request, "misses.html", regions=regions, region=region, by_cause=by_cause,
                  counts=count_causes(found), causes=CAUSE_LABELS, shown=MISSES_SHOWN)


def add_routes(app: web.Application) -> None:
    """Register this module's routes."""
    app.router.add_get("/needs", groups)
    app.router.add_get("/needs/{group_id}", group)
    app.router.add_post("/needs/{group_id}/state", set_state)
    app.router.add_post("/needs/{group_id}/merge", merge)
    app.router.add_post("/needs/{group_id}/attach", attach)
    app.router.add_post("/needs/{group_id}/draft", draft)
    app.router.add_get("/misses", misses)
