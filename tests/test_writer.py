"""Writing entry files back: comments and order kept, validated by the real loader, all or nothing."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from infopoint.settings import REPO_ROOT
from knowledge.loader import load_region, region_folders
from knowledge.writer import (
    ContentRejected,
    add_sample_questions,
    dump_document,
    entry_path,
    load_entry_document,
    save_entry,
)

CONTENT = REPO_ROOT / "knowledge" / "regions"
ENTRY = "appeal-refusal-decision"


@pytest.fixture()
def region_dir(tmp_path: Path) -> Path:
    """A private copy of one region, with comments added to one entry as a curator would."""
    source, target = CONTENT / "malopolska", tmp_path / "regions" / "malopolska"
    shutil.copytree(source / "offices", target / "offices")
    shutil.copy(source / "region.yaml", target / "region.yaml")
    shutil.copytree(source / "entries" / "residence", target / "entries" / "residence")
    path = entry_path(target, ENTRY)
    text = path.read_text(encoding="utf-8")
    text = "# Checked with the legal aid centre, call before changing deadlines.\n" + text.replace(
        "audience: both\n", "audience: both  # officials use it too\n")
    path.write_text(text, encoding="utf-8")
    return target


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d.startswith("+ ")], [d[2:] for d in diff if d.startswith("- ")]


def test_adding_sample_questions_keeps_comments_order_and_style(region_dir: Path) -> None:
    path = entry_path(region_dir, ENTRY)
    before = path.read_text(encoding="utf-8")
    added = add_sample_questions(region_dir, ENTRY, {
        "uk": ["що робити якщо прийшла негативна децизія", "Отримав відмову на карту побиту що далі"],
        "ar": ["رفضوا طلب الإقامة ماذا أفعل"],  # the entry has no Arabic: goes to the source language (pl)
    })
    assert added == 2  # the second Ukrainian one is already there (case and spaces do not matter)
    plus, minus = _changed_lines(before, path.read_text(encoding="utf-8"))
    assert minus == []
    assert plus == ["      - رفضوا طلب الإقامة ماذا أفعل", "      - що робити якщо прийшла негативна децизія"]
    after = path.read_text(encoding="utf-8")
    assert after.startswith("# Checked with the legal aid centre")
    assert "audience: both  # officials use it too" in after
    entry = load_region(region_dir).entries[ENTRY]
    assert "що робити якщо прийшла негативна децизія" in entry.texts["uk"].questions
    assert "رفضوا طلب الإقامة ماذا أفعل" in entry.texts["pl"].questions
    assert add_sample_questions(region_dir, ENTRY, {"uk": ["що робити якщо прийшла негативна децизія"]}) == 0


def test_invalid_data_is_refused_and_the_file_is_untouched(region_dir: Path) -> None:
    path = entry_path(region_dir, ENTRY)
    before, stamp = path.read_bytes(), path.stat().st_mtime_ns
    data = load_entry_document(path)
    del data["sources"]
    data["content"]["uk"]["answer"] = ""
    data["colour"] = "blue"
    errors = save_entry(region_dir, ENTRY, data)
    fields = {e.field for e in errors}
    assert {"sources", "content.uk.answer", "colour"} <= fields
    assert all(e.file == f"regions/malopolska/entries/residence/{ENTRY}.yaml" for e in errors)
    assert path.read_bytes() == before and path.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []  # no temp files
    with pytest.raises(KeyError):
        add_sample_questions(region_dir, "no-such-entry", {"en": ["x"]})


def test_editing_one_answer_changes_only_that_answer(region_dir: Path) -> None:
    path = entry_path(region_dir, ENTRY)
    before = path.read_text(encoding="utf-8")
    assert save_entry(region_dir, ENTRY, load_entry_document(path)) == []
    assert path.read_text(encoding="utf-8") == before  # saving what was loaded changes nothing
    data = load_entry_document(path)
    data["content"]["en"]["answer"] = "You can appeal within 14 days. " * 6
    data["last_reviewed"] = "2026-12-01"
    assert save_entry(region_dir, ENTRY, dict(data)) == []
    after = path.read_text(encoding="utf-8")
    plus, minus = _changed_lines(before, after)
    assert "last_reviewed: 2026-12-01" in plus and "last_reviewed: 2026-11-22" in minus
    assert len(plus) == 3 and plus[1].startswith("      You can appeal")  # the date and two folded lines
    assert all(line.startswith("      ") and len(line) < 120 for line in plus[1:])  # folded like the others
    assert len(minus) == 10  # the date and the nine lines of the old answer; the rest is untouched
    assert "audience: both  # officials use it too" in after
    expected = ("You can appeal within 14 days. " * 6).strip()
    assert load_region(region_dir).entries[ENTRY].texts["en"].answer == expected


def test_a_new_entry_is_created_in_its_topic_folder(region_dir: Path) -> None:
    data = {
        "id": "fishing-card", "topic": "local_services", "audience": "migrant", "source_lang": "pl",
        "last_reviewed": "2026-11-30", "sources": [{"url": "https://www.pzw.pl/", "title": "PZW"}],
        "content": {lang: {"questions": [f"karta wędkarska {lang}"], "answer": f"Answer {lang}.",
                           "title": f"Fishing card {lang}"} for lang in ("pl", "en", "uk", "ru")},
    }
    assert save_entry(region_dir, "fishing-card", data) == []
    path = region_dir / "entries" / "local_services" / "fishing-card.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("id: fishing-card\ntopic: local_services\n")
    assert text.index("title:") < text.index("answer:") < text.index("questions:")
    assert load_region(region_dir).entries["fishing-card"].texts["uk"].title == "Fishing card uk"
    bad = {**data, "id": "fishing-card-2", "topic": "fishing"}
    assert [e.field for e in save_entry(region_dir, "fishing-card-2", bad)] == ["topic"]
    assert not list(region_dir.rglob("fishing-card-2.yaml"))


def test_a_value_the_parsers_read_differently_is_not_rewritten(region_dir: Path) -> None:
    path = entry_path(region_dir, ENTRY)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "keywords: [odwołanie,", "keywords: [8703e4052954, odwołanie,"), encoding="utf-8")  # a str or inf
    before = path.read_bytes()
    with pytest.raises(ContentRejected) as refused:
        add_sample_questions(region_dir, ENTRY, {"en": ["appeal deadline"]})
    assert refused.value.errors[0].field.startswith("keywords")
    assert path.read_bytes() == before


def test_every_shipped_file_round_trips_unchanged() -> None:
    checked = 0
    for folder in region_folders(CONTENT):
        for path in sorted((folder / "entries").rglob("*.yaml")):
            before = path.read_text(encoding="utf-8")
            after = dump_document(load_entry_document(path))
            # Byte for byte, but for the space ruamel puts after a comma in a flow list ([31,40]);
            # load_entry_document has checked that both YAML parsers read the file the same way.
            assert after.replace(", ", ",") == before.replace(", ", ","), path
            checked += 1
    assert checked > 150
