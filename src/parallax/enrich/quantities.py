"""Numbers with their units and what they count, normalised for comparing outlets.

"talks that lasted 20 minutes" -> 20 minute; "2,000 protesters" -> 2000 counting protester;
"$4.2 billion" -> 4.2e9 USD; "40 per cent" -> 40 percent; "three hours" -> 3 hour.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from parallax.enrich.nlp import doc_text, lemma, whole_words
from parallax.model import Quantity

WORD_NUMBERS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
    "a": 1,
    "an": 1,
    "half": 0.5,
}
MULTIPLIERS = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "bn": 1e9,
    "m": 1e6,
    "k": 1e3,
}
CURRENCIES = {
    "$": "USD",
    "us$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₩": "KRW",
    "₹": "INR",
    "dollars": "USD",
    "dollar": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds": "GBP",
    "yen": "JPY",
    "won": "KRW",
    "rupees": "INR",
    "yuan": "CNY",
    "rand": "ZAR",
    "reais": "BRL",
}
UNITS = {
    "second": "second",
    "seconds": "second",
    "minute": "minute",
    "minutes": "minute",
    "hour": "hour",
    "hours": "hour",
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
    "decade": "decade",
    "decades": "decade",
    "percent": "percent",
    "per cent": "percent",
    "%": "percent",
    "percentage points": "percentage point",
    "km": "kilometre",
    "kilometres": "kilometre",
    "kilometers": "kilometre",
    "miles": "mile",
    "mile": "mile",
    "metres": "metre",
    "meters": "metre",
    "m": "metre",
    "kg": "kilogram",
    "kilograms": "kilogram",
    "tonnes": "tonne",
    "tons": "tonne",
    "megawatts": "megawatt",
    "mw": "megawatt",
    "gigawatts": "gigawatt",
    "barrels": "barrel",
    "litres": "litre",
    "liters": "litre",
    "cubic metres": "cubic metre",
}
_NUMBER = re.compile(r"^\d[\d,]*(\.\d+)?$")
#: A number written with its multiplier, as money is in headlines: "2.1bn", "750m", "40k".
_SUFFIXED = re.compile(r"^(\d[\d,]*(?:\.\d+)?)(bn|mn|m|k|tn)$", re.IGNORECASE)
_SHORT_MULTIPLIERS = {"bn": 1e9, "mn": 1e6, "m": 1e6, "k": 1e3, "tn": 1e12}
_CURRENCY_SIGNS = {"$", "€", "£", "¥", "₩", "₹", "us$"}
#: Entity types that hold quantities; DATEs are handled as times, ORDINALs are ranks.
QUANTITY_LABELS = {"CARDINAL", "MONEY", "PERCENT", "QUANTITY", "TIME", "DATE"}
#: Numbers inside names ("Group of Seven", "G7", "Fukushima No. 1") and dates are not amounts.
_NOT_AMOUNTS = {"DATE", "ORDINAL", "ORG", "PERSON", "GPE", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT",
                "NORP", "LOC"}


def parse_number(words: list[str]) -> float | None:
    """Value of a run of number words and digits: "2,000", "4.2 billion", "three", "twenty-five"."""
    total = 0.0
    current: float | None = None
    for raw in words:
        word = raw.lower().strip()
        if not word or word in {"and", "-"}:
            continue
        if _NUMBER.match(word):
            if current is not None:
                return None  # "9-11", "10 12": two numbers (a range, a name), not one amount
            current = float(word.replace(",", ""))
        elif suffixed := _SUFFIXED.match(word):
            total += float(suffixed[1].replace(",", "")) * _SHORT_MULTIPLIERS[suffixed[2].lower()]
        elif word in WORD_NUMBERS:
            current = (current or 0) + WORD_NUMBERS[word]
        elif "-" in word and all(p in WORD_NUMBERS for p in word.split("-")):
            current = (current or 0) + sum(WORD_NUMBERS[p] for p in word.split("-"))
        elif word in MULTIPLIERS and current is not None:
            if MULTIPLIERS[word] >= 1e3:
                total += current * MULTIPLIERS[word]
                current = None
            else:
                current *= MULTIPLIERS[word]
        else:
            return None
    if current is not None:
        total += current
    return total if (current is not None or total) else None


#: "97-1", "97 to 1", "348-77" (or with a dash): a tally, when its sentence speaks of a vote or
#: a result.
_TALLY = re.compile(r"(?<![\d.,/-])(\d{1,3}(?:,\d{3})?)\s?(?:-|\u2013|\u2014| to )\s?"
                    r"(\d{1,3}(?:,\d{3})?)(?!\d|,\d|[/%-]|\.\d)")
_TALLY_CONTEXT = re.compile(
    r"\b(?:vot(?:e|es|ed|ing)|ballots?|margin|tally|won|wins?|beat|defeat(?:ed|s)?|lost|loss|"
    r"scor(?:e|ed)|victory|approv(?:ed|al)|pass(?:ed)?|reject(?:ed)?|confirm(?:ed)?|overr(?:ode|ide))\b",
    re.IGNORECASE)


#: Words after "N-M" or "N to M" that make it a range: of a share, or of the clock.
_NOT_TALLY_AFTER = frozenset({"percent", "per", "%", "a.m.", "p.m.", "am", "pm", "a.m", "p.m", "o'clock"})
_TALLY_NOUNS = frozenset({"vote", "votes", "margin", "tally", "decision", "win", "victory", "defeat",
                          "loss", "ruling", "majority"})


def _tallies(doc: Any) -> Iterator[tuple[Quantity, Quantity, range]]:
    """Each tally as two figures (its first and second numbers), and the tokens it covers.

    "a 97-1 vote" and "voted 97 to 1" are one tally, written two ways; as loose numbers, "97" and
    "1" would be two unrelated figures, and "1 vote" a figure of its own.
    """
    text = doc_text(doc)
    if not _TALLY.search(text):
        return  # most articles: nothing to look at sentence by sentence
    # A pipeline without a parser (some evaluations) sets no sentences: the text is one.
    sentences = doc.sents if doc.has_annotation("SENT_START") else [doc[:]]
    for sentence in sentences:
        if not _TALLY_CONTEXT.search(text, sentence.start_char, sentence.end_char):
            continue
        for match in _TALLY.finditer(text, sentence.start_char, sentence.end_char):
            first, second = (float(g.replace(",", "")) for g in match.groups())
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is None:
                continue
            end = match.end()
            nxt = doc[span.end] if span.end < len(doc) else None
            if nxt is not None and (nxt.lower_ in UNITS or nxt.lower_ in _NOT_TALLY_AFTER
                                    or (nxt.pos_ == "NOUN" and nxt.lower_ not in _TALLY_NOUNS)):
                continue  # "2-3 percent", "10-12 pages": a range of something, not a tally
            if nxt is not None and nxt.lower_ in _TALLY_NOUNS:
                end = nxt.idx + len(nxt.text)
            written = text[match.start():end]
            yield (Quantity(written, first, None, "tally (first)", match.start(), end),
                   Quantity(written, second, None, "tally (second)", match.start(), end),
                   range(span.start, span.end))


def find_quantities(doc: Any) -> list[Quantity]:
    """Quantities in a spaCy ``Doc``, from its number-bearing entities and number tokens."""
    found: list[Quantity] = []
    used: set[int] = set()
    for first, second, tokens in _tallies(doc):
        found.extend((first, second))
        used.update(tokens)
    for ent in doc.ents:
        if any(t.i in used for t in ent) or _hyphen_joined(doc, ent[0]) or _hyphen_joined(doc, ent[-1]):
            continue  # a tally's, or one end of a range ("12 - 15 protesters")
        if ent.label_ not in QUANTITY_LABELS:
            continue
        numeric = [t for t in ent if t.like_num or t.lower_ in MULTIPLIERS or _SUFFIXED.match(t.text)]
        if not numeric:
            continue
        if ent.label_ == "DATE" and not any(t.lower_ in UNITS for t in ent):
            continue  # a calendar date, not an amount of time
        quantity = _from_tokens(doc, list(ent), ent.start_char, ent.end_char)
        if quantity is not None:
            found.append(quantity)
            used.update(range(ent.start, ent.end))
    for token in doc:
        suspended = _SUSPENDED.match(token.text) if token.text[-1:] in "-\u2013" else None
        if suspended and token.i + 1 < len(doc) and doc[token.i + 1].lower_ in {"to", "or"}:
            # "a 40- to 60-hour course": the first end, its unit left to the second.
            value = parse_number([suspended.group(1)])
            if value is not None:
                found.append(Quantity(suspended.group(1), value, None, None, token.idx,
                                      token.idx + len(suspended.group(1))))
            continue
        if token.i in used or not token.like_num or token.ent_type_ in _NOT_AMOUNTS:
            continue
        if _hyphen_joined(doc, token):
            continue  # "9-11", "pages 10-12": a name or a range, neither number an amount alone
        quantity = _from_tokens(doc, [token], token.idx, token.idx + len(token.text))
        if quantity is not None:
            found.append(quantity)
    found.sort(key=lambda q: q.start)
    return _ranges_share_units(doc_text(doc), found)


#: A number the tokenizer keeps with a hanging hyphen: the first end of "40- to 60-hour".
_SUSPENDED = re.compile(r"^(\d[\d,.]*)[-\u2013]$")
#: What lies between the two ends of a range: "40 to 60 hours", "40- to 60-hour".
_RANGE_JOIN = re.compile(r"^-?\s*(?:to|or)\s*$", re.IGNORECASE)


def _ranges_share_units(text: str, found: list[Quantity]) -> list[Quantity]:
    """The first end of a range takes the unit and counted thing its second end states: "40 to
    60 hours" is 40 hours to 60 hours, and "a 40- to 60-hour course" 40 hours as well as 60."""
    shared = list(found)
    for i in range(len(shared) - 1):
        first, second = shared[i], shared[i + 1]
        if first.unit or first.counts or not (second.unit or second.counts):
            continue
        if _RANGE_JOIN.match(text[first.end : second.start]):
            shared[i] = Quantity(first.text, first.value, second.unit, second.counts, first.start, first.end)
    return shared


