"""The admin dashboard over HTTP: login, sessions, roles, CSRF, headers, escaping, entry saving, accounts.

A real server (aiohttp test server) over a private copy of the content and a private data directory.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import pytest_asyncio
import yaml
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from aiohttp.web_urldispatcher import PrefixedSubAppResource

from admin.accounts import AccountStore, verify_password
from admin.web.app import make_admin_app
from admin.web.auth import COOKIE, LoginThrottle
from bot.core import AnswerCore
from bot.services import build_core
from bot.web import make_web_app
from index.embedder import Embedder
from infopoint.settings import REPO_ROOT, Settings
from signals.needs import NeedInbox

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "correct horse battery"
USERS = {"ada": "admin", "cora": "curator", "anna": "analyst"}
ENTRY = ("malopolska", "appeal-refusal-decision")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Site:
    """The running app and what the tests look at."""

    client: TestClient
    core: AnswerCore
    accounts: AccountStore
    content: Path

    async def login(self, username: str, password: str = PASSWORD,
                    next_path: str = "/admin/") -> web.Response:
        """Log in through the form (a fresh cookie jar first)."""
        self.client.session.cookie_jar.clear()
        page = await self.client.get("/admin/login")
        token = CSRF_RE.search(await page.text()).group(1)
        return await self.client.post("/admin/login", allow_redirects=False, data={
            "csrf_token": token, "username": username, "password": password, "next": next_path})

    async def csrf(self, path: str = "/admin/accounts") -> str:
        """The session's CSRF token, read from a page's form."""
        page = await self.client.get(path)
        return CSRF_RE.search(await page.text()).group(1)


@pytest.fixture(scope="module")
def admin_core(settings: Settings, embedder: Embedder,
               tmp_path_factory: pytest.TempPathFactory) -> AnswerCore:
    """A core over a private copy of the content and a private data directory (for the module)."""
    root = tmp_path_factory.mktemp("admin-web")
    shutil.copytree(REPO_ROOT / "knowledge" / "regions", root / "regions")
    own = replace(settings, content_dir=root / "regions", data_dir=root / "data")
    return build_core(own, embedder=embedder)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def site(admin_core: AnswerCore) -> AsyncIterator[Site]:
    accounts = AccountStore(admin_core.store.path)
    for name, role in USERS.items():
        accounts.create(name, PASSWORD, role)
    async with TestClient(TestServer(make_web_app(admin_core))) as client:
        yield Site(client, admin_core, accounts, admin_core.catalog.content_dir)


def _entry_file(site: Site) -> Path:
    return site.core.catalog.get(ENTRY[0]).content.entries[ENTRY[1]].path


# --- authentication ---------------------------------------------------------------------------------


async def test_every_route_but_login_needs_a_session(site: Site) -> None:
    site.client.session.cookie_jar.clear()
    assert (await site.client.get("/healthz")).status == 200
    admin_app = next(r.get_info()["app"] for r in site.client.app.router.resources()
                     if isinstance(r, PrefixedSubAppResource))
    checked = 0
    for route in admin_app.router.routes():
        path = re.sub(r"\{[^}]+\}", "x", route.resource.canonical).replace("/admin/admin", "/admin")
        path = path if path.startswith("/admin") else "/admin" + path
        if path in {"/admin/login", "/admin/static/admin.css"} or route.method == "HEAD":
            continue
        response = await site.client.request(route.method, path, allow_redirects=False)
        checked += 1
        if route.method == "GET":
            assert response.status == 302, path
            assert response.headers["Location"].startswith("/admin/login?next="), path
        else:
            assert response.status == 403, (route.method, path)
    assert checked >= 15
    response = await site.client.get("/admin", allow_redirects=False)
    assert response.headers["Location"] == "/admin/"


async def test_wrong_password_is_refused_and_no_session_is_made(site: Site) -> None:
    response = await site.login("ada", "wrong password!")
    assert response.status == 401
    assert "Wrong username or password" in await response.text()
    assert COOKIE not in {c.key for c in site.client.session.cookie_jar}
    unknown = await site.login("nobody", PASSWORD)
    assert unknown.status == 401


async def test_login_sets_a_strict_http_only_cookie_and_stores_only_its_hash(site: Site) -> None:
    response = await site.login("ada", next_path="/admin/entries")
    assert response.status == 303 and response.headers["Location"] == "/admin/entries"
    header = next(h for h in response.headers.getall("Set-Cookie") if h.startswith(COOKIE + "="))
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/admin" in header
    assert "Secure" not in header  # plain http here
    token = response.cookies[COOKIE].value
    stored = [r[0] for r in sqlite3.connect(site.accounts.path).execute("SELECT * FROM admin_sessions")]
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    dump = "\n".join(sqlite3.connect(site.accounts.path).iterdump())
    assert token not in dump
    assert (await site.client.get("/admin/entries")).status == 200


async def test_cookie_is_secure_behind_https(site: Site) -> None:
    site.client.session.cookie_jar.clear()
    page = await site.client.get("/admin/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in page.headers["Set-Cookie"]
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")


async def test_open_redirects_are_refused(site: Site) -> None:
    response = await site.login("ada", next_path="https://evil.example/")
    assert response.headers["Location"] == "/admin/"
    response = await site.login("ada", next_path="//evil.example/admin/")
    assert response.headers["Location"] == "/admin/"


async def test_logout_invalidates_the_session(site: Site) -> None:
    response = await site.login("cora")
    token = response.cookies[COOKIE].value
    csrf = await site.csrf("/admin/entries")
    out = await site.client.post("/admin/logout", data={"csrf_token": csrf}, allow_redirects=False)
    assert out.status == 303
    site.client.session.cookie_jar.update_cookies({COOKIE: token})  # replay the old cookie
    again = await site.client.get("/admin/entries", allow_redirects=False)
    assert again.status == 302 and again.headers["Location"].startswith("/admin/login")


async def test_failed_logins_are_rate_limited(site: Site) -> None:
    site.accounts.create("victim", PASSWORD, "curator")
    for _ in range(5):
        assert (await site.login("victim", "not the password")).status == 401
    blocked = await site.login("victim", PASSWORD)
    assert blocked.status == 429 and "Too many failed attempts" in await blocked.text()
    assert COOKIE not in {c.key for c in site.client.session.cookie_jar}


async def test_throttle_counts_per_account_and_per_address() -> None:
    throttle = LoginThrottle(per_user=2, per_ip=3, window=60)
    throttle.failed("a", "1.1.1.1")
    assert throttle.wait("a", "1.1.1.1") == 0
    throttle.failed("a", "1.1.1.1")
    assert throttle.wait("a", "2.2.2.2") > 0  # the account is locked from anywhere
    throttle.failed("b", "1.1.1.1")
    assert throttle.wait("c", "1.1.1.1") > 0  # the address is locked for any account
    assert throttle.wait("c", "3.3.3.3") == 0


# --- roles and CSRF -------------------------------------------------------------------------------


@pytest.mark.parametrize(("user", "path", "status"), [
    ("cora", "/admin/accounts", 403), ("cora", "/admin/reports", 403), ("cora", "/admin/audit", 403),
    ("cora", "/admin/entries", 200), ("cora", "/admin/translations", 200),
    ("anna", "/admin/entries", 403), ("anna", f"/admin/entries/{ENTRY[0]}/{ENTRY[1]}", 403),
    ("anna", "/admin/accounts", 403), ("anna", "/admin/reports", 200),
    ("ada", "/admin/accounts", 200), ("ada", "/admin/entries", 200), ("ada", "/admin/reports", 200),
])
async def test_roles(site: Site, user: str, path: str, status: int) -> None:
    await site.login(user)
    response = await site.client.get(path, allow_redirects=False)
    assert response.status == status, (user, path)
    if status == 403:
        assert "cannot open this page" in await response.text()


async def test_analyst_cannot_save_an_entry_even_with_a_valid_csrf_token(site: Site) -> None:
    await site.login("anna")
    csrf = await site.csrf("/admin/reports")
    before = _entry_file(site).read_bytes()
    response = await site.client.post(f"/admin/entries/{ENTRY[0]}/{ENTRY[1]}",
                                      data={"csrf_token": csrf, "topic": "work"})
    assert response.status == 403
    assert _entry_file(site).read_bytes() == before


@pytest.mark.parametrize("token", [None, "", "forged-token"])
async def test_post_without_the_right_csrf_token_is_refused(site: Site, token: str | None) -> None:
    await site.login("ada")
    data = {"username": "mallory", "role": "admin"}
    if token is not None:
        data["csrf_token"] = token
    response = await site.client.post("/admin/accounts", data=data)
    assert response.status == 403
    assert site.accounts.get("mallory") is None


async def test_post_from_another_origin_is_refused(site: Site) -> None:
    await site.login("ada")
    csrf = await site.csrf()
    response = await site.client.post("/admin/accounts", data={"csrf_token": csrf, "username": "mallory",
                                                               "role": "admin"},
                                      headers={"Origin": "https://evil.example"})
    assert response.status == 403 and site.accounts.get("mallory") is None


async def test_login_form_needs_its_csrf_token(site: Site) -> None:
    site.client.session.cookie_jar.clear()
    response = await site.client.post("/admin/login", data={"username": "ada", "password": PASSWORD},
                                      allow_redirects=False)
    assert response.status == 403
    assert COOKIE not in {c.key for c in site.client.session.cookie_jar}


async def test_a_view_without_a_declared_permission_is_closed(admin_core: AnswerCore) -> None:
    accounts = AccountStore(admin_core.store.path)
    admin = make_admin_app(admin_core, accounts)

    async def forgot_to_declare(request: web.Request) -> web.Response:
        return web.Response(text="secret")

    admin.router.add_get("/undeclared", forgot_to_declare)
    root = web.Application()
    root.add_subapp("/admin", admin)
    async with TestClient(TestServer(root)) as client:
        page = await client.get("/admin/login")
        token = CSRF_RE.search(await page.text()).group(1)
        await client.post("/admin/login", data={"csrf_token": token, "username": "ada", "password": PASSWORD})
        response = await client.get("/admin/undeclared")
        assert response.status == 403 and "secret" not in await response.text()


# --- headers, escaping ------------------------------------------------------------------------------


async def test_security_headers(site: Site) -> None:
    await site.login("ada")
    for path in ("/admin/entries", "/admin/login"):
        response = await site.client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
    page = await (await site.client.get("/admin/entries")).text()
    assert "<script" not in page and "style=" not in page


# --- entries ----------------------------------------------------------------------------------------


def _form_fields(html: str) -> dict[str, object]:
    """The edit form's fields as a browser would post them (inputs, textareas, choices, ticked boxes)."""
    ticked = re.findall(r'type="checkbox" name="offices" value="([^"]+)" checked', html)
    fields: dict[str, object] = {"offices": ticked}
    for name, value in re.findall(r'<input name="([^"]+)" value="([^"]*)"', html):
        fields[name] = _unescape(value)
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        fields[name] = _unescape(value)
    for name, value in re.findall(r'<textarea name="([^"]+)" rows="\d+">(.*?)</textarea>', html, re.S):
        fields[name] = _unescape(value)
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = [_unescape(v) for v in re.findall(r'<option value="([^"]*)" selected>', body)]
        fields[name] = chosen[0] if chosen else ""
    return fields


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def _post_data(fields: dict[str, object]) -> list[tuple[str, str]]:
    data: list[tuple[str, str]] = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            data.append((name, str(item)))
    return data


