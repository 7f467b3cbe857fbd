"""Meaning search over one region: a FAISS index of every language variant of every entry.

Each entry is indexed in every language it has, as several variants: its title, each sample
question (both embedded as queries, since they are phrased like questions) and its answer (embedded
as a passage). An entry scores by its best variant. The index is saved with a manifest (model id,
content hash, variants) and is rebuilt whenever either changes, so a stale index is never served.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

from index.embedder import Embedder
from index.embedding_cache import EmbeddingCache
from knowledge.entry import Entry

log = logging.getLogger(__name__)
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Variant:
    """One indexed text of an entry."""

    entry_id: str
    lang: str
    kind: str  # title | question | answer


@dataclass(frozen=True)
class Hit:
    """An entry found for a query, scored by its best variant."""

    entry_id: str
    score: float
    variant: Variant


def entry_variants(entry: Entry) -> list[tuple[Variant, str]]:
    """Every text of an entry that goes into the index."""
    out: list[tuple[Variant, str]] = []
    for lang, text in entry.texts.items():
        out.append((Variant(entry.id, lang, "title"), text.title))
        out.extend((Variant(entry.id, lang, "question"), q) for q in text.questions)
        out.append((Variant(entry.id, lang, "answer"), f"{text.title}. {text.answer}"))
    return out


def _keyword_pattern(keywords: list[str]) -> re.Pattern[str] | None:
    words = [re.escape(k.lower()) for k in keywords if len(k) >= 3]
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)")


class RegionIndex:
    """The FAISS index of one region and what each of its rows is."""

    def __init__(self, region_id: str, model_id: str, content_hash: str, variants: list[Variant],
                 vectors: np.ndarray, keywords: dict[str, list[str]]) -> None:
        self.region_id = region_id
        self.model_id = model_id
        self.content_hash = content_hash
        self.variants = variants
        self.keywords = keywords
        self._patterns = {eid: p for eid, kw in keywords.items() if (p := _keyword_pattern(kw))}
        self.newly_embedded = 0
        dim = vectors.shape[1] if vectors.size else 1
        self.faiss = faiss.IndexFlatIP(dim)
        if vectors.size:
            self.faiss.add(np.ascontiguousarray(vectors, dtype=np.float32))

    @classmethod
    def build(cls, region_id: str, entries: dict[str, Entry], embedder: Embedder,
              cache: EmbeddingCache, content_hash: str, progress: bool = False) -> RegionIndex:
        """Embed every variant (reusing cached vectors) and build the index."""
        started = time.perf_counter()
        rows = [row for entry in entries.values() for row in entry_variants(entry)]
        variants = [v for v, _ in rows]
        query_rows = [i for i, v in enumerate(variants) if v.kind != "answer"]
        passage_rows = [i for i, v in enumerate(variants) if v.kind == "answer"]
        vectors = np.zeros((len(rows), embedder.dim), dtype=np.float32)
        new = 0
        for kind, idx, encode in (("query", query_rows, embedder.encode_queries),
                                  ("passage", passage_rows, embedder.encode_passages)):
            if idx:
                vecs, n_new = cache.embed(embedder.model_id, kind, [rows[i][1] for i in idx], encode,
                                          progress=progress)
                vectors[idx] = vecs
                new += n_new
        keywords = {e.id: e.keywords for e in entries.values() if e.keywords}
        log.info("index %s: %d variants of %d entries, %d embedded anew, %.1fs", region_id,
                 len(rows), len(entries), new, time.perf_counter() - started)
        index = cls(region_id, embedder.model_id, content_hash, variants, vectors, keywords)
        index.newly_embedded = new
        return index

    def save(self, folder: Path) -> None:
        """Write index.faiss and manifest.json (atomically: the manifest last)."""
        folder.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self.faiss, str(folder / "index.faiss.tmp"))
        (folder / "index.faiss.tmp").replace(folder / "index.faiss")
        manifest = {
            "version": MANIFEST_VERSION, "region": self.region_id, "model_id": self.model_id,
            "content_hash": self.content_hash, "keywords": self.keywords,
            "variants": [asdict(v) for v in self.variants],
        }
        tmp = folder / "manifest.json.tmp"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False))
        tmp.replace(folder / "manifest.json")

    @classmethod
    def load(cls, folder: Path, model_id: str, content_hash: str) -> RegionIndex | None:
        """The saved index if it was built by this model from this content, else None."""
        try:
            manifest = json.loads((folder / "manifest.json").read_text())
            if (manifest.get("version") != MANIFEST_VERSION or manifest.get("model_id") != model_id
                    or manifest.get("content_hash") != content_hash):
                return None
            stored = faiss.read_index(str(folder / "index.faiss"))
        except (OSError, ValueError, RuntimeError):
            return None
        variants = [Variant(**v) for v in manifest["variants"]]
        if stored.ntotal != len(variants):
            return None
        vectors = stored.reconstruct_n(0, stored.ntotal) if stored.ntotal else np.zeros((0, 0))
        return cls(manifest["region"], model_id, content_hash, variants, vectors, manifest["keywords"])

    def search(self, query_vector: np.ndarray, query_text: str = "", k: int = 5,
               keyword_bonus: float = 0.0, depth: int = 64) -> list[Hit]:
        """The best `k` entries for a query vector, each scored by its best variant.

        `keyword_bonus` is added to entries whose keywords (acronyms such as PESEL, NFZ) appear in
        the question as whole words: the lexical half of a light hybrid search.
        """
        if self.faiss.ntotal == 0:
            return []
        scores, rows = self.faiss.search(query_vector.reshape(1, -1).astype(np.float32),
                                         min(depth, self.faiss.ntotal))
        best: dict[str, Hit] = {}
        for score, row in zip(scores[0], rows[0], strict=True):
            if row < 0:
                continue
            variant = self.variants[row]
            if variant.entry_id not in best:
                best[variant.entry_id] = Hit(variant.entry_id, float(score), variant)
        if keyword_bonus and query_text:
            lowered = query_text.lower()
            for entry_id, pattern in self._patterns.items():
                if pattern.search(lowered):
                    hit = best.get(entry_id)
                    base = hit.score if hit else self._entry_score(entry_id, query_vector)
                    variant = hit.variant if hit else Variant(entry_id, "", "keyword")
                    best[entry_id] = Hit(entry_id, base + keyword_bonus, variant)
        return sorted(best.values(), key=lambda h: h.score, reverse=True)[:k]

    def _entry_score(self, entry_id: str, query_vector: np.ndarray) -> float:
        rows = [i for i, v in enumerate(self.variants) if v.entry_id == entry_id]
        vectors = np.stack([self.faiss.reconstruct(i) for i in rows])
        return float((vectors @ query_vector.astype(np.float32)).max())


def ensure_index(region_id: str, entries: dict[str, Entry], content_hash: str, embedder: Embedder,
                 cache: EmbeddingCache, index_dir: Path, progress: bool = False) -> RegionIndex:
    """Load the saved index when it matches the model and content, else rebuild and save it."""
    folder = index_dir / region_id
    loaded = RegionIndex.load(folder, embedder.model_id, content_hash)
    if loaded is not None:
        return loaded
    index = RegionIndex.build(region_id, entries, embedder, cache, content_hash, progress=progress)
    index.save(folder)
    return index
