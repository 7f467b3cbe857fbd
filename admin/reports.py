"""Reports to the region: what people asked, what was answered, what is missing, in a date range.

`build_report` reads the signal store, the region's content and the unmet-need groups and returns a
`Report` (plain figures); `render_report` turns it into HTML, CSV or Markdown. No user pseudonym, no
user id and no text of a group seen from fewer than `min_people` distinct people ever leaves here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from admin.report_formats import FORMATS, MEDIA_TYPES, render_report, report_filename
from admin.report_model import (
    EntryVotes,
    LanguageRow,
    NeedRow,
    OutcomeCounts,
    Report,
    TopicRow,
    WeekRow,
    language_name,
)
from knowledge.localized import pick
from signals.store import SignalStore

if TYPE_CHECKING:
    from knowledge.loader import RegionContent

__all__ = ["FORMATS", "MEDIA_TYPES", "MIN_PEOPLE", "Report", "build_report", "region_timezone",
           "render_report", "report_filename", "week_key"]

MIN_PEOPLE = 3
COUNTRY_TIMEZONES = {"PL": "Europe/Warsaw", "CZ": "Europe/Prague", "SK": "Europe/Bratislava",
                     "DE": "Europe/Berlin", "AT": "Europe/Vienna", "HU": "Europe/Budapest"}


def region_timezone(country: str | None, override: str | None = None) -> ZoneInfo:
    """The time zone a region's dates are counted in: `override`, else its country's, else UTC."""
    return ZoneInfo(override or COUNTRY_TIMEZONES.get((country or "").upper(), "UTC"))


def region_label(region: Any, fallback: str) -> str:
    """A region's name for English-speaking staff (English, else the office language, else its id)."""
    if region is None:
        return fallback
    return pick(region.name, ["en", *region.office_languages]) or fallback


def week_key(day: date) -> str:
    """The ISO week of a date, e.g. "2026-W47"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday(day: date) -> date:
    """The Monday of a date's ISO week."""
    return day - timedelta(days=day.weekday())


