"""Reports to the region from a seeded store: weekly counts, shares, demand, gaps, k-anonymity, formats.

The unmet-need groups come from the real NeedInbox with the real model (session `embedder`).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from admin import charts
from admin.cli import main as admin_main
from admin.reports import build_report, render_report
from bot.core import AnswerCore
from signals.needs import NeedInbox
from signals.store import SignalStore

REGION = "malopolska"
START, END = date(2026, 10, 7), date(2026, 10, 25)  # Wed of ISO week 41 .. Sun of week 43
SCRIPT = "<script>alert(1)</script>"
RABIES = [  # one need in four languages, from four people (one of them twice)
    ("2026-10-13T09:00:00+00:00", "uk", "psn-30", "Де зробити щеплення від сказу для собаки?"),
    ("2026-10-15T11:00:00+00:00", "ru", "psn-31", "Где сделать прививку от бешенства собаке?"),
    ("2026-10-20T10:00:00+00:00", "en", "psn-32", "Where can I get a rabies vaccination for my dog?"),
    ("2026-10-21T12:00:00+00:00", "pl", "psn-33", "Gdzie zaszczepić psa przeciwko wściekliźnie?"),
    ("2026-10-22T08:00:00+00:00", "uk", "psn-30", f"{SCRIPT} Де вакцинувати собаку від сказу?"),
]
CHESS = [  # another need, from two people only: must not be listed anywhere
    ("2026-10-08T09:00:00+00:00", "uk", "psn-40", "Чи є в Кракові шаховий гурток для дітей?"),
    ("2026-10-14T09:00:00+00:00", "ru", "psn-41", "Есть ли в Кракове шахматный кружок для детей?"),
    ("2026-10-23T09:00:00+00:00", "ru", "psn-41", "Шахматная секция для ребёнка в Кракове?"),
]
SINGLES = [
    ("2026-10-16T09:00:00+00:00", "en", "psn-50", "Where can I get a cracked car windscreen replaced?"),
    ("2026-10-24T09:00:00+00:00", "en", "psn-51", "Can I fish in the Vistula without a fishing licence?"),
    ("2026-10-24T15:00:00+00:00", "pl", "psn-52", "Gdzie jest stadion żużlowy?"),
]
UNSURE = [
    ("2026-10-09T09:00:00+00:00", "pl", "psn-20", "Ile kosztuje bilet na tramwaj?"),
    ("2026-10-12T09:00:00+00:00", "uk", "psn-21", "Чи можна везти кота в поїзді?"),
    ("2026-10-14T09:00:00+00:00", "uk", "psn-22", "Де записати дитину на плавання?"),  # then picks an entry
]
# Answered: (ts, detected language, user, topic). Two sit on the time-zone edges of the period.
ANSWERED = [
    ("2026-10-06T22:30:00+00:00", "uk", "psn-1", "health"),  # 00:30 on Oct 7 in Kraków: inside
    ("2026-10-08T10:00:00+00:00", "uk", "psn-2", "health"),
    ("2026-10-09T10:00:00+00:00", "ru", "psn-3", "residence"),
    ("2026-10-10T10:00:00+00:00", "vi", "psn-4", "residence"),
    ("2026-10-12T10:00:00+00:00", "uk", "psn-1", "health"),
    ("2026-10-13T10:00:00+00:00", "uk", "psn-5", "health"),
    ("2026-10-14T10:00:00+00:00", "ru", "psn-6", "health"),
    ("2026-10-15T10:00:00+00:00", "vi", "psn-7", "residence"),
    ("2026-10-16T10:00:00+00:00", "vi", "psn-7", "residence"),
    ("2026-10-17T10:00:00+00:00", "ar", "psn-8", "residence"),
    ("2026-10-20T10:00:00+00:00", "uk", "psn-2", "residence"),
    ("2026-10-25T22:30:00+00:00", "vi", "psn-9", "residence"),  # 23:30 on Oct 25 (CET): inside
]
OUTSIDE = [  # not in the period (Kraków time) or not in the region
    ("2026-10-06T21:30:00+00:00", REGION),  # 23:30 on Oct 6
    ("2026-10-25T23:30:00+00:00", REGION),  # 00:30 on Oct 26
    ("2026-10-15T10:00:00+00:00", "jihomoravsky"),
]
PSEUDONYMS = {row[2] for rows in (RABIES, CHESS, SINGLES, UNSURE, ANSWERED) for row in rows}


@dataclass
class Seeded:
    store: SignalStore
    inbox: NeedInbox
    entries: dict[str, str]  # topic -> an entry id of that topic
    vi_entries: int
    public_entries: int


@pytest.fixture(scope="module")
def seeded(core: AnswerCore, embedder, tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    store = SignalStore(tmp_path_factory.mktemp("reports") / "signals.sqlite3")
    content = core.catalog.get(REGION).content
    public = [e for e in content.entries.values() if e.audience != "official"]
    entries = {t: sorted(e.id for e in public if e.topic == t)[0] for t in ("health", "residence")}
    for ts, lang, user, topic in ANSWERED:
        store.record_question(region=REGION, channel="telegram", lang=lang, detected_lang=lang,
                              outcome="answered", text="question", entry_id=entries[topic], user=user, ts=ts,
                              score=0.97)
    for ts, lang, user, text in RABIES + CHESS + SINGLES:
        store.record_question(region=REGION, channel="telegram", lang=lang, detected_lang=lang,
                              outcome="unanswered", text=text, user=user, ts=ts, score=0.9)
    for ts, lang, user, text in UNSURE:
        qid = store.record_question(region=REGION, channel="telegram", lang=lang, detected_lang=lang,
                                    outcome="unsure", text=text, user=user, ts=ts, score=0.94,
                                    candidates=[entries["health"], entries["residence"]])
    store.record_pick(qid, entries["health"])
    for ts, region in OUTSIDE:
        store.record_question(region=region, channel="web", lang="uk", detected_lang="uk", outcome="answered",
                              text="outside", entry_id=entries["health"], user="psn-99", ts=ts)
    votes = [(entries["health"], -1)] * 3 + [(entries["health"], 1), (entries["residence"], -1),
                                             (entries["residence"], 1), (entries["residence"], 1)]
    for i, (entry_id, vote) in enumerate(votes):
        fid = store.record_feedback(question_id=None, vote=vote, entry_id=entry_id, user=f"psn-{60 + i}",
                                    region=REGION, lang="uk")
        store.db["feedback"].update(fid, {"ts": f"2026-10-1{i}T12:00:00+00:00"})
    late = store.record_feedback(question_id=None, vote=-1, entry_id=entries["residence"], user="psn-70",
                                 region=REGION)
    store.db["feedback"].update(late, {"ts": "2026-11-02T12:00:00+00:00"})
    inbox = NeedInbox(store, embedder, core.catalog)
    return Seeded(store, inbox, entries, sum(1 for e in public if "vi" in e.texts), len(public))


@pytest.fixture(scope="module")
def report(seeded: Seeded):
    return build_report(seeded.store, seeded.inbox, REGION, START, END)


def test_weekly_counts_and_shares(report) -> None:
    weeks = {w.week: w for w in report.weeks}
    assert list(weeks) == ["2026-W41", "2026-W42", "2026-W43"]
    assert weeks["2026-W41"].start == date(2026, 10, 5)
    got = {k: (w.counts.answered, w.counts.unsure, w.counts.unanswered) for k, w in weeks.items()}
    assert got == {"2026-W41": (4, 1, 1), "2026-W42": (6, 2, 4), "2026-W43": (2, 0, 6)}
    assert weeks["2026-W43"].people == 8  # psn-2, 9, 30, 32, 33, 41, 51, 52
    assert report.totals.total == 26
    assert round(report.totals.share("answered"), 1) == 46.2
    assert round(report.totals.share("unanswered"), 1) == 42.3
    assert report.picked_after_unsure == 1
    assert report.people == len(PSEUDONYMS)


def test_topics_languages_and_gaps(seeded: Seeded, report) -> None:
    topics = {t.topic: t for t in report.topics}
    assert (topics["health"].answered, topics["residence"].answered) == (5, 7)
    langs = {row.lang: row.counts.total for row in report.languages}
    expected = Counter(row[1] for rows in (RABIES, CHESS, SINGLES, UNSURE, ANSWERED) for row in rows)
    assert langs == dict(expected)
    vi = next(row for row in report.languages if row.lang == "vi")
    assert (vi.counts.answered, vi.entries_translated, report.entries_total) == (
        4, seeded.vi_entries, seeded.public_entries)
    if seeded.vi_entries < seeded.public_entries:
        assert vi in report.gaps
        gap = f"4 questions in Vietnamese, {seeded.vi_entries}/{seeded.public_entries} entries translated"
        assert gap in render_report(report, "md")
        assert gap in " ".join(re.sub(r"<[^>]+>", "", render_report(report, "html")).split())


def test_unmet_needs_and_k_anonymity(report) -> None:
    rabies = [n for n in report.needs if "сказ" in n.label or "rabies" in n.label.lower()
              or "бешенства" in n.label or "wściekli" in n.label]
    assert len(rabies) == 1, [n.label for n in report.needs]
    need = rabies[0]
    assert (need.questions, need.people) == (5, 4)
    assert set(need.languages) == {"uk", "ru", "en", "pl"}
    assert need.trend == 3 - 2  # Oct 19-25 minus Oct 12-18
    assert all(n.people >= 3 for n in report.needs)
    assert report.needs_hidden >= 1  # the chess group (2 people) and the single questions
    for fmt in ("html", "csv", "md"):
        text = render_report(report, fmt)
        assert "шахмат" not in text.lower() and "шахов" not in text.lower()
        assert "windscreen" not in text
        assert not any(re.search(rf"\b{p}\b", text) for p in PSEUDONYMS), fmt
    assert "not listed" in render_report(report, "md").split("---")[-1]


def test_feedback(seeded: Seeded, report) -> None:
    assert (report.votes_up, report.votes_down) == (3, 4)
    first = report.entry_votes[0]
    assert (first.entry_id, first.down, first.up) == (seeded.entries["health"], 3, 1)


def test_csv_is_tidy_and_adds_up(report) -> None:
    rows = list(csv.DictReader(io.StringIO(render_report(report, "csv"))))
    assert set(rows[0]) == {"section", "key", "subkey", "value"}

    def values(section: str, subkey: str) -> list[float]:
        return [float(r["value"]) for r in rows if r["section"] == section and r["subkey"] == subkey]

    total = values("summary", "total")[0]
    assert total == 26
    assert sum(values("week", "total")) == total
    assert sum(values("language", "total")) == total
    assert sum(values("week", "answered")) == sum(values("topic", "answered")) == 12
    assert sum(values("feedback_entry", "down")) == values("feedback", "down")[0] == 4
    needs = {r["key"] for r in rows if r["section"] == "need"}
    assert len(needs) == len(report.needs)
    assert all(not r["key"].startswith(("=", "+", "@")) for r in rows)


def test_markdown_tables(report) -> None:
    md = render_report(report, "md")
    assert "| week | from | questions | answered | unsure | unanswered | people |" in md
    assert "| 2026-W42 | 2026-10-12 | 12 | 6 (50%) | 2 (17%) | 4 (33%) |" in md
    assert "## Top unmet needs" in md and "## Content gaps" in md
    assert SCRIPT not in md


def test_html_is_self_contained_with_escaped_text_and_svg(report) -> None:
    html = render_report(report, "html")
    assert html.count("<svg") >= 4 and 'role="img"' in html and "<title id=" in html
    assert "<script" not in html
    assert any(SCRIPT in s for n in report.needs for s in [n.label, *n.examples])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|<link|@import|url\(""", html)


