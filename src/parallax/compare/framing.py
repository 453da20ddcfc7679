"""Framing: the words each outlet chooses for the same thing.

Candidate labels are the noun phrases of each article (a noun with its modifiers, prepositional
phrases and relative clauses), found at enrichment (:mod:`parallax.enrich.phrases`). Two outlets'
phrases name the same referent when their vectors are close and each is the other's best match; a
pair that differs only in typography is no framing.
Loaded words come from a small lexicon of evaluative terms (data file ``loaded_words.txt``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from parallax.compare.contradict import opposites
from parallax.model import Article, Enrichment, Phrase, identity_text

#: Cosine above which two noun phrases from different outlets are taken to name one referent.
SAME_REFERENT = 0.72


#: Noun phrases recur from one comparison of a story to the next (and across stories: "the
#: foreign minister"); their vectors are kept, up to this many, for the life of the process.
PHRASE_CACHE_SIZE = 50_000
_phrase_cache: dict[tuple[str, str], Any] = {}


def phrase_vectors(texts: Sequence[str], embedder: Any) -> dict[str, Any]:
    """Vectors of ``texts`` by text: each distinct phrase embedded once, in one batch, and only
    when an earlier comparison has not embedded it with the same model already."""
    model = str(getattr(embedder, "name", type(embedder).__name__))
    found = {text: _phrase_cache.get((model, text)) for text in dict.fromkeys(texts)}
    missing = [text for text, vector in found.items() if vector is None]
    if missing:
        if len(_phrase_cache) + len(missing) > PHRASE_CACHE_SIZE:
            _phrase_cache.clear()  # simplest bound: start again rather than track recency
        for text, vector in zip(missing, embedder.embed(missing), strict=True):
            found[text] = vector
            _phrase_cache[(model, text)] = vector
    return found


def clear_phrase_cache() -> None:
    """Forget every kept phrase vector (benchmarks time a comparison from cold with it)."""
    _phrase_cache.clear()


def find_framing(
    articles: Sequence[Article], phrases: Mapping[str, Sequence[Phrase]], embedder: Any
) -> list[dict[str, Any]]:
    """Referents named differently by different outlets, with each outlet's label; ``phrases``
    maps article id to its noun phrases."""
    known = phrase_vectors([p.text for a in articles for p in phrases[a.id]], embedder)
    vectors = {
        a.id: np.vstack([known[p.text] for p in phrases[a.id]]) if phrases[a.id] else np.zeros((0, 1))
        for a in articles
    }
    outlet = {a.id: a.outlet or a.id for a in articles}
    seen: dict[str, frozenset[str]] = {}

    def words_of(article: Article) -> frozenset[str]:
        if article.id not in seen:
            seen[article.id] = frozenset(_normal(article.text).split())
        return seen[article.id]

    groups: list[dict[str, str]] = []  # referent group: article id -> label
    marks: dict[tuple[str, str], _Label] = {}  # (article id, label) -> the label with its heads
    for i, first in enumerate(articles):
        for second in articles[i + 1 :]:
            if outlet[first.id] == outlet[second.id] or not phrases[first.id] or not phrases[second.id]:
                continue
            similarity = vectors[first.id] @ vectors[second.id].T
            for row in range(similarity.shape[0]):
                col = int(similarity[row].argmax())
                if similarity[row, col] < SAME_REFERENT or int(similarity[:, col].argmax()) != row:
                    continue
                phrase_a, phrase_b = phrases[first.id][row], phrases[second.id][col]
                # A list's dash or bullet is no part of a label ("-On a few occasions").
                label_a, label_b = (_LEADING_MARKS.sub("", phrase_a.text).rstrip(),
                                    _LEADING_MARKS.sub("", phrase_b.text).rstrip())
                # Labels that differ only in a number or a time ("5.8 earthquake" and "6.4
                # earthquake", "3 a.m." and "5 a.m.") are the conflict and detail checks' business,
                # not word choice.
                if _same_words(label_a, label_b) or _wording(label_a) == _wording(label_b):
                    continue
                # Different numbers are different amounts ("roughly 35 seats" needed, "nearly 60
                # seats" lost), not two words for one thing.
                numbers_a, numbers_b = _numbers(label_a), _numbers(label_b)
                if numbers_a and numbers_b and numbers_a != numbers_b:
                    continue
                # Opposite sides are two referents: "the upstream country", "downstream countries".
                if opposites(label_a, label_b, _SIDES) or _negated_kind(label_a, label_b):
                    continue
                mark_a = marks[(first.id, label_a)] = _mark(label_a, phrase_a, first.text)
                mark_b = marks[(second.id, label_b)] = _mark(label_b, phrase_b, second.text)
                if (_no_choice(mark_a, mark_b, words_of(first), words_of(second))
                        or _about_the_other(mark_a, mark_b) or _detail_only(mark_a, mark_b)):
                    continue
                _merge(groups, {first.id: label_a, second.id: label_b}, marks)
    groups = [group for group in groups if not _restates(group, groups)]
    return [
        {
            "referent": _referent_name(group, [marks[(aid, label)].heads for aid, label in group.items()]),
            "labels": [{"article": aid, "label": label} for aid, label in group.items()],
            "note": "",
        }
        for group in groups
    ]


#: Words between a head and a second noun that it is coordinated with ("farms and towns").
_COORDINATORS = frozenset({"and", "or"})
#: Words that end a noun's pre-modifiers when a label carries no head from the parse (labels made
#: before heads were kept, and labels given by hand): the head is the word before the first.
_POST_MODIFIER = re.compile(
    r"\s(?:of|in|on|at|for|from|to|with|about|over|against|by|into|under|after|before|between|"
    r"during|who|whom|whose|which|that|where|when)\s|[,;(]"
)


def _heads(label: str, head: str) -> frozenset[str]:
    """The nouns ``label`` is about: its head from the parse (or, without one, the word before its
    first preposition or relative word), with a noun coordinated with it ("farms and towns"),
    each in :func:`_normal` form."""
    if not head:
        cut = _POST_MODIFIER.search(f" {label} ")
        before = _normal(label[: cut.start()] if cut else label).split()
        head = before[-1] if before else ""
    head = _normal(head)
    if not head:
        return frozenset()
    words = _normal(label).split()
    found = {head}
    if head in words:
        at = words.index(head)
        if at + 2 < len(words) and words[at + 1] in _COORDINATORS:
            found.add(words[at + 2])
    return frozenset(found)


def _no_choice(a: _Label, b: _Label, words_a: frozenset[str], words_b: frozenset[str]) -> bool:
    """Whether neither outlet chose its words over the other's: each article also writes the words
    that only the other's label has ("harbour court" against "harbour judge" where both articles
    write "court" and "judge"). An outlet that writes both words uses them for two things, or for
    one thing interchangeably; in either case its label is no choice between them. Words that
    set two units of time or two dates apart ("several hours" and "several weeks", "Tuesday
    night" and "Wednesday night") make two things."""
    only_a, only_b = a.words - b.words, b.words - a.words
    if not only_a or not only_b:
        return False
    if only_a <= _TIME_UNITS and only_b <= _TIME_UNITS:
        return True
    return only_a <= words_b and only_b <= words_a


_TIME_UNITS = frozenset({
    "second", "minute", "hour", "day", "night", "week", "month", "year", "decade", "century",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "morning", "afternoon", "evening",
})


@dataclass(frozen=True, slots=True)
class _Label:
    """A label with the nouns it is about and the words in it that may add detail rather than
    choose words: names (``named``), numbers, dates and titles (``detail``), and what follows its
    head (``after``)."""

    text: str
    heads: frozenset[str]
    words: frozenset[str] = frozenset()  # its words in :func:`_normal` form
    named: frozenset[str] = frozenset()
    detail: frozenset[str] = frozenset()
    after: frozenset[str] = frozenset()


def _mark(label: str, phrase: Phrase, text: str) -> _Label:
    """``label`` (the text of ``phrase`` in ``text``) with its heads, names, details and trailing
    words. A capitalised word is a name, except a first word where the phrase begins a sentence."""
    heads = _heads(label, phrase.head)
    before = text[: phrase.start].rstrip(" \t\"'\u201c\u2018(")
    opens_sentence = not before or before[-1] in ".!?:\n"
    named: set[str] = set()
    detail: set[str] = set()
    after: set[str] = set()
    past_head = False
    tokens = re.findall(r"[\w'\u2019.-]+", label)
    capitalised = [t[:1].isupper() and not (at == 0 and opens_sentence) for at, t in enumerate(tokens)]
    for at, token in enumerate(tokens):
        words = _normal(token).split()
        if past_head:
            after.update(words)
        if capitalised[at]:
            named.update(words)
            # A word inside a longer name ("Ana" in "Councillor Ana Ruiz") is a name's
            # form, not a word chosen for the thing.
            if (at and capitalised[at - 1]) or (at + 1 < len(tokens) and capitalised[at + 1]):
                detail.update(words)
        if token[:1].isdigit():
            detail.update(words)
        detail.update(w for w in words if w in _TIME_UNITS or w in _NUMBER_WORDS or w in _TITLES)
        past_head = past_head or bool(heads & set(words))
    return _Label(label, heads, frozenset(_normal(label).split()), frozenset(named), frozenset(detail),
                  frozenset(after))


#: Titles that go with a name, capitalised or not where a sentence begins.
_TITLES = frozenset({"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "prof", "gen", "col", "lt", "sgt", "st"})


def _detail_only(a: _Label, b: _Label) -> bool:
    """Whether the labels differ only in detail, not in a choice of words: in the form of a name
    ("death of Mr. Rowe", "death of Adam Rowe"), or by what one adds in numbers, dates or after
    its noun ("police officer" and "police officer two weeks earlier"; "tear gas" and "tear gas
    and water cannon"). What one adds before its noun is a choice: "unarmed driver", and a
    people's name for a place ("the Estravian border city")."""
    words_a, words_b = a.words - _EDGE_WORDS, b.words - _EDGE_WORDS
    only_a, only_b = words_a - words_b, words_b - words_a
    if only_a and only_b:
        return only_a <= a.named | a.detail and only_b <= b.named | b.detail
    added, label = (only_a, a) if only_a else (only_b, b)
    return bool(added) and added <= label.detail | label.after


def _about_the_other(a: _Label, b: _Label) -> bool:
    """Whether one label names something about what the other names: with different heads, one's
    head stands among the other label's modifiers. "formal complaint about the dam" is not "the
    controversial dam", nor is "lawyer for the ferry workers" "the striking ferry workers", however close
    their vectors."""
    if not a.heads or not b.heads or a.heads & b.heads:
        return False
    return bool(a.heads & (b.words - b.heads) or b.heads & (a.words - a.heads))


def _restates(group: Mapping[str, str], groups: Sequence[Mapping[str, str]]) -> bool:
    """Whether ``group`` only repeats another group's difference inside longer labels: "summit in
    the border city of X" against "summit in the Estravian border city of X" beside the group of
    "border city of X" and "Estravian border city of X"."""
    for other in groups:
        if other is group or not set(group) <= set(other):
            continue
        if not all(other[aid] in label and other[aid] != label for aid, label in group.items()):
            continue
        rest = {_normal(label.replace(other[aid], " ")) for aid, label in group.items()}
        if len(rest) == 1:
            return True
    return False


#: Prefixes that make a word name the opposite kind: "anti-discrimination policies" are not
#: "discriminatory policies", nor "non-profit" groups "profit" ones.
_AGAINST = re.compile(r"\b(?:anti|non|counter|un)-(\w{4,})", re.IGNORECASE)


def _negated_kind(a: str, b: str) -> bool:
    """Whether one label names a thing against (or without) what the other label's words name."""
    for first, second in ((a, b), (b, a)):
        for m in _AGAINST.finditer(first):
            stem = m.group(1).lower()[:5]
            named = re.search(rf"(?<![\w-]){re.escape(stem)}", second, re.IGNORECASE)
            if named and not _AGAINST.search(second):
                return True
    return False


def _same_words(a: str, b: str) -> bool:
    return _normal(a) == _normal(b)


def _normal(text: str, *, singular: bool = True) -> str:
    """A label's words without articles, punctuation, words of approximation ("roughly 36
    percent" is "36 percent") and, with ``singular``, the plural's "s" ("news conferences" is
    "news conference"): labels that differ only in these are one wording, not a choice of words."""
    text = identity_text(text)
    text = re.sub(r"'s\b|[^\w\s]", " ", text)
    words = [w for w in text.split() if w not in _NOT_WORDING]
    return " ".join(_singular(w) if singular else w for w in words)


_LEADING_MARKS = re.compile(r"^[-\u2013\u2014\u2022*\s]+")
_NOT_WORDING = frozenset({
    "the", "a", "an", "its", "their", "roughly", "about", "nearly", "almost", "around", "approximately",
    "some", "over", "just",
    # Determiners and quantifiers: "further talks" and "additional talks", "other
    # visits" and "a few visits" are one wording of one thing.
    "his", "her", "our", "my", "your", "this", "that", "these", "those", "other", "more", "further",
    "additional", "few", "many", "several", "any", "each", "every", "all", "both", "such", "neither",
    "either", "no",
})


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is", "news")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"  # "injuries", "authorities"
    if word.endswith(("xes", "ches", "shes", "sses", "zes")):
        return word[:-2]  # "taxes", "churches"
    return word[:-1]


_NUMBERISH = re.compile(r"^(?:\d[\d.,:]*\w*|a\.?m\.?|p\.?m\.?)$", re.IGNORECASE)


#: Words that name opposite sides of one thing, so two labels differing by them name two things.
_SIDES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("upstream",), ("downstream",)), (("upper",), ("lower",)),
    (("north", "northern"), ("south", "southern")),
    (("east", "eastern"), ("west", "western")), (("import", "imports"), ("export", "exports")),
    (("buyer", "buyers"), ("seller", "sellers")), (("winner", "winners"), ("loser", "losers")),
    (("majority",), ("minority",)), (("first",), ("last", "second")), (("inbound",), ("outbound",)),
    (("supporters",), ("opponents", "critics")), (("government",), ("opposition",)),
    (("before",), ("after",)), (("pro",), ("anti",)),
    (("republican", "republicans", "gop"), ("democratic", "democrat", "democrats")),
    (("conservative", "conservatives"), ("liberal", "liberals", "labour")),
    (("senate",), ("house",)),
)


def _numbers(text: str) -> set[str]:
    """The numbers written in a label, in digits (commas dropped) or as words ("six people")."""
    found = {m.replace(",", "") for m in re.findall(r"\d[\d,.]*\d|\d", text)}
    found |= {str(_NUMBER_WORDS[w]) for w in re.findall(r"[a-z]+", text.lower()) if w in _NUMBER_WORDS}
    return found


_NUMBER_WORDS = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
))}


