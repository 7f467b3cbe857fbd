"""The entry edit form: an entry's YAML document <-> the form's fields.

Fields the form does not show (and languages the region does not support) are carried over
untouched, so saving the form never drops anything the curator did not edit.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date
from typing import Any

from knowledge.loader import ContentError

TEXT_FIELDS: tuple[str, ...] = ("title", "answer", "steps", "documents", "fees", "deadlines", "details",
                                "questions")
LIST_TEXT_FIELDS = frozenset({"steps", "documents", "questions"})
LINE_FIELDS = ("sources", "legal_basis")
SCALAR_FIELDS = ("topic", "subtopic", "audience", "source_lang", "last_reviewed", "review_every_days",
                 "keywords")


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _plain(value: Any) -> Any:
    """Plain dicts and lists (from ruamel's commented containers)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _source_line(item: Any) -> str:
    if isinstance(item, Mapping):
        url, title = str(item.get("url") or ""), item.get("title")
        return f"{url} | {title}" if title else url
    return str(item)


def values_from_document(doc: Mapping[str, Any], languages: list[str]) -> dict[str, Any]:
    """What the form shows for a stored entry (field name -> text; `offices` -> list of ids)."""
    values: dict[str, Any] = {
        "topic": str(doc.get("topic") or ""), "subtopic": str(doc.get("subtopic") or ""),
        "audience": str(doc.get("audience") or ""), "source_lang": str(doc.get("source_lang") or ""),
        "last_reviewed": str(doc.get("last_reviewed") or ""),
        "review_every_days": str(doc.get("review_every_days") or ""),
        "keywords": ", ".join(_lines(doc.get("keywords"))),
        "offices": _lines(doc.get("offices")),
        "sources": "\n".join(_source_line(s) for s in doc.get("sources") or []),
        "legal_basis": "\n".join(_lines(doc.get("legal_basis"))),
    }
    content = doc.get("content") or {}
    for lang in languages:
        block = content.get(lang) or {}
        for name in TEXT_FIELDS:
            value = block.get(name) if isinstance(block, Mapping) else None
            values[f"{lang}.{name}"] = ("\n".join(_lines(value)) if name in LIST_TEXT_FIELDS
                                        else str(value or "").strip())
    return values


def values_from_post(form: Any, languages: list[str]) -> dict[str, Any]:
    """The posted form exactly as typed (to show it again when it cannot be saved)."""
    names = [*SCALAR_FIELDS, *LINE_FIELDS] + [f"{lang}.{f}" for lang in languages for f in TEXT_FIELDS]
    values: dict[str, Any] = {name: _text(form.get(name)) for name in names}
    values["offices"] = [str(v) for v in form.getall("offices", [])]
    return values


def _text(value: Any) -> str:
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n")


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    """Set a field, or remove it when the value is empty."""
    if value is None or (isinstance(value, str | list | dict) and not value):
        target.pop(key, None)
    else:
        target[key] = value


def _split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _parse_source(line: str) -> dict[str, str]:
    url, _, title = line.partition("|")
    return {"url": url.strip(), "title": title.strip()} if title.strip() else {"url": url.strip()}


def document_from_values(values: Mapping[str, Any], original: Mapping[str, Any],
                         languages: list[str]) -> dict[str, Any]:
    """The entry document to save: the original with the form's fields replaced."""
    doc = copy.deepcopy(_plain(original))
    for key in ("topic", "subtopic", "audience", "source_lang"):
        _set(doc, key, _text(values.get(key)).strip())
    reviewed = _text(values.get("last_reviewed")).strip()
    try:
        _set(doc, "last_reviewed", date.fromisoformat(reviewed))
    except ValueError:
        _set(doc, "last_reviewed", reviewed)  # the validator names the problem
    every = _text(values.get("review_every_days")).strip()
    _set(doc, "review_every_days", int(every) if every.isdigit() else every)
    _set(doc, "keywords", [k.strip() for k in _text(values.get("keywords")).split(",") if k.strip()])
    _set(doc, "offices", [o for o in values.get("offices") or [] if o])
    doc["sources"] = [_parse_source(line) for line in _split_lines(_text(values.get("sources")))]
    _set(doc, "legal_basis", _split_lines(_text(values.get("legal_basis"))))
    content = doc.get("content") if isinstance(doc.get("content"), dict) else {}
    for lang in languages:
        block = content.get(lang) if isinstance(content.get(lang), dict) else {}
        for name in TEXT_FIELDS:
            text = _text(values.get(f"{lang}.{name}"))
            _set(block, name, _split_lines(text) if name in LIST_TEXT_FIELDS else text.strip())
        _set(content, lang, block)
    doc["content"] = content
    return doc


def field_errors(errors: list[ContentError]) -> dict[str, list[str]]:
    """Errors by form field name (`content.uk.answer` -> `uk.answer`, `sources[0].url` -> `sources`)."""
    by_field: dict[str, list[str]] = {}
    for err in errors:
        name = err.field
        if name.startswith("content."):
            name = name[len("content."):]
        name = name.split("[", 1)[0]
        by_field.setdefault(name, []).append(err.problem)
    return by_field
