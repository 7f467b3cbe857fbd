"""A knowledge entry: one question people have, answered in several languages with its sources."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

TRANSLATED_FIELDS = ("title", "answer", "steps", "documents", "fees", "deadlines", "details")


@dataclass
class EntryText:
    """An entry's text in one language."""

    lang: str
    title: str
    answer: str
    questions: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    fees: str | None = None
    deadlines: str | None = None
    details: str | None = None
    source_hash: str | None = None

    def content_hash(self) -> str:
        """A short hash of the translatable text (what translations are made from)."""
        parts = [self.title, self.answer, *self.steps, *self.documents,
                 self.fees or "", self.deadlines or "", self.details or ""]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]

    def full_text(self) -> str:
        """All the text of this language, for display checks and evaluation."""
        parts = [self.title, self.answer, *self.steps, *self.documents,
                 self.fees or "", self.deadlines or "", self.details or ""]
        return "\n".join(p for p in parts if p)

    @property
    def has_details(self) -> bool:
        """True when there is more than the short answer."""
        return bool(self.steps or self.documents or self.fees or self.deadlines or self.details)


@dataclass(frozen=True)
class Source:
    """An official page the entry's facts come from."""

    url: str
    title: str | None = None


@dataclass
class Entry:
    """One curated answer, with all its language versions."""

    id: str
    region: str
    topic: str
    audience: str
    source_lang: str
    last_reviewed: date
    texts: dict[str, EntryText]
    sources: list[Source]
    subtopic: str | None = None
    keywords: list[str] = field(default_factory=list)
    offices: list[str] = field(default_factory=list)
    legal_basis: list[str] = field(default_factory=list)
    review_every_days: int = 180
    path: Path | None = None

    def text_in(self, languages: list[str]) -> EntryText:
        """The first language version available in the given order (the source language last)."""
        for lang in [*languages, self.source_lang]:
            if lang in self.texts:
                return self.texts[lang]
        return next(iter(self.texts.values()))

    def translation_status(self, lang: str) -> str:
        """`source`, `missing`, `up_to_date`, `outdated` or `unknown` (made before stamping)."""
        if lang == self.source_lang:
            return "source"
        text = self.texts.get(lang)
        if text is None:
            return "missing"
        if not text.source_hash:
            return "unknown"
        source = self.texts.get(self.source_lang)
        if source is None or text.source_hash == source.content_hash():
            return "up_to_date"
        return "outdated"

    def review_due(self) -> date:
        """The date by which the facts should be checked again."""
        from datetime import timedelta

        return self.last_reviewed + timedelta(days=self.review_every_days)

    def all_text(self) -> str:
        """All the text of all languages (the evaluation's "entry text")."""
        return "\n".join(t.full_text() for t in self.texts.values())
