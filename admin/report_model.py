"""The figures of a regional report, as plain data (built by admin.reports, rendered by admin.report_formats).

Nothing here identifies a person: counts, shares, topics, languages, entry ids and the scrubbed example
questions of need groups asked by at least `min_people` distinct people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

OUTCOME_ORDER = ("answered", "unsure", "unanswered")
LANGUAGE_NAMES = {"pl": "Polish", "cs": "Czech", "en": "English", "uk": "Ukrainian", "ru": "Russian",
                  "be": "Belarusian", "ka": "Georgian", "vi": "Vietnamese", "ar": "Arabic", "de": "German",
                  "sk": "Slovak", "fr": "French", "es": "Spanish", "tr": "Turkish", "hy": "Armenian",
                  "uz": "Uzbek", "kk": "Kazakh", "ro": "Romanian", "hu": "Hungarian"}


def language_name(code: str) -> str:
    """The English name of a language code (the code itself when unknown)."""
    return LANGUAGE_NAMES.get(code, code)


def topic_name(topic: str | None) -> str:
    """A topic id as words: "registration_documents" -> "Registration documents"."""
    return (topic or "unknown").replace("_", " ").capitalize()


@dataclass
class OutcomeCounts:
    """How many questions ended answered / unsure / unanswered."""

    answered: int = 0
    unsure: int = 0
    unanswered: int = 0

    @property
    def total(self) -> int:
        """All questions."""
        return self.answered + self.unsure + self.unanswered

    def share(self, outcome: str) -> float:
        """The share of one outcome in percent (0 when there were no questions)."""
        return 100.0 * getattr(self, outcome) / self.total if self.total else 0.0

    def add(self, outcome: str) -> None:
        """Count one question."""
        setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass
class WeekRow:
    """One ISO week of the period (clipped to the period at both ends)."""

    week: str  # "2026-W47"
    start: date  # the Monday of the ISO week
    counts: OutcomeCounts = field(default_factory=OutcomeCounts)
    people: int = 0


@dataclass
class TopicRow:
    """Demand for one topic: answered questions by their entry's topic, unmet by their group's topic."""

    topic: str
    answered: int = 0
    unmet: int = 0


@dataclass
class LanguageRow:
    """Questions asked in one language, with their outcomes and the content available in it."""

    lang: str
    name: str
    counts: OutcomeCounts = field(default_factory=OutcomeCounts)
    entries_translated: int = 0
    supported: bool = True


@dataclass
class NeedRow:
    """One unmet-need group, as exported (only groups seen from >= min_people people)."""

    label: str
    topic: str | None
    state: str
    questions: int  # signals in the period
    people: int  # distinct people in the period
    languages: dict[str, int]
    trend: int  # signals in the last 7 days of the period minus the 7 days before
    first_seen: str
    last_seen: str
    examples: list[str] = field(default_factory=list)


@dataclass
class EntryVotes:
    """Feedback on one entry in the period."""

    entry_id: str
    title: str
    up: int = 0
    down: int = 0


@dataclass
class Report:
    """Everything a regional report shows."""

    region: str
    region_name: str
    start: date
    end: date
    generated: datetime
    timezone: str
    entries_total: int
    totals: OutcomeCounts
    picked_after_unsure: int
    people: int
    weeks: list[WeekRow]
    topics: list[TopicRow]
    languages: list[LanguageRow]
    needs: list[NeedRow]
    needs_hidden: int  # groups left out: fewer than min_people distinct people
    unmet_questions: int
    votes_up: int
    votes_down: int
    entry_votes: list[EntryVotes]
    min_people: int = 3
    notes: list[str] = field(default_factory=list)

    @property
    def gaps(self) -> list[LanguageRow]:
        """Languages people asked in where fewer than all entries exist, most questions first."""
        return [row for row in self.languages if row.entries_translated < self.entries_total]
