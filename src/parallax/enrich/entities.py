"""Entities and their identity within an article.

spaCy finds the names; this module decides what each mention refers to: a surname alone
("Motegi") is the full name met earlier; a role phrase ("the South Korean diplomat", "his Japanese
counterpart") is the person introduced with that nationality and role; a capital or a country
adjective used as an actor ("Seoul must present...", "South Korean") is the country's government;
"he" is the last person of its gender mentioned, a subject nearby first. Resolution is by rules
over the parse, so it is predictable and explainable; the tables of countries and roles are data
files.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from parallax.enrich.nlp import doc_text, noun_chunks
from parallax.model import Mention

PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "hers"}
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
#: Honorifics written before a name, and what they say of the person.
_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?\s+$")
_LEADING_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+(?=[A-Z])")
_HONORIFIC_GENDER = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}
#: An honorific and the surname after it: "Mr. Vale".
_HONORIFIC_NAME = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?\s+([A-Z][\w'\u2019-]+)")
#: Entity labels kept as mentions; numbers and times are handled by their own stages.
NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
VALUE_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
#: Roles that fit any titled person ("the diplomat" can be the foreign minister).
GENERIC_ROLES = {"diplomat", "counterpart", "official", "leader", "chief"}
LOCATIVE_PREPOSITIONS = {"in", "at", "to", "from", "near", "across", "outside", "inside", "into", "via"}


@dataclass(frozen=True, slots=True)
class Geography:
    """Country names, adjectives and capitals, each mapped to the country's name."""

    demonyms: dict[str, str]
    capitals: dict[str, str]
    names: dict[str, str]

    def country_of(self, text: str) -> str | None:
        key = _lookup_key(text)
        return self.names.get(key) or self.demonyms.get(key) or self.capitals.get(key)