async def test_invalid_entry_data_is_refused_with_every_error_and_the_file_is_untouched(site: Site) -> None:
    await site.login("cora")
    path = _entry_file(site)
    before = path.read_bytes()
    page = await site.client.get(f"/admin/entries/{ENTRY[0]}/{ENTRY[1]}")
    fields = _form_fields(await page.text())
    assert fields["en.title"] == "Residence permit refused – how to appeal"
    fields.update({"topic": "nonsense", "pl.answer": "", "sources": "ftp://not-a-web-page",
                   "last_reviewed": "yesterday", "en.answer": "My new English answer, kept on error."})
    response = await site.client.post(f"/admin/entries/{ENTRY[0]}/{ENTRY[1]}", data=_post_data(fields))
    text = await response.text()
    assert response.status == 400
    assert path.read_bytes() == before
    for field, problem in (("topic", "unknown topic"), ("content.pl.answer", "is required"),
                           ("sources[0].url", "is not an http(s) URL"), ("last_reviewed", "is not a date")):
        assert re.search(rf"{ENTRY[1]}\.yaml: {re.escape(field)}: [^<]*{re.escape(problem)}", text), field
    assert "My new English answer, kept on error." in text  # nothing the curator typed is lost
    assert 'value="yesterday"' in text


async def test_saving_an_entry_writes_the_yaml_and_the_bot_answers_with_it(site: Site) -> None:
    await site.login("cora")
    path = _entry_file(site)
    original = yaml.safe_load(path.read_text(encoding="utf-8"))
    page = await site.client.get(f"/admin/entries/{ENTRY[0]}/{ENTRY[1]}")
    fields = _form_fields(await page.text())
    new_answer = "Appeal within 14 days <script>alert(1)</script> through the voivode (MUW) – new text."
    fields["en.answer"] = new_answer
    response = await site.client.post(f"/admin/entries/{ENTRY[0]}/{ENTRY[1]}", data=_post_data(fields),
                                      allow_redirects=False)
    assert response.status == 303
    saved = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert saved["content"]["en"]["answer"] == new_answer
    saved["content"]["en"]["answer"] = original["content"]["en"]["answer"]
    assert saved == original  # every other field came back from the form unchanged
    answer = site.core.ask("my residence permit was refused, how do I appeal?", ENTRY[0], lang="en",
                           record=False)
    assert answer.entry.id == ENTRY[1] and answer.text.answer == new_answer
    edit = await (await site.client.get(f"/admin/entries/{ENTRY[0]}/{ENTRY[1]}")).text()
    assert "Saved. The bot answers with the new text" in edit and "<script>" not in edit
    preview = await (await site.client.get(f"/admin/entries/{ENTRY[0]}/{ENTRY[1]}/preview")).text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview and "<script>" not in preview
    assert "Saved." not in preview  # the message is shown once


