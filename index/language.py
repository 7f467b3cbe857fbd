"""Detect the language of a question.

Order: letters that only some of our languages use (Georgian, Armenian and Arabic script, Belarusian
ў, Ukrainian і/ї/є/ґ, Russian ы/э/ъ, Polish and Czech diacritics, Vietnamese tone marks) narrow the
candidates; common words decide between the rest; seeded langdetect handles longer text; the
Telegram language_code hint decides short or ambiguous text. langdetect has no Georgian or
Belarusian profile and mixes up Ukrainian and Russian on short texts, hence the letters and words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.vocabulary import LANGUAGES

_SCRIPTS = (
    (re.compile(r"[\u10a0-\u10ff\u1c90-\u1cbf]"), "ka"),
    (re.compile(r"[\u0530-\u058f]"), "hy"),
    (re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"), "ar"),
    (re.compile(r"[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I), "vi"),
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# letter -> languages that cannot have written it
_CYRILLIC_EXCLUDES: dict[str, set[str] | frozenset[str]] = {
    "ў": {"uk", "ru"}, "ї": {"ru", "be"}, "є": {"ru", "be"}, "ґ": {"ru", "be"}, "і": {"ru"},
    "ы": {"uk"}, "э": {"uk"}, "ё": {"uk"}, "ъ": {"uk", "be"}, "и": {"be"}, "щ": {"be"},
}
_LATIN_EXCLUDES = {
    **dict.fromkeys("ąćęłńśźż", frozenset({"cs", "en", "vi"})),
    **dict.fromkeys("ěščřžůťďň", frozenset({"pl", "en", "vi"})),
}
_WORDS = {
    "uk": "де як що чи коли скільки зробити отримати мені мене потрібно треба можна або це мій моя мої "
          "дитина дитини діти роботу житло лікаря довідка куди звернутися хочу маю немає працювати "
          "оформити подати документи податок садок безкоштовно мови польської чеської яка який яку хто "
          "чому якщо де можна потрібна потрібен тут вже ще також та й".split(),
    "ru": "где как что ли когда сколько сделать получить мне меня нужно надо можно или это мой моя мои "
          "ребенок ребёнка дети работу жилье жильё врача справка куда обратиться хочу есть нет нету "
          "работать оформить подать документы налог сад бесплатно языка польского чешского какая какой "
          "какую кто почему если нужна нужен здесь уже еще ещё тоже и".split(),
    "be": "дзе як што калі колькі зрабіць атрымаць мне мяне трэба патрэбна можна або гэта мой мая мае "
          "дзіця дзіцяці дзеці працу жыллё лекара даведка куды звярнуцца хачу маю няма працаваць "
          "аформіць падаць дакументы падатак бясплатна мовы польскай якая які якую хто чаму калі тут ужо "
          "яшчэ таксама і".split(),
    "en": "how what where when can do does i my get need to the a is are for of in much long free apply "
          "have should must me you it which who why with without".split(),
    "pl": "jak gdzie co czy kiedy ile mogę moge można mozna muszę musze trzeba potrzebuję potrzebuje dla "
          "się sie jest nie mój moj moja dziecko pracy lekarza szkoły w na do z zrobić zrobic dostać "
          "dostac załatwić zalatwic uzyskać uzyskac wniosek jaki jakie który ktory".split(),
    "cs": "jak kde co kdy kolik můžu muzu mohu musím musim potřebuji potrebuji pro se je není neni můj "
          "muj moje dítě dite práce prace lékaře lekare školy v na do z udělat udelat dostat získat "
          "ziskat žádost zadost prodloužit prodlouzit jaký jaky který ktery".split(),
}
_WORD_SETS = {lang: set(words) for lang, words in _WORDS.items()}
_TOKENS = re.compile(r"[^\W\d_]+")
MIN_LETTERS_FOR_STATISTICS = 15


@dataclass(frozen=True)
class Detection:
    """The detected language and how it was decided (script / letters / words / statistics / hint)."""

    lang: str | None
    method: str


def _narrow(text: str, candidates: set[str], excludes: dict[str, set[str]]) -> set[str]:
    lowered = text.lower()
    narrowed = set(candidates)
    for letter, excluded in excludes.items():
        if letter in lowered and narrowed - excluded:
            narrowed -= excluded
    return narrowed


def _by_words(text: str, candidates: set[str]) -> str | None:
    tokens = [t.lower() for t in _TOKENS.findall(text)]
    scores = {lang: sum(t in _WORD_SETS[lang] for t in tokens) for lang in candidates}
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if ranked and ranked[0][1] > 0 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


def _by_statistics(text: str, candidates: set[str]) -> str | None:
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0
    try:
        guesses = detect_langs(text)
    except LangDetectException:
        return None
    for guess in guesses:
        code = "cs" if guess.lang == "sk" else guess.lang
        if code in candidates and guess.prob >= 0.6:
            return code
    return None


def detect_language(text: str, hint: str | None = None) -> Detection:
    """The language of `text`; `hint` (e.g. Telegram's language_code) decides short or unclear text."""
    hint = (hint or "").split("-")[0].lower() or None
    for pattern, lang in _SCRIPTS:
        if pattern.search(text):
            return Detection(lang, "script")
    if _CYRILLIC.search(text):
        candidates = _narrow(text, {"uk", "ru", "be"}, _CYRILLIC_EXCLUDES)
        preference = ["uk", "ru", "be"]
    else:
        candidates = _narrow(text, {"en", "pl", "cs", "vi"}, _LATIN_EXCLUDES)
        preference = ["en", "pl", "cs", "vi"]
    if len(candidates) == 1:
        return Detection(next(iter(candidates)), "letters")
    by_words = _by_words(text, candidates - {"vi"})
    if by_words:
        return Detection(by_words, "words")
    letters = sum(len(t) for t in _TOKENS.findall(text))
    if letters >= MIN_LETTERS_FOR_STATISTICS:
        guess = _by_statistics(text, candidates)
        if guess:
            return Detection(guess, "statistics")
    if hint in candidates or (hint in LANGUAGES and not _CYRILLIC.search(text)):
        return Detection(hint, "hint")
    if letters == 0:
        return Detection(hint if hint in LANGUAGES else None, "hint" if hint in LANGUAGES else "unknown")
    return Detection(next(code for code in preference if code in candidates), "default")
