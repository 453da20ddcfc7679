"""Time expressions in English news: find them and resolve them against the publication date.

``find_times`` returns one :class:`~parallax.model.TimeRef` per expression with a TimeML (TIMEX3)
value, so "Wednesday" in an article of Wednesday 5 May 2021 becomes ``2021-05-05``, "February last
year" ``2020-02``, "20 minutes" the duration ``PT20M`` and "every week" the set ``P1W``.

How it works: every rule below is a regular expression built from the vocabularies at the top of
the module. The rules run over the whole text, except those that name strings ("triggers") one
of which every match of theirs holds, when the text holds none of them: those rules could not
match it. Where matches overlap the longest wins (ties go to the rule listed first), which is how
"February last year" beats "last year" and "Friday, Oct. 23" beats "Friday". The chosen matches
are then resolved in reading order, because some expressions ("a year earlier", "the quarter",
"that day") take their value from the last date mentioned.

Expressions that name no calendar position on their own (a weekday, a month without a year, a
quarter) are placed before or after the publication date by the tense of the nearest verb: news
reports mostly look back, so the past is the default.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from parallax.model import TimeRef

# -- vocabularies ------------------------------------------------------------------------------

MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
MONTH_ABBREVIATIONS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
MONTH_NUMBERS: dict[str, int] = {**MONTHS, **MONTH_ABBREVIATIONS}
#: Month names that are also common words or first names: alone, they count only after a word
#: that introduces a date ("in May", "since March").
AMBIGUOUS_MONTHS = frozenset({"may", "march", "april", "june", "august"})
#: Words that, right before a bare month name, show it is the month.
MONTH_CUES = frozenset({
    "in", "since", "until", "till", "by", "during", "through", "from", "to", "of", "before", "after",
    "early", "late", "mid", "last", "this", "next", "between", "and", "or", "on", "for", "throughout",
    "around", "about", "as", "past", "coming", "each", "every", "that", "a", "an", "the", "late-",
    "mid-", "early-", "its", "their", "his", "her",
})

WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}

SMALL_NUMBERS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
#: Counting phrases that stand for a number ("a year", "a couple of weeks").
NUMBER_PHRASES: dict[str, float] = {
    "a": 1, "an": 1, "one": 1, "a single": 1, "a couple of": 2, "a couple": 2, "couple of": 2,
    "a dozen": 12, "dozen": 12, "half a dozen": 6, "a half": 0.5, "half a": 0.5, "half an": 0.5,
    "a hundred": 100, "hundred": 100, "a thousand": 1000,
}
#: Amounts that say "some number of": their durations get an ``X`` ("several years" -> PXY).
VAGUE_AMOUNTS = frozenset({
    "several", "a few", "few", "some", "many", "a number of", "numerous", "countless", "a couple",
    "the next few", "dozens of", "hundreds of", "thousands of",
})

ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "twenty-second": 22, "twenty-third": 23,
    "twenty-fourth": 24, "twenty-fifth": 25, "twenty-sixth": 26, "twenty-seventh": 27,
    "twenty-eighth": 28, "twenty-ninth": 29, "thirtieth": 30, "thirty-first": 31,
}


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of time as TimeML writes it: ``letter`` after ``P`` (or ``PT`` for clock units)."""

    letter: str
    clock: bool = False
    years: int = 0  # decades and centuries are written in years when counted ("two decades" P20Y)
    vague_letter: str = ""  # ... but with their own letter when not ("decades" PXE)
    precision: str = "day"  # the precision of a date reached by counting these ("two weeks ago")


UNITS: dict[str, Unit] = {
    "second": Unit("S", clock=True, precision="time"),
    "minute": Unit("M", clock=True, precision="time"),
    "hour": Unit("H", clock=True, precision="time"),
    "day": Unit("D", precision="day"),
    "night": Unit("D", precision="day"),
    "week": Unit("W", precision="week"),
    "fortnight": Unit("W", precision="week"),
    "month": Unit("M", precision="month"),
    "quarter": Unit("Q", precision="quarter"),
    "year": Unit("Y", precision="year"),
    "decade": Unit("Y", years=10, vague_letter="E", precision="year"),
    "century": Unit("Y", years=100, vague_letter="C", precision="year"),
    "millennium": Unit("Y", years=1000, vague_letter="L", precision="year"),
}
#: Plural and variant spellings of the unit names.
UNIT_FORMS: dict[str, str] = {
    **{name: name for name in UNITS},
    **{name + "s": name for name in UNITS},
    "centuries": "century", "millennia": "millennium", "millenniums": "millennium", "yr": "year",
    "yrs": "year", "mins": "minute", "min": "minute", "hrs": "hour", "hr": "hour", "secs": "second",
}
#: The next smaller unit, for writing halves ("2 1/2 years" -> P2Y6M).
FINER_UNIT: dict[str, tuple[str, int]] = {
    "year": ("month", 12), "month": ("day", 30), "week": ("day", 7), "day": ("hour", 24),
    "hour": ("minute", 60), "minute": ("second", 60),
}

#: Seasons and the months they cover (winter runs into the next year; Jan and Feb belong to the
#: winter that began in the previous December).
SEASONS: dict[str, str] = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
SEASON_ORDER = ("SP", "SU", "FA", "WI")
SEASON_OF_MONTH = {3: 0, 4: 0, 5: 0, 6: 1, 7: 1, 8: 1, 9: 2, 10: 2, 11: 2, 12: 3, 1: 3, 2: 3}

#: Parts of the day, as TimeML writes them after ``T``.
DAY_PARTS: dict[str, str] = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI",
    "mid-afternoon": "AF", "midafternoon": "AF", "mid-morning": "MO", "midmorning": "MO",
}

TIME_ZONES = (
    "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "GMT", "UTC", "BST", "CET", "CEST",
    "JST", "KST", "IST", "AEST", "AEDT", "ET", "PT", "MSK", "HKT", "SGT",
)

#: Events that news names by their date alone, with the nouns that, written after the date, show
#: the date names the event ("the Sept. 11 attacks", "a Jan. 6 defendant"): year, nouns.
KNOWN_DATED_EVENTS: dict[tuple[int, int], tuple[int, str]] = {
    # Not "the Sept. 11 attack" alone: that is as often Benghazi's, in 2012.
    (9, 11): (2001, r"attacks|hijack\w*|terror(?:ist)?\s+attacks|victims?|families|commission|memorial|"
                    r"museum|first\s+responders?|plot\w*|era"),
    (1, 6): (2021, r"attack|riots?|rioters?|insurrection\w*|defendants?|committee|panel|hearings?|"
                   r"probe|investigation|breach|siege|mob|pardons?"),
    (10, 7): (2023, r"attacks?|massacres?|assault|hostages?|invasion|terror\w*"),
}

#: Adverbs and set phrases that denote a recurrence.
SET_WORDS: dict[str, str] = {
    "daily": "P1D", "nightly": "P1D", "weekly": "P1W", "biweekly": "P2W", "monthly": "P1M",
    "bimonthly": "P2M", "quarterly": "P3M", "annually": "P1Y", "yearly": "P1Y", "hourly": "PT1H",
    "semiannually": "P6M", "biannually": "P6M", "year-round": "P1Y",
}

#: Words of recurrence that also name a periodical ("the daily Harbor Post", "the weekly said").
PUBLICATION_WORDS = frozenset({"daily", "weekly", "monthly", "quarterly"})
#: Words that say what kind of periodical one is ("the business daily ...").
PRESS_KINDS = frozenset({
    "conservative", "liberal", "left", "right", "leftist", "rightist", "left-wing", "right-wing",
    "centre-left", "center-left", "centre-right", "center-right", "business", "financial", "state-run",
    "state-owned", "official", "national", "local", "regional", "english-language", "pro-government",
    "opposition", "independent", "popular", "leading", "tabloid", "mass-circulation", "influential",
    "respected", "sports", "economic", "news", "newsmagazine",
})
_DETERMINERS = frozenset({
    "the", "a", "an", "its", "their", "his", "her", "our", "this", "that", "each", "every",
})

#: Words in -s before "a day", "a year" that are not counted things, so the phrase is no rate.
NOT_COUNTED_NOUNS = frozenset({
    "was", "has", "this", "its", "his", "as", "less", "across", "thus", "perhaps", "always", "plus",
    "unless", "takes", "lasts", "needs", "gets", "spends", "gives", "does", "goes", "comes", "seems",
    "means", "remains", "becomes", "makes", "is", "whereas", "besides", "towards", "afterwards",
})

#: Nouns that "daily", "quarterly" ... qualify as the period a figure is counted over.
RATE_NOUNS = (
    "dividends?", "results?", "reports?", "earnings", "profits?", "loss(?:es)?", "payments?", "rates?",
    "sales", "volume", "turnover", "distributions?", "averages?", "figures?", "output", "revenues?",
)

#: Vague references to the present, past and future (TimeML's ``*_REF`` values).
REF_WORDS: dict[str, str] = {
    "now": "PRESENT_REF", "right now": "PRESENT_REF", "currently": "PRESENT_REF",
    "current": "PRESENT_REF", "nowadays": "PRESENT_REF", "these days": "PRESENT_REF",
    "at present": "PRESENT_REF", "presently": "PRESENT_REF", "the present": "PRESENT_REF",
    "at the moment": "PRESENT_REF",
    "recently": "PAST_REF", "recent": "PAST_REF", "lately": "PAST_REF", "the past": "PAST_REF",
    "once upon a time": "PAST_REF",
    "more recently": "PAST_REF", "until recently": "PAST_REF", "most recently": "PAST_REF",
    "the future": "FUTURE_REF", "future": "FUTURE_REF", "soon": "FUTURE_REF",
    "the near future": "FUTURE_REF", "the near term": "FUTURE_REF", "the short term": "FUTURE_REF",
    "the long term": "FUTURE_REF", "the long run": "FUTURE_REF", "the short run": "FUTURE_REF",
    "near-term": "FUTURE_REF", "someday": "FUTURE_REF", "a later date": "FUTURE_REF",
    "as soon as possible": "FUTURE_REF", "the foreseeable future": "FUTURE_REF",
}
#: References that help compare reports but that TimeML corpora leave unmarked, because they qualify
#: a role or order two events rather than place one in time ("the former minister", "previously
#: announced"); ``find_times(..., timeml=True)`` leaves them out.
EXTENSION_REF_WORDS: dict[str, str] = {"former": "PAST_REF", "formerly": "PAST_REF", "previously": "PAST_REF"}

def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday of a month (n = -1 for the last one)."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    lx = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * lx) // 433
    month = (h + lx - 7 * m + 90) // 25
    return date(year, month, (h + lx - 7 * m + 33 * month + 19) % 32)


#: Fixed-date and movable holidays: name -> the day in a given year.
HOLIDAYS: dict[str, Callable[[int], date]] = {
    "New Year's Day": lambda y: date(y, 1, 1),
    "New Year's Eve": lambda y: date(y, 12, 31),
    "Christmas Day": lambda y: date(y, 12, 25),
    "Christmas Eve": lambda y: date(y, 12, 24),
    "Christmas": lambda y: date(y, 12, 25),
    "Boxing Day": lambda y: date(y, 12, 26),
    "Valentine's Day": lambda y: date(y, 2, 14),
    "Halloween": lambda y: date(y, 10, 31),
    "Independence Day": lambda y: date(y, 7, 4),
    "Bastille Day": lambda y: date(y, 7, 14),
    "Veterans Day": lambda y: date(y, 11, 11),
    "Armistice Day": lambda y: date(y, 11, 11),
    "Thanksgiving Day": lambda y: _nth_weekday(y, 11, 3, 4),
    "Thanksgiving": lambda y: _nth_weekday(y, 11, 3, 4),
    "Labor Day": lambda y: _nth_weekday(y, 9, 0, 1),
    "Memorial Day": lambda y: _nth_weekday(y, 5, 0, -1),
    "Martin Luther King Day": lambda y: _nth_weekday(y, 1, 0, 3),
    "Election Day": lambda y: _nth_weekday(y, 11, 0, 1) + timedelta(days=1),
    "Easter Sunday": _easter,
    "Easter": _easter,
    "Good Friday": lambda y: _easter(y) - timedelta(days=2),
    "Easter Monday": lambda y: _easter(y) + timedelta(days=1),
    "Palm Sunday": lambda y: _easter(y) - timedelta(days=7),
    "Maundy Thursday": lambda y: _easter(y) - timedelta(days=3),
    "Holy Thursday": lambda y: _easter(y) - timedelta(days=3),
    "Ash Wednesday": lambda y: _easter(y) - timedelta(days=46),
    "Shrove Tuesday": lambda y: _easter(y) - timedelta(days=47),
    "Black Friday": lambda y: _nth_weekday(y, 11, 3, 4) + timedelta(days=1),
    "Cyber Monday": lambda y: _nth_weekday(y, 11, 3, 4) + timedelta(days=4),
}
#: Capitalised words that may follow a holiday's name in an expression of time.
HOLIDAY_FOLLOWERS = (
    "Week", "Weekend", "Morning", "Afternoon", "Evening", "Night", "Holiday",
    "Holidays", "Season", "Break", "Recess", *(w.capitalize() for w in WEEKDAYS),
)
#: Names of particular days that no rule dates ("Black Monday" of 1987, "Super Tuesday" of
#: each primary season): the weekday in them is no reference to a day of the current week.
NAMED_DAY_WORDS = frozenset({"black", "bloody", "super", "blue"})

#: Words near an expression that show the tense of its clause. The nearest cue decides; on a tie a
#: future cue wins over a past one, so that "is scheduled" is not taken for a past tense.
FUTURE_CUES = (
    r"will", r"won't", r"wo\s+n't", r"'ll", r"shall", r"would", r"upcoming", r"payable", r"effective",
    r"scheduled", r"slated", r"meets", r"begins", r"starts", r"opens", r"arrives", r"leaves",
    r"visits", r"resumes", r"convenes", r"testifies", r"takes\s+effect", r"goes\s+into\s+effect",
    r"comes\s+into\s+force", r"expires", r"(?:is|are)\s+set\s+for", r"set\s+for",
    r"(?:is|are)\s+up\s+for", r"(?:is|are)\s+due(?!\s+to\b)",
    r"(?:(?:is|are|was|were|am|be)\s+)?(?:scheduled|slated|due|expected|set|planning|going|poised|"
    r"about|likely|supposed|ready)\s+to",
    r"(?:is|are|was|were)\s+to", r"(?:is|are|am)\s+preparing\s+to", r"to\s+be", r"plans?\s+to",
    r"intends?\s+to", r"aims?\s+to",
    r"hopes?\s+to", r"expects?\s+to", r"wants?\s+to", r"seeks?\s+to",
    # Modals that speak of what is still possible: "can take part in the summit in April".
    r"can", r"should", r"must", r"might",
)
#: A time or condition clause in the present speaks of the future ("when the appeal is heard in
#: May", "once it is finished in June"), but only of a time that follows it: in "did not say
#: Monday if the suspect is armed" or "In January, when heating needs are greatest" the clause
#: dates nothing before it.
CLAUSE_CUES = (
    r"(?:when|once|until|unless|if)\s+(?:(?:the|a|an|its|his|her|their|this|that)\s+)?"
    r"(?:[\w'-]+\s+){0,2}?(?-i:is|are)",
)
#: Plans and decisions reported in the past tense: they point ahead only to a time after them
#: ("planned to leave on Thursday", "voted to meet again on Friday"); a time before them is when
#: the plan was made or the decision taken ("On Friday, the government planned to pay the first
#: claims", "senators on Tuesday voted to overturn the veto").
PLAN_CUES = (r"planned\s+to", r"intended\s+to", r"agreed\s+to", r"decided\s+to", r"voted\s+to")
#: Plans that had been overtaken by the time of writing: these speak of the past.
PAST_PLAN_CUES = (
    r"had\s+been\s+(?:scheduled|slated|due|expected|set|supposed|planned|intended)(?:\s+to)?",
    r"(?:was|were)\s+originally\s+(?:scheduled|slated|due|expected|set|planned)(?:\s+to)?",
    r"(?:was|were)\s+about\s+to",
)
#: A preposition right before the expression settles its direction ("since May", "by May").
TENSE_PREPOSITIONS: dict[str, int] = {
    "since": -1, "by": 1, "until": 1, "till": 1, "as soon as": 1, "as early as": 1,
}
#: ... unless the clause is in the past perfect ("had filed reports by Wednesday"), or a
#: sentence opens with "By Tuesday," and goes on in the past.
_PAST_PERFECT = re.compile(r"\bhad\b|\w'd\b", re.IGNORECASE)
_OPENING_BY = re.compile(r"[\s\"'`(\u201c]*by\s+", re.IGNORECASE)
PAST_IRREGULAR = (
    "said", "told", "was", "were", "had", "did", "met", "began", "came", "went", "took", "made",
    "gave", "held", "left", "won", "lost", "fell", "rose", "sent", "spoke", "wrote", "found", "got",
    "paid", "sold", "bought", "brought", "thought", "kept", "became", "ran", "struck", "shot", "saw",
    "knew", "led", "stood", "broke", "chose", "drew", "drove", "flew", "hung", "laid", "meant",
    "quit", "rode", "sat", "shook", "spent", "stole", "swore", "taught", "threw", "understood",
    "woke", "withdrew", "fought", "sought", "felt", "heard", "ago", "earlier", "overtook", "forgot",
    "grew", "slid", "sank", "spread", "fled", "arose", "dealt", "bore", "wept",
)
#: Words ending in -ed that are not past tenses.
NOT_PAST = frozenset({
    "need", "indeed", "speed", "seed", "feed", "bed", "shed", "red", "hundred", "proceed",
    "succeed", "exceed", "breed", "greed", "deed", "weed", "bleed", "steed", "naked", "wicked",
    "sacred", "kindred", "scheduled", "expected", "planned", "slated", "proposed", "based",
    "related", "united", "limited", "so-called", "detailed", "advanced", "skilled", "ed",
})

