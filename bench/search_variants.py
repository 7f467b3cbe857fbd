"""Search variants built in memory over the real content, for the quality benchmark.

Every variant ranks the entries of one region for a question from the same ingredients as the
shipped index: the cached e5 vectors of every indexed text (built by `RegionIndex.build`, so the
same texts with the same prompts) and BM25 over `lexical_document`. What varies is which texts
count (kinds, languages), how an entry's texts are pooled (max, mean of the best n, mean of all) and
how the lexical score is combined (none, added normalised to the best entry as shipped, added
saturating, reciprocal-rank fusion, or BM25 alone).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25Okapi

from index.embedder import Embedder
from index.embedding_cache import EmbeddingCache
from index.search_index import RegionIndex, lexical_bonus, lexical_document, pool_groups, tokens
from knowledge.entry import Entry

ALL_KINDS = ("title", "question", "answer")
RRF_K = 60


@dataclass(frozen=True)
class SearchVariant:
    """One way of searching (see the module docstring)."""

    name: str
    what: str
    kinds: tuple[str, ...] = ALL_KINDS
    source_only: bool = False
    pool: int = 1  # 1: the best text; n: the mean of the n best; 0: the mean of all
    dense: bool = True
    lexical: str = "add"  # add (dense + weight x bonus, shipped) | none | rrf | rrf-dense | only
    weight: float = 0.08
    saturation: float = 0.0  # 0: normalised to the best entry; s > 0: bm25 / (bm25 + s)


class RegionTables:
    """The vectors and BM25 models of one region's texts, from which every variant scores."""

    def __init__(self, region_id: str, entries: dict[str, Entry], embedder: Embedder,
                 cache: EmbeddingCache) -> None:
        index = RegionIndex.build(region_id, entries, embedder, cache, content_hash="bench")
        self.entries = entries
        self.entry_ids = list(entries)
        self.vectors = index.faiss.reconstruct_n(0, index.faiss.ntotal)
        position = {eid: n for n, eid in enumerate(self.entry_ids)}
        self.row_entry = np.array([position[v.entry_id] for v in index.variants])
        self.row_kind = np.array([v.kind for v in index.variants])
        self.row_source = np.array([v.lang == entries[v.entry_id].source_lang for v in index.variants])
        self.bm25 = {
            False: BM25Okapi([lexical_document(entries[e]) for e in self.entry_ids]),
            True: BM25Okapi([lexical_document(entries[e], {entries[e].source_lang}) for e in self.entry_ids]),
        }

    def dense_scores(self, variant: SearchVariant, queries: np.ndarray) -> np.ndarray:
        """(questions x entries) pooled cosine similarities; -inf where an entry has no such text."""
        keep = np.isin(self.row_kind, variant.kinds)
        if variant.source_only:
            keep &= self.row_source
        sims = queries @ self.vectors[keep].T
        owners = self.row_entry[keep]  # rows of an entry are consecutive
        present, lengths = np.unique(owners, return_counts=True)
        out = np.full((len(queries), len(self.entry_ids)), -np.inf, dtype=np.float64)
        for n, row in enumerate(sims):
            out[n, present] = pool_groups(row, lengths, variant.pool or int(lengths.max()))[0]
        return out

    def lexical_scores(self, variant: SearchVariant, questions: list[str]) -> np.ndarray:
        """(questions x entries) raw BM25 scores over the words the variant indexes."""
        bm25 = self.bm25[variant.source_only]
        return np.array([bm25.get_scores(tokens(q)) for q in questions], dtype=np.float64)

    def rank(self, variant: SearchVariant, questions: list[str], queries: np.ndarray,
             official: list[bool], depth: int) -> list[list[tuple[str, float]]]:
        """The best `depth` (entry id, score) of every question, as the answer core would see them
        (entries for officials are left out for other askers)."""
        dense = self.dense_scores(variant, queries) if variant.dense else None
        raw = self.lexical_scores(variant, questions) if variant.lexical != "none" or dense is None else None
        decide = None  # the score the thresholds see, when it is not the ranking score
        if dense is None:
            score = raw
        elif variant.lexical == "none":
            score = dense
        elif variant.lexical == "add":  # added, normalised to the best entry or saturating
            score = dense + variant.weight * lexical_bonus(raw, variant.saturation)
        else:  # rrf / rrf-dense: reciprocal-rank fusion of the dense and the BM25 ranking
            score = _rrf(dense) + _rrf(raw)
            decide = dense if variant.lexical == "rrf-dense" else None
        audience = np.array([self.entries[e].audience == "official" for e in self.entry_ids])
        ranked = []
        for n, is_official in enumerate(official):
            row = np.where(audience & (not is_official), -np.inf, score[n])
            order = [i for i in np.argsort(-row, kind="stable")[:depth] if np.isfinite(row[i])]
            shown = decide[n] if decide is not None else row
            ranked.append([(self.entry_ids[i], float(shown[i])) for i in order])
        return ranked


