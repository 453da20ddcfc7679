"""Cited sources: whom an article credits for what it reports.

"according to the Japanese Foreign Ministry", "Kyodo News reported", "officials said", "a
statement said", "X told Reuters", "said in a statement". Each source gets a kind, so that a reader
can see at a glance whether an outlet leans on wire copy, on governments, on documents or on
people who are not named:

* ``news_agency``: a news agency or another outlet (Kyodo News, Reuters, "told the AP");
* ``government``: a ministry, office, department, embassy, police, or a capital standing for its
  government ("Seoul said");
* ``anonymous``: unnamed sources, officials, diplomats, "people familiar with the matter";
* ``document``: a statement, report, study, filing, communique;
* ``other``: anyone else an article says it goes by ("according to" a named person or a group).

Named people who speak are voices (:mod:`voices`), not sources, except after "according to",
where they are both. The classification is by the words of the phrase; the word lists are data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from parallax.enrich.nlp import doc_text, lemma
from parallax.model import CitedSource

NEWS_AGENCY = "news_agency"
GOVERNMENT = "government"
ANONYMOUS = "anonymous"
DOCUMENT = "document"
OTHER = "other"
KINDS = (NEWS_AGENCY, GOVERNMENT, ANONYMOUS, DOCUMENT, OTHER)

# -- data ----------------------------------------------------------------------------------------

#: News agencies and other news media cited by name. The outlet registry (outlets.toml) adds the
#: outlets Parallax knows; this list covers the agencies and broadcasters most often credited.
NEWS_MEDIA = (
    "Reuters", "Associated Press", "AP", "AFP", "Agence France-Presse", "Agence France Presse",
    "Xinhua", "Yonhap", "Kyodo", "Jiji", "Jiji Press", "Bloomberg", "TASS", "RIA Novosti", "Interfax",
    "ANSA", "EFE", "dpa", "Deutsche Presse-Agentur", "PTI", "Press Trust of India", "ANI", "UPI",
    "United Press International", "Anadolu", "Bernama", "Antara", "KCNA", "Korean Central News Agency",
    "NHK", "KBS", "CNN", "BBC", "MSNBC", "CNBC", "NPR", "PBS", "ABC", "NBC", "CBS", "Al Jazeera",
    "Politico", "Axios", "The New York Times", "The Washington Post", "The Wall Street Journal",
    "The Guardian", "Financial Times", "The Times", "Asahi", "Asahi Shimbun", "Yomiuri", "Nikkei",
    "Mainichi", "Chosun Ilbo", "JoongAng Ilbo", "Hankyoreh", "Global Times", "South China Morning Post",
    "The Hill", "Breitbart", "HuffPost", "Huffington Post", "Fox", "Newsweek", "Time",
)  # fmt: skip

#: Capitalised words that make an organisation's name a news outlet's: "Kyodo News", "Jiji Press".
NEWS_WORDS = frozenset(
    {"News", "Press", "Newswire", "Wire", "Broadcasting", "Television", "TV", "Radio", "Newspaper",
     "Shimbun", "Ilbo", "Daily", "Gazette", "Herald", "Tribune"}
)  # fmt: skip

#: Words that make a phrase a government body ("the Japanese Foreign Ministry", "the White House",
#: "a ministry spokesperson"). Matched as whole words, case-insensitive; multi-word entries whole.
GOVERNMENT_WORDS = (
    "ministry", "ministries", "government", "governments", "office", "department", "white house",
    "kremlin", "embassy", "consulate", "police", "administration", "cabinet", "agency", "pentagon",
    "state department", "foreign office", "downing street", "blue house", "elysee", "\u00e9lys\u00e9e",
    "prosecutor", "prosecutors", "authorities", "military", "army", "navy", "armed forces",
    "secretariat", "bureau", "presidency", "spokesperson of", "spokesman of", "spokeswoman of",
)  # fmt: skip

#: Head nouns of documents: "a statement said", "the report found", "according to the filing".
DOCUMENT_NOUNS = frozenset(
    {"statement", "report", "study", "filing", "document", "communique", "communiqu\u00e9", "memo",
     "memorandum", "letter", "survey", "poll", "analysis", "assessment", "release", "readout",
     "transcript", "paper", "audit", "review", "complaint", "lawsuit", "ruling", "indictment",
     "affidavit", "records", "record", "data", "figures", "estimate", "estimates", "projection",
     "forecast", "notice", "minutes",
     "declaration", "guidelines", "order", "bulletin", "dossier", "briefing", "cable"}
)  # fmt: skip

#: Head nouns of people an article does not name: "sources said", "a senior official said".
ANONYMOUS_NOUNS = frozenset({"source", "official", "insider", "diplomat", "aide", "officer", "staffer"})

#: "person"/"people" are anonymous sources only with one of these words: "people familiar with",
#: "a person with knowledge of", "people close to", "people briefed on".
ANONYMOUS_QUALIFIERS = frozenset({"familiar", "knowledge", "close", "briefed", "knowledgeable"})
ANONYMOUS_PEOPLE = frozenset({"person", "people", "individual", "individuals"})


#: Verbs by which a news agency is credited with a finding rather than quoted, as written (the
#: surface form spares a lemma for every token).
_AGENCY_VERBS = frozenset({
    "projected", "projects", "obtained", "seen", "saw", "reviewed", "confirmed", "called", "learned",
    "learnt", "verified",
})


@cache
def _word_pattern(words: tuple[str, ...], flags: int = 0) -> re.Pattern[str]:
    alternatives = sorted((re.escape(w) for w in words), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", flags)


@cache
def _registry_names() -> tuple[str, ...]:
    """Outlet names from the outlet registry, when it loads."""
    try:
        from parallax.outlets import OutletRegistry

        return tuple(str(outlet.name) for outlet in OutletRegistry.load())
    except Exception:  # a broken user registry must not stop enrichment
        return ()


def is_news_media(text: str) -> bool:
    """True for the name of a news agency or outlet ("Kyodo News", "Reuters", "the AP")."""
    bare = text.strip()
    if _word_pattern(NEWS_MEDIA).search(bare) or _word_pattern(_registry_names(), re.IGNORECASE).search(bare):
        return True
    words = bare.split()
    capitalised = [w for w in words if w[:1].isupper()]
    # "Jiji Press", "Fox News Sunday"; but not "press secretary" (lower case) or a lone "News".
    return len(capitalised) >= 2 and any(w in NEWS_WORDS for w in capitalised) and "Secretary" not in words


def source_kind(span: Any, label: str | None = None) -> str | None:
    """The kind of source a noun phrase (a spaCy Span) names, or None for a person or an unknown.

    ``label`` is the entity label entity resolution gave the phrase, when it gave one.
    """
    if label == "PERSON":
        return None
    head = span.root
    text = span.text
    head_lemma = lemma(head)
    named_person = any(t.ent_type_ == "PERSON" for t in span)
    if head_lemma in DOCUMENT_NOUNS and head.pos_ == "NOUN":
        return DOCUMENT
    if is_news_media(text):
        return NEWS_AGENCY
    if named_person:
        return None
    if head_lemma in ANONYMOUS_NOUNS and head.pos_ == "NOUN":
        return ANONYMOUS
    if head_lemma in ANONYMOUS_PEOPLE and any(t.lower_ in ANONYMOUS_QUALIFIERS for t in span):
        return ANONYMOUS
    if _word_pattern(GOVERNMENT_WORDS, re.IGNORECASE).search(text):
        return GOVERNMENT
    if label == "GPE" and all(t.ent_type_ == "GPE" or t.lower_ == "the" for t in span):
        return GOVERNMENT  # "Seoul said": a capital or a country speaking is its government
    return None


def find_sources(doc: Any, entities: Any) -> list[CitedSource]:
    """Every credited source in ``doc``, in text order.

    ``entities`` is the article's entity resolution (anything with ``entity_for_span``), or None.
    """
    finder = _Finder(doc, entities)
    found: list[CitedSource] = []
    for token in doc:
        if finder.inside_quote(token):
            continue  # the speaker's own words cite nobody for the article
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            found.extend(finder.according_to(token))
        elif finder.voices.cue_key(token) is not None:
            found.extend(finder.told_or_in(token))
            found.extend(finder.subject(token))
        elif token.lower_ in _AGENCY_VERBS and token.pos_ == "VERB":
            # "the Associated Press projected", "a memo obtained by Reuters": an outlet's own
            # finding, credited, though nobody is quoted.
            found.extend(s for s in finder.subject(token) if s.kind == NEWS_AGENCY)
            found.extend(finder.by_agency(token))
        elif token.lower_ == "interview":
            found.extend(finder.interview_with(token))
    unique: list[CitedSource] = []
    for source in sorted(found, key=lambda s: (s.start, -s.end)):
        # One phrase cited by two verbs ("the ministry said ... and added") is one citation.
        if any(s.start <= source.start < s.end or source.start <= s.start < source.end for s in unique):
            continue
        unique.append(source)
    return unique


class _Finder:
    def __init__(self, doc: Any, entities: Any) -> None:
        # Imported here: voices reads this module's tables when it is imported.
        from parallax.enrich import voices

        self.voices = voices
        self.doc = doc
        self.text: str = doc_text(doc)
        self.entities = entities
        self.quoted = bytearray(len(self.text))
        for quote in voices.find_quotes(self.text):
            self.quoted[quote.start : quote.end] = b"\x01" * (quote.end - quote.start)

    def inside_quote(self, token: Any) -> bool:
        return token.idx < len(self.quoted) and bool(self.quoted[token.idx])

    def phrase(self, token: Any) -> tuple[Any, str | None, str | None]:
        """The noun phrase headed by ``token``, with its resolved canonical name and label."""
        head = self.voices.name_token(token)
        start, end = self.voices.phrase_bounds(head)
        core = self.doc[slice(*self.voices.phrase_bounds(head, modifiers=False))]
        canonical, label = self.entities.entity_for_span(core) if self.entities is not None else (None, None)
        if canonical and label != "PERSON" and not (
            label == "GPE" and all(t.ent_type_ == "GPE" or t.lower_ == "the" for t in core)
        ):
            canonical = None  # only a place standing for its government is renamed ("Seoul")
        return self.doc[start:end], canonical, label

    def source(self, span: Any, canonical: str | None, kind: str, start: int, end: int) -> CitedSource:
        name = canonical or self.voices.strip_determiner(span.text)
        return CitedSource(name, kind, self.text[start:end], start, end)

    def according_to(self, token: Any) -> list[CitedSource]:
        """"according to X": a source whoever X is."""
        objects = [c for c in self.doc[token.i + 1].children if c.dep_ == "pobj"]
        if not objects:
            return []
        span, canonical, label = self.phrase(objects[0])
        kind = source_kind(span, label) or OTHER
        return [self.source(span, canonical, kind, token.idx, span.end_char)]

    def subject(self, verb: Any) -> list[CitedSource]:
        """"Kyodo News reported", "officials said", "said the ministry", "the report found"."""
        subject = self.voices.subject_of(verb)
        if subject is None or self.inside_quote(subject):
            return []
        span, canonical, label = self.phrase(subject)
        kind = source_kind(span, label)
        if kind is None:
            return []
        # The cue phrase is the subject with its verb when they stand together ("officials
        # said", "said the ministry"); a subject far from its verb is cited by itself.
        if 0 <= verb.i - span.end <= 1 or 0 <= span.start - verb.i - 1 <= 1:
            start, end = min(span.start_char, verb.idx), max(span.end_char, verb.idx + len(verb.text))
        else:
            start, end = span.start_char, span.end_char
        return [self.source(span, canonical, kind, start, end)]

    def told_or_in(self, verb: Any) -> list[CitedSource]:
        """"X told Reuters", "said in a statement"."""
        found = []
        for child in verb.children:
            if child.dep_ in {"dobj", "dative"} and lemma(verb) == "tell":
                span, canonical, label = self.phrase(child)
                if source_kind(span, label) == NEWS_AGENCY:
                    found.append(self.source(span, canonical, NEWS_AGENCY, verb.idx, span.end_char))
            elif child.dep_ == "prep" and child.lower_ == "in":
                for noun in child.children:
                    if noun.dep_ == "pobj" and lemma(noun) in DOCUMENT_NOUNS and noun.pos_ == "NOUN":
                        span, canonical, _ = self.phrase(noun)
                        found.append(self.source(span, canonical, DOCUMENT, child.idx, span.end_char))
        return found

    def by_agency(self, verb: Any) -> list[CitedSource]:
        """"obtained by The Associated Press", "seen by Reuters": a news agency as the agent."""
        return self._agency_after(verb, lambda child: child.dep_ == "agent")

    def interview_with(self, token: Any) -> list[CitedSource]:
        """"in an interview with CNN": the outlet that interviewed the speaker."""
        return self._agency_after(token, lambda child: child.dep_ == "prep" and child.lower_ == "with")

    def _agency_after(self, token: Any, preposition: Callable[[Any], bool]) -> list[CitedSource]:
        """The news agency that is the object of a preposition under ``token``, cited from
        ``token`` on."""
        for child in token.children:
            if preposition(child):
                for noun in child.children:
                    if noun.dep_ == "pobj":
                        span, canonical, label = self.phrase(noun)
                        if source_kind(span, label) == NEWS_AGENCY:
                            return [self.source(span, canonical, NEWS_AGENCY, token.idx, span.end_char)]
        return []
