"""The answer core: the one place that turns a question into an Answer and records the signal.

Used alike by the command line, the HTTP API and the Telegram bot. It knows nothing of any channel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from bot.answer import ANSWERED, UNANSWERED, UNSURE, Answer, Candidate
from bot.emergency import is_emergency
from index.catalog import LiveRegion, RegionCatalog, UnknownRegion
from index.language import detect_language
from index.search_index import Hit
from index.thresholds import Thresholds
from knowledge.vocabulary import LANGUAGES
from signals.store import SignalStore

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 2000
SEARCH_DEPTH = 8


class UnknownLanguage(ValueError):
    """A language code the product does not speak."""


@dataclass(frozen=True)
class Asker:
    """Who asks, as far as the core needs to know (a pseudonym, never a raw id)."""

    user: str | None = None
    channel: str = "cli"
    official: bool = False
    ref: str | None = None  # names the request: asked again under the same ref, it is recorded once


class AnswerCore:
    """Detect language -> search the region -> decide -> pick the text -> record."""

    def __init__(self, catalog: RegionCatalog, store: SignalStore | None,
                 thresholds: Thresholds | None = None) -> None:
        self.catalog = catalog
        self.store = store
        self.thresholds = thresholds or Thresholds.load()

    @property
    def embedder(self):
        """The embedding model in use."""
        return self.catalog.embedder

    def region(self, region_id: str) -> LiveRegion:
        """A served region (UnknownRegion when there is none of that id)."""
        return self.catalog.get(region_id)

    def ask(self, question: str, region_id: str, lang: str | None = None, hint: str | None = None,
            asker: Asker | None = None, record: bool = True) -> Answer:
        """Answer one question. `lang` forces the reply language; `hint` only helps detection."""
        return self.ask_many([question], region_id, lang=lang, hints=[hint], asker=asker, record=record)[0]

    def ask_many(self, questions: list[str], region_id: str, lang: str | None = None,
                 hints: list[str | None] | None = None, asker: Asker | None = None,
                 record: bool = True) -> list[Answer]:
        """Answer several questions of one region with one batched embedding call."""
        asker = asker or Asker()
        if asker.ref is not None and len(questions) > 1:
            raise ValueError("a ref names one question; ask several without one")
        if lang is not None and lang not in LANGUAGES:
            raise UnknownLanguage(lang)
        live = self.catalog.get(region_id)
        cleaned = [" ".join(q.split())[:MAX_QUESTION_CHARS] for q in questions]
        vectors = self.embedder.encode_queries(cleaned) if cleaned else np.zeros((0, 1))
        hints = hints or [None] * len(cleaned)
        return [self._decide(q, vec, live, lang, hint, asker, record)
                for q, vec, hint in zip(cleaned, vectors, hints, strict=True)]

    def _decide(self, question: str, vector: np.ndarray, live: LiveRegion, lang: str | None,
                hint: str | None, asker: Asker, record: bool) -> Answer:
        region = live.content.region
        detected = detect_language(question, hint).lang
        reply_lang = region.reply_language(lang or detected or hint)
        hits = self._search(live, question, vector, asker.official)
        answer_at, unsure_at = self.thresholds.for_lang(detected)
        top = hits[0] if hits else None
        answer = Answer(outcome=UNANSWERED, question=question, region=region.id, lang=reply_lang,
                        detected_lang=detected, score=top.score if top else None, official=asker.official,
                        ranked=[(h.entry_id, h.score) for h in hits])
        if top and top.score >= answer_at:
            self._fill_entry(answer, live, top.entry_id)
            answer.outcome = ANSWERED
        elif top and top.score >= unsure_at:
            answer.outcome = UNSURE
            answer.candidates = self._candidates(live, hits, unsure_at, reply_lang)
        else:
            answer.contacts = list(region.contacts)
        if is_emergency(question):
            answer.emergency_numbers = list(region.emergency)
        if record and self.store is not None:
            answer.question_id = self.store.record_question(
                region=region.id, channel=asker.channel, lang=reply_lang, detected_lang=detected,
                outcome=answer.outcome, text=question, score=answer.score,
                entry_id=answer.entry.id if answer.entry else None,
                candidates=[c.entry_id for c in answer.candidates], user=asker.user,
                emergency=answer.emergency, audience="official" if asker.official else "migrant",
                ref=asker.ref,
            )
        return answer

    def _search(self, live: LiveRegion, question: str, vector: np.ndarray, official: bool) -> list[Hit]:
        settings = self.thresholds
        hits = live.index.search(vector, question, k=SEARCH_DEPTH, lexical_weight=settings.lexical_weight,
                                 saturation=settings.lexical_saturation, pool=settings.pool)
        entries = live.content.entries
        return [h for h in hits if h.entry_id in entries
                and (official or entries[h.entry_id].audience != "official")]

    def _candidates(self, live: LiveRegion, hits: list[Hit], floor: float, lang: str) -> list[Candidate]:
        chain = live.content.region.language_chain(lang)
        close = [h for h in hits[:3] if h.score >= floor - 0.03] or hits[:1]
        return [Candidate(h.entry_id, live.content.entries[h.entry_id].text_in(chain).title, h.score)
                for h in close]

    def _fill_entry(self, answer: Answer, live: LiveRegion, entry_id: str) -> None:
        region = live.content.region
        entry = live.content.entries[entry_id]
        chain = region.language_chain(answer.lang)
        answer.entry = entry
        answer.text = entry.text_in(chain)
        answer.offices = [region.offices[o] for o in entry.offices if o in region.offices]
        answer.offices += [c for c in region.contacts if c.id in entry.offices]

    def entry_answer(self, region_id: str, entry_id: str, lang: str, asker: Asker | None = None) -> Answer:
        """An Answer showing one given entry (a picked candidate, a topic menu, inline mode)."""
        live = self.catalog.get(region_id)
        if entry_id not in live.content.entries:
            raise KeyError(entry_id)
        region = live.content.region
        answer = Answer(outcome=ANSWERED, question="", region=region_id, lang=region.reply_language(lang),
                        detected_lang=None, score=None, official=bool(asker and asker.official))
        self._fill_entry(answer, live, entry_id)
        return answer


__all__ = ["AnswerCore", "Asker", "UnknownLanguage", "UnknownRegion"]
