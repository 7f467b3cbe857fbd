"""Telegram message text helpers: HTML escaping and splitting at the 4096-character limit."""

from __future__ import annotations

import html

LIMIT = 4096


def esc(text: str) -> str:
    """Escape user or content text for Telegram HTML."""
    return html.escape(text, quote=False)


def split_message(text: str, limit: int = LIMIT) -> list[str]:
    """Split a message into parts of at most `limit` characters.

    Cuts at paragraph, then line, then word boundaries so that HTML tags (which never span lines in
    our rendering) stay whole; a single over-long run is cut hard as the last resort.
    """
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0)
        if cut < limit // 4:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts or [""]
