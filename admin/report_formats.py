"""Render a `Report` as one self-contained HTML file (inline CSS and SVG), tidy CSV or Markdown."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from admin import charts
from admin.report_model import OUTCOME_ORDER, Report, language_name, topic_name

FORMATS = ("html", "csv", "md")
MEDIA_TYPES = {"html": "text/html", "csv": "text/csv", "md": "text/markdown"}
OUTCOME_COLORS = {"answered": "#3a7d44", "unsure": "#d98e04", "unanswered": "#b23a48"}
CSV_HEADER = ("section", "key", "subkey", "value")
_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
_env.filters.update(topic=topic_name, language=language_name)


def render_report(report: Report, fmt: str) -> str:
    """The report as 'html', 'csv' or 'md' text (ValueError for another format)."""
    renderers = {"html": report_html, "csv": report_csv, "md": report_markdown}
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    return renderers[fmt](report)


def plural(count: int, noun: str) -> str:
    """"1 question", "4 questions"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def report_filename(report: Report, fmt: str) -> str:
    """A download name: "infopoint-malopolska-2026-10-01-2026-10-31.html"."""
    return f"infopoint-{report.region}-{report.start.isoformat()}-{report.end.isoformat()}.{fmt}"


def trend_text(trend: int) -> str:
    """A week-on-week change as "+3", "−2" or "0"."""
    return f"+{trend}" if trend > 0 else (f"−{-trend}" if trend < 0 else "0")


def languages_text(languages: dict[str, int]) -> str:
    """"uk 5, ru 2", most first."""
    return ", ".join(f"{lang} {n}" for lang, n in sorted(languages.items(), key=lambda kv: (-kv[1], kv[0])))


def period_text(report: Report) -> str:
    """"2026-10-01 to 2026-11-30"."""
    return f"{report.start.isoformat()} to {report.end.isoformat()}"


def privacy_note(report: Report) -> str:
    """The footer sentence on what was left out (k-anonymity)."""
    hidden = report.needs_hidden
    left_out = (f"{hidden} group{'s' if hidden != 1 else ''} of unmet needs seen from fewer than "
                f"{report.min_people} distinct people {'are' if hidden != 1 else 'is'} not listed"
                if hidden else f"Groups of unmet needs seen from fewer than {report.min_people} distinct "
                "people are not listed (none in this period)")
    return (f"{left_out}; their questions still count in the totals. No personal data is included: "
            "questions were stripped of phone numbers, e-mails and document numbers before storage, and "
            "people are only counted, never identified (\"people\" counts Telegram users; questions from the "
            "web chat are anonymous and not counted as people). Dates are in the region's time zone.")


# --- HTML ---------------------------------------------------------------------------------------------


def _charts(report: Report) -> dict[str, Markup]:
    weeks = [w.week for w in report.weeks]
    outcome_series = [(name, [getattr(w.counts, name) for w in report.weeks], OUTCOME_COLORS[name])
                      for name in OUTCOME_ORDER]
    shares = [(name, [round(w.counts.share(name), 1) if w.counts.total else None for w in report.weeks],
               OUTCOME_COLORS[name]) for name in OUTCOME_ORDER]
    topics = [(topic_name(t.topic), (t.answered, t.unmet)) for t in report.topics]
    languages = [(f"{row.name} ({row.lang})", tuple(getattr(row.counts, o) for o in OUTCOME_ORDER))
                 for row in report.languages]
    week_desc = "; ".join(f"{w.week}: {w.counts.total} questions, {w.counts.answered} answered, "
                          f"{w.counts.unsure} unsure, {w.counts.unanswered} unanswered" for w in report.weeks)
    return {
        "weekly": Markup(charts.stacked_bar_chart(weeks, outcome_series, desc=week_desc, ident="weekly",
                                                  title="Questions per week by outcome")),
        "shares": Markup(charts.line_chart(weeks, shares, title="Share of outcomes per week (%)", y_max=100,
                                           unit="%", ident="shares")),
        "topics": Markup(charts.bar_chart(topics, title="Demand by topic: answered and unmet questions",
                                          series=[("answered", OUTCOME_COLORS["answered"]),
                                                  ("unmet", OUTCOME_COLORS["unanswered"])], ident="topics")),
        "languages": Markup(charts.bar_chart(languages, title="Questions by language and outcome",
                                             series=[(o, OUTCOME_COLORS[o]) for o in OUTCOME_ORDER],
                                             ident="languages")),
    }


def report_html(report: Report) -> str:
    """One self-contained HTML page (inline CSS, inline SVG charts, nothing fetched)."""
    template = _env.get_template("report.html")
    return template.render(r=report, charts=_charts(report), period=period_text(report),
                           privacy=privacy_note(report), trend=trend_text, languages_text=languages_text,
                           outcomes=OUTCOME_ORDER, colors=OUTCOME_COLORS, plural=plural,
                           down_voted=[v for v in report.entry_votes if v.down][:10])


# --- CSV ----------------------------------------------------------------------------------------------


def _cell(value: object) -> object:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _pct(value: float) -> float:
    return round(value, 1)


