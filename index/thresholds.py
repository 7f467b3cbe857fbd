"""The score thresholds that decide answered / unsure / unanswered, calibrated on the labelled set.

`infopoint-admin calibrate` writes them into `index/calibration.json` (committed, with the figures
they were chosen on), together with the search settings the scores depend on (lexical weight and
saturation, pooling); the defaults below only apply before the first calibration. A language with
enough labelled data can have its own pair (`per_lang`); the others use the global pair.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

CALIBRATION_FILE = Path(__file__).resolve().parent / "calibration.json"


@dataclass
class Thresholds:
    """Score >= answer: answered; >= unsure: offer choices; below: unanswered.

    `lexical_weight`, `lexical_saturation` and `pool` are the search settings the scores come from
    (see `RegionIndex.search`): thresholds only make sense with the scoring they were chosen on.
    """

    answer: float = 0.88
    unsure: float = 0.84
    lexical_weight: float = 0.08
    lexical_saturation: float = 0.0
    pool: int = 1
    per_lang: dict[str, dict[str, float]] = field(default_factory=dict)
    model_id: str = ""
    note: str = ""

    def for_lang(self, lang: str | None) -> tuple[float, float]:
        """(answer, unsure) for one language, falling back to the global pair."""
        own = self.per_lang.get(lang or "", {})
        return own.get("answer", self.answer), own.get("unsure", self.unsure)

    def save(self, path: Path = CALIBRATION_FILE) -> None:
        """Write as JSON."""
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> Thresholds:
        """Read from JSON (defaults when the file does not exist)."""
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)
