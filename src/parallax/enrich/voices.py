"""Voices: who is quoted or paraphrased in an article, saying what, with which verb.

Two kinds of evidence are read off the spaCy parse of one article:

* direct quotes: the words between quotation marks, attributed to the subject of the speech verb
  nearest to them outside the marks in the same sentence ("...," X said / X said: "..." /
  "...," said X). A quote with no verb of its own that runs on from, or into, an attributed quote
  in the next sentence or paragraph is the same speaker's;
* reported speech: a speech verb whose clausal complement, object, infinitive or prepositional
  object carries what was said ("said (that) ...", "voiced opposition", "pledged to ...",
  "called for ..."), and light verbs with a speech noun ("raised concerns about ...").

The speaker is the verb's grammatical subject, found through coordinated and subordinate verbs
("expressed ... and voiced", "responded by saying ...", "was quoted as saying"), and resolved to a
canonical name through the article's entity resolution. ``Voice.verb`` is always the surface form
of the verb that introduces the words ("expressed", "saying", "called for"), so that a reader sees
the word the outlet chose; lemmatise it to compare outlets.

A news outlet or news agency is never a speaker: in "Kyodo News reported that the minister pledged
to ...", the voice is the minister's and Kyodo News is a cited source (see :mod:`sources`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from parallax.enrich.nlp import QUOTE_MARKS, doc_text, lemma, token_memo, whole_words
from parallax.enrich.sources import ANONYMOUS_NOUNS, DOCUMENT_NOUNS, NEWS_AGENCY, source_kind
from parallax.model import Voice

#: spaCy objects are untyped (spaCy is checked with ``ignore_missing_imports``); these aliases
#: only document which one a function expects.
Doc = Any
Span = Any
Token = Any


class EntityLookup(Protocol):
    """What voices need from entity resolution: the entity a noun phrase refers to."""

    def entity_for_span(self, span: Any) -> tuple[str | None, str | None]: ...


# -- data: the cues ---------------------------------------------------------------------------

#: Speech verbs by lemma (phrasal verbs as "lemma particle"), with the arguments that carry what
#: was said, tried in this order:
#:   clause      a that-clause or a bare clause: "said (that) ...", "asked whether ..."
#:   object      the direct object: "voiced opposition", "denied the report"
#:   infinitive  "pledged to ...", "urged Japan to ..." (with the object when there is one)
#:   naming      an object with its predicate: "called the plan a disgrace"
#:   <preposition>  the object of that preposition: "called for an inquiry", "warned of ..."
#: Every verb here also attributes a direct quote in its sentence.
SPEECH_VERBS: dict[str, tuple[str, ...]] = {
    "say": ("clause",),
    "tell": ("clause",),
    "add": ("clause",),
    "state": ("clause",),
    "declare": ("clause", "object"),
    "announce": ("clause", "object"),
    "report": ("clause",),
    "write": ("clause",),
    "tweet": ("clause",),
    "post": ("clause",),
    "explain": ("clause",),
    "note": ("clause",),
    "observe": ("clause",),
    "remark": ("clause",),
    "quip": ("clause",),
    "joke": ("clause",),
    "comment": ("clause", "on"),
    "recall": ("clause",),
    "reply": ("clause",),
    "respond": ("clause",),
    "answer": ("clause",),
    "ask": ("clause", "infinitive", "for"),
    "stress": ("clause", "object"),
    "emphasize": ("clause", "object"),
    "emphasise": ("clause", "object"),
    "underline": ("clause", "object"),
    "insist": ("clause", "on"),
    "argue": ("clause", "for", "against"),
    "contend": ("clause",),
    "maintain": ("clause",),
    "assert": ("clause",),
    "claim": ("clause", "object"),
    "allege": ("clause",),
    "suggest": ("clause", "object"),
    "predict": ("clause", "object"),
    "believe": ("clause",),
    "acknowledge": ("clause", "object"),
    "admit": ("clause", "object"),
    "concede": ("clause",),
    "confirm": ("clause", "object"),
    "deny": ("clause", "object"),
    "reject": ("object",),
    "dismiss": ("object",),
    "warn": ("clause", "of", "against", "about"),
    "caution": ("clause", "against"),
    "urge": ("infinitive", "clause", "object"),
    "demand": ("clause", "object"),
    "call": ("for", "on", "naming"),
    "vow": ("infinitive", "clause", "object"),
    "pledge": ("infinitive", "clause", "object"),
    "promise": ("infinitive", "clause", "object"),
    "threaten": ("infinitive", "object"),
    "propose": ("clause", "infinitive", "object"),
    "recommend": ("clause", "object"),
    "express": ("object",),
    "voice": ("object",),
    "reiterate": ("clause", "object"),
    "reaffirm": ("clause", "object"),
    "repeat": ("clause", "object"),
    "convey": ("object",),
    "criticize": ("object",),
    "criticise": ("object",),
    "condemn": ("object",),
    "denounce": ("object",),
    "praise": ("object",),
    "welcome": ("object",),
    "accuse": ("object", "of"),
    "describe": ("object", "as"),
    "characterize": ("object", "as"),
    "complain": ("clause", "about", "of"),
    "hope": ("clause", "for"),
    "question": ("clause", "object"),
    "wonder": ("clause",),
    "find": ("clause",),
    "conclude": ("clause",),
    "show": ("clause",),
    "indicate": ("clause",),
    "estimate": ("clause",),
    "point out": ("clause",),
    "retort": ("clause",),
    "counter": ("clause",),
    "fire back": ("clause",),  # "fired back that ...", '"...," she shot back'
    "shoot back": ("clause",),
    "quote": (),
    # Only with a written thing as subject (:data:`_WRITTEN_THINGS`): '"...," reads the letter'.
    "read": ("clause",),
}

#: Verbs that carry speech only with one of :data:`SPEECH_NOUNS` as object: "raised concerns".
LIGHT_VERBS = frozenset({"raise", "share", "offer", "extend", "issue", "lodge", "air", "register", "make"})

#: Nouns that name what was said or felt aloud: with a light verb they make a voice ("raised
#: concerns about ..."); an object of "express", "voice" or "reiterate" is content whatever it is.
SPEECH_NOUNS = frozenset(
    {
        "regret", "hope", "concern", "opposition", "stance", "view", "position", "belief", "support",
        "doubt", "confidence", "criticism", "objection", "protest", "condolence", "gratitude",
        "appreciation", "frustration", "anger", "dismay", "disappointment", "satisfaction",
        "willingness", "intention", "commitment", "fear", "worry", "assurance", "warning", "claim",
        "argument", "demand", "call", "request", "proposal", "complaint", "apology", "condemnation",
        "determination", "desire", "wish", "readiness", "point", "case", "accusation", "allegation",
    }
)  # fmt: skip

#: Passive verbs whose grammatical subject is the speaker: "X was quoted as saying ...".
SPEAKER_PASSIVES = frozenset({"quote", "cite"})

#: Quotes shorter than this with no speech verb near them are scare quotes or titles
#: (these "students"), not someone's words.
MIN_UNATTRIBUTED_WORDS = 4

#: Verbs of evidence: a document or a party shows or finds something; "the mood of the hall
#: indicates ..." is nobody's voice.
EVIDENCE_VERBS = frozenset({"show", "indicate", "find", "conclude", "reveal"})
#: Things that show what they record, besides documents: "the video shows", "emails suggest".
_EVIDENCE_THINGS = frozenset({
    "video", "picture", "photo", "photograph", "image", "footage", "recording", "tape", "cover",
    "decision", "version", "number", "email", "e-mail", "project", "examination", "test", "result",
    "map", "chart", "graph", "evidence", "correspondence", "message", "log", "book", "one",
})
#: What "reads" as a speaker does: '"...," reads the letter', "the statement read". A person
#: reading ("she read the report") says nothing of her own.
_WRITTEN_THINGS = frozenset({
    "letter", "statement", "note", "message", "text", "sign", "card", "post", "tweet", "email",
    "e-mail", "memo", "notice", "caption", "headline", "inscription", "plaque", "document", "release",
    "order", "ruling", "filing", "complaint", "petition", "motion", "lawsuit", "suit", "resolution",
    "communique", "communiqué", "declaration", "editorial", "op-ed", "report", "summary", "verdict",
})
#: What is denied someone rather than denied to be true: "denied service", "denied bail".
_DENIED_THINGS = frozenset({
    "service", "entry", "access", "bail", "permission", "visa", "benefit", "coverage", "admission",
    "treatment", "parole", "care", "license", "licence", "passage", "asylum", "food", "water",
})
# Common nouns for people and groups who can be heard: "a group of lawmakers saying ...".
_PEOPLE_NOUNS = ANONYMOUS_NOUNS | {"spokesman", "spokeswoman", "spokesperson", "group", "lawmaker", "leader"}
_RELATIVE_PRONOUNS = frozenset({"who", "that", "which", "whom"})
_PERSONAL_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "it", "you"})
# Dependencies through which a verb shares the subject of the verb it hangs from.
_SHARES_SUBJECT = frozenset({"conj", "xcomp", "advcl", "pcomp", "prep"})
# Short post-modifiers kept in a speaker's description: "a spokesman for the ministry".
_NAME_PREPOSITIONS = frozenset({"of", "for", "at", "from", "with", "in", "to", "on"})
_LEADING_DETERMINERS = frozenset({"the", "a", "an"})
#: Dashes that set off a dateline ("WASHINGTON \u2014") or a clause ("... -- he said ...").
_DASHES = frozenset({"\u2014", "\u2013", "--", "-"})


# -- quotation marks ----------------------------------------------------------------------------

_BLOCK = re.compile(r"\n[ \t]*\n")
_OPENING = "\u201c\u201e\u00ab\u00bb"  # “ „ « and », which opens in German (»…«)
_CLOSING = "\u201d\u00bb"  # ” »
#: The marks that close a quote opened by each mark: German writes „…“ (and »…«), so there “
#: closes; in English it opens.
_CLOSERS = {"\u201c": "\u201d", "\u201e": "\u201c\u201d", "\u00ab": "\u00bb", "\u00bb": "\u00ab"}
#: Single marks, as British papers quote (U+2018 ... U+2019, or straight). They quote only in a
#: paragraph without double marks (where they do, single marks nest inside them): an opening one
#: after a space or a bracket and before a letter, a closing one after a word and before no
#: letter, so that the apostrophes of "don't" and "Biden's" are neither.
_SINGLE_OPEN = re.compile(r"(?<![^\s(\[\u2014\u2013])['\u2018](?=[^\W\d_])")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.,!?;:\u2026])['\u2019](?![^\W\d_])")
_DOUBLE_MARKS = re.compile('["\u201c\u201d\u201e\u00ab\u00bb]')
_OPEN_CONTEXT = " \t\n([{\u2014\u2013-/:"


@dataclass(frozen=True, slots=True)
class Quote:
    """The text between one pair of quotation marks: [start, end) excludes the marks."""

    start: int
    end: int


def find_quotes(text: str) -> list[Quote]:
    """Quoted stretches of ``text``, curly or straight, within one paragraph each.

    A quote still open at the end of a paragraph ends there: news style leaves a quote that runs
    on into the next paragraph unclosed and reopens it there.
    """
    quotes: list[Quote] = []
    blocks = [0, *(m.end() for m in _BLOCK.finditer(text))]
    for index, block_start in enumerate(blocks):
        block_end = blocks[index + 1] if index + 1 < len(blocks) else len(text)
        if not _DOUBLE_MARKS.search(text, block_start, block_end):
            quotes += _single_quotes(text, block_start, block_end)
            continue
        opened: int | None = None
        closers = _CLOSING
        seen = False  # a quotation mark met earlier in this paragraph
        for i in range(block_start, block_end):
            char = text[i]
            if opened is not None and (char in closers or char == '"'):
                _add_quote(quotes, text, opened, i)
                opened, closers, seen = None, _CLOSING, True
            elif (char in _OPENING and (char != "\u00bb" or _opens_german(text, i, block_start))) or (
                    char == '"' and opened is None and _opens(text, i, block_start)):
                if opened is not None:
                    _add_quote(quotes, text, opened, i)  # a quote left open, then a new one
                opened = i + 1
                closers = _CLOSERS.get(char, '"')
                seen = True
            elif char in _CLOSING or char == '"':
                if opened is not None:
                    _add_quote(quotes, text, opened, i)
                elif not seen:
                    # A paragraph that closes a quote it never opened ends one begun paragraphs
                    # before, whose writer did not reopen it here.
                    _add_quote(quotes, text, block_start, i)
                opened = None
                seen = True
        if opened is not None:
            _add_quote(quotes, text, opened, block_end)
    return quotes


def _single_quotes(text: str, start: int, end: int) -> list[Quote]:
    """Quotes in single marks within [start, end), a paragraph without double marks."""
    found: list[Quote] = []
    openings = [m.start() for m in _SINGLE_OPEN.finditer(text, start, end)]
    closings = [m.start() for m in _SINGLE_CLOSE.finditer(text, start, end)]
    taken = start
    for index, at in enumerate(openings):
        if at < taken:
            continue
        # The first closing mark after punctuation ("... an insult,' she said"), else the last
        # before the next opening one: a plural possessive inside the quote ("the teachers'
        # pay") is not where it ends.
        limit = openings[index + 1] if index + 1 < len(openings) else end
        inside = [c for c in closings if at < c < limit]
        if not inside:
            continue
        close = next((c for c in inside if text[c - 1] in ",.!?;:\u2026"), inside[-1])
        # One word in single marks is a scare quote or a contraction ("rock 'n' roll").
        if len(text[at + 1 : close].split()) > 1:
            _add_quote(found, text, at + 1, close)
        taken = close
    return found


def _opens_german(text: str, i: int, block_start: int) -> bool:
    """"»" opens a quote in German (»Wir bleiben«): after a space or a paragraph start and right
    before a letter. In French it closes one (« ... »), after a space and before punctuation."""
    return _opens(text, i, block_start) and i + 1 < len(text) and text[i + 1].isalpha()


def _opens(text: str, i: int, block_start: int) -> bool:
    """A straight quote opens when it follows a space, an opening bracket or a paragraph start."""
    return i == block_start or text[i - 1] in _OPEN_CONTEXT


def _add_quote(quotes: list[Quote], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(c.isalnum() for c in text[start:end]):
        quotes.append(Quote(start, end))


# -- grammar helpers (shared with sources) -------------------------------------------------------


def cue_key(token: Token) -> str | None:
    """The :data:`SPEECH_VERBS` key of a verb token, phrasal verbs first ("point out").

    Voices and sources ask it of each token several times: the answer is kept with the parse."""
    known = token_memo(token.doc, "parallax.cue_keys")
    if token.i not in known:
        known[token.i] = _cue_key(token)
    return cast("str | None", known[token.i])


def _cue_key(token: Token) -> str | None:
    if token.pos_ not in {"VERB", "AUX"} and not (token.pos_ == "NOUN" and token.tag_.startswith("VB")):
        return None
    lemmas = _lemmas(token)
    for child in token.children:
        # "shot back" is parsed with its particle as an adverb.
        if child.dep_ == "prt" or (child.dep_ == "advmod" and child.lower_ == "back"):
            for form in lemmas:
                phrasal = f"{form} {child.lower_}"
                if phrasal in SPEECH_VERBS:
                    return phrasal
    for form in lemmas:
        if form in SPEECH_VERBS:
            if form == "read" and not any(c.dep_ in {"nsubj", "nsubjpass"} and lemma(c) in _WRITTEN_THINGS
                                          for c in token.children):
                return None  # "she read the report", "needs to re-read it": no words of anyone's
            if form == "call" and _names_by_calling(token):
                return None  # "guards, called wardens": a name, not speech
            return form
    return None


def _names_by_calling(token: Token) -> bool:
    """Whether "called" gives a name ("guards, called wardens", "a group called Harbor Watch"):
    a bare participle right after a noun or a comma, with no subject or auxiliary of its own and
    no "for" or "on" after it."""
    if token.lower_ != "called" or token.tag_ != "VBN" or token.i == 0:
        return False
    before = token.doc[token.i - 1]
    if any(c.dep_ in {"nsubjpass", "aux", "auxpass", "prt"} for c in token.children):
        return False
    # "Campus guards, called wardens, must ..." is read with the guards as its subject.
    if any(c.dep_ == "nsubj" and not (before.text == "," and token.i - 2 <= c.right_edge.i < token.i)
           for c in token.children):
        return False
    after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return (before.text == "," or before.pos_ in {"NOUN", "PROPN"}) and not (
        after is not None and after.lower_ in {"for", "on", "upon"})


def _lemmas(token: Token) -> tuple[str, ...]:
    """The lemma, then plain suffix-stripped forms: the lemmatiser misreads some speech verbs
    ("hopes" -> "hop"), and only forms found in the cue table count, so guesses are harmless."""
    lower = token.lower_
    forms = [lemma(token)]
    for suffix in ("s", "es", "d", "ed"):
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            forms.append(lower[: -len(suffix)])
    return tuple(forms)


def subject_of(verb: Token) -> Token | None:
    """The token naming who performs ``verb`` (see :func:`_parsed_subject`), or, where the parse
    gives it none, a person named just before it (:func:`_person_before`)."""
    own = any(c.dep_ in {"nsubj", "nsubjpass", "csubj"} for c in verb.children)
    if (not own and verb.dep_ == "conj" and verb.i > 0 and verb.doc[verb.i - 1].ent_type_ == "PERSON"
            and verb.doc[verb.i - 1].ent_iob_ in {"B", "I"}):
        # "... need other rules and Justice Ada Quill said it was ...": the parser
        # joins the name to the clause before and the verb to its verb; the name right before
        # the verb is who speaks, not the first verb's subject.
        return verb.doc[verb.i - 1]
    found = _parsed_subject(verb)
    if found is None and not own:
        return _person_before(verb)
    return found


#: Tags of finite verbs: one between a name and a speech verb gives the verb another subject.
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _past_dateline(subject: Token) -> Token:
    """The subject after a dateline: "BOSTON — Senator Tomas P. Ferrand ... denied"
    can parse with the dateline as the subject and the name in apposition to it."""
    doc = subject.doc
    at_start = subject.i == subject.sent.start or (subject.i > 0 and "\n" in doc[subject.i - 1].text)
    # A dateline is a place, in capitals or named as one, before a dash (not a hyphen: "Cleaver,
    # D-Mo., said" is no dateline).
    dash = next((t for t in doc[subject.i + 1 : subject.i + 4] if t.text in {"\u2014", "\u2013", "--"}), None)
    if not at_start or dash is None or not (subject.is_upper or subject.ent_type_ == "GPE"):
        return subject
    return next((child for child in subject.children if child.dep_ == "appos" and child.i > dash.i), subject)


def _person_before(verb: Token) -> Token | None:
    """A person named earlier in the verb's sentence and cut off from it only by a parenthetical
    without a finite verb: "Briggs, pleading for farmers hit by the drought, firmly says,
    '...'", which the parser may leave with no subject at all."""
    sentence = verb.sent
    for i in range(verb.i - 1, sentence.start - 1, -1):
        token = verb.doc[i]
        if token.tag_ in _FINITE or token.lower_ in _RELATIVE_PRONOUNS or _DOUBLE_MARKS.search(token.text):
            return None
        if token.ent_type_ == "PERSON":
            between = verb.doc[token.i + 1 : verb.i]
            if between and not (between[0].text == "," or all(t.pos_ == "ADV" for t in between)):
                return None
            return token
    return None


