"""A region: its languages, fallback chain, emergency numbers, human contacts and offices."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from knowledge.localized import Localized
from knowledge.office import Office


@dataclass(frozen=True)
class EmergencyNumber:
    """A number to call, with what it is for."""

    number: str
    label: Localized


@dataclass
class Region:
    """The content folder's `region.yaml`, plus the offices of its `offices/` folder."""

    id: str
    name: Localized
    country: str
    office_languages: list[str]
    languages: list[str]
    required_languages: list[str]
    fallback: list[str]
    emergency: list[EmergencyNumber] = field(default_factory=list)
    contacts: list[Office] = field(default_factory=list)
    offices: dict[str, Office] = field(default_factory=dict)
    path: Path | None = None

    def language_chain(self, lang: str | None) -> list[str]:
        """Languages to try for a reply: the asked one, then the fallback chain, then the rest."""
        chain: list[str] = []
        for code in [lang, *self.fallback, *self.office_languages, *self.required_languages]:
            if code and code not in chain:
                chain.append(code)
        return chain

    def reply_language(self, lang: str | None) -> str:
        """The language the bot speaks to a user asking in `lang` (a supported one, else the fallback)."""
        if lang in self.languages:
            return lang
        return self.fallback[0] if self.fallback else self.office_languages[0]