async def test_a_stale_form_does_not_overwrite_a_newer_file(site: Site) -> None:
    await site.login("cora")
    page = await site.client.get(f"/admin/entries/{ENTRY[0]}/{ENTRY[1]}")
    fields = _form_fields(await page.text())
    path = _entry_file(site)
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited by someone else\n", encoding="utf-8")
    before = path.read_bytes()
    fields["en.title"] = "A title that must not overwrite the newer file"
    response = await site.client.post(f"/admin/entries/{ENTRY[0]}/{ENTRY[1]}", data=_post_data(fields))
    assert response.status == 409 and path.read_bytes() == before
    assert "A title that must not overwrite the newer file" in await response.text()


# --- accounts ---------------------------------------------------------------------------------------


async def test_admin_adds_disables_and_resets_an_account(site: Site) -> None:
    await site.login("ada")
    csrf = await site.csrf()
    page = await (await site.client.post("/admin/accounts", data={"csrf_token": csrf, "username": "newbie",
                                                                  "role": "analyst"})).text()
    issued = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    assert site.accounts.get("newbie").role == "analyst"
    stored = sqlite3.connect(site.accounts.path).execute(
        "SELECT password FROM admin_accounts WHERE username = 'newbie'").fetchone()[0]
    assert issued not in stored and stored.startswith("scrypt$") and verify_password(issued, stored)
    assert (await site.login("newbie", _unescape(issued))).status == 303
    jar = site.client.session.cookie_jar
    newbie_cookie = jar.filter_cookies(site.client.make_url("/admin/"))[COOKIE].value
    await site.login("ada")
    csrf = await site.csrf()
    off = await site.client.post("/admin/accounts/newbie/active", data={"csrf_token": csrf, "active": "0"},
                                 allow_redirects=False)
    assert off.status == 303 and not site.accounts.get("newbie").active
    assert site.accounts.session(newbie_cookie) is None  # their session ended at once
    assert (await site.login("newbie", _unescape(issued))).status == 401
    await site.login("ada")
    csrf = await site.csrf()
    page = await (await site.client.post("/admin/accounts/cora/password", data={"csrf_token": csrf})).text()
    fresh = _unescape(re.search(r'<code class="secret">([^<]+)</code>', page).group(1))
    assert (await site.login("cora", PASSWORD)).status == 401
    assert (await site.login("cora", fresh)).status == 303
    site.accounts.set_password("cora", PASSWORD)


