"""Language detection: scripts and letters first, then words, statistics and the hint."""

import pytest

from index.language import detect_language

CASES = [
    ("де зробити песель?", None, "uk"), ("где сделать песель", None, "ru"),
    ("дзе зрабіць пасведчанне", None, "be"), ("Дзе атрымаць дазвол на працу, калі ў мяне віза", None, "be"),
    ("скільки коштує карта побиту", None, "uk"), ("мне нужен врач для ребенка", None, "ru"),
    ("how do I get pesel", None, "en"), ("jak dostać kartę pobytu", None, "pl"),
    ("co potrzebuje do meldunku w krakowie", None, "pl"), ("kde prodloužit pobyt", None, "cs"),
    ("Tôi cần bảo hiểm y tế", None, "vi"), ("სად ვისწავლო პოლონური", None, "ka"),
    ("أين التأمين الصحي", None, "ar"), ("pesel", "uk", "uk"), ("карта побиту", "ru", "ru"),
    ("where can i learn polish for free", None, "en"),
]


@pytest.mark.parametrize(("text", "hint", "expected"), CASES)
def test_detects(text: str, hint: str | None, expected: str) -> None:
    assert detect_language(text, hint).lang == expected


def test_nothing_to_detect_without_letters() -> None:
    assert detect_language("12345").lang is None
    assert detect_language("🙂", "uk").lang == "uk"