# -- regular-expression building blocks ---------------------------------------------------------


def _alt(words: Iterable[str], *, cased: bool = False) -> str:
    """An alternation that tries longer words first, so that "Christmas Eve" is tried before
    "Christmas", written as a tree of shared beginnings.

    The rules are run case-blind, and a case-blind alternative is entered in full before its
    first letter is compared: a flat list of sixty words costs sixty entries at every word of the
    text. The tree ("t(?:wo|hree|en)") enters one branch per letter that can follow. It matches
    what the flat list matches, in the same order of trial: of two words one of which begins the
    other, the longer is tried first; other words cannot both match at one place. That holds
    where no two words differ only in case, so a list with capitals stays flat unless it is
    matched case by case (``cased``).
    """
    escaped = {re.escape(w).replace(r"\ ", " ").replace(" ", r"\s+") for w in words}
    if not cased and any(w != w.lower() for w in escaped):
        return "|".join(sorted(escaped, key=len, reverse=True))
    tree: dict[str, Any] = {}
    for pattern in sorted(escaped):  # the same pattern on every run
        node = tree
        for unit in _PATTERN_UNIT.findall(pattern):
            node = node.setdefault(unit, {})
        node[""] = {}
    return _branches(tree)


#: One unit of an escaped word: a run of spaces, an escaped character, or a character.
_PATTERN_UNIT = re.compile(r"\\s\+|\\.|.", re.DOTALL)


def _branches(node: dict[str, Any]) -> str:
    """The alternatives below a node of :func:`_alt`'s tree, the end of a word tried last."""
    parts = [unit + _grouped(child) for unit, child in node.items() if unit]
    if "" in node:
        parts.append("")
    return "|".join(parts)


def _grouped(node: dict[str, Any]) -> str:
    inner = _branches(node)
    return "(?:" + inner + ")" if len(node) > 1 else inner


def _proper(words: Iterable[str]) -> str:
    """Names that must be written as names (capitalised or upper case), in a case-blind pattern."""
    forms = {f for w in words for f in (w[:1].upper() + w[1:], w.upper())}
    return "(?-i:" + _alt(forms, cased=True) + ")"


_NUMBER_WORDS = {**SMALL_NUMBERS, **TENS}
#: Words written with a capital in any position of an expression.
_NAME_WORDS = frozenset(
    set(MONTH_NUMBERS) | set(WEEKDAYS) | {w.lower() for h in HOLIDAYS for w in h.split()} | {"i"}
)

FRAGMENTS: dict[str, str] = {
    # An abbreviation may carry its full stop ("Sept."); a full name never does.
    "MONTH": "(?:" + _proper(MONTHS) + "|" + _proper(MONTH_ABBREVIATIONS) + r"(?![A-Za-z])\.?)(?![A-Za-z])",
    "WEEKDAY": _proper(WEEKDAYS) + r"(?![A-Za-z])",
    "DAY": r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d|[:.,]\d|%)|" + _alt(ORDINALS),
    "DAYNUM": r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d|[:.,]\d|%)",
    "YEAR4": r"(?:1[0-9]\d\d|20\d\d)(?![\d%]|,\d|-\d|\.\d)",
    "SPOKEN_YEAR": r"(?:nineteen|twenty)[\s-]+(?:" + _alt(TENS) + r")(?:[\s-]+(?:"
    + _alt(k for k, v in SMALL_NUMBERS.items() if 0 < v < 10) + r"))?"
    + r"|(?:nineteen|twenty)[\s-]+(?:" + _alt(k for k, v in SMALL_NUMBERS.items() if v >= 10) + r")"
    + r"|(?:the\s+year\s+)?two\s+thousand(?:\s+and)?(?:[\s-]+(?:"
    + _alt(k for k, v in SMALL_NUMBERS.items() if v > 0) + r"))?",
    "NUM": r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|(?:" + _alt(TENS) + r")(?:[\s-]+(?:"
    + _alt(k for k, v in SMALL_NUMBERS.items() if 0 < v < 10) + r"))?|" + _alt(SMALL_NUMBERS)
    + "|" + _alt(NUMBER_PHRASES),
    "VAGUE": _alt(VAGUE_AMOUNTS),
    "UNIT": _alt(UNIT_FORMS),
    "UNITS1": _alt(UNITS),  # singular only, for adjectives ("a two-year term")
    "HALF": r"(?:\s+and\s+a\s+half|\s+1/2|\s*\u00bd)",
    # Modifiers that are part of a duration ("more than four hours"); focus words such as "only"
    # or "just" are not.
    "QMOD": _alt((
        "about", "around", "approximately", "roughly", "nearly", "almost", "more than", "less than",
        "fewer than", "at least", "at most", "up to", "no more than", "no less than", "some", "over",
        "under",
    )),
    # Modifiers that may precede a determiner ("at least the past 18 months"); "over the past two
    # weeks" and the like are prepositions, which TimeML leaves out.
    "DETMOD": _alt((
        "about", "around", "approximately", "roughly", "nearly", "almost", "more than", "less than",
        "at least", "at most", "up to", "no more than", "no less than", "well over", "just over",
        "close to",
    )),
    "DATEMOD": _alt((
        "early", "late", "mid", "middle", "the end of", "the beginning of", "the start of",
        "the middle of", "the close of", "the turn of", "the rest of", "the remainder of",
        "the early", "the late", "the mid", "around", "about", "approximately", "as early as",
        "as late as", "the first half of", "the second half of", "the latter half of",
        "the last half of", "end-", "year-end",
    )),
    "TZ": _proper(TIME_ZONES) + r"(?![A-Za-z])",
    # "that" pointing back to a time ("in Eastport that June", "That June, ..."), after a
    # preposition or at a sentence's start; not the conjunction ("said that May was ...").
    # The word comes first and the look back after it, so that the look back runs only where
    # "that" stands (it is tried at every position otherwise).
    "THAT": r"that(?:" + "|".join(rf"(?<=\b{p}\sthat)" for p in ("in", "at", "on", "by", "of", "during",
                                                                 "until", "since", "from", "through", "till"))
    + r"|(?<=[.!?\n]\sthat)|(?<=\nthat))(?:\s+same)?",
    # A one-word holiday followed by another capitalised word is the name of something else: the
    # "Easter Egg Roll" falls on a Monday, the "Easter Rising" in 1916, the "Christmas Tree
    # Lighting" weeks ahead. Words of time ("Christmas Week") stay with it, and a name of two
    # words ("Thanksgiving Day Parade") still names the day.
    "HOLIDAY": "(?:" + _proper(h for h in HOLIDAYS if " " in h) + "|"
    + _proper(h for h in HOLIDAYS if " " not in h)
    + r"(?![A-Za-z])(?!\s+(?!(?:" + _alt(HOLIDAY_FOLLOWERS) + r")(?![A-Za-z]))(?-i:[A-Z][a-z])))"
    + r"(?![A-Za-z])",
    "SEASON": _alt(SEASONS),
    "DAYPART": _alt(DAY_PARTS),
    "SETWORD": "(?-i:" + _alt(SET_WORDS) + ")",
    "REF": _alt(REF_WORDS),
    "EXTREF": _alt(EXTENSION_REF_WORDS),
    "DECADEWORD": _alt(("twenties", "thirties", "forties", "fifties", "sixties", "seventies",
                        "eighties", "nineties")),
}


def _expand(template: str) -> str:
    """Fill ``{NAME}`` placeholders from FRAGMENTS; other braces (``{0,3}``) are left alone."""
    return re.sub(r"\{([A-Z][A-Z0-9_]*)\}", lambda m: "(?:" + FRAGMENTS[m.group(1)] + ")", template)


#: Strings that :func:`_rules_for` looks for before running a rule (see ``RULES``). The rules
#: match a month by its name or abbreviation, each of which starts with one of these.
_MONTH_TRIGGERS = tuple(sorted({name[:3] for name in MONTH_NUMBERS}))
#: ... and a holiday by its whole name, of which this takes the longest word.
_HOLIDAY_TRIGGERS = tuple(sorted({max(name.split(), key=len).lower() for name in HOLIDAYS}))

#: The rules, in priority order for matches of equal length: (name, pattern, triggers). Group
#: names inside a pattern tell the resolver what was matched.
#:
#: Running a rule's expression over the text is most of what finding times costs, and most
#: rules need a word that most paragraphs lack. ``triggers`` lists strings of which every match
#: of the rule holds at least one, lower-cased: a paragraph that holds none of them cannot match
#: the rule, so the rule is not run over it, which changes nothing in the result. Each trigger is spelt out
#: letter for letter by the pattern, and between them they cover every alternative of it (the
#: quarter rule always says "quarter" or "period"); none holds a character that stands for a
#: class (``\s`` matches any space, ``\d`` any script's digits). ``None`` where what every match
#: holds is in nearly every text ("a", a digit, "day"): the rule runs over every paragraph.
#: ``tests/test_timex_prefilter.py`` checks the triggers against matches generated from each
#: pattern and found in news text.
RULES: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    # 2021-05-05 (ISO), also 2021.05.05 and 2021/05/05 as East Asian outlets write it.
    ("iso", r"(?<![\w./-])(?P<y>\d{4})(?P<sep>[-./])(?P<m>\d\d)(?P=sep)(?P<d>\d\d)"
            r"(?:T(?P<H>\d\d):(?P<M>\d\d))?(?![\w-]|[./]\d)",
     None),
    ("numeric", r"(?<![\w/.$-])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\w/])", ("/",)),
    ("nine_eleven", r"(?<![\w/.$-])9/11(?![\w/]|\.\d)", ("/",)),  # the day of the 2001 attacks
    ("clock",
     r"(?:(?P<approx>around|about|approximately|roughly|shortly\s+(?:before|after)|just\s+(?:before|"
     r"after)|exactly|precisely)\s+)?"
     r"(?:(?P<h>\d{1,2})(?:[:.](?P<min>[0-5]\d))?\s*(?P<ampm>[ap])\.?\s?m\b\.?"
     r"|(?P<h24>[01]?\d|2[0-3]):(?P<min24>[0-5]\d)(?=\s*(?:{TZ}|local\s+time|hours\b))"
     r"|(?<![\w.,:-])(?P<h4>[01]\d|2[0-3])(?P<m4>[0-5]\d)(?=\s*(?:UTC|GMT)\b)"
     r"|(?<![\w-])(?<!high\s)(?P<named>noon|midnight|midday)"
     r"|(?P<wh>\d{1,2}|" + _alt(k for k, v in SMALL_NUMBERS.items() if 0 < v <= 12) + r")"
     r"(?:\s+o'clock)?\s+(?P<pod>in\s+the\s+(?:morning|afternoon|evening)|at\s+night)"
     r"|(?P<oc>\d{1,2}|" + _alt(k for k, v in SMALL_NUMBERS.items() if 0 < v <= 12) + r")\s+o'clock)"
     r"(?:\s+(?P<tz>{TZ}))?"
     r"(?:,?\s+(?:on\s+)?(?P<dayref>{WEEKDAY}(?:,?\s+{MONTH}\s+{DAYNUM})?|today|tonight|yesterday|"
     r"tomorrow|{MONTH}\s+{DAYNUM}(?:,\s+{YEAR4})?))?",
     None),  # "3 pm", "15:30 GMT", "noon": "pm" and ":" are in nearly every text
    ("month_day",
     r"(?:(?P<week>the\s+week\s+of)\s+)?(?:(?P<wd>{WEEKDAY}),?\s+)?(?:(?P<mod>around|about|approximately|"
     r"early|late|mid|as\s+early\s+as|as\s+late\s+as)\s+)?(?:(?P<rel>last|this|next|this\s+past|"
     r"this\s+coming|{THAT})\s+)?(?P<mon>{MONTH})\s+(?P<day>{DAY})"
     r"(?:,?\s+(?P<year>{YEAR4}|{SPOKEN_YEAR}))?",
     _MONTH_TRIGGERS),
    ("day_month",
     r"(?:(?P<wd>{WEEKDAY}),?\s+)?(?:the\s+(?P<day2>{DAY})\s+of|(?P<day>{DAYNUM})(?:\s+of)?)\s+"
     r"(?P<mon>{MONTH})(?:,?\s+(?P<year>{YEAR4}|{SPOKEN_YEAR}))?",
     _MONTH_TRIGGERS),
    ("month_year",
     r"(?:(?P<mod>{DATEMOD})[\s-]+)?(?P<mon>{MONTH}),?\s+(?:of\s+)?(?P<year>{YEAR4}|{SPOKEN_YEAR})",
     _MONTH_TRIGGERS),
    ("month_rel",
     r"(?:(?P<mod>{DATEMOD})[\s-]+)?(?P<mon>{MONTH})\s+(?:of\s+)?(?P<rel>last|this|next|the\s+previous|"
     r"the\s+following|the\s+same)\s+year",
     _MONTH_TRIGGERS),
    ("month",
     r"(?:(?P<mod>{DATEMOD})[\s-]+)?(?:(?P<rel>last|this|next|this\s+past|this\s+coming|"
     r"the\s+previous|the\s+following|coming|past|{THAT})\s+)?(?P<mon>{MONTH})(?!\s*\d)",
     _MONTH_TRIGGERS),
    ("holiday", r"(?:(?P<rel>last|this|next|this\s+past|this\s+coming)\s+)?(?P<name>{HOLIDAY})"
                r"(?:\s+(?P<year>{YEAR4}))?(?:\s+(?P<week>week)(?![\w-]))?",
     _HOLIDAY_TRIGGERS),
    ("day_around",
     r"(?:the\s+)?day\s+(?P<dir>before|after)\s+(?:(?P<rel>last|next|this\s+past|this\s+coming)\s+)?"
     r"(?:(?P<wd>{WEEKDAY})(?!,?\s+(?:{MONTH}|\d))|(?P<name>{HOLIDAY})(?:,?\s+(?P<year>{YEAR4}))?)(?![\w-])",
     ("before", "after")),
    ("decade",
     r"(?:the\s+)?(?:(?P<mod>early|late|mid|middle)[\s-]+)?(?:(?P<d4>1\d\d0|20\d0)'?s"
     r"|['\u2019](?P<d2>\d0)'?s|(?P<word>{DECADEWORD}))(?![\w-])",
     ("0s", "0's", "ties")),  # "1990s", "'90's", "nineties"
    ("short_year", r"(?P<pre>since|from|until|till|through|to|class\s+of)\s+(?P<year>['\u2019](?P<yy>\d\d))"
                   r"(?![\w'\u2019%])",
     ("since", "from", "until", "till", "through", "to", "class")),  # "lowest level since '82"
    ("century",
     r"(?:the\s+)?(?:(?P<mod>early|late|mid)[\s-]+)?(?:(?P<ord>" + _alt(ORDINALS)
     + r"|\d{1,2}(?:st|nd|rd|th))[\s-]+century|(?P<rel>this|last|next|the\s+last|the\s+next|"
     r"the\s+previous|the\s+current)\s+century)(?![\w-])",
     ("century",)),
    ("quarter",
     # A determiner belongs to "the third quarter" but not to the adjective in "a third-quarter loss".
     r"(?:(?P<det>the|a|this\s+year's|last\s+year's|next\s+year's|(?:the\s+)?current\s+year's)\s+"
     r"(?!(?:first|second|third|fourth)-(?:quarter|period)))?"
     r"(?P<pre>(?:(?:{YEAR4}|fiscal|year-earlier|year-ago|year\s+earlier|year\s+ago|latest|comparable|"
     r"same|corresponding|flat|current|calendar|weak|strong|disappointing|final|fiscal-first|"
     r"fiscal-second|fiscal-third|fiscal-fourth)[\s-]+){0,3})"
     r"(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|final)[\s-]+(?:fiscal[\s-]+)?"
     r"(?:quarter|period)(?![\w-]|\s+of\s+(?:a|an|the|its|their|this(?!\s+(?:fiscal\s+)?year\b)|that|one)\b)"
     r"(?:\s+(?:of|in)\s+(?:(?:fiscal\s+(?:year\s+)?)?(?P<year>{YEAR4})|(?P<rel>last|this|next)\s+"
     r"(?:fiscal\s+)?year|the\s+(?P<ana>year|previous\s+year|prior\s+year|current\s+year|"
     r"fiscal\s+year)))?",
     ("quarter", "period")),
    ("quarter_rel",
     r"(?:(?P<det>the|its|their|this|last|next|that)\s+)?"
     r"(?P<pre>(?:(?:latest|current|past|previous|prior|recent|year-earlier|year-ago|year\s+earlier|"
     r"comparable|same|corresponding|{YEAR4}|fiscal|just-ended|just\s+ended|most\s+recent|coming|"
     r"next|following|second-half)[\s-]+){0,3})(?P<what>quarter|period)(?![\w-]|\s+of\b)",
     ("quarter", "period")),
    ("half",
     r"(?:(?P<det>the|its|their|this\s+year's|last\s+year's)\s+)?(?:(?P<pre>{YEAR4}|fiscal)[\s-]+)?"
     r"(?P<ord>first|second|latter|last)[\s-]+half"
     r"(?:\s+of\s+(?:(?:fiscal\s+)?(?P<year>{YEAR4})|(?P<rel>last|this|next)\s+year|the\s+year)"
     r"|(?!\s+of\b))",
     ("half",)),
    ("season",
     r"(?:(?P<mod>early|late|mid|the\s+early|the\s+late)[\s-]+)?(?:(?P<det>the|this|last|next|"
     r"this\s+past|this\s+coming|that|past|coming)\s+)?(?:(?P<mod2>early|late|mid)[\s-]+)?"
     r"(?P<season>{SEASON})(?:\s+(?:of\s+)?(?P<year>{YEAR4}|{SPOKEN_YEAR}))?(?![\w-])",
     tuple(SEASONS)),
    ("year",
     r"(?:(?P<mod>{DATEMOD})[\s-]*)?(?:(?P<fiscal>fiscal(?:\s+year)?|calendar(?:\s+year)?|"
     r"the\s+year|model\s+year|pre-|post-)\s*)?(?P<year>{YEAR4}|{SPOKEN_YEAR})(?![\w-]|\s*(?:%|percent))",
     ("1", "20", "nineteen", "twenty", "thousand")),  # 1000-1999, 2000-2099, or spoken
    ("relday",
     r"(?:(?P<mod>earlier|later|early|late|mid-?)[\s-]+)?(?:(?P<pod0>{DAYPART})\s+)?"
     r"(?P<rel>today|tonight|yesterday|tomorrow|the\s+day\s+before\s+yesterday|"
     r"the\s+day\s+after\s+tomorrow)(?:\s+(?P<pod>morning|afternoon|evening|night))?(?![\w-])",
     ("today", "tonight", "yesterday", "tomorrow")),
    ("relpod",
     r"(?:(?P<mod>earlier|later|early|late)\s+)?(?P<rel>this|last|tomorrow|yesterday)\s+"
     r"(?P<pod>morning|afternoon|evening|night)",
     ("morning", "afternoon", "evening", "night")),
    ("weekday",
     r"(?:(?P<mod>early|late|earlier|later|mid-?)[\s-]+)?(?:(?P<rel>last|next|this|this\s+past|"
     r"this\s+coming|coming|past|the\s+previous|the\s+following|the\s+next|that)\s+)?"
     r"(?P<wd>{WEEKDAY})(?!s)(?:\s+(?P<pod>{DAYPART}))?(?![\w-])",
     tuple(WEEKDAYS)),
    ("weekday_set", r"(?:(?P<every>every|each)\s+(?P<wd1>{WEEKDAY})|(?P<wd2>{WEEKDAY})s|"
                    r"(?P<wd3>{WEEKDAY})(?=\s+(?:mornings|afternoons|evenings|nights)\b))"
                    r"(?:\s+(?P<pod>mornings|afternoons|evenings|nights))?(?![\w-])",
     tuple(WEEKDAYS)),
    ("the_year",
     r"(?:the|its|their)\s+(?P<adj>(?:(?:latest|current|full|fiscal|entire|whole|calendar|same|past|"
     r"previous|prior|first|last)\s+){0,2})year(?P<ended>(?=\s+(?:ended|ending|through|to\s+date)\b))?",
     ("year",)),
    # "the same period last year", "the same month a year ago": the period just written about,
    # a year back.
    ("same_period",
     r"the\s+(?:same|corresponding|comparable)\s+(?P<unit>period|month|quarter|week|day|time)\s+"
     r"(?:of\s+)?(?:last\s+year|the\s+(?:last|previous|prior)\s+year|(?:a|one)\s+year\s+"
     r"(?:ago|earlier|before))(?![\w-])",
     ("same", "corresponding", "comparable")),
    ("rel_unit",
     r"(?:(?P<mod>earlier|later|early|late|(?:the\s+)?(?:end|beginning|start|middle|close|rest|"
     r"remainder)\s+of)\s+)?(?P<rel>last|this|next|the\s+past|the\s+last|the\s+coming|the\s+current|"
     r"the\s+previous|the\s+following|the\s+next|this\s+past|this\s+coming|past|coming|previous|"
     r"current|that|the\s+same|the\s+prior|prior)\s+(?P<unit>week|month|year|fiscal\s+year|"
     r"calendar\s+year|decade)(?![\w-])",
     ("week", "month", "year", "decade")),
    ("weekend",
     r"(?:(?P<mod>early|late)\s+)?(?P<rel>the|this|last|next|that|this\s+past|this\s+coming|"
     r"the\s+past|the\s+coming)\s+weekend",
     ("weekend",)),
    ("in_the_unit", r"(?P<mod>earlier|later|early|late)\s+in\s+the\s+(?P<unit>week|month|year|day)",
     ("earlier", "later", "early", "late")),
    # A market's or a session's day: "to end the day at 5,210", "For the day, the Kospi closed
    # up", "after a fall at the start of the day".
    ("session_day", r"(?:the\s+(?P<edge>start|beginning)\s+of\s+)?the\s+day(?![\w-])", ("day",)),
    ("unit_end",
     r"(?:the\s+)?(?:(?P<unit1>year|month|week|quarter)[\s-]+end|(?P<unit2>year|month|week)'s\s+end"
     r"|(?:end|beginning|start)\s+of\s+the\s+(?P<unit3>year|month|week|quarter|day)|"
     r"(?P<unit4>year|month)-ago|end-of-(?P<unit5>year|month|quarter))(?![\w-])",
     ("end", "-ago", "beginning", "start")),
    ("ago",
     r"(?:(?P<qmod>{QMOD})\s+)?(?P<num>{NUM}|{VAGUE})(?P<half>{HALF})?[\s-]+(?P<unit>{UNIT})"
     r"(?P<half2>\s+and\s+a\s+half)?(?:\s+or\s+so)?\s+(?P<dir>ago|earlier|later|from\s+now|hence|back)",
     ("ago", "earlier", "later", "from", "hence", "back")),
    ("anaphor",
     r"(?P<phrase>that\s+(?:same\s+)?day|the\s+same\s+day|the\s+(?:previous|next|following|prior)\s+"
     r"(?:day|morning|evening|night)|the\s+day\s+(?:before|after)|(?:earlier|later)\s+that\s+"
     r"(?:day|week|month|year)|that\s+(?:week|month|year)|the\s+same\s+(?:week|month|year)|"
     r"the\s+(?:following|previous|prior|next)\s+(?:week|month|year))(?![\w-])",
     ("day", "morning", "evening", "night", "week", "month", "year")),
    ("year_ago",
     r"(?:the\s+)?(?:(?:comparable|same|corresponding)\s+)?(?P<w>year-earlier|year-ago)"
     r"(?:\s+(?P<what>period|quarter))?(?![\w-])",
     ("year-",)),
    ("set",
     r"(?<![\w'-])(?P<every>every|each|per|a|an)\s+(?:(?P<other>other)\s+)?(?:(?P<num>{NUM})\s+)?"
     r"(?P<unit>{UNIT}|{MONTH}|{SEASON}|morning|afternoon|evening|night|weekend)(?![\w-])",
     None),  # "a" or "per" and a unit such as "day" or "min"
    ("times_per",
     r"(?P<times>once|twice|thrice|(?:{NUM})\s+times)\s+(?:a|an|per|every|each)\s+(?P<unit>{UNIT})",
     ("once", "twice", "thrice", "times")),
    ("setword", r"(?<![\w-])(?P<word>{SETWORD})(?![\w-])", tuple(SET_WORDS)),
    ("adj_duration",
     r"(?:(?P<det>the|a|an)\s+(?=\S+-\S+\s+(?:period|span|term|stretch|window|interval|spell|phase|"
     r"cycle|hiatus|gap|break|stint)\b))?(?:(?P<qmod>{QMOD})\s+)?(?:(?P<num>{NUM}|several|few|multi)"
     r"(?P<half>-and-a-half|\s+1/2)?-(?P<unit>{UNITS1})|(?P<plural>years|decades|months|weeks|days|"
     r"hours|centuries)(?=-long))(?P<long>-long)?"
     r"(?:\s+(?P<noun>period|span|term|stretch|window|interval|spell|phase|cycle|hiatus|gap|break|"
     r"stint))?(?![\w-]|\s*-?\s*old\b)",
     (*("-" + unit for unit in UNITS), "-long")),  # "a two-year term", "years-long"
    ("duration",
     r"(?:(?:(?P<qmod1>{DETMOD})\s+)?(?P<det>the|its|their|his|her|our|each\s+of\s+the|all)\s+"
     r"|(?P<qmod2>{QMOD})\s+)?"
     r"(?:(?P<adj>past|last|next|first|coming|previous|latest|final|following|remaining|initial|"
     r"ensuing|preceding|prior|full|entire|whole|same|year-earlier|additional|other|recent|"
     r"intervening)\s+)?"
     r"(?P<num>{NUM}|{VAGUE})(?P<half>{HALF})?(?:\s+(?:more|additional|full|straight|consecutive|successive|"
     r"long|trading|business|working|calendar|fiscal|extra|further|subsequent))?\s+(?P<unit>{UNIT})"
     r"(?P<half2>\s+and\s+a\s+half)?"
     r"(?P<compound>,?\s+and\s+(?P<num2>{NUM})\s+(?P<unit2>{UNIT}))?"
     r"(?:\s+(?P<orso>or\s+so|or\s+more|running|in\s+a\s+row))?"
     r"(?![\w-]|\s*-?\s*old\b|\s+of\s+age\b)",
     None),  # a number and a unit such as "day" or "min"
    ("vague_units",
     r"(?:(?P<adj>recent|coming|past|next|last|ensuing|following|"
     r"early|final|previous|intervening|preceding|subsequent|few|many|several)\s+)?"
     r"(?P<unit>years|months|weeks|days|decades|centuries|hours|minutes)(?![\w-]|\s*-?\s*old\b)",
     ("years", "months", "weeks", "days", "decades", "centuries", "hours", "minutes")),
    ("ref", r"(?<![\w-])(?P<word>{REF})(?![\w-])", None),  # "now", "current", "past", "soon"
    ("extref", r"(?<![\w-])(?P<word>{EXTREF})(?![\w-])", ("former", "previously")),
)