def _hyphen_joined(doc: Any, token: Any) -> bool:
    """Whether a number token is joined by a hyphen or dash to another number."""
    dashes = {"-", "\u2013", "\u2014"}
    after = token.i + 2 < len(doc) and doc[token.i + 1].text in dashes and doc[token.i + 2].like_num
    before = token.i >= 2 and doc[token.i - 1].text in dashes and doc[token.i - 2].like_num
    return bool(after or before)


def _from_tokens(doc: Any, tokens: list[Any], start: int, end: int) -> Quantity | None:
    unit: str | None = None
    words: list[str] = []
    before = doc[tokens[0].i - 1] if tokens[0].i > 0 else None
    if before is not None and (before.text in {"#", "No.", "Nos."} or (
            before.text == "." and before.i > 0 and doc[before.i - 1].text in {"No", "Nos"})):
        return None  # "the No. 2 job", "#3": a rank, not an amount
    if before is not None and before.lower_ in _CURRENCY_SIGNS:
        # The sign just before the entity ("£5m": the model tags only "5" as money).
        unit, start = CURRENCIES[before.lower_], before.idx
    for token in tokens:
        lower = token.lower_
        if lower in CURRENCIES and (token.is_currency or lower in _CURRENCY_SIGNS):
            unit = CURRENCIES[lower]
        elif lower in {
            "about",
            "some",
            "around",
            "nearly",
            "almost",
            "over",
            "more",
            "than",
            "least",
            "at",
            "up",
            "to",
            "roughly",
            "approximately",
            "the",
            "fewer",
            "less",
        }:
            continue
        elif lower in UNITS and words:
            unit = unit or UNITS[lower]
        elif lower in CURRENCIES and words:
            unit = CURRENCIES[lower]
        else:
            words.append(token.text)
    value = parse_number(words)
    if value is None:
        return None
    last = tokens[-1]
    counts: str | None = None
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if unit in CURRENCIES.values() and nxt is not None and nxt.lower_.rstrip(".") in _SHORT_MULTIPLIERS:
        # After money, "m" is millions, not metres ("£5m", "$750m.").
        value *= _SHORT_MULTIPLIERS[nxt.lower_.rstrip(".")]
        end = nxt.idx + len(nxt.text.rstrip("."))
        nxt = None
    if unit is None and nxt is not None:
        two = f"{nxt.lower_} {doc[nxt.i + 1].lower_}" if nxt.i + 1 < len(doc) else ""
        joined = doc[nxt.i + 1] if nxt.text == "-" and nxt.i + 1 < len(doc) and not nxt.whitespace_ else None
        if joined is not None and joined.lower_ in UNITS and not doc[last.i].whitespace_:
            unit = UNITS[joined.lower_]  # "a 60-hour course", "a 10-mile walk"
            end = joined.idx + len(joined.text)
        elif two in UNITS:
            unit = UNITS[two]
            end = doc[nxt.i + 1].idx + len(doc[nxt.i + 1].text)
        elif nxt.lower_ in UNITS:
            unit = UNITS[nxt.lower_]
            end = nxt.idx + len(nxt.text)
        elif nxt.lower_ in CURRENCIES:
            unit = CURRENCIES[nxt.lower_]
            end = nxt.idx + len(nxt.text)
    if unit is not None and unit in CURRENCIES.values():
        # What the money is for, when the amount modifies it: "a $43,000 Rolex", "a $5 million
        # budget"; two sums for two things are no disagreement.
        head = last.head if last.dep_ in {"nummod", "quantmod", "compound"} else None
        if (head is not None and head.i > last.i and head.pos_ in {"NOUN", "PROPN"}
                and head.lower_.rstrip(".") not in _SHORT_MULTIPLIERS and head.lower_ not in MULTIPLIERS):
            counts = lemma(head)
        else:
            # ... or what it is paid in, right after it: "$60 million in federal taxes", "$209
            # million in adjusted gross income" (the parser hangs "in" on the sum or on its verb).
            after = [c for c in last.children if c.dep_ == "prep"]
            after += [c for c in last.head.children if c.dep_ == "prep" and c.i == last.i + 1]
            counts = next((_stem(noun) for prep in after if prep.lower_ == "in" and prep.i == last.i + 1
                           for noun in prep.children if noun.dep_ == "pobj" and noun.pos_ == "NOUN"), None)
    if unit == "percent":
        sign = next((t for t in doc[last.i : last.i + 3] if t.idx < end and t.lower_ in _PERCENT_WORDS), None)
        if sign is not None:
            counts = _share_of(sign)
    if unit is None:
        # What is counted: the noun the number modifies ("2,000 protesters").
        head = last.head if last.dep_ in {"nummod", "quantmod"} else None
        if head is not None and head.pos_ in {"NOUN", "PROPN"}:
            counts = lemma(head)
            if head.i > last.i:
                whole = doc[whole_words(doc, head.i, head.i + 1)[1] - 1]  # "2,100 Coca-Cola plants"
                end = max(end, whole.idx + len(whole.text))
        else:
            # A part of a whole counts what the whole does: "Fifteen of the 19 hijackers".
            whole = next((grand for child in last.children if child.dep_ == "prep" and child.lower_ == "of"
                          for grand in child.children if grand.dep_ == "pobj" and grand.pos_ == "NOUN"
                          and grand.tag_ in {"NNS", "NNPS"}), None)
            if whole is not None:
                counts = lemma(whole)
    text = doc_text(doc)[start:end]
    return Quantity(text=text, value=value, unit=unit, counts=counts, start=start, end=end)


