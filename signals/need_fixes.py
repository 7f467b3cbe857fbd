"""The fix loop of the needs inbox: attach a group's questions to an entry, or draft a new entry."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.loader import DRAFTS_DIR, ID_RE
from knowledge.writer import ContentRejected, add_sample_questions, entry_path, save_draft

if TYPE_CHECKING:
    from signals.needs import NeedInbox

MAX_SAMPLE_CHARS = 300  # longer messages are stories, not sample questions
_STOP = {"a", "an", "the", "i", "my", "me", "we", "to", "of", "in", "on", "for", "is", "are", "do", "does",
         "can", "how", "what", "where", "when", "it", "be", "and", "or", "with", "w", "z", "na", "czy",
         "jak", "gdzie", "v", "ve", "se", "je", "kde"}


def _catalog(inbox: NeedInbox):
    if inbox.catalog is None:
        raise RuntimeError("fixing needs needs the region catalog (content directory)")
    return inbox.catalog


def attach(inbox: NeedInbox, group_id: int, entry_id: str, actor: str,
           question_ids: list[int] | None = None) -> int:
    """Add the group's questions (or the chosen ones) to an entry, reload the region, mark the group done."""
    catalog = _catalog(inbox)
    region = inbox.group_row(group_id)["region"]
    members = [m for m in inbox.member_questions(group_id)
               if question_ids is None or m["question_id"] in set(question_ids)]
    by_lang: dict[str, list[str]] = {}
    for m in members:
        if len(m["text"]) <= MAX_SAMPLE_CHARS:
            by_lang.setdefault(m["lang"] or "", []).append(m["text"])
    added = add_sample_questions(catalog.content_dir / region, entry_id, by_lang)
    refused = catalog.refresh().get(region)
    detail = {"entry": entry_id, "added": added, "questions": [m["question_id"] for m in members]}
    if refused:
        detail["refused"] = [str(e) for e in refused]
        inbox.audit.record(actor, "attach", f"need:{group_id}", detail)
        raise ContentRejected(refused)
    inbox.audit.record(actor, "attach", f"need:{group_id}", detail)
    inbox.refresh_group(group_id)
    inbox.set_state(group_id, "done", actor)
    return added


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    words = re.findall(r"[a-z0-9]+", folded.encode("ascii", "ignore").decode().lower())
    return "-".join([w for w in words if w not in _STOP][:6])


def suggest_id(region_dir: Path, texts: list[str], group_id: int) -> str:
    """An entry id from the first Latin-script question, unique among entries and drafts."""
    base = next((s for s in map(_slug, texts) if ID_RE.match(s or "-")), "") or f"need-{group_id}"
    candidate, n = base, 1
    while entry_path(region_dir, candidate) or (region_dir / DRAFTS_DIR / f"{candidate}.yaml").exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def draft(inbox: NeedInbox, group_id: int, actor: str) -> Path:
    """Write <region>/drafts/<id>.yaml prefilled from the group; the group moves to in_progress."""
    catalog = _catalog(inbox)
    group = inbox.group(group_id)
    live = inbox.live(group.region)
    if live is None:
        raise KeyError(f"unknown region {group.region!r}")
    region = live.content.region
    source = region.office_languages[0]
    questions: dict[str, list[str]] = {}
    for m in inbox.member_questions(group_id):
        lang = m["lang"] if m["lang"] in region.languages else source
        if len(m["text"]) <= MAX_SAMPLE_CHARS and m["text"] not in questions.get(lang, []):
            questions.setdefault(lang, []).append(m["text"])
    langs = [lg for lg in region.languages if lg in region.required_languages or lg in questions]
    content = {lg: {"title": None, "answer": None, "questions": questions.get(lg, [])} for lg in langs}
    region_dir = catalog.content_dir / group.region
    ordered = sorted(questions.items(), key=lambda kv: (kv[0] not in ("en", "pl", "cs"), kv[0] != "en"))
    draft_id = suggest_id(region_dir, [q for _, qs in ordered for q in qs] + [group.label], group_id)
    data = {"id": draft_id, "topic": group.topic, "audience": "migrant", "source_lang": source,
            "last_reviewed": None, "sources": [{"url": None, "title": None}], "content": content}
    notes = {"topic": "the nearest entry's topic; check it", "audience": "migrant, official or both",
             "last_reviewed": "YYYY-MM-DD: the day you checked the facts",
             "sources.0.url": "the official page the answer comes from"}
    for lg in langs:
        notes[f"content.{lg}.title"] = f"title ({lg})"
        notes[f"content.{lg}.answer"] = f"short answer ({lg}): one message, under 900 characters"
        if not questions.get(lg):
            notes[f"content.{lg}.questions"] = f"sample questions as people would ask them ({lg})"
    nearest = ", ".join(f"{e} ({s:.2f})" for e, s in group.nearest_entries) or "none"
    asked = ", ".join(f"{lg} {n}" for lg, n in group.languages.items())
    comment = (f"Draft entry from unmet need #{group.id} ({group.region}): {group.size} questions from "
               f"{group.people} people ({asked}),\nfirst asked {group.first_seen[:10]}, last "
               f"{group.last_seen[:10]}.\nNearest entries: {nearest}.\nThe sample questions are what people "
               "asked (scrubbed). To publish: fill every empty field,\nthen move this file to "
               f"entries/<topic>/{draft_id}.yaml. The bot and the validator ignore drafts/.")
    path = save_draft(region_dir, draft_id, data, comment, notes)
    inbox.audit.record(actor, "draft", f"need:{group_id}",
                       {"draft": str(path.relative_to(catalog.content_dir)), "id": draft_id})
    if group.state == "new":
        inbox.set_state(group_id, "in_progress", actor)
    return path