@dataclass(frozen=True, slots=True)
class _Rule:
    """A rule of :data:`RULES`, its pattern compiled."""

    name: str
    pattern: re.Pattern[str]
    triggers: tuple[str, ...] | None


#: Every expression starts at the start of a word; saying so first lets the matcher skip the
#: middle of words at once instead of trying every alternative there.
_RULES: tuple[_Rule, ...] = tuple(
    _Rule(name, re.compile(r"(?<![\w])(?:" + _expand(pattern) + ")", re.IGNORECASE), triggers)
    for name, pattern, triggers in RULES
)

_NINE_ELEVEN_BEFORE = re.compile(
    r"\b(?:since|after|before|until|on|the|post|pre|with|(?:victims|families|anniversary|aftermath|wake|"
    r"memory|events|lessons|survivors|heroes|attacks|threat|day)\s+of)[\s-]*$", re.IGNORECASE)
_NINE_ELEVEN_AFTER = re.compile(
    r"(?:-style|\s+(?:attacks?|victims?|families|family|commission|hijack\w*|memorial|museum|era|health|"
    r"widows?|responders?|survivors?|terror\w*|anniversary|report|plot\w*|truthers?))\b", re.IGNORECASE)
_RATE_NOUN_AFTER = re.compile(r"\s+(?:\w+\s+)?(?:" + "|".join(RATE_NOUNS) + r")\b")
_COMPARISON = r"\b(?:from|compared\s+(?:with|to)|versus|vs\.|against)\s+"
#: A comparison with a figure right before "last year" ("from $93 million last year") ...
_COMPARED_BEFORE = re.compile(_COMPARISON + r"[^.;:!?]*?\d[^.;:!?]*$", re.IGNORECASE)
#: ... or right before "last year's $4 million" (not "last year's 3rd place").
_COMPARED_RIGHT_BEFORE = re.compile(_COMPARISON + "$", re.IGNORECASE)
_FIGURE_AFTER_POSSESSIVE = re.compile(
    r"(?:'s|\u2019s)\s*(?:[$\u00a3\u20ac\u00a5]|\d(?![\d,.]*(?:st|nd|rd|th)\b))"
)
#: A clock in universal time inside an aside: a conversion, whose day may be the next one.
_UNIVERSAL = re.compile(r"\b(?:GMT|UTC)\b|\d\s*Z\b")
#: A weekday right after a clock time's aside, or named in it: "9:15 a.m. (0615 GMT) Friday".
_DAY_AFTER_ASIDE = re.compile(_expand(
    r"\s*\((?:[^()]{0,24}?\b(?P<within>{WEEKDAY})\b[^()]{0,12}|[^()]{1,24})\)(?:\s*(?:on\s+)?(?P<wd>{WEEKDAY})\b)?"
))
#: "Monday and Tuesday nights": a plural day part after two weekdays belongs to both (seen from
#: the first weekday, and from the second).
_SHARED_PLURAL_PART = re.compile(
    _expand(r"\s+(?:and|or)\s+{WEEKDAY}\s+(?P<pod>mornings|afternoons|evenings|nights)\b"), re.IGNORECASE
)
#: What stands between the two days of "Thursday and Friday", "Friday through Sunday".
_DAY_PAIR_GAP = re.compile(r",?\s*(?:(?:and|or|through|thru|to|until|till)\s+(?:on\s+)?|[-\u2013]\s*)",
                           re.IGNORECASE)
_WEEKDAY_AT_END = re.compile(_expand(r"\b{WEEKDAY}$"), re.IGNORECASE)
_COORDINATED_DAY_BEFORE = re.compile(_expand(r"{WEEKDAY}\s+(?:and|or)\s+$"), re.IGNORECASE)
#: Words that make "the day" a trading session.
_MARKET_WORD = re.compile(
    r"\b(?:index|indices|indexes|Dow|Nasdaq|Nikkei|S&P|FTSE|DAX|CAC|Hang\s+Seng|Kospi|Sensex|ASX|TSX|"
    r"Stoxx|Wall\s+Street|equities|stocks?|(?:the|stock|share|equity)\s+markets?|bourses?|"
    r"(?<!who\s)(?<!which\s)(?<!that\s)shares(?!\s+(?:the|a|an|his|her|its|their)\b))",
    re.IGNORECASE,
)
#: The last word before a place, as far back as the line's start.
_WORD_BEFORE = re.compile(r"([\w.'\u2019-]+)[^\S\n]+$")
#: A name right after a word ("daily Harbor Post"), not a day or month ("daily Monday to Friday").
_NAME_AFTER = re.compile(_expand(r"[^\S\n]+(?!{WEEKDAY}|{MONTH}|(?:Noon|Midnight)\b)[A-Z]"))
#: A verb of reporting or a clause's end right after a word, making it a noun ("the daily said").
_REPORTING_AFTER = re.compile(
    r"\s*(?:[.;:)]|(?:said|says|reported|reports|wrote|writes|quoted|quotes|cited|cites|added|claimed|"
    r"published|publishes)\b)", re.IGNORECASE)
_AFTER_FULL_STOP = re.compile(r"[.!?:][\"'\u201d\u2019)]*\s+[\"'`(\u201c\u2018]*$")
_MONTH_DAY = re.compile(_expand(r"(?P<mon>{MONTH})\s+(?P<day>{DAYNUM})(?:,\s+(?P<year>{YEAR4}))?"))
#: Rules whose expressions TimeML does not mark.
EXTENSION_RULES = frozenset({"extref"})

