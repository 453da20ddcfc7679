"""Country and language codes: what a user writes ("Germany", "USA", "english", "en-US") turned
into the codes stored with every article (ISO 3166-1 alpha-2 "DE", ISO 639-1 "en").

One spelling per country and language keeps filters and counts whole: "GERMANY", "DE" and
"Deutschland" stored side by side would be three countries in every list. A value that names
nothing is refused with the codes to use instead, never stored as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Names in everyday English use that ISO's lists spell otherwise, or do not list.
_COUNTRY_ALIASES = {
    "uk": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "russia": "RU", "turkey": "TR", "ivory coast": "CI",
    "north korea": "KP", "south korea": "KR", "korea": "KR", "syria": "SY", "laos": "LA",
    "vietnam": "VN", "czech republic": "CZ", "czechia": "CZ", "macedonia": "MK", "palestine": "PS",
    "vatican": "VA", "holland": "NL", "the netherlands": "NL", "america": "US", "u.s.": "US",
    "u.s.a.": "US", "united states of america": "US", "the united states": "US",
    "the united kingdom": "GB", "u.k.": "GB", "uae": "AE", "taiwan": "TW", "iran": "IR",
    "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "kosovo": "XK",
    "european union": "EU", "drc": "CD", "democratic republic of the congo": "CD",
    "dr congo": "CD", "republic of the congo": "CG", "cape verde": "CV", "brunei": "BN",
    "the bahamas": "BS", "bahamas": "BS", "vatican city": "VA", "burma": "MM", "the gambia": "GM",
    "east timor": "TL", "swaziland": "SZ", "micronesia": "FM",
}
#: Codes outside ISO 3166-1's list that are still in use: the European Union's, for pan-European
#: outlets; and the user-assigned range, which ISO 3166 leaves to users (Kosovo's XK, "ZZ" for
#: unknown).
_USER_ASSIGNED = re.compile(r"^(?:AA|Q[M-Z]|X[A-Z]|ZZ|EU)$")
_LANGUAGE_ALIASES = {"farsi": "fa", "mandarin": "zh", "cmn": "zh", "cantonese": "yue", "flemish": "nl",
                     "pashto": "ps"}
#: Tags that say no language: undetermined, several, none.
_NO_LANGUAGE = frozenset({"und", "mul", "zxx", "mis"})
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{2,8})*$")


class CodeError(ValueError):
    """A country or language that names nothing known; the message says what to write."""


def country_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code for a code, an alpha-3 code or an English name; None for blank."""
    if value is None or not value.strip():
        return None
    return _country(" ".join(value.split()))


@lru_cache(maxsize=512)
def _country(written: str) -> str:
    import pycountry

    alias = _COUNTRY_ALIASES.get(written.lower())
    if alias:
        return alias
    if _USER_ASSIGNED.match(written.upper()):
        return written.upper()
    found = None
    if len(written) == 2:
        found = pycountry.countries.get(alpha_2=written.upper())
    elif len(written) == 3:
        found = pycountry.countries.get(alpha_3=written.upper())
    if found is None and len(written) > 3:
        code = _country_names().get(written.casefold())
        if code:
            return code
    if found is None:
        raise CodeError(
            f"unknown country {written!r}: use a two-letter ISO 3166 code (DE, US, KR, JP) or the "
            "country's English name")
    return str(found.alpha_2)


def language_code(value: str | None) -> str | None:
    """ISO 639-1 code for a code, a tag ("en-US"), an alpha-3 code or an English name."""
    if value is None or not value.strip():
        return None
    return _language(" ".join(value.split()))


@lru_cache(maxsize=512)
def _language(written: str) -> str | None:
    import pycountry

    alias = _LANGUAGE_ALIASES.get(written.lower())
    if alias:
        return alias
    tag = _TAG.match(written)
    found = None
    if tag:
        primary = tag.group(1).lower()
        if primary in _NO_LANGUAGE:
            return None
        # By code only: looked up freely, "en" would find the language named "En", and one
        # letter any language at all.
        found = (pycountry.languages.get(alpha_2=primary) if len(primary) == 2
                 else pycountry.languages.get(alpha_3=primary))
    if found is None and len(written) > 3:
        code = _language_names().get(written.casefold())
        if code:
            return code
    # A language without a two-letter code (Cantonese "yue", Filipino "fil") keeps its three-letter
    # one.
    code = (getattr(found, "alpha_2", None) or found.alpha_3) if found is not None else None
    if not code:
        raise CodeError(
            f"unknown language {written!r}: use a two-letter ISO 639-1 code (en, de, ko, ja) or the "
            "language's English name")
    return str(code)


def _plain_names(record: object, attributes: tuple[str, ...]) -> set[str]:
    """A record's names, folded, also without a bracketed note ("Swahili (macrolanguage)"), a
    "Modern" ("Modern Greek (1453-)") or an inverted form ("Korea, Republic of")."""
    names: set[str] = set()
    for attribute in attributes:
        value = getattr(record, attribute, None)
        if not value:
            continue
        for name in str(value).split(";"):
            name = name.strip()
            bare = re.sub(r"\s*\(.*?\)", "", name).strip()
            for form in (name, bare, bare.removeprefix("Modern ")):
                names.add(form.casefold())
                if ", " in form:
                    head, _, tail = form.partition(", ")
                    names.add(f"{tail} {head}".casefold())
    return names


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    import pycountry

    index: dict[str, str] = {}
    for country in pycountry.countries:
        for name in _plain_names(country, ("name", "official_name", "common_name")):
            index.setdefault(name, str(country.alpha_2))
    return index


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    import pycountry

    index: dict[str, str] = {}
    # Languages with a two-letter code first: their names win over a dialect's or an old form's.
    ordered = sorted(pycountry.languages, key=lambda language: getattr(language, "alpha_2", None) is None)
    for language in ordered:
        code = getattr(language, "alpha_2", None) or language.alpha_3
        for name in _plain_names(language, ("name", "common_name", "inverted_name")):
            index.setdefault(name, str(code))
    return index
