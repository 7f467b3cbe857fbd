"""Remove personal data from text before anything is stored.

`find_personal_data` returns the spans of personal data in a text; `scrub` replaces each span with a
readable placeholder: `[phone]`, `[email]`, `[iban]`, `[account]`, `[card]`, `[id]` (PESEL, rodné číslo,
RNOKPP/ІПН, passport, ID-card and residence-card numbers), `[address]` (street and house number of a
home address), `[birth-date]`, `[case-number]`, `[username]`, and `[number]` (any other run of 9 or
more digits). Ordinary numbers people write in questions (fees like "440 zł", dates, times, years,
office or room numbers, legal references, emergency and toll-free numbers) are left alone. The rules,
and the labelled sets that measure them, are described in docs/privacy-scrubber.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# --- building blocks -------------------------------------------------------------------------------
_SP = "[ \u00a0\u202f]"
_UPPER = "A-ZÀ-ÖØ-ÞĄĆČĎĘĚŁŃŇŘŚŠŤŮŹŻŽА-ЯЁІЇЄҐ"
_CAP = rf"[{_UPPER}][^\W\d_]*(?:[-'’][^\W\d_]+)*\.?"  # a capitalised word (street or city name)
_WORD = r"[^\W\d_]+(?:[-'’][^\W\d_]+)*\.?"
_TITLE = r"(?:(?:gen|św|sw|ks|kard|bp|prof|dr|kpt|płk|plk|marsz|sv|ген|акад|гетьмана)\.?\s+)"

# --- e-mail, usernames -----------------------------------------------------------------------------
_LOCAL_FIRST = r"[\w!#$%&*+=?^`{|}~-]"
_EMAIL = re.compile(  # the local part is at most 64 characters (RFC 5321): linear time on long runs
    rf"(?<!{_LOCAL_FIRST}){_LOCAL_FIRST}[\w.!#$%&'*+=?^`{{|}}~-]{{0,63}}@[\w-]+(?:\.[\w-]+)+")
_EMAIL_SPELLED = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}\s?[(\[{]\s?(?:at|małpa|malpa|zavináč|собака)\s?[)\]}]\s?[\w-]+"
    r"(?:(?:\.|\s?[(\[{]\s?(?:dot|kropka|tečka|крапка|точка)\s?[)\]}]\s?)[\w-]+)+", re.I)
_USERNAME = re.compile(r"(?<![\w@.])@[A-Za-z]\w{4,31}(?![\w@]|\.\w)")

# --- bank accounts, cards, documents ---------------------------------------------------------------
_IBAN = re.compile(r"(?<!\w)(?i:[a-z]{2})[ ]?\d{2}[ -]?(?:[A-Z]{4}|\d)(?:[ -]?\d){10,30}(?!\w)")
_CZ_ACCOUNT = re.compile(r"(?<![\w/-])(?:\d{1,6}-)?\d{2,10}/\d{4}(?![\w/])")
_CZ_BANK_CODES = frozenset(
    "0100 0300 0600 0710 0800 2010 2020 2060 2070 2100 2200 2220 2250 2260 2275 2600 2700 3030 3050 "
    "3060 3500 4000 4300 5500 5800 6000 6100 6200 6210 6300 6363 6700 6800 7910 7950 7960 7970 7990 "
    "8030 8040 8060 8090 8150 8190 8198 8220 8250 8255 8265 8280 8293 8299 8500".split())
_BIRTH_NUMBER = re.compile(r"(?<![\w/])(\d{6})\s?/\s?(\d{3,4})(?![\w/])")
_DOCUMENT = re.compile(
    r"(?<!\w)(?:(?P<lat>[A-Z]{2,3})\s?(?:№\s?|No\.?\s?|nr\.?\s?)?\d{6,7}"
    r"|(?P<cyr>[А-ЯЁІЇЄҐ]{2})\s?(?:№\s?)?\d{6}"
    r"|(?i:[a-z]{2}\d{6,7}|[a-z]{3}\d{6}|[а-яіїєґё]{2}\d{6}))(?!\w)")
_NOT_DOCUMENT_LETTERS = frozenset(
    "NR NO ID OP PLN EUR CZK USD UAH GBP CHF RUB PIT VAT ZUS KRS NIP POZ ART UST DZ ISO EN PN CSN ČSN"
    .split())
_UNZR = re.compile(r"(?<![\w-])(?:19|20)\d{6}-\d{5}(?![\w-])")  # Ukrainian ID-card record number

# --- numbers: one cluster of digit groups, classified by length and context ----------------------
_PAREN = r"\(\+?\d{1,5}\)"
_GROUP_SEP = rf"(?:{_SP}?-{_SP}?|{_SP})"
_CLUSTER = re.compile(
    rf"(?<![\w+])(?:\+{_SP}?)?(?:{_PAREN}{_SP}?-?{_SP}?)?\d+"
    rf"(?:{_GROUP_SEP}(?:{_PAREN}{_SP}?-?{_SP}?)?\d+|{_SP}?-?{_SP}?{_PAREN}{_SP}?-?{_SP}?\d+)*"
    r"(?![.,]\d{1,2}(?!\d))(?!\w)")
_DOTTED_PHONE = re.compile(r"(?<![\w.])\d{3}\.\d{3}\.\d{3}(?![\w]|\.\d)")
_NOT_A_CLUSTER = re.compile(  # dates and year ranges written with dashes; masked before clustering
    r"(?<!\d)(?:(?:19|20)\d{2}-[01]?\d-[0-3]?\d|[0-3]?\d-[01]?\d-(?:19|20)\d{2}"
    r"|(?:19|20)\d{2}\s?[-–]\s?(?:19|20)\d{2})(?!\d)")
_AMOUNT_AFTER = re.compile(
    r"[ \u00a0]?(?:zł|zl|pln|złot\w*|zlot\w*|kč|kc|czk|korun\w*|eur|euro|€|usd|\$|£|gbp|uah|грн|грив\w*|₴"
    r"|руб\w*|₽|tys|mln|mld|тис|тыс|млн|osób|osob|lidí|people|людей)(?![^\W\d_])", re.I)
_AMOUNT_BEFORE = re.compile(r"(?:€|\$|£|₴|₽|pln|eur|czk|uah|usd|kč)[ \u00a0]?$", re.I)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_DIGIT = re.compile(r"\d")
_NON_DIGIT = re.compile(r"\D")

# --- cue words: lowercase, ";"-separated; each list is also a cheap gate on the lowercased text ----
def _any(words: str) -> str:
    """A non-capturing alternation of the ";"-separated regex words (surrounding whitespace ignored)."""
    return "(?:" + "|".join(w.strip() for w in words.split(";") if w.strip()) + ")"


_PHONE_WORDS = _any(r"""
    tel\w*; phone; mobile?; mob; cell; komórk\w*; komork\w*; numer telefonu; nr tel\w*; mój numer;
    moj numer; zadzwo\w*; dzwoń\w*; dzwon\w*; oddzwo\w*; číslo; cislo; volejte; zavolejte; mobil\w*;
    тел\w*; номер\w*; моб\w*; дзвон\w*; звон\w*; передзвон\w*; перезвон\w*; viber; whatsapp; вайбер;
    вотсап; sđt; số điện thoại; điện thoại; هاتف\w*; رقم\w*; جوال\w*; اتصل\w*""")
_ID_WORDS = _any(r"""
    pas; pasu; pasem; paszport\w*; passport\w*; dow[oó]d\w*; pr[uů]kaz\w*; doklad\w*; dokument\w*;
    document\w*; karta pobytu; karty pobytu; kartę pobytu; kartu pobytu; residence (?:card|permit); id-?card;
    паспорт\w*; посвідк\w*; id-?картк\w*; карт\w* побиту; вид\w* на жительство; документ\w*; seri[aię];
    сері[яї]; серия; серии; wiz[aęy]; víz[aeu]m?; віз[аи]; виз[аы]; pesel\w*; іпн; инн; рнокпп; nip;
    rodn\w+ čísl\w*; rodne cislo; pojištěnc\w*; ubezpieczeni\w*; insurance number; tax (?:id|number);
    податков\w*; налогов\w*; hộ chiếu; جواز السفر; جواز""")
_CASE_WORDS = _any(r"""
    sygn(?:atur\w*|\.)(?:\s+akt)?; znak sprawy; numer sprawy; nr sprawy; sprawa nr; sprawy nr; č\.\s?j\.;
    čj\.; číslo jednací; spisov\w+ značk\w+; sp\.\s?zn\.; číslo řízení; номер справи; справа №; номер дела;
    дело №; case (?:number|no\.?|reference); reference number""")
_BIRTH_WORDS = _any(r"""
    urodzon\w*; urodził\w*(?:\s+się)?; ur\.; data urodzenia; daty urodzenia; data ur\.; narodil\w*(?:\s+se)?;
    narozen\w*; nar\.; datum narození; народи\w*; народж\w*; д\.\s?н\.; родил\w*; рожден\w*; рождения;
    д\.\s?р\.; born; date of birth; birth ?date; dob; d\.o\.b\.; sinh ngày; ngày sinh; تاريخ الميلاد; مواليد;
    ولدت""")
_ADDRESS_WORDS = _any(r"""
    mieszka\w*; zamieszka\w*; zameldow\w*; meldunek; mój adres; moj adres; adres zamieszkania;
    adres do korespondencji; adres:; wynajmuj\w*; bydlím; bydlíme; bydlí; bydlet; bydliště; bydlišti;
    trval\w* pobyt\w*; přechodn\w* pobyt\w*; moje adresa; adresa bydliště; adresa:; adresa je; ubytovan\w*;
    живу; живемо; живе; живём; живем; живет; проживаю; проживаємо; проживає; проживаем; мешкаю; мешкаємо;
    зареєстрован\w*; прописан\w*; прописк\w*; зарегистрирован\w*; моя адреса; мій адрес; мой адрес;
    адреса проживання; адрес проживания; адреса реєстрації; адреса:; адрес:; i live; we live; lives? at;
    living at; my address; home address; address:; address is; registered at; staying at; reside\w*;
    tôi sống; sống ở; địa chỉ; أسكن; اسكن; عنواني; العنوان; أعيش; اعيش""")
_FLAT_WORDS = _any(r"""
    m\.?; lok\.?; lokal; mieszk\.?; mieszkania; apt\.?; apartment; flat; byt(?:\s?č\.)?; кв\.?; квартира;
    квартиры; квартири; kv\.?""")
_GAP_WORDS = _any(r"""
    w; we; na; przy; pod; v; ve; u; у; в; во; на; за; по; при; at; in; on; the; ở; tại; في; mam; mám; маю;
    имею; adres\w*; адрес\w*; mieście; městě; місті; городе; city; town; obci; gminie; село; селі; м\.;
    г\.""")


def _starts(words: str) -> re.Pattern[str]:
    """Where one of the (lowercase) `words` starts in lowercased text: the fast first step of a cue rule."""
    return re.compile(rf"(?<!\w){words}")


_PHONE_CUE_LOW = re.compile(rf"(?<!\w){_PHONE_WORDS}(?!\w)")
_ID_CUE_LOW = re.compile(rf"(?<!\w){_ID_WORDS}(?!\w)")
_ID_CAPS = re.compile(r"(?<!\w)(?:ID|OP)(?!\w)")  # as words, only in capitals
_ID_STARTS = _starts(_any(f"{_ID_WORDS}; id; op"))
_ID_AFTER_CUE = re.compile(  # a document number (with a 1-3 letter series or none) right after the cue
    rf"(?<!\w)(?:(?i:{_ID_WORDS})|ID|OP)(?!\w)[\s:#.-]*(?:(?i:nr|no|číslo|номер|№|số)\.?\s*)?"
    r"(?P<token>[A-Z]{1,3}\s?\d{6,10})(?!\w)")

# --- case numbers -----------------------------------------------------------------------------------
_CASE_STARTS = _starts(_CASE_WORDS)
_CASE = re.compile(rf"(?<!\w)(?i:{_CASE_WORDS})[\s:№#]*(?:nr\.?\s*|č\.\s*)?(?P<token>[\w][\w./-]{{3,40}})")
# Czech OAM file number, Polish office file sign, Polish court file number ("IV SA/Kr 123/25")
_CASE_STANDALONE = re.compile(
    r"(?<![\w-])(?:OAM-\d{1,7}-\d{1,3}/[A-Z]{2,3}-\d{4}|[A-Z]{2,5}(?:-[IVX]{1,4})?\.\d{4}\.\d{1,7}\.\d{4}"
    r"|[IVX]{1,4}\s[A-Z][A-Za-z]{0,3}(?:/[A-Z][a-z]{0,3})?\s\d{1,6}/\d{2,4})(?!\w)")

# --- dates of birth (only right after a birth word; a year alone stays) ----------------------------
_MONTH_WORD = r"[^\W\d_]{3,12}\.?"
_DATE = (rf"\d{{4}}[./-]\d{{1,2}}[./-]\d{{1,2}}|\d{{1,2}}\s?[./-]\s?\d{{1,2}}\s?[./-]\s?\d{{2,4}}"
         rf"|\d{{1,2}}\s+tháng\s+\d{{1,2}}(?:,?\s+năm)?\s+\d{{4}}"
         rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?{_MONTH_WORD},?\s+\d{{4}}"
         rf"|{_MONTH_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}")
_BIRTH_STARTS = _starts(_BIRTH_WORDS)
_BIRTH_DATE = re.compile(
    rf"(?<!\w)(?i:{_BIRTH_WORDS})[\s:,-]*(?:(?i:dnia|w dniu|dne|on|the|в|у|ngày|am)\s+)?"
    rf"(?P<date>{_DATE})(?!\d)")

# --- home addresses (street + house number, only with a residence cue or a flat number) ---------
_ADDRESS_STARTS = _starts(_ADDRESS_WORDS)
_FLAT_GATE = re.compile(rf"(?<!\w){_FLAT_WORDS}\s*\d")
_GAP_WORD = rf"(?:(?i:{_GAP_WORDS})|{_CAP})"  # between the cue and the street: prepositions, a city
_STREET_WORDS = (
    r"(?:(?:ul|al|os|pl|nám|tř|вул|просп|пров|бульв?|пл|ул|пер|пр)\.|(?:ulica|ulicy|ulicę|ulice|ulici|ul"
    r"|aleja|alei|aleje|osiedle|osiedlu|plac|placu|náměstí|třída|třídě|вулиця|вулиці|вулицю|вул|проспект\w*"
    r"|пр-т|провулок|бульвар\w*|площа|улица|улице|ул|переулок)(?=\s))")
_STREET_PREFIX = f"(?i:{_STREET_WORDS})"
_STREET_STARTS = re.compile(rf"(?<![\w.]){_STREET_WORDS}")
_HOUSE = (r",?\s*(?i:nr\.?|č\.\s?p\.|č\.|буд\.?|д\.|дом|№)?\s*\d{1,4}(?:[a-zA-Zа-яА-Я](?!\w))?"
          r"(?:\s?/\s?\d{1,4}(?:[a-zA-Z](?!\w))?)?")
_FLAT = rf"\s*,?\s*(?i:{_FLAT_WORDS})\s*\d{{1,4}}[a-zA-Z]?(?!\w)"
_POSTAL = rf"\s*,?\s*(?:\d{{2}}-\d{{3}}|\d{{3}}\s?\d{{2}}|\d{{5}})\s+{_CAP}(?:\s+{_CAP})?"
_ADDRESS_END = (r"(?=\s*(?:$|[,.;:)!?\"'»]|[-–—]|(?i:i|a|and|und|и|і|та|w|we|v|ve|в|у|in|at|od|от|від|z|ze"
                r"|з|с|since|but|ale|але|но|а|from|do|to|until)(?!\w)))")
_NUMBERED = r"(?:\d{1,2}\.?\s+)?"  # "3 Maja", "28. října"
_PREFIXED = rf"(?<![\w.]){_STREET_PREFIX}\s*{_TITLE}?{_NUMBERED}{_WORD}(?:\s+(?:{_WORD}|[IVX]+)){{0,3}}?"
_PLAIN = rf"{_TITLE}?{_NUMBERED}{_CAP}(?:\s+(?:{_CAP}|[IVX]+)){{0,3}}?"
_ENGLISH = (rf"(?:(?i:flat|apt\.?|apartment)\s*\d{{1,4}}[a-z]?,?\s*)?\d{{1,4}}[a-zA-Z]?\s+"
            rf"{_CAP}(?:\s+{_CAP}){{0,3}}?\s+(?i:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Way"
            r"|Place|Court|Square|Terrace|Gardens|Crescent)\b\.?")
_ADDRESS_AFTER_CUE = re.compile(
    rf"(?<!\w)(?i:{_ADDRESS_WORDS})(?:\s*[,:–-]?\s*{_GAP_WORD}){{0,6}}?\s*[,:–-]?\s*"
    rf"(?P<addr>(?:{_PREFIXED}|{_PLAIN}){_HOUSE}(?:{_FLAT})?(?:{_POSTAL})?{_ADDRESS_END}|{_ENGLISH}(?:{_POSTAL})?)")
_ADDRESS_WITH_FLAT = re.compile(rf"{_PREFIXED}{_HOUSE}{_FLAT}(?:{_POSTAL})?")


@dataclass(frozen=True, slots=True)
class Finding:
    """One span of personal data: `text[start:end]` is replaced by `[kind]`."""

    start: int
    end: int
    kind: str


# --- checks -----------------------------------------------------------------------------------------
def _digits(text: str) -> str:
    """The decimal digits of `text` as ASCII (Arabic-Indic and other digits included)."""
    digits = _NON_DIGIT.sub("", text)
    return digits if digits.isascii() else "".join(str(int(c)) for c in digits)


def _pesel_valid(digits: str) -> bool:
    """True when the 11 digits carry a valid PESEL check digit."""
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    total = sum(int(d) * w for d, w in zip(digits[:10], weights, strict=True))
    return (10 - total % 10) % 10 == int(digits[10])


def _luhn_valid(digits: str) -> bool:
    """True when the digits pass the Luhn check of payment card numbers."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _birth_number_date(head: str) -> bool:
    """True when the six digits read as a Czech birth-number date (YYMMDD, month +20/+50/+70)."""
    month, day = int(head[2:4]) % 50, int(head[4:6])
    return 1 <= day <= 31 and (1 <= month <= 12 or 21 <= month <= 32)


