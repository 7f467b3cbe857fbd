"""The answer core end to end: real model, real FAISS, real SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

from bot.core import AnswerCore, Asker, UnknownLanguage, UnknownRegion
from bot.render import render
from infopoint.settings import REPO_ROOT


def test_ukrainian_pesel_question_is_answered_in_ukrainian(core: AnswerCore) -> None:
    answer = core.ask("де зробити песель?", "malopolska")
    assert answer.outcome == "answered"
    assert answer.lang == "uk" and answer.text.lang == "uk"
    assert "pesel" in answer.entry.id or "PESEL" in answer.entry.keywords
    shown = render(answer)
    assert answer.entry.sources[0].url in shown and answer.entry.last_reviewed.isoformat() in shown


def test_weather_is_unanswered_recorded_and_gives_contacts(core: AnswerCore) -> None:
    answer = core.ask("what's the weather tomorrow", "malopolska", asker=Asker(user="u-weather"))
    assert answer.outcome == "unanswered" and answer.entry is None
    assert answer.contacts, "an unanswered question must offer a human contact"
    row = next(core.store.questions("id = ?", [answer.question_id]))
    assert row["outcome"] == "unanswered" and row["text"] == "what's the weather tomorrow"
    assert row["user"] == "u-weather" and row["region"] == "malopolska"


def test_emergency_numbers_come_first(core: AnswerCore) -> None:
    answer = core.ask("мій чоловік б'є мене, допоможіть", "malopolska")
    assert [n.number for n in answer.emergency_numbers][:1] == ["112"]
    assert render(answer).index("112") < 200


def test_reply_falls_back_and_says_so(core: AnswerCore) -> None:
    live = core.region("malopolska")
    entry = next(e for e in live.content.entries.values() if "ka" not in e.texts)
    answer = core.entry_answer("malopolska", entry.id, "ka")
    assert answer.lang == "ka" and answer.fallback_used and answer.text.lang == "en"
    assert "English" in render(answer)


def test_unknown_region_and_language_are_clear_errors(core: AnswerCore) -> None:
    with pytest.raises(UnknownRegion):
        core.ask("pesel", "atlantis")
    with pytest.raises(UnknownLanguage):
        core.ask("pesel", "malopolska", lang="xx")


def test_czech_region_answers_in_czech(core: AnswerCore) -> None:
    answer = core.ask("jak si prodloužit povolení k dlouhodobému pobytu", "jihomoravsky")
    assert answer.outcome in {"answered", "unsure"} and answer.lang == "cs"
    assert answer.ranked and answer.ranked[0][0] in core.region("jihomoravsky").content.entries


def test_edit_reindexes_only_that_entry_and_bad_content_keeps_last_good(private_core: AnswerCore) -> None:
    catalog = private_core.catalog
    folder = catalog.content_dir / "malopolska"
    path = folder / "entries" / "registration_documents" / "pesel-number-foreigners.yaml"
    entry_id = path.stem
    new_question = f"zupełnie nowe pytanie o kwiaty doniczkowe na balkonie urzędu nr {uuid.uuid4().hex[:6]}"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["content"]["pl"]["questions"].append(new_question)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert catalog.refresh() == {}
    live = catalog.regions["malopolska"]
    assert 0 < live.index.newly_embedded <= 2
    assert private_core.ask(new_question, "malopolska", record=False).ranked[0][0] == entry_id
    (folder / "entries" / "work" / "broken.yaml").write_text("id: [\n")
    refused = catalog.refresh()
    assert "malopolska" in refused and "broken.yaml" in str(refused["malopolska"][0])
    assert catalog.regions["malopolska"] is live and live.pending_errors
    assert private_core.ask(new_question, "malopolska", record=False).ranked[0][0] == entry_id


def test_cli_ask_json(tmp_path: Path) -> None:
    env = {**os.environ, "INFOPOINT_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--region", "malopolska", "--json",
                          "what's the weather tomorrow"], capture_output=True, text=True, env=env,
                         cwd=REPO_ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["outcome"] == "unanswered" and data["contacts"]
    bad = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--region", "atlantis", "x"],
                         capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=300)
    assert bad.returncode == 2 and "malopolska" in bad.stderr
