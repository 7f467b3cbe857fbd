"""The embedding model adapter (sentence-transformers), the only module that imports it."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Protocol

import numpy as np

from index.model_setup import MODEL_ID, ensure_model
from infopoint.settings import DEFAULT_MODEL, Settings

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """What search needs from a model: unit vectors for queries and for passages."""

    model_id: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model; e5-style "query: "/"passage: " prompts when the model has them."""

    def __init__(self, name_or_path: str, model_id: str | None = None, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
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


def load_embedder(settings: Settings) -> Embedder:
    """The configured model: the offline e5 by default, else any sentence-transformers name or path."""
    if settings.model == DEFAULT_MODEL:
        folder: Path = ensure_model(settings.cache_dir)
        return SentenceTransformerEmbedder(str(folder), model_id=MODEL_ID)
    return SentenceTransformerEmbedder(settings.model)
