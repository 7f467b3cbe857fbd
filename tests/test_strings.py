"""Every language file has every English key, with the same {placeholders}, and parses as YAML."""

from __future__ import annotations

import string

import pytest

from bot.strings import FOLDER, strings
from knowledge.vocabulary import LANGUAGES, TOPICS

LANGS = sorted(p.stem for p in FOLDER.glob("*.yaml"))


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_product_language_has_a_file() -> None:
    assert set(LANGUAGES) <= set(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_language_has_every_key_with_same_placeholders(lang: str) -> None:
    english, own = strings("en"), strings(lang)
    missing = sorted(set(english) - set(own))
    assert not missing, f"{lang}.yaml lacks {missing}"
    extra = sorted(set(own) - set(english))
    assert not extra, f"{lang}.yaml has keys that en.yaml does not: {extra}"
    wrong = {k: (_placeholders(english[k]), _placeholders(own[k])) for k in english
             if _placeholders(english[k]) != _placeholders(own[k])}
    assert not wrong, f"{lang}.yaml placeholder mismatch (en, {lang}): {wrong}"
    empty = [k for k, v in own.items() if not v.strip()]
    assert not empty, f"{lang}.yaml has empty strings: {empty}"


def test_every_topic_has_a_name() -> None:
    assert all(f"topic_{topic}" in strings("en") for topic in TOPICS)


@pytest.mark.parametrize("lang", LANGS)
def test_no_raw_angle_brackets(lang: str) -> None:
    """Strings are sent as Telegram HTML: a stray < would make Telegram refuse the message."""
    bad = [k for k, v in strings(lang).items() if "<" in v or ">" in v]
    assert not bad, f"{lang}.yaml: {bad}"