async def test_the_last_admin_cannot_lock_everyone_out(site: Site) -> None:
    await site.login("ada")
    csrf = await site.csrf()
    response = await site.client.post("/admin/accounts/ada/active", data={"csrf_token": csrf, "active": "0"})
    assert response.status == 400 and site.accounts.get("ada").active


# --- the command line --------------------------------------------------------------------------------


async def test_create_admin_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from admin.cli import main

    monkeypatch.setenv("INFOPOINT_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["create-admin", "--username", "Root", "--password-stdin"]) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["create-admin", "--username", "Root", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["create-admin", "--username", "root", "--password-stdin"]) == 1
    prompts = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(prompts))
    assert main(["add-user", "--username", "typist", "--role", "curator"]) == 1
    assert "differ" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["add-user", "--username", "cur", "--role", "curator", "--password-stdin"]) == 0
    assert main(["disable-user", "--username", "cur"]) == 0
    capsys.readouterr()
    assert main(["list-users"]) == 0
    listing = capsys.readouterr().out
    assert re.search(r"root\s+admin\s+active", listing) and re.search(r"cur\s+curator\s+disabled", listing)
    accounts = AccountStore(tmp_path / "infopoint.sqlite3")
    assert accounts.authenticate("root", PASSWORD) and accounts.authenticate("cur", PASSWORD) is None


