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
from index.lexical import Bm25Postings
from knowledge.entry import Entry

log = logging.getLogger(__name__)
MANIFEST_VERSION = 2


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


_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Lowercase word tokens, for the lexical half of the search."""
    return _TOKEN.findall(text.lower())


def lexical_document(entry: Entry, langs: set[str] | None = None) -> list[str]:
    """An entry's words in every language, or only in `langs` (keywords such as PESEL, NFZ, OAMP
    count three times)."""
    parts = [t.full_text() + " " + " ".join(t.questions) for lang, t in entry.texts.items()
             if langs is None or lang in langs]
    return tokens(" ".join(parts)) + tokens(" ".join(entry.keywords)) * 3


class RegionIndex:
    """The FAISS index of one region and what each of its rows is."""

    def __init__(self, region_id: str, model_id: str, content_hash: str, variants: list[Variant],
                 vectors: np.ndarray, entries: dict[str, Entry]) -> None:
        self.region_id = region_id
        self.model_id = model_id
        self.content_hash = content_hash
        self.variants = variants
        self.newly_embedded = 0
        rows_by_entry: dict[str, list[int]] = {}
        for row, variant in enumerate(variants):
            rows_by_entry.setdefault(variant.entry_id, []).append(row)
        self._rows_by_entry = {e: np.array(rows, dtype=np.int64) for e, rows in rows_by_entry.items()}
        self._entry_ids = list(entries)
        documents = [lexical_document(entries[e]) for e in self._entry_ids]
        self._bm25 = Bm25Postings(documents) if any(documents) else None
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
        log.info("index %s: %d variants of %d entries, %d embedded anew, %.1fs", region_id,
                 len(rows), len(entries), new, time.perf_counter() - started)
        index = cls(region_id, embedder.model_id, content_hash, variants, vectors, entries)
        index.newly_embedded = new
        return index

    def save(self, folder: Path) -> None:
        """Write index.faiss and manifest.json (atomically: the manifest last)."""
        folder.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self.faiss, str(folder / "index.faiss.tmp"))
        (folder / "index.faiss.tmp").replace(folder / "index.faiss")
        manifest = {
            "version": MANIFEST_VERSION, "region": self.region_id, "model_id": self.model_id,
            "content_hash": self.content_hash,
            "variants": [asdict(v) for v in self.variants],
        }
        tmp = folder / "manifest.json.tmp"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False))
        tmp.replace(folder / "manifest.json")

    @classmethod
    def load(cls, folder: Path, model_id: str, content_hash: str,
             entries: dict[str, Entry]) -> RegionIndex | None:
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
        if stored.ntotal != len(variants) or {v.entry_id for v in variants} - set(entries):
            return None
        vectors = stored.reconstruct_n(0, stored.ntotal) if stored.ntotal else np.zeros((0, 0))
        return cls(manifest["region"], model_id, content_hash, variants, vectors, entries)

    def search(self, query_vector: np.ndarray, query_text: str = "", k: int = 5,
               lexical_weight: float = 0.0, depth: int = 64, pool: int = 1,
               saturation: float = 0.0) -> list[Hit]:
        """The best `k` entries for a question, each scored by its best variant (with `pool` > 1:
        by the mean of its `pool` best variants, so that one stray text counts less).

        With `lexical_weight`, a BM25 score over the entry's words in all languages is added:
        acronyms, names and transliterations that meaning alone misses. It is normalised to the best
        entry's, or with `saturation` s squashed as bm25 / (bm25 + s), so weak overlaps add little
        (see `lexical_bonus`).
        """
        if self.faiss.ntotal == 0:
            return []
        scores, rows = self.faiss.search(query_vector.reshape(1, -1).astype(np.float32),
                                         min(depth, self.faiss.ntotal))
        best: dict[str, Hit] = {}
        for score, row in zip(scores[0], rows[0], strict=True):
            variant = self.variants[row] if row >= 0 else None
            if variant and variant.entry_id not in best:
                best[variant.entry_id] = Hit(variant.entry_id, float(score), variant)
        raw, extra = None, []
        if lexical_weight and query_text and self._bm25 is not None:
            raw = self._bm25.get_scores(tokens(query_text))
            extra = [self._entry_ids[i] for i in np.argsort(raw)[::-1][:10]
                     if raw[i] > 0 and self._entry_ids[i] not in best]
        # Entries found by words alone, and with pooling every entry, are scored over all their variants.
        best.update(self._entry_hits((list(best) if pool > 1 else []) + extra, query_vector, pool))
        if raw is not None:
            bonus = lexical_bonus(raw, saturation)
            if len(raw) and raw.max() > 0:
                for i, entry_id in enumerate(self._entry_ids):
                    if raw[i] > 0 and entry_id in best:
                        hit = best[entry_id]
                        best[entry_id] = Hit(entry_id, hit.score + lexical_weight * float(bonus[i]),
                                             hit.variant)
        return sorted(best.values(), key=lambda h: h.score, reverse=True)[:k]

    def _stored_vectors(self) -> np.ndarray:
        """The flat index's own vectors as an array (no copy; faster than reconstruct_batch)."""
        n, d = self.faiss.ntotal, self.faiss.d
        return faiss.rev_swig_ptr(self.faiss.get_xb(), n * d).reshape(n, d)

    def _entry_hits(self, entry_ids: list[str], query_vector: np.ndarray, pool: int) -> dict[str, Hit]:
        """Exact scores of some entries over all their variants, in one small product."""
        if not entry_ids:
            return {}
        groups = [self._rows_by_entry[e] for e in entry_ids]
        flat = np.concatenate(groups)
        # einsum, not BLAS: a multi-threaded gemv this small is slow on a busy machine
        scores = np.einsum("ij,j->i", self._stored_vectors()[flat], query_vector.astype(np.float32))
        pooled, best = pool_groups(scores, np.array([len(g) for g in groups]), pool)
        return {e: Hit(e, float(score), self.variants[flat[top]])
                for e, score, top in zip(entry_ids, pooled, best, strict=True)}