def _stem(noun: Any) -> str:
    """What a noun and its lemma begin with: the lemmatiser makes "taxes" "taxis", and the
    comparison looks for what a sum counts at the start of the other side's words."""
    word, base = str(noun.lower_), lemma(noun)
    shared = next((i for i, (x, y) in enumerate(zip(word, base, strict=False)) if x != y),
                  min(len(word), len(base)))
    return word[:shared] or word


_PERCENT_WORDS = frozenset({"percent", "%", "cent", "pct", "pct."})
#: Prepositions after a verb that bring in the share its subject is stated at: "the rate rose to 5
#: percent", "fell from 15 percent", "grew by 2 percent".
_SHARE_PREPS = frozenset({"to", "at", "from", "by", "of"})


def _share_of(sign: Any) -> str | None:
    """What a percentage is a share of, as the words that name it ("effective federal tax rate",
    "income"): two percentages of two things ("the federal rate" and "the combined rate") are no
    disagreement. The whole after "of" ("9 percent of their income"), else the noun it is the
    figure of ("a tax rate of 31 percent"), else the subject it is stated of ("the combined rate
    was 42 percent", "the jobless rate rose to 5 percent")."""
    whole = next((grand for child in sign.children if child.dep_ == "prep" and child.lower_ == "of"
                  for grand in child.children if grand.dep_ == "pobj" and grand.pos_ in {"NOUN", "PROPN"}),
                 None)
    if whole is not None:
        return _name_of(whole, sign)
    head = sign.head
    if sign.dep_ == "pobj" and head.dep_ == "prep":
        if head.lower_ == "of" and head.head.pos_ in {"NOUN", "PROPN"}:
            return _name_of(head.head, sign)
        if head.lower_ not in _SHARE_PREPS:
            return None
        head = head.head
    elif sign.dep_ not in {"attr", "dobj", "npadvmod", "acomp"}:
        return None
    if head.pos_ not in {"VERB", "AUX"}:
        return None
    subject = next((c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None or subject.pos_ not in {"NOUN", "PROPN"}:
        return None
    return _name_of(subject, sign)


#: Parts of speech of the words before a noun that name what it is ("combined", "tax", "federal").
_NAMING = frozenset({"NOUN", "PROPN", "ADJ", "VERB"})


def _name_of(noun: Any, skip: Any) -> str:
    """The words that name a noun's referent: its compounds and adjectives, and what a "for" or
    "of" after it says ("tax rate for federal, state and local taxes"), each word as the start it
    shares with its lemma; never words of the figure itself (``skip``)."""
    words: list[Any] = []
    for child in noun.children:
        if child.i < noun.i and child.dep_ in {"compound", "amod"} and child.pos_ in _NAMING:
            words.append(child)
        elif child.i > noun.i and child.dep_ == "prep" and child.lower_ in {"for", "of"} and not (
                child.i <= skip.i <= child.right_edge.i):
            for grand in child.subtree:
                if grand.pos_ in {"NOUN", "PROPN", "ADJ"} and grand.i != skip.i:
                    words.append(grand)
    words.append(noun)
    return " ".join(_stem(w) for w in sorted(words, key=lambda t: t.i))