def csv_rows(report: Report) -> Iterator[tuple[str, str, str, object]]:
    """The report as (section, key, subkey, value) rows: one figure per row, ready for a pivot table."""
    meta = {"region": report.region, "region_name": report.region_name, "from": report.start.isoformat(),
            "to": report.end.isoformat(), "timezone": report.timezone,
            "generated": report.generated.isoformat(), "entries": report.entries_total,
            "min_people": report.min_people, "needs_hidden": report.needs_hidden}
    yield from (("meta", key, "", value) for key, value in meta.items())
    yield ("summary", "questions", "total", report.totals.total)
    for outcome in OUTCOME_ORDER:
        yield ("summary", "questions", outcome, getattr(report.totals, outcome))
        yield ("summary", "share_pct", outcome, _pct(report.totals.share(outcome)))
    yield ("summary", "picked_after_unsure", "", report.picked_after_unsure)
    yield ("summary", "people", "", report.people)
    yield ("summary", "unmet_questions", "", report.unmet_questions)
    for week in report.weeks:
        yield ("week", week.week, "start", week.start.isoformat())
        yield ("week", week.week, "total", week.counts.total)
        for outcome in OUTCOME_ORDER:
            yield ("week", week.week, outcome, getattr(week.counts, outcome))
            yield ("week", week.week, f"{outcome}_pct", _pct(week.counts.share(outcome)))
        yield ("week", week.week, "people", week.people)
    for topic in report.topics:
        yield ("topic", topic.topic, "answered", topic.answered)
        yield ("topic", topic.topic, "unmet", topic.unmet)
    for lang in report.languages:
        yield ("language", lang.lang, "total", lang.counts.total)
        for outcome in OUTCOME_ORDER:
            yield ("language", lang.lang, outcome, getattr(lang.counts, outcome))
        yield ("language", lang.lang, "entries_translated", lang.entries_translated)
        yield ("language", lang.lang, "entries_total", report.entries_total)
        yield ("language", lang.lang, "supported", int(lang.supported))
    seen: dict[str, int] = {}
    for need in report.needs:
        seen[need.label] = seen.get(need.label, 0) + 1
        key = need.label if seen[need.label] == 1 else f"{need.label} ({seen[need.label]})"
        fields = {"topic": need.topic or "unknown", "state": need.state, "questions": need.questions,
                  "people": need.people, "trend": need.trend,
                  "first_seen": need.first_seen, "last_seen": need.last_seen}
        yield from (("need", key, name, value) for name, value in fields.items())
        for lang, count in sorted(need.languages.items()):
            yield ("need", key, f"lang_{lang}", count)
    yield ("feedback", "votes", "up", report.votes_up)
    yield ("feedback", "votes", "down", report.votes_down)
    for votes in report.entry_votes:
        yield ("feedback_entry", votes.entry_id, "up", votes.up)
        yield ("feedback_entry", votes.entry_id, "down", votes.down)


def report_csv(report: Report) -> str:
    """Tidy long CSV: section,key,subkey,value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in csv_rows(report):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


# --- Markdown -----------------------------------------------------------------------------------------


def md_cell(value: object) -> str:
    """A table cell: one line, pipes and HTML characters escaped."""
    text = " ".join(str(value).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _share(counts, outcome: str) -> str:
    return f"{getattr(counts, outcome)} ({counts.share(outcome):.0f}%)"


def report_markdown(report: Report) -> str:
    """The report as Markdown with tables."""
    t = report.totals
    lines = [f"# Infopoint report: {md_cell(report.region_name)}", "",
             f"Period {period_text(report)} ({report.timezone}); "
             f"generated {report.generated:%Y-%m-%d %H:%M}.",
             "", "## Summary", ""]
    lines += _table(["figure", "value"], [
        ["questions", t.total], ["people", report.people],
        *[[o, _share(t, o)] for o in OUTCOME_ORDER],
        ["unsure, then a choice picked", report.picked_after_unsure],
        ["unmet-need questions (grouped)", report.unmet_questions],
        ["feedback 👍 / 👎", f"{report.votes_up} / {report.votes_down}"]])
    lines += ["## Questions per week", ""]
    lines += _table(["week", "from", "questions", "answered", "unsure", "unanswered", "people"],
                    [[w.week, w.start, w.counts.total, *[_share(w.counts, o) for o in OUTCOME_ORDER],
                      w.people] for w in report.weeks])
    lines += ["## Demand by topic", ""]
    lines += _table(["topic", "answered", "unmet"],
                    [[topic_name(r.topic), r.answered, r.unmet] for r in report.topics]) if report.topics \
        else ["No questions in this period.", ""]
    lines += ["## Demand by language", ""]
    lines += _table(["language", "questions", "answered", "unsure", "unanswered", "entries in this language"],
                    [[f"{r.name} ({r.lang})", r.counts.total, *[_share(r.counts, o) for o in OUTCOME_ORDER],
                      f"{r.entries_translated}/{report.entries_total}"] for r in report.languages]) \
        if report.languages else ["No questions in this period.", ""]
    lines += ["## Content gaps", ""]
    lines += [f"- {plural(gap.counts.total, 'question')} in {gap.name}, "
              f"{gap.entries_translated}/{report.entries_total} entries translated"
              + ("" if gap.supported else " (not a language of the bot in this region)")
              for gap in report.gaps] or ["- Every entry exists in every language people asked in."]
    lines += ["", "## Top unmet needs", ""]
    lines += _table(["need (example question)", "topic", "questions", "people", "languages", "trend",
                     "state"],
                    [[n.label, topic_name(n.topic), n.questions, n.people, languages_text(n.languages),
                      trend_text(n.trend), n.state] for n in report.needs]) if report.needs \
        else ["No group of unmet needs reached the listing threshold in this period.", ""]
    lines += ["## Feedback", "", f"👍 {report.votes_up}, 👎 {report.votes_down}.", ""]
    down = [v for v in report.entry_votes if v.down][:10]
    if down:
        lines += ["Most down-voted entries:", ""]
        lines += _table(["entry", "title", "👎", "👍"], [[v.entry_id, v.title, v.down, v.up] for v in down])
    lines += ["---", "", privacy_note(report), *[f"\n{note}" for note in report.notes], ""]
    return "\n".join(lines)