# --- unmet needs --------------------------------------------------------------------------------------

BOAT = "where do I register a boat on the Vistula"
SCRIPT = '<script>alert("pwned")</script> where is the harbour office for my yacht?'


def _inbox(site: Site) -> NeedInbox:
    return NeedInbox(site.core.store, site.core.embedder, site.core.catalog, site.core.thresholds)


def _signal(site: Site, text: str, users: int = 3, lang: str = "en") -> int:
    """Record `text` as unanswered by several people; returns the id of the group it joined."""
    for i in range(users):
        site.core.store.record_question(region="malopolska", channel="telegram", lang=lang,
                                        detected_lang=lang, outcome="unanswered", text=text, score=0.9,
                                        user=f"{text[:8]}-{i}")
    inbox = _inbox(site)
    inbox.update()
    return next(g.id for g in inbox.groups("malopolska") if text in g.examples or g.label == text)


async def test_question_text_is_escaped_on_every_page(site: Site) -> None:
    group_id = _signal(site, SCRIPT)
    await site.login("ada")
    for path in ("/admin/needs", f"/admin/needs/{group_id}", "/admin/misses?region=malopolska"):
        text = await (await site.client.get(path)).text()
        assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in text, path
        assert "<script>alert" not in text and "<script" not in text, path


