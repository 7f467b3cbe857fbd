"""The weekly digest: its text, delivery by a real local SMTP server and the fake Bot API, the schedule."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as email_policy
from pathlib import Path

import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from fake_bot_api import FakeBotAPI

from admin.digest import (
    DigestLog,
    DigestScheduler,
    RegionInfo,
    build_digest,
    catalog_regions,
    due_week,
    send_digest,
    start_digest_task,
    stop_digest_task,
)
from bot.core import AnswerCore
from infopoint.settings import DigestSettings, Settings, load_digest_settings
from signals.needs import NeedInbox
from signals.store import SignalStore

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
REGION = "malopolska"
INFO = RegionInfo(REGION, "Lesser Poland (Małopolska)", "PL")
CHAT = "-1001234567"
NEW = [(1, "uk", "psn-a1", "Де зробити щеплення від сказу для собаки?"),
       (2, "ru", "psn-a2", "Где сделать прививку от бешенства собаке?"),
       (3, "en", "psn-a3", "Where can I get a rabies vaccination for my dog?"),
       (4, "pl", "psn-a4", "Gdzie zaszczepić psa przeciwko wściekliźnie?")]
GROWING = [(12, "en", "psn-b1", "Is there a psychologist who speaks Vietnamese in Kraków?"),
           (3, "en", "psn-b2", "I need a Vietnamese-speaking psychologist in Krakow"),
           (2, "pl", "psn-b3", "Czy w Krakowie jest psycholog mówiący po wietnamsku?"),
           (1, "uk", "psn-b4", "Чи є в Кракові психолог, який розмовляє в'єтнамською?")]
SMALL = [(2, "uk", "psn-c1", "Чи є в Кракові шаховий гурток для дітей?"),
         (1, "ru", "psn-c2", "Есть ли в Кракове шахматный кружок для детей?")]
PSEUDONYMS = [row[2] for row in NEW + GROWING + SMALL]


@dataclass
class Signals:
    store: SignalStore
    inbox: NeedInbox
    now: datetime


@pytest.fixture(scope="module")
def signals(core: AnswerCore, embedder, tmp_path_factory: pytest.TempPathFactory) -> Signals:
    store = SignalStore(tmp_path_factory.mktemp("digest") / "signals.sqlite3")
    now = datetime.now(UTC).replace(microsecond=0)
    for days, lang, user, text in NEW + GROWING + SMALL:
        ts = (now - timedelta(days=days, hours=1)).isoformat()
        store.record_question(region=REGION, channel="telegram", lang=lang, detected_lang=lang,
                              outcome="unanswered", text=text, user=user, ts=ts, score=0.9)
    return Signals(store, NeedInbox(store, embedder, core.catalog), now)


@pytest.fixture(scope="module")
def digest_text(signals: Signals) -> str:
    return build_digest(signals.inbox, INFO, signals.now)


def test_digest_lists_new_and_growing_needs(digest_text: str) -> None:
    new, _, rest = digest_text.partition("📈 Growing")
    assert "Lesser Poland (Małopolska)" in digest_text
    assert "🆕 New unmet needs (1)" in new
    assert "4 questions · 4 people" in new
    assert any(word in new for word in ("сказ", "rabies", "бешенства", "wściekli"))
    assert "Growing (1)" in digest_text and "+2 vs the week before" in rest
    assert "psycholog" in rest.lower() or "tâm lý" in rest
    assert "шахмат" not in digest_text and "шахов" not in digest_text
    assert "not shown: seen from fewer than 3 people" in digest_text
    assert not any(p in digest_text for p in PSEUDONYMS)
    assert len(digest_text) <= 4096


def test_quiet_week_says_so(signals: Signals) -> None:
    text = build_digest(signals.inbox, INFO, signals.now + timedelta(days=60))
    assert "No new or growing unmet needs this week." in text


def test_settings_from_env() -> None:
    digest = load_digest_settings({
        "INFOPOINT_DIGEST_TELEGRAM_CHAT": "-1", "INFOPOINT_DIGEST_TELEGRAM_CHAT_MALOPOLSKA": "-2",
        "INFOPOINT_DIGEST_EMAIL_TO": "a@example.org, b@example.org", "INFOPOINT_DIGEST_WEEKDAY": "fri",
        "INFOPOINT_DIGEST_HOUR": "7", "INFOPOINT_SMTP_HOST": "smtp.example.org", "INFOPOINT_SMTP_SSL": "1"})
    assert digest.chat_for("malopolska") == "-2" and digest.chat_for("jihomoravsky") == "-1"
    assert digest.emails_for("jihomoravsky") == ("a@example.org", "b@example.org")
    assert (digest.weekday, digest.hour, digest.smtp_port, digest.smtp_starttls) == (4, 7, 465, False)
    assert load_digest_settings({}).enabled is False
    assert load_digest_settings({"INFOPOINT_DIGEST_EMAIL_TO": "a@example.org"}).enabled is False  # no SMTP
    with pytest.raises(ValueError, match="WEEKDAY"):
        load_digest_settings({"INFOPOINT_DIGEST_WEEKDAY": "someday"})


def test_due_week_in_local_time() -> None:
    # Monday 2026-11-23, 08:00 in Warsaw is 07:00 UTC.
    assert due_week(datetime(2026, 11, 23, 6, 59, tzinfo=UTC), "Europe/Warsaw", 0, 8) is None
    assert due_week(datetime(2026, 11, 23, 7, 0, tzinfo=UTC), "Europe/Warsaw", 0, 8) == "2026-W48"
    assert due_week(datetime(2026, 11, 29, 22, 0, tzinfo=UTC), "Europe/Warsaw", 0, 8) == "2026-W48"
    assert due_week(datetime(2026, 11, 29, 23, 30, tzinfo=UTC), "Europe/Warsaw", 0, 8) is None  # Mon 00:30


# --- delivery -----------------------------------------------------------------------------------------


class Mailbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Smtp:
    mailbox: Mailbox
    port: int


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"team", b"pw")
    return AuthResult(success=ok)


@pytest.fixture()
def smtp() -> Iterator[Smtp]:
    mailbox, port = Mailbox(), _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, authenticator=_authenticate,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    yield Smtp(mailbox, port)
    controller.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def api() -> AsyncIterator[FakeBotAPI]:
    server = FakeBotAPI()
    await server.start()
    yield server
    await server.stop()


def _settings(settings: Settings, api: FakeBotAPI | None, smtp: Smtp | None, tmp_path: Path,
              **digest) -> Settings:
    config = DigestSettings(
        telegram_chats={REGION: CHAT} if api else {}, email_to={"*": ("team@example.org",)} if smtp else {},
        smtp_host="127.0.0.1" if smtp else None, smtp_port=smtp.port if smtp else 25, smtp_starttls=False,
        smtp_user="team", smtp_password="pw", smtp_from="infopoint@example.org", **digest)
    return replace(settings, data_dir=tmp_path, telegram_token="123456:TEST" if api else None,
                   telegram_api_url=api.url if api else None, digest=config)


@pytest.mark.asyncio(loop_scope="session")
async def test_send_by_email_and_telegram(settings: Settings, api: FakeBotAPI, smtp: Smtp, digest_text: str,
                                          tmp_path: Path) -> None:
    config = _settings(settings, api, smtp, tmp_path)
    results = await asyncio.to_thread(send_digest, digest_text, config, INFO, subject="Weekly digest")
    assert results == {"telegram": None, "email": None}
    [sent] = api.sent(CHAT)
    assert sent["text"] == digest_text
    [(rcpt, raw)] = smtp.mailbox.messages
    mail = message_from_bytes(raw, policy=email_policy)
    assert rcpt == ["team@example.org"] and mail["Subject"] == "Weekly digest"
    assert mail["From"] == "infopoint@example.org"
    assert mail.get_content().strip() == digest_text.strip()


@pytest.mark.asyncio(loop_scope="session")
async def test_failures_are_reported_not_raised(settings: Settings, api: FakeBotAPI, smtp: Smtp,
                                                tmp_path: Path) -> None:
    config = _settings(settings, api, smtp, tmp_path)
    bad_login = replace(config, digest=replace(config.digest, smtp_password="wrong"))
    api.fail["sendMessage"] = 1
    results = await asyncio.to_thread(send_digest, "hello", bad_login, INFO)
    assert "HTTP 500" in results["telegram"] and "123456:TEST" not in results["telegram"]
    assert results["email"].startswith("e-mail not sent")
    assert smtp.mailbox.messages == []


# --- schedule -----------------------------------------------------------------------------------------


@pytest.mark.asyncio(loop_scope="session")
async def test_scheduler_sends_once_per_week_and_retries(settings: Settings, signals: Signals,
                                                         api: FakeBotAPI, smtp: Smtp, tmp_path: Path) -> None:
    config = _settings(settings, api, smtp, tmp_path, weekday=0, hour=8)
    db = tmp_path / "state.sqlite3"
    monday_0700 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 07:00 in Warsaw: not yet
    monday_0900 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    scheduler = DigestScheduler(signals.inbox, config, lambda: [INFO], db, retry_after=0)
    assert await asyncio.to_thread(scheduler.run_once, monday_0700) == {}
    api.fail["sendMessage"] = 1  # Telegram is down: e-mail goes, Telegram is retried on the next check
    first = await asyncio.to_thread(scheduler.run_once, monday_0900)
    assert first[(REGION, "email")] is None and "HTTP 500" in first[(REGION, "telegram")]
    second = await asyncio.to_thread(scheduler.run_once, monday_0900 + timedelta(minutes=1))
    assert second == {(REGION, "telegram"): None}
    assert await asyncio.to_thread(scheduler.run_once, monday_0900 + timedelta(hours=30)) == {}
    assert len(api.sent(CHAT)) == 2 and len(smtp.mailbox.messages) == 1  # the refused call, the sent one

    restarted = DigestScheduler(signals.inbox, config, lambda: [INFO], db)
    assert await asyncio.to_thread(restarted.run_once, monday_0900 + timedelta(days=3)) == {}
    assert DigestLog(db).last_week(REGION, "telegram") == "2026-W48"
    following = await asyncio.to_thread(restarted.run_once, monday_0900 + timedelta(days=7))
    assert following == {(REGION, "telegram"): None, (REGION, "email"): None}
    assert len(api.sent(CHAT)) == 3 and len(smtp.mailbox.messages) == 2


@pytest.mark.asyncio(loop_scope="session")
async def test_service_task_sends_and_stops(settings: Settings, core: AnswerCore, signals: Signals,
                                            api: FakeBotAPI, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    config = _settings(settings, api, None, tmp_path, weekday=now.weekday(), hour=0, timezone="UTC")
    assert start_digest_task(core, replace(config, digest=DigestSettings()), asyncio.Event()) is None
    stop = asyncio.Event()
    own = AnswerCore(core.catalog, signals.store, core.thresholds)
    task = start_digest_task(own, config, stop)
    assert task is not None
    await api.wait_sent(CHAT, 0, 1, timeout=120, contains="Infopoint weekly digest")
    stop.set()
    await stop_digest_task(task)
    assert task.done()
    state = DigestLog(config.db_path)
    weeks = {r.id: state.last_week(r.id, "telegram") for r in catalog_regions(core.catalog)()}
    assert weeks == {REGION: f"{now.isocalendar()[0]}-W{now.isocalendar()[1]:02d}", "jihomoravsky": None}


def test_cli_errors(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from admin.cli import main as admin_main

    for name in ("INFOPOINT_DIGEST_TELEGRAM_CHAT", "INFOPOINT_DIGEST_EMAIL_TO", "INFOPOINT_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    assert admin_main(["digest", "--region", "atlantis"]) == 2
    assert "unknown region 'atlantis'" in capsys.readouterr().err
    assert admin_main(["digest", "--region", REGION, "--send"]) == 2
    assert "no digest channel" in capsys.readouterr().err
