"""The 20 questions asked most, in Ukrainian and Russian, get a correct, sourced answer with an office."""

from __future__ import annotations

import pytest

from bot.core import AnswerCore
from bot.render import render

# (question as people write it, acceptable entries)
TOP_QUESTIONS = [
    ("де зробити песель в кракові", {"pesel-number-foreigners", "pesel-ukr"}),
    ("як отримати карту побиту", {"temporary-residence-permit", "mos-online-application"}),
    ("где забрать готовую карту побыту", {"residence-card-collection"}),
    ("що змінилось для українців з укр статусом у 2026", {"ukr-status-2026-changes", "cukr-residence-card"}),
    ("что такое карта CUKR и как ее получить", {"cukr-residence-card"}),
    ("як зробити мельдунек", {"zameldowanie-temporary"}),
    ("какие бывают разрешения на работу в польше", {"work-permit-types"}),
    ("роботодавець має повідомити про мене в уряд праці?", {"ukraine-work-notification"}),
    ("как получить страховку NFZ", {"nfz-health-insurance", "nfz-voluntary-insurance"}),
    ("як записатися до сімейного лікаря", {"family-doctor-poz"}),
    ("как записать ребенка в школу в кракове", {"school-enrolment-krakow"}),
    ("як оформити 800 плюс на дитину", {"family-benefit-800-plus", "800-plus-ukrainians-2026"}),
    ("будут ли украинцам платить 800+ в 2026", {"800-plus-ukrainians-2026"}),
    ("де безкоштовні курси польської мови в кракові", {"free-polish-courses-krakow"}),
    ("где получить бесплатную юридическую помощь", {"free-legal-aid-krakow", "ngo-legal-help-foreigners"}),
    ("як орендувати квартиру в кракові договір", {"renting-flat-contract-krakow"}),
    ("как поменять права на польские", {"foreign-driving-licence-exchange", "ukrainian-driving-licence"}),
    ("як подати податкову декларацію PIT", {"annual-tax-return-pit"}),
    ("как встать на учет в бюро труда в кракове", {"register-unemployed-krakow"}),
    ("як подати заяву на карту побиту онлайн через MOS",
     {"mos-online-application", "temporary-residence-permit"}),
]


@pytest.mark.parametrize(("question", "expected"), TOP_QUESTIONS)
def test_top_question_answered_with_source_and_office(core: AnswerCore, question: str,
                                                      expected: set[str]) -> None:
    answer = core.ask(question, "malopolska", record=False)
    top = answer.ranked[0][0] if answer.ranked else None
    assert answer.outcome == "answered", (answer.outcome, answer.ranked[:3])
    assert top in expected, answer.ranked[:3]
    assert answer.text.lang == answer.lang in {"uk", "ru"}
    assert answer.entry.sources and answer.offices
    shown = render(answer)
    assert answer.entry.sources[0].url in shown


def test_emergency_question_gets_numbers(core: AnswerCore) -> None:
    answer = core.ask("куди дзвонити якщо пожежа", "malopolska", record=False)
    assert answer.emergency_numbers and answer.emergency_numbers[0].number == "112"
