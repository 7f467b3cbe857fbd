"""Loading and validating content: precise errors, and a bad file never takes the rest down."""

from __future__ import annotations

from pathlib import Path

from admin.cli import main as admin_main
from infopoint.settings import REPO_ROOT
from knowledge.loader import load_all, load_region
from knowledge.vocabulary import TOPICS

CONTENT = REPO_ROOT / "knowledge" / "regions"

ENTRY = """id: {id}
topic: {topic}
audience: migrant
source_lang: pl
last_reviewed: 2026-11-22
sources: [{{url: "https://www.gov.pl/web/gov/uzyskaj-numer-pesel"}}]
content:
{content}
"""
TEXT = "  {lang}:\n    title: T {lang}\n    answer: A {lang}\n    questions: [q {lang}]\n"


def _write_entry(folder: Path, entry_id: str, topic: str = "work", langs=("pl", "en", "uk", "ru")) -> Path:
    path = folder / "entries" / topic / f"{entry_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    content = "".join(TEXT.format(lang=lg) for lg in langs)
    path.write_text(ENTRY.format(id=entry_id, topic=topic, content=content))
    return path


def test_shipped_content_is_valid() -> None:


    regions = load_all(CONTENT)
    assert {"malopolska", "jihomoravsky"} <= set(regions)
    for content in regions.values():
        assert content.errors == []
        for entry in content.entries.values():
            assert entry.sources and entry.last_reviewed
            assert entry.topic in TOPICS


def test_starter_set_covers_required_languages() -> None:


    malopolska = load_region(CONTENT / "malopolska")
    complete = [e for e in malopolska.entries.values() if {"pl", "en", "uk", "ru"} <= set(e.texts)]
    assert len(complete) >= 15


def test_errors_name_file_field_and_problem(content_copy: Path) -> None:
    folder = content_copy / "malopolska"
    _write_entry(folder, "good-one")
    broken = folder / "entries" / "work" / "broken.yaml"
    broken.write_text("id: broken\ntopic: [unclosed\n")
    _write_entry(folder, "bad-topic", topic="work").write_text(
        (folder / "entries/work/bad-topic.yaml").read_text().replace("topic: work", "topic: weather"))
    _write_entry(folder, "no-russian", langs=("pl", "en", "uk"))
    typo = _write_entry(folder, "typo-field")
    typo.write_text(typo.read_text().replace("audience:", "audiense: x\naudience:"))
    content = load_region(folder)
    messages = [str(e) for e in content.errors]
    assert any("broken.yaml: line 3" in m and "starts at line 2" in m for m in messages), messages
    assert any("bad-topic.yaml: topic: unknown topic 'weather'" in m for m in messages), messages
    assert any("no-russian.yaml: content.ru: missing required language 'ru'" in m for m in messages)
    assert any("typo-field.yaml: audiense: unknown field" in m for m in messages)
    assert "good-one" in content.entries
    assert len(content.entries) > 10  # the rest of the region still loads


def test_validate_command_lists_all_errors_and_fails(content_copy: Path, monkeypatch, capsys) -> None:
    folder = content_copy / "malopolska"
    (folder / "entries" / "work" / "broken.yaml").write_text("id: [\n")
    _write_entry(folder, "no-russian", langs=("pl", "en", "uk"))
    monkeypatch.setenv("INFOPOINT_CONTENT_DIR", str(content_copy))
    assert admin_main(["validate"]) == 1
    out = capsys.readouterr().out
    assert "broken.yaml" in out and "missing required language 'ru'" in out
    (folder / "entries" / "work" / "broken.yaml").unlink()
    (folder / "entries" / "work" / "no-russian.yaml").unlink()
    assert admin_main(["validate"]) == 0
