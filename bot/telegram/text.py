"""Telegram message text helpers: cleaning what people send, HTML escaping, splitting at 4096 characters."""

from __future__ import annotations

import html
import unicodedata

LIMIT = 4096


def clean(text: str | None) -> str:
    """Text from Telegram made safe for the model and the database.

    JSON may carry UTF-16 surrogates: a pair is joined into its character and a lone one (a cut emoji)
    becomes U+FFFD, as neither the tokenizer nor SQLite accepts it; NUL characters are dropped.
    """
    if not text:
        return ""
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return joined.replace("\x00", "")


def has_words(text: str) -> bool:
    """True when the text has a letter or a digit (not only emoji, punctuation or invisible marks)."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


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