def _person_of(noun: Token) -> Token:
    """The person a "who" clause hung on ``noun`` speaks for: the noun itself, or, where it names
    no one ("the anger of Senator Lund, who said"), the person named in its "of" phrase."""
    if noun.ent_type_ == "PERSON" or _can_speak(noun):
        return noun
    named = [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
             for g in c.children if g.dep_ == "pobj" and g.ent_type_ == "PERSON"]
    return named[0] if named else noun


def _parsed_subject(verb: Token) -> Token | None:
    """The token naming who performs ``verb``: its subject, or that of the verb it depends on.

    "X expressed ... and voiced ..." (conj), "X responded by saying ..." (pcomp of a preposition),
    "X ..., saying ..." (advcl) share X; "X was quoted as saying" takes the passive subject of
    "quoted"; "a statement saying ..." is said by the statement; "X, who said ..." by X.
    """
    token = verb
    if verb.tag_ == "VBG" and verb.dep_ in {"advcl", "xcomp", "conj"} and lemma(verb) in EVIDENCE_VERBS:
        # "Ruiz published her tax returns, showing that ...": what shows it is the object.
        shown_by = [c for c in verb.head.children if c.dep_ == "dobj" and c.pos_ in {"NOUN", "PROPN"}]
        if shown_by:
            # "six years of tax returns": the returns show it.
            inner = [g for c in shown_by[0].children if c.dep_ == "prep" and c.lower_ == "of"
                     for g in c.children if g.dep_ == "pobj" and lemma(g) in DOCUMENT_NOUNS]
            if lemma(shown_by[0]) in DOCUMENT_NOUNS:
                return shown_by[0]
            if inner:
                return inner[0]
    if _is_participial(verb):
        # "X expressed hope that ..., saying ...": the participle is X's even when the parser
        # hangs it on a verb inside X's words; the nearest speech verb above it is X's.
        for ancestor in verb.ancestors:
            if _is_speech(ancestor):
                token = ancestor
                break
    if (verb.tag_ == "VBG" and verb.dep_ == "conj" and verb.head.tag_ != "VBG"
            and any(c.dep_ == "mark" for c in verb.head.children)):
        # "X turned on Y, calling Y a coward, as he has said before, and promising to ...": "and"
        # joins the two participles; the parser hung the second on the finite verb of the "as"
        # clause between them.
        above = next((a for a in verb.head.ancestors if a.tag_ == "VBG"), None)
        if above is not None:
            token = above
    for _ in range(8):
        subjects = [
            child for child in token.children
            if child.dep_ in {"nsubj", "csubj"}
            or (child.dep_ == "nsubjpass" and lemma(token) in SPEAKER_PASSIVES)
        ]
        if subjects:
            # The nearest one: a dateline ("DES MOINES - Clinton urged") can parse as a subject too.
            # In "The rules, said Rowe, are weak" the parser gives "said" both nouns; Rowe speaks.
            after = [c for c in subjects if c.i > token.i] if _inverted_aside(token) else []
            nearest = min(after or subjects, key=lambda c: abs(c.i - token.i))
            child = _listed_in(nearest, subjects)
            if child.lower_ in _RELATIVE_PRONOUNS:
                # "X, who said ..." is X's; "the dam that Molvane says threatens its farms" has
                # the pronoun as subject of a clause inside what is reported, and no speaker.
                if token.dep_ != "relcl":
                    return None
                return _person_of(token.head) if child.lower_ == "who" else token.head
            return _past_dateline(child)
        for child in token.children:
            if child.dep_ == "agent":  # "was announced by the ministry"
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
        if token.dep_ == "acl" and _can_speak(token.head):
            noun = token.head
            if noun.dep_ == "dobj" and lemma(noun) in DOCUMENT_NOUNS:
                token = noun.head  # "X released a statement saying ...": X speaks through it
                continue
            return noun
        if token.dep_ == "xcomp" and lemma(token.head) in _OBJECT_CONTROL:
            # "prompting the governor to ask: ...", "forced him to admit": the object speaks.
            objects = [c for c in token.head.children if c.dep_ in {"dobj", "dative"} and c.i < token.i]
            if objects:
                return objects[-1]
        if token.dep_ in _SHARES_SUBJECT and token.head is not token:
            token = token.head
            continue
        return None
    return None


