"""The admin dashboard end to end in a real browser (Debian's Chromium driven by Playwright).

The service's aiohttp application runs in a background thread with its own event loop on a free port,
over a private copy of the content and a private data directory; one browser serves the whole module.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from playwright.sync_api import Browser, Page, expect, sync_playwright

from admin.accounts import AccountStore
from bot.core import AnswerCore
from bot.services import build_core
from bot.web import make_web_app
from index.embedder import Embedder
from infopoint.settings import REPO_ROOT, Settings
from signals.needs import NeedInbox

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
PASSWORD = "correct horse battery"
SHOTS = os.environ.get("INFOPOINT_ADMIN_SHOTS")  # a folder: save screenshots of the pages there
# One need the content does not cover, asked in four languages by different people.
FISHING = [("en", "where can I get a fishing licence for the Vistula river"),
           ("uk", "де отримати дозвіл на риболовлю на Віслі"),
           ("ru", "где получить разрешение на рыбалку на Висле"),
           ("pl", "gdzie wyrobić kartę wędkarską nad Wisłą")]


@dataclass
class Service:
    """The running service and what the tests look at."""

    url: str
    core: AnswerCore
    accounts: AccountStore
    inbox: NeedInbox


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seed(core: AnswerCore) -> None:
    """Unanswered questions from distinct people over the last days (the need the tests triage)."""
    now = datetime.now(UTC).replace(microsecond=0)
    for i, (lang, text) in enumerate(FISHING * 2):
        core.store.record_question(region="malopolska", channel="telegram", lang=lang, detected_lang=lang,
                                   outcome="unanswered", text=text, score=0.90, user=f"person-{i}",
                                   ts=(now - timedelta(days=i % 5, hours=i)).isoformat())
    for question in ("How do I get a PESEL number?", "Як записати дитину до школи в Кракові?"):
        core.ask(question, "malopolska")


@pytest.fixture(scope="module")
def service(settings: Settings, embedder: Embedder,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The service on a free port, over a private content copy and data directory, seeded with signals."""
    root = tmp_path_factory.mktemp("admin-e2e")
    shutil.copytree(REPO_ROOT / "knowledge" / "regions", root / "regions")
    own = replace(settings, content_dir=root / "regions", data_dir=root / "data")
    core = build_core(own, embedder=embedder)
    accounts = AccountStore(core.store.path)
    for name, role in (("ada", "admin"), ("cora", "curator"), ("anna", "analyst")):
        accounts.create(name, PASSWORD, role)
    _seed(core)
    inbox = NeedInbox(core.store, core.embedder, core.catalog)
    inbox.update()
    port = _free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(make_web_app(core))
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, name="admin-e2e-server", daemon=True)
    thread.start()
    assert started.wait(30)
    yield Service(f"http://127.0.0.1:{port}", core, accounts, inbox)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    """A full-page screenshot into $INFOPOINT_ADMIN_SHOTS (when set), to look at the pages."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def log_in(page: Page, service: Service, username: str, start: str = "/admin/") -> None:
    """Open a page, get sent to the login form, log in and land back on the page."""
    page.goto(service.url + start)
    expect(page).to_have_url(re.compile(r"/admin/login\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(service.url + start)


def test_log_in_see_the_overview_and_log_out(page: Page, service: Service) -> None:
    page.goto(service.url + "/admin/login")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")
    log_in(page, service, "ada")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    card = page.locator(".card", has_text="Małopolska")
    expect(card).to_contain_text("Questions in the last 7 days")
    expect(card.locator("dd").first).to_have_text("10")  # 8 seeded signals + 2 questions asked
    shot(page, "overview")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(service.url + "/admin/login")
    page.goto(service.url + "/admin/entries")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_triage_a_need_group(page: Page, service: Service) -> None:
    log_in(page, service, "anna", "/admin/needs")
    row = page.locator("table.needs tbody tr", has_text="Vistula").or_(
        page.locator("table.needs tbody tr", has_text="Віслі"))
    expect(row.first).to_be_visible()
    shot(page, "needs")
    row.first.get_by_role("link").click()
    expect(page.locator(".need-head .badge")).to_have_text("new")
    shot(page, "need")
    page.get_by_role("button", name="in progress").click()
    expect(page.get_by_role("status")).to_contain_text("Marked as in progress")
    expect(page.locator(".need-head .badge")).to_have_text("in progress")
    group_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    assert service.inbox.group(group_id).state == "in_progress"
    page.goto(service.url + "/admin/audit")
    expect(page.locator("table.list tbody tr").first).to_contain_text("anna")
    shot(page, "audit")
    page.get_by_role("link", name="Misses").click()
    missed = page.locator("table.list tbody tr", has_text="fishing licence for the Vistula")
    expect(missed.first).to_contain_text("malopolska")
    shot(page, "misses")


def test_edit_an_entry_and_the_bot_answers_with_the_new_text(page: Page, service: Service) -> None:
    question = {"question": "How do I get a PESEL number?", "region": "malopolska", "lang": "en"}
    before = page.request.post(service.url + "/api/v1/ask", data=question).json()
    assert before["outcome"] == "answered"
    entry_id, old_answer = before["entry"]["id"], before["entry"]["answer"]
    log_in(page, service, "cora", "/admin/entries")
    page.get_by_label("Text").fill(entry_id)
    page.get_by_role("button", name="Filter").click()
    page.locator("table.list tbody tr").first.get_by_role("link").click()
    english = page.locator("details.lang", has_text="English")
    if english.get_attribute("open") is None:
        english.locator("summary").click()
    answer_box = english.get_by_label("Short answer")
    expect(answer_box).to_have_value(old_answer)
    new_answer = "PESEL: ask at the city office (Urząd Miasta Krakowa) with your passport. Edited in e2e."
    answer_box.fill(new_answer)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved. The bot answers with the new text")
    shot(page, "entry-saved")
    after = page.request.post(service.url + "/api/v1/ask", data=question).json()
    assert after["entry"]["id"] == entry_id and after["entry"]["answer"] == new_answer
    page.get_by_role("link", name="Preview as the bot shows it").click()
    expect(page.locator(".preview", has_text="English").locator(".bubble")).to_contain_text("Edited in e2e.")
    shot(page, "preview")


def test_download_a_report(page: Page, service: Service) -> None:
    log_in(page, service, "anna", "/admin/reports")
    page.get_by_label("Region").select_option("malopolska")
    page.get_by_label("From").fill((date.today() - timedelta(days=13)).isoformat())
    page.get_by_label("To").fill(date.today().isoformat())
    page.get_by_label("CSV (for spreadsheets)").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the report").click()
    download = info.value
    assert download.suggested_filename.startswith("infopoint-report-malopolska-")
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0] == ["section", "key", "subkey", "value"]
    figures = {tuple(r[:3]): r[3] for r in rows[1:]}
    assert figures[("meta", "region", "")] == "malopolska"
    asked = service.core.store.count("questions", "region = 'malopolska'")
    assert int(figures[("summary", "questions", "total")]) == asked
    assert int(figures[("summary", "questions", "unanswered")]) >= len(FISHING) * 2
    needs = {r[1] for r in rows if r[0] == "need"}
    assert any(text in needs for _, text in FISHING)  # the need asked by 8 people is reported
    page.get_by_label("HTML with charts").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the report").click()
    html = Path(info.value.path()).read_text(encoding="utf-8")
    assert "<svg" in html or "data:image/png" in html