def test_html_renders_in_chromium_without_network(report, tmp_path: Path) -> None:
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "report.html"
    page_file.write_text(render_report(report, "html"), encoding="utf-8")
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri())
        assert requests == [page_file.as_uri()]
        assert page.locator("svg[role=img]").count() >= 4
        assert SCRIPT in page.locator("body").inner_text()  # shown as text, never run
        pdf = page.pdf()
        browser.close()
    assert pdf[:4] == b"%PDF"


def test_period_validation(seeded: Seeded) -> None:
    with pytest.raises(ValueError, match="after"):
        build_report(seeded.store, seeded.inbox, REGION, END, START)
    empty = build_report(seeded.store, seeded.inbox, REGION, date(2025, 1, 1), date(2025, 1, 7))
    assert empty.totals.total == 0 and not empty.needs
    assert "No data in this period" in render_report(empty, "html")
    with pytest.raises(ValueError, match="format"):
        render_report(empty, "pdf")


def test_charts_escape_labels_and_scale() -> None:
    svg = charts.bar_chart([("<b>&", 3), ("b", 1)], title='a "title" <x>')
    assert "<b>&" not in svg and "&lt;b&gt;&amp;" in svg and "&lt;x&gt;" in svg
    assert charts.nice_max(0) == 1 and charts.nice_max(7) == 10 and charts.nice_max(26) == 50
    line = charts.line_chart(["w1", "w2", "w3"], [("s", [1, None, 3], "#000")], title="t")
    assert line.count("<circle") == 2


def test_cli_errors_and_output(seeded: Seeded, core: AnswerCore, tmp_path: Path, monkeypatch,
                               capsys) -> None:
    assert admin_main(["report", "--region", "atlantis", "--from", "2026-10-01", "--to", "2026-10-31"]) == 2
    assert "unknown region 'atlantis'" in capsys.readouterr().err
    assert admin_main(["report", "--region", REGION, "--from", "2026-10-31", "--to", "2026-10-01"]) == 2
    assert "is after" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        admin_main(["report", "--region", REGION, "--from", "31.10.2026"])
    assert "YYYY-MM-DD" in capsys.readouterr().err

    class Wired:
        store = seeded.store

    monkeypatch.setattr("admin.commands.report.open_inbox", lambda settings: (Wired, seeded.inbox))
    out = tmp_path / "r.csv"
    assert admin_main(["report", "--region", REGION, "--from", START.isoformat(), "--to", END.isoformat(),
                       "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert next(r for r in rows if r["subkey"] == "total" and r["section"] == "summary")["value"] == "26"
