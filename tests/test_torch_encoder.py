"""The default `torch` backend gives the vectors of sentence-transformers on the same model folder."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from index.embedder import Embedder, SentenceTransformerEmbedder, load_embedder
from index.model_setup import MODEL_ID, ensure_model
from index.torch_encoder import TorchE5Encoder
from infopoint.settings import REPO_ROOT, Settings

TEXTS = [
    "де зробити песель?", "How do I register my address in Kraków?",
    "Jak uzyskać kartę pobytu czasowego dla członka rodziny obywatela UE i jakie dokumenty są potrzebne?",
    "Где получить номер PESEL для ребенка", "Kde si mám zažádat o povolení k pobytu v Brně?",
    "Tôi cần làm gì để gia hạn thẻ cư trú?", "أين يمكنني تسجيل عنوان السكن", "ბავშვის სკოლაში ჩარიცხვა",
    "x", "", "🙂🙂", "very long question " * 400,  # longer than 512 tokens: truncated like the library
]


@pytest.fixture(scope="module")
def library(settings: Settings) -> SentenceTransformerEmbedder:
    """The same folder through the sentence-transformers library (the reference)."""
    return SentenceTransformerEmbedder(str(ensure_model(settings.cache_dir)), model_id=MODEL_ID)


def test_default_backend_is_the_torch_encoder(embedder: Embedder) -> None:
    assert isinstance(embedder, TorchE5Encoder)
    assert embedder.model_id == MODEL_ID and embedder.dim == 384


@pytest.mark.parametrize("kind", ["encode_queries", "encode_passages"])
def test_same_vectors_as_sentence_transformers(embedder: Embedder, library: SentenceTransformerEmbedder,
                                               kind: str) -> None:
    ours = getattr(embedder, kind)(TEXTS)
    reference = getattr(library, kind)(TEXTS)
    assert ours.shape == reference.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert np.abs(ours - reference).max() < 1e-5
    alone = np.stack([getattr(embedder, kind)([text])[0] for text in TEXTS])  # batching changes nothing
    assert np.abs(alone - ours).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_the_library_backend_is_still_selectable(settings: Settings) -> None:
    chosen = load_embedder(replace(settings, embedder="sentence-transformers"))
    assert isinstance(chosen, SentenceTransformerEmbedder) and chosen.model_id == MODEL_ID
    assert replace(settings, embedder="sentence-transformers").index_dir == settings.index_dir  # one index


def test_torch_backend_does_not_import_sentence_transformers(settings: Settings) -> None:
    code = ("import sys; from index.embedder import load_embedder; "
            "from infopoint.settings import load_settings; "
            "e = load_embedder(load_settings()); e.encode_queries(['test']); "
            "print(sorted(m for m in ('sentence_transformers', 'transformers', 'sklearn') "
            "if m in sys.modules))")
    env = {k: v for k, v in os.environ.items() if k != "INFOPOINT_EMBEDDER"}
    env["INFOPOINT_CACHE_DIR"] = str(settings.cache_dir)
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True,
                          check=True, env=env)
    assert done.stdout.strip().splitlines()[-1] == "[]"
