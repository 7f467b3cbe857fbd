"""The aiohttp part: /healthz, POST /api/v1/ask with clear 400s, the web chat page, the webhook check."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from bot.core import AnswerCore
from bot.telegram.app import api_urls
from bot.web import make_web_app
from knowledge.vocabulary import LANGUAGES
from signals.store import SignalStore

pytestmark = pytest.mark.asyncio(loop_scope="session")


class _Queue:
    def __init__(self) -> None:
        self.items: list[object] = []

    async def put(self, item: object) -> None:
        self.items.append(item)


class _FakeApplication:
    """Just what the webhook handler touches."""

    def __init__(self) -> None:
        self.update_queue = _Queue()
        self.bot = None


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def client(core: AnswerCore, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    store = SignalStore(tmp_path_factory.mktemp("http") / "signals.sqlite3")
    own = AnswerCore(core.catalog, store, core.thresholds)
    app = make_web_app(own, "webhook", _FakeApplication(), "/telegram/webhook", "s3cret")
    async with TestClient(TestServer(app)) as test_client:
        test_client.store = store  # type: ignore[attr-defined]
        yield test_client


async def test_healthz(client: TestClient) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "regions": ["jihomoravsky", "malopolska"],
                                     "telegram": "webhook"}


async def test_ask_returns_the_answer(client: TestClient) -> None:
    response = await client.post("/api/v1/ask", json={"question": "Як записати дитину до школи в Кракові?",
                                                      "region": "malopolska"})
    assert response.status == 200
    data = await response.json()
    assert data["outcome"] == "answered" and data["lang"] == "uk" and data["region"] == "malopolska"
    assert data["entry"]["title"] and data["entry"]["sources"] and data["question_id"] > 0
    assert set(data) >= {"outcome", "question", "score", "candidates", "contacts", "emergency_numbers"}
    row = next(iter(client.store.questions("id = ?", [data["question_id"]])))  # type: ignore[attr-defined]
    assert row["channel"] == "web"


async def test_ask_forced_language(client: TestClient) -> None:
    response = await client.post("/api/v1/ask", json={"question": "How do I enrol my child in school?",
                                                      "region": "malopolska", "lang": "pl"})
    data = await response.json()
    assert data["lang"] == "pl"


async def test_ask_unanswered(client: TestClient) -> None:
    response = await client.post("/api/v1/ask", json={"question": "Who won the football world cup in 1974?",
                                                      "region": "malopolska", "lang": "en"})
    data = await response.json()
    assert data["outcome"] == "unanswered" and data["entry"] is None and data["contacts"]


@pytest.mark.parametrize(("body", "error"), [
    ({"question": "x", "region": "atlantis"}, "unknown_region"),
    ({"question": "x", "region": "malopolska", "lang": "xx"}, "unknown_language"),
    ({"question": "   ", "region": "malopolska"}, "missing_question"),
    ({"region": "malopolska"}, "missing_question"),
    (["not", "an", "object"], "invalid_json"),
])
async def test_ask_bad_input(client: TestClient, body: object, error: str) -> None:
    response = await client.post("/api/v1/ask", json=body)
    assert response.status == 400
    data = await response.json()
    assert data["error"] == error and data["message"]
    if error == "unknown_region":
        assert data["valid"] == ["jihomoravsky", "malopolska"]
    if error == "unknown_language":
        assert data["valid"] == list(LANGUAGES)


async def test_ask_not_json(client: TestClient) -> None:
    response = await client.post("/api/v1/ask", data="{broken", headers={"Content-Type": "application/json"})
    assert response.status == 400 and (await response.json())["error"] == "invalid_json"


async def test_chat_page_escapes_text(client: TestClient) -> None:
    response = await client.get("/")
    page = await response.text()
    assert response.status == 200 and "/api/v1/ask" in page
    assert "textContent" in page and "innerHTML" not in page


async def test_webhook_checks_secret_token(client: TestClient) -> None:
    update = {"update_id": 1}
    assert (await client.post("/telegram/webhook", json=update)).status == 403
    wrong = {"X-Telegram-Bot-Api-Secret-Token": "nope"}
    assert (await client.post("/telegram/webhook", json=update, headers=wrong)).status == 403
    right = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
    assert (await client.post("/telegram/webhook", json=update, headers=right)).status == 200


async def test_api_urls() -> None:
    assert api_urls(None) == ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot")
    assert api_urls("http://127.0.0.1:9000/bot") == ("http://127.0.0.1:9000/bot", "http://127.0.0.1:9000/file/bot")
    assert api_urls("http://127.0.0.1:9000/")[0] == "http://127.0.0.1:9000/bot"
