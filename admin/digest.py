"""The weekly digest of new and growing unmet needs, for a region's team: text, delivery, schedule.

`build_digest` writes a short plain text (fits one Telegram message); `send_digest` delivers it to the
region's Telegram chat (Bot API sendMessage) and/or by e-mail (SMTP); `DigestScheduler` sends it once
per week per region and channel at the configured local weekday and hour. What was sent is kept in
SQLite (`digest_sent`), so a restart never sends the same week twice; a failed channel is retried later.
Only groups seen from at least `min_people` distinct people are shown, and no pseudonym ever is.
"""

from __future__ import annotations

import asyncio
import json
import logging
import smtplib
import sqlite3
import ssl
import threading
import time as clock
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from admin.report_model import topic_name
from admin.reports import MIN_PEOPLE, monday, parse_ts, region_label, region_timezone, week_key
from infopoint.settings import WEEKDAYS, DigestSettings, Settings
from signals.store import utc_now

log = logging.getLogger(__name__)
TELEGRAM_LIMIT = 4096
CHANNELS = ("telegram", "email")
OPEN_STATES = ("new", "in_progress")


class DigestError(RuntimeError):
    """A digest could not be delivered on a channel."""


@dataclass(frozen=True)
class RegionInfo:
    """What the digest needs to know of a region: its name and the time zone its hours are in."""

    id: str
    name: str
    country: str | None = None


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _trend(group: Any) -> int:
    with suppress(TypeError, ValueError):
        return int(group.trend)
    return 0


def _langs(languages: dict[str, int]) -> str:
    return ", ".join(f"{lang} {n}" for lang, n in sorted(languages.items(), key=lambda kv: (-kv[1], kv[0])))


def _group_lines(number: int, group: Any, extra: str) -> list[str]:
    facts = [f"{group.size} questions", f"{group.people} people", _langs(group.languages)]
    if group.topic:
        facts.append(topic_name(group.topic))
    facts = [extra, *facts] if extra else facts
    lines = [f"{number}. «{_short(group.label, 140)}»", "   " + " · ".join(facts)]
    examples = [e for e in group.examples if e != group.label][:2]
    if examples:
        lines.append("   e.g. " + "; ".join(f"«{_short(e, 90)}»" for e in examples))
    return lines


def build_digest(inbox: Any, region: str | RegionInfo, now: datetime | None = None, *,
                 min_people: int = MIN_PEOPLE, limit: int = 6) -> str:
    """The digest text of one region for the 7 days before `now`: new and growing unmet-need groups.

    New: first seen in those 7 days. Growing: older, with more signals in the last 7 days than in the
    7 before. Only open groups (new / in progress) seen from >= `min_people` people are shown.
    """
    info = region if isinstance(region, RegionInfo) else RegionInfo(region, region)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    since = now - timedelta(days=7)
    groups = [g for g in inbox.groups(info.id, until=now) if g.state in OPEN_STATES]
    shown = [g for g in groups if g.people >= min_people]
    new = [g for g in shown if since <= parse_ts(str(g.first_seen)) <= now]
    growing = [g for g in shown if g not in new and _trend(g) > 0]
    new.sort(key=lambda g: (-g.people, -g.size))
    growing.sort(key=lambda g: (-_trend(g), -g.people))
    local = now.astimezone(region_timezone(info.country))
    lines = [f"Infopoint weekly digest: {info.name}",
             f"The 7 days to {local:%a %d %b %Y, %H:%M} ({local.tzname()})", ""]
    if new:
        lines.append(f"🆕 New unmet needs ({len(new)})")
        for i, group in enumerate(new[:limit], 1):
            lines += _group_lines(i, group, "")
        if len(new) > limit:
            lines.append(f"   … and {len(new) - limit} more")
        lines.append("")
    if growing:
        lines.append(f"📈 Growing ({len(growing)})")
        for i, group in enumerate(growing[:limit], 1):
            lines += _group_lines(i, group, f"+{_trend(group)} vs the week before")
        if len(growing) > limit:
            lines.append(f"   … and {len(growing) - limit} more")
        lines.append("")
    if not new and not growing:
        lines += ["No new or growing unmet needs this week.", ""]
    hidden = len(groups) - len(shown)
    note = f" ({hidden} not shown: seen from fewer than {min_people} people)" if hidden else ""
    lines.append(f"Open groups: {len(groups)}{note}.")
    lines.append("Triage them in the Infopoint admin (Unmet needs).")
    while _utf16(lines) > TELEGRAM_LIMIT:  # Telegram counts UTF-16 units
        lines = [*lines[:-3], "…"]
    return "\n".join(lines)