def _wording(text: str) -> str:
    """A label's words without its numbers and clock marks."""
    words = identity_text(text).split()
    return _normal(" ".join(w for w in words if not _NUMBERISH.match(w.strip(",;:()"))))


def _merge(groups: list[dict[str, str]], pair: dict[str, str],
           marks: Mapping[tuple[str, str], _Label]) -> None:
    """Add a pair of labels to the group that holds either of them, unless a label of that group
    names something about the other's head; else start a group."""
    for group in groups:
        if any(group.get(aid) == label for aid, label in pair.items()):
            if any(_about_the_other(marks[(aid, label)], marks[(other, held)])
                   for aid, label in pair.items() for other, held in group.items() if other != aid):
                continue
            for aid, label in pair.items():
                group.setdefault(aid, label)
            return
    groups.append(dict(pair))


_EDGE_WORDS = frozenset({"of", "on", "in", "from", "to", "for", "with", "about", "at", "by", "and", "or"})


def _referent_name(group: Mapping[str, str], heads: Sequence[frozenset[str]] = ()) -> str:
    """The words all labels share, when they stand together in the shortest label, read as a
    phrase and hold the head every label shares ("border city of marenburg", "north korea"). Labels
    with different heads are named by their heads ("brothel / slavery"): one outlet's label, or
    the words they share only among their modifiers ("wartime"), would take a side or name the
    wrong thing. Else the shortest label as written."""
    word_sets = [set(_normal(label, singular=False).split()) for label in group.values()]
    shared = set.intersection(*word_sets) if word_sets else set()
    shortest = min(group.values(), key=len)
    words = _normal(shortest, singular=False).split()
    ordered = [w for w in words if w in shared]
    joined = " ".join(ordered)
    if heads and all(heads):
        if not frozenset.intersection(*heads):
            named = [next((w for w in _normal(label).split() if w in found), "")
                     for label, found in zip(group.values(), heads, strict=True)]
            return " / ".join(dict.fromkeys(w for w in named if w))
        if not frozenset.intersection(*heads) & {_singular(w) for w in ordered}:
            ordered = []
    if ordered and f" {joined} " in f" {' '.join(words)} ":
        while ordered and ordered[0] in _EDGE_WORDS:
            ordered.pop(0)
        while ordered and ordered[-1] in _EDGE_WORDS:
            ordered.pop()
        if ordered:
            return " ".join(ordered)
    return " ".join(shortest.split())