# Not before a hyphen: "would-be migrants", "a must-have" are adjectives.
_FUTURE_RE = re.compile(r"(?<![\w'])(?:" + "|".join(FUTURE_CUES) + r")(?![\w'-])", re.IGNORECASE)
_PLAN_RE = re.compile(r"(?<![\w'])(?:" + "|".join(PLAN_CUES) + r")(?![\w'])", re.IGNORECASE)
_CLAUSE_RE = re.compile(r"(?<![\w'])(?:" + "|".join(CLAUSE_CUES) + r")(?![\w'])", re.IGNORECASE)
_PAST_PLAN_RE = re.compile(r"(?<![\w'])(?:" + "|".join(PAST_PLAN_CUES) + r")(?![\w'])", re.IGNORECASE)
_AUXILIARIES = frozenset({"was", "were", "had", "did"})
_PROGRESSIVE = re.compile(r"\b(?:is|are)\s+(?:now\s+)?(?!being\b)[a-z]{3,}ing\b", re.IGNORECASE)
#: "scheduled" and "slated" after a determiner modify a noun ("canceled a scheduled interview
#: Monday night"): the plan they name may have lapsed, so the verb, not they, gives the tense.
_ATTRIBUTIVE_PLAN = frozenset({"scheduled", "slated"})
#: Words of a game, in whose sentences "the first half" is the match's, not the year's.
_GAME_WORD = re.compile(
    r"\b(?:goals?|scored?|scoring|match(?:es)?|game|kick-?off|penalty|penalties|striker|midfielder|"
    r"defender|goalkeeper|keeper|half-?time|inning|quarterback|touchdown|referee|equali[sz]er|"
    r"derby|whistle)\b", re.IGNORECASE)
#: A relative pronoun or a time conjunction, then one to three words before the verb it opens.
_CLAUSE_OPENER = re.compile(r"\b(?:that|who|which|as|when|while|after|where)\s+(?:[\w.'-]+\s+){0,3}$",
                            re.IGNORECASE)
#: An opening quotation mark and one to five capitalised words, right before a weekday that the
#: mark closes: the weekday ends a title.
_QUOTED_TITLE_BEFORE = re.compile(r"[\u201c\"](?:[A-Z][\w.'&-]*\s+){1,5}$")
_QUOTE_CLOSES = re.compile(r"[,.]?[\u201d\"]")
#: Decisions that a vote makes by itself: "voted to approve", "voted to override" take effect in
#: the vote, so a time after them is the vote's ("voted to override Wednesday afternoon"), where
#: "voted to meet again on Friday" plans a later event.
_VOTE_IS_THE_ACT = re.compile(
    r"\s+(?:approve|pass|override|overturn|reject|confirm|block|repeal|impeach|convict|acquit|censure|"
    r"expel|adopt|ratify|uphold|sustain|advance|authori[sz]e|condemn|oust|remove|elect|re-?elect|"
    r"endorse|strike\s+down|kill|table|defeat|sanction)\b", re.IGNORECASE)
_DETERMINER_BEFORE = re.compile(r"\b(?:a|an|the|its|his|her|their|our|this|that|these|those)\s+$",
                                re.IGNORECASE)
#: A lower-case noun after "a Friday": the day modifies it ("a Friday deadline"). Words that start
#: a clause or a phrase instead leave "a Friday" indefinite ("on a Friday when ...", "a Friday in May").
_MODIFIED_NOUN = re.compile(
    r"\s+(?!(?:when|while|in|on|at|and|or|but|after|before|that|which|who|to|of|for|with|as|is|"
    r"was|like|than|so|if|because|since|until|during|from|amid|by|through|throughout|near|over|"
    r"under|into|between|against|without|within)\b)[a-z]{3,}\b"
)
#: What ends, starts or sums up a trading or working day right before "the day".
_SESSION_VERB = re.compile(
    r"\b(?:end|ends|ended|ending|finish|finishes|finished|finishing|close|closes|closed|closing)\s+$",
    re.IGNORECASE,
)
#: "For the day, the Kospi closed up ...": "for" only when the phrase stands alone, set off by
#: a comma (not "fighting for the day Palestine is free", "thank you for the day").
_FOR_THE_DAY = re.compile(r"(?:^|[.!?]\s+|\n)for\s+$", re.IGNORECASE)
_NOT_SESSION_AFTER = re.compile(
    r"\s+(?:before|after|of|when|that|which|on|in|he|she|they|it)\b", re.IGNORECASE
)
#: Words of habit before "a Sunday service": any Sunday, not a particular one.
_HABITUAL_BEFORE = re.compile(
    r"\b(?:always|usually|often|every|each|typically|normally|generally|routinely|regularly)\b[^.!?]*$",
    re.IGNORECASE,
)
#: Events that cannot be scheduled: a day named before one of them ("the Jan. 6 riot", "the
#: Sept. 11 attacks") has been.
_PAST_EVENT_AFTER = re.compile(
    r"(?:\s+(?:Capitol|terror|terrorist|deadly|bomb|mass))?\s+(?:attacks?|riots?|insurrection|massacre|"
    r"bombings?|shootings?|killings?|crash|earthquake|explosions?|assault|siege|storming|uprising|"
    r"coup|tragedy|disaster|rioters|insurrectionists|"
    # ... or names an inquiry into one ("the Jan. 6 committee"), unless it dates the inquiry's
    # own meeting, vote or findings ("the May 20 commission meeting").
    r"(?:(?:select\s+)?committee|probe|investigation|inquiry|commission)"
    r"(?!\s+(?:meetings?|votes?|hearings?|sessions?|findings|report)\b))\b",
    re.IGNORECASE,
)
#: A relative clause opening between an expression and a later future cue: the cue is the
#: relative clause's ("on Tuesday that would add ...", "Friday, which will ..."), where what
#: would follow is no sign that the day itself lies ahead.
_RELATIVE_BETWEEN = re.compile(r"\b(?:that|which|who)\b")
#: Reporting verbs that close a short attribution after a comma (", officials said").
_REPORTING = frozenset({"said", "told", "added", "stated", "wrote", "reported", "explained", "noted"})
#: Marks that open or close a quotation: straight and curly double quotes, and TimeML corpora's
#: ``...'' pairs. Single quotes are left out: most are apostrophes.
_QUOTE_MARK = re.compile("``|''|[\"\u201c\u201d]")
_NOT_FINITE_BEFORE = re.compile(
    r"(?:\b(?:be|been|being|is|are|am|a|an|the|still|very|more|most|its|their|his|her|our|this|these|"
    r"those|some|any|no|so|too|well|fully|newly)|'s)\s+$",
    re.IGNORECASE,
)
_PAST_RE = re.compile(
    r"(?<![\w'-])(?:" + "|".join(PAST_IRREGULAR) + r"|[a-z]{2,}ed)(?![\w'-])", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z])|\n")
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt", "corp",
    "inc", "co", "ltd", "jr", "sr", "no", "vs", "u.s", "u.n", "u.k", "a.m", "p.m", "prof", "rev",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft",
})

# -- values ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Norm:
    value: str | None
    precision: str
    kind: str = "date"
    anchors: bool = True  # whether later anaphora may take their value from this one
    end: int | None = None  # where the expression ends, when the match runs past it
    start: int | None = None  # where it starts, when the match begins with a word before it


def _day_value(d: date) -> str:
    return d.isoformat()


def _month_value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _week_value(d: date) -> str:
    iso = d.isocalendar()
    return f"{iso[0]:04d}-W{iso[1]:02d}"


def _quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _shift_day(d: date, amount: int, unit: str) -> date:
    """``d`` moved by ``amount`` units (negative: back); months clamp to the month's last day."""
    if unit in ("day", "night"):
        return d + timedelta(days=amount)
    if unit == "week":
        return d + timedelta(weeks=amount)
    if unit == "fortnight":
        return d + timedelta(weeks=2 * amount)
    months = {"month": 1, "quarter": 3, "year": 12, "decade": 120, "century": 1200,
              "millennium": 12000}.get(unit, 0) * amount
    year, month = _add_months(d.year, d.month, months)
    for day in (d.day, 30, 29, 28):
        moved = _safe_date(year, month, day)
        if moved:
            return moved
    raise OverflowError(f"{year}-{month} is outside the calendar")  # day 28 exists in every month


def _value_at(d: date, precision: str) -> str:
    """The value of the period of the given precision that contains ``d``."""
    if precision == "week":
        return _week_value(d)
    if precision == "month":
        return _month_value(d.year, d.month)
    if precision == "quarter":
        return f"{d.year:04d}-Q{_quarter_of(d)}"
    if precision == "year":
        return f"{d.year:04d}"
    return _day_value(d)


_VALUE_SHAPE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d\d)(?:-(?P<d>\d\d))?|-Q(?P<q>[1-4])|-H(?P<h>[12])|-W(?P<w>\d\d)"
    r"|-(?P<s>SP|SU|FA|WI))?(?P<rest>T.*)?$"
)


def _shift_value(value: str, amount: int, unit: str) -> str | None:
    """A TimeML date value moved by whole units, keeping its precision when it is finer."""
    m = _VALUE_SHAPE.match(value)
    if not m:
        return None
    year = int(m["y"])
    if m["d"]:
        return _day_value(_shift_day(date(year, int(m["m"]), int(m["d"])), amount, unit))
    if unit in ("year", "decade", "century"):
        years = amount * (UNITS[unit].years or 1)
        return f"{year + years:04d}" + value[4:]
    if m["m"] and unit in ("month", "quarter"):
        y, mo = _add_months(year, int(m["m"]), amount * (3 if unit == "quarter" else 1))
        return _month_value(y, mo)
    if m["q"] and unit in ("quarter", "month") and (unit == "quarter" or amount % 3 == 0):
        quarters = amount if unit == "quarter" else amount // 3
        index = year * 4 + int(m["q"]) - 1 + quarters
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    return None


def _number(text: str) -> float | None:
    """The number written in ``text`` (digits, words or a counting phrase); None if vague."""
    words = " ".join(text.lower().replace("-", " ").split())
    if words in NUMBER_PHRASES:
        return NUMBER_PHRASES[words]
    digits = words.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", digits):
        return float(digits)
    total = 0
    for word in words.split():
        if word in _NUMBER_WORDS:
            total += _NUMBER_WORDS[word]
        elif word in ("hundred", "thousand") and total:
            total *= 100 if word == "hundred" else 1000
        elif word != "and":
            return None
    return float(total) if words else None


def _spoken_year(text: str) -> int | None:
    """'nineteen ninety-seven' -> 1997, 'the year two thousand' -> 2000, digits -> themselves."""
    words = " ".join(text.lower().replace("-", " ").split())
    if words.isdigit():
        return int(words)
    words = words.removeprefix("the year ")
    parts = words.split()
    if parts[:2] == ["two", "thousand"]:
        units = [w for w in parts[2:] if w != "and"]
        return 2000 + int(_number(" ".join(units)) or 0) if units else 2000
    if parts and parts[0] in ("nineteen", "twenty"):
        within = _number(" ".join(parts[1:]))
        if within is None:
            return None
        return (1900 if parts[0] == "nineteen" else 2000) + int(within)
    return None


#: The months a season code covers, from its first (winter runs into the next year).
_SEASON_MONTHS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_DECADE_VALUE = re.compile(r"^(\d{3})X?$")


