"""Writes bench/data/scrubbing-{dev,test}.jsonl: adversarial messages for the report's scrubbing, each with the
personal tokens it holds (names of the sender and of others from many locales, street addresses, phone numbers
written with spaces, dots or words, emails plain and obfuscated, IBANs, cards with spaces, numbers in words).

Generated with Faker (a build-time tool, like privacy.personal_words_data's; not installed by Parley):

    .venv/bin/pip install faker && .venv/bin/python bench/scrubbing_data.py

dev and test share nothing chosen by hand: dev has every other Faker locale and every other template, test the
rest, and each its own seed. The scrubbing's thresholds and word lists are looked at against dev only; test is the
figure `make bench` reports. Tokens in the template's own words, street words and particles ("de", "van") are not
counted as personal: a leak is a token of a name, an address, a number, an email's local part, a card or an IBAN.
"""

from __future__ import annotations

import importlib
import json
import random
import re
import unicodedata
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
COUNT = 1500
SEEDS = {"dev": 20261124, "test": 77100431}
# Faker locales whose names are written without a space between surname and given name.
_UNSPACED = ("zh_", "ja_")
DIGIT_WORDS = {
    "en": "zero one two three four five six seven eight nine",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun",
    "fr": "zéro un deux trois quatre cinq six sept huit neuf",
    "pt": "zero um dois três quatro cinco seis sete oito nove",
    "nl": "nul een twee drie vier vijf zes zeven acht negen",
    "it": "zero uno due tre quattro cinque sei sette otto nove",
    "pl": "zero jeden dwa trzy cztery pięć sześć siedem osiem dziewięć",
}
# (language, template): {name} the sender, {other} someone else, {address}, {phone}, {email}, {iban}, {card},
# {digits} a customer number in words.
TEMPLATES = [
    ("en", "hi this is {name}, please call me back on {phone}"),
    ("en", "my neighbour {other} took the parcel to {address}, can you check"),
    ("en", "send the invoice to {email} not to {other}"),
    ("en", "refund it to {iban} please, account holder {name}"),
    ("en", "you charged my card {card} twice!!"),
    ("en", "my customer number is {digits} and my phone is {phone}"),
    ("en", "{other} said you deliver to {address} on sundays?"),
    ("en", "write to me at {email} or ring {phone}, {name}"),
    ("es", "hola soy {name}, llámame al {phone}"),
    ("es", "mi vecina {other} vive en {address} y no recibió nada"),
    ("es", "mi correo es {email} y mi tarjeta {card}"),
    ("es", "devuélvanme el dinero a {iban}, gracias, {name}"),
    ("de", "Hallo, hier ist {name}, bitte an {address} liefern"),
    ("de", "meine Nummer ist {phone}, frag nach {other}"),
    ("de", "Überweisung bitte auf {iban}, Kundennummer {digits}"),
    ("de", "schreib mir an {email}, Gruß {name}"),
    ("fr", "bonjour c'est {name}, mon numéro est le {phone}"),
    ("fr", "livrez chez {other} au {address} svp"),
    ("fr", "ma carte {card} a été débitée deux fois"),
    ("fr", "mon adresse mail {email}, mon client {digits}"),
    ("pt", "olá, sou {name}, meu telefone é {phone}"),
    ("pt", "entreguem na {address}, falem com {other}"),
    ("pt", "meu email é {email} e o IBAN {iban}"),
    ("pt", "o cartão {card} foi cobrado duas vezes, {name}"),
    ("nl", "hoi, ik ben {name}, bel me op {phone}"),
    ("nl", "mijn buurvrouw {other} woont op {address}"),
    ("nl", "mail naar {email} of stort terug op {iban}"),
    ("nl", "klantnummer {digits}, groet {name}"),
    ("it", "ciao sono {name}, il mio numero è {phone}"),
    ("it", "consegnate a {other} in {address}"),
    ("pl", "dzień dobry, tu {name}, mój numer {phone}"),
    ("pl", "proszę zwrócić na {iban}, pozdrawiam {other}"),
]
NOT_PERSONAL = frozenset(
    re.findall(
        r"\S+",
        "de del la las los da do das dos di della du des van der den von al el le bin ibn y e and et und at dot com "
        "street st road rd avenue ave lane ln apt suite calle avenida rua via viale straße strasse weg straat laan ul "
        "ulica rue boulevard bd piso puerta",
    )
)


