"""An office or contact a person can go to."""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.localized import Localized


@dataclass(frozen=True)
class Office:
    """An office with only verified contact details (empty fields are unknown, never guessed)."""

    id: str
    name: Localized
    address: Localized | None = None
    hours: Localized | None = None
    phone: str | None = None
    email: str | None = None
    web: str | None = None
    notes: Localized | None = None
    languages: tuple[str, ...] = field(default_factory=tuple)
    kind: str = "office"
