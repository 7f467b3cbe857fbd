"""Write the labelled PII sets: with_pii.yaml and without_pii.yaml (plain YAML, committed).

Run: `.venv/bin/python tests/data/pii/generate_sets.py`. The values are generated with their real
check digits (PESEL, rodné číslo, RNOKPP, IBAN, card Luhn) from a fixed seed, so the output is stable.
The sentences are written by hand: how people type to a bot, in Polish, Czech, Ukrainian, Russian,
English, and a few in Vietnamese and Arabic. Each string of with_pii.yaml lists the values that must
disappear (`remove`: kind and exact substring); without_pii.yaml holds strings that must come out
unchanged. Edit the lists here and rerun rather than editing the YAML by hand.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import yaml

HERE = Path(__file__).parent
rng = random.Random(20260604)


# --- values with real check digits -----------------------------------------------------------------
def birth_date(lo: int = 1955, hi: int = 2012) -> date:
    """A random date of birth between the years `lo` and `hi`."""
    return date(lo, 1, 1) + timedelta(days=rng.randrange((date(hi, 12, 31) - date(lo, 1, 1)).days))


def pesel(born: date | None = None) -> str:
    """A PESEL with a valid checksum (months +20 for the 2000s)."""
    born = born or birth_date()
    month = born.month + (20 if born.year >= 2000 else 0)
    head = f"{born.year % 100:02d}{month:02d}{born.day:02d}{rng.randrange(10000):04d}"
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    check = (10 - sum(int(d) * w for d, w in zip(head, weights, strict=True)) % 10) % 10
    return head + str(check)


def rodne_cislo(female: bool = False, slash: bool = True, born: date | None = None) -> str:
    """A Czech birth number: YYMMDD/XXXX divisible by 11 (born 1954+), or YYMMDD/XXX (before 1954)."""
    born = born or birth_date()
    month = born.month + (50 if female else 0)
    head = f"{born.year % 100:02d}{month:02d}{born.day:02d}"
    if born.year < 1954:
        tail = f"{rng.randrange(1000):03d}"
    else:
        while True:
            nine = head + f"{rng.randrange(1000):03d}"
            check = int(nine) % 11
            if check != 10:
                tail = nine[6:] + str(check)
                break
    return f"{head}/{tail}" if slash else head + tail


def rnokpp(born: date | None = None) -> str:
    """A Ukrainian taxpayer number (RNOKPP/ІПН): days since 1899-12-31, serial, check digit."""
    born = born or birth_date()
    head = f"{(born - date(1899, 12, 31)).days:05d}{rng.randrange(10000):04d}"
    weights = (-1, 5, 7, 9, 4, 6, 10, 5, 7)
    return head + str(sum(int(d) * w for d, w in zip(head, weights, strict=True)) % 11 % 10)


def luhn_card(prefix: str) -> str:
    """A 16-digit card number starting with `prefix` that passes the Luhn check."""
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(15 - len(prefix)))
    for last in "0123456789":
        digits = body + last
        total = sum(
            int(d) if i % 2 == 0 else (int(d) * 2 - 9 if int(d) > 4 else int(d) * 2)
            for i, d in enumerate(reversed(digits))
        )
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


def iban(country: str, bban: str) -> str:
    """An IBAN with correct check digits for `bban`."""
    rearranged = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{country}{98 - number % 97:02d}{bban}"


def digits(n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


def grouped(value: str, size: int = 4) -> str:
    return " ".join(value[i : i + size] for i in range(0, len(value), size))


def pl_mobile() -> str:
    return rng.choice(
        ["501", "512", "535", "600", "602", "661", "667", "691", "722", "784", "790", "883"]
    ) + digits(6)


def cz_mobile() -> str:
    return rng.choice(
        ["602", "603", "604", "605", "702", "721", "731", "737", "739", "774", "777", "792"]
    ) + digits(6)


def ua_mobile() -> str:
    return rng.choice(["50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"]) + digits(7)


# --- phone formats ---------------------------------------------------------------------------------
def pl_phone_formats() -> list[str]:
    a, b, c, d = (pl_mobile() for _ in range(4))
    land = "12" + digits(7)
    return [
        f"+48 {a[:3]} {a[3:6]} {a[6:]}",
        f"+48{b}",
        f"{c[:3]} {c[3:6]} {c[6:]}",
        f"{d[:3]}-{d[3:6]}-{d[6:]}",
        f"0048 {a[:3]} {a[3:6]} {a[6:]}",
        f"+48 {land[:2]} {land[2:5]} {land[5:7]} {land[7:]}",
        f"({land[:2]}) {land[2:5]}-{land[5:7]}-{land[7:]}",
        f"+48-{b[:3]}-{b[3:6]}-{b[6:]}",
        f"{c[:3]}.{c[3:6]}.{c[6:]}",
        f"+48 {d}",
    ]


def cz_phone_formats() -> list[str]:
    a, b, c = (cz_mobile() for _ in range(3))
    land = "54" + digits(7)
    return [
        f"+420 {a[:3]} {a[3:6]} {a[6:]}",
        f"+420{b}",
        f"{c[:3]} {c[3:6]} {c[6:]}",
        f"00420 {a}",
        f"+420 {land[:3]} {land[3:6]} {land[6:]}",
        f"{b[:3]}-{b[3:6]}-{b[6:]}",
    ]


def ua_phone_formats() -> list[str]:
    a, b, c, d = (ua_mobile() for _ in range(4))
    return [
        f"+380 {a[:2]} {a[2:5]} {a[5:7]} {a[7:]}",
        f"+380{b}",
        f"+380 ({c[:2]}) {c[2:5]}-{c[5:7]}-{c[7:]}",
        f"0{d[:2]} {d[2:5]} {d[5:7]} {d[7:]}",
        f"0{a[:2]}-{a[2:5]}-{a[5:7]}-{a[7:]}",
        f"0{b}",
        f"(0{c[:2]}) {c[2:5]} {c[5:7]} {c[7:]}",
        f"380{d}",
        f"+380 {a[:2]} {a[2:5]} {a[5:]}",
        f"+38 0{b[:2]} {b[2:5]} {b[5:7]} {b[7:]}",
    ]


PHONE_TEMPLATES = {
    "pl": [
        "mój numer to {v}, proszę o kontakt",
        "zadzwońcie do mnie {v}",
        "tel {v} – czy ktoś oddzwoni?",
        "Dzień dobry, podaję telefon: {v}",
        "kontakt do mnie {v} (WhatsApp)",
        "mój tel. {v} po 16:00",
        "numer telefonu {v}, chodzi o kartę pobytu",
        "proszę o sms na {v}",
    ],
    "cs": [
        "moje číslo je {v}",
        "zavolejte mi prosím na {v}",
        "tel. {v}, jde o prodloužení víza",
        "můžete mi napsat SMS na {v}?",
        "kontakt: {v}",
    ],
    "uk": [
        "мій номер {v}, передзвоніть будь ласка",
        "телефон {v} вайбер",
        "можна дзвонити на {v} після 18:00",
        "ось мій телефон {v} якщо щось",
        "напишіть мені у вайбер {v}",
        "номер чоловіка {v}",
    ],
    "ru": [
        "мой телефон {v}",
        "позвоните мне {v}, пожалуйста",
        "мой номер {v} (телеграм)",
        "перезвоните на {v} по поводу карты побыту",
    ],
    "en": [
        "my phone is {v}",
        "call me on {v} please",
        "WhatsApp {v} – I need help with the residence card",
        "you can reach me at {v}",
    ],
    "vi": ["số điện thoại của tôi là {v}", "gọi cho tôi {v} nhé"],
    "ar": ["رقم هاتفي {v}", "اتصل بي على {v} من فضلك"],
}


def phone_items() -> list[dict]:
    items = []
    plan = [
        ("pl", pl_phone_formats()),
        ("pl", pl_phone_formats()),
        ("cs", cz_phone_formats()),
        ("cs", cz_phone_formats()),
        ("uk", ua_phone_formats()),
        ("uk", ua_phone_formats()),
    ]
    for lang, values in plan:
        for v in values:
            items.append(item(lang, rng.choice(PHONE_TEMPLATES[lang]), v, "phone"))
    # Russian-speaking users with Polish/Ukrainian numbers, a Russian number, a German one
    ru_values = [
        f"+7 912 {digits(3)}-{digits(2)}-{digits(2)}",
        f"8 (916) {digits(3)}-{digits(2)}-{digits(2)}",
        ua_phone_formats()[0],
        pl_phone_formats()[2],
        f"+49 151 {digits(8)}",
        cz_phone_formats()[0],
    ]
    items += [item("ru", rng.choice(PHONE_TEMPLATES["ru"]), v, "phone") for v in ru_values]
    en_values = [pl_phone_formats()[0], cz_phone_formats()[2], ua_phone_formats()[3], f"+44 7700 {digits(6)}"]
    items += [item("en", rng.choice(PHONE_TEMPLATES["en"]), v, "phone") for v in en_values]
    vi_values = [
        f"+84 912 {digits(3)} {digits(3)}",
        f"0912 {digits(3)} {digits(3)}",
        cz_phone_formats()[0],
        pl_phone_formats()[1],
    ]
    items += [item("vi", rng.choice(PHONE_TEMPLATES["vi"]), v, "phone") for v in vi_values]
    ar_values = [
        f"+963 944 {digits(3)} {digits(3)}",
        f"+20 100 {digits(3)} {digits(4)}",
        pl_phone_formats()[0],
    ]
    items += [item("ar", rng.choice(PHONE_TEMPLATES["ar"]), v, "phone") for v in ar_values]
    eastern = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    items.append(
        item(
            "ar",
            "رقمي {v} واتساب",
            ("+48 " + " ".join([pl_mobile()[i : i + 3] for i in (0, 3, 6)])).translate(eastern),
            "phone",
        )
    )
    items.append(item("ar", "هاتفي {v}", ("0" + ua_mobile()).translate(eastern), "phone"))
    items.append(item("pl", "napiszcie na wa.me/{v}", "48" + pl_mobile(), "phone"))
    items.append(item("uk", "пишіть сюди https://wa.me/{v}", "380" + ua_mobile(), "phone"))
    items.append(item("pl", "tel. kom. {v} wew. brak", f"(+48) {pl_mobile()}", "phone"))
    return items


# --- national ids ------------------------------------------------------------------------------------
def id_items() -> list[dict]:
    items = []
    pesel_templates = [
        ("pl", "mój PESEL {v}, czy mogę sprawdzić status wniosku?"),
        ("pl", "pesel {v} nie działa w systemie"),
        ("pl", "PESEL dziecka: {v}"),
        ("uk", "мій песель {v}, чому не приходить 800+?"),
        ("uk", "PESEL {v} статус UKR"),
        ("ru", "мой песель {v} заблокирован?"),
        ("en", "my PESEL number is {v}"),
        ("pl", "nr PESEL {v} – proszę o pomoc"),
        ("uk", "песель сина {v}"),
        ("cs", "mám polský PESEL {v}, platí v Česku?"),
    ]
    for lang, t in pesel_templates:
        items.append(item(lang, t, pesel(), "pesel"))
    for lang, t in [
        ("pl", "PESEL {v}"),
        ("uk", "мій песель {v}"),
        ("pl", "pesel: {v}"),
        ("en", "PESEL {v} ok?"),
        ("ru", "песель {v}"),
    ]:
        p = pesel()
        spaced = rng.choice(
            [
                f"{p[:6]} {p[6:]}",
                f"{p[:2]} {p[2:4]} {p[4:6]} {p[6:]}",
                f"{p[:3]} {p[3:6]} {p[6:9]} {p[9:]}",
                f"{p[:4]} {p[4:8]} {p[8:]}",
            ]
        )
        items.append(item(lang, t, spaced, "pesel"))
    items.append(item("pl", "{v} to mój pesel", pesel(date(2004, 5, 17)), "pesel"))
    items.append(item("pl", "pesel córki {v} (urodzona w 2015)", pesel(date(2015, 9, 3)), "pesel"))
    rc = [
        ("cs", "rodné číslo {v}", dict()),
        ("cs", "moje rodné číslo je {v}", dict(female=True)),
        ("cs", "RČ: {v}", dict(slash=False)),
        ("cs", "rodné číslo dcery {v}", dict(female=True, slash=False)),
        ("uk", "родне чісло {v}, це правильно?", dict()),
        ("en", "my birth number (rodné číslo) is {v}", dict()),
        ("cs", "r.č. {v}", dict(born=birth_date(1960, 1990))),
        ("cs", "{v} – to je moje RČ", dict()),
        ("ru", "мой rodné číslo {v}", dict(female=True)),
        ("vi", "số rodné číslo của tôi {v}", dict()),
        ("cs", "manžel má RČ {v}", dict(born=date(1951, 4, 12))),
        ("cs", "narozen 1950, RČ {v}", dict(born=date(1950, 2, 3))),
        ("uk", "мій номер rodné číslo {v}", dict(slash=False)),
        ("cs", "rodné číslo {v} nesedí v systému", dict()),
    ]
    for lang, t, kw in rc:
        items.append(item(lang, t, rodne_cislo(**kw), "birth-number"))
    for lang, t in [
        ("uk", "мій ІПН {v}"),
        ("uk", "РНОКПП {v}, як отримати довідку?"),
        ("ru", "ИНН {v}"),
        ("uk", "податковий номер {v}"),
        ("uk", "ідентифікаційний код {v}"),
        ("en", "Ukrainian tax id {v}"),
        ("pl", "ukraiński numer podatkowy {v}"),
        ("uk", "{v} – мій код"),
        ("cs", "ukrajinské DIČ {v}"),
        ("uk", "код дитини {v}"),
    ]:
        items.append(item(lang, t, rnokpp(), "rnokpp"))
    nip = digits(10)
    items.append(
        item("pl", "mój NIP {v} (jednoosobowa firma)", f"{nip[:3]}-{nip[3:6]}-{nip[6:8]}-{nip[8:]}", "nip")
    )
    return items


def document_items() -> list[dict]:
    items = []
    latin = "ABCEFGHKMNPRSTZ"

    def letters(n: int) -> str:
        return "".join(rng.choice(latin) for _ in range(n))

    cyr = ["КВ", "МЕ", "СО", "ТТ", "НК", "АЕ", "ВА", "ЕР"]
    rows = [
        ("pl", "nr paszportu {v}", f"{letters(2)}{digits(7)}", "passport"),
        ("pl", "paszport {v} ważny do 2029", f"{letters(2)} {digits(7)}", "passport"),
        ("en", "passport no. {v}", f"{letters(2)}{digits(7)}", "passport"),
        ("pl", "seria i numer dowodu {v}", f"{letters(3)}{digits(6)}", "id-card"),
        ("pl", "dowód osobisty {v}", f"{letters(3)} {digits(6)}", "id-card"),
        ("pl", "numer dowodu: {v}", f"{letters(3)}{digits(6)}", "id-card"),
        ("pl", "karta pobytu nr {v}", f"RP{digits(7)}", "residence-card"),
        ("uk", "номер карти побиту {v}", f"RC{digits(7)}", "residence-card"),
        ("uk", "паспорт {v}", f"{rng.choice(cyr)} {digits(6)}", "passport"),
        ("uk", "мій паспорт {v} старого зразка", f"{rng.choice(cyr)}{digits(6)}", "passport"),
        ("uk", "серія і номер паспорта {v}", f"{rng.choice(cyr)} №{digits(6)}", "passport"),
        ("ru", "паспорт {v}", f"{rng.choice(cyr)} {digits(6)}", "passport"),
        ("uk", "закордонний паспорт {v}", f"F{rng.choice('AEFGHK')}{digits(6)}", "passport"),
        (
            "uk",
            "біометричний {v}, термін дії закінчується",
            f"F{rng.choice('AEFGHK')}{digits(6)}",
            "passport",
        ),
        ("en", "my Ukrainian passport {v} expired", f"E{rng.choice('AEHK')} {digits(6)}", "passport"),
        ("pl", "paszport ukraiński {v}", f"G{rng.choice('ABC')}{digits(6)}", "passport"),
        ("uk", "ID-картка {v}", f"00{digits(7)}", "id-card"),
        ("uk", "номер id картки {v}", f"00{digits(7)}", "id-card"),
        ("uk", "ID картка №{v}, запис {w}", f"00{digits(7)}", "id-card"),
        ("ru", "ID карта {v}", f"00{digits(7)}", "id-card"),
        ("cs", "číslo pasu {v}", digits(8), "passport"),
        ("cs", "cestovní pas {v}", digits(8), "passport"),
        ("cs", "číslo OP {v}", digits(9), "id-card"),
        ("cs", "občanský průkaz {v}", digits(9), "id-card"),
        ("cs", "průkaz o povolení k pobytu {v}", f"ZR{digits(7)}", "residence-card"),
        ("en", "passport number {v}", digits(8), "passport"),
        ("ru", "паспорт РФ {v}", f"{digits(2)} {digits(2)} {digits(6)}", "passport"),
        ("ru", "белорусский паспорт {v}", f"MP{digits(7)}", "passport"),
        ("vi", "hộ chiếu số {v}", f"C{digits(7)}", "passport"),
        ("ar", "رقم جواز السفر {v}", f"N{digits(8)}", "passport"),
        ("pl", "wiza nr {v}", f"{digits(9)}", "visa"),
        ("cs", "vízum číslo {v}", f"{letters(2)}{digits(7)}", "visa"),
    ]
    for lang, t, v, kind in rows:
        if "{w}" in t:
            w = f"{birth_date(1975, 2005).strftime('%Y%m%d')}-{digits(5)}"
            items.append(
                {
                    "lang": lang,
                    "text": t.format(v=v, w=w),
                    "remove": [{"kind": kind, "value": v}, {"kind": "id-card", "value": w}],
                }
            )
        else:
            items.append(item(lang, t, v, kind))
    return items


# --- bank accounts and cards -----------------------------------------------------------------------
def account_items() -> list[dict]:
    items = []
    for lang, t, country, spaced in [
        ("pl", "mój numer konta {v}", "PL", True),
        ("pl", "przelew na {v}", "PL", False),
        ("uk", "мій рахунок {v}", "PL", True),
        ("en", "my IBAN: {v}", "PL", True),
        ("cs", "číslo účtu {v}", "CZ", True),
        ("cs", "IBAN {v}", "CZ", False),
        ("uk", "рахунок у Чехії {v}", "CZ", True),
        ("uk", "IBAN {v} ПриватБанк", "UA", True),
        ("uk", "мій IBAN {v}", "UA", False),
        ("ru", "мой счёт {v}", "UA", True),
        ("en", "German account {v}", "DE", True),
        ("pl", "konto w Niemczech {v}", "DE", False),
        ("vi", "số tài khoản {v}", "CZ", True),
        ("ar", "رقم الحساب {v}", "PL", True),
        ("pl", "nr rachunku {v} (mBank)", "PL", True),
        ("cs", "účet {v}", "CZ", True),
    ]:
        bban = {
            "PL": lambda: rng.choice(["10901014", "11402004", "10500099", "24900005"]) + digits(16),
            "CZ": lambda: rng.choice(["0800", "0100", "0300", "2010", "5500"]) + digits(16),
            "UA": lambda: rng.choice(["305299", "322001", "320649"]) + "0000" + digits(15),
            "DE": lambda: rng.choice(["37040044", "10070000", "50010517"]) + digits(10),
        }[country]()
        value = iban(country, bban)
        items.append(item(lang, t, grouped(value) if spaced else value, "iban"))
    nrb = iban("PL", "10202892" + digits(16))[2:]
    items.append(item("pl", "numer konta {v}", grouped(nrb[2:]).join([nrb[:2] + " ", ""]), "iban"))
    items.append(item("pl", "wpłata na konto {v}", nrb, "iban"))
    items.append(item("uk", "рахунок {v} в PKO", grouped(nrb[2:]).join([nrb[:2] + " ", ""]), "iban"))
    items.append(item("pl", "konto PL {v}", f"{nrb[:2]} {grouped(nrb[2:])}", "iban"))
    for lang, t, v in [
        ("cs", "číslo účtu {v}", f"{digits(10)}/0800"),
        ("cs", "pošlete to na účet {v}", f"19-{digits(10)}/0100"),
        ("uk", "мій чеський рахунок {v}", f"{digits(9)}/3030"),
        ("en", "Czech account {v}", f"{digits(10)}/2010"),
        ("vi", "tài khoản {v}", f"{digits(8)}/0300"),
    ]:
        items.append(item(lang, t, v, "account"))
    for lang, t, prefix, fmt in [
        ("uk", "карта {v} приват", "5168", "grouped"),
        ("pl", "karta {v}", "4", "grouped"),
        ("ru", "номер карты {v}", "4149", "plain"),
        ("en", "card number {v}", "51", "dashes"),
        ("uk", "моя картка {v} моно", "5375", "plain"),
        ("cs", "karta {v}", "4", "grouped"),
        ("pl", "pobrali z karty {v} dwa razy", "5", "grouped"),
        ("ar", "البطاقة {v}", "4", "grouped"),
    ]:
        card = luhn_card(prefix)
        value = {"grouped": grouped(card), "plain": card, "dashes": "-".join(grouped(card).split())}[fmt]
        items.append(item(lang, t, value, "card"))
    return items


# --- e-mail, usernames -------------------------------------------------------------------------------
EMAILS = [
    ("pl", "mój mail jan.kowalski@gmail.com", "jan.kowalski@gmail.com"),
    ("pl", "proszę odpisać na olena.shevchenko87@wp.pl", "olena.shevchenko87@wp.pl"),
    ("pl", "e-mail: maria_nowak+urzad@o2.pl", "maria_nowak+urzad@o2.pl"),
    ("uk", "моя пошта ivan.petrenko@ukr.net", "ivan.petrenko@ukr.net"),
    ("uk", "напишіть на oksana-kovalenko@i.ua будь ласка", "oksana-kovalenko@i.ua"),
    ("uk", "пошта: Tetiana.Bondarenko@GMAIL.COM", "Tetiana.Bondarenko@GMAIL.COM"),
    ("ru", "мой email sergey1985@mail.ru", "sergey1985@mail.ru"),
    ("ru", "пишите на d.ivanov@yandex.ru", "d.ivanov@yandex.ru"),
    ("cs", "můj e-mail je petr.novak@seznam.cz", "petr.novak@seznam.cz"),
    ("cs", "pište na nguyen.van.an@email.cz", "nguyen.van.an@email.cz"),
    ("cs", "email: o'connor.m@centrum.cz", "o'connor.m@centrum.cz"),
    ("en", "my email is john.o'brien@outlook.ie", "john.o'brien@outlook.ie"),
    ("en", "send it to first.last@sub.example.co.uk", "first.last@sub.example.co.uk"),
    ("en", "contact: a@b.pl", "a@b.pl"),
    ("en", "email me at user%forward@proton.me", "user%forward@proton.me"),
    ("uk", "пишіть на пошту тарас@приклад.укр", "тарас@приклад.укр"),
    ("pl", "mail do mnie: józef.żółw@poczta.onet.pl", "józef.żółw@poczta.onet.pl"),
    ("pl", "adres e-mail kasia.w(at)interia.pl", "kasia.w(at)interia.pl"),
    ("ru", "почта alex [at] gmail.com", "alex [at] gmail.com"),
    ("vi", "email của tôi là tran.thi.lan@gmail.com", "tran.thi.lan@gmail.com"),
    ("ar", "بريدي الإلكتروني ahmad.hassan@hotmail.com", "ahmad.hassan@hotmail.com"),
    ("pl", "(kontakt: anna.k-w_99@op.pl)", "anna.k-w_99@op.pl"),
    ("cs", "pošlete mi to na jana.dvorakova@post.cz, děkuji", "jana.dvorakova@post.cz"),
    ("uk", "email для відповіді: viktoria.m@icloud.com.", "viktoria.m@icloud.com"),
]
USERNAMES = [
    ("uk", "пишіть мені в телеграм @olena_kyiv88", "@olena_kyiv88"),
    ("pl", "napisz do mnie @ivan_petrenko", "@ivan_petrenko"),
    ("en", "my telegram is @Tran_Lan_Brno", "@Tran_Lan_Brno"),
    ("ru", "мой ник @sergey_krakow", "@sergey_krakow"),
]


# --- addresses, dates of birth, case numbers -------------------------------------------------------
ADDRESSES = [  # (lang, text, the street + house number part that must disappear)
    ("pl", "mieszkam na ul. Długiej 5/12, 31-147 Kraków", "Długiej 5/12"),
    ("pl", "Mieszkam w Krakowie przy ul. Karmelickiej 44 m. 7", "Karmelickiej 44 m. 7"),
    ("pl", "mój adres: ul. Lea 112/4, 30-133 Kraków", "Lea 112/4"),
    ("pl", "jestem zameldowana na os. Oświecenia 12, Kraków", "Oświecenia 12"),
    ("pl", "adres zamieszkania al. 29 Listopada 48A/3", "29 Listopada 48A/3"),
    ("pl", "mieszkamy na Ruczaju, ul. Kobierzyńska 98 m. 15", "Kobierzyńska 98 m. 15"),
    ("pl", "wynajmuję mieszkanie na ul. Wielickiej 72/30, czy mogę się zameldować?", "Wielickiej 72/30"),
    ("pl", "Adres do korespondencji: ul. Gen. Bema 3/8, 33-100 Tarnów", "Bema 3/8"),
    ("pl", "mieszkam: Nowa Huta, os. Szkolne 27 m 14", "Szkolne 27 m 14"),
    ("pl", "Jan Kowalski, ul. Zielona 8 m. 3, 32-020 Wieliczka", "Zielona 8 m. 3"),
    ("cs", "bydlím na adrese Křenová 67, 602 00 Brno", "Křenová 67"),
    ("cs", "Moje adresa: Štefánikova 12/34, 602 00 Brno", "Štefánikova 12/34"),
    ("cs", "bydlím v Brně na ulici Cejl 25", "Cejl 25"),
    ("cs", "trvalý pobyt mám na Kounicově 15, Brno", "Kounicově 15"),
    ("cs", "adresa: Masarykova 8, 664 31 Lelekovice", "Masarykova 8"),
    ("cs", "bydlíme v Brně, Vranovská 45 byt č. 12", "Vranovská 45 byt č. 12"),
    ("uk", "живу за адресою вул. Шевченка, 12, кв. 5, Львів", "Шевченка, 12, кв. 5"),
    ("uk", "моя адреса: Kraków, ul. Mogilska 21/9", "Mogilska 21/9"),
    ("uk", "проживаю в Кракові на вул. Długa 17 кв 2", "Długa 17 кв 2"),
    ("uk", "мешкаю: м. Київ, вул. Хрещатик 22 кв 15", "Хрещатик 22 кв 15"),
    ("uk", "я зареєстрована в Брно, Husova 12", "Husova 12"),
    ("uk", "живемо на вулиці Kalwaryjska 33, 30-504 Kraków", "Kalwaryjska 33"),
    ("ru", "живу на ул. Ленина, д. 5, кв. 7", "Ленина, д. 5, кв. 7"),
    ("ru", "мой адрес: Brno, Cejl 48", "Cejl 48"),
    ("ru", "проживаю по ул. Wrocławska 53 m. 4 в Кракове", "Wrocławska 53 m. 4"),
    ("en", "I live at 25 Oak Road, Manchester", "25 Oak Road"),
    ("en", "my address is ul. Starowiślna 10/2, 31-038 Kraków", "Starowiślna 10/2"),
    ("en", "home address: flat 3, 12 Baker Street, London", "flat 3, 12 Baker Street"),
    ("en", "we live in Brno, Lidická 20", "Lidická 20"),
    ("vi", "tôi sống ở Brno, Vídeňská 55", "Vídeňská 55"),
    ("vi", "địa chỉ: Sapa, Libušská 319, Praha", "Libušská 319"),
    ("ar", "عنواني ul. Grzegórzecka 67 m. 20 Kraków", "Grzegórzecka 67 m. 20"),
]
BIRTH_DATES = [
    ("pl", "urodzony 12.03.1990 w Kijowie", "12.03.1990"),
    ("pl", "data urodzenia: 05.11.1985, proszę sprawdzić", "05.11.1985"),
    ("pl", "syn urodził się 3 maja 2016", "3 maja 2016"),
    ("cs", "narozena 14. 2. 1992", "14. 2. 1992"),
    ("cs", "datum narození 1988-07-21", "1988-07-21"),
    ("uk", "народився 12 березня 1990 року", "12 березня 1990"),
    ("uk", "дата народження 24.08.1991", "24.08.1991"),
    ("uk", "донька народилася 01/09/2019", "01/09/2019"),
    ("ru", "родился 7 ноября 1987", "7 ноября 1987"),
    ("ru", "дата рождения: 15.05.1979", "15.05.1979"),
    ("en", "born on March 12, 1990", "March 12, 1990"),
    ("en", "date of birth 3rd of June 1995", "3rd of June 1995"),
    ("en", "DOB: 1993-10-02", "1993-10-02"),
    ("vi", "ngày sinh 20 tháng 11 năm 1994", "20 tháng 11 năm 1994"),
    ("ar", "تاريخ الميلاد 1990/05/14", "1990/05/14"),
]
CASE_NUMBERS = [
    ("pl", "sygnatura sprawy WSO-II.6151.12345.2025 – jaki jest status?", "WSO-II.6151.12345.2025"),
    ("pl", "znak sprawy: SO-IV.6151.3345.2024", "SO-IV.6151.3345.2024"),
    ("uk", "номер справи WSO-II.6151.8831.2025, коли рішення?", "WSO-II.6151.8831.2025"),
    ("cs", "č.j. OAM-12345-10/PP-2024, kdy bude rozhodnutí?", "OAM-12345-10/PP-2024"),
    ("cs", "moje řízení OAM-88231-3/DP-2025 trvá už 90 dní", "OAM-88231-3/DP-2025"),
    ("en", "case number OAM-4512-7/ZM-2025", "OAM-4512-7/ZM-2025"),
    ("pl", "sygn. akt IV SA/Kr 123/25 – skarga na decyzję wojewody", "IV SA/Kr 123/25"),
    ("uk", "моя справа в суді III SA/Wa 1234/24, що далі?", "III SA/Wa 1234/24"),
]


def mixed_items() -> list[dict]:
    """Several kinds in one message, as people paste their details."""
    items = []
    p, m, e = pesel(), pl_mobile(), "olga.m@gmail.com"
    items.append(
        {
            "lang": "uk",
            "text": f"Ольга, песель {p}, тел {m[:3]} {m[3:6]} {m[6:]}, {e}",
            "remove": [
                {"kind": "pesel", "value": p},
                {"kind": "phone", "value": f"{m[:3]} {m[3:6]} {m[6:]}"},
                {"kind": "email", "value": e},
            ],
        }
    )
    rc, c = rodne_cislo(), cz_mobile()
    items.append(
        {
            "lang": "cs",
            "text": f"RČ {rc}, tel. +420 {c[:3]} {c[3:6]} {c[6:]}, bydlím na adrese Husova 5, Brno",
            "remove": [
                {"kind": "birth-number", "value": rc},
                {"kind": "phone", "value": f"+420 {c[:3]} {c[3:6]} {c[6:]}"},
                {"kind": "address", "value": "Husova 5"},
            ],
        }
    )
    u, ip = ua_mobile(), rnokpp()
    items.append(
        {
            "lang": "uk",
            "text": f"ІПН {ip}; паспорт FE{u[:6]}; +380{u}",
            "remove": [
                {"kind": "rnokpp", "value": ip},
                {"kind": "passport", "value": f"FE{u[:6]}"},
                {"kind": "phone", "value": f"+380{u}"},
            ],
        }
    )
    ib = grouped(iban("PL", "10901014" + digits(16)))
    items.append(
        {
            "lang": "pl",
            "text": f"Proszę o zwrot na konto {ib}, PESEL {p}",
            "remove": [{"kind": "iban", "value": ib}, {"kind": "pesel", "value": p}],
        }
    )
    d = pl_mobile()
    items.append(
        {
            "lang": "ru",
            "text": f"меня зовут Сергей, родился 02.02.1988, мой номер {d}",
            "remove": [{"kind": "birth-date", "value": "02.02.1988"}, {"kind": "phone", "value": d}],
        }
    )
    items.append(
        {
            "lang": "en",
            "text": f"Name: Tran Van Minh, passport C{d[:7]}, email minh.tv@gmail.com",
            "remove": [
                {"kind": "passport", "value": f"C{d[:7]}"},
                {"kind": "email", "value": "minh.tv@gmail.com"},
            ],
        }
    )
    q = pesel()
    items.append(
        {
            "lang": "pl",
            "text": f"PESEL: {q}\nTelefon: +48 {m}\nAdres: ul. Rakowicka 10 m. 5, Kraków",
            "remove": [
                {"kind": "pesel", "value": q},
                {"kind": "phone", "value": f"+48 {m}"},
                {"kind": "address", "value": "Rakowicka 10 m. 5"},
            ],
        }
    )
    return items


def item(lang: str, template: str, value: str, kind: str) -> dict:
    """One labelled string: `template` with `value` put in for {v}."""
    return {"lang": lang, "text": template.format(v=value), "remove": [{"kind": kind, "value": value}]}


def with_pii() -> list[dict]:
    items = phone_items() + id_items() + document_items() + account_items()
    items += [item(lang, text.replace(value, "{v}"), value, "email") for lang, text, value in EMAILS]
    items += [item(lang, text.replace(value, "{v}"), value, "username") for lang, text, value in USERNAMES]
    for kind, rows in (("address", ADDRESSES), ("birth-date", BIRTH_DATES), ("case-number", CASE_NUMBERS)):
        items += [
            {"lang": lang, "text": text, "remove": [{"kind": kind, "value": value}]}
            for lang, text, value in rows
        ]
    items += mixed_items()
    for it in items:
        for r in it["remove"]:
            assert r["value"] in it["text"], (r, it["text"])
    return items


# --- strings without personal data (must come out unchanged) --------------------------------------
WITHOUT_PII = {
    "fee": [
        ("pl", "ile kosztuje karta pobytu? słyszałam że 440 zł"),
        ("pl", "opłata skarbowa 340 zł czy 440 zł?"),
        ("pl", "czy za zezwolenie na pracę płaci się 100 zł?"),
        ("pl", "1 000 zł kaucji za mieszkanie to normalne?"),
        ("pl", "płacę 2 500 zł za pokój, czy to dużo?"),
        ("pl", "minimalna pensja 4 666 zł brutto w 2025?"),
        ("pl", "dopłata 1 234,56 zł – skąd taka kwota?"),
        ("pl", "limit 1 000 000 zł obrotu w firmie"),
        ("pl", "becikowe to 1000 zł?"),
        ("pl", "800+ na dziecko od 1 czerwca"),
        ("pl", "500+ czy 800+ dla ukraińców?"),
        ("cs", "kolik stojí prodloužení víza, 1 000 Kč nebo 2 500 Kč?"),
        ("cs", "správní poplatek 100 Kč za kolek"),
        ("cs", "nájem 15 000 Kč měsíčně plus zálohy 3 500 Kč"),
        ("cs", "minimální mzda 20 800 Kč v roce 2025"),
        ("cs", "pokuta 10 000 Kč za pozdní hlášení pobytu?"),
        ("cs", "pojištění stojí 1 200 Kč měsíčně"),
        ("uk", "скільки коштує карта побиту, 440 злотих?"),
        ("uk", "допомога 800+ це 800 zł на дитину?"),
        ("uk", "оплата 340 zł за заяву куди платити?"),
        ("uk", "зарплата 6 000 zł брутто скільки на руки"),
        ("uk", "штраф 10 000 Kč за прострочену візу"),
        ("uk", "чи повернуть 1 500 грн за переклад"),
        ("ru", "сколько стоит подача, 440 злотых?"),
        ("ru", "аренда 3 200 zł в месяц это нормально?"),
        ("en", "is the fee 440 PLN or 340 PLN?"),
        ("en", "rent is 18 000 CZK a month, is that normal?"),
        ("en", "they want €1 500 deposit"),
        ("en", "income threshold of 100 000 000 zł for big companies"),
        ("vi", "phí gia hạn visa là 2 500 Kč phải không?"),
        ("ar", "كم رسوم بطاقة الإقامة؟ 440 zł؟"),
        ("pl", "zarobki 10 000-20 000 zł miesięcznie"),
        ("cs", "výdělek 30 000 - 40 000 Kč hrubého"),
    ],
    "date": [
        ("pl", "wniosek trzeba złożyć do 30.06.2026?"),
        ("pl", "termin wizyty 12.03.2026 godz. 9:30"),
        ("pl", "od 1.02.2026 nowy wniosek SW-U"),
        ("pl", "mam spotkanie 2026-03-04 10:00 w urzędzie"),
        ("pl", "dzieci urodzone po 1.01.2024 – czy przysługuje becikowe?"),
        ("pl", "dzieci urodzone do 31.12.2025"),
        ("pl", "wiza ważna od 01.01.2025 do 31.12.2025"),
        ("pl", "decyzja z 15-09-2025, co dalej?"),
        ("cs", "vízum mi končí 31. 7. 2026"),
        ("cs", "termín na OAMP 2026-04-15 v 8:30"),
        ("cs", "lhůta do 30. 6. 2026?"),
        ("cs", "narozené děti po 1. 1. 2024 mají nárok?"),
        ("uk", "термін до 30.06.2026 чи можна продовжити?"),
        ("uk", "статус UKR з 24.02.2022"),
        ("uk", "запис на 2026-05-20 о 11:15"),
        ("uk", "діти народжені після 2022 року"),
        ("ru", "виза до 15.08.2026, когда подавать?"),
        ("ru", "запись на 03.03.2026 в 14:00"),
        ("en", "my appointment is on 2026-03-04"),
        ("en", "deadline 30/06/2026?"),
        ("en", "born after 2010 – eligible?"),
        ("en", "children born in 2024 and later"),
        ("vi", "hạn visa đến 30.09.2026"),
        ("ar", "موعدي في 2026-03-04"),
        ("pl", "urodzony w 1990 roku, czy muszę mieć ubezpieczenie?"),
        ("uk", "народився у 1985 році, чи є пільги"),
        ("pl", "w latach 2024-2026 jakie zmiany?"),
        ("cs", "v letech 2020–2024 jsem pracoval v Brně"),
        ("pl", "od 01.06.2026 r. do 31.05.2027 r."),
        ("pl", "okres 2024 2025 2026 – czy to się liczy?"),
    ],
    "office": [
        ("pl", "pokój 12 czy okienko 5?"),
        ("pl", "w którym pokoju, 204 czy 206?"),
        ("pl", "sala nr 1.12 na I piętrze"),
        ("pl", "stanowisko 15, numerek A047"),
        ("pl", "okienko nr 3 jest zamknięte"),
        ("pl", "pokoje 201, 202 i 203"),
        ("cs", "kancelář č. 204 nebo 205?"),
        ("cs", "přepážka 3 v přízemí"),
        ("cs", "dveře č. 112, 1. patro"),
        ("uk", "кабінет 12 на другому поверсі?"),
        ("uk", "віконце 5 чи 6?"),
        ("ru", "кабинет 301, третий этаж"),
        ("en", "room 12 or window 5?"),
        ("en", "counter 14, ticket B103"),
        ("pl", "urząd na ul. Przy Rondzie 6, 31-547 Kraków – godziny otwarcia?"),
        ("pl", "czy MUW przy ul. Basztowej 22 przyjmuje w sobotę?"),
        ("pl", "Wydział Spraw Cudzoziemców, ul. Przy Rondzie 6"),
        ("pl", "ul. Dekerta 24, 30-703 Kraków – to tam ZUS?"),
        ("pl", "os. Teatralne 24 – tam jest urząd?"),
        ("pl", "MOPS na ul. Józefińskiej 14, czy trzeba się umawiać?"),
        ("pl", "Urząd Skarbowy przy al. Słowackiego 22"),
        ("pl", "punkt przy ul. Wielickiej 28a czynny do 18?"),
        ("pl", "Kraków, ul. Lubelska 27 – dojazd?"),
        ("cs", "OAMP Brno, Cejl 62 – otevírací doba?"),
        ("cs", "Údolní 39, 602 00 Brno – ombudsman"),
        ("cs", "magistrát na Dominikánském nám. 3?"),
        ("cs", "úřad práce na Polní 37, Brno"),
        ("uk", "офіс на вул. Басztowa 22 працює в суботу?"),
        ("uk", "де це ul. Przy Rondzie 6?"),
        ("ru", "адрес ведомства ul. Przy Rondzie 6, Kraków?"),
        ("en", "is the office at Cejl 62, Brno open on Friday?"),
        ("en", "how do I get to ul. Przy Rondzie 6?"),
        ("vi", "văn phòng ở Cejl 62 mở cửa mấy giờ?"),
        ("pl", "mieszkam w Krakowie, gdzie jest urząd na ul. Przy Rondzie 6?"),
        ("cs", "bydlím v Brně, kde je úřad práce?"),
        ("uk", "живу в Кракові 2 роки, чи можу подати на сталий побут?"),
        ("pl", "mieszkam w Polsce 3 lata, czy mogę dostać pobyt stały?"),
        ("ru", "живу в Брно 5 лет, можно ли ПМЖ?"),
        ("en", "I live in Kraków since 2022, can I apply?"),
        ("en", "we live in Brno 4 years, what about permanent residence"),
        ("uk", "моя адреса змінилась, що робити з карткою побиту?"),
        ("pl", "zmiana adresu zamieszkania – czy zgłaszać?"),
        ("cs", "trvalý pobyt po 5 letech?"),
        ("pl", "meldunek na 3 miesiące wystarczy?"),
    ],
    "law": [
        ("pl", "art. 108 ust. 1 pkt 2 ustawy o cudzoziemcach"),
        ("pl", "Dz.U. 2024 poz. 1234"),
        ("pl", "Dz. U. z 2023 r. poz. 519 ze zm."),
        ("pl", "ustawa z 12 marca 2022 r., art. 42"),
        ("pl", "§ 42 rozporządzenia"),
        ("pl", "art. 114 ust. 1 czy art. 127?"),
        ("pl", "Dz.U.2025.1301 – co zmienia?"),
        ("cs", "zákon č. 326/1999 Sb., § 42"),
        ("cs", "§ 87b odst. 1 zákona o pobytu cizinců"),
        ("cs", "zákoník práce 262/2006 Sb."),
        ("cs", "podle § 42 odst. 3 písm. a)"),
        ("uk", "стаття 108 пункт 1 закону про іноземців"),
        ("uk", "ч. 2 ст. 13 закону"),
        ("ru", "статья 87 параграф 2"),
        ("en", "section 108(1) of the Act on Foreigners"),
        ("en", "Directive 2001/55/EC, article 5"),
        ("pl", "specustawa art. 4 ust. 1"),
        ("cs", "lex Ukrajina, zákon č. 65/2022 Sb."),
    ],
    "time": [
        ("pl", "urząd czynny 8:00-15:30?"),
        ("pl", "pon.–pt. 7:30–15:30, czw. do 17:00"),
        ("pl", "godz. 8.00-16.00"),
        ("cs", "úřední hodiny Po a St 8:00–17:00"),
        ("cs", "otevřeno 8-12 a 13-17"),
        ("uk", "працює з 9:00 до 18:00?"),
        ("ru", "часы работы 8:00-15:30"),
        ("en", "open 9am-5pm, Mon-Fri?"),
        ("vi", "mở cửa 8:00-16:00 không?"),
        ("ar", "من الساعة 8:00 إلى 15:30"),
    ],
    "transport": [
        ("pl", "jaki tramwaj, 52 czy 50?"),
        ("pl", "autobus 139 i 179 do urzędu"),
        ("pl", "linia 304 z lotniska"),
        ("pl", "bilet 24-godzinny 17 zł"),
        ("pl", "bilet 90 minut za 6 zł"),
        ("cs", "tramvaj č. 4 nebo 9?"),
        ("cs", "linka 44 na Cejl"),
        ("cs", "jízdenka na 60 minut za 25 Kč"),
        ("uk", "трамвай 52 до вокзалу"),
        ("uk", "автобус 208 на аеропорт?"),
        ("ru", "автобус 139, остановка Rondo Mogilskie"),
        ("en", "bus 208 to the airport"),
        ("en", "tram 4 from Hlavní nádraží"),
        ("vi", "xe buýt số 44"),
        ("pl", "pociąg o 7:15 z peronu 3"),
    ],
    "phone-public": [
        ("pl", "zadzwonić na 112 czy 997?"),
        ("pl", "numer alarmowy 112"),
        ("pl", "pogotowie 999, straż 998"),
        ("pl", "infolinia NFZ 800 190 590 działa całą dobę?"),
        ("pl", "telefon zaufania 116 111 dla dzieci"),
        ("pl", "116 123 – wsparcie emocjonalne"),
        ("pl", "Kraków 19 115 czy to miejska infolinia?"),
        ("pl", "infolinia 801 500 300 płatna?"),
        ("cs", "záchranka 155, policie 158"),
        ("cs", "hasiči 150"),
        ("cs", "linka bezpečí 116 111"),
        ("cs", "bezplatná linka 800 123 456 funguje?"),
        ("cs", "tísňová linka 112"),
        ("uk", "гаряча лінія 0 800 500 225 безкоштовна?"),
        ("uk", "дзвонити 112 чи 997?"),
        ("uk", "номер 116 123 працює?"),
        ("ru", "телефон 112 бесплатный?"),
        ("en", "call 112 or 997?"),
        ("en", "is 155 the ambulance in Czechia?"),
        ("vi", "gọi 112 khi khẩn cấp"),
        ("ar", "رقم الطوارئ 112"),
        ("pl", "mój numer telefonu się zmienił – gdzie zgłosić?"),
        ("uk", "як змінити номер телефону в mObywatel?"),
        ("en", "what phone number should I call for the office?"),
    ],
    "numbers": [
        ("pl", "Dz.U. z 2024 r. poz. 1234, 1235 i 1236"),
        ("pl", "rok 2025: 1 200 osób w kolejce"),
        ("en", "7 500 000 Ukrainians left, is that true?"),
        ("pl", "w 2023 r. 1 000 000 ludzi złożyło wnioski"),
        ("en", "visa D/VR/90 from 1.1.2025 to 31.12.2025"),
        ("pl", "ul. Długa 5/12 — czy tam jest urząd?"),
        ("en", "I have 2 kids, 4 and 9"),
        ("pl", "PIT-37 za 2025"),
        ("pl", "formularz SW-U i ZUS ZUA"),
        ("pl", "wniosek MOS – załącznik nr 1"),
        ("pl", "CEIDG-1 dla cudzoziemca"),
        ("pl", "zdjęcie 35x45 mm"),
        ("pl", "9% czy 23% VAT?"),
        ("pl", "podatek 12 % i 32 %"),
        ("pl", "umowa na 3 miesiące, okres próbny 90 dni"),
        ("pl", "mam 2 dzieci, 5 i 7 lat"),
        ("pl", "po 183 dniach rezydencja podatkowa?"),
        ("pl", "kurs B1 czy B2 do obywatelstwa?"),
        ("pl", "ile trwa? 60 dni czy 6 miesięcy?"),
        ("pl", "numer sprawy? gdzie go znajdę"),
        ("pl", "mój PESEL – jak go dostać?"),
        ("pl", "PESEL UKR dla dziecka"),
        ("pl", "gdzie wyrobić paszport i dowód osobisty?"),
        ("pl", "karta pobytu na 3 lata"),
        ("pl", "paszport kosztuje 140 zł?"),
        ("pl", "numer PESEL a numer NIP – różnica?"),
        ("pl", "1,5 mln ukraińców w Polsce"),
        ("pl", "13. emerytura dla cudzoziemców?"),
        ("pl", "wiza D na 365 dni"),
        ("pl", "A1 dla pracownika delegowanego"),
        ("cs", "formulář č. 2 a příloha 3"),
        ("cs", "A2 zkouška z češtiny"),
        ("cs", "90 dní v období 180 dní"),
        ("cs", "jak získat rodné číslo?"),
        ("cs", "číslo pasu – kde ho najdu?"),
        ("cs", "kolik je 15 % daně?"),
        ("cs", "pracuji 40 hodin týdně"),
        ("cs", "doklad o ubytování na 12 měsíců"),
        ("uk", "РНОКПП для дитини – як отримати?"),
        ("uk", "скільки днів 90/180?"),
        ("uk", "ID-картка чи паспорт?"),
        ("uk", "номер песель для дитини 3 років"),
        ("uk", "курс польської A2, 120 годин"),
        ("uk", "податок 12% чи 32%?"),
        ("uk", "мені 17 років, можу працювати?"),
        ("ru", "нужен ли паспорт для 800+?"),
        ("ru", "срок 14 дней или 30?"),
        ("en", "how many days, 90 or 180?"),
        ("en", "A1 certificate for posted workers"),
        ("en", "level B1 Polish exam"),
        ("en", "PESEL for my 3 year old"),
        ("en", "Form 2 for Czech visa extension"),
        ("vi", "thẻ cư trú 2 năm"),
        ("vi", "mã số thuế là gì?"),
        ("ar", "الإقامة لمدة 3 سنوات"),
        ("pl", "wiza 2024/2025"),
        ("cs", "IČO firmy je 8 čísel?"),
        ("pl", "Kraków 31-547 – który to urząd?"),
        ("cs", "PSČ 602 00 patří pod Brno-střed?"),
        ("uk", "індекс 30-003 це який район?"),
        ("pl", "kod pocztowy 31-004, gdzie złożyć wniosek?"),
        ("pl", "napisz do @InfopointKrakowBot"),
        ("en", "the site https://www.gov.pl/web/udsc says 30 days"),
        ("pl", "https://www.malopolska.uw.gov.pl/cudzoziemcy – tam jest formularz?"),
        ("cs", "na https://www.mvcr.cz/clanek/cizinci-s-pobytem-nad-90-dni.aspx je to"),
        ("pl", "tramwaj 52, przystanek Teatr Bagatela, potem 5 minut pieszo"),
        ("pl", "3 Maja 2026 – urząd zamknięty?"),
        ("cs", "28. října je svátek?"),
        ("uk", "1 травня вихідний?"),
        ("pl", "limit 2 x 4 godziny"),
        ("pl", "zarabiam 4 300 zł netto, 2 dzieci"),
        ("en", "salary 25 000 CZK gross, 2 kids"),
        ("pl", "numer konta urzędu – gdzie go znaleźć?"),
        ("uk", "номер рахунку для оплати збору?"),
        ("ru", "где взять номер ИНН?"),
        ("en", "what is an IBAN?"),
        ("pl", "co to jest numer sprawy w inpolu?"),
        ("cs", "číslo jednací najdu kde?"),
        ("pl", "ile kosztuje paszport dla dziecka do 5 lat? 30 zł?"),
        ("uk", "паспорт на 10 років"),
        ("pl", "dowód osobisty ważny 10 lat"),
        ("cs", "cestovní pas na 10 let za 600 Kč"),
        ("pl", "karta pobytu ważna 3 lata, 440 zł"),
        ("uk", "посвідка на 2 роки"),
        ("pl", "ile to jest 2 000 zł brutto na rękę?"),
        ("cs", "daňové přiznání za rok 2025 do 1. 4. 2026"),
        ("uk", "урок о 17:00 у кабінеті 204"),
        ("ru", "приём с 8:00 до 12:00, окно 3"),
        ("pl", "PESEL, NIP, REGON – co mi potrzebne?"),
        ("en", "Is 800 PLN per child still paid in 2026?"),
        ("pl", "wynajmuję pokój od 2 lat, czy mogę się zameldować?"),
        ("uk", "зареєстрована в Україні, живу в Польщі 3 роки"),
        ("cs", "ubytovaná na ubytovně 6 měsíců"),
        ("en", "my address changed 2 months ago"),
        ("pl", "mam 25 lat i 3 miesiące pracy"),
        ("uk", "діти 6 і 9 років, яка школа?"),
        ("pl", "wizyta nr 15 w kolejce"),
        ("ru", "в очереди 120 человек"),
        ("pl", "rok 2026, kwartał 1"),
    ],
}


def without_pii() -> list[dict]:
    return [
        {"lang": lang, "kind": kind, "text": text}
        for kind, rows in WITHOUT_PII.items()
        for lang, text in rows
    ]


# --- held-out batch: written after the scrubber was tuned on the sets above, then run once as-is ---
def held_out_pii() -> list[dict]:
    """50 personal values in new phrasings; first run: 50/50 removed (docs/privacy-scrubber.md)."""
    rng.seed(777)
    rows = [
        ("cs", "Dobrý den, jsem Oksana, telefon {v}", f"608 {digits(3)} {digits(3)}", "phone"),
        ("en", "pls call {v}", f"+48 605-{digits(3)}-{digits(3)}", "phone"),
        ("uk", "тел.: {v}", f"097-{digits(3)}-{digits(2)}-{digits(2)}", "phone"),
        ("ru", "мой номер {v}", f"8-912-{digits(3)}-{digits(2)}-{digits(2)}", "phone"),
        ("cs", "kontakt WhatsApp {v}", f"+420 731 {digits(2)} {digits(2)} {digits(2)}", "phone"),
        ("pl", "numer {v}", f"48 601 {digits(3)} {digits(3)}", "phone"),
        ("pl", "Telefon do mnie:{v}", f"601{digits(6)}", "phone"),
        ("uk", "Мій телефон: {v}", f"+38(050){digits(7)}", "phone"),
        ("uk", "tel/viber {v}", f"+380 93 {digits(3)} {digits(2)} {digits(2)}", "phone"),
        ("pl", "PESEL: {v}", pesel(), "pesel"),
        ("pl", "peselu nie pamiętam, ale to chyba {v}", pesel(), "pesel"),
        ("cs", "rodné číslo manželky je {v}", rodne_cislo(female=True), "birth-number"),
        ("cs", "RČ {v}", rodne_cislo(slash=False), "birth-number"),
        ("uk", "ІПН/РНОКПП: {v}", rnokpp(), "rnokpp"),
        ("uk", "номер паспорта: {v}", f"FX {digits(6)}", "passport"),
        ("pl", "paszport nr: {v}", f"EC {digits(7)}", "passport"),
        ("pl", "Dowód: {v}", f"AXB {digits(6)}", "id-card"),
        ("ru", "моя карта побыту: {v}", f"RP {digits(7)}", "residence-card"),
        ("cs", "číslo průkazu k pobytu: {v}", f"ZR {digits(7)}", "residence-card"),
        ("pl", "IBAN {v}", grouped(iban("PL", "11402004" + digits(16))), "iban"),
        (
            "cs",
            "účet {v}",
            (lambda i: f"{i[:2]} {i[2:4]} {grouped(i[4:])}")(iban("CZ", "0800" + digits(16))),
            "iban",
        ),
        ("uk", "Рахунок: {v}", iban("UA", "305299" + "0000" + digits(15)), "iban"),
        ("ru", "e-mail: {v}", "ivan-petrov_1990@mail.com.ua", "email"),
        ("ru", "пишите: {v}", "Anna.Novak@firma-xyz.cz", "email"),
        ("pl", "email kontaktowy → {v}", "m.wisniewska@student.uj.edu.pl", "email"),
        ("pl", "mieszkam przy ulicy {v} w Tarnowie", "Słowackiego 12/4", "address"),
        ("cs", "Bydlím: {v}, Brno", "Lidická 1879/48", "address"),
        ("uk", "Адреса проживання: Kraków, ul. {v}", "Dietla 55/7", "address"),
        ("uk", "Живу на {v}, Krakow", "Długa 10", "address"),
        ("en", "my home address is {v}, 612 00 Brno", "Pražská 15", "address"),
        ("pl", "urodzona {v}r.", "23.11.1993", "birth-date"),
        ("ru", "Дата рождения - {v}", "03.04.1982", "birth-date"),
        ("cs", "narozen {v}", "5. května 1978", "birth-date"),
        ("uk", "народилась {v}", "2001-12-30", "birth-date"),
        ("en", "card {v}", grouped(luhn_card("5375")), "card"),
        ("uk", "номер картки {v}", grouped(luhn_card("4149")), "card"),
        ("en", "my number is {v}", "+44 20 7946 0958", "phone"),
        ("en", "{v} call me", "+1 (415) 555-0132", "phone"),
        ("pl", "mail: x.y@z.com tel {v}", f"790 {digits(3)} {digits(3)}", "phone"),
        ("cs", "číslo účtu {v}", f"{digits(10)}/2010", "account"),
        ("pl", "passport: {v}", f"HT{digits(7)}", "passport"),
        ("pl", "sprawa {v}", "WSO-II.6151.4431.2026", "case-number"),
        ("uk", "{v} напишіть", "@maria_kyiv", "username"),
        ("uk", "телефон {v}", f"050 {digits(3)} {digits(4)}", "phone"),
        ("pl", "mob. {v}", f"722{digits(6)}", "phone"),
        ("cs", "Tel: {v}", f"+420777{digits(6)}", "phone"),
        ("en", "d.o.b. {v}", "12/05/1988", "birth-date"),
        ("uk", "Моє ім'я Олена, мій номер {v}", f"+48 789 {digits(3)} {digits(3)}", "phone"),
        ("pl", "konto {v} bank PKO", f"{digits(2)} {grouped(digits(24))}", "iban"),
        ("uk", "паспорт громадянина України {v}", digits(9), "id-card"),
    ]
    return [item(lang, t, v, kind) | {"batch": "held-out"} for lang, t, v, kind in rows]


HELD_OUT_WITHOUT_PII = [
    ("pl", "Czy 19 115 to numer do urzędu miasta?"),
    ("pl", "ile dni mam na zgłoszenie zmiany adresu, 14 czy 30?"),
    ("pl", "Ile kosztuje karta pobytu dla dziecka – 220 zł?"),
    ("pl", "cena 1 500,00 zł za tłumaczenie przysięgłe?"),
    ("pl", "termin do 15 września 2026"),
    ("pl", "urodzony w Polsce – czy dostanę obywatelstwo?"),
    ("en", "born in Ukraine, living in Brno – what insurance?"),
    ("cs", "narozen v Česku, rodiče cizinci"),
    ("pl", "Mieszkam w Nowej Hucie, gdzie najbliższy MOPS?"),
    ("cs", "bydlím na Lesné, kde je nejbližší pošta?"),
    ("uk", "живу на Подгужі, де найближча поліклініка?"),
    ("pl", "numer 997 czy 112 gdy ktoś się włamuje"),
    ("pl", "Ustawa 2022 poz. 583 art. 2 ust. 1"),
    ("pl", "o 7:45 autobus 173, potem tramwaj 50"),
    ("pl", "lekarz przyjmuje w gabinecie 3, piętro 2"),
    ("pl", "zasiłek 1 200 zł czy 1 300 zł?"),
    ("pl", "ZUS RMUA za 2025"),
    ("pl", "mieszkanie 45 m2 za 3 000 zł"),
    ("pl", "pokój 15 m² na Kazimierzu"),
    ("pl", "Jak długo czeka się na decyzję? 60 dni?"),
    ("pl", "opłata 8 zł za kopię"),
    ("en", "ID card or passport for a child of 2?"),
    ("cs", "mám víza typu D/VR/90"),
    ("cs", "kolik je 24 hodin práce týdně na DPP?"),
    ("cs", "DPP do 10 000 Kč – odvody?"),
    ("cs", "vízum na 1 rok, prodloužení na 2 roky"),
    ("uk", "у мене є посвідка на 3 роки і PESEL UKR"),
    ("uk", "перший внесок 2 000 грн"),
    ("uk", "кредит 50 000 zł – можна іноземцю?"),
    ("uk", "дитині 14 років, чи потрібен паспорт?"),
    ("pl", "wizyta u lekarza 12 maja o 10:30, gabinet 104"),
    ("en", "call center hours 8-20"),
    ("pl", "NFZ 800 190 590 po ukraińsku?"),
    ("en", "school starts 1 September 2026"),
    ("en", "quota 25% for foreigners?"),
    ("pl", "Kodeks pracy art. 22 § 1"),
    ("cs", "Sb. 89/2012 občanský zákoník § 2235"),
    ("pl", "tramwaj 8 na ul. Dietla"),
    ("pl", "na ul. Długiej 5 jest apteka?"),
    ("pl", "przychodnia os. Złotego Wieku 28"),
    ("cs", "ubytovna na Cejlu 25 – je tam místo?"),
    ("pl", "w mieszkaniu 3 pokoje i 2 łazienki"),
    ("pl", "mieszkam tu 5 lat"),
    ("en", "rent for a flat with 3 rooms 20 000 CZK"),
    ("pl", "mieszkam od 2023 r. w Krakowie"),
    ("uk", "живу в Польщі з 2022 року, статус UKR"),
    ("en", "I live in Krakow 2 years, can I get 800+?"),
    ("uk", "проживаю в гуртожитку 3 місяці"),
    ("pl", "paszport ważny do 12.2027"),
    ("pl", "zameldowanie na pobyt czasowy – 30 dni?"),
]


def main() -> None:
    """Write both sets next to this script."""
    header = "# Generated by tests/data/pii/generate_sets.py (edit there, rerun). {what}\n"
    for name, items, what in (
        ("with_pii.yaml", with_pii() + held_out_pii(), "Each `remove` value must be gone after scrub()."),
        (
            "without_pii.yaml",
            without_pii()
            + [
                {"lang": lang, "kind": "held-out", "text": text, "batch": "held-out"}
                for lang, text in HELD_OUT_WITHOUT_PII
            ],
            "Each text must come out of scrub() unchanged.",
        ),
    ):
        text = yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=200)
        (HERE / name).write_text(header.format(what=what) + text, encoding="utf-8")
        print(f"{name}: {len(items)} strings")


if __name__ == "__main__":
    main()