def pool_groups(scores: np.ndarray, lengths: np.ndarray, pool: int) -> tuple[np.ndarray, np.ndarray]:
    """For consecutive groups of `scores` (one per entry, sizes `lengths`): the entry's score, which is
    its best variant's (`pool` 1) or the mean of its `pool` best; and the position of its best."""
    owner = np.repeat(np.arange(len(lengths)), lengths)
    order = np.lexsort((-scores, owner))  # by group, best first within each
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    taken = (np.arange(len(scores)) - starts[owner]) < pool
    pooled = np.bincount(owner[taken], weights=scores[order][taken], minlength=len(lengths))
    return pooled / np.minimum(lengths, max(pool, 1)), order[starts]


def lexical_bonus(raw: np.ndarray, saturation: float = 0.0) -> np.ndarray:
    """BM25 scores mapped to [0, 1]: divided by the best entry's (`saturation` 0), or
    bm25 / (bm25 + saturation), which does not lift an entry just for being the best of weak matches."""
    raw = np.asarray(raw, dtype=np.float64)
    if saturation > 0 or raw.size == 0:
        return raw / (raw + saturation) if raw.size else raw
    top = raw.max(axis=-1, keepdims=True)
    return np.divide(raw, top, out=np.zeros_like(raw), where=top > 0)


def ensure_index(region_id: str, entries: dict[str, Entry], content_hash: str, embedder: Embedder,
                 cache: EmbeddingCache, index_dir: Path, progress: bool = False) -> RegionIndex:
    """Load the saved index when it matches the model and content, else rebuild and save it."""
    folder = index_dir / region_id
    loaded = RegionIndex.load(folder, embedder.model_id, content_hash, entries)
    if loaded is not None:
        return loaded
    index = RegionIndex.build(region_id, entries, embedder, cache, content_hash, progress=progress)
    index.save(folder)
    return index
