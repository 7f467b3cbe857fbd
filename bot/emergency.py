"""Spot questions that mean someone may be in danger now (any supported language)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

TERMS_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "emergency_terms.yaml"


@cache
def _pattern() -> re.Pattern[str]:
    data = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8")) or {}
    terms = sorted({str(t).lower() for words in data.values() for t in words}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + ")", re.IGNORECASE)


def is_emergency(text: str) -> bool:
    """True when the text contains an emergency word or phrase."""
    return bool(_pattern().search(text.replace("’", "'")))