@cache
def geography() -> Geography:
    demonyms: dict[str, str] = {}
    capitals: dict[str, str] = {}
    names: dict[str, str] = {}
    text = resources.files("parallax.data").joinpath("countries.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        country, adjectives, cities, *rest = [*line.split("\t"), "", "", ""][:4]
        names[country.casefold()] = country
        for alias in rest[0].split(",") if rest and rest[0] else []:
            names[_bare(alias).casefold()] = country
        for adjective in adjectives.split(","):
            if adjective:
                demonyms[adjective.casefold()] = country
        for city in cities.split(","):
            if city:
                capitals[_bare(city).casefold()] = country
    return Geography(demonyms, capitals, names)


@cache
def role_phrases() -> tuple[str, ...]:
    text = resources.files("parallax.data").joinpath("roles.txt").read_text(encoding="utf-8")
    roles = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(sorted(roles, key=len, reverse=True))


_RANKS = frozenset({"vice", "deputy", "prime", "assistant", "under", "acting", "associate", "lieutenant",
                    "co", "first", "junior", "senior", "chief", "state", "shadow"})


@cache
def given_name_genders() -> dict[str, str]:
    """Given names that nearly always name a woman ("f") or a man ("m"), from ``given_names.txt``."""
    text = resources.files("parallax.data").joinpath("given_names.txt").read_text(encoding="utf-8")
    pairs = (line.split() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {name: gender for gender, name in pairs}


@cache
def _single_roles() -> frozenset[str]:
    return frozenset(role for role in role_phrases() if " " not in role)


@cache
def _role_words() -> frozenset[str]:
    return frozenset(word for role in role_phrases() for word in role.split())


@lru_cache(maxsize=100_000)
def _lookup_key(text: str) -> str:
    # Story clustering asks about every word and word pair of every article, and names recur.
    return _bare(text).casefold()


def _bare(text: str) -> str:
    """Text without a leading article and a trailing possessive."""
    # An editor's brackets inside a quotation ("[Omar] Lind") are not part of the name.
    text = " ".join(text.replace("[", " ").replace("]", " ").split())
    for suffix in ("'s", "\u2019s", "'", "\u2019"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    if text.lower().startswith("the "):
        text = text[4:]
    # "Ms Varnholt", as British style writes it, without the stop the model then leaves outside
    # the name: the person is Varnholt.
    text = _LEADING_HONORIFIC.sub("", text.strip())
    return text.strip()


def entity_id(label: str, canonical: str) -> str:
    """Stable id of an entity across the corpus: its kind and its canonical name."""
    kind = "PERSON" if label == "PERSON" else "ORG" if label == "ORG" else "PLACE"
    return hashlib.sha256(f"{kind}:{canonical.casefold()}".encode()).hexdigest()[:12]


@dataclass(slots=True)
class Entity:
    canonical: str
    label: str
    first: int
    aliases: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    nationality: str | None = None


@dataclass(slots=True)
class EntityResolution:
    """What every mention in one article refers to."""

    entities: dict[str, Entity]
    mentions: list[Mention]
    _people: list[Mention] = field(default_factory=list)
    #: The person each third-person pronoun (by its offset) stands for; None where the only
    #: people named before it are of the other gender.
    _pronouns: dict[int, Mention | None] = field(default_factory=dict)

    def at(self, start: int, end: int) -> Mention | None:
        """The mention overlapping [start, end), preferring people and then the longest."""
        found = [m for m in self.mentions if m.start < end and start < m.end]
        if not found:
            return None
        found.sort(key=lambda m: (m.label != "PERSON", -(m.end - m.start)))
        return found[0]

    def person_before(self, offset: int) -> Mention | None:
        """The person a pronoun at ``offset`` stands for (see :func:`_pronoun_referents`), else
        the last person mentioned before ``offset``."""
        if offset in self._pronouns:
            return self._pronouns[offset]
        before = [m for m in self._people if m.end <= offset and m.canonical]
        return before[-1] if before else None

    def entity_for_span(self, span: Any) -> tuple[str | None, str | None]:
        """Canonical name and label of what a noun phrase (a spaCy Span) refers to."""
        root = span.root
        if root.lower_ in PERSON_PRONOUNS and len(span) <= 2:
            person = self.person_before(span.start_char)
            return (person.canonical, "PERSON") if person else (None, None)
        # The phrase's head decides: "Foreign ministers of South Korea and Japan" are ministers,
        # not South Korea, though the phrase mentions it.
        mention = self.at(root.idx, root.idx + len(root.text))
        if mention is None or not mention.canonical:
            return None, None
        return mention.canonical, mention.label

    def entity_of(self, mention: Mention) -> Entity | None:
        return self.entities.get((mention.canonical or "").casefold())


#: Titles written before a person's name: the words after them name a person, whatever the
#: entity model made of them ("President Ilse Varnholt" it may leave untagged or call a group).
_NAME_TITLES = frozenset({
    "president", "minister", "premier", "chancellor", "secretary", "senator", "sen.", "rep.",
    "representative", "governor", "gov.", "mayor", "king", "queen", "pope", "general", "gen.",
    "judge", "justice", "ambassador", "dr", "dr.", "mr", "mr.", "ms", "ms.", "mrs", "mrs.",
    "chairman", "chairwoman", "commissioner", "sheikh", "emir", "prince", "princess", "speaker",
    "whip", "leader", "officer", "detective", "lt.", "col.", "sgt.", "capt.", "adm.",
})


#: Titles written before a person's name, for other stages to recognise.
TITLE_WORDS = _NAME_TITLES


_NOT_PERSON_HEADS = frozenset({
    "foundation", "institute", "university", "college", "center", "centre", "library", "hotel",
    "party", "committee", "council", "commission", "administration", "government", "museum", "school",
    "hospital", "airport", "station", "street", "avenue", "square", "bridge", "palace", "house",
    "building", "park", "prize", "award", "cup", "trophy", "fund", "trust", "club", "group",
    "department", "ministry", "court", "agency", "office", "bureau", "board", "authority", "service",
    "league", "association", "corps", "army", "navy", "force", "campaign", "company", "bank",
})


def _titled_people(doc: Any) -> None:
    """Tag as people the one to three capitalised words after a title ("President Ilse Varnholt",
    "Mr Baptiste"), replacing what the model tagged there; a run the model already calls a
    person is left as it is."""
    from spacy.tokens import Span

    found: list[Any] = []
    i = 0
    while i < len(doc) - 1:
        token = doc[i]
        if token.lower_ not in _NAME_TITLES or not token.text[:1].isupper():
            i += 1
            continue
        end = i + 1
        while (end < len(doc) and end - i <= 3 and doc[end].is_alpha and doc[end].is_title
               and doc[end].lower_ not in _NAME_TITLES):
            end += 1
        # A fourth capitalised word means a longer name; a name ending in "Foundation" or
        # "Library" is an organisation's or a building's ("the President Obama Foundation").
        if (end > i + 1 and not (end < len(doc) and doc[end].is_title and doc[end].is_alpha)
                and doc[end - 1].lower_ not in _NOT_PERSON_HEADS
                and not any(t.ent_type_ == "PERSON" for t in doc[i + 1 : end])):
            found.append(Span(doc, i + 1, end, label="PERSON"))
        i = max(end, i + 1)
    if found:
        taken = {t for span in found for t in range(span.start, span.end)}
        kept = [e for e in doc.ents if not any(t in taken for t in range(e.start, e.end))]
        doc.ents = sorted([*kept, *found], key=lambda span: span.start)


#: Labels the model gives a whole "Acme's Adam Rowe" that hides a person after the possessive.
_MISREAD_AS = frozenset({"WORK_OF_ART", "ORG", "PRODUCT", "FAC", "EVENT"})


def _given_named_people(doc: Any) -> None:
    """Tag as a person a known given name and the one or two capitalised words after it ("Adam
    Rowe" in "Acme's Adam Rowe wrote") where the model tagged none of them; not inside a longer
    run of capitals, and not a name of a place or a body ("Victoria Station")."""
    from spacy.tokens import Span

    genders = given_name_genders()
    found: list[Any] = []
    owners: list[Any] = []  # "Acme" of "Acme's Adam Rowe", read whole as a work of art
    for token in doc:
        if not token.is_title or token.lower_ not in genders:
            continue  # most tokens: the cheap tests first
        possessed = (token.i > 1 and doc[token.i - 1].lower_ in {"'s", "\u2019s"}
                     and token.ent_type_ in _MISREAD_AS and doc[token.i - 1].ent_type_ == token.ent_type_)
        if (token.lower_ not in genders or not token.is_title or token.pos_ != "PROPN"
                or (token.ent_type_ and not possessed)
                or (not possessed and token.i > 0 and doc[token.i - 1].is_title
                    and doc[token.i - 1].pos_ == "PROPN" and not doc[token.i - 1].is_sent_start)):
            continue
        end = token.i + 1
        while (end < len(doc) and end - token.i <= 2 and doc[end].is_alpha and doc[end].is_title
               and doc[end].pos_ == "PROPN" and doc[end].ent_type_ == token.ent_type_):
            end += 1
        if (end == token.i + 1 or (end < len(doc) and doc[end].is_title and doc[end].is_alpha)
                or doc[end - 1].lower_ in _NOT_PERSON_HEADS or (found and found[-1].end > token.i)
                or (possessed and end < len(doc) and doc[end].ent_type_ == token.ent_type_
                    and doc[end].ent_iob_ == "I")):
            continue
        if possessed:
            whole = next(e for e in doc.ents if e.start <= token.i < e.end)
            if whole.start < token.i - 1:
                owners.append(Span(doc, whole.start, token.i - 1, label="ORG"))
        found.append(Span(doc, token.i, end, label="PERSON"))
    if found:
        taken = {t for span in found for t in range(span.start, span.end)}
        kept = [e for e in doc.ents if not any(t in taken for t in range(e.start, e.end))]
        doc.ents = sorted([*kept, *owners, *found], key=lambda span: span.start)


#: Tags of words the model takes into a person's name at its edges that no name begins with
#: ("Plus Rowe is appointing": a conjunction opening the sentence) or, in a headline written
#: in capitals, ends with ("Rowe Ready to Sign", an adjective; "Rowe Says", a verb). Elsewhere
#: a capitalised word that reads as a verb or an adjective is a surname ("Paul Hopping").
_NOT_NAME_START = frozenset({"CC", "RB", "UH", "DT", "IN", "PRP", "WRB", "MD"})
_NOT_NAME_END = frozenset({"JJ", "RB", "CC", "IN", "MD", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})


def _in_headline(doc: Any, ent: Any) -> bool:
    """Whether ``ent`` stands on a line whose words of four letters or more are all capitalised."""
    text = doc_text(doc)
    start = text.rfind("\n", 0, ent.start_char) + 1
    end = text.find("\n", ent.end_char)
    words = [w for w in re.findall(r"[A-Za-z]{4,}", text[start : end if end >= 0 else len(text)])]
    return len(words) >= 3 and all(w[0].isupper() for w in words)


def _trimmed_people(doc: Any) -> None:
    """Leave out of each person's name the words at its edges that are no part of a name."""
    from spacy.tokens import Span

    ents = list(doc.ents)
    changed = False
    for at, ent in enumerate(ents):
        if ent.label_ != "PERSON" or len(ent) < 2:
            continue
        start, end = ent.start, ent.end
        while end - start > 1 and doc[start].is_sent_start and doc[start].tag_ in _NOT_NAME_START:
            start += 1
        while end - start > 1 and doc[end - 1].tag_ in _NOT_NAME_END and _in_headline(doc, ent):
            end -= 1
        if (start, end) != (ent.start, ent.end):
            ents[at] = Span(doc, start, end, label="PERSON")
            changed = True
    if changed:
        doc.ents = ents


def resolve_entities(doc: Any) -> EntityResolution:
    """Find and resolve the mentions of one spaCy ``Doc``."""
    _trimmed_people(doc)
    _titled_people(doc)
    _given_named_people(doc)
    geo = geography()
    entities: dict[str, Entity] = {}
    people_tokens: dict[str, list[str]] = {}
    title_tokens: set[int] = set()

    # 1. Full names introduce people, with the title or role written around them.
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        name = _bare(ent.text)
        if len(name.split()) < 2:
            continue
        key = name.casefold()
        entity = entities.get(key)
        if entity is None:
            entity = entities[key] = Entity(canonical=name, label="PERSON", first=ent.start_char)
            people_tokens[key] = [w.casefold() for w in name.replace("-", " ").split()] + [
                w.casefold() for w in name.split()
            ]
        entity.aliases.add(ent.text)
        title_tokens.update(t.i for t in _title_tokens(doc, ent, geo))
        nationality, roles = _title_around(doc, ent, geo)
        entity.roles.update(roles)
        # A foreign minister is also "the minister": the head of a role phrase names the person
        # too when it is a role of its own (one reference to two ministers then names neither).
        # Not after a rank: a vice president is not "the president", nor a prime minister
        # "the minister".
        entity.roles.update(head for role in roles if (head := role.rsplit(" ", 1)[-1]) in _single_roles()
                            and role.split()[0] not in _RANKS)
        entity.nationality = entity.nationality or nationality
    _share_counterpart_roles(doc, entities)

    mentions: list[Mention] = []
    covered: set[int] = set()

    parents = _parents_named(doc, entities)

    def single_name_owner(word: str) -> Entity | None:
        if word.casefold() in parents:
            return None  # "President Trump" beside "Donald Trump Jr.": the bare name is the father's
        owners = [entities[k] for k, tokens in people_tokens.items() if word.casefold() in tokens]
        return owners[0] if len(owners) == 1 else None

    # 2. Named mentions: people by full name or surname, places and groups as countries.
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        if ent.label_ == "ORG" and all(t.i in title_tokens for t in ent):
            continue  # "State" in "Secretary of State Antony Blinken" is part of a title
        bare = _bare(ent.text)
        # An honorific makes a person whatever the model called the name ("Ms Varnholt" has
        # been read as a work of art).
        label = "PERSON" if _LEADING_HONORIFIC.match(ent.text) else ent.label_
        canonical: str | None = bare
        owner = entities.get(bare.casefold()) if label == "PERSON" else None
        if owner is None and len(bare.split()) == 1:
            owner = single_name_owner(bare)
            if owner is not None and label not in {"PERSON", "GPE", "ORG", "NORP"}:
                owner = None
        if owner is not None:
            label, canonical = "PERSON", owner.canonical
            owner.aliases.add(bare)
        elif label in {"GPE", "NORP", "LOC"}:
            country = geo.names.get(bare.casefold()) or geo.demonyms.get(bare.casefold())
            if country is None and bare.casefold() in geo.capitals and not _is_place_use(ent):
                country = geo.capitals[bare.casefold()]
            canonical = country or bare
        mentions.append(Mention(ent.text, label, ent.start_char, ent.end_char, canonical))
        covered.update(range(ent.start, ent.end))
        if canonical and label != "PERSON":
            entities.setdefault(canonical.casefold(), Entity(canonical, label, ent.start_char)).aliases.add(
                ent.text
            )

    # 2b. A surname the model did not tag ("..., America," Pelosi said.), when it is the last
    # name of exactly one person named in full and stands alone, not inside another name.
    surnames = {_surname(e.canonical): e for e in entities.values()
                if e.label == "PERSON" and len(e.canonical.split()) > 1}
    for token in doc:
        owner = surnames.get(token.text.casefold())
        if (owner is None or token.i in covered or not token.is_title or token.pos_ != "PROPN"
                or single_name_owner(token.text) is not owner
                or (token.i > 0 and doc[token.i - 1].pos_ == "PROPN" and doc[token.i - 1].is_title)
                or (token.i + 1 < len(doc) and doc[token.i + 1].pos_ == "PROPN")):
            continue
        mentions.append(Mention(token.text, "PERSON", token.idx, token.idx + len(token.text),
                                owner.canonical))
        covered.add(token.i)
        owner.aliases.add(token.text)

    # 3. Role phrases that stand for a person named earlier.
    for chunk in noun_chunks(doc):
        if any(t.i in covered and t.ent_type_ == "PERSON" for t in chunk):
            continue
        if chunk.root.tag_ in {"NNS", "NNPS"}:
            continue  # "officials" are not one person
        resolved = _introduced_by(doc, chunk, entities) or _role_reference(chunk, entities, geo)
        if resolved is not None:
            mentions.append(
                Mention(chunk.text, "PERSON", chunk.start_char, chunk.end_char, resolved.canonical)
            )

    # 4. Values (dates, numbers) are kept as mentions without identity.
    for ent in doc.ents:
        if ent.label_ in VALUE_LABELS:
            mentions.append(Mention(ent.text, ent.label_, ent.start_char, ent.end_char, None))

    mentions.sort(key=lambda m: (m.start, -m.end))
    mentions = [
        Mention(
            m.text,
            m.label,
            m.start,
            m.end,
            m.canonical,
            entity_id(m.label, m.canonical) if m.canonical and m.label in NAME_LABELS else None,
        )
        for m in mentions
    ]
    # Pronouns point at people the article has named in full, outside quotations: a lone word
    # the tagger took for a name ("Fukushima") or a name inside a quote is a poor antecedent.
    # A surname alone counts once a title or honorific has named it a person somewhere ("Mr. Obama",
    # "President Obama").
    text = doc_text(doc)
    titled_names = {
        m.canonical.casefold() for m in mentions
        if m.label == "PERSON" and m.canonical and " " not in m.canonical
        and _TITLE_BEFORE.search(text, max(0, m.start - 16), m.start)
    }
    quoted = _quoted_ranges(text)
    people = [
        m for m in mentions
        if m.label == "PERSON" and m.canonical
        and (m.canonical.casefold() in entities or m.canonical.casefold() in titled_names)
        and not any(a <= m.start < b for a, b in quoted)
    ]
    return EntityResolution(entities=entities, mentions=mentions, _people=people,
                            _pronouns=_pronoun_referents(doc, people, quoted))


_TITLE_BEFORE = re.compile(
    r"\b(?:" + "|".join(re.escape(t.rstrip(".")) for t in sorted(_NAME_TITLES, key=len, reverse=True))
    + r")\.?\s+$", re.IGNORECASE)
#: Generational suffixes of a name ("Jesse Jackson Jr."), for other stages too.
GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv"})
_HONORIFICS = frozenset({"mr", "mr.", "ms", "ms.", "mrs", "mrs.", "dr", "dr."})


def _parents_named(doc: Any, entities: Mapping[str, Entity]) -> set[str]:
    """Surnames that, alone, name someone other than the one person named in full with them.

    An honorific of the other gender than the full name's given name says so: "Mr. Vale" in an
    article that names only "Ivanka Vale" in full is not her.

    An article about "Donald Trump Jr." that also writes "President Trump" names two people: the
    full name is the son's, the titled surname the father's. A surname is kept from the son when
    an office title the son was not given stands before it, bare."""
    suffixed: dict[str, Entity] = {}
    # The gender a full name's given name nearly always has, by surname: "Mr. Vale" beside
    # "Ivanka Vale" is someone else.
    named_as: dict[str, str] = {}
    for entity in entities.values():
        words = entity.canonical.split()
        if entity.label == "PERSON" and len(words) > 2 and words[-1].strip(".,").casefold() in GENERATIONS:
            suffixed[_surname(entity.canonical)] = entity
        if entity.label == "PERSON" and len(words) > 1 and (
            gender := given_name_genders().get(words[0].casefold())
        ):
            named_as[_surname(entity.canonical)] = gender
    parents: set[str] = set()
    if named_as:
        for found in _HONORIFIC_NAME.finditer(doc_text(doc)):
            surname = found.group(2).casefold()
            if surname in named_as and _HONORIFIC_GENDER[found.group(1).lower()] != named_as[surname]:
                parents.add(surname)
    if not suffixed:
        return parents
    for token in doc[1:]:
        surname = token.text.casefold()
        if surname not in suffixed or not token.text[:1].isupper():
            continue
        nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if nxt is not None and nxt.text.strip(".,").casefold() in GENERATIONS:
            continue  # "Trump Jr." is the son
        title = doc[token.i - 1].lower_
        if title in _NAME_TITLES and title not in _HONORIFICS and title not in suffixed[surname].roles:
            parents.add(surname)
    return parents


def _surname(name: str) -> str:
    """A full name's last name, folded: "Jesse Jackson Jr." -> "jackson"."""
    words = name.split()
    while len(words) > 1 and words[-1].strip(".,").casefold() in GENERATIONS:
        words.pop()
    return words[-1].strip(".,").casefold()


def _is_subject(doc: Any, mention: Mention) -> bool:
    """Whether a mention's head is the subject of a clause."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    # "said Senate Minority Whip Tomas Ferrand", "his colleague, Sgt. Ana Ruiz, was shaken": the
    # name in apposition to a subject.
    return root.dep_ in {"nsubj", "nsubjpass"} or (
        root.dep_ == "appos" and root.head.dep_ in {"nsubj", "nsubjpass"}
    )


def _pronoun_referents(
    doc: Any, people: list[Mention], quoted: list[tuple[int, int]]
) -> dict[int, Mention | None]:
    """The person each "he", "his", "she" or "her" outside quotations stands for: the last person
    mentioned before it whose gender does not contradict it, the subject of a clause in its
    sentence or the one before first.

    A person's gender is known from an honorific before any mention ("Mr. Tanaka", "Ms. Okafor"),
    or learnt from a pronoun that had only that person to point at in its sentence and the one
    before; a given name that nearly always names one gender ("Sandra") rules the person out for
    a pronoun of the other. Without a gender the last person mentioned is taken: after "Ana Ruiz
    met Mr. Tanaka", "she said" points at Ruiz. Where everyone named before is known to be of the
    other gender, the pronoun points at nobody: an unnamed speaker is better than a wrong one.
    """
    text = doc_text(doc)
    gender: dict[str, str] = {}
    for m in people:
        # Before the name ("Ms. Okafor": the model leaves the stop and title out) or inside it.
        found = _HONORIFIC.search(text, max(0, m.start - 8), m.start) or _HONORIFIC.search(
            m.text.split(" ", 1)[0] + " ")
        if found and m.canonical:
            gender.setdefault(m.canonical, _HONORIFIC_GENDER[found.group(1).lower()])
    # A given name that nearly always names one gender ("Sandra Jackson") rules a person out for a
    # pronoun of the other; it does not make two people of one gender a doubt, as an honorific
    # does below, since most people in the news are named that way.
    named_as: dict[str, str] = {}
    for m in people:
        words = (m.canonical or "").split()
        if len(words) > 1 and (known := given_name_genders().get(words[0].casefold())):
            named_as.setdefault(m.canonical or "", known)
    titled = set(gender) | set(named_as)
    referents: dict[int, Mention | None] = {}
    if not people:
        return referents
    sentences = [(s.start_char, s.end_char) for s in doc.sents]
    starts = [start for start, _ in sentences]
    last_seen: dict[str, int] = {}
    # Where a subject pronoun stood, for whom, and its gender: a "he" stands for no "she".
    subject_pronouns: list[tuple[int, Mention, str]] = []

    def quoted_whole(index: int) -> bool:
        start, end = sentences[index]
        inner = text[start:end].strip()
        offset = start + text[start:end].find(inner[:1]) if inner else start
        return any(a <= offset and offset + len(inner) <= b for a, b in quoted)
    for token in doc:
        wanted = _PRONOUN_GENDER.get(token.lower_)
        if wanted is None or token.pos_ != "PRON" or any(a <= token.idx < b for a, b in quoted):
            continue
        before = [m for m in people if m.end <= token.idx and m.canonical]
        if not before:
            continue
        fitting = [m for m in before if gender.get(m.canonical or "") in (None, wanted)
                   and named_as.get(m.canonical or "") in (None, wanted)
                   and not _own_subject(doc, token, m)]
        if not fitting and all(m.canonical in titled for m in before):
            referents[token.idx] = None
            continue
        sentence = bisect_right(starts, token.idx) - 1
        # The sentence before is the last one outside a quotation: after '"... . ...," he
        # said', the one who said it is named before the quotation began. Where the pronoun's own
        # sentence names someone before it, that sentence and the one before it are enough.
        previous = sentence - 1
        if not any(m.start >= starts[sentence] for m in fitting):
            while previous > 0 and quoted_whole(previous):
                previous -= 1
        window = starts[max(0, previous)]
        # In its own sentence and the one before, a pronoun takes up the subject of a clause
        # ("X threw jabs at Y, whom he called ...") before a person named as an object; a pronoun
        # that was the subject there stands for its person ("X attacked Y. He said ...").
        named_subjects = [(m.start, m) for m in fitting if m.start >= window and _is_subject(doc, m)]
        pronoun_subjects = [(at, m) for at, m, said in subject_pronouns
                            if at >= window and said == wanted and m in fitting]
        subjects = [m for _, m in sorted(named_subjects + pronoun_subjects, key=lambda pair: pair[0])]
        # Past a subject, a possessor ("the theology of Mr. Obama's agenda") is seldom the one a
        # pronoun takes up, when anyone else fits.
        plain = [m for m in fitting if not text.startswith(("'s", "\u2019s"), m.end)]
        chosen = (subjects or plain or fitting or before)[-1]
        # A person of unknown gender against one known to be of the pronoun's, both named
        # lately: either may be meant, so neither is.
        # (Lately: named, or taken up by a pronoun, in this sentence or the two before.)
        lately = starts[max(0, sentence - 2)]
        # A subject of this sentence or the last that nobody of the pronoun's gender stands beside
        # as a subject there is meant ("..., said Whip Tomas Ferrand. He added ...").
        by_name = [m for _, m in named_subjects]
        if gender.get(chosen.canonical or "") is None and not (
            chosen in by_name and not any(gender.get(m.canonical or "") == wanted for m in by_name)
        ) and any(
            gender.get(m.canonical or "") == wanted
            and max(last_seen.get(m.canonical or "", -1), m.start) >= lately
            for m in fitting
        ):
            referents[token.idx] = None
            continue
        referents[token.idx] = chosen
        if chosen.canonical:
            last_seen[chosen.canonical] = token.idx
        if token.dep_ in {"nsubj", "nsubjpass"}:
            subject_pronouns.append((token.idx, chosen, wanted))
        nearby = {m.canonical for m in before if m.start >= window}
        named = chosen.canonical and named_as.get(chosen.canonical, wanted)
        if nearby == {chosen.canonical} and chosen.canonical and named == wanted:
            # Never learnt against the name: a guess must not overrule "Tim".
            gender.setdefault(chosen.canonical, wanted)
    return referents


def _own_subject(doc: Any, pronoun: Any, mention: Mention) -> bool:
    """Whether ``mention`` is the subject of the verb an object pronoun depends on: "If Ryan had
    replaced her" cannot mean Ryan (that would be "herself")."""
    if pronoun.dep_ not in {"dobj", "dative", "pobj", "iobj"}:
        return False
    verb = pronoun.head.head if pronoun.dep_ == "pobj" else pronoun.head
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return span is not None and span.root.dep_ in {"nsubj", "nsubjpass"} and span.root.head == verb


_QUOTE_PAIRS = {"\u201c": "\u201d", '"': '"'}


def _quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges inside double quotation marks, paired within a paragraph."""
    ranges: list[tuple[int, int]] = []
    for match in re.finditer(r"\u201c[^\u201d\n]*\u201d|\"[^\"\n]*\"", text):
        ranges.append((match.start(), match.end()))
    return ranges


def _is_place_use(ent: Any) -> bool:
    """True when a capital names the place ("met in London"), not its government."""
    head = ent.root
    return head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPOSITIONS


def _title_tokens(doc: Any, ent: Any, geo: Geography) -> list[Any]:
    """The tokens of a title written before a name: "U.S. Secretary of State" Antony Blinken."""
    role_words = _role_words()
    words: list[Any] = []
    i = ent.start - 1
    if i >= 0 and doc[i].text == ",":
        i -= 1
    while i >= 0 and doc[i].sent == ent.sent:
        token = doc[i]
        lower = token.lower_
        if (
            lower in role_words
            or lower == "of"
            or geo.country_of(token.text)
            or (token.is_title and token.pos_ in {"PROPN", "ADJ", "NOUN"} and token.ent_type_ != "PERSON")
            or (lower in {"'s", "\u2019s"} and i > 0)
        ):
            words.insert(0, token)
            i -= 1
            continue
        break
    return words


def _title_around(doc: Any, ent: Any, geo: Geography) -> tuple[str | None, frozenset[str]]:
    """Nationality and roles written next to a name: "South Korean Foreign Minister X",
    "his Japanese counterpart, X", "X, Japan's foreign minister,"."""
    role_words = _role_words()
    words = _title_tokens(doc, ent, geo)
    # An apposition after the name: "X, Japan's foreign minister, said".
    j = ent.end
    if j < len(doc) and doc[j].text == ",":
        k = j + 1
        tail: list[Any] = []
        while k < len(doc) and doc[k].text not in {",", ".", ";"} and k - j < 8:
            tail.append(doc[k])
            k += 1
        if (
            tail
            and any(t.lower_ in role_words for t in tail)
            and not any(t.ent_type_ == "PERSON" for t in tail)
            and tail[0].pos_ not in {"ADP", "VERB", "AUX", "SCONJ", "CCONJ"}
        ):
            words.extend(tail)
    return _nationality_and_roles(" ".join(t.text for t in words), geo)


@cache
def _country_pattern() -> re.Pattern[str]:
    """Country names and adjectives, longest first so "South Korean" wins over "Korean"."""
    geo = geography()
    keys = sorted({*geo.demonyms, *geo.names}, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(k) for k in keys) + r")(?:'s|\u2019s)?(?![\w])")


def _nationality_and_roles(phrase: str, geo: Geography) -> tuple[str | None, frozenset[str]]:
    return _phrase_facts(phrase.lower())


#: Titles written short before a name ("Gov. Mike Pence", "Sen. Ana Ruiz"), and the roles they are.
_TITLE_ABBREVIATIONS = {
    "gov.": "governor", "sen.": "senator", "rep.": "representative", "pres.": "president",
    "gen.": "general", "amb.": "ambassador", "sec.": "secretary", "cmdr.": "commander",
    # Offices written short as nouns: "The A.G., in a radio interview, said ...".
    "a.g.": "attorney general", "d.a.": "district attorney",
}


@lru_cache(maxsize=65536)
def _phrase_facts(lowered: str) -> tuple[str | None, frozenset[str]]:
    geo = geography()
    nationality = None
    match = _country_pattern().search(lowered)
    if match is not None:
        key = match.group(1)
        nationality = geo.demonyms.get(key) or geo.names.get(key)
    roles = set()
    remaining = f" {lowered} "
    for short, role in _TITLE_ABBREVIATIONS.items():
        remaining = remaining.replace(f" {short} ", f" {role} ")
    for role in role_phrases():
        if f" {role} " in remaining:
            roles.add(role)
            remaining = remaining.replace(f" {role} ", " ")
    return nationality, frozenset(roles)


def _share_counterpart_roles(doc: Any, entities: dict[str, Entity]) -> None:
    """ "X and his counterpart Y": Y holds X's office in another country."""
    by_sentence: dict[int, list[Entity]] = {}
    for ent in doc.ents:
        entity = entities.get(_bare(ent.text).casefold())
        if entity is not None:
            by_sentence.setdefault(ent.sent.start, []).append(entity)
    for group in by_sentence.values():
        for index, entity in enumerate(group):
            if "counterpart" not in entity.roles or entity.roles - GENERIC_ROLES:
                continue
            # The counterpart's office is that of the nearest titled person named before it,
            # or, failing that, the nearest after it ("Motegi and his counterpart, Chung").
            others = group[:index][::-1] + group[index + 1 :]
            for other in others:
                offices = other.roles - GENERIC_ROLES
                if offices:
                    entity.roles.update(offices)
                    break


def _introduced_by(doc: Any, chunk: Any, entities: dict[str, Entity]) -> Entity | None:
    """A role phrase right before a name introduces that name: "his counterpart, Chung Eui-yong"."""
    if not _nationality_and_roles(chunk.text, geography())[1]:
        return None
    i = chunk.end
    if i < len(doc) and doc[i].text == ",":
        i += 1
    if i < len(doc) and doc[i].ent_type_ == "PERSON" and doc[i].ent_iob_ == "B":
        for ent in doc.ents:
            if ent.start == i:
                return entities.get(_bare(ent.text).casefold())
    return None


def _role_reference(chunk: Any, entities: dict[str, Entity], geo: Geography) -> Entity | None:
    """The one person a role phrase such as "the South Korean diplomat" can refer to."""
    nationality, roles = _nationality_and_roles(chunk.text, geo)
    if not roles:
        return None
    first = chunk[0].lower_
    if first not in {"the", "his", "her", "their", "its"} and nationality is None:
        return None
    specific = roles - GENERIC_ROLES
    best: tuple[int, int, Entity] | None = None
    for entity in entities.values():
        if entity.label != "PERSON" or entity.first >= chunk.start_char or not entity.roles:
            continue
        score = 0
        if nationality is not None:
            if entity.nationality is not None and entity.nationality != nationality:
                continue
            score += 2 if entity.nationality == nationality else 0
        if specific:
            if not specific & entity.roles:
                continue
            score += 2
        candidate = (score, entity.first, entity)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        return None
    # Refuse a guess between equally good people: a wrong speaker is worse than none.
    ties = [
        e
        for e in entities.values()
        if e is not best[2]
        and e.label == "PERSON"
        and e.roles
        and e.first < chunk.start_char
        and _compatible(e, nationality, specific)
        and _score(e, nationality, specific) == best[0]
    ]
    # A bare office ("the minister") fits every minister named: two of them, and it names neither.
    return None if ties and (best[0] < 2 or (specific and specific <= _single_roles())) else best[2]


def _compatible(entity: Entity, nationality: str | None, specific: frozenset[str]) -> bool:
    if nationality is not None and entity.nationality is not None and entity.nationality != nationality:
        return False
    return not specific or bool(specific & entity.roles)


def _score(entity: Entity, nationality: str | None, specific: frozenset[str]) -> int:
    score = 2 if nationality is not None and entity.nationality == nationality else 0
    return score + (2 if specific and specific & entity.roles else 0)
