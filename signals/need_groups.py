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
threshold (best F1 0.641 at 0.94 and 0.452 at 0.92 on the two sets).

A second threshold for joins that bring a new language to a group. The same question in two languages
is further apart than two phrasings in one language (centred cosine, content translations: ru-uk 0.78,
en-ru 0.58, en-uk 0.52, pl-uk 0.56, cs-* 0.31-0.39, vi-* 0.26-0.30; other questions of the same entry
0.18, unrelated questions 0.35 at the 99th percentile), so one threshold either splits a need by
language or merges phrasings. Joining at NEW_LANGUAGE_THRESHOLD when the group has no member in the
signal's language, and at JOIN_THRESHOLD otherwise (bench/need_grouping.py, 3 random orders; the
retrieval evidence held the question's own entry out, as for a need the content lacks):

    rule                                        eval P / R / F1 / groups     content P / R / F1 / groups
    one threshold 0.55 (before)                 0.971 0.489 0.650  325       0.705 0.557 0.622 1461
    0.55, new language 0.50                     0.952 0.493 0.650  318       0.659 0.601 0.629 1272
    0.60, new language 0.50 (JOIN_THRESHOLD)    0.964 0.495 0.654  321       0.723 0.603 0.657 1395
    0.65, new language 0.50                     0.967 0.495 0.655  322       0.769 0.604 0.676 1474
    0.60, new language 0.45                     0.926 0.507 0.655  306       0.667 0.632 0.649 1200
    0.55 + max-linkage to members (w 0.5)       0.968 0.487 0.648  325       0.699 0.569 0.627 1437
    0.55, 0.45 when the nearest entry agrees    0.963 0.489 0.649  322       0.665 0.580 0.620 1311

The content set counts other phrasings of the same entry as different needs, so it punishes a higher
same-language threshold less than real signals would; 0.60 keeps same-language paraphrases together
(tests/test_needs.py) while raising precision and recall on both sets. Linkage to stored members and
agreement of the nearest entry changed little and are not used for joining; the nearest entry does
back the merge suggestions (NeedInbox.similar), where a person decides.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

JOIN_THRESHOLD = 0.60  # joins within a language the group already has
NEW_LANGUAGE_THRESHOLD = 0.50  # joins that add a language to the group
SUGGEST_THRESHOLD = 0.40  # "maybe the same need": offered for a person to merge
SUGGEST_SAME_ENTRY = 0.30  # ... or from here when both groups have the same nearest entry
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
    """The groups of one region as running sums and languages; `best` picks the group to join."""

    def __init__(self, dim: int) -> None:
        self.ids: list[int] = []
        self.sums = np.zeros((0, dim), dtype=np.float32)
        self.langs: list[set[str | None]] = []
        self._unit = np.zeros((0, dim), dtype=np.float32)

    def add_group(self, group_id: int, vector_sum: np.ndarray, langs: Iterable[str | None] = ()) -> None:
        """Know one more group (with the languages of its members)."""
        self.ids.append(group_id)
        self.sums = np.vstack([self.sums, vector_sum.astype(np.float32)])
        self._unit = np.vstack([self._unit, unit(vector_sum.astype(np.float32))])
        self.langs.append(set(langs))

    def best(self, vector: np.ndarray, lang: str | None = None, same: float = JOIN_THRESHOLD,
             new_language: float = NEW_LANGUAGE_THRESHOLD) -> tuple[int | None, float]:
        """The group to join and its cosine, or (None, best cosine) when none is close enough.

        A group that has no member in `lang` is joined from `new_language`, one that has from `same`;
        among the groups above their threshold the closest wins.
        """
        if not self.ids:
            return None, -1.0
        scores = self._unit @ vector
        bars = np.array([same if lang in langs else new_language for langs in self.langs])
        passing = scores >= bars
        if not passing.any():
            return None, float(scores.max())
        row = int(np.argmax(np.where(passing, scores, -np.inf)))
        return self.ids[row], float(scores[row])

    def join(self, group_id: int, vector: np.ndarray, lang: str | None = None) -> np.ndarray:
        """Add a member's vector to a group; returns the group's new sum."""
        row = self.ids.index(group_id)
        self.sums[row] += vector
        self._unit[row] = unit(self.sums[row])
        self.langs[row].add(lang)
        return self.sums[row]


def to_blob(vector: np.ndarray) -> bytes:
    """A vector as float32 bytes for SQLite."""
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    """The vector stored by `to_blob`."""
    return np.frombuffer(blob, dtype=np.float32).copy()
