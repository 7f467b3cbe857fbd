"""Grouping unmet-need signals by meaning across languages: the vector space and the join rule.

Why the vectors are centred per language. With multilingual-e5-small, two different questions in the
same language are as close as the same question in two languages: on the labelled eval sets
(eval/*.yaml, the 341 items labelled with exactly one entry; pairs within a region), the median cosine
of pairs about the same entry in different languages is 0.823, of pairs about different entries in the
same language 0.825 (0.792 across languages); ranking the pairs, AUC 0.698. Subtracting from each
question vector the mean vector of its language (the mean of the region indexes' title and
sample-question variants in that language; English 996 texts, Ukrainian 1016, Russian 1011, Polish 706,
Czech 305, Vietnamese 226, Belarusian 134, Georgian 131, Arabic 129) and renormalising removes most of
that language signal: same entry across languages 0.205, different entries 0.008-0.020, AUC 0.824.
(Also tried: global centring AUC 0.730, whitening 0.69-0.82, removing top components 0.79-0.82,
profiles of scores against the entries 0.82-0.85 but unstable as content changes.)

The join threshold. Grouping was simulated with the real rule below (incremental, centroid of the
group, random order, per region) and scored with B-cubed precision/recall:

    eval sets, labels = entry (341 items, 161 entries)   content sample questions, labels = one question
                                                          and its translations (3816 texts, 861 questions)
    t     precision recall F1    groups                   precision recall F1    groups
    0.45  0.860     0.508  0.639  284                     0.474     0.622  0.538   840
    0.50  0.927     0.492  0.643  310                     0.601     0.598  0.599  1138
    0.55  0.965     0.487  0.648  324                     0.712     0.552  0.622  1468
    0.60  0.988     0.478  0.645  334                     0.802     0.509  0.623  1824
    0.65  1.000     0.475  0.644  340                     0.875     0.458  0.601  2183

(eval entries have ~2 items each, so recall cannot fall below ~0.47.) Raw vectors do worse at every
threshold (best F1 0.641 at 0.94 and 0.452 at 0.92 on the two sets). JOIN_THRESHOLD = 0.55 has the
best mean F1 of the two sets; a wrongly split need shows as two groups with the same nearest entries,
a wrongly merged one would hide a need, so ties go to the stricter side.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

JOIN_THRESHOLD = 0.55
ANY_LANGUAGE = "*"


def unit(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return (vectors / np.where(norms == 0, 1, norms)).astype(np.float32)


def language_means(groups: Iterable[tuple[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The mean vector per language of (lang, vectors) pairs, and of all of them under ANY_LANGUAGE."""
    sums: dict[str, np.ndarray] = {}
    counts: dict[str, int] = {}
    for lang, vectors in groups:
        if len(vectors):
            sums[lang] = sums.get(lang, 0) + vectors.sum(axis=0)
            counts[lang] = counts.get(lang, 0) + len(vectors)
    means = {lang: (sums[lang] / counts[lang]).astype(np.float32) for lang in sums}
    if counts:
        means[ANY_LANGUAGE] = (sum(sums.values()) / sum(counts.values())).astype(np.float32)
    return means


def centred(vectors: np.ndarray, langs: list[str | None], means: dict[str, np.ndarray]) -> np.ndarray:
    """Question vectors with their language's mean removed, renormalised (the grouping space)."""
    if not len(vectors):
        return vectors.astype(np.float32)
    fallback = means.get(ANY_LANGUAGE, np.zeros(vectors.shape[1], dtype=np.float32))
    shift = np.stack([means.get(lang or "", fallback) for lang in langs])
    return unit(vectors - shift)


class Centroids:
    """The groups of one region as running sums; `best` finds the closest normalised mean."""

    def __init__(self, dim: int) -> None:
        self.ids: list[int] = []
        self.sums = np.zeros((0, dim), dtype=np.float32)
        self._unit = np.zeros((0, dim), dtype=np.float32)

    def add_group(self, group_id: int, vector_sum: np.ndarray) -> None:
        """Know one more group."""
        self.ids.append(group_id)
        self.sums = np.vstack([self.sums, vector_sum.astype(np.float32)])
        self._unit = np.vstack([self._unit, unit(vector_sum.astype(np.float32))])

    def best(self, vector: np.ndarray) -> tuple[int | None, float]:
        """The closest group and its cosine (None, -1.0 when there is no group)."""
        if not self.ids:
            return None, -1.0
        scores = self._unit @ vector
        row = int(np.argmax(scores))
        return self.ids[row], float(scores[row])

    def join(self, group_id: int, vector: np.ndarray) -> np.ndarray:
        """Add a member's vector to a group; returns the group's new sum."""
        row = self.ids.index(group_id)
        self.sums[row] += vector
        self._unit[row] = unit(self.sums[row])
        return self.sums[row]


def to_blob(vector: np.ndarray) -> bytes:
    """A vector as float32 bytes for SQLite."""
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    """The vector stored by `to_blob`."""
    return np.frombuffer(blob, dtype=np.float32).copy()