def value_span(value: str) -> tuple[date, date, str] | None:
    """The days a TimeML date value covers, as (first day, the day after the last, grain):
    ``2021-05-05`` (and a time on it), ``2021-05`` (and ``2021-05-XX``), ``2021-W18``, ``2021-Q2``,
    ``2021-H1``, ``2021-SU``, ``2021``, ``202`` (a decade). None for values of no calendar span
    (``PRESENT_REF``, durations, sets) and for impossible dates."""
    value = value.strip().removesuffix("-XX")
    if match := _DECADE_VALUE.match(value):
        first = int(match[1]) * 10
        return date(first, 1, 1), date(first + 10, 1, 1), "decade"
    m = _VALUE_SHAPE.match(value)
    if m is None or (m["rest"] and not m["d"]):
        return None
    year = int(m["y"])

    def months(first: int, count: int, grain: str) -> tuple[date, date, str]:
        index = year * 12 + first - 1 + count
        return date(year, first, 1), date(index // 12, index % 12 + 1, 1), grain

    try:
        if m["d"]:
            day = date(year, int(m["m"]), int(m["d"]))
            return day, day + timedelta(days=1), "day"
        if m["m"]:
            return months(int(m["m"]), 1, "month")
        if m["w"]:
            start = date.fromisocalendar(year, int(m["w"]), 1)
            return start, start + timedelta(days=7), "week"
        if m["q"]:
            return months(3 * int(m["q"]) - 2, 3, "quarter")
        if m["h"]:
            return months(6 * int(m["h"]) - 5, 6, "half")
        if m["s"]:
            return months(_SEASON_MONTHS[m["s"]], 3, "season")
    except ValueError:  # 2025-13-40, week 60 and the like
        return None
    return date(year, 1, 1), date(year + 1, 1, 1), "year"


def _within(day_value: str, period_value: str) -> bool:
    """Whether the day of ``day_value`` falls in the month or quarter ``period_value``."""
    period, day = _VALUE_SHAPE.match(period_value), _VALUE_SHAPE.match(day_value)
    if not period or not day or not day["d"] or period["y"] != day["y"]:
        return False
    if period["m"]:
        return bool(period["m"] == day["m"])
    return bool(period["q"]) and (int(day["m"]) - 1) // 3 + 1 == int(period["q"])


def _duration_value(amount: float | None, unit_name: str) -> str:
    """TimeML duration: ``P3Y``, ``PT20M``, ``P2Y6M``; ``PXY`` when the amount is vague."""
    unit = UNITS[unit_name]
    prefix = "PT" if unit.clock else "P"
    if amount is None:
        return f"{prefix}X{unit.vague_letter or unit.letter}"
    if unit_name == "fortnight":
        amount *= 2
    if unit.years:
        amount *= unit.years
    whole = int(amount)
    fraction = amount - whole
    if fraction == 0:
        return f"{prefix}{whole}{unit.letter}"
    finer = FINER_UNIT.get(unit_name if not unit.years else "year")
    if finer is not None:
        finer_unit, per = finer
        part = round(fraction * per)
        if part and abs(fraction * per - part) < 1e-6:
            head = f"{whole}{unit.letter}" if whole else ""
            tail_unit = UNITS[finer_unit]
            if tail_unit.clock and not unit.clock:
                return f"P{head}T{part}{tail_unit.letter}"
            return f"{prefix}{head}{part}{tail_unit.letter}"
    return f"{prefix}{amount:g}{unit.letter}"


def _unit(text: str) -> str:
    return UNIT_FORMS.get(text.lower(), text.lower())


def _words(text: str) -> str:
    return " ".join(text.lower().split())


# -- resolution --------------------------------------------------------------------------------


class _Resolver:
    """Resolves matches of one text, in reading order, against its publication date."""

    def __init__(self, text: str, published: date | None) -> None:
        self.text = text
        self.pub = date(published.year, published.month, published.day) if published else None
        self.anchor: tuple[str, str, int] | None = None  # value, precision, end offset
        self.period_anchor: tuple[str, str, int] | None = None  # the last month, quarter or season
        self._tenses: dict[tuple[int, int], int] = {}
        self._bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(text) if self._real_end(m)]

    def _real_end(self, m: re.Match[str]) -> bool:
        """A sentence end unless the full stop ends an abbreviation ("Oct. 5", "U.S. officials")."""
        if m.group(0) == "\n":
            return True
        before = self.text[max(0, m.start() - 6) : m.start() - 1]
        word = re.split(r"[\s(\"']", before)[-1].lower()
        return word not in _ABBREVIATIONS and not re.fullmatch(r"[a-z]", word)

    # context ------------------------------------------------------------------------------

    def sentence(self, start: int) -> tuple[int, int]:
        i = bisect_right(self._bounds, start) - 1
        begin = self._bounds[max(i, 0)]
        end = self._bounds[i + 1] if i + 1 < len(self._bounds) else len(self.text)
        return begin, end

    def tense(self, start: int, end: int) -> int:
        """+1 when the clause around [start, end) speaks of the future, -1 of the past, 0 unknown.

        The nearest tense cue in the sentence decides: in "said on Monday that talks will resume"
        "said" is nearer to "Monday" than "will" is.
        """
        cached = self._tenses.get((start, end))
        if cached is not None:
            return cached
        begin, finish = self.sentence(start)
        before = " ".join(self.text[max(begin, start - 16) : start].lower().split())
        # "since" may stand a few words off: "since shortly after the Oct. 23 slaying".
        if re.search(r"\bsince\s+(?:shortly\s+|soon\s+|just\s+)?(?:after|before)?\s*(?:the\s+)?$",
                     self.text[max(begin, start - 30) : start], re.IGNORECASE):
            self._tenses[(start, end)] = -1
            return -1
        for phrase, sign in TENSE_PREPOSITIONS.items():
            if before == phrase or before.endswith(" " + phrase):
                window = max(begin, start - 60), min(finish, end + 60)
                if sign > 0 and _PAST_PERFECT.search(self.text, *window):
                    sign = -1
                elif (phrase == "by" and _OPENING_BY.fullmatch(self.text, begin, start)
                      and self.text.startswith(",", end) and self._cue_tense(start, end, begin, finish) < 0):
                    sign = -1  # "By Tuesday, 37% of adults were vaccinated": a count as of then
                self._tenses[(start, end)] = sign
                return sign
        result = self._cue_tense(start, end, begin, finish)
        self._tenses[(start, end)] = result
        return result

    def _cue_tense(self, start: int, end: int, begin: int, finish: int) -> int:
        """The sign of the tense cue nearest [start, end) in the sentence [begin, finish)."""
        best: tuple[int, int, bool] | None = None  # distance, sign, whether the cue comes after
        # A quotation keeps its own tenses: in '"He will leave at dawn on Friday," the minister said'
        # the speaker's "said" does not date the departure, nor does a quoted "will" a reporting
        # verb outside the quotation.
        quotes = [m.start() for m in _QUOTE_MARK.finditer(self.text, begin, finish)]
        at = bisect_right(quotes, start)
        inside = at % 2
        if inside:
            begin = quotes[at - 1]
            finish = quotes[at] if at < len(quotes) else finish
        # On equal distance the earlier regex wins: a lapsed plan over a future cue over a past one.
        cues = ((_PAST_PLAN_RE, -1), (_FUTURE_RE, 1), (_PLAN_RE, 1), (_CLAUSE_RE, 1), (_PAST_RE, -1))
        past_before: re.Match[str] | None = None  # the past cue nearest before the expression
        for regex, sign in cues:
            for m in regex.finditer(self.text, begin, finish):
                ahead_only = regex is _PLAN_RE or regex is _CLAUSE_RE
                if start <= m.start() < end or (ahead_only and m.end() > start):
                    continue
                if not inside and bisect_right(quotes, m.start()) % 2:
                    continue  # quoted words speak of the quotation's own time
                word = m.group(0)
                if (regex is _PLAN_RE and word.lower().startswith("voted")
                        and _VOTE_IS_THE_ACT.match(self.text, m.end())):
                    continue  # "voted to override the veto Wednesday": the vote is the override
                if (regex is _FUTURE_RE and word.lower() in _ATTRIBUTIVE_PLAN
                        and _DETERMINER_BEFORE.search(self.text, begin, m.start())):
                    continue
                if regex is _PAST_RE:
                    if word.lower() in NOT_PAST:
                        continue
                    if word[:1].isupper() and m.start() != begin:
                        continue  # a capitalised -ed word mid-sentence is a name ("United")
                    lower = word.lower()
                    if lower not in _AUXILIARIES and _NOT_FINITE_BEFORE.search(self.text, begin, m.start()):
                        continue  # a passive participle or an adjective ("the unspecified date")
                    if word.lower().startswith("un") and word.lower().endswith("ed"):
                        continue  # "unexpected", "undisclosed" are adjectives
                    if lower == "followed" and self.text.startswith(" by", m.end()):
                        continue  # "the Senate on Wednesday, followed by the House": a participle
                if sign > 0 and m.start() >= end and _RELATIVE_BETWEEN.search(self.text, end, m.start()):
                    continue  # "approved a plan on Tuesday that would add bus lanes": another clause
                if sign < 0 and m.start() >= end and self._attribution(end, m, finish):
                    # "... will pass the dam from June to September, officials said": the frame's
                    # tense is the telling's, not that of what is told.
                    continue
                distance = start - m.end() if m.end() <= start else m.start() - end
                # A cue before the expression governs it more often than one after it.
                distance = distance if m.end() <= start else distance + 8
                if best is None or distance < best[0]:
                    best = (distance, sign, m.start() >= end)
                if sign < 0 and m.end() <= start and (past_before is None or m.start() > past_before.start()):
                    past_before = m
        if best is not None and best[1] > 0 and not best[2]:
            lapsed = None
            for found in _PAST_PLAN_RE.finditer(self.text, begin, start):
                lapsed = found
            if lapsed is not None and not re.search(r"[,;:]", self.text[lapsed.end() : start]):
                return -1  # "were originally scheduled to be held before Thanksgiving": the plan lapsed
        if best is not None and best[1] > 0 and best[2] and past_before is not None \
                and self._embedded_past(past_before, start):
            # "a mob that stormed the Capitol on Jan. 6 will face charges": the day ends a clause
            # of its own, in the past, before the main clause's future.
            return -1
        return best[1] if best else 0

    def _embedded_past(self, cue: re.Match[str], start: int) -> bool:
        """Whether a past verb before an expression opens a relative or time clause that runs to
        the expression: "that stormed the Capitol on", "as a mob stormed the Capitol on"."""
        if re.search(r"[,;:]", self.text[cue.end() : start]):
            return False
        lead = self.text[max(0, cue.start() - 30) : cue.start()]
        return _CLAUSE_OPENER.search(lead) is not None

    def _attribution(self, end: int, cue: re.Match[str], finish: int) -> bool:
        """Whether ``cue`` is the verb of a short attribution that closes the sentence after a
        comma (", officials said.", ", the ministry said on Monday."): one to four words of a
        speaker, the verb, and at most a few words after it."""
        if cue.group(0).lower() not in _REPORTING:
            return False
        begin, _ = self.sentence(end)
        if len(self.text[begin:end].split()) <= 3:
            # The expression opens the sentence ("In June, the ministry reported a surplus"): the
            # verb after the comma is the main clause's own.
            return False
        comma = self.text.rfind(",", end, cue.start())
        if comma < 0:
            return False
        speaker = self.text[comma + 1 : cue.start()].split()
        after = self.text[cue.end() : finish].split()
        return 1 <= len(speaker) <= 4 and not speaker[0].lower().endswith("ing") and len(after) <= 5

    def day_in_sentence(self, start: int) -> bool:
        """Whether a day was named earlier in this sentence."""
        anchor = self.sentence_anchor(start)
        return anchor is not None and anchor[1] in ("day", "time")

    def sentence_day(self, start: int) -> date | None:
        """The day last mentioned in this sentence or the one before, for clock times without one."""
        recent = self.recent_anchor(start)
        if recent is not None and recent[1] in ("day", "time") and recent[0][:1].isdigit():
            return date.fromisoformat(recent[0][:10])
        return self.pub

    def recent_anchor(self, start: int) -> tuple[str, str, int] | None:
        """The last anchor if it is in this sentence or the one before."""
        return self.anchor if self._recent(self.anchor, start) else None

    def _recent(self, anchor: tuple[str, str, int] | None, start: int) -> bool:
        """Whether ``anchor`` ends in the sentence of ``start`` or the one before."""
        if anchor is None:
            return False
        begin, _ = self.sentence(start)
        previous, _ = self.sentence(max(begin - 1, 0))
        return anchor[2] >= previous

    def since_before(self, start: int) -> bool:
        """Whether "since" stands right before ``start`` ("since June 22")."""
        return self.text[max(0, start - 6) : start].lower().strip() == "since"

    def sentence_anchor(self, start: int) -> tuple[str, str, int] | None:
        """The last anchor if it is in this sentence and a calendar value (its year known)."""
        anchor = self.anchor
        if anchor is None or anchor[2] < self.sentence(start)[0] or not anchor[0][:4].isdigit():
            return None
        return anchor

    def looks_like_title(self, start: int, end: int) -> bool:
        """Whether a match sits in a capitalised name ("This Week", "60 Minutes", "High Noon").

        Capitals are expected on names of months, days and holidays and at the start of a
        sentence; anywhere else a capitalised word marks the title of a show or a work.
        """
        text = self.text
        words = list(re.finditer(r"[A-Za-z][\w'.]*", text[start:end]))
        if not words:
            return False
        if text[start:end].isupper():
            return False  # a headline in capitals
        begin, _ = self.sentence(start)
        for i, word in enumerate(words):
            w = word.group(0)
            name = re.sub(r"(?:'s|\u2019s|\.)$", "", w.lower())
            if not w[0].isupper() or w.isupper() or name in _NAME_WORDS:
                continue
            at_sentence_start = i == 0 and (
                not text[begin:start].strip(" \t\n\"'`(\u201c\u2018")
                or _AFTER_FULL_STOP.search(text, max(0, start - 8), start) is not None
            )
            if not at_sentence_start:
                return True
        return False

    # calendar helpers ---------------------------------------------------------------------

    def weekday_date(self, wd: int, rel: str, start: int, end: int) -> date | None:
        pub = self.pub
        if pub is None:
            return None
        ahead = (wd - pub.weekday()) % 7
        behind = (pub.weekday() - wd) % 7
        if rel in ("next", "this coming", "coming", "the next", "the following"):
            return pub + timedelta(days=ahead or 7)
        if rel in ("last", "this past", "past", "the previous"):
            return pub - timedelta(days=behind or 7)
        if ahead == 0:
            return pub
        tense = self.tense(start, end)
        if tense == 0:
            # No tense cue but a present progressive before the day: a plan ("is holding a vote
            # Saturday", "are lining up a Friday session"). Only for a weekday: "is still working
            # under a June contract" speaks of a month past.
            begin, _ = self.sentence(start)
            if _PROGRESSIVE.search(self.text, begin, start):
                tense = 1
        if tense > 0:
            return pub + timedelta(days=ahead)
        return pub - timedelta(days=behind)

    def paired_weekday(self, wd: int, rel: str, start: int, end: int) -> date | None:
        """The second day of "Thursday and Friday", "Friday through Sunday": the first such day
        after the day just named, unless the tense puts it on the other side of the publication
        date (in "met on Monday and Friday", written on a Wednesday, Friday has been)."""
        anchor = self.anchor
        if (rel or self.pub is None or anchor is None or anchor[1] not in ("day", "time")
                or not anchor[0][:1].isdigit() or not _DAY_PAIR_GAP.fullmatch(self.text, anchor[2], start)
                # Only a weekday just before: "from Sept. 14 to Thursday" spans more than a week.
                or not _WEEKDAY_AT_END.search(self.text, max(0, anchor[2] - 10), anchor[2])):
            return None
        first = date.fromisoformat(anchor[0][:10])
        day = first + timedelta(days=(wd - first.weekday()) % 7 or 7)
        tense = self.tense(start, end)
        if (tense < 0 and day > self.pub) or (tense > 0 and day < self.pub):
            return None
        return day

    def month_year_of(self, month: int, rel: str, start: int, end: int) -> int | None:
        pub = self.pub
        if pub is None:
            return None
        if rel in ("last", "this past", "past", "the previous"):
            return pub.year if month < pub.month else pub.year - 1
        if rel in ("next", "this coming", "coming", "the following"):
            return pub.year if month > pub.month else pub.year + 1
        if rel == "this":
            return pub.year
        if month == pub.month:
            return pub.year
        tense = self.tense(start, end)
        following = pub.month % 12 + 1
        ahead = (month - pub.month) % 12
        since = self.since_before(start)
        # News rarely looks back to "November" from late October: next month is the coming one.
        if tense > 0 or (tense == 0 and ahead <= 2) or (month == following and not since):
            return pub.year if month > pub.month else pub.year + 1
        return pub.year if month < pub.month else pub.year - 1

    def day_without_year(self, month: int, day: int, start: int, end: int) -> date | None:
        """The year of "Aug. 7": the nearest such day, on the side the tense points to if any."""
        pub = self.pub
        if pub is None:
            return None
        candidates = [d for y in (pub.year - 1, pub.year, pub.year + 1) if (d := _safe_date(y, month, day))]
        if not candidates:
            return None
        if self.since_before(start) or _PAST_EVENT_AFTER.match(self.text, end):
            # "the lowest since June 22", "the Jan. 6 riot": a day that has been.
            return max((d for d in candidates if d <= pub), default=None)
        nearest = min(candidates, key=lambda d: abs((d - pub).days))
        if abs((nearest - pub).days) <= 90:
            return nearest
        tense = self.tense(start, end)
        slack = timedelta(days=2)
        if tense > 0:
            return min(d for d in candidates if d >= pub - slack)
        if tense < 0:
            return max(d for d in candidates if d <= pub + slack)
        return nearest

    def last_quarter(self) -> tuple[int, int] | None:
        """The last quarter that has ended: what "the latest quarter" reports on."""
        if self.pub is None:
            return None
        index = self.pub.year * 4 + _quarter_of(self.pub) - 2
        return index // 4, index % 4 + 1

    def day_ref(self, phrase: str, start: int, end: int) -> date | None:
        """The day named by a short phrase attached to a clock time ("Tuesday", "Nov. 6")."""
        words = _words(phrase)
        offsets = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
        if words in offsets:
            return self.pub + timedelta(days=offsets[words]) if self.pub else None
        m = _MONTH_DAY.search(phrase)
        if m:
            month, day = MONTH_NUMBERS[m["mon"].lower().rstrip(".")], int(re.sub(r"\D", "", m["day"]))
            if m["year"]:
                return _safe_date(int(m["year"]), month, day)
            return self.day_without_year(month, day, start, end)
        first = words.split()[0].rstrip(",")
        if first in WEEKDAYS:
            return self.weekday_date(WEEKDAYS[first], "", start, end)
        return None

    # rules --------------------------------------------------------------------------------

    def rule_iso(self, m: re.Match[str]) -> _Norm | None:
        d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        if d is None:
            return None
        if m["H"]:
            return _Norm(f"{_day_value(d)}T{m['H']}:{m['M']}", "time", "time")
        return _Norm(_day_value(d), "day")

    def rule_numeric(self, m: re.Match[str]) -> _Norm | None:
        first, second, year = int(m["a"]), int(m["b"]), int(m["y"])
        # US order (month/day) unless the first number cannot be a month.
        month, day = (first, second) if first <= 12 else (second, first)
        if year < 100:
            century = (self.pub.year // 100 * 100) if self.pub else 2000
            year += century
            if self.pub and year > self.pub.year + 10:
                year -= 100
        d = _safe_date(year, month, day)
        return _Norm(_day_value(d), "day") if d else None

    def rule_nine_eleven(self, m: re.Match[str]) -> _Norm | None:
        if self.pub is not None and self.pub < date(2001, 9, 11):
            return None  # before the attacks, "9/11" is a fraction or a score
        # Only where the words around name the attacks: "went 9/11 from the line" is a score.
        if not (_NINE_ELEVEN_BEFORE.search(self.text, max(0, m.start() - 12), m.start())
                or _NINE_ELEVEN_AFTER.match(self.text, m.end())):
            return None
        return _Norm("2001-09-11", "day", anchors=False)

    def rule_clock(self, m: re.Match[str]) -> _Norm | None:
        minute = 0
        if m["ampm"]:
            hour, minute = int(m["h"]), int(m["min"] or 0)
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if m["ampm"].lower() == "p" else 0)
        elif m["h24"]:
            hour, minute = int(m["h24"]), int(m["min24"])
        elif m["h4"]:
            hour, minute = int(m["h4"]), int(m["m4"])
        elif m["named"]:
            hour = {"noon": 12, "midday": 12, "midnight": 24}[m["named"].lower()]
        else:
            spoken = m["wh"] or m["oc"]
            hour = int(spoken) if spoken.isdigit() else SMALL_NUMBERS[spoken.lower()]
            if not 1 <= hour <= 12:
                return None
            if m["pod"] and not _words(m["pod"]).endswith("morning") and hour < 12:
                hour += 12
        aside = _DAY_AFTER_ASIDE.match(self.text, m.end()) if not m["dayref"] else None
        # "at about 9:15 a.m. (0615 GMT) Friday": the day follows the aside. "at 5 in the morning
        # (5 a.m. EDT Thursday)": the aside restates the time and names its day, unless it converts
        # to universal time ("on Monday at 11 p.m. (0300 GMT Tuesday)"), whose day may be the next.
        group = None
        if aside and aside["wd"]:
            group = "wd"
        elif (aside and aside["within"] and not _UNIVERSAL.search(aside.group(0))
              and not self.day_in_sentence(m.start())):
            group = "within"
        if m["dayref"]:
            day = self.day_ref(m["dayref"], m.start(), m.end())
        elif aside and group:
            day = self.weekday_date(WEEKDAYS[aside[group].lower()], "", aside.start(group), aside.end(group))
        else:
            day = self.sentence_day(m.start())
        clock = f"T{hour:02d}:{minute:02d}"
        if m["tz"] and m["tz"].upper() in ("UTC", "GMT"):
            clock += "Z"  # TimeML writes universal time with ISO 8601's "Z"; other zones go unmarked
        return _Norm(f"{_day_value(day)}{clock}" if day else f"XXXX-XX-XX{clock}", "time", "time")

    def _month_day_norm(self, m: re.Match[str], day_text: str) -> _Norm | None:
        month = MONTH_NUMBERS[m["mon"].lower().rstrip(".")]
        day_words = day_text.lower()
        day = ORDINALS[day_words] if day_words in ORDINALS else int(re.sub(r"\D", "", day_words))
        groups = m.groupdict()
        rel = _words(groups.get("rel") or "")
        if m["year"]:
            year = _spoken_year(m["year"])
            d = _safe_date(year, month, day) if year else None
        elif rel in ("that", "that same"):
            # "At that April 4 rally", after "a 2009 rally": the year last spoken of.
            year = self.anchor_year()
            d = _safe_date(year, month, day) if year else None
        elif rel and self.pub is not None:
            pub = self.pub
            options = [d for y in (pub.year - 1, pub.year, pub.year + 1) if (d := _safe_date(y, month, day))]
            if rel in ("last", "this past"):
                d = max((o for o in options if o < pub), default=None)
            elif rel in ("next", "this coming"):
                d = min((o for o in options if o > pub), default=None)
            else:
                d = _safe_date(pub.year, month, day)
        else:
            d = self.known_event(month, day, m.end()) or self.day_without_year(month, day, m.start(), m.end())
            if d is None:
                return _Norm(f"XXXX-{month:02d}-{day:02d}", "day") if _safe_date(2000, month, day) else None
        if d is None:
            return None
        if groups.get("week"):
            return _Norm(_week_value(d), "week")
        return _Norm(_day_value(d), "day")

    def known_event(self, month: int, day: int, end: int) -> date | None:
        """The day of an event known by its date ("the Sept. 11 attacks", "the Jan. 6 riot"),
        which is not the latest such date before publication."""
        event = KNOWN_DATED_EVENTS.get((month, day))
        if event is None or self.pub is None:
            return None
        year, nouns = event
        known = date(year, month, day)
        if known > self.pub or not re.match(r"(?:th|st|nd|rd)?\s+(?:" + nouns + r")\b",
                                            self.text[end : end + 40], re.IGNORECASE):
            return None
        return known

    def rule_month_day(self, m: re.Match[str]) -> _Norm | None:
        return self._month_day_norm(m, m["day"])

    def rule_day_month(self, m: re.Match[str]) -> _Norm | None:
        return self._month_day_norm(m, m["day"] or m["day2"])

    def rule_month_year(self, m: re.Match[str]) -> _Norm | None:
        year = _spoken_year(m["year"])
        if year is None:
            return None
        return _Norm(_month_value(year, MONTH_NUMBERS[m["mon"].lower().rstrip(".")]), "month")

    def rule_month_rel(self, m: re.Match[str]) -> _Norm | None:
        month = MONTH_NUMBERS[m["mon"].lower().rstrip(".")]
        rel = _words(m["rel"])
        if rel in ("the previous", "the following", "the same"):
            base = self.anchor_year()
            if base is None:
                return None
            year = base + {"the previous": -1, "the following": 1, "the same": 0}[rel]
        else:
            if self.pub is None:
                return None
            year = self.pub.year + {"last": -1, "this": 0, "next": 1}[rel]
        return _Norm(_month_value(year, month), "month")

    def rule_month(self, m: re.Match[str]) -> _Norm | None:
        name = m["mon"].lower().rstrip(".")
        month = MONTH_NUMBERS[name]
        rel = _words(m["rel"] or "")
        if not rel and not m["mod"]:
            before = self.text[max(0, m.start() - 12) : m.start()].lower().split()
            cued = bool(before) and before[-1] in MONTH_CUES
            if name not in MONTHS and not m["mon"].endswith("."):
                return None  # "Jan Kavan": an abbreviation needs its full stop or a day after it
            if name in AMBIGUOUS_MONTHS and not cued:
                return None
            if not cued and re.match(r"\s+[A-Z][a-z]", self.text[m.end() : m.end() + 3]):
                return None  # "April Glaspie"
        if rel in ("the previous", "the following", "that", "that same"):
            # "in 2011 ... in Eastport that June": the year last spoken of.
            base = self.anchor_year()
            return _Norm(_month_value(base, month), "month") if base else None
        year = self.month_year_of(month, rel, m.start(), m.end())
        if year is None:
            return _Norm(f"XXXX-{month:02d}", "month")
        return _Norm(_month_value(year, month), "month")

    def rule_holiday(self, m: re.Match[str]) -> _Norm | None:
        d = self.holiday_date(m["name"], _words(m["rel"] or ""), m["year"], m.start(), m.end())
        if d and m["week"]:
            return _Norm(_week_value(d), "week")  # "Easter week", "Christmas week": the week holding it
        return _Norm(_day_value(d), "day") if d else None

    def rule_day_around(self, m: re.Match[str]) -> _Norm | None:
        if re.search(r"\b(?:every|each)\s+$", self.text[max(0, m.start() - 8) : m.start()], re.IGNORECASE):
            return None  # "every day before Christmas" recurs
        rel = _words(m["rel"] or "")
        if m["wd"]:
            d = self.weekday_date(WEEKDAYS[m["wd"].lower()], rel, m.start("wd"), m.end("wd"))
        else:
            d = self.holiday_date(m["name"], rel, m["year"], m.start("name"), m.end("name"))
        if d is None:
            return None
        return _Norm(_day_value(d + timedelta(days=-1 if m["dir"].lower() == "before" else 1)), "day")

    def holiday_date(self, written: str, rel: str, year: str | None, start: int, end: int) -> date | None:
        name = next((h for h in HOLIDAYS if _words(h) == _words(written)), None)
        if name is None:
            return None
        rule = HOLIDAYS[name]
        if year:
            return rule(int(year))
        if self.pub is None:
            return None
        pub = self.pub
        this_year = rule(pub.year)
        if rel in ("last", "this past"):
            d = this_year if this_year < pub else rule(pub.year - 1)
        elif rel in ("next", "this coming"):
            d = this_year if this_year > pub else rule(pub.year + 1)
        elif rel == "this":
            d = this_year  # "shortages this Christmas", written in October
        elif self.tense(start, end) > 0:
            d = this_year if this_year >= pub else rule(pub.year + 1)
        elif abs((this_year - pub).days) <= 60 or this_year <= pub:
            d = this_year
        else:
            d = rule(pub.year - 1)
        return d

    def rule_short_year(self, m: re.Match[str]) -> _Norm | None:
        # Only after "since", "from ... to", "class of": a quoted "'82" alone may be anything. The
        # word before is matched but is no part of the expression.
        pub = self.pub
        if pub is None:
            return None
        pre = _words(m["pre"])
        if pre == "to" and not re.search(r"\b(?:from|between)\s+['\u2019]\d\d\s+$",
                                         self.text[max(0, m.start() - 16) : m.start()], re.IGNORECASE):
            return None  # "to" ends a range ("from '08 to '10"); alone it may lead to a title
        # A year looked back to ("since '82", "from '08") is past; the end of a range or a
        # class ("class of '24") may lie a few years ahead.
        latest = pub.year + (0 if pre in ("since", "from") else 5)
        year = max(y for y in (1900 + int(m["yy"]), 2000 + int(m["yy"])) if y <= latest or y < 2000)
        return _Norm(f"{year:04d}", "year", start=m.start("year"))

    def rule_decade(self, m: re.Match[str]) -> _Norm | None:
        if m["d4"]:
            return _Norm(m["d4"][:3], "decade")
        if m["d2"]:
            century = self.pub.year // 100 if self.pub else 19
            if self.pub and int(m["d2"]) > self.pub.year % 100:
                century -= 1
            return _Norm(f"{century:02d}{m['d2'][0]}", "decade")
        words = ("twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties",
                 "nineties")
        tens = words.index(m["word"].lower()) + 2
        # Without a century the decade is the last such one before now ("the nineties").
        century = 19
        if self.pub and self.pub.year >= 2000 + tens * 10 + 10:
            century = 20
        return _Norm(f"{century:02d}{tens}", "decade")

    def rule_century(self, m: re.Match[str]) -> _Norm | None:
        if m["ord"]:
            words = m["ord"].lower()
            number = ORDINALS.get(words) or int(re.sub(r"\D", "", words) or 0)
            return _Norm(f"{number - 1:02d}", "decade") if number else None
        if self.pub is None:
            return None
        current = self.pub.year // 100
        shift = {"last": -1, "the last": -1, "the previous": -1, "next": 1, "the next": 1}.get(
            _words(m["rel"]), 0
        )
        return _Norm(f"{current + shift:02d}", "decade")

    def rule_quarter(self, m: re.Match[str]) -> _Norm | None:
        ordinal = m["ord"].lower()
        number = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
                  "4th": 4, "final": 4}[ordinal]
        whole = _words(m.group(0))
        pre = _words(m["pre"] or "")
        det = _words(m["det"] or "")
        year_in_pre = re.search(r"\d{4}", pre)
        if m["year"]:
            year = int(m["year"])
        elif year_in_pre:
            year = int(year_in_pre.group(0))
        elif m["rel"] or det.endswith("year's"):
            if self.pub is None:
                return None
            # "of last year", "last year's": the word before "year" says which.
            word = _words(m["rel"]) if m["rel"] else det.removeprefix("the ").split()[0]
            year = self.pub.year + {"last": -1, "next": 1}.get(word, 0)
        elif "year-earlier" in whole or "year-ago" in whole or "year earlier" in whole or m["ana"]:
            base = self.anchor_year()
            if base is None:
                return None
            year = base - 1 if ("year" in pre or (m["ana"] and "previous" in m["ana"])) else base
        else:
            if self.pub is None:
                return _Norm(f"XXXX-Q{number}", "quarter")
            year = self.pub.year
            current = _quarter_of(self.pub)
            if number > current and self.tense(m.start(), m.end()) < 0:
                year -= 1
        return _Norm(f"{year:04d}-Q{number}", "quarter")

    def rule_quarter_rel(self, m: re.Match[str]) -> _Norm | None:
        det = _words(m["det"] or "")
        pre = _words(m["pre"] or "")
        what = m["what"].lower()
        if not det and not pre:
            return None
        if what == "period" and not re.search(r"latest|year|\d{4}|comparable|corresponding|same", pre):
            return None
        if self.pub is None:
            return None
        current = (self.pub.year, _quarter_of(self.pub))
        latest = self.last_quarter() or current
        anchor_q = self.anchor_quarter()
        year_in_pre = re.search(r"\d{4}", pre)
        if "year-earlier" in pre or "year-ago" in pre or "year earlier" in pre:
            base = anchor_q or latest
            return _Norm(f"{base[0] - 1:04d}-Q{base[1]}", "quarter", anchors=False)
        if year_in_pre:
            base = anchor_q or latest
            return _Norm(f"{year_in_pre.group(0)}-Q{base[1]}", "quarter", anchors=False)
        if "current" in pre or det == "this" or "coming" in pre:
            y, q = current
        elif det == "next" or "next" in pre or "following" in pre:
            index = current[0] * 4 + current[1]
            y, q = index // 4, index % 4 + 1
        elif det == "last" or re.search(r"latest|past|previous|prior|recent|just", pre):
            y, q = latest
        elif anchor_q is not None:
            return _Norm(f"{anchor_q[0]:04d}-Q{anchor_q[1]}", "quarter", anchors=False)
        else:
            y, q = latest
        return _Norm(f"{y:04d}-Q{q}", "quarter")

    def rule_half(self, m: re.Match[str]) -> _Norm | None:
        number = 1 if m["ord"].lower() == "first" else 2
        det = _words(m["det"] or "")
        if not (m["year"] or m["pre"] or m["rel"] or det.endswith("year's")):
            begin, finish = self.sentence(m.start())
            if _GAME_WORD.search(self.text, begin, finish):
                return None  # "scored in the first half": the half of a match, not of the year
        if m["year"] or (m["pre"] and m["pre"].isdigit()):
            year = int(m["year"] or m["pre"])
        elif self.pub is None:
            return None
        elif m["rel"] or det.endswith("year's"):
            rel = _words(m["rel"] or det.split()[0])
            year = self.pub.year + {"last": -1, "next": 1}.get(rel, 0)
        else:
            year = self.pub.year
            if number == 2 and self.pub.month <= 6 and self.tense(m.start(), m.end()) < 0:
                year -= 1
        return _Norm(f"{year:04d}-H{number}", "half")

    def rule_season(self, m: re.Match[str]) -> _Norm | None:
        code = SEASONS[m["season"].lower()]
        index = SEASON_ORDER.index(code)
        if m["year"]:
            year = _spoken_year(m["year"])
            return _Norm(f"{year:04d}-{code}", "season") if year else None
        det = _words(m["det"] or "")
        if m["season"].lower() == "fall" and not det and not m["mod"] and not m["mod2"]:
            return None
        if not det and not m["mod"] and not m["mod2"]:
            before = self.text[max(0, m.start() - 12) : m.start()].lower().split()
            if not before or before[-1] not in MONTH_CUES:
                return None
        if self.pub is None:
            return _Norm(f"XXXX-{code}", "season")
        pub = self.pub
        current_year = pub.year - (1 if pub.month <= 2 else 0)
        now = current_year * 4 + SEASON_OF_MONTH[pub.month]
        same = current_year * 4 + index
        if det in ("last", "this past", "past"):
            target = same if same < now else same - 4
        elif det in ("next", "this coming", "coming"):
            target = same if same > now else same + 4
        elif det == "that":
            return None
        else:
            tense = self.tense(m.start(), m.end())
            if same == now or det == "this":
                target = same
            elif tense > 0:
                target = same if same > now else same + 4
            elif tense < 0:
                target = same if same < now else same - 4
            else:
                target = same
        return _Norm(f"{target // 4:04d}-{SEASON_ORDER[target % 4]}", "season")

    def rule_year(self, m: re.Match[str]) -> _Norm | None:
        year = _spoken_year(m["year"])
        if year is None:
            return None
        if m["year"].isdigit() and not self.plausible_year(m):
            return None
        spoken = _words(m.group(0))
        if spoken.startswith("two thousand") and re.match(r"\s+[a-z]", self.text[m.end() : m.end() + 2]):
            return None  # "two thousand years", "two thousand people": a number, not the year 2000
        return _Norm(f"{year:04d}", "year")

    def plausible_year(self, m: re.Match[str]) -> bool:
        """A four-digit number is a year unless it is plainly an amount or a label."""
        year = int(m["year"])
        start = m.start("year")
        before = self.text[max(0, start - 12) : start]
        after = self.text[m.end() : m.end() + 20]
        if re.search(r"[$#\u00a3\u20ac]\s*$|(?:No|Nos|Flight|Route|Room|number|model|Boeing|Airbus|disease)"
                     r"\.?\s*$", before, re.IGNORECASE):
            return False
        if re.match(r"-\d|\s*(?:shares|people|points?|miles|feet|meters|metres|tons|"
                    r"tonnes|pounds|kilograms|kg|km|acres|barrels|units|cars|troops|soldiers|"
                    r"workers|employees|jobs|students|votes|delegates|members|residents|copies|"
                    r"rooms|homes|houses|words|pages|yards|degrees|cases|deaths|dead|people|"
                    r"men|women|children|planes|ships|boats|vehicles|seats)\b", after,
                    re.IGNORECASE):
            return False
        if m["mod"] or m["fiscal"]:
            return True
        previous = re.search(r"([A-Za-z']+)\s+$", before)
        if (
            previous
            and previous.group(1)[0].isupper()
            and previous.group(1).lower() not in MONTH_CUES
            and not previous.group(1).endswith("'s")
        ):
            return False  # "Orion 1980": part of a name
        if 1900 <= year <= 2099:
            return True
        words = before.lower().split()
        return bool(words) and words[-1] in MONTH_CUES

    def rule_relday(self, m: re.Match[str]) -> _Norm | None:
        rel = _words(m["rel"])
        offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1,
                  "the day before yesterday": -2, "the day after tomorrow": 2}[rel]
        part = m["pod"] or m["pod0"]
        if rel == "tonight":
            part = part or "night"
        if self.pub is None:
            return _Norm("PRESENT_REF", "unknown") if rel == "today" else None
        day = _day_value(self.pub + timedelta(days=offset))
        if part:
            return _Norm(day + "T" + DAY_PARTS[part.lower()], "time", "time")
        return _Norm(day, "day")

    def rule_session_day(self, m: re.Match[str]) -> _Norm | None:
        if not m["edge"] and not _SESSION_VERB.search(self.text, max(0, m.start() - 16), m.start()) and not (
            _FOR_THE_DAY.search(self.text, max(0, m.start() - 8), m.start())
            and self.text.startswith(",", m.end())
        ):
            return None
        if _NOT_SESSION_AFTER.match(self.text, m.end()):
            return None  # "the day before", "the day of the attack", "the day when ..."
        day = self.sentence_day(m.start())
        if day is not None and day == self.pub and day.weekday() >= 5:
            begin, finish = self.sentence(m.start())
            if _MARKET_WORD.search(self.text, begin, finish):
                # Markets do not trade at weekends: a Saturday or Sunday paper's "ended the day"
                # is Friday's session.
                day -= timedelta(days=day.weekday() - 4)
        return _Norm(_day_value(day), "day") if day else None

    def rule_same_period(self, m: re.Match[str]) -> _Norm | None:
        unit = m["unit"].lower()
        anchor = self.anchor
        # "The company said on Tuesday that revenue rose from the same period last year": a day
        # is when it was said, not the period compared; a period is a month, quarter or season.
        periods = {"period": ("month", "quarter", "season"), "quarter": ("quarter",),
                   "month": ("month", "day", "time"), "week": ("week", "day", "time"),
                   "day": ("day", "time"), "time": ("month", "quarter", "season", "day", "time")}[unit]
        period = self.period_anchor
        if (anchor is not None and anchor[1] in ("day", "time") and anchor[1] not in periods
                and period is not None and period[1] in periods and _within(anchor[0], period[0])
                and self._recent(period, m.start())):
            # "for the third quarter ended Sept. 30. That compares with ... the corresponding
            # period last year": the period is the quarter, not the day that ends it. A day
            # outside it ("On April 30, the company said ...") is when something was said.
            anchor = period
        if anchor is not None and anchor[1] in periods:
            base, precision = anchor[0], anchor[1]
            if unit == "month" and precision != "month":
                base, precision = base[:7], "month"
            elif unit == "day" and precision == "time":
                base, precision = base[:10], "day"
        elif self.pub is not None and unit in ("month", "quarter", "week", "day"):
            base, precision = _value_at(self.pub, unit), unit
        else:
            return _Norm(None, "unknown", anchors=False)
        shifted = _shift_value(base, -1, "year")
        return _Norm(shifted, precision, anchors=False) if shifted else _Norm(None, "unknown", anchors=False)

    def rule_relpod(self, m: re.Match[str]) -> _Norm | None:
        if self.pub is None:
            return None
        rel = m["rel"].lower()
        part = m["pod"].lower()
        offset = {"this": 0, "tomorrow": 1, "yesterday": -1, "last": -1}[rel]
        if rel == "last" and part != "night":
            return None  # "last morning" is not an expression; "last evening" is rare and vague
        day = self.pub + timedelta(days=offset)
        return _Norm(_day_value(day) + "T" + DAY_PARTS[part], "time", "time")

    def rule_weekday(self, m: re.Match[str]) -> _Norm | None:
        wd = WEEKDAYS[m["wd"].lower()]
        rel = _words(m["rel"] or "")
        if rel == "that":
            return None
        shared = _SHARED_PLURAL_PART.match(self.text, m.end())
        if shared and not rel and not m["pod"] and self.tense(m.start(), m.end()) >= 0:
            # "on Monday and Tuesday nights": both are nights of every week.
            part = DAY_PARTS[shared["pod"].lower().rstrip("s")]
            return _Norm(f"XXXX-WXX-{wd + 1}T{part}", "set", "set", anchors=False)
        if not rel and not m["mod"]:
            word_before = re.search(r"([A-Z][a-z]+)\s+$", self.text[max(0, m.start() - 12) : m.start()])
            if word_before and word_before.group(1).lower() in NAMED_DAY_WORDS:
                return None
            if (_QUOTED_TITLE_BEFORE.search(self.text, max(0, m.start() - 60), m.start())
                    and _QUOTE_CLOSES.match(self.text, m.end())):
                return None  # the last word of a quoted title: "Fox News Sunday", "Meet the Press Today"
        indefinite = re.search(r"\ban?\s+$", self.text[max(0, m.start() - 4) : m.start()], re.I)
        # "a Wednesday media event", "a Friday deadline": the article belongs to the noun, and the
        # day is a particular one.
        if (
            indefinite and _MODIFIED_NOUN.match(self.text, m.end())
            and not _HABITUAL_BEFORE.search(self.text, max(0, m.start() - 40), m.start())
        ):
            indefinite = None
        if self.pub is None or indefinite:
            return _Norm(f"XXXX-WXX-{wd + 1}", "day")  # no date to count from, or "on a Friday"
        if rel in ("the previous", "the following", "the next") and self.anchor and self.anchor[1] == "day":
            base = date.fromisoformat(self.anchor[0][:10])
            if rel == "the previous":
                d = base - timedelta(days=(base.weekday() - wd) % 7 or 7)
            else:
                d = base + timedelta(days=(wd - base.weekday()) % 7 or 7)
        elif not rel and self.text.startswith(("'s", "\u2019s"), m.end()):
            # "Wednesday's ruling" names an event that has taken place.
            d = self.pub - timedelta(days=(self.pub.weekday() - wd) % 7)
        else:
            resolved = self.paired_weekday(wd, rel, m.start(), m.end()) or self.weekday_date(
                wd, rel, m.start(), m.end())
            if resolved is None:
                return None
            d = resolved
        if m["pod"]:
            return _Norm(_day_value(d) + "T" + DAY_PARTS[m["pod"].lower()], "time", "time")
        return _Norm(_day_value(d), "day")

    def rule_weekday_set(self, m: re.Match[str]) -> _Norm | None:
        wd = WEEKDAYS[(m["wd1"] or m["wd2"] or m["wd3"]).lower()]
        part = "T" + DAY_PARTS[m["pod"].lower().rstrip("s")] if m["pod"] else ""
        # "Fighting raged on Saturday and Sunday nights": in the past, two particular nights.
        if (m["wd3"] and _COORDINATED_DAY_BEFORE.search(self.text, max(0, m.start() - 16), m.start())
                and self.tense(m.start(), m.end()) < 0):
            day = self.weekday_date(wd, "", m.start(), m.end())
            if day is not None:
                return _Norm(_day_value(day) + part, "time", "time")
        value = f"XXXX-WXX-{wd + 1}" + part
        return _Norm(value, "set", "set", anchors=False)

    def rule_rel_unit(self, m: re.Match[str]) -> _Norm | None:
        rel = _words(m["rel"])
        unit = _words(m["unit"]).replace("fiscal ", "").replace("calendar ", "")
        shifts = {"last": -1, "this": 0, "next": 1, "the past": -1, "the last": -1, "the coming": 1,
                  "the current": 0, "the previous": -1, "the following": 1, "the next": 1,
                  "this past": -1, "this coming": 1, "past": -1, "coming": 1, "previous": -1,
                  "current": 0, "that": 0, "the same": 0, "the prior": -1, "prior": -1}
        shift = shifts[rel]
        anaphoric = rel in ("that", "the same", "the previous", "the following", "the prior", "prior")
        if unit == "decade":
            if shift < 0 and rel in ("the past", "past", "this past"):
                return _Norm("P10Y", "duration", "duration", anchors=False)
            if self.pub is None:
                return None
            return _Norm(f"{self.pub.year // 10 + shift:03d}", "decade")
        if anaphoric:
            if self.anchor is None:
                base_value = _value_at(self.pub, unit) if self.pub else None
            else:
                base_value = self.anchor[0]
            if base_value is None:
                return None
            shifted = _shift_value(base_value, shift, unit) if shift else base_value
            if shifted is None:
                return None
            precision = unit if unit in ("week", "month", "year") else "year"
            return _Norm(self._coarsen(shifted, precision), precision, anchors=False)
        if unit == "year" and rel == "last" and not m["mod"] and (
            _COMPARED_BEFORE.search(self.text, max(self.sentence(m.start())[0], m.start() - 80), m.start())
            or (_COMPARED_RIGHT_BEFORE.search(self.text, max(0, m.start() - 16), m.start())
                and _FIGURE_AFTER_POSSESSIVE.match(self.text, m.end()))
        ):
            # "third-quarter profit of $9 million, compared with $7 million last year": a
            # figure set against last year's is for the same period, as "a year earlier" is.
            compared = self.year_before_anchor(m.start())
            if compared is not None:
                return compared
        if self.pub is None:
            return None
        if (unit == "week" and rel == "this" and self.pub.weekday() >= 5
                and self.tense(m.start(), m.end()) > 0):
            # Written on a Saturday or Sunday, a "this week" still to come is the week that starts
            # on Monday ("expected to release the plan this week").
            shift = 1
        day = _shift_day(self.pub, shift, unit)
        return _Norm(_value_at(day, unit), unit)

    @staticmethod
    def _coarsen(value: str, precision: str) -> str:
        m = _VALUE_SHAPE.match(value)
        if not m:
            return value
        if precision == "year":
            return m["y"]
        if precision == "month" and m["m"]:
            return f"{m['y']}-{m['m']}"
        if precision == "week" and m["d"]:
            return _week_value(date(int(m["y"]), int(m["m"]), int(m["d"])))
        return value

    def rule_the_year(self, m: re.Match[str]) -> _Norm | None:
        adj = _words(m["adj"])
        if m["ended"] is not None:
            return _Norm("P1Y", "duration", "duration", anchors=False)  # "the year ended Sept. 30"
        if not adj or self.pub is None or re.search(r"same|past|previous|prior|first|last\b", adj):
            return None  # bare "the year" is as often a duration as a date; the rest are anaphors
        if "current" not in adj and "latest" not in adj:
            # "a loss in the second quarter of 2009 and for the entire year": the year just named.
            # Only within the sentence: a year named a sentence before is often another topic.
            # A year alone ("founded in 1998 ... for the full year") is another time, not the one
            # whose parts were just reported.
            recent = self.sentence_anchor(m.start())
            if recent is not None and recent[1] in ("quarter", "month", "season", "week", "day", "time"):
                return _Norm(recent[0][:4], "year")
        year = self.pub.year - (1 if "latest" in adj else 0)
        return _Norm(f"{year:04d}", "year")

    def rule_weekend(self, m: re.Match[str]) -> _Norm | None:
        if self.pub is None:
            return None
        rel = _words(m["rel"])
        pub = self.pub
        on_weekend = pub.weekday() >= 5
        if rel == "that":
            return None
        if rel in ("last", "this past", "the past"):
            d = pub - timedelta(days=7 if on_weekend else pub.weekday() + 1)
        elif rel in ("next", "this coming", "the coming"):
            d = pub + timedelta(days=7 if on_weekend else 5 - pub.weekday())
        elif on_weekend:
            d = pub
        elif self.tense(m.start(), m.end()) > 0 or (rel == "this" and self.tense(m.start(), m.end()) == 0):
            d = pub + timedelta(days=5 - pub.weekday())
        else:
            d = pub - timedelta(days=pub.weekday() + 1)
        return _Norm(_week_value(d) + "-WE", "week")

    def rule_in_the_unit(self, m: re.Match[str]) -> _Norm | None:
        if self.pub is None:
            return None
        unit = m["unit"].lower()
        return _Norm(_value_at(self.pub, unit), unit)

    def rule_unit_end(self, m: re.Match[str]) -> _Norm | None:
        if self.pub is None:
            return None
        if m["unit4"]:
            return None  # "year-ago" is handled with its noun by the year_ago rule
        unit = (m["unit1"] or m["unit2"] or m["unit3"] or m["unit5"]).lower()
        if m["unit3"]:
            if unit == "day" and _NOT_SESSION_AFTER.match(self.text, m.end()):
                return None  # "the end of the day of the attack"
            # "In 2008, the firm hired 200 people at the beginning of the year": the year just named.
            recent = self.sentence_anchor(m.start())
            if recent is not None:
                finer = {"year": ("year", "quarter", "season", "month", "week", "day", "time"),
                         "month": ("month", "day", "time"), "day": ("day", "time")}.get(unit, ())
                if recent[1] in finer:
                    return _Norm(recent[0][: {"year": 4, "month": 7, "day": 10}[unit]], unit)
        return _Norm(_value_at(self.pub, unit), unit)

    def rule_ago(self, m: re.Match[str]) -> _Norm | None:
        unit = _unit(m["unit"])
        direction = _words(m["dir"])
        amount = _number(m["num"])
        if amount is not None and (m["half"] or m["half2"]):
            amount += 0.5
        backwards = direction in ("ago", "earlier", "back")
        precision = UNITS[unit].precision
        if direction in ("earlier", "later") and precision in ("time", "day"):
            # "three days later" counts from an event, not a date: report the duration it gives.
            end = m.start("dir")
            while self.text[end - 1].isspace():
                end -= 1
            return _Norm(_duration_value(amount, unit), "duration", "duration", anchors=False, end=end)
        if amount is None or amount != int(amount):
            ref = "PAST_REF" if backwards else "FUTURE_REF"
            return _Norm(ref, "unknown", anchors=False)
        count = int(amount) * (-1 if backwards else 1)
        if unit == "year" and count == -1 and direction in ("ago", "earlier"):
            compared = self.year_before_anchor(m.start())
            if compared is not None:
                return compared
        elif direction in ("earlier", "later") and self.anchor is not None:
            shifted = _shift_value(self.anchor[0], count, unit)
            if shifted is not None:
                return _Norm(shifted, self._precision_of(shifted), anchors=False)
        if self.pub is None:
            return None
        if precision == "time":
            return _Norm(_day_value(self.pub), "day")
        day = _shift_day(self.pub, count, unit)
        return _Norm(_value_at(day, precision), precision)

    @staticmethod
    def _precision_of(value: str) -> str:
        m = _VALUE_SHAPE.match(value)
        if not m:
            return "unknown"
        if m["rest"]:
            return "time"
        if m["d"]:
            return "day"
        if m["m"]:
            return "month"
        if m["q"] or m["h"]:
            return "quarter"
        if m["w"]:
            return "week"
        if m["s"]:
            return "season"
        return "year"

    def year_before_anchor(self, start: int) -> _Norm | None:
        """For "a year ago", "year-earlier": the period a year before the one just reported.

        Reports compare like with like, so right after "the third quarter" a year ago is the third
        quarter of the year before. Only quarters and months set up such a comparison; otherwise
        the caller counts back from the publication date.
        """
        anchor = self.recent_anchor(start)
        if anchor is None or self.pub is None or anchor[1] not in ("quarter", "month"):
            return None
        shifted = _shift_value(anchor[0], -1, "year")
        return _Norm(shifted, anchor[1], anchors=False) if shifted else None

    def anchor_year(self) -> int | None:
        if self.anchor is not None:
            return int(self.anchor[0][:4])
        return self.pub.year if self.pub else None

    def anchor_quarter(self) -> tuple[int, int] | None:
        if self.anchor is None:
            return None
        m = _VALUE_SHAPE.match(self.anchor[0])
        if m and m["q"]:
            return int(m["y"]), int(m["q"])
        return None

    def rule_anaphor(self, m: re.Match[str]) -> _Norm | None:
        words = _words(m["phrase"])
        unit = words.split()[-1]
        if unit in ("morning", "evening", "night", "before", "after"):
            unit = "day"  # "the day after" counts in days, like "the next morning"
        shift = -1 if re.search(r"previous|prior|before", words) else 1 if re.search(
            r"next|following|after", words) else 0
        if (shift and unit == "day" and self.anchor is not None
                and self.text[self.anchor[2] : m.start()] in (", ", " , ")):
            shift = 0  # "Oct. 12, the day before the plunge": an apposition names the same day
        if self.anchor is not None and (unit != "day" or self.anchor[1] in ("day", "time")):
            base = self.anchor[0]
        elif unit == "day" and not shift and self.anchor is not None and self.anchor[1] == "month":
            # "killed last October ... crossed out that same day": a day of that month.
            return _Norm(f"{self.anchor[0]}-XX", "month", anchors=False)
        elif self.pub is not None:
            base = _value_at(self.pub, unit)
        else:
            return None
        shifted = _shift_value(base, shift, unit) if shift else base
        if shifted is None:
            return None
        return _Norm(self._coarsen(shifted, unit), unit if unit != "day" else "day", anchors=False)

    def rule_year_ago(self, m: re.Match[str]) -> _Norm | None:
        if self.pub is None:
            return None
        what = (m["what"] or "").lower()
        compared = self.year_before_anchor(m.start())
        if compared is not None:
            return compared
        if what in ("quarter", "period"):
            latest = self.last_quarter()
            if latest:
                return _Norm(f"{latest[0] - 1:04d}-Q{latest[1]}", "quarter", anchors=False)
        return _Norm(f"{self.pub.year - 1:04d}", "year", anchors=False)

    def rule_set(self, m: re.Match[str]) -> _Norm | None:
        every = m["every"].lower()
        unit_text = m["unit"]
        if every in ("a", "an"):
            # "$5 a day", "three times a week": a rate, so a set; otherwise "a day" is a duration.
            before = self.text[max(0, m.start() - 25) : m.start()]
            rate = re.search(r"(?:\d|million|billion|thousand|percent|%|cents?|dollars?|times|once|"
                             r"twice|hours?|minutes?|miles|pounds|tons|barrels|shares|points?)[^\S\n]*$",
                             before, re.IGNORECASE)
            counted = re.search(r"\b([a-z]{3,}s)\s+$", before)
            if not rate and not (counted and counted.group(1) not in NOT_COUNTED_NOUNS):
                return None
            if m["num"] or m["other"]:
                return None
        low = unit_text.lower().rstrip(".")
        if low in UNIT_FORMS:
            unit = UNIT_FORMS[low]
            amount = (_number(m["num"]) if m["num"] else 1) or 1
            if m["other"]:
                amount *= 2
            return _Norm(_duration_value(amount, unit), "set", "set", anchors=False)
        if low in MONTH_NUMBERS and unit_text[:1].isupper():
            return _Norm(f"XXXX-{MONTH_NUMBERS[low]:02d}", "set", "set", anchors=False)
        if low in SEASONS:
            return _Norm(f"XXXX-{SEASONS[low]}", "set", "set", anchors=False)
        if low in DAY_PARTS:
            return _Norm("XXXX-XX-XXT" + DAY_PARTS[low], "set", "set", anchors=False)
        if low == "weekend":
            return _Norm("XXXX-WXX-WE", "set", "set", anchors=False)
        return None

    def rule_times_per(self, m: re.Match[str]) -> _Norm | None:
        return _Norm(_duration_value(1, _unit(m["unit"])), "set", "set", anchors=False)

    def _names_a_periodical(self, m: re.Match[str]) -> bool:
        """Whether "daily" or "weekly" is a newspaper: before its name after a word that says
        whose or what kind ("the Lisbon daily Diario Norte", "the business daily Harbor Post"), or
        after an article and before a verb of reporting ("the daily reported"). Before a name
        after anything else it qualifies what follows ("the daily City Hall briefing")."""
        word = _WORD_BEFORE.search(self.text, max(0, m.start() - 40), m.start())
        if word is None:
            return False
        before = word[1]
        if _REPORTING_AFTER.match(self.text, m.end()):
            return before.lower() in {"the", "a"}
        if not _NAME_AFTER.match(self.text, m.end()):
            return False
        if before.lower() in PRESS_KINDS:
            return True
        possessive = before.endswith(("'s", "\u2019s"))
        return before[:1].isupper() and before.lower() not in _DETERMINERS and not possessive

    def rule_setword(self, m: re.Match[str]) -> _Norm | None:
        after = self.text[m.end() : m.end() + 30].lower()
        before = self.text[max(0, m.start() - 10) : m.start()].lower()
        if _RATE_NOUN_AFTER.match(after) or before.endswith("average "):
            return None  # "quarterly dividend", "average daily volume": a measure, not a recurrence
        if m["word"].lower() in PUBLICATION_WORDS and self._names_a_periodical(m):
            return None  # "the Lisbon daily Diario Norte", "the daily reported": a newspaper
        return _Norm(SET_WORDS[m["word"].lower()], "set", "set", anchors=False)

    def rule_adj_duration(self, m: re.Match[str]) -> _Norm | None:
        if m["plural"]:
            unit = _unit(m["plural"])
            # "decades-long" is written in years (PXY) in both TimeBank/AQUAINT and MEANTIME,
            # where a bare "decades" keeps the decade's own letter.
            value = "PXY" if unit == "decade" else _duration_value(None, unit)
            return _Norm(value, "duration", "duration", anchors=False)
        unit = _unit(m["unit"])
        num = m["num"].lower()
        if unit == "second" and num in ("a", "one"):
            return None
        amount = None if num in ("several", "few", "multi") else _number(num)
        if amount is not None and m["half"]:
            amount += 0.5
        return _Norm(_duration_value(amount, unit), "duration", "duration", anchors=False)

    def rule_duration(self, m: re.Match[str]) -> _Norm | None:
        unit = _unit(m["unit"])
        num = _words(m["num"])
        if unit == "second" and num in ("a", "an"):
            return None  # "a second term"
        in_a_row = re.search(r"\b(?:straight|consecutive|successive|fiscal|calendar)\s", m.group(0), re.I)
        if unit == "quarter" and not in_a_row and (
            re.match(r",?\s+of\b", self.text[m.end() : m.end() + 8])
            or re.search(r"\bor\s+(?:about\s+)?$", self.text[max(0, m.start() - 12) : m.start()])
        ):
            return None  # "three quarters of the vote", "120, or about a quarter, of its stores"
        amount = None if num in VAGUE_AMOUNTS else _number(num)
        if amount is not None and (m["half"] or m["half2"]):
            amount += 0.5
        value = _duration_value(amount, unit)
        if m["compound"] and amount is not None:
            second = _number(m["num2"])
            unit2 = _unit(m["unit2"])
            if second is not None and second == int(second):
                tail = _duration_value(second, unit2)
                head = value
                if UNITS[unit2].clock and not UNITS[unit].clock:
                    value = head + "T" + tail[2:]
                else:
                    value = head + tail[len("PT") if UNITS[unit2].clock else 1 :]
        return _Norm(value, "duration", "duration", anchors=False)

    def rule_vague_units(self, m: re.Match[str]) -> _Norm | None:
        unit = _unit(m["unit"])
        adj = _words(m["adj"] or "")
        before = self.text[max(0, m.start() - 12) : m.start()].lower().split()
        if not adj and before and before[-1] in ("these", "those", "all"):
            return None
        if adj == "recent" and unit == "year":
            return _Norm("PAST_REF", "unknown", anchors=False)  # "in recent years" places, not measures
        return _Norm(_duration_value(None, unit), "duration", "duration", anchors=False)

    def rule_ref(self, m: re.Match[str]) -> _Norm | None:
        words = _words(m["word"])
        value = REF_WORDS.get(words)
        if value is None:
            return None
        if words == "current":
            after = self.text[m.end() : m.end() + 20].lower()
            if re.match(r"\s+(?:account|assets|liabilities|dollars|prices|affairs|events|"
                        r"quarter|year|month|week|period|fiscal|state|level|rate|crisis)", after):
                return None
        if words == "future" and re.match(r"\s*(?:s\b|contracts|tense)", self.text[m.end() : m.end() + 12]):
            return None
        if words == "soon":
            before = self.text[max(0, m.start() - 4) : m.start()].lower()
            after = self.text[m.end() : m.end() + 14].lower()
            if (before.endswith("as ") and not after.startswith(" as possible")) or re.match(
                r"\s+(?:after|afterwards?|thereafter|before)\b", after
            ):
                return None  # "as soon as", "soon after": a conjunction, not a time
        return _Norm(value, "unknown", anchors=False)

    def rule_extref(self, m: re.Match[str]) -> _Norm | None:
        return _Norm(EXTENSION_REF_WORDS[_words(m["word"])], "unknown", anchors=False)


