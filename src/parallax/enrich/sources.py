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
    "central command", "centcom", "air force", "marine corps", "coast guard", "national guard",
    "joint chiefs", "security forces",
)  # fmt: skip

#: Head nouns of documents: "a statement said", "the report found", "according to the filing".
DOCUMENT_NOUNS = frozenset(
    {"statement", "report", "study", "filing", "document", "communique", "communiqu\u00e9", "memo",
     "memorandum", "letter", "survey", "poll", "analysis", "assessment", "release", "readout",
     "transcript", "paper", "audit", "review", "complaint", "lawsuit", "ruling", "indictment",
     "affidavit", "records", "record", "data", "figures", "estimate", "estimates", "projection",
     "forecast", "notice", "minutes",
     "declaration", "guidelines", "order", "bulletin", "dossier", "briefing", "cable", "return"}
)  # fmt: skip

#: Head nouns of news media an article names by their kind ("the gossip site TMZ", "the
#: newspaper", "a news agency"); a proper name in apposition names them.
MEDIA_NOUNS = frozenset(
    {"site", "website", "newspaper", "tabloid", "magazine", "broadcaster", "outlet", "blog",
     "newsletter", "publication", "news agency", "news service", "wire service", "news channel",
     "news network", "news outlet"}
)  # fmt: skip

#: Last words of newspapers' names, for what "the newspaper" refers back to ("The Riverton
#: Star"). Not used to call any phrase a news medium: "the Post Office" is none.
_MASTHEAD_WORDS = frozenset({
    "Star", "Times", "Post", "Journal", "Sun", "Observer", "Chronicle", "Examiner", "Inquirer",
    "Globe", "Register", "Courier", "Telegraph", "Mail", "Express", "Independent", "Herald",
    "Tribune", "Gazette", "Bee", "Ledger", "Dispatch", "Republic", "Review", "Standard", "Record",
    "Enquirer", "Monitor", "Guardian", "Mirror", "Bulletin", "Beacon",
})
_SITE = re.compile(r"[A-Z][\w-]*\.(?:com|org|net|co\.uk)")

#: Head nouns of people an article does not name: "sources said", "a senior official said".
ANONYMOUS_NOUNS = frozenset({
    "source", "official", "insider", "diplomat", "aide", "officer", "staffer",
    # People known only by what they are: "doctors said", "experts say", "a witness told".
    "doctor", "physician", "surgeon", "expert", "analyst", "witness", "investigator", "lawmaker",
    "legislator", "employee", "resident", "neighbor", "neighbour", "relative", "colleague",
})

#: "person"/"people" are anonymous sources only with one of these words: "people familiar with",
#: "a person with knowledge of", "people close to", "people briefed on".
ANONYMOUS_QUALIFIERS = frozenset({"familiar", "knowledge", "close", "briefed", "knowledgeable"})
ANONYMOUS_PEOPLE = frozenset({"person", "people", "individual", "individuals"})


#: Speech verbs by which an unnamed or ordinary subject is credited as a source of what the
#: article reports: "officials said", "people familiar with the talks confirmed". "Officials
#: accused ..." or "her aides hope ..." are voices, not the article's sources.
CITING_VERBS = frozenset({
    "say", "tell", "report", "add", "state", "announce", "confirm", "note", "explain", "write",
    "tweet", "post", "estimate", "indicate", "find", "conclude", "show", "acknowledge", "predict",
    "warn", "describe", "deny", "claim", "allege", "insist", "stress", "declare", "point out",
    "recall", "caution", "admit", "concede", "quote",
})

#: Heads a government word before them makes a government source ("a ministry spokesperson",
#: "police investigators"); before other heads it is a description ("farm families").
_OFFICIAL_HEADS = frozenset({
    "spokesperson", "spokesman", "spokeswoman", "representative", "investigator", "prosecutor",
    "lawyer", "attorney", "analyst", "chief", "head", "secretary", "minister", "leader", "director",
    "commander", "general", "officer", "agent", "spokespeople", "briefing",
})

