"""Text that is either one string or a map of language -> string."""

from __future__ import annotations

from collections.abc import Iterable

Localized = str | dict[str, str]


def pick(value: Localized | None, languages: Iterable[str]) -> str:
    """The first available text of `value` in the given language order ("" when there is none)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    for lang in languages:
        if value.get(lang):
            return value[lang]
    return next(iter(value.values()), "")
