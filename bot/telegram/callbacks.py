"""Inline-button payloads: short (Telegram allows 64 bytes), typed, and validated on the way back.

A payload is `<kind>:<field>:<field>...`. Anything that does not parse (an old button, forged data)
gives None, and the handler answers politely instead of failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
_TOKEN = re.compile(r"^[a-z0-9_+\-]{1,48}$")
# kind -> number of fields it carries
KINDS: dict[str, int] = {
    "l": 1,  # choose language: lang
    "r": 1,  # choose region: region
    "t": 1,  # open topic: topic ("-" for the topic list)
    "e": 1,  # show entry: entry_id
    "d": 1,  # details of entry: entry_id
    "v": 3,  # vote: +/-, question_id (0 = none), entry_id
    "p": 2,  # pick candidate: question_id, entry_id
    "c": 2,  # client version (official mode): entry_id, lang
    "f": 1,  # forget: yes / no
    "s": 1,  # skip the 👎 comment: feedback_id
}


@dataclass(frozen=True)
class Callback:
    """A parsed button payload."""

    kind: str
    args: tuple[str, ...]


def make(kind: str, *args: object) -> str | None:
    """Encode a payload; None when it would be invalid or too long (the button is then left out)."""
    fields = [str(a) for a in args]
    if KINDS.get(kind) != len(fields) or not all(_TOKEN.match(f) for f in fields):
        return None
    data = ":".join([kind, *fields])
    return data if len(data.encode()) <= MAX_BYTES else None


def parse(data: str | None) -> Callback | None:
    """Decode a payload, or None when it is not one of ours (ours are ASCII: forged data may hold
    anything, even a lone surrogate that cannot be encoded)."""
    if not data or not data.isascii() or len(data) > MAX_BYTES:
        return None
    kind, *fields = data.split(":")
    if KINDS.get(kind) != len(fields) or not all(_TOKEN.match(f) for f in fields):
        return None
    return Callback(kind, tuple(fields))


def as_int(value: str) -> int | None:
    """A non-negative integer field, or None."""
    return int(value) if value.isdigit() and len(value) < 12 else None
