"""Personal data never reaches the store; ordinary numbers survive."""

import pytest

from signals.scrub import scrub

PERSONAL = [
    ("my pesel 90010112345", "90010112345"), ("phone +48 600 123 456", "600 123 456"),
    ("zadzwoń 600-123-456", "600-123-456"), ("mail jan.kowalski@gmail.com", "jan.kowalski"),
    ("konto PL61 1090 1014 0000 0712 1981 2874", "1090 1014"), ("61109010140000071219812874", "6110901014"),
    ("rodné číslo 905101/1234", "905101"), ("passport FX1234567", "FX1234567"),
    ("паспорт ЕК 123456", "123456"), ("tel. 12 345 67 89", "345 67 89"), ("+420 777 123 456", "777 123"),
    ("+380 67 123 4567", "123 4567"), ("my number 0677123456", "0677123456"),
    ("ID card 123456789", "123456789"),
]
ORDINARY = ["ile kosztuje 440 zł", "opłata 100 zł za kartę", "termin 12.03.2025", "pokój 12, okienko 5",
            "800+ na dziecko", "w 2026 roku", "ul. Przy Rondzie 6, 31-547 Kraków", "call 112 or 997",
            "ustawa z 12 marca 2022, art. 42", "do 100000 zł rocznie", "PIT-37 za 2025"]


@pytest.mark.parametrize(("text", "secret"), PERSONAL)
def test_removes_personal_data(text: str, secret: str) -> None:
    assert secret not in scrub(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_keeps_ordinary_numbers(text: str) -> None:
    assert scrub(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("mój numer +48 600 123 456, dzięki", "mój numer [phone], dzięki"),
    ("PESEL 90010112345", "PESEL [id]"),
    ("паспорт КВ 123456", "паспорт [id]"),
    ("IBAN CZ65 0800 0000 1920 0014 5399", "IBAN [iban]"),
    ("číslo účtu 19-2000145399/0800", "číslo účtu [account]"),
    ("karta 4111 1111 1111 1111", "karta [card]"),
    ("pište na petr.novak@seznam.cz", "pište na [email]"),
    ("mieszkam na ul. Długiej 5/12, 31-147 Kraków", "mieszkam na [address]"),
    ("народився 12 березня 1990 року", "народився [birth-date] року"),
    ("č.j. OAM-12345-10/PP-2024", "č.j. [case-number]"),
    ("napisz do @ivan_petrenko", "napisz do [username]"),
])
def test_placeholders_name_what_was_removed(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize("text", [
    "infolinia NFZ 800 190 590", "гаряча лінія 0 800 500 225", "záchranka 155, policie 158", "116 111",
    "urząd na ul. Przy Rondzie 6, 31-547 Kraków", "mieszkam w Polsce 3 lata", "dzieci urodzone do 31.12.2025",
    "limit 100 000 000 zł", "napisz do @InfopointKrakowBot",
])
def test_public_numbers_and_office_addresses_stay(text: str) -> None:
    assert scrub(text) == text
