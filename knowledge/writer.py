"""Write entry files back: round-trip YAML that keeps comments and key order, validated before writing.

Every write goes through `save_entry`: the new text is rendered with ruamel.yaml, checked by the real
loader (`load_region` on a scratch copy of the region file, its offices and the one entry), and only
then written atomically (temporary file + rename). On any error nothing is written and the errors are
returned (`add_sample_questions` raises them as `ContentRejected`).

`data` given to `save_entry` is the complete entry as the loader reads it (the web form sends all of
it): keys left out are removed from the file; comments and the order of the keys that stay are kept;
values that did not change keep their style (folded `>-` blocks, flow lists).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from knowledge.loader import DRAFTS_DIR, ContentError, load_region
from knowledge.vocabulary import TOPICS

ENTRY_KEY_ORDER = ("id", "topic", "subtopic", "audience", "source_lang", "last_reviewed", "review_every_days",
                   "keywords", "offices", "sources", "legal_basis", "content")
TEXT_KEY_ORDER = ("title", "answer", "steps", "documents", "fees", "deadlines", "details", "questions")
FOLD_AT = 100
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # what the loader reads, fast


class ContentRejected(ValueError):
    """The loader refused the new content; nothing was written."""

    def __init__(self, errors: list[ContentError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def _yaml() -> YAML:
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096  # never re-wrap what people wrote; new long texts get their own folds
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def entry_path(region_dir: Path, entry_id: str) -> Path | None:
    """The file of an entry (entries/<topic>/<id>.yaml, any sub-folder), or None."""
    found = sorted((region_dir / "entries").rglob(f"{entry_id}.yaml"))
    return found[0] if found else None


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _differences(a: Any, b: Any, where: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in [*a, *(k for k in b if k not in a)]:
            out += _differences(a.get(key), b.get(key), f"{where}.{key}" if where else str(key))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        pairs = enumerate(zip(a, b, strict=True))
        return [d for i, (x, y) in pairs for d in _differences(x, y, f"{where}[{i}]")]
    return [] if a == b else [where or "-"]


def load_entry_document(path: Path) -> CommentedMap:
    """An entry file as an editable mapping (comments and order kept).

    Raises ContentRejected when the file holds a value that the round-trip parser reads differently
    from the loader (e.g. an unquoted `31,40` in a flow list): saving it would change the content.
    """
    text = path.read_text(encoding="utf-8")
    doc = _yaml().load(text)
    if not isinstance(doc, CommentedMap):
        raise ContentRejected([ContentError(str(path), "-", "the file must be a mapping of field: value")])
    differ = _differences(yaml.load(text, Loader=_SAFE_LOADER), _plain(doc))
    if differ:
        raise ContentRejected([ContentError(str(path), f, "read two ways by YAML parsers; quote the value "
                                            "by hand before editing this entry here") for f in differ])
    return doc


def _folded(text: str) -> FoldedScalarString:
    """A long text as a `>-` block wrapped near FOLD_AT columns (only at single spaces)."""
    scalar = FoldedScalarString(text)
    folds, line_start = [], 0
    for i, char in enumerate(text):
        single = text[i - 1] != " " and text[i + 1 : i + 2] not in ("", " ")
        if char == " " and single and i - line_start >= FOLD_AT:
            folds.append(i)
            line_start = i + 1
    scalar.fold_pos = folds
    return scalar


def _styled(value: Any) -> Any:
    """A new value in the house style: long texts folded, multi-line texts literal, block lists."""
    if isinstance(value, dict):
        return CommentedMap((key, _styled(v)) for key, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_styled(v) for v in value)
    if isinstance(value, str):
        value = value.strip()
        if "\n" in value:
            return LiteralScalarString(value + "\n")
        return _folded(value) if len(value) > FOLD_AT else value
    return value


def _in_order(data: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    return {k: data[k] for k in sorted(data, key=lambda k: order.index(k) if k in order else len(order))}


def _new_document(data: dict[str, Any]) -> CommentedMap:
    """A new entry: keys in the usual order, keywords and offices as flow lists like the other files."""
    data = _in_order(data, ENTRY_KEY_ORDER)
    if isinstance(data.get("content"), dict):
        data["content"] = {lang: _in_order(block, TEXT_KEY_ORDER) if isinstance(block, dict) else block
                           for lang, block in data["content"].items()}
    doc = _styled(data)
    for key in ("keywords", "offices"):
        if isinstance(doc.get(key), CommentedSeq):
            doc[key].fa.set_flow_style()
    return doc


def _merged(old: Any, new: Any) -> Any:
    """`new` written over `old`, keeping old's comments, order and style wherever the value stays."""
    if _plain(old) == _plain(new) and type(_plain(old)) is type(_plain(new)):
        return old
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            old[key] = _merged(old[key], value) if key in old else _styled(value)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        if _plain(new[: len(old)]) == _plain(old):  # only appended: keep the list and its comments
            old.extend(_styled(v) for v in new[len(old) :])
            return old
        seq = CommentedSeq(_merged(old[i], v) if i < len(old) else _styled(v) for i, v in enumerate(new))
        if old.fa.flow_style():
            seq.fa.set_flow_style()
        return seq
    if isinstance(old, FoldedScalarString) and isinstance(new, str) and "\n" not in new:
        return _folded(new.strip())
    return _styled(new)