def parse_ts(value: str) -> datetime:
    """A stored timestamp (ISO; naive means UTC) as an aware datetime."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _utc_bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    begin = datetime.combine(start, time(), tz).astimezone(UTC)
    stop = datetime.combine(end + timedelta(days=1), time(), tz).astimezone(UTC)
    return begin, stop


def _rows_in_period(rows: Iterable[dict[str, Any]], begin: datetime, stop: datetime,
                    tz: ZoneInfo) -> list[tuple[date, dict[str, Any]]]:
    """(local date, row) of the rows whose timestamp falls in [begin, stop)."""
    kept = []
    for row in rows:
        moment = parse_ts(row["ts"])
        if begin <= moment < stop:
            kept.append((moment.astimezone(tz).date(), row))
    return kept


def _margin(moment: datetime) -> str:
    """A stored-format bound with a day of margin (the exact filter is done after parsing)."""
    return moment.replace(tzinfo=None).isoformat()


def _questions(store: SignalStore, region: str, begin: datetime, stop: datetime,
               tz: ZoneInfo) -> list[tuple[date, dict[str, Any]]]:
    rows = store.questions("region = ? AND ts >= ? AND ts < ?",
                           [region, _margin(begin - timedelta(days=1)), _margin(stop + timedelta(days=1))])
    return _rows_in_period(rows, begin, stop, tz)


def _feedback(store: SignalStore, region: str, begin: datetime, stop: datetime,
              tz: ZoneInfo) -> list[tuple[date, dict[str, Any]]]:
    rows = store.db.query(
        "SELECT f.ts, f.entry_id, f.vote FROM feedback f LEFT JOIN questions q ON q.id = f.question_id "
        "WHERE COALESCE(f.region, q.region) = ? AND f.ts >= ? AND f.ts < ? ORDER BY f.id",
        [region, _margin(begin - timedelta(days=1)), _margin(stop + timedelta(days=1))])
    return _rows_in_period(rows, begin, stop, tz)


def _weeks(questions: list[tuple[date, dict[str, Any]]], start: date, end: date) -> list[WeekRow]:
    weeks: dict[date, WeekRow] = {}
    day = monday(start)
    while day <= end:
        weeks[day] = WeekRow(week_key(day), day)
        day += timedelta(days=7)
    people: dict[date, set[str]] = defaultdict(set)
    for local_day, row in questions:
        week = weeks[monday(local_day)]
        week.counts.add(row["outcome"])
        if row["user"]:
            people[week.start].add(row["user"])
    for start_day, users in people.items():
        weeks[start_day].people = len(users)
    return list(weeks.values())


def _languages(questions: list[tuple[date, dict[str, Any]]], content: RegionContent,
               public: list[Any]) -> list[LanguageRow]:
    rows: dict[str, LanguageRow] = {}
    supported = set(content.region.languages if content.region else [])
    for _, row in questions:
        lang = row["detected_lang"] or row["lang"] or "unknown"
        if lang not in rows:
            rows[lang] = LanguageRow(lang, language_name(lang),
                                     entries_translated=sum(1 for e in public if lang in e.texts),
                                     supported=lang in supported)
        rows[lang].counts.add(row["outcome"])
    return sorted(rows.values(), key=lambda r: (-r.counts.total, r.lang))


def _needs(inbox: Any, region: str, begin: datetime, stop: datetime, min_people: int,
           top: int) -> tuple[list[NeedRow], int, dict[str, int], int]:
    """(listed groups, groups hidden for k-anonymity, unmet per topic, unmet questions in the period).

    The inbox counts each group's signals, people and languages inside the period; its trend is the
    last 7 days of the period minus the 7 days before.
    """
    listed, hidden, per_topic, unmet = [], 0, Counter(), 0
    for group in inbox.groups(region, since=begin, until=stop):
        if group.state == "ignored" or not group.size:
            continue
        unmet += group.size
        per_topic[group.topic or "unknown"] += group.size
        if group.people < min_people:
            hidden += 1
            continue
        listed.append(NeedRow(label=group.label, topic=group.topic, state=group.state, questions=group.size,
                              people=group.people, languages=dict(group.languages), trend=_int(group.trend),
                              first_seen=str(group.first_seen)[:10], last_seen=str(group.last_seen)[:10],
                              examples=list(group.examples)[:5]))
    listed.sort(key=lambda n: (-n.people, -n.questions, n.label))
    return listed[:top], hidden, dict(per_topic), unmet


def _int(value: Any) -> int:
    try:
        return round(float(value))
    except (TypeError, ValueError):
        return 0


def _topics(questions: list[tuple[date, dict[str, Any]]], content: RegionContent,
            unmet: dict[str, int]) -> list[TopicRow]:
    rows: dict[str, TopicRow] = {}
    for _, row in questions:
        if row["outcome"] == "answered" and row["entry_id"]:
            entry = content.entries.get(row["entry_id"])
            topic = entry.topic if entry else "unknown"
            rows.setdefault(topic, TopicRow(topic)).answered += 1
    for topic, count in unmet.items():
        rows.setdefault(topic, TopicRow(topic)).unmet += count
    return sorted(rows.values(), key=lambda r: (-(r.answered + r.unmet), r.topic))


def _votes(feedback: list[tuple[date, dict[str, Any]]], content: RegionContent) -> list[EntryVotes]:
    per_entry: dict[str, EntryVotes] = {}
    for _, row in feedback:
        entry_id = row["entry_id"]
        if not entry_id:
            continue
        if entry_id not in per_entry:
            entry = content.entries.get(entry_id)
            title = entry.text_in(["en"]).title if entry else "(entry no longer exists)"
            per_entry[entry_id] = EntryVotes(entry_id, title)
        if row["vote"] > 0:
            per_entry[entry_id].up += 1
        elif row["vote"] < 0:
            per_entry[entry_id].down += 1
    return sorted(per_entry.values(), key=lambda v: (-v.down, v.up, v.entry_id))


def build_report(store: SignalStore, inbox: Any, region: str, start: date, end: date, *,
                 content: RegionContent | None = None, timezone: str | None = None, top: int = 20,
                 min_people: int = MIN_PEOPLE) -> Report:
    """The report of one region for the days `start`..`end` (inclusive, in the region's time zone).

    `inbox` is the NeedInbox (None leaves the unmet-need sections empty); the region's content comes
    from the inbox's catalog unless given (new signals are grouped by the inbox first). Raises
    ValueError when start > end and UnknownRegion for a region that is not served.
    """
    if start > end:
        raise ValueError(f"the start date {start} is after the end date {end}")
    if content is None:
        catalog = getattr(inbox, "catalog", None)
        if catalog is None:
            raise ValueError("no content: pass content= or an inbox with a catalog")
        content = catalog.get(region).content
    country = content.region.country if content.region else None
    tz = region_timezone(country, timezone)
    begin, stop = _utc_bounds(start, end, tz)
    questions = _questions(store, region, begin, stop, tz)
    totals = OutcomeCounts()
    for _, row in questions:
        totals.add(row["outcome"])
    public = [e for e in content.entries.values() if e.audience != "official"]
    needs: list[NeedRow] = []
    hidden, unmet_topics, unmet = 0, {}, 0
    notes: list[str] = []
    if inbox is not None:
        needs, hidden, unmet_topics, unmet = _needs(inbox, region, begin, stop, min_people, top)
    else:
        notes.append("Unmet-need groups were not available for this report.")
    feedback = _feedback(store, region, begin, stop, tz)
    return Report(
        region=region, region_name=region_label(content.region, region), start=start, end=end,
        generated=datetime.now(tz).replace(microsecond=0), timezone=tz.key, entries_total=len(public),
        totals=totals,
        picked_after_unsure=sum(1 for _, r in questions if r["outcome"] == "unsure" and r["picked_entry"]),
        people=len({r["user"] for _, r in questions if r["user"]}),
        weeks=_weeks(questions, start, end), topics=_topics(questions, content, unmet_topics),
        languages=_languages(questions, content, public), needs=needs, needs_hidden=hidden,
        unmet_questions=unmet, votes_up=sum(1 for _, r in feedback if r["vote"] > 0),
        votes_down=sum(1 for _, r in feedback if r["vote"] < 0), entry_votes=_votes(feedback, content),
        min_people=min_people, notes=notes,
    )