def _czech_account(text: str) -> bool:
    """True for a Czech domestic account number: [prefix-]number/bank code with a known bank code."""
    body, code = text.rsplit("/", 1)
    return code in _CZ_BANK_CODES and ("-" in body or len(body) >= 6)


def _toll_free(digits: str, international: bool) -> bool:
    """True for Polish/Czech 800 and 801 and Ukrainian 0 800 service numbers, never a person's."""
    national = digits
    if international:
        national = digits[2:] if digits.startswith("00") else digits
        for code in ("48", "420", "380"):
            if national.startswith(code):
                national = national[len(code):]
                break
    return ((len(national) == 9 and national.startswith(("800", "801")))
            or (len(national) == 10 and national.startswith("0800")))


def _cue_before(text: str, start: int) -> str | None:
    """'phone' or 'id' when a cue word stands shortly before `start` with no digit in between."""
    window = re.split(r"\d", text[max(0, start - 40):start])[-1][-32:]
    low = window.lower()
    best: tuple[int, str] | None = None
    cues = (("phone", _PHONE_CUE_LOW, low), ("id", _ID_CUE_LOW, low), ("id", _ID_CAPS, window))
    for kind, cue, where in cues:
        for m in cue.finditer(where):  # on a tie the document cue wins
            if best is None or m.end() >= best[0]:
                best = (m.end(), kind)
    return best[1] if best else None


