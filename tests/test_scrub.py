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