#: Verbs by which a party puts out a document the article then goes by, as written (the surface
#: form spares a lemma for every verb).
_ISSUING_FORMS = frozenset({
    form for verb in ("issue", "release", "circulate")
    for form in (verb, verb + "s", verb + "d", verb[:-1] + "ing")
} | {"publish", "publishes", "published", "publishing", "send", "sends", "sent", "sending"})

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
    # "the Times" in running text is "The Times" of the list.
    capital = re.sub(r"^the\s", "The ", bare)
    if _word_pattern(NEWS_MEDIA).search(capital) or _word_pattern(
            _registry_names(), re.IGNORECASE).search(bare):
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
    # A person named as the phrase's head speaks for themselves; a name that only modifies it ("a
    # senior Varnholt campaign official") leaves the source unnamed.
    named_person = head.ent_type_ == "PERSON" or any(
        t.ent_type_ == "PERSON" and t.dep_ == "appos" and t.head.i == head.i for t in span)
    if head_lemma in DOCUMENT_NOUNS and head.pos_ == "NOUN":
        return DOCUMENT
    if is_news_media(text):
        return NEWS_AGENCY
    # "the gossip site", "a news agency": the head, or the head with the compound right before it.
    compound = [t.lower_ for t in head.lefts if t.dep_ == "compound"][-1:]
    if head.pos_ == "NOUN" and (head_lemma in MEDIA_NOUNS
                                or " ".join([*compound, head_lemma]) in MEDIA_NOUNS):
        return NEWS_AGENCY
    if named_person:
        return None
    if head_lemma in ANONYMOUS_NOUNS and head.pos_ == "NOUN":
        return ANONYMOUS
    if head_lemma in ANONYMOUS_PEOPLE and any(
            t.lower_ in ANONYMOUS_QUALIFIERS for t in (*span, *head.subtree)):
        return ANONYMOUS
    if _word_pattern(GOVERNMENT_WORDS, re.IGNORECASE).search(text) and (
        head.pos_ == "PROPN" or head_lemma in _OFFICIAL_HEADS
        or _word_pattern(GOVERNMENT_WORDS, re.IGNORECASE).search(span[head.i - span.start :].text)
    ):
        return GOVERNMENT
    if label == "GPE" and all(t.ent_type_ == "GPE" or t.lower_ == "the" for t in span):
        if _unknown_acronym(span):
            return None  # "the NRA said", read as a place by the model: a lobby, not a state
        return GOVERNMENT  # "Seoul said": a capital or a country speaking is its government
    return None