#: Verbs whose object did what their infinitive says: "prompted the governor to ask". Not those
#: of a request ("asked the court to declare it void": the court declared nothing) nor "called
#: him to ask" (the caller asks).
_OBJECT_CONTROL = frozenset({
    "prompt", "force", "lead", "cause", "compel", "drive", "spur", "move", "inspire", "provoke",
    "convince", "persuade",
})


#: Plural nouns for people (and bodies of people) that "they" can take up as speakers.
_SPEAKING_GROUPS = frozenset({
    "minister", "official", "leader", "lawmaker", "senator", "legislator", "representative", "member",
    "diplomat", "negotiator", "protester", "demonstrator", "resident", "villager", "worker", "employee",
    "activist", "expert", "analyst", "economist", "scientist", "researcher", "doctor", "nurse",
    "teacher", "student", "parent", "voter", "critic", "supporter", "opponent", "investigator",
    "prosecutor", "officer", "soldier", "rebel", "militant", "farmer", "family", "victim", "survivor",
    "witness", "judge", "lawyer", "attorney", "regulator", "authority", "government", "party", "ally",
    "partner", "delegation", "envoy", "executive", "manager", "director", "owner", "company", "firm",
    "bank", "investor", "trader", "organizer", "organiser", "campaigner", "advocate", "group", "union",
    "democrat", "republican", "agency", "ministry", "police", "source", "aide", "spokesman",
    "spokeswoman", "spokesperson", "candidate", "mayor", "governor", "president", "chief", "head",
    "inspector", "auditor", "coroner",
})


