"""The Answer: what the answer core decides for one question, independent of any channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from knowledge.entry import Entry, EntryText
from knowledge.localized import pick
from knowledge.office import Office
from knowledge.region import EmergencyNumber

ANSWERED, UNSURE, UNANSWERED = "answered", "unsure", "unanswered"


@dataclass(frozen=True)
class Candidate:
    """An entry offered as a choice when the core is unsure."""

    entry_id: str
    title: str
    score: float


@dataclass
class Answer:
    """The outcome for one question and everything a channel needs to show it."""

    outcome: str
    question: str
    region: str
    lang: str
    detected_lang: str | None
    score: float | None = None
    entry: Entry | None = None
    text: EntryText | None = None
    candidates: list[Candidate] = field(default_factory=list)
    offices: list[Office] = field(default_factory=list)
    contacts: list[Office] = field(default_factory=list)
    emergency_numbers: list[EmergencyNumber] = field(default_factory=list)
    question_id: int | None = None
    official: bool = False
    ranked: list[tuple[str, float]] = field(default_factory=list)  # (entry id, score), best first

    @property
    def emergency(self) -> bool:
        """True when the question looked like an emergency."""
        return bool(self.emergency_numbers)

    @property
    def fallback_used(self) -> bool:
        """True when the entry is shown in another language than the user's."""
        return self.text is not None and self.text.lang != self.lang

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (the HTTP API and `infopoint ask --json`)."""
        langs = [self.lang]
        data: dict[str, Any] = {
            "outcome": self.outcome, "question": self.question, "region": self.region,
            "lang": self.lang, "detected_lang": self.detected_lang,
            "score": None if self.score is None else round(self.score, 4),
            "question_id": self.question_id, "emergency": self.emergency,
            "emergency_numbers": [{"number": n.number, "label": pick(n.label, langs)}
                                  for n in self.emergency_numbers],
            "candidates": [{"entry_id": c.entry_id, "title": c.title, "score": round(c.score, 4)}
                           for c in self.candidates],
            "entry": None,
            "contacts": [_office_dict(o, langs) for o in self.contacts],
        }
        if self.entry and self.text:
            data["entry"] = {
                "id": self.entry.id, "topic": self.entry.topic, "text_lang": self.text.lang,
                "fallback_used": self.fallback_used, "title": self.text.title, "answer": self.text.answer,
                "steps": self.text.steps, "documents": self.text.documents, "fees": self.text.fees,
                "deadlines": self.text.deadlines, "details": self.text.details,
                "sources": [{"url": s.url, "title": s.title} for s in self.entry.sources],
                "last_reviewed": self.entry.last_reviewed.isoformat(),
                "legal_basis": self.entry.legal_basis,
                "offices": [_office_dict(o, langs) for o in self.offices],
            }
        return data


def _office_dict(office: Office, langs: list[str]) -> dict[str, Any]:
    return {"id": office.id, "name": pick(office.name, langs), "address": pick(office.address, langs) or None,
            "hours": pick(office.hours, langs) or None, "phone": office.phone, "email": office.email,
            "web": office.web}