_Handler = Callable[[_Resolver, re.Match[str]], _Norm | None]
_HANDLERS: dict[str, _Handler] = {name: getattr(_Resolver, "rule_" + name) for name, _, _ in RULES}


def _resolve(resolver: _Resolver, name: str, m: re.Match[str]) -> _Norm | None:
    try:
        return _HANDLERS[name](resolver, m)
    except (OverflowError, ValueError):
        # Counting past the calendar's ends (a publication date in year 1 or 9999): the expression
        # is still one, its value just cannot be written.
        return _Norm(None, "unknown", anchors=False)


# -- finding -----------------------------------------------------------------------------------

#: Characters that the rules' case-blind matching takes for an ASCII letter but that ``str.lower``
#: does not turn into it: the long s matches "s", the dotted capital I and the dotless i match
#: "i", the Kelvin sign matches "k". The text is read with each replaced by its letter (one
#: character for one, so offsets stay), so that the words handlers look up in their tables
#: ("last", "monday") and the triggers looked for in the lower-cased text are plain letters.
_LOOKALIKES = str.maketrans({"\u017f": "s", "\u0130": "I", "\u0131": "i", "\u212a": "K"})


def _rules_for(text: str, timeml: bool) -> list[int]:
    """The rules (indices into ``_RULES``) worth running over ``text``: those without triggers and
    those with a trigger that ``text`` holds. The others cannot match it.

    ``text`` is free of :data:`_LOOKALIKES`: every character that a letter of a rule matches is
    then that letter in upper or lower case, and lower-casing the text keeps every trigger that
    a match holds.
    """
    lowered = text.lower()
    held: dict[tuple[str, ...], bool] = {}  # rules share triggers: look for the month names once
    chosen = []
    for index, rule in enumerate(_RULES):
        if timeml and rule.name in EXTENSION_RULES:
            continue
        if rule.triggers is not None:
            found = held.get(rule.triggers)
            if found is None:
                found = held[rule.triggers] = any(trigger in lowered for trigger in rule.triggers)
            if not found:
                continue
        chosen.append(index)
    return chosen