def _group_before(pronoun: Token) -> Token | None:
    """The people "they" names: a plural subject earlier in its sentence, or else the plural
    subject of the sentence before, when it names people.

    "Foreign ministers of Korea and Japan have held talks. They reiterated ..." is the ministers;
    "Prices rose. They said ..." names nobody, and two sentences back is too far to tell.
    """
    doc = pronoun.doc
    sentence = pronoun.sent
    earlier = [t for t in doc[sentence.start : pronoun.i] if t.dep_ in {"nsubj", "nsubjpass"}]
    if earlier:
        found = earlier[-1]
        return found if _people(found) else None
    if sentence.start == 0:
        return None
    before = doc[sentence.start - 1].sent
    for token in before:
        if token.dep_ in {"nsubj", "nsubjpass"} and token.head == before.root:
            return token if _people(token) else None
    return None


#: Singular nouns for bodies that "it" can take up as a speaker.
_SPEAKING_BODIES = frozenset({
    "company", "firm", "bank", "government", "ministry", "agency", "police", "party", "union", "group",
    "hospital", "school", "university", "court", "committee", "council", "board", "department",
    "office", "commission", "campaign", "team", "club", "network", "newspaper", "website", "airline",
    "organization", "organisation", "administration", "institute", "foundation", "association",
    "country", "state", "city", "county", "military", "army", "navy", "embassy", "regulator",
    "authority", "panel", "jury", "church", "museum", "charity", "studio", "publisher", "retailer",
})


#: What can show or find something, besides named parties and documents.
_SHOWERS = _SPEAKING_BODIES | _SPEAKING_GROUPS | _EVIDENCE_THINGS


def _body_before(pronoun: Token) -> Token | None:
    """The body "it" names as a speaker: an organisation, a country or a speaking body that is the
    subject of a clause earlier in its sentence or of the sentence before ("JBS said on Monday it
    had been hacked. It said most systems were back"). A thing ("Prices rose. It said ...")
    names nobody."""
    doc = pronoun.doc
    sentence = pronoun.sent
    earlier = [t for t in doc[sentence.start : pronoun.i] if t.dep_ in {"nsubj", "nsubjpass"}
               and t.lower_ != "it"]
    if not earlier and sentence.start > 0:
        before = doc[sentence.start - 1].sent
        earlier = [t for t in before if t.dep_ in {"nsubj", "nsubjpass"} and t.head == before.root]
    if not earlier:
        return None
    found = earlier[-1]
    speaking = found.ent_type_ in {"ORG", "GPE", "NORP"} or (
        found.tag_ in {"NN", "NNP"} and lemma(found) in _SPEAKING_BODIES)
    return found if speaking and found.tag_ not in {"NNS", "NNPS", "PRP"} else None


def _people(token: Token) -> bool:
    """A plural noun naming people or a body of them."""
    return bool(token.tag_ in {"NNS", "NNPS"} and token.lower_ not in _RELATIVE_PRONOUNS
                and (lemma(token) in _SPEAKING_GROUPS or token.ent_type_ in {"NORP", "ORG", "PERSON"}))


def _listed_in(nearest: Token, subjects: list[Token]) -> Token:
    """The subject that heads a list ``nearest`` was cut from by a misparse.

    "Foreign ministers of South Korea, the U.S. and Japan have met" can parse with "the U.S." as
    a second subject of "met"; nothing but a comma or a conjunction between the two phrases
    shows that it is one item of the first's list, and the first is who speaks.
    """
    doc = nearest.doc
    for other in subjects:
        # Only a phrase that lists after "of" ("ministers of South Korea, the U.S. and Japan"): a
        # dateline ("KABUL, Afghanistan, The Taliban said") is no list.
        if other.i >= nearest.i or not any(c.dep_ == "prep" and c.lower_ == "of" for c in other.children):
            continue
        # The joining comma may hang on the first phrase or stand between the two.
        between = list(doc[other.right_edge.i : nearest.left_edge.i])
        if other.right_edge.i < nearest.left_edge.i and (between[0].text == "," or between[0].dep_ == "cc") \
                and all(t.text == "," or t.dep_ == "cc" for t in between[1:]):
            return other
    return nearest


def _speaking_subject(verb: Token) -> Token | None:
    """:func:`subject_of` a speech verb, or None where what it names cannot speak: "a measure
    denying people the ..." says nothing. "Critics say the argument fails, and call the plan a
    fraud": the parser joined "call" to the reported verb; the critics, not the argument, call."""
    subject = subject_of(verb)
    if (subject is None or subject.pos_ != "NOUN" or _can_speak(subject)
            or lemma(subject) in _SPEAKING_GROUPS or lemma(subject) in _HUMANS):
        return subject
    if verb.dep_ == "conj" and verb.head.dep_ == "ccomp" and _is_speech(verb.head.head):
        return subject_of(verb.head.head)
    if lemma(verb) == "deny" and lemma(subject) in _RULES_AND_ACTS:
        return None
    return subject


#: Nouns for people of any kind, who may speak though no list of roles names them.
_HUMANS = frozenset({"woman", "man", "people", "person", "child", "girl", "boy", "mother", "father",
                     "adult", "citizen", "neighbour", "neighbor", "customer", "fan", "user"})
#: Things that deny people something without saying anything: "a measure denying them ...".
_RULES_AND_ACTS = frozenset({
    "measure", "bill", "law", "rule", "policy", "plan", "order", "ban", "decision", "ruling", "statute",
    "provision", "clause", "act", "amendment", "regulation", "program", "programme", "proposal",
})


def _can_speak(noun: Token) -> bool:
    """A noun that can say something: a document ("a statement saying") or a named party, not
    an occasion ("a press conference announcing")."""
    if lemma(noun) in DOCUMENT_NOUNS:
        return True
    return bool(noun.ent_type_ in {"PERSON", "ORG", "NORP", "GPE"} or lemma(noun) in _PEOPLE_NOUNS)


def _is_participial(token: Token) -> bool:
    """A clause like ", saying ...", ", adding ..." that continues a sentence's main speech."""
    return bool(token.tag_ == "VBG" and token.dep_ == "advcl" and token.i > 0
                and token.doc[token.i - 1].text in {",", "\u2014", "-", "--"})


def _clause_edge(doc: Doc, start: int, i: int) -> int:
    """Where the words before a following coordinated or participial clause at ``i`` end."""
    while i > start and (doc[i - 1].dep_ == "cc" or doc[i - 1].is_punct or doc[i - 1].dep_ in {"aux", "neg"}):
        i -= 1
    return i


def _is_speech(token: Token) -> bool:
    """A speech verb, or a light verb with a speech noun ("raised concerns")."""
    if cue_key(token) is not None:
        return True
    return bool(token.pos_ == "VERB" and lemma(token) in LIGHT_VERBS and any(
        c.dep_ == "dobj" and lemma(c) in SPEECH_NOUNS for c in token.children))


def name_token(token: Token) -> Token:
    """The token to describe a speaker by: a named apposition beats a bare role noun.

    "A spokesman for the committee, Brad Woodhouse, said" is Brad Woodhouse speaking.
    """
    if token.ent_type_ == "PERSON":
        return token
    if token.is_title:
        # "said Senate Minority Whip Tomas Ferrand": a capitalised title right before a name of two
        # capitalised words, which the entity model does not always see as a person.
        for child in token.rights:
            if (child.dep_ == "appos" and child.i == token.i + 2 and child.pos_ == "PROPN" and child.is_title
                    and child.is_alpha and len(child) > 1 and token.doc[token.i + 1].is_alpha
                    and len(token.doc[token.i + 1]) > 1
                    and token.doc[token.i + 1].dep_ == "compound" and token.doc[token.i + 1].is_title
                    and token.doc[token.i + 1].ent_type_ in {"", "PERSON"}
                    and child.ent_type_ in {"", "PERSON"}):
                return child
    if token.pos_ == "PROPN":
        return token
    for child in token.children:
        if child.dep_ == "appos" and (child.ent_type_ == "PERSON" or any(
            t.ent_type_ == "PERSON" for t in child.subtree
        )):
            return child
    return token