def _number_kind(text: str, match: re.Match[str]) -> str | None:
    """The placeholder for one cluster of digit groups, or None when it is an ordinary number."""
    raw = match.group(0)
    if len(raw) < 6:
        return None
    digits = _digits(raw)
    n = len(digits)
    international = (raw.startswith(("+", "(+")) or (digits.startswith("00") and n >= 11)
                     or text.endswith(("wa.me/", "t.me/"), 0, match.start()))
    if n < 6 or _toll_free(digits, international):
        return None
    if international and n >= 8:
        return "phone"
    before = text[max(0, match.start() - 5):match.start()]
    if _AMOUNT_AFTER.match(text, match.end()) or _AMOUNT_BEFORE.search(before):
        return None
    groups = re.findall(r"\d+", raw)
    if len(groups) > 1 and all(len(g) == 4 and _YEAR.fullmatch(g) for g in groups):
        return None
    cue = _cue_before(text, match.start())
    if n < 9:  # personal only right after a cue word: a Czech passport, a local phone number
        return "id" if cue == "id" else "phone" if cue == "phone" and n >= 7 else None
    if n == 26:
        return "iban"  # a Polish account number (NRB) without the country code
    if 13 <= n <= 19 and _luhn_valid(digits):
        return "card"
    if cue:
        return cue
    grouped = len(groups) > 1
    if n == 11 and digits.startswith("48") and len(groups) >= 3:
        return "phone"
    if n == 11 and "(" not in raw and _pesel_valid(digits):
        return "id"
    if ("(" in raw or (n == 9 and grouped) or (n == 10 and digits[0] == "0")
            or (n == 11 and digits[0] in "78") or (n == 12 and digits.startswith(("380", "420", "48")))):
        return "phone"
    return "id" if n in (10, 11) else "number"