def _unknown_acronym(span: Any) -> bool:
    """Whether a place the model found is an acronym no country goes by ("NRA", not "UK")."""
    from parallax.enrich.entities import geography

    words = [t.text for t in span if t.lower_ != "the"]
    if len(words) != 1 or not re.fullmatch(r"[A-Z]{2,6}", words[0].replace(".", "")):
        return False
    geo = geography()
    word = words[0].casefold()
    return word not in geo.names and word not in geo.demonyms and word not in geo.capitals


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
            if finder.voices.put_to(token):
                continue  # "when asked by a reporter": the asker tells the story nothing
            found.extend(finder.told_or_in(token))
            found.extend(finder.subject(token))
            found.extend(finder.by_source(token))
        elif token.lower_ in _AGENCY_VERBS and token.pos_ == "VERB":
            # "the Associated Press projected", "a memo obtained by Reuters": an outlet's own
            # finding, credited, though nobody is quoted.
            found.extend(s for s in finder.subject(token) if s.kind == NEWS_AGENCY)
            found.extend(finder.by_agency(token))
        elif token.lower_ == "interview":
            found.extend(finder.interview_with(token))
        elif token.lower_ in _ISSUING_FORMS and token.pos_ == "VERB":
            found.extend(finder.issued(token))
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
        if lemma(head) in ANONYMOUS_PEOPLE:
            # "two people briefed on the intelligence": the participle is what makes them a source.
            for child in head.rights:
                if child.dep_ in {"acl", "amod"} and child.i >= end:
                    end = child.right_edge.i + 1
        core = self.doc[slice(*self.voices.phrase_bounds(head, modifiers=False))]
        canonical, label = self.entities.entity_for_span(core) if self.entities is not None else (None, None)
        if canonical and label != "PERSON" and not (
            label == "GPE" and all(t.ent_type_ == "GPE" or t.lower_ == "the" for t in core)
        ):
            canonical = None  # only a place standing for its government is renamed ("Seoul")
        if not canonical and head.pos_ == "NOUN" and lemma(head) in MEDIA_NOUNS and self._named_apposition(
                head) is None and (earlier := self._outlet_before(head)) is not None:
            canonical = earlier  # "the newspaper" after "The Riverton Star" reported
        while end - start > 1 and self.doc[end - 1].pos_ == "ADV" and self.doc[end - 1].i > head.i:
            end -= 1  # "told Reuters later": the outlet, not when
        named = self._named_apposition(head)
        if named is not None and not canonical:
            # "the gossip site TMZ": the kind comes from the common noun, the name from the
            # apposition, and the cited words run to its end.
            return self.doc[start : max(end, named.end)], named.text, label
        return self.doc[start:end], canonical, label

    def _outlet_before(self, head: Any) -> str | None:
        """The news outlet named last before ``head``: what "the newspaper" or "the site" means."""
        candidates: list[tuple[int, str]] = [
            (ent.start, self.voices.strip_determiner(ent.text)) for ent in self.doc.ents
            if ent.end <= head.i and ent.label_ in {"ORG", "WORK_OF_ART", "PRODUCT"}
            and (is_news_media(ent.text) or ent.text.split()[-1] in _MASTHEAD_WORDS)
        ]
        # A site named by its address, which the entity model does not tag: "CivicWatch.com".
        candidates += [(t.i, t.text) for t in self.doc[: head.i] if _SITE.fullmatch(t.text)]
        return max(candidates)[1] if candidates else None

    def _named_apposition(self, head: Any) -> Any:
        """The proper name in apposition to a common noun ("the gossip site TMZ"), or None."""
        if head.pos_ != "NOUN":
            return None
        for child in head.rights:
            if child.dep_ == "appos" and child.pos_ == "PROPN" and child.i - head.i <= 2:
                return self.doc[slice(*self.voices.phrase_bounds(child, modifiers=False))]
        return None

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
        if kind is None or (kind in {ANONYMOUS, OTHER} and self.voices.cue_key(verb) not in CITING_VERBS):
            return []
        if kind == DOCUMENT and subject.dep_ == "dobj" and subject.head.lower_ in _ISSUING_FORMS:
            # "the ministry released a report showing ...": the ministry's report.
            canonical = self._issued(subject, subject.head) or canonical
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
                        name = canonical or self._issued(noun, verb)
                        found.append(self.source(span, name, DOCUMENT, child.idx, span.end_char))
        return found

    def _issued(self, noun: Any, verb: Any) -> str | None:
        """A document named by who issued it: "X said in a statement" cites "statement by X",
        which tells one outlet's statements apart from another's where a bare "statement" would
        not."""
        issuer = self.voices.subject_of(verb)
        if issuer is None or issuer.pos_ not in {"PROPN", "NOUN", "PRON"} or self.inside_quote(issuer):
            return None
        span, canonical, _ = self.phrase(issuer)
        if issuer.pos_ == "PRON" and not canonical:
            return None  # "he said in a statement": only when "he" is known
        core = self.doc[slice(*self.voices.phrase_bounds(noun, modifiers=False))]
        if core[0].lower_ in {"his", "her", "its", "their", "our", "my", "your"}:
            core = core[1:]  # "in her statement" is hers already
        words = span.text
        if span[0].lower_ == "the" and len(span) > 1:
            # "The White House" is a name without its article; "The company" is a noun phrase.
            words = words[4:] if span[1].pos_ == "PROPN" else "the" + words[3:]
        who = canonical or words
        return f"{self.voices.strip_determiner(core.text)} by {who}"

    def issued(self, verb: Any) -> list[CitedSource]:
        """"the hospital issued a statement", "the ministry released a report": a document, named
        by who issued it."""
        for child in verb.children:
            if child.dep_ == "dobj" and child.pos_ == "NOUN" and lemma(child) in DOCUMENT_NOUNS:
                name = self._issued(child, verb)
                if name is None:
                    return []
                span, _, _ = self.phrase(child)
                return [self.source(span, name, DOCUMENT, verb.idx, span.end_char)]
        return []

    def by_source(self, verb: Any) -> list[CitedSource]:
        """"was first reported by the gossip site TMZ": the agent of a passive speech verb. Who
        asks a question ("asked by a reporter") tells the story nothing: no source."""
        if lemma(verb) == "ask":
            return []
        for child in verb.children:
            if child.dep_ == "agent":
                for noun in child.children:
                    if noun.dep_ == "pobj":
                        span, canonical, label = self.phrase(noun)
                        kind = source_kind(span, label)
                        if kind is not None:
                            return [self.source(span, canonical, kind, verb.idx, span.end_char)]
        return []

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