def phrase_bounds(token: Token, *, modifiers: bool = True) -> tuple[int, int]:
    """Token bounds [start, end) of the noun phrase headed by ``token``.

    Left modifiers and the named entity around the head are always in; short prepositional and
    adjectival post-modifiers ("officials in Tokyo", "sources familiar with the talks") only
    with ``modifiers``. Relative clauses and appositions are left out.
    """
    doc = token.doc
    start = token.left_edge.i
    for i in range(start, token.i):
        if doc[i].text in _DASHES:
            start = i + 1  # "WASHINGTON — AARP said": the dateline is no part of the name
    while start < token.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    end = token.i + 1
    if token.ent_iob_ in {"B", "I"}:
        # Extend over the rest of the entity: "Ministry of Foreign Affairs".
        i = token.i + 1
        while i < len(doc) and doc[i].ent_iob_ == "I":
            i += 1
        end = max(end, i)
    for child in token.rights:
        if child.i < end:
            continue
        if child.dep_ in {"compound", "flat", "nummod", "case"} and child.i == end:
            end = child.right_edge.i + 1
            continue
        if not modifiers or child.i != end:
            break
        words = list(child.subtree)
        if child.dep_ == "prep" and len(words) == 1:
            # A preposition the parser left without its object ("a memo from Defense Secretary
            # Lloyd Austin obtained by ..."): the name right after it is its object.
            after = child.i + 1
            if modifiers and after < len(doc) and doc[after].ent_iob_ == "B":
                end = after + 1
                # The name's capitalised words, whatever the tagger made of them ("Defense
                # Secretary Lloyd Austin").
                while end < len(doc) and end - after < 6 and (
                        doc[end].ent_iob_ == "I" or (doc[end].is_title and doc[end].is_alpha)):
                    end += 1
            break
        if child.dep_ == "prep" and any(w.ent_type_ in {"DATE", "TIME"} for w in words[1:]):
            break  # "a report on Tuesday": when, not who
        short = len(words) <= 7 and not any(w.text in {",", ";", "(", "\u2014"} for w in words)
        verbless = not any(w.pos_ in {"VERB", "AUX"} for w in words[1:])
        if (
            short
            and verbless
            and (
                (child.dep_ == "prep" and child.lower_ in _NAME_PREPOSITIONS)
                or (child.dep_ in {"amod", "acl"} and child.lower_ in {"familiar", "close", "knowledgeable"})
            )
        ):
            end = child.right_edge.i + 1
            continue
        break
    return whole_words(doc, start, end)


def strip_determiner(text: str) -> str:
    first, _, rest = text.partition(" ")
    return rest if rest and first.lower() in _LEADING_DETERMINERS else text


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    text: str
    entity: str | None
    kind: str | None  # the cited-source kind of the phrase, when it is one


def speaker_of(token: Token, entities: EntityLookup | None) -> Speaker:
    """Who ``token`` (a subject) names: the canonical entity when it is known, else the words."""
    doc = token.doc
    head = name_token(token)
    core_start, core_end = phrase_bounds(head, modifiers=False)
    start, end = phrase_bounds(head)
    core = doc[core_start:core_end]
    text = doc[start:end].text
    canonical, label = entities.entity_for_span(core) if entities is not None else (None, None)
    if canonical and not _accept_entity(core, label):
        canonical, label = None, None
    if not canonical and head.lower_ == "they":
        group = _group_before(head)
        if group is not None:
            return speaker_of(group, entities)
    if not canonical and head.lower_ == "it":
        body = _body_before(head)
        if body is not None:
            return speaker_of(body, entities)
    kind = None if label == "PERSON" or head.ent_type_ == "PERSON" else source_kind(doc[start:end], label)
    if canonical:
        return Speaker(canonical, text, canonical, kind)
    return Speaker(text, text, None, kind)


def _accept_entity(span: Span, label: str | None) -> bool:
    """Trust a resolved entity for a whole phrase only when it names the whole phrase.

    A person (including "he" and "the South Korean diplomat") is always right; a place or an
    organisation only when the phrase is nothing but that name, so that "South Korea's Ministry
    of Foreign Affairs" does not become "South Korea".
    """
    if label == "PERSON":
        return True
    words = [t for t in span if t.lower_ not in _LEADING_DETERMINERS]
    if not words or any(not t.ent_type_ for t in words):
        return False
    return len({_entity_start(t) for t in words}) == 1


def _entity_start(token: Token) -> int:
    """Index of the first token of the named entity ``token`` is part of."""
    doc = token.doc
    i = token.i
    while i > 0 and doc[i].ent_iob_ == "I":
        i -= 1
    return int(i)


# -- voices ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Context:
    doc: Doc
    text: str  # ``Doc.text`` joins every token on each access
    entities: EntityLookup | None
    quotes: list[Quote]
    in_quote: bytearray  # 1 for every character inside quotation marks
    sentences: list[Span]
    sentence_of: list[int]  # token index -> index in ``sentences``
    starts: list[int]  # token index -> character offset

    def token_at(self, offset: int) -> Token | None:
        """The token holding character ``offset`` (or the last token before it)."""
        i = bisect_right(self.starts, offset) - 1
        return self.doc[i] if 0 <= i < len(self.doc) else None

    def sentence(self, token_index: int) -> Span:
        """The sentence of a token (``Token.sent`` walks the whole document on every call)."""
        return self.sentences[self.sentence_of[token_index]]

    def token_quoted(self, token: Token) -> bool:
        return bool(self.in_quote[token.idx]) if token.idx < len(self.in_quote) else False

    def mostly_quoted(self, span: Span) -> bool:
        """The span opens inside a quote (its marks aside) and lies mostly inside quotes."""
        words = [t for t in span if not t.is_quote and not t.is_punct]
        if not words:
            return False
        start, end = words[0].idx, words[-1].idx + len(words[-1].text)
        return bool(self.in_quote[start]) and sum(self.in_quote[start:end]) > 0.8 * (end - start)


def find_voices(doc: Doc, entities: EntityLookup | None) -> list[Voice]:
    """Everyone quoted or paraphrased in ``doc``, in text order."""
    text = doc_text(doc)
    quotes = find_quotes(text)
    in_quote = bytearray(len(text))
    for quote in quotes:
        in_quote[quote.start : quote.end] = b"\x01" * (quote.end - quote.start)
    sentences = list(doc.sents)
    sentence_of = [0] * len(doc)
    for index, sentence in enumerate(sentences):
        sentence_of[sentence.start : sentence.end] = [index] * (sentence.end - sentence.start)
    starts = [token.idx for token in doc]
    context = _Context(doc, text, entities, quotes, in_quote, sentences, sentence_of, starts)
    reported = _reported_voices(context)
    # A word or two in quotation marks inside what a reported voice says is that voice's term
    # ("saying it will pursue "practical" diplomacy"), not a quotation of its own.
    direct = [v for v in _direct_voices(context, reported)
              if len(v.text.split()) >= 3 or not any(r.start <= v.start and v.end <= r.end for r in reported)]
    voices = direct + reported
    seen: set[tuple[int, int, str | None]] = set()
    unique: list[Voice] = []
    for voice in sorted(voices, key=lambda v: (v.start, v.end, v.mode)):
        key = (voice.start, voice.end, voice.speaker)
        if key not in seen:
            seen.add(key)
            unique.append(voice)
    return unique


# direct quotes


@dataclass(frozen=True, slots=True)
class _Attribution:
    speaker: Speaker
    verb: str


#: Short words a title leaves in lower case ("Fox and Friends", "Behind the Scenes with ...").
_TITLE_SMALL_WORDS = frozenset({
    "a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "by", "with", "from",
    "into", "over", "about", "vs", "de", "la", "le", "du",
})


#: What comes before a programme's name: 'on "Morning Hour"', 'on the PBS program "..."'.
_ON_A_PROGRAMME = re.compile(r"\bon\s+(?:[\w'\u2019.]+\s+){0,5}[\"\u201c]?$", re.IGNORECASE)


def _is_title(quoted: str) -> bool:
    """Whether the words in quotation marks are a title or a name: at most eight words, no end
    punctuation, every word but the short ones capitalised, two at least."""
    words = re.findall(r"[^\W\d_][\w'\u2019.-]*", quoted)
    # A comma inside the closing mark is the sentence's ('said on "Face the Nation," that').
    if not 2 <= len(words) <= 8 or re.search(r"[.!?;:]\W*$", quoted.strip().rstrip(",")):
        return False
    capitals = [w for w in words if w[:1].isupper()]
    return len(capitals) >= 2 and all(w[:1].isupper() or w.casefold() in _TITLE_SMALL_WORDS for w in words)


