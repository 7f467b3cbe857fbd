"""Why a question was missed: no content, retrieval, language or a bad answer.

- `bad_answer`: the user was shown an answer and gave it a 👎.
- `language`: the nearest entry is close but has no text in the language the question was written in.
- `retrieval`: the nearest entry is close (it has the asker's language) but scored below the answer
  threshold, so search is what failed: more sample questions or keywords would fix it.
- `no_content`: nothing close; the region has no entry for this.

"Close" is the `unsure` threshold of index/thresholds.py (per language): the score from which the core
offers an entry as a candidate. Measured on the labelled eval sets with the calibrated thresholds
(answer 0.955, unsure 0.9375): all 12 in-scope questions the core did not answer scored >= 0.9375
(11 with the right entry in the top 3), while lower floors only add out-of-scope questions
(of 36: 6 score >= 0.9375, 8 >= 0.93, 11 >= 0.92, 14 >= 0.91, 21 >= 0.90).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from index.thresholds import Thresholds
from knowledge.entry import Entry

CAUSES = ("no_content", "retrieval", "language", "bad_answer")
THUMBS_DOWN = "thumbs_down"


@dataclass(frozen=True)
class Miss:
    """One unmet-need signal and its cause."""

    question_id: int
    region: str
    ts: str
    lang: str | None
    kind: str  # unanswered | unsure | thumbs_down
    cause: str
    entry_id: str | None  # the nearest entry (for a 👎, the entry that was shown)
    score: float | None
    group_id: int | None
    text: str | None  # scrubbed; None once the retention period has blanked it


def close_floor(thresholds: Thresholds, lang: str | None) -> float:
    """The score from which an entry counts as close for a question in `lang`."""
    return thresholds.for_lang(lang)[1]


def cause_of(kind: str, nearest: Entry | None, score: float | None, lang: str | None,
             thresholds: Thresholds) -> str:
    """The cause of one signal, from its kind and the nearest entry found for it."""
    if kind == THUMBS_DOWN:
        return "bad_answer"
    if nearest is None or score is None or score < close_floor(thresholds, lang):
        return "no_content"
    return "retrieval" if lang in nearest.texts else "language"


def count_causes(misses: list[Miss]) -> dict[str, int]:
    """How many misses per cause (every cause present, zero when none)."""
    counts = Counter(m.cause for m in misses)
    return {cause: counts.get(cause, 0) for cause in CAUSES}