def dump_document(doc: CommentedMap) -> str:
    """The YAML text of a document, in the style of the content files."""
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    return buf.getvalue()


def _validate(region_dir: Path, rel_path: Path, text: str) -> list[ContentError]:
    """The loader's errors for the region with this one entry file (nothing else of the region is read)."""
    with tempfile.TemporaryDirectory(prefix="infopoint-validate-") as tmp:
        folder = Path(tmp) / region_dir.parent.name / region_dir.name
        folder.mkdir(parents=True)
        if (region_dir / "region.yaml").exists():
            shutil.copy(region_dir / "region.yaml", folder / "region.yaml")
        if (region_dir / "offices").is_dir():
            shutil.copytree(region_dir / "offices", folder / "offices")
        target = folder / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        content = load_region(folder)
    if content.errors:
        return content.errors
    if not content.entries:
        return [ContentError(str(rel_path), "-", "the file is not a valid entry")]
    return []


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_document(region_dir: Path, path: Path, doc: CommentedMap) -> list[ContentError]:
    text = dump_document(doc)
    errors = _validate(region_dir, path.relative_to(region_dir), text)
    if not errors:
        _atomic_write(path, text)
    return errors


def save_entry(region_dir: Path, entry_id: str, data: dict[str, Any]) -> list[ContentError]:
    """Write an entry (a new id creates entries/<topic>/<id>.yaml); the loader's errors, [] when saved."""
    data = dict(data)
    if isinstance(data.get("last_reviewed"), str):
        with contextlib.suppress(ValueError):
            data["last_reviewed"] = date.fromisoformat(data["last_reviewed"].strip())
    path = entry_path(region_dir, entry_id)
    if path is None:
        topic = data.get("topic")
        if topic not in TOPICS:
            return [ContentError(f"{region_dir.name}/entries/?/{entry_id}.yaml", "topic",
                                 f"unknown topic {topic!r}; topics: {', '.join(TOPICS)}")]
        path = region_dir / "entries" / str(topic) / f"{entry_id}.yaml"
        doc = _new_document(data)
    else:
        try:
            doc = _merged(load_entry_document(path), data)
        except ContentRejected as exc:
            return exc.errors
    return _write_document(region_dir, path, doc)


def _norm(question: str) -> str:
    return " ".join(question.lower().split())


def add_sample_questions(region_dir: Path, entry_id: str, questions: dict[str, list[str]]) -> int:
    """Add questions (language -> texts) to an entry's sample questions; returns how many were new.

    Each goes into the block of its language when the entry has one, else into the source language's.
    KeyError when there is no such entry; ContentRejected (nothing written) when the result is invalid.
    """
    path = entry_path(region_dir, entry_id)
    if path is None:
        raise KeyError(f"no entry {entry_id!r} in {region_dir.name}")
    doc = load_entry_document(path)
    content = doc.get("content")
    if not isinstance(content, dict) or not content:
        raise ContentRejected([ContentError(str(path), "content", "the entry has no language blocks")])
    source = doc.get("source_lang") if doc.get("source_lang") in content else next(iter(content))
    known = {_norm(q) for block in content.values() if isinstance(block, dict)
             for q in (block.get("questions") or [])}
    added = 0
    for lang, texts in questions.items():
        block = content[lang if lang in content else source]
        for text in texts:
            text = " ".join(str(text).split())
            if not text or _norm(text) in known:
                continue
            if not isinstance(block.get("questions"), list):
                block["questions"] = CommentedSeq()
            block["questions"].append(text)
            known.add(_norm(text))
            added += 1
    if added:
        errors = _write_document(region_dir, path, doc)
        if errors:
            raise ContentRejected(errors)
    return added



def save_draft(region_dir: Path, draft_id: str, data: dict[str, Any], comment: str,
               notes: dict[str, str] | None = None) -> Path:
    """Write drafts/<id>.yaml with a header comment and end-of-line notes (keys as dotted paths).

    A draft is not validated (its empty fields are for the curator to fill) and the loader never
    reads drafts/: only entries/ holds entries. Returns the file written.
    """
    doc = _new_document(data)
    doc.yaml_set_start_comment(comment)
    for dotted, note in (notes or {}).items():
        *parents, key = dotted.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node.get(part)
        if isinstance(node, CommentedMap) and key in node:
            node.yaml_add_eol_comment(note, key)
    path = region_dir / DRAFTS_DIR / f"{draft_id}.yaml"
    _atomic_write(path, dump_document(doc))
    return path
