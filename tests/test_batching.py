"""The query batcher: concurrent questions embedded together, each caller gets its own vectors."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from test_model import TEXTS

from bot.batching import BatchingEmbedder
from bot.core import AnswerCore


@pytest.fixture()
def batcher(embedder):
    """A batcher over the real model, stopped after the test."""
    wrapped = BatchingEmbedder(embedder)
    yield wrapped
    wrapped.close()


def test_concurrent_callers_get_their_own_vectors_from_fewer_model_calls(embedder, batcher) -> None:
    texts = TEXTS[:24]
    start = threading.Barrier(len(texts))

    def ask(text: str) -> np.ndarray:
        start.wait()
        return batcher.encode_queries([text])

    with ThreadPoolExecutor(len(texts)) as pool:
        got = list(pool.map(ask, texts))
    alone = np.stack([embedder.encode_queries([t])[0] for t in texts])
    together = np.concatenate(got)
    assert together.shape == (len(texts), embedder.dim)
    assert ((together * alone).sum(axis=1) >= 0.9999).all()  # nobody got a neighbour's vector
    assert batcher.texts == len(texts) and batcher.batches < len(texts)


def test_multi_text_calls_and_passages_pass_through(embedder, batcher) -> None:
    vectors = batcher.encode_queries(TEXTS[:5])
    assert vectors.shape == (5, embedder.dim)
    assert np.allclose(vectors, embedder.encode_queries(TEXTS[:5]), atol=1e-4)
    assert np.allclose(batcher.encode_passages(TEXTS[:3]), embedder.encode_passages(TEXTS[:3]), atol=1e-4)
    assert batcher.encode_queries([]).shape == (0, embedder.dim)


def test_a_failed_batch_reaches_its_callers_and_the_worker_lives_on(batcher) -> None:
    with pytest.raises(Exception):  # noqa: B017 - whatever the model raises on a non-text
        batcher.encode_queries([None])  # type: ignore[list-item]
    assert batcher.encode_queries(["де зробити песель?"]).shape == (1, batcher.dim)


def test_the_service_core_batches(core: AnswerCore) -> None:
    assert isinstance(core.embedder, BatchingEmbedder)
    assert core.ask("де зробити песель?", "malopolska", record=False).entry.id == "pesel-number-foreigners"