def _rrf(scores: np.ndarray) -> np.ndarray:
    """Reciprocal-rank-fusion terms 1 / (k + rank) of every entry in every row (rank 1 = best)."""
    ranks = np.empty_like(scores)
    order = np.argsort(-scores, axis=1, kind="stable")
    rows = np.arange(scores.shape[0])[:, None]
    ranks[rows, order] = np.arange(1, scores.shape[1] + 1)
    return 1.0 / (RRF_K + ranks)


def variants() -> list[SearchVariant]:
    """The variants the benchmark compares, simplest first (`hybrid-0.08` is the recipe shipped before
    the benchmark existed; `top3-sat-0.16-20` the one it chose)."""
    out = [
        SearchVariant("bm25", "BM25 only (rank-bm25) over the entry's words in all languages",
                      dense=False, lexical="only"),
        SearchVariant("one-language", "each entry only in its source language (title, questions, "
                      "answer; BM25 over its source-language words); dense + BM25 0.08", source_only=True),
        SearchVariant("one-language-dense", "each entry only in its source language; dense only",
                      source_only=True, lexical="none"),
        SearchVariant("dense", "dense only, all languages, all texts, best text", lexical="none"),
    ]
    out += [SearchVariant(f"hybrid-{w:.2f}", f"dense (best text) + {w:.2f} x BM25 normalised to the best "
                          "entry" + (" (the default before this benchmark)" if w == 0.08 else ""), weight=w)
            for w in (0.02, 0.04, 0.06, 0.08, 0.10, 0.12, 0.16, 0.20)]
    out += [
        SearchVariant("rrf", "reciprocal-rank fusion (k=60) of dense and BM25; the RRF score decides",
                      lexical="rrf"),
        SearchVariant("rrf-dense", "ranked by RRF of dense and BM25; the top entry's dense score decides",
                      lexical="rrf-dense"),
        SearchVariant("questions-only", "hybrid 0.08 over titles and sample questions (no answer passages)",
                      kinds=("title", "question")),
        SearchVariant("questions-only-dense", "dense over titles and sample questions",
                      kinds=("title", "question"), lexical="none"),
        SearchVariant("answers-only", "hybrid 0.08 over the answer passages only", kinds=("answer",)),
        SearchVariant("pool-mean", "hybrid 0.08; an entry scores by the mean over all its texts", pool=0),
    ]
    out += [SearchVariant(f"pool-top{n}", f"hybrid 0.08; an entry scores by the mean of its {n} best texts",
                          pool=n) for n in (2, 3)]
    out += [SearchVariant(f"{'' if n == 1 else f'top{n}-'}sat-{w:.2f}-{c:g}",
                          f"dense ({'best text' if n == 1 else f'mean of the {n} best texts'}) + {w:.2f} x "
                          f"BM25/(BM25+{c:g}) (saturating)", pool=n, weight=w, saturation=c)
            for n in (1, 2, 3) for w in (0.08, 0.12, 0.16, 0.20) for c in (10.0, 20.0)]
    return out
