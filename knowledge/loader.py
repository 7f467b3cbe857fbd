"""Load and validate region folders.

Every problem becomes a `ContentError` naming the file, the field and what is wrong. A bad file is
skipped, never fatal: the loader returns what is valid plus the list of errors, and the caller
decides (the service keeps its last good index when new content has errors).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from knowledge.entry import Entry, EntryText, Source
from knowledge.office import Office
from knowledge.region import EmergencyNumber, Region
from knowledge.vocabulary import AUDIENCES, LANGUAGES, TOPICS

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's reader: same result, ~12x faster
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ANSWER_CHARS = 900
ENTRY_FIELDS = {
    "id", "topic", "subtopic", "audience", "source_lang", "last_reviewed", "keywords", "offices",
    "sources", "legal_basis", "content", "review_every_days",
}
TEXT_FIELDS = {"title", "answer", "questions", "steps", "documents", "fees", "deadlines", "details"}
TRANSLATIONS_FILE = "translations.yaml"
DRAFTS_DIR = "drafts"  # draft entries written from unmet needs: never loaded, not in the content hash
OFFICE_FIELDS = {"id", "name", "address", "hours", "phone", "email", "web", "notes", "languages", "kind"}
REGION_FIELDS = {"id", "name", "country", "office_languages", "languages", "required_languages",
                 "fallback", "emergency", "contacts"}


@dataclass(frozen=True)
class ContentError:
    """One validation problem."""

    file: str
    field: str
    problem: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.problem}"


@dataclass
class RegionContent:
    """The valid part of a region folder, and everything that was wrong with the rest."""

    region: Region | None
    entries: dict[str, Entry] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)
    content_hash: str = ""

    @property
    def ok(self) -> bool:
        """True when the folder has no errors at all."""
        return not self.errors


class _Problems:
    """Collects errors for one file."""

    def __init__(self, path: Path, root: Path) -> None:
        try:
            self.file = str(path.relative_to(root.parent))
        except ValueError:
            self.file = str(path)
        self.errors: list[ContentError] = []
        self.warnings: list[ContentError] = []

    def error(self, field_name: str, problem: str) -> None:
        self.errors.append(ContentError(self.file, field_name, problem))

    def warn(self, field_name: str, problem: str) -> None:
        self.warnings.append(ContentError(self.file, field_name, problem, "warning"))

    def under(self, prefix: str) -> _Prefixed:
        """The same collector, naming fields below `prefix` (e.g. `content.uk.`)."""
        return _Prefixed(self, prefix)


class _Prefixed:
    def __init__(self, parent: _Problems, prefix: str) -> None:
        self.parent, self.prefix = parent, prefix

    def error(self, field_name: str, problem: str) -> None:
        self.parent.error(self.prefix + field_name, problem)

    def warn(self, field_name: str, problem: str) -> None:
        self.parent.warn(self.prefix + field_name, problem)


def _read_yaml(path: Path, problems: _Problems | _Prefixed) -> dict[str, Any] | None:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "-"
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context_mark", None)
        if context is not None and (mark is None or context.line != mark.line):
            reason += f" (in what starts at line {context.line + 1}, column {context.column + 1})"
        problems.error(where, f"broken YAML: {reason}")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.error("-", f"cannot read the file: {exc}")
        return None
    if not isinstance(data, dict):
        problems.error("-", "the file must be a mapping of field: value")
        return None
    return data


def _string(data: dict, key: str, problems: _Problems | _Prefixed, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.error(key, "is required")
        return None
    if not isinstance(value, str | int | float):
        problems.error(key, f"must be text, not {type(value).__name__}")
        return None
    return str(value).strip()


def _string_list(data: dict, key: str, problems: _Problems | _Prefixed) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        problems.error(key, "must be a list of texts")
        return []
    return [str(v).strip() for v in value if str(v).strip()]


def _localized(data: dict, key: str, problems: _Problems | _Prefixed, required: bool = False):
    value = data.get(key)
    if value is None:
        if required:
            problems.error(key, "is required")
        return None
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, dict):
        unknown = [k for k in value if k not in LANGUAGES]
        if unknown:
            problems.error(key, f"unknown language(s) {unknown}; known: {sorted(LANGUAGES)}")
        return {str(k): str(v) for k, v in value.items() if v is not None}
    problems.error(key, "must be a text or a map of language: text")
    return None


def _date(data: dict, key: str, problems: _Problems | _Prefixed) -> date | None:
    value = data.get(key)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.error(key, "is required as a date YYYY-MM-DD" if value is None
                   else f"{value!r} is not a date YYYY-MM-DD")
    return None


def _unknown_fields(data: dict, allowed: set[str], problems: _Problems | _Prefixed) -> None:
    for key in data:
        if key not in allowed:
            problems.error(str(key), f"unknown field (allowed: {', '.join(sorted(allowed))})")


def parse_office(data: dict, problems: _Problems | _Prefixed) -> Office | None:
    """An office or contact from its YAML mapping."""
    _unknown_fields(data, OFFICE_FIELDS, problems)
    office_id = _string(data, "id", problems)
    name = _localized(data, "name", problems, required=True)
    web = _string(data, "web", problems, required=False)
    if web and not web.startswith(("http://", "https://")):
        problems.error("web", f"{web!r} is not an http(s) URL")
    if office_id is None or name is None:
        return None
    return Office(
        id=office_id, name=name, address=_localized(data, "address", problems),
        hours=_localized(data, "hours", problems), phone=_string(data, "phone", problems, False),
        email=_string(data, "email", problems, False), web=web,
        notes=_localized(data, "notes", problems),
        languages=tuple(_string_list(data, "languages", problems)),
        kind=_string(data, "kind", problems, False) or "office",
    )


def _languages(data: dict, key: str, problems: _Problems | _Prefixed, required: bool = True) -> list[str]:
    codes = _string_list(data, key, problems)
    if required and not codes:
        problems.error(key, "needs at least one language code")
    for code in codes:
        if code not in LANGUAGES:
            problems.error(key, f"unknown language {code!r}; known: {', '.join(LANGUAGES)}")
    return [c for c in codes if c in LANGUAGES]


def parse_region(path: Path, root: Path) -> tuple[Region | None, _Problems]:
    """`region.yaml` of one folder."""
    problems = _Problems(path, root)
    data = _read_yaml(path, problems)
    if data is None:
        return None, problems
    _unknown_fields(data, REGION_FIELDS, problems)
    region_id = _string(data, "id", problems)
    if region_id and region_id != path.parent.name:
        problems.error("id", f"{region_id!r} must equal the folder name {path.parent.name!r}")
    emergency = []
    for i, item in enumerate(data.get("emergency") or []):
        if not isinstance(item, dict) or not item.get("number"):
            problems.error(f"emergency[{i}]", "needs number and label")
            continue
        emergency.append(EmergencyNumber(str(item["number"]), _localized(item, "label", problems) or ""))
    contacts = []
    for i, item in enumerate(data.get("contacts") or []):
        if not isinstance(item, dict):
            problems.error(f"contacts[{i}]", "must be a mapping")
            continue
        contact = parse_office(item, problems.under(f"contacts[{i}]."))
        if contact:
            contacts.append(contact)
    languages = _languages(data, "languages", problems)
    required = _languages(data, "required_languages", problems)
    for code in required:
        if code not in languages:
            problems.error("required_languages", f"{code!r} is not in languages")
    name = _localized(data, "name", problems, required=True)
    if problems.errors or region_id is None or name is None:
        return None, problems
    region = Region(
        id=region_id, name=name, country=_string(data, "country", problems) or "",
        office_languages=_languages(data, "office_languages", problems), languages=languages,
        required_languages=required, fallback=_languages(data, "fallback", problems, False),
        emergency=emergency, contacts=contacts, path=path.parent,
    )
    return region, problems


def _parse_text(lang: str, data: Any, problems: _Problems | _Prefixed) -> EntryText | None:
    if not isinstance(data, dict):
        problems.error(f"content.{lang}", "must be a mapping with title, answer, questions, ...")
        return None
    sub = problems.under(f"content.{lang}.")
    _unknown_fields(data, TEXT_FIELDS, sub)
    title = _string(data, "title", sub)
    answer = _string(data, "answer", sub)
    if answer and len(answer) > MAX_ANSWER_CHARS:
        sub.warn("answer", f"{len(answer)} characters; keep the short answer under "
                 f"{MAX_ANSWER_CHARS} and move the rest to steps/details")
    if title is None or answer is None:
        return None
    return EntryText(
        lang=lang, title=title, answer=answer, questions=_string_list(data, "questions", sub),
        steps=_string_list(data, "steps", sub), documents=_string_list(data, "documents", sub),
        fees=_string(data, "fees", sub, False), deadlines=_string(data, "deadlines", sub, False),
        details=_string(data, "details", sub, False),
    )


def parse_entry(path: Path, root: Path, region: Region) -> tuple[Entry | None, _Problems]:
    """One entry file, checked against its region (languages, offices)."""
    problems = _Problems(path, root)
    data = _read_yaml(path, problems)
    if data is None:
        return None, problems
    _unknown_fields(data, ENTRY_FIELDS, problems)
    entry_id = _string(data, "id", problems)
    if entry_id and not ID_RE.match(entry_id):
        problems.error("id", f"{entry_id!r} must be lowercase letters, digits and '-'")
    if entry_id and entry_id != path.stem:
        problems.error("id", f"{entry_id!r} must equal the file name {path.stem!r}")
    topic = _string(data, "topic", problems)
    if topic and topic not in TOPICS:
        problems.error("topic", f"unknown topic {topic!r}; topics: {', '.join(TOPICS)}")
    audience = _string(data, "audience", problems)
    if audience and audience not in AUDIENCES:
        problems.error("audience", f"{audience!r} must be one of {', '.join(AUDIENCES)}")
    source_lang = _string(data, "source_lang", problems)
    reviewed = _date(data, "last_reviewed", problems)
    sources = []
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        problems.error("sources", "needs at least one official source with a url")
    else:
        for i, item in enumerate(raw_sources):
            url = item.get("url") if isinstance(item, dict) else item
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                problems.error(f"sources[{i}].url", f"{url!r} is not an http(s) URL")
                continue
            title = item.get("title") if isinstance(item, dict) else None
            sources.append(Source(url=url.strip(), title=str(title) if title else None))
    offices = _string_list(data, "offices", problems)
    for office in offices:
        if office not in region.offices and office not in {c.id for c in region.contacts}:
            problems.error("offices", f"unknown office {office!r} (no offices/{office}.yaml)")
    texts: dict[str, EntryText] = {}
    content = data.get("content")
    if not isinstance(content, dict) or not content:
        problems.error("content", "needs the text in each required language")
        content = {}
    for lang, block in content.items():
        if lang not in region.languages:
            problems.error(f"content.{lang}", f"language {lang!r} is not supported by region "
                           f"{region.id!r} (supported: {', '.join(region.languages)})")
            continue
        text = _parse_text(lang, block, problems)
        if text:
            texts[lang] = text
    for lang in region.required_languages:
        if lang not in content:
            problems.error(f"content.{lang}", f"missing required language {lang!r}")
        elif lang in texts and not texts[lang].questions:
            problems.error(f"content.{lang}.questions", "needs at least one sample question")
    if source_lang and source_lang not in content:
        problems.error("source_lang", f"{source_lang!r} has no content")
    every = data.get("review_every_days", 180)
    if not isinstance(every, int) or every <= 0:
        problems.error("review_every_days", "must be a positive number of days")
        every = 180
    if problems.errors:
        return None, problems
    entry = Entry(
        id=entry_id, region=region.id, topic=topic, audience=audience, source_lang=source_lang,
        last_reviewed=reviewed, texts=texts, sources=sources,
        subtopic=_string(data, "subtopic", problems, False),
        keywords=_string_list(data, "keywords", problems),
        offices=offices, legal_basis=_string_list(data, "legal_basis", problems),
        review_every_days=every, path=path,
    )
    return entry, problems


def folder_hash(folder: Path) -> str:
    """A hash of every YAML file of a region folder (names and bytes); drafts/ is not content."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.yaml")):
        if path.relative_to(folder).parts[0] == DRAFTS_DIR:
            continue
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_region(folder: Path) -> RegionContent:
    """Load one region folder: its valid entries and every error of the rest."""
    root = folder.parent
    result = RegionContent(region=None, content_hash=folder_hash(folder))
    region_file = folder / "region.yaml"
    if not region_file.exists():
        result.errors.append(ContentError(str(region_file), "-", "missing region.yaml"))
        return result
    region, problems = parse_region(region_file, root)
    result.errors += problems.errors
    if region is None:
        return result
    for path in sorted((folder / "offices").glob("*.yaml")):
        p = _Problems(path, root)
        data = _read_yaml(path, p)
        office = parse_office(data, p) if data is not None else None
        if office and office.id != path.stem:
            p.error("id", f"{office.id!r} must equal the file name {path.stem!r}")
        elif office:
            region.offices[office.id] = office
        result.errors += p.errors
    result.region = region
    for path in sorted((folder / "entries").rglob("*.yaml")):
        entry, p = parse_entry(path, root, region)
        result.errors += p.errors
        result.warnings += p.warnings
        if entry is None:
            continue
        if entry.id in result.entries:
            other = result.entries[entry.id].path
            result.errors.append(ContentError(p.file, "id", f"duplicate id {entry.id!r} (also {other})"))
            continue
        result.entries[entry.id] = entry
    _apply_translation_stamps(folder / TRANSLATIONS_FILE, root, result)
    return result


def _apply_translation_stamps(path: Path, root: Path, result: RegionContent) -> None:
    """Read which source text each translation was made from (written by `translations --stamp`)."""
    if not path.exists():
        return
    problems = _Problems(path, root)
    data = _read_yaml(path, problems) or {}
    result.errors += problems.errors
    for entry_id, stamps in data.items():
        entry = result.entries.get(entry_id)
        if entry is None or not isinstance(stamps, dict):
            continue
        for lang, source_hash in stamps.items():
            if lang in entry.texts:
                entry.texts[lang].source_hash = str(source_hash)


def region_folders(content_dir: Path) -> list[Path]:
    """Every folder with a region.yaml under the content directory."""
    return sorted(p.parent for p in content_dir.glob("*/region.yaml"))


def load_all(content_dir: Path) -> dict[str, RegionContent]:
    """All regions of the content directory, by folder name."""
    return {folder.name: load_region(folder) for folder in region_folders(content_dir)}