async def test_triage_is_for_analysts_and_is_audited(site: Site) -> None:
    group_id = _signal(site, "is there a Ukrainian choir I can join in Tarnów", users=2, lang="en")
    await site.login("cora")
    csrf = await site.csrf(f"/admin/needs/{group_id}")  # curators see the group ...
    denied = await site.client.post(f"/admin/needs/{group_id}/state", data={"csrf_token": csrf,
                                                                            "state": "ignored"})
    assert denied.status == 403  # ... but do not triage
    await site.login("anna")
    csrf = await site.csrf(f"/admin/needs/{group_id}")
    page = await site.client.post(f"/admin/needs/{group_id}/state",
                                  data={"csrf_token": csrf, "state": "ignored"})
    assert page.status == 200 and "Marked as ignored" in await page.text()
    assert _inbox(site).group(group_id).state == "ignored"
    listing = await (await site.client.get("/admin/needs?region=malopolska&state=ignored")).text()
    assert f"/admin/needs/{group_id}" in listing
    audit = await (await site.client.get("/admin/audit")).text()
    assert re.search(r"<td>anna</td><td><code>state</code></td>\s*<td>need:" + str(group_id), audit)
    await site.login("anna")
    csrf = await site.csrf(f"/admin/needs/{group_id}")
    attach = await site.client.post(f"/admin/needs/{group_id}/attach", data={"csrf_token": csrf,
                                                                             "entry_id": ENTRY[1]})
    assert attach.status == 403  # fixing content is the curators' job


async def test_attaching_a_group_makes_the_bot_answer_it(site: Site) -> None:
    assert site.core.ask(BOAT, "malopolska", lang="en", record=False).outcome != "answered"
    group_id = _signal(site, BOAT)
    await site.login("cora")
    page = await (await site.client.get(f"/admin/needs/{group_id}")).text()
    ids = re.findall(r'name="question_ids" value="(\d+)" checked', page)
    assert len(ids) == 3
    csrf = CSRF_RE.search(page).group(1)
    chosen = [("question_ids", i) for i in ids]
    done = await site.client.post(f"/admin/needs/{group_id}/attach", data=[
        ("csrf_token", csrf), ("entry_id", "registering-car-from-abroad"), *chosen])
    assert "Added 1 new sample question(s) to registering-car-from-abroad" in await done.text()
    answer = site.core.ask(BOAT, "malopolska", lang="en", record=False)
    assert answer.outcome == "answered" and answer.entry.id == "registering-car-from-abroad"
    assert _inbox(site).group(group_id).state == "done"


async def test_a_draft_from_a_need_is_published_only_when_valid(site: Site) -> None:
    text = "where can I rent a garden allotment plot in Kraków"
    group_id = _signal(site, text)
    await site.login("cora")
    csrf = await site.csrf(f"/admin/needs/{group_id}")
    opened = await site.client.post(f"/admin/needs/{group_id}/draft", data={"csrf_token": csrf},
                                    allow_redirects=False)
    location = opened.headers["Location"]
    assert opened.status == 303 and location.startswith("/admin/drafts/malopolska/")
    draft_id = location.rsplit("/", 1)[1]
    draft_file = site.content / "malopolska" / "drafts" / f"{draft_id}.yaml"
    page = await (await site.client.get(location)).text()
    assert "Draft opened from need" in page and text in page
    need_page = await (await site.client.get(f"/admin/needs/{group_id}")).text()
    assert f'href="{location}">Continue the draft' in need_page
    fields = _form_fields(page)
    before = draft_file.read_bytes()
    refused = await site.client.post(location, data=_post_data({**fields, "action": "publish"}))
    refused_text = await refused.text()
    assert refused.status == 400
    for problem in ("content.en.answer: is required", "content.pl: missing required language",
                    "sources: needs at least one official source"):
        assert problem in refused_text, problem
    assert draft_file.read_bytes() == before
    fields.update({"topic": "housing", "audience": "migrant", "last_reviewed": "2026-11-20",
                   "sources": "https://www.krakow.pl/ | Kraków city", "action": "publish"})
    for lang in ("pl", "en", "uk", "ru"):
        fields[f"{lang}.title"] = f"Allotment gardens ({lang})"
        fields[f"{lang}.answer"] = f"Allotment plots (ROD) are rented from the garden association ({lang})."
        fields[f"{lang}.questions"] = fields[f"{lang}.questions"] or f"allotment garden plot ({lang})"
    published = await site.client.post(location, data=_post_data(fields), allow_redirects=False)
    assert published.status == 303
    assert published.headers["Location"] == f"/admin/entries/malopolska/{draft_id}"
    assert not draft_file.exists()
    assert (site.content / "malopolska" / "entries" / "housing" / f"{draft_id}.yaml").exists()
    answer = site.core.ask(text, "malopolska", lang="en", record=False)
    assert answer.outcome == "answered" and answer.entry.id == draft_id