# --- detection --------------------------------------------------------------------------------------
def _anchored(pattern: re.Pattern[str], text: str, low: str,
              starts: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """Matches of `pattern` tried only where `starts` finds a cue word in the lowercased text.

    The full patterns are case-insensitive alternations, slow to scan with; their cue words are rare.
    When lowercasing changed the length (offsets differ), scan the whole text instead.
    """
    if len(low) != len(text):
        yield from pattern.finditer(text)
        return
    pos = 0
    while cue := starts.search(low, pos):
        m = pattern.match(text, cue.start())
        if m:
            yield m
        pos = m.end() if m else cue.start() + 1  # cue words overlap: "my address is"


def _find_all(text: str) -> list[Finding]:
    """Every span any rule finds, overlapping and unsorted."""
    found: list[Finding] = []

    def add(kind: str, matches: Iterable[re.Match[str]], group: str | int = 0) -> None:
        found.extend(Finding(m.start(group), m.end(group), kind) for m in matches)

    if "@" in text:
        add("email", _EMAIL.finditer(text))
        add("username", (m for m in _USERNAME.finditer(text) if not m.group(0).lower().endswith("bot")))
    if "(" in text or "[" in text or "{" in text:
        add("email", _EMAIL_SPELLED.finditer(text))
    digit_count = len(_DIGIT.findall(text))
    if not digit_count:  # everything below needs digits: a house number, a date, an id
        return found
    low = text.lower()
    add("birth-date", _anchored(_BIRTH_DATE, text, low, _BIRTH_STARTS), "date")
    add("address", _anchored(_ADDRESS_AFTER_CUE, text, low, _ADDRESS_STARTS), "addr")
    if _FLAT_GATE.search(low):
        add("address", _anchored(_ADDRESS_WITH_FLAT, text, low, _STREET_STARTS))
    if digit_count < 3:
        return found
    for m in _anchored(_CASE, text, low, _CASE_STARTS):
        token = m.group("token").rstrip(".-/")
        if sum(c.isdigit() for c in token) >= 3:
            found.append(Finding(m.start("token"), m.start("token") + len(token), "case-number"))
    add("case-number", _CASE_STANDALONE.finditer(text))
    if digit_count < 6:  # ids, accounts, cards and phones have more digits
        return found
    add("iban", (m for m in _IBAN.finditer(text) if sum(c.isdigit() for c in m.group(0)) >= 12))
    if "/" in text:
        add("id", (m for m in _BIRTH_NUMBER.finditer(text) if _birth_number_date(m.group(1))))
        add("account", (m for m in _CZ_ACCOUNT.finditer(text) if _czech_account(m.group(0))))
    add("id", (m for m in _DOCUMENT.finditer(text)
               if (m.group("lat") or m.group("cyr")) not in _NOT_DOCUMENT_LETTERS))
    add("id", _UNZR.finditer(text))
    add("id", _anchored(_ID_AFTER_CUE, text, low, _ID_STARTS), "token")
    masked = _NOT_A_CLUSTER.sub(lambda m: "x" * len(m.group(0)), text)
    for m in _CLUSTER.finditer(masked):
        kind = _number_kind(masked, m)
        if kind:
            found.append(Finding(m.start(), m.end(), kind))
    add("phone", (m for m in _DOTTED_PHONE.finditer(text) if not _AMOUNT_AFTER.match(text, m.end())))
    return found


def find_personal_data(text: str) -> list[Finding]:
    """The spans of personal data in `text`, sorted and merged (overlaps take the longer span's kind)."""
    if not text:
        return []
    merged: list[Finding] = []
    for f in sorted(_find_all(text), key=lambda f: (f.start, -f.end)):
        if merged and f.start < merged[-1].end:
            last = merged[-1]
            kind = last.kind if last.end - last.start >= f.end - f.start else f.kind
            merged[-1] = Finding(last.start, max(last.end, f.end), kind)
        else:
            merged.append(f)
    return merged


def scrub(text: str) -> str:
    """`text` with personal data replaced by placeholders such as `[phone]`."""
    if not text:
        return text
    out, pos = [], 0
    for f in find_personal_data(text):
        out += [text[pos:f.start], f"[{f.kind}]"]
        pos = f.end
    return "".join(out) + text[pos:] if out else text


def has_personal_data(text: str) -> bool:
    """True when `scrub` would change the text."""
    return bool(find_personal_data(text))