def _direct_voices(context: _Context, reported: Sequence[Voice] = ()) -> list[Voice]:
    # (quote, its attribution, token bounds of the sentences it spans)
    found: list[tuple[Quote, _Attribution | None, int, int]] = []
    for quote in context.quotes:
        quoted = context.text[quote.start : quote.end]
        if _is_title(quoted) or (_ON_A_PROGRAMME.search(context.text, max(0, quote.start - 40), quote.start)
                                 and quoted.rstrip(" \"'\u201d\u2019").endswith(".")
                                 and _is_title(quoted.rstrip(" \"'\u201d\u2019")[:-1])):
            # "America's Next Top Model", "Fox and Friends": a name, not words spoken; and a
            # programme's name that ends the sentence ('in an interview on "Morning Hour."').
            continue
        first = context.token_at(quote.start)
        last = context.token_at(quote.end - 1)
        if first is None or last is None:
            continue
        first_sent, last_sent = context.sentence(first.i), context.sentence(last.i)
        attribution = _attribute(context, quote, first_sent, last_sent)
        found.append((quote, attribution, first_sent.start, last_sent.end))
    # A quote with no speech verb of its own continues the quote before it (the same speaker
    # speaking on, in the next sentence or paragraph) or leads into the one right after it.
    outlets_words: set[int] = set()
    for index, (quote, attribution, sent_start, sent_end) in enumerate(found):
        if attribution is not None:
            continue
        if len(context.text[quote.start : quote.end].split()) < 3:
            continue  # a word or two in quotation marks is a term or a title ("practical" diplomacy)
        before = found[index - 1] if index > 0 else None
        if _credited_in_sentence(context, sent_start) or (
                index - 1 in outlets_words and before is not None
                and before[3] >= _previous_sentence_start(context, sent_start)):
            # 'But, the Times reported, "..."': an outlet's words, nobody's voice, and so are
            # the words it goes on with.
            outlets_words.add(index)
            continue
        after = found[index + 1] if index + 1 < len(found) else None
        if before is not None and before[1] is not None and not _goes_on(context, quote, before[1]):
            before = None
        if after is not None and after[1] is not None and not _goes_on(context, quote, after[1]):
            after = None
        if before is not None and before[1] is not None and before[3] >= _previous_sentence_start(
            context, sent_start
        ):
            found[index] = (quote, before[1], sent_start, sent_end)
        elif after is not None and after[1] is not None and after[2] <= _next_sentence_end(context, sent_end):
            found[index] = (quote, after[1], sent_start, sent_end)
        elif (told := _told_just_before(context, quote, sent_start, reported)) is not None:
            found[index] = (quote, told, sent_start, sent_end)
    voices = []
    for quote, attribution, _, _ in found:
        if _WRITTEN_ON.search(context.text, max(0, quote.start - 40), quote.start):
            continue  # the words of a banner or a sign are nobody's speech
        if _PUT_TO.search(context.text, max(0, quote.start - 60), quote.start) and context.text[
                quote.start : quote.end].rstrip(" \"\u201d'\u2019").endswith("?"):
            continue  # 'Asked, "Is that you?" she replied': a question put to the speaker, not hers
        start, end = _trim_quote(context.text, quote.start, quote.end)
        words = context.text[start:end]
        if attribution is not None:
            who, verb = attribution.speaker, attribution.verb
            voices.append(Voice(who.name, words, verb, "direct", start, end, who.text, who.entity))
        elif len(words.split()) >= MIN_UNATTRIBUTED_WORDS:
            voices.append(Voice(None, words, "", "direct", start, end))
    return voices


#: A quotation that is what a banner, a sign or a slogan says: "banners that read "..."".
_WRITTEN_ON = re.compile(
    r"\b(?:banners?|signs?|placards?|posters?|slogans?|shirts?|graffiti|headlines?)\s+(?:that\s+|which\s+)?"
    r"(?:read|reads|reading|said|saying|proclaim(?:ed|ing)?)\s*:?\s*[\"\u201c']?$", re.IGNORECASE)


#: A question put to someone by an unnamed asker, right before the quotation: 'Asked again,
#: "...?"', 'When asked "...?"'. With a subject of its own ('a reporter asked, "...?"') it is that
#: asker's voice, found as any other.
_PUT_TO = re.compile(
    r"(?:^|[.!?]\s+|\n\s*|\b(?:when|after|if|once|as|was|were|being|been|is|are)\s+)asked\b"
    r"[^\"\u201c.!?\n]{0,30}[\"\u201c]?$", re.IGNORECASE)


#: Words a sentence may tell, outside its quotations, and still be the last speaker's going on
#: ('And then, with a laugh: "..."').
_MAX_NARRATION = 6


#: Pronouns that open a sentence about the speaker going on (not "it" or "you").
_PRONOUN_SUBJECTS = _PERSONAL_PRONOUNS - {"it", "you"}


def _goes_on(context: _Context, quote: Quote, attribution: _Attribution) -> bool:
    """Whether ``quote``, which has no speech verb of its own, can be the words of the speaker of
    the quotation beside it: it stands nearly alone in its sentence ('And then: "..."'), or the
    sentence names that speaker or opens on a pronoun ('He later invited them "to come and
    see"'). Words quoted in a sentence about others ('Crowds lined the road, chanting
    "..."') are theirs."""
    narration = _narration(context, quote)
    words = re.findall(r"[\w'\u2019-]+", narration)
    if len(words) <= _MAX_NARRATION:
        return True
    named = {w.casefold() for w in attribution.speaker.name.split() if w[:1].isupper()}
    if named & {w.casefold() for w in words}:
        return True
    first = context.token_at(quote.start)
    if first is None:
        return False
    subject = subject_of(context.sentence(first.i).root)
    return subject is not None and not context.token_quoted(subject) and subject.lower_ in _PRONOUN_SUBJECTS


def _narration(context: _Context, quote: Quote) -> str:
    """The text of the sentences ``quote`` stands in, outside quotation marks."""
    first, last = context.token_at(quote.start), context.token_at(quote.end - 1)
    if first is None or last is None:
        return ""
    start = int(context.sentence(first.i).start_char)
    end = int(context.sentence(last.i).end_char)
    text = context.text[start:end]
    for q in sorted((q for q in context.quotes if q.end > start and q.start < end),
                    key=lambda q: q.start, reverse=True):
        a, b = max(q.start, start) - start, min(q.end, end) - start
        text = text[:a] + " " + text[b:]
    return text


def _credited_in_sentence(context: _Context, sent_start: int) -> bool:
    """Whether the sentence at ``sent_start`` credits its quotation to an outlet ('But, the Times
    reported, "..."'): an outlet is no speaker, so the quotation has none, not the last one's."""
    for token in context.sentence(sent_start):
        if cue_key(token) is None or context.token_quoted(token):
            continue
        subject = subject_of(token)
        if subject is not None and speaker_of(subject, context.entities).kind == NEWS_AGENCY:
            return True
    return False


def _told_just_before(context: _Context, quote: Quote, sent_start: int,
                      reported: Sequence[Voice]) -> _Attribution | None:
    """The speaker of a reported voice in the sentence right before a quotation with no speaker of
    its own, in the same paragraph: 'Ortiz left the hearing saying she bore them no ill will. "We
    are not done," ...' goes on in her words."""
    previous = _previous_sentence_start(context, sent_start)
    if previous >= sent_start:
        return None
    begin = context.doc[previous].idx
    told = [v for v in reported if v.speaker and begin <= v.start and v.end <= quote.start
            and not context.in_quote[v.start]]
    if not told or "\n" in context.text[told[-1].end : quote.start]:
        return None
    if any(begin <= q.start < quote.start for q in context.quotes):
        return None  # another quotation between: the voice is not the one speaking on
    voice = told[-1]
    return _Attribution(Speaker(voice.speaker or "", voice.speaker_text or voice.speaker or "",
                                voice.speaker_entity, None), voice.verb)


