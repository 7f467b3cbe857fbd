"""User-facing strings: one YAML file per language in this folder, English as the fallback."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

FOLDER = Path(__file__).parent


@cache
def strings(lang: str) -> dict[str, str]:
    """All strings of one language (empty when the language has no file)."""
    path = FOLDER / f"{lang}.yaml"
    if not path.exists():
        return {}
    return {str(k): str(v) for k, v in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items()}


def available_languages() -> list[str]:
    """Languages that have a strings file."""
    return sorted(p.stem for p in FOLDER.glob("*.yaml"))


def t(lang: str | None, key: str, **values: object) -> str:
    """The string `key` in `lang` (English when missing), with {placeholders} filled in."""
    text = strings(lang or "en").get(key) or strings("en")[key]
    return text.format(**values) if values else text