def _faker(locale: str, seed: int) -> Any:
    fake = importlib.import_module("faker").Faker(locale)
    fake.seed_instance(seed)
    return fake


def _person_locales() -> list[str]:
    locales = []
    for locale in sorted(importlib.import_module("faker.config").AVAILABLE_LOCALES):
        try:
            importlib.import_module(f"faker.providers.person.{locale}")
            importlib.import_module(f"faker.providers.address.{locale}")
        except ImportError:
            continue
        locales.append(locale)
    return locales


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _name(fake: Any, locale: str, rng: random.Random) -> str:
    first, last = fake.first_name(), fake.last_name()
    name = f"{last}{first}" if locale.startswith(_UNSPACED) else f"{first} {last}"
    twist = rng.random()
    if twist < 0.15:
        name = name.lower()
    elif twist < 0.25:
        name = name.upper()
    elif twist < 0.35:
        name = _strip_marks(name)
    elif twist < 0.45 and not locale.startswith(_UNSPACED):
        name = f"{first}-{fake.first_name()} {last}"
    elif twist < 0.5:
        name += "'s"
    return name


def _phone(rng: random.Random, language: str) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(8, 11)))
    style = rng.randrange(6)
    if style == 0:
        return " ".join(DIGIT_WORDS[language if language in DIGIT_WORDS else "en"].split()[int(d)] for d in digits)
    if style == 1:
        return ".".join(digits[i : i + 3] for i in range(0, len(digits), 3))
    if style == 2:
        return " ".join(digits)
    if style == 3:
        return f"+{rng.randint(1, 99)} {digits[:3]} {digits[3:6]} {digits[6:]}"
    if style == 4:
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return digits


def _email(fake: Any, rng: random.Random) -> tuple[str, str]:
    local = _strip_marks(fake.user_name())
    domain = rng.choice(["gmail", "yahoo", "outlook", "web", "orange", "mail"])
    forms = [
        f"{local}@{domain}.com",
        f"{local} at {domain} dot com",
        f"{local} (at) {domain} (dot) com",
        f"{local}[at]{domain}[dot]com",
        f"{local} @ {domain} . com",
        f"{local} arroba {domain} punto com",
    ]
    return rng.choice(forms), local


def _grouped(number: str, sep: str) -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def _tokens(value: str) -> set[str]:
    return {t for t in re.findall(r"\w+", value.casefold()) if len(t) >= 2 and t not in NOT_PERSONAL}


def message(fake: Any, locale: str, language: str, template: str, rng: random.Random) -> dict[str, Any]:
    personal: set[str] = set()
    values: dict[str, str] = {}
    for slot in re.findall(r"\{(\w+)\}", template):
        if slot in ("name", "other"):
            value = _name(fake, locale, rng)
            personal |= _tokens(value) - {"s"}
        elif slot == "address":
            value = fake.street_address()
            personal |= _tokens(value)
        elif slot == "phone":
            value = _phone(rng, language)
            personal |= _tokens(value)
        elif slot == "digits":
            words = DIGIT_WORDS.get(language, DIGIT_WORDS["en"]).split()
            value = " ".join(rng.choice(words) for _ in range(rng.randint(5, 9)))
            personal |= _tokens(value)
        elif slot == "email":
            value, local = _email(fake, rng)
            personal |= _tokens(local)
        elif slot == "iban":
            value = _grouped(fake.iban(), rng.choice([" ", " ", "-"]))
            personal |= _tokens(value)
        else:  # card
            value = _grouped(fake.credit_card_number(), rng.choice([" ", "-", " "]))
            personal |= _tokens(value)
        values[slot] = value
    text = template.format(**values)
    own = _tokens(re.sub(r"\{\w+\}", " ", template))
    return {"locale": locale, "language": language, "text": text, "personal": sorted(personal - own)}


def write(split: str) -> Path:
    seed = SEEDS[split]
    rng = random.Random(seed)
    parity = 0 if split == "dev" else 1
    locales = _person_locales()[parity::2]
    templates = TEMPLATES[parity::2]
    fakes = {locale: _faker(locale, seed) for locale in locales}
    out = DATA / f"scrubbing-{split}.jsonl"
    with out.open("w", encoding="utf-8") as file:
        for i in range(COUNT):
            locale = locales[i % len(locales)]
            language, template = rng.choice(templates)
            record = message(fakes[locale], locale, language, template, rng)
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
    return out


if __name__ == "__main__":
    for name in SEEDS:
        print(write(name))