#: A blank line, which no time expression runs across: a headline ending in "Five" is not a
#: duration with the "days" that opens the paragraph below it.
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """The bounds of the text's paragraphs, the blank lines between them left out."""
    bounds = []
    start = 0
    for m in _BLANK_LINE.finditer(text):
        if m.start() > start:
            bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def _scans(text: str, timeml: bool, every_rule: bool = False) -> list[tuple[int, int, int]]:
    """(rule, start, end): each paragraph with each rule worth running over it (see
    :func:`_rules_for`), or with every rule. A rule that needs a month name is then run over the
    few paragraphs that name one, not over the whole text."""
    every = [i for i, rule in enumerate(_RULES) if not (timeml and rule.name in EXTENSION_RULES)]
    scans: list[tuple[int, int, int]] = []
    for start, end in _paragraphs(text):
        rules = every if every_rule else _rules_for(text[start:end], timeml)
        scans.extend((index, start, end) for index in rules)
    return scans


def _choose(
    resolver: _Resolver, scans: Iterable[tuple[int, int, int]]
) -> list[tuple[int, int, int, re.Match[str]]]:
    """Non-overlapping matches of the rules run over their paragraphs (see :func:`_scans`):
    longest first, then the rule listed first.

    A match is kept only if its rule accepts it, so that a longer match a rule turns down ("a
    five" read as a rate) does not hide a shorter one that is an expression.
    """
    found: list[tuple[int, int, int, re.Match[str]]] = []
    text = resolver.text
    for index, first, last in scans:
        # Run over the whole text with bounds, a pattern still looks behind the paragraph's start.
        for m in _RULES[index].pattern.finditer(text, first, last):
            if m.end() > m.start():
                found.append((m.start(), m.end(), index, m))
    found.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken = bytearray(len(resolver.text))
    chosen: list[tuple[int, int, int, re.Match[str]]] = []
    for start, end, index, m in found:
        if any(taken[start:end]):
            continue
        if resolver.looks_like_title(start, end):
            continue
        if _resolve(resolver, _RULES[index].name, m) is None:
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append((start, end, index, m))
    chosen.sort(key=lambda c: c[0])
    return chosen


