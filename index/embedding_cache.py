"""Embeddings cached by (model, kind, text) hash, so that editing one entry re-embeds only its texts."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np


def text_key(model_id: str, kind: str, text: str) -> str:
    """The cache key of one text as embedded by one model with one prompt kind."""
    return hashlib.sha256(f"{model_id}\x1f{kind}\x1f{text}".encode()).hexdigest()


class EmbeddingCache:
    """A small SQLite key-value store of float32 vectors."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")

    def embed(self, model_id: str, kind: str, texts: list[str],
              encode: Callable[[list[str]], np.ndarray], progress: bool = False) -> tuple[np.ndarray, int]:
        """Vectors of `texts` (cached ones read, the others encoded and stored); and how many were new."""
        keys = [text_key(model_id, kind, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self.db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", chunk):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        if missing:
            new_texts = [t for _, t in missing]
            vectors = _encode_with_progress(new_texts, encode, progress)
            with self.db:
                self.db.executemany(
                    "INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)",
                    [(k, v.astype(np.float32).tobytes()) for (k, _), v in zip(missing, vectors, strict=True)],
                )
            for (key, _), vec in zip(missing, vectors, strict=True):
                found[key] = vec
        if not keys:
            return np.zeros((0, 0), dtype=np.float32), 0
        return np.stack([found[k] for k in keys]).astype(np.float32), len(missing)


def _encode_with_progress(texts: list[str], encode: Callable[[list[str]], np.ndarray],
                          progress: bool) -> np.ndarray:
    batch = 64
    if not progress or len(texts) <= batch:
        return encode(texts)
    from tqdm import tqdm

    parts = []
    with tqdm(total=len(texts), desc="embedding", unit="text") as bar:
        for start in range(0, len(texts), batch):
            parts.append(encode(texts[start : start + batch]))
            bar.update(min(batch, len(texts) - start))
    return np.concatenate(parts)