def _utf16(lines: list[str]) -> int:
    return len("\n".join(lines).encode("utf-16-le")) // 2


def digest_subject(info: RegionInfo, now: datetime) -> str:
    """The e-mail subject."""
    return f"Infopoint weekly digest: {info.name}, {week_key(now.date())}"


# --- delivery -----------------------------------------------------------------------------------------


def send_telegram(text: str, chat: str, token: str, api_url: str | None = None, timeout: float = 20) -> None:
    """Post the text to a chat with the Bot API's sendMessage (DigestError when it fails)."""
    from bot.telegram.app import api_urls

    base, _ = api_urls(api_url)
    body = json.dumps({"chat_id": chat, "text": text, "link_preview_options": {"is_disabled": True}}).encode()
    request = urllib.request.Request(f"{base}{token}/sendMessage", data=body,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            reply = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:  # the message never names the URL, which holds the token
        raise DigestError(f"Telegram answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DigestError(f"Telegram not reachable: {getattr(exc, 'reason', exc)}") from None
    if not reply.get("ok"):
        raise DigestError(f"Telegram refused the message: {reply.get('description', 'no reason given')}")


def send_email(text: str, subject: str, recipients: tuple[str, ...], digest: DigestSettings,
               timeout: float = 30) -> None:
    """Send the text by SMTP (implicit TLS, STARTTLS and login as configured; DigestError on failure)."""
    if not digest.smtp_host:
        raise DigestError("INFOPOINT_SMTP_HOST is not set")
    message = EmailMessage()
    message["From"] = digest.smtp_from or digest.smtp_user or "infopoint@localhost"
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message.set_content(text)
    context = ssl.create_default_context()
    try:
        if digest.smtp_ssl:
            server: smtplib.SMTP = smtplib.SMTP_SSL(digest.smtp_host, digest.smtp_port, timeout=timeout,
                                                    context=context)
        else:
            server = smtplib.SMTP(digest.smtp_host, digest.smtp_port, timeout=timeout)
        with server:
            if digest.smtp_starttls and not digest.smtp_ssl:
                server.starttls(context=context)
            if digest.smtp_user:
                server.login(digest.smtp_user, digest.smtp_password or "")
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise DigestError(f"e-mail not sent: {exc}") from None


def channels_for(settings: Settings, region: str) -> list[str]:
    """The channels a region's digest goes to ("telegram", "email")."""
    channels = []
    if settings.digest.chat_for(region):
        channels.append("telegram")
    if settings.digest.emails_for(region):
        channels.append("email")
    return channels


def send_digest(text: str, settings: Settings, region: str | RegionInfo, *, subject: str | None = None,
                channels: list[str] | None = None) -> dict[str, str | None]:
    """Deliver a digest on each of the region's channels; returns channel -> error (None when sent).

    Every channel is tried even when another fails; nothing here raises for a delivery problem.
    """
    info = region if isinstance(region, RegionInfo) else RegionInfo(region, region)
    results: dict[str, str | None] = {}
    for channel in channels if channels is not None else channels_for(settings, info.id):
        try:
            if channel == "telegram":
                chat = settings.digest.chat_for(info.id)
                if not settings.telegram_token or not chat:
                    raise DigestError("TELEGRAM_BOT_TOKEN or the digest chat is not set")
                send_telegram(text, chat, settings.telegram_token, settings.telegram_api_url)
            elif channel == "email":
                send_email(text, subject or f"Infopoint weekly digest: {info.name}",
                           settings.digest.emails_for(info.id), settings.digest)
            else:
                raise DigestError(f"unknown channel {channel!r}")
            results[channel] = None
        except DigestError as exc:
            results[channel] = str(exc)
    return results


# --- schedule -----------------------------------------------------------------------------------------


class DigestLog:
    """Which ISO week's digest went to which channel of a region (a table in the SQLite store file)."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._lock = threading.Lock()
        with self._lock, self._conn:
            self._conn.execute("CREATE TABLE IF NOT EXISTS digest_sent (region TEXT NOT NULL, "
                               "channel TEXT NOT NULL, week TEXT NOT NULL, sent_at TEXT NOT NULL, "
                               "PRIMARY KEY (region, channel, week))")

    def was_sent(self, region: str, channel: str, week: str) -> bool:
        """True when that week's digest already went out on that channel."""
        with self._lock:
            row = self._conn.execute("SELECT 1 FROM digest_sent WHERE region = ? AND channel = ? "
                                     "AND week = ?", [region, channel, week]).fetchone()
        return row is not None

    def mark_sent(self, region: str, channel: str, week: str) -> None:
        """Record a delivery."""
        with self._lock, self._conn:
            self._conn.execute("INSERT OR IGNORE INTO digest_sent VALUES (?, ?, ?, ?)",
                               [region, channel, week, utc_now()])

    def last_week(self, region: str, channel: str) -> str | None:
        """The last week sent on a channel, or None."""
        with self._lock:
            row = self._conn.execute("SELECT MAX(week) FROM digest_sent WHERE region = ? AND channel = ?",
                                     [region, channel]).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()


def due_week(now: datetime, tz_name: str, weekday: int, hour: int) -> str | None:
    """The ISO week whose digest is due at `now` (its weekday/hour slot has passed in `tz_name`) or None."""
    from zoneinfo import ZoneInfo

    local = now.astimezone(ZoneInfo(tz_name))
    slot = datetime.combine(monday(local.date()) + timedelta(days=weekday), time(hour), local.tzinfo)
    return week_key(local.date()) if local >= slot else None


def catalog_regions(catalog: Any) -> Callable[[], list[RegionInfo]]:
    """The served regions of a RegionCatalog, as RegionInfo, read at each call."""
    def regions() -> list[RegionInfo]:
        found = []
        for region_id in catalog.region_ids:
            region = catalog.get(region_id).content.region
            found.append(RegionInfo(region_id, region_label(region, region_id), region.country))
        return found

    return regions


class DigestScheduler:
    """Sends each region's digest once per ISO week and channel, at the configured local weekday and hour."""

    def __init__(self, inbox: Any, settings: Settings, regions: Callable[[], list[RegionInfo]],
                 log_path: Path | None = None, *, check_every: float = 60, retry_after: float = 900) -> None:
        self.inbox = inbox
        self.settings = settings
        self.regions = regions
        self.log = DigestLog(log_path or settings.db_path)
        self.check_every = check_every
        self.retry_after = retry_after
        self._failed_at: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def _may_try(self, region: str, channel: str) -> bool:
        failed = self._failed_at.get((region, channel))
        return failed is None or clock.monotonic() - failed >= self.retry_after

    def run_once(self, now: datetime | None = None) -> dict[tuple[str, str], str | None]:
        """Send whatever is due now; returns (region, channel) -> error (None when sent) for each attempt."""
        now = now or datetime.now(UTC)
        digest = self.settings.digest
        attempts: dict[tuple[str, str], str | None] = {}
        with self._lock:
            for info in self.regions():
                tz = region_timezone(info.country, digest.timezone).key
                week = due_week(now, tz, digest.weekday, digest.hour)
                if week is None:
                    continue
                pending = [c for c in channels_for(self.settings, info.id)
                           if not self.log.was_sent(info.id, c, week) and self._may_try(info.id, c)]
                if not pending:
                    continue
                text = build_digest(self.inbox, info, now)
                results = send_digest(text, self.settings, info, subject=digest_subject(info, now),
                                      channels=pending)
                for channel, error in results.items():
                    attempts[(info.id, channel)] = error
                    if error is None:
                        self.log.mark_sent(info.id, channel, week)
                        self._failed_at.pop((info.id, channel), None)
                        log.info("digest %s for %s sent by %s", week, info.id, channel)
                    else:
                        self._failed_at[(info.id, channel)] = clock.monotonic()
                        log.error("digest %s for %s not sent by %s (retrying later): %s", week, info.id,
                                  channel, error)
        return attempts

    async def run(self, stop: asyncio.Event) -> None:
        """Check every `check_every` seconds until `stop` is set; never raises (errors are logged)."""
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.run_once)
            except Exception:  # a bug or a broken store must not take the service down
                log.exception("digest scheduler: check failed; trying again later")
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.check_every)
        self.log.close()


def start_digest_task(core: Any, settings: Settings, stop: asyncio.Event) -> asyncio.Task | None:
    """Start the scheduler for the service when a digest channel is configured (else None; never raises)."""
    if not settings.digest.enabled or core.store is None:
        return None
    try:
        from signals.needs import NeedInbox

        inbox = NeedInbox(core.store, core.embedder, core.catalog)
        scheduler = DigestScheduler(inbox, settings, catalog_regions(core.catalog))
    except Exception:
        log.exception("weekly digest not started")
        return None
    log.warning("weekly digest on: %s at %02d:00 local time", WEEKDAYS[settings.digest.weekday].capitalize(),
                settings.digest.hour)
    return asyncio.create_task(scheduler.run(stop), name="infopoint-digest")


async def stop_digest_task(task: asyncio.Task | None) -> None:
    """Stop the scheduler task (a send in progress finishes in its thread; nothing is marked twice)."""
    if task is None:
        return
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task