def _trim_quote(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop the comma that ends a quote before its attribution: "We will," she said."""
    while end > start and text[end - 1] in ", \u2014-":
        end -= 1
    return start, end


def _previous_sentence_start(context: _Context, token_index: int) -> int:
    """Token index where the sentence before the one starting at ``token_index`` starts."""
    if token_index <= 0:
        return 0
    return int(context.sentence(token_index - 1).start)


def _next_sentence_end(context: _Context, token_index: int) -> int:
    """Token index where the sentence after the one ending at ``token_index`` ends."""
    if token_index >= len(context.doc):
        return len(context.doc)
    return int(context.sentence(token_index).end)


def _attribute(context: _Context, quote: Quote, first_sent: Span, last_sent: Span) -> _Attribution | None:
    """The speech verb outside the quote in its sentences, and who speaks through it."""
    doc = context.doc
    start, end = first_sent.start, last_sent.end
    # "X said:" closing the sentence before a quote introduces it.
    if first_sent.start > 0 and _starts_at(first_sent, quote):
        previous = context.sentence(first_sent.start - 1)
        if previous[-1].text == ":" or (len(previous) > 1 and previous[-2].text == ":"):
            start = previous.start
    # '"...," X said.' parsed as its own sentence right after the quote. A quote closed by a
    # full stop and followed by a capital ('"... law." Murray says ...'), or by a new paragraph,
    # has ended its sentence: what follows is news of its own, not the attribution.
    if end < len(doc) and _ends_at(last_sent, quote):
        following = context.sentence(end)
        word = next((t for t in following if t.is_alpha), None)
        ended = word is not None and (
            "\n" in context.text[quote.end : word.idx]
            or (context.text[quote.start : quote.end].rstrip().endswith(".") and word.is_title)
        )
        if len(following) <= 12 and not ended and not any(context.token_quoted(t) for t in following):
            end = following.end
    candidates: list[tuple[tuple[int, int], _Attribution]] = []
    quote_tokens = {t.i for t in doc[start:end] if quote.start <= t.idx < quote.end}
    for token in doc[start:end]:
        if context.token_quoted(token):
            continue
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            objects = [c for c in doc[token.i + 1].children if c.dep_ == "pobj"]
            if objects and not context.token_quoted(objects[0]):
                speaker = speaker_of(objects[0], context.entities)
                candidates.append(((1, _distance(token, quote)), _Attribution(speaker, "according to")))
            continue
        if cue_key(token) is None:
            continue
        subject = _speaking_subject(token)
        if subject is None or context.token_quoted(subject):
            continue
        speaker = _speaker_of_verb(subject, token, context.entities)
        if speaker.kind == NEWS_AGENCY:
            continue
        linked = _linked(token, quote_tokens)
        candidates.append(((0 if linked else 1, _distance(token, quote)), _Attribution(speaker, token.text)))
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1]


def _starts_at(sent: Span, quote: Quote) -> bool:
    """The sentence opens with the quote (its first word, or the mark before it)."""
    return int(sent.start_char) >= quote.start - 2


def _ends_at(sent: Span, quote: Quote) -> bool:
    """The sentence ends with the quote (its closing mark, a comma, a full stop)."""
    return int(sent.end_char) <= quote.end + 3


def _distance(token: Token, quote: Quote) -> int:
    if token.idx >= quote.end:
        return int(token.idx - quote.end)
    return int(max(0, quote.start - token.idx - len(token.text)))


# How a speech verb hangs from the quote's own verb: '"We will win," he said' (parataxis).
_HANGS_FROM_QUOTE = frozenset({"parataxis", "ccomp", "advcl"})


def _linked(verb: Token, quote_tokens: set[int]) -> bool:
    """True when the parse joins the verb and the quote: it governs the quote or hangs from it."""
    if not quote_tokens:
        return False
    for i in quote_tokens:
        token = verb.doc[i]
        if token.head.i == verb.i or (verb.head.i == token.i and verb.dep_ in _HANGS_FROM_QUOTE):
            return True
    return any(ancestor.i == verb.i for ancestor in verb.doc[min(quote_tokens)].ancestors)


# reported speech


def _speaker_of_verb(subject: Token, verb: Token, entities: EntityLookup | None) -> Speaker:
    """Who ``subject`` names as the speaker of ``verb`` (:func:`speaker_of`). A pronoun cannot be
    the person its own verb's object goes on to name ("He called Rowe's plan reckless"): there
    "he" is someone else, left unnamed."""
    speaker = speaker_of(subject, entities)
    words = speaker.name.split()
    if subject.pos_ != "PRON" or speaker.entity is None or len(words) < 2:
        return speaker
    if any(t.text == words[-1] for c in verb.children if c.dep_ in {"dobj", "dative", "oprd"}
           for t in c.subtree):
        return Speaker(subject.text, subject.text, None, None)
    return speaker


#: Words before "asked" that make the question one put to the clause's subject: "when asked
#: whether", "after being asked if", "was asked why".
_PUT_BEFORE = frozenset({"when", "if", "once", "after", "before", "as", "being", "been", "was", "were",
                         "is", "are"})


def put_to(verb: Token) -> bool:
    """Whether ``verb`` is "asked" in the passive ("Ms. Ruiz was asked whether ...") or with no
    subject of its own after "when" or "after": a question put to someone, not their words."""
    if lemma(verb) != "ask":
        return False
    if any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children):
        return True
    if any(c.dep_ == "nsubj" for c in verb.children):
        return False
    return verb.i > 0 and verb.doc[verb.i - 1].lower_ in _PUT_BEFORE


def _reported_voices(context: _Context) -> list[Voice]:
    doc = context.doc
    voices: list[Voice] = []
    for token in doc:
        if context.token_quoted(token):
            continue  # a speech verb inside a quote is the speaker's own narration
        if token.lower_ == "according":
            voice = _according_voice(context, token)
            if voice is not None:
                voices.append(voice)
            continue
        key = cue_key(token)
        verb_text = token.text
        if key is not None:
            kinds = SPEECH_VERBS[key]
        elif _is_speech(token):
            kinds = ("object",)
        else:
            continue
        if _negated(token):
            continue  # "the FBI has not accused him", "could not comment": nothing was said
        if put_to(token):
            continue  # "when asked whether ...": the question others put to the subject
        content = _content(token, kinds)
        if content is None:
            continue
        start, end, particle = content
        if particle:
            verb_text = f"{token.text} {particle}"
        subject = _speaking_subject(token)
        if subject is None or context.token_quoted(subject):
            continue
        if key == "deny" and any(c.dep_ in {"dobj", "dative"} and lemma(c) in _DENIED_THINGS
                                 for c in token.children):
            continue  # "denied service to a couple", "was denied bail": a refusal, not speech
        if (key in EVIDENCE_VERBS or key == "threaten") and (
            not (_can_speak(subject) or subject.pos_ in {"PRON", "PROPN"}
                 or lemma(subject) in _SHOWERS)
            or any(c.dep_ == "dobj" and c.lower_.endswith(("self", "selves")) for c in token.children)
        ):
            continue  # "the force of the protests showed ...", "the country finds itself ..."
        speaker = _speaker_of_verb(subject, token, context.entities)
        if speaker.kind == NEWS_AGENCY:
            continue  # an outlet reporting: its source, not its speaker (see the module docstring)
        if token.is_title and token.text in speaker.text.split():
            continue  # "Panel Report Urges Closing Piers": a headline's verb read into a name
        span = _trim(doc[start:end])
        if span is None:
            continue
        # '"...," X said': the clause is the quote itself, already a direct voice.
        if context.mostly_quoted(span):
            continue
        voices.append(Voice(speaker.name, span.text, verb_text, "reported", span.start_char, span.end_char,
                            speaker.text, speaker.entity))
        # "Senators Quill and Velez said ...": each named person says it.
        for other in _joined_people(subject):
            also = speaker_of(other, context.entities)
            if also.name != speaker.name:
                voices.append(Voice(also.name, span.text, verb_text, "reported", span.start_char,
                                    span.end_char, also.text, also.entity))
    return voices


def _joined_people(subject: Token) -> list[Token]:
    """People joined to a speaking subject by "and": "Ada Quill and Omar Velez said"."""
    if subject.ent_type_ != "PERSON":
        return []
    return [c for c in subject.conjuncts if c.ent_type_ == "PERSON" and c.i > subject.i]


def _negated(verb: Token) -> bool:
    """Whether a speech verb is denied: "has not accused", "never said", "declined to comment",
    "could not say", "refused to discuss"."""
    if any(child.dep_ == "neg" or child.lower_ in ("never", "not", "n't") for child in verb.children):
        return True
    head = verb.head
    if verb.dep_ != "xcomp" or head is verb:
        return False
    head_negated = any(c.dep_ == "neg" for c in head.children)
    # "declined to comment" denies the speech, "did not decline to comment" does not; "could not
    # say" denies it.
    return (lemma(head) in _REFUSALS) != head_negated


#: Verbs that deny the speech verb they govern ("declined to comment").
_REFUSALS = frozenset({"decline", "refuse", "fail", "hesitate"})


def _inverted_aside(verb: Token) -> bool:
    """Whether a speech verb is an aside with its speaker after it, "The rules, said Rowe, are
    weak", which the parser reads with the clause's subject ("rules") as the verb's too."""
    doc = verb.doc
    if verb.dep_ != "parataxis" or verb.i == 0 or doc[verb.i - 1].text != ",":
        return False
    subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
    return (any(c.i > verb.i for c in subjects)
            and any(c.i < verb.i - 1 for c in subjects))


def _parenthetical(verb: Token) -> bool:
    """Whether a speech verb is set inside the clause it attributes, between commas: "The plan,
    officials said, would cost ...", "In any case, the firm says, the drivers ...", "The rules,
    said Rowe, are weak"."""
    if verb.dep_ != "parataxis" or verb.head.pos_ not in {"VERB", "AUX"}:
        return False
    doc = verb.doc
    first, last = verb.left_edge.i, verb.right_edge.i
    if _inverted_aside(verb):
        first = verb.i  # the clause's own subject, misread as the verb's, is not the aside
    before = doc[first - 1] if first > 0 else None
    after = doc[last + 1] if last + 1 < len(doc) else None
    opened = (before is not None and before.text == ",") or doc[first].text == ","
    closed = (after is not None and after.text == ",") or doc[last].text == ","
    head = verb.head
    if not (opened and closed and head.left_edge.i < first and last < head.right_edge.i):
        return False
    # '"This is a start," he said, "not an end"': a quotation split by its attribution, which
    # the direct voices give; and a clause holding a speech verb of its own ("Republicans said
    # ..., analysts say, ...") is that verb's to attribute.
    if any(t.text in QUOTE_MARKS for t in doc[head.left_edge.i : first]):
        return False
    return not any(t.i != verb.i and not (first <= t.i <= last) and cue_key(t) is not None
                   for t in head.subtree)



def _content(verb: Token, kinds: tuple[str, ...]) -> tuple[int, int, str] | None:
    """Token bounds of what ``verb`` says, by the first argument kind it has, and its particle."""
    children = list(verb.children)
    objects = [c for c in children if c.dep_ == "dobj"]
    for kind in kinds:
        parts: list[Token] = []
        particle = ""
        if kind == "clause":
            parts = [c for c in children if c.dep_ == "ccomp"]
            if not parts:
                # "asked whether ...", "said ... ; zero-that clauses hanging as advcl with a mark
                # (after the verb: "If X was the one, Y replied" is no question Y asked).
                parts = [c for c in children if c.dep_ == "advcl" and c.left_edge.i > verb.i and any(
                    m.dep_ == "mark" and m.lower_ in {"whether", "if"} for m in c.children)]
            if not parts and _parenthetical(verb):
                # "The plan, officials said, would cost $3 billion": the clause around the
                # attribution is what was said, the attribution inside it included.
                head = verb.head
                start, end = head.left_edge.i, head.right_edge.i + 1
                subject = next((c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
                if subject is not None and subject.i > verb.i:
                    # "In any case, the firm says, the drivers ...": what comes before the
                    # attribution only leads in; the words said start after it.
                    start = verb.right_edge.i + 1
                    while start < end and (verb.doc[start].is_space or (
                            verb.doc[start].is_punct and verb.doc[start].text not in QUOTE_MARKS)):
                        start += 1
                while end > start and (verb.doc[end - 1].is_space or (
                        verb.doc[end - 1].is_punct and verb.doc[end - 1].text not in QUOTE_MARKS)):
                    end -= 1
                return start, end, ""
        elif kind == "object":
            parts = [c for c in objects if c.pos_ != "PRON" or c.lower_ in {"what", "this"}]
        elif kind == "infinitive":
            parts = [c for c in children if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}]
            if parts:
                parts = objects + parts
        elif kind == "naming":
            predicates = [c for c in children if c.dep_ == "oprd"]
            if predicates:
                parts = objects + predicates
        else:
            for child in children:
                if child.dep_ in {"prep", "dative"} and child.lower_ == kind:
                    pieces = [c for c in child.children if c.dep_ in {"pobj", "pcomp"}]
                    if pieces:
                        # "called on states to require ...": what they were called on to do too.
                        then = [c for c in children if c.dep_ == "xcomp" and c.i > child.i]
                        parts = [*pieces, *(objects if kind in {"of", "as"} else []), *then]
                        particle = kind
                        break
        if not parts:
            continue
        start = min(p.left_edge.i for p in parts)
        end = max(p.right_edge.i for p in parts) + 1
        if start <= verb.i < end:
            # Arguments on both sides of the verb (an inverted clause): keep the longest one;
            # but a clause cut off by a dash before "he said ..." is the reporter's, and what
            # follows the verb is what was said.
            after = [p for p in parts if p.left_edge.i > verb.i and p.right_edge.i - p.left_edge.i >= 2
                     and any(t.pos_ in {"VERB", "AUX"} for t in p.subtree)]
            dashed = any(t.text in _DASHES for t in verb.doc[start:verb.i])
            best = (max(after, key=lambda p: p.right_edge.i - p.left_edge.i) if after and dashed
                    else max(parts, key=lambda p: p.right_edge.i - p.left_edge.i))
            start, end = best.left_edge.i, best.right_edge.i + 1
            if start <= verb.i < end:
                continue
        for token in verb.doc[start:end]:
            # ", saying ..." and "... and called for ..." are voices of their own.
            if token.i > start and (
                (_is_participial(token) and cue_key(token) is not None)
                or (token.dep_ == "conj" and start <= token.head.i < end and _is_speech(token))
            ):
                end = _clause_edge(verb.doc, start, token.i)
                break
        return start, end, particle
    return None


_EDGE_WORDS = frozenset({"that", "to"})


def _trim(span: Span) -> Span | None:
    """The content without a leading "that"/"to" and without edge punctuation."""
    doc = span.doc
    start, end = span.start, span.end
    while start < end and (doc[start].is_punct or doc[start].is_space or (
        doc[start].lower_ in _EDGE_WORDS and doc[start].dep_ in {"mark", "aux"}
    )):
        if doc[start].is_quote:
            break  # an opening quote mark belongs to the quoted words
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space) and not (
        doc[end - 1].is_quote and _has_opening_quote(doc[start:end - 1])
    ):
        end -= 1
    if end <= start:
        return None
    content = doc[start:end]
    if not any(t.is_alpha and t.lower_ not in _PERSONAL_PRONOUNS for t in content):
        return None
    return content


def _has_opening_quote(span: Span) -> bool:
    return any(t.is_quote and t.is_left_punct for t in span) or '"' in span.text


def _according_voice(context: _Context, token: Token) -> Voice | None:
    """"according to X, ..." is X's voice when X is a person; the voice is the rest of the sentence."""
    doc = context.doc
    if token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "to":
        return None
    objects = [c for c in doc[token.i + 1].children if c.dep_ == "pobj"]
    if not objects:
        return None
    head = objects[0]
    core_start, core_end = phrase_bounds(name_token(head), modifiers=False)
    canonical, label = (
        context.entities.entity_for_span(doc[core_start:core_end]) if context.entities else (None, None)
    )
    if label != "PERSON" and head.ent_type_ != "PERSON" and head.lower_ not in {"him", "her", "them"}:
        return None
    speaker = speaker_of(head, context.entities)
    sent = context.sentence(token.i)
    phrase_end = max(token.i + 2, head.right_edge.i + 1)
    if token.i - sent.start <= 1:
        span = _trim(doc[phrase_end : sent.end])
    elif phrase_end >= sent.end - 1:
        span = _trim(doc[sent.start : token.i])
    else:
        span = _trim(sent)
    if span is None:
        return None
    return Voice(speaker.name, span.text, "according to", "reported", span.start_char, span.end_char,
                 speaker.text, speaker.entity or canonical)