def find_times(text: str, published: date | None, *, timeml: bool = False) -> list[TimeRef]:
    """Time expressions in ``text``, sorted and non-overlapping, resolved against ``published``.

    Without a publication date, expressions that need one get an underspecified value
    (``XXXX-05``) or none. ``timeml=True`` keeps only what TimeML corpora mark, leaving out
    "former" and "previously". Precision ``quarter`` also covers halves (``2021-H1``) and
    ``decade`` also centuries (``19``).
    """
    return _find_times(text, published, timeml=timeml)


def _find_times(text: str, published: date | None, *, timeml: bool = False,
                every_rule: bool = False) -> list[TimeRef]:
    """:func:`find_times`; ``every_rule`` runs the rules whose triggers ``text`` lacks too, which
    must change nothing (the tests compare the two)."""
    plain = text if text.isascii() else text.translate(_LOOKALIKES)
    resolver = _Resolver(plain, published)
    found: list[TimeRef] = []
    deictic: list[int] = []  # indexes in ``found`` of "today", "tomorrow", "this morning" ...
    for start, end, index, m in _choose(resolver, _scans(plain, timeml, every_rule)):
        norm = _resolve(resolver, _RULES[index].name, m)
        if norm is None:
            continue
        end = norm.end or end
        if norm.start is not None:
            start = norm.start
        if _RULES[index].name in _DEICTIC_RULES and norm.value and norm.value[:1].isdigit():
            deictic.append(len(found))
        found.append(TimeRef(text[start:end], norm.value, norm.precision, start, end, norm.kind))
        if norm.anchors and norm.kind in ("date", "time") and norm.value and norm.value[:1].isdigit():
            resolver.anchor = (norm.value, norm.precision, end)
            if norm.precision in ("month", "quarter", "season"):
                resolver.period_anchor = resolver.anchor
    if deictic and resolver.pub is not None:
        _date_quoted_days(resolver, found, deictic)
    return found


#: Rules whose value counts from the day the words were spoken: "today", "tomorrow morning".
_DEICTIC_RULES = frozenset({"relday", "relpod"})
#: A reporting verb in the attribution of a quotation.
_SPEECH_VERB = re.compile(
    r"\b(?:said|says|told|added|declared|announced|stated|insisted|warned|wrote|tweeted|posted|"
    r"remarked|explained|argued|asked|urged|vowed|pledged|promised|predicted|recalled)\b",
    re.IGNORECASE,
)
#: How far back a speech may date "today" in a quotation: farther, and the weekday more likely
#: names something else than the day of the words.
_SPEECH_DAYS_BACK = 10


def _quotations(text: str) -> list[tuple[int, int, bool]]:
    """The quotations of ``text`` as (first character inside, end, closed), paired within a
    paragraph; a quotation left open at a paragraph's end closes there, as news writing does for
    a quotation that runs on, and is marked not closed."""
    spans: list[tuple[int, int, bool]] = []
    opened: int | None = None
    paragraph_end = text.find("\n")
    for m in _QUOTE_MARK.finditer(text):
        while 0 <= paragraph_end < m.start():
            if opened is not None:
                spans.append((opened, paragraph_end, False))
                opened = None
            paragraph_end = text.find("\n", paragraph_end + 1)
        if opened is None:
            opened = m.end()
        else:
            spans.append((opened, m.start(), True))
            opened = None
    if opened is not None:
        spans.append((opened, len(text) if paragraph_end < 0 else paragraph_end, False))
    return spans


def _date_quoted_days(resolver: _Resolver, found: list[TimeRef], deictic: list[int]) -> None:
    """Re-dates "today", "tomorrow" and the like inside a quotation whose attribution dates the
    words: in '"Today we mourn," the president said Monday' today is Monday, not the day of
    publication. Changes ``found`` in place."""
    published = resolver.pub
    if published is None:
        return
    quotes = _quotations(resolver.text)
    openings = [q[0] for q in quotes]
    starts = [ref.start for ref in found]  # in text order
    for i in deictic:
        ref = found[i]
        at = bisect_right(openings, ref.start) - 1
        if at < 0 or not quotes[at][0] <= ref.start < quotes[at][1]:
            continue
        spoken = _speech_day(resolver, quotes[at], found, starts, published)
        if spoken is None or spoken == published:
            continue
        shift = spoken - published
        value = ref.value or ""
        day = date.fromisoformat(value[:10]) + shift
        found[i] = TimeRef(ref.expression, _day_value(day) + value[10:], ref.precision, ref.start,
                           ref.end, ref.kind)


def _speech_day(resolver: _Resolver, quote: tuple[int, int, bool], found: list[TimeRef],
                starts: list[int], published: date) -> date | None:
    """The day a quotation was spoken, when its attribution says so: a day in the words between
    the closing mark and the sentence's end (", she said on Monday."), or between the sentence's
    start and the opening mark ("On Monday, the minister said: ") beside a reporting verb.
    Sentences are the resolver's, whose ends skip abbreviations ("Gov. Cuomo said Monday")."""
    text = resolver.text
    begin, close, closed = quote
    opening = begin - 1
    while opening > 0 and text[opening - 1] in "`\"\u201c":
        opening -= 1
    sentence_start = resolver.sentence(max(0, opening))[0]
    sentence_start = max(sentence_start, text.rfind("\n", sentence_start, opening) + 1)
    segments = [(sentence_start, opening)]
    if closed:
        # The attribution runs to the end of the sentence the closing mark ends or stands in; a
        # quotation left open at a paragraph's end has none after it.
        segments.insert(0, (close + 1, _attribution_end(resolver, close + 1)))
    for seg_start, seg_end in segments:
        segment = text[seg_start:seg_end]
        if not segment.strip() or len(segment.split()) > 14 or not _SPEECH_VERB.search(segment):
            continue
        for ref in found[bisect_left(starts, seg_start) : bisect_left(starts, seg_end)]:
            if ref.end > seg_end:
                continue
            if ref.kind not in ("date", "time") or ref.precision not in ("day", "time"):
                continue
            value = ref.value or ""
            if not re.fullmatch(r"\d{4}-\d\d-\d\d(?:T.*)?", value):
                continue
            day = date.fromisoformat(value[:10])
            if timedelta(0) <= published - day <= timedelta(days=_SPEECH_DAYS_BACK):
                return day
    return None


def _attribution_end(resolver: _Resolver, start: int) -> int:
    """Where the words after a closing quotation mark end: the end of the resolver's sentence
    there, or of the paragraph, whichever comes first (at most 200 characters on)."""
    text = resolver.text
    end = min(resolver.sentence(start)[1], start + 200)
    line_end = text.find("\n", start, end)
    return line_end if line_end >= 0 else end


#: Precisions from finest to coarsest, for choosing a sentence's own date.
_PRECISION_RANK = ("time", "day", "week", "month", "season", "quarter", "year", "decade")


def sentence_event_date(times_in_sentence: Sequence[TimeRef]) -> str | None:
    """The date a sentence is about: its first date or time of the finest precision present.

    Durations, sets and vague references (``PAST_REF``) do not date an event, nor do values that
    are not calendar positions (``XXXX-05``).
    """
    best: tuple[int, str] | None = None
    for ref in times_in_sentence:
        if ref.kind not in ("date", "time") or not ref.value or not ref.value[:1].isdigit():
            continue
        ranks = _PRECISION_RANK
        rank = ranks.index(ref.precision) if ref.precision in ranks else len(ranks)
        rank = max(rank, 1)  # a clock time and a day count the same: the first one wins
        if best is None or rank < best[0]:
            best = (rank, ref.value)
    return best[1] if best else None
