"""Remove personal data from text before anything is stored.

Replaces e-mail addresses, IBANs, payment card numbers, PESEL numbers, Czech birth numbers
(rodné číslo), passport and ID-card numbers, and phone numbers with placeholders such as
`[phone]`. Ordinary numbers people write in questions (fees like "440 zł", years, dates, office
or room numbers, "800+") are left alone.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){3,7}(?:[ -]?[A-Z0-9]{1,3})?\b", re.I)
_IBAN_PL_BARE = re.compile(r"(?<!\d)\d{2}(?:[ -]?\d{4}){6}(?!\d)")  # Polish account number (NRB)
_CARD = re.compile(r"(?<!\d)\d{4}(?:[ -]?\d{4}){3}(?!\d)")
_PESEL = re.compile(r"(?<!\d)\d{11}(?!\d)")
_BIRTH_NUMBER = re.compile(r"(?<!\d)\d{2}[0-7]\d[0-3]\d\s?/\s?\d{3,4}(?!\d)")
_BIRTH_NUMBER_BARE = re.compile(r"(?<!\d)\d{2}[0-7]\d[0-3]\d\d{3,4}(?!\d)")
_PASSPORT = re.compile(r"(?<![\w])(?:[A-ZА-ЯІЇЄҐ]{2}\s?\d{6,7}|[A-Z]{3}\s?\d{6}|\d{9})(?![\w])")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)\s?\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}(?!\d)"
    r"|(?<![\w+])\(?0?\d{2,3}\)?[\s.-]\d{3}[\s.-]\d{2,3}[\s.-]?\d{0,3}(?!\d)"
    r"|(?<![\w+])\d{3}[\s.-]\d{3}[\s.-]\d{3}(?!\d)"
    r"|(?<![\w+])0\d{9}(?!\d)"
)
_YEARISH = re.compile(r"^(?:19|20)\d{2}$")


def _pesel_valid(digits: str) -> bool:
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    total = sum(int(d) * w for d, w in zip(digits[:10], weights, strict=True))
    return (10 - total % 10) % 10 == int(digits[10])


def _sub_pesel(match: re.Match[str]) -> str:
    digits = match.group(0)
    # Any 11-digit run is personal in a chat question; a valid checksum is just extra certainty.
    return "[pesel]" if _pesel_valid(digits) or not digits.startswith("0000") else digits


def _sub_phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if len(digits) < 9:
        return text
    return "[phone]"


def _sub_passport(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.isdigit():  # nine bare digits: a phone or a passport, both personal
        return "[number]"
    return "[document-number]"


def scrub(text: str) -> str:
    """`text` with personal data replaced by placeholders."""
    if not text:
        return text
    out = _EMAIL.sub("[email]", text)
    out = _IBAN.sub(lambda m: "[iban]" if sum(c.isdigit() for c in m.group(0)) >= 12 else m.group(0), out)
    out = _IBAN_PL_BARE.sub("[iban]", out)
    out = _CARD.sub("[card]", out)
    out = _PESEL.sub(_sub_pesel, out)
    out = _BIRTH_NUMBER.sub("[birth-number]", out)
    out = _BIRTH_NUMBER_BARE.sub(
        lambda m: "[birth-number]" if len(m.group(0)) == 10 and int(m.group(0)) % 11 == 0
        else m.group(0), out)
    out = _PHONE.sub(_sub_phone, out)
    out = _PASSPORT.sub(_sub_passport, out)
    return out


def has_personal_data(text: str) -> bool:
    """True when `scrub` would change the text."""
    return scrub(text) != text