@cache
def loaded_lexicon() -> frozenset[str]:
    text = resources.files("parallax.data").joinpath("loaded_words.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def find_loaded_words(article: Article, enrichment: Enrichment | None = None) -> list[dict[str, Any]]:
    """Words of the loaded-word lexicon in ``article``, each with its sentence.

    With the article's ``enrichment`` the sentence is the enrichment's own (so "U.S." does not
    end it), and a word inside a direct quotation names its speaker in ``quoted_from``: the
    word is then the speaker's, which the outlet chose to quote, not the outlet's own."""
    lexicon = loaded_lexicon()
    sentences = [(s.start, s.end) for s in enrichment.sentences] if enrichment else []
    quotes = [v for v in enrichment.voices if v.mode == "direct"] if enrichment else []
    found = []
    for match in re.finditer(r"[A-Za-z][A-Za-z\-]+", article.text):
        word = match.group().lower()
        if word not in lexicon:
            continue
        around = next(((a, b) for a, b in sentences if a <= match.start() < b), None)
        if around is not None:
            start, end = around
        else:
            start = max(0, article.text.rfind(".", 0, match.start()) + 1)
            stop = article.text.find(".", match.end())
            end = stop + 1 if stop >= 0 else len(article.text)
        quote = next((v for v in quotes if v.start <= match.start() and match.end() <= v.end), None)
        entry: dict[str, Any] = {
            "article": article.id,
            "word": match.group(),
            "start": match.start(),
            "end": match.end(),
            "text": article.text[start:end].strip(),
        }
        if quote is not None:
            entry["quoted_from"] = quote.speaker or ""
        found.append(entry)
    return found