async def test_passwords_are_salted_scrypt_and_sessions_expire(tmp_path: Path) -> None:
    accounts = AccountStore(tmp_path / "accounts.sqlite3")
    accounts.create("one", PASSWORD, "curator")
    accounts.create("two", PASSWORD, "curator")
    hashes = [r[0] for r in sqlite3.connect(tmp_path / "accounts.sqlite3").execute(
        "SELECT password FROM admin_accounts ORDER BY username")]
    assert hashes[0] != hashes[1] and all(h.startswith("scrypt$16384$8$1$") for h in hashes)
    assert not verify_password("correct horse batterY", hashes[0])
    assert accounts.authenticate("one", PASSWORD).username == "one"
    expired = accounts.start_session("one", hours=-1)
    assert accounts.session(expired) is None
    live = accounts.start_session("one")
    assert accounts.session(live).account.username == "one"
    assert accounts.session(live + "x") is None and accounts.session("") is None
    accounts.set_active("one", False)
    assert accounts.session(live) is None and accounts.authenticate("one", PASSWORD) is None


async def test_similar_groups_are_offered_and_merged_by_analysts(site: Site) -> None:
    texts = {"en": "how do I get a fishing licence to fish in the river",
             "pl": "jak uzyskać kartę wędkarską żeby łowić ryby w rzece <b>teraz</b>"}
    for lang, text in texts.items():
        for i in range(2):
            site.core.store.record_question(region="malopolska", channel="telegram", lang=lang,
                                            detected_lang=lang, outcome="unanswered", text=text,
                                            user=f"fish-{lang}-{i}")
    split = NeedInbox(site.core.store, site.core.embedder, site.core.catalog, site.core.thresholds,
                      join_threshold=0.99, new_language_threshold=0.99)  # each language its own group
    split.update()
    target, other = (next(g.id for g in split.groups("malopolska") if g.label == t) for t in texts.values())
    await site.login("cora")
    page = await (await site.client.get(f"/admin/needs/{target}")).text()
    assert "Similar groups" in page and f"/admin/needs/{other}" in page
    assert "&lt;b&gt;teraz&lt;/b&gt;" in page and "<b>teraz" not in page
    assert 'name="other_ids"' not in page  # curators see the suggestion but do not merge
    csrf = CSRF_RE.search(page).group(1)
    denied = await site.client.post(f"/admin/needs/{target}/merge", data={"csrf_token": csrf,
                                                                          "other_ids": str(other)})
    assert denied.status == 403
    await site.login("anna")
    page = await (await site.client.get(f"/admin/needs/{target}")).text()
    assert f'name="other_ids" value="{other}"' in page
    forged = await site.client.post(f"/admin/needs/{target}/merge", data={"other_ids": str(other)})
    assert forged.status == 403 and _inbox(site).group_row(other)["state"] != "merged"
    csrf = CSRF_RE.search(page).group(1)
    merged = await site.client.post(f"/admin/needs/{target}/merge", data={"csrf_token": csrf,
                                                                          "other_ids": str(other)})
    assert merged.status == 200
    assert f"Merged #{other} into this need (2 questions moved)" in await merged.text()
    group = _inbox(site).group(target)
    assert group.size == 4 and group.languages == {"en": 2, "pl": 2}
    listing = await (await site.client.get("/admin/needs?region=malopolska&state=all")).text()
    assert f"/admin/needs/{target}" in listing and f'href="/admin/needs/{other}"' not in listing
    gone = await site.client.get(f"/admin/needs/{other}", allow_redirects=False)
    assert gone.status == 302 and gone.headers["Location"] == f"/admin/needs/{target}"
    audit = await (await site.client.get("/admin/audit")).text()
    assert re.search(r"<td>anna</td><td><code>merge</code></td>\s*<td>need:" + str(target), audit)
