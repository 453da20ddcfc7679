"""The one data model of Parallax.

Every stage reads and writes these records; the store maps them to tables and the renderers
read them. They are frozen so that a stage cannot quietly change what another stage produced.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

#: ``published`` and ``modified`` are a :class:`datetime` when the time is known (aware when the
#: time zone is known too) and a plain :class:`date` when only the day is known. ``datetime`` is a
#: subclass of ``date``, so ``date | None`` covers both.
When = date | None

_SPACE = re.compile(r"\s+")


def identity_text(text: str) -> str:
    """The form of an article text that decides identity: Unicode-folded, case-folded, one space.

    Two texts that differ only in typography (curly quotes, non-breaking spaces, line wrapping,
    letter case) are the same article.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = folded.translate(_QUOTES)
    return _SPACE.sub(" ", folded).strip()


_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def article_id(text: str) -> str:
    """Stable id of an article: a hash of its identity text, so re-ingesting gives the same id."""
    return hashlib.sha256(identity_text(text).encode("utf-8")).hexdigest()[:16]


def iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def parse_iso(value: str | None) -> date | None:
    """Inverse of :func:`iso`: a date-only string gives a ``date``, anything longer a ``datetime``."""
    if not value:
        return None
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Outlet:
    """A publisher: one name, the country it reports from, its main language and its web domains."""

    name: str
    country: str | None = None
    language: str | None = None
    domains: tuple[str, ...] = ()
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as stored.

    ``source`` names the input it came from (a file, ``file:line`` for JSON Lines, ``file#record``
    for feeds and archives, or a URL). ``syndicated_of`` is set when the text is a near-copy of an
    earlier article (the same wire story republished), so later stages can count independent
    coverage.
    """

    id: str
    text: str
    title: str = ""
    outlet: str | None = None
    country: str | None = None
    language: str | None = None
    url: str | None = None
    published: When = None
    modified: When = None
    byline: str | None = None
    source: str = ""
    ingested: datetime = field(default_factory=utcnow)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    syndicated_of: str | None = None
    syndication_similarity: float | None = None

    @property
    def chars(self) -> int:
        return len(self.text)

    @property
    def heading(self) -> str:
        """Its headline or, where it has none, its opening words: what lists call it."""
        from parallax.text import heading

        return heading(self.title, self.text)

    def summary(self) -> dict[str, Any]:
        """The short JSON form used by listings (``parallax articles --format json``)."""
        return {
            "id": self.id,
            "outlet": self.outlet,
            "country": self.country,
            "language": self.language,
            "published": iso(self.published),
            "title": self.title,
            "heading": self.heading,
            "url": self.url,
            "chars": self.chars,
            "syndicated_of": self.syndicated_of,
        }

    def to_json(self) -> dict[str, Any]:
        """The full JSON form (``parallax article ID --format json``)."""
        data = self.summary()
        data.update(
            {
                "modified": iso(self.modified),
                "byline": self.byline,
                "source": self.source,
                "ingested": iso(self.ingested),
                "syndication_similarity": self.syndication_similarity,
                "metadata": dict(self.metadata),
                "text": self.text,
            }
        )
        return data


class Outcome(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """An input, or one record of an input, that could not be stored, and why."""

    input: str
    reason: str
    time: datetime = field(default_factory=utcnow)

    def to_json(self) -> dict[str, Any]:
        return {"input": self.input, "reason": self.reason, "time": iso(self.time)}


@dataclass(frozen=True, slots=True)
class ItemResult:
    """What happened to one item of an ingest: an article candidate or an input that failed whole."""

    input: str
    outcome: Outcome
    article_id: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class IngestReport:
    """The account of one ingest: every item is stored, a duplicate, or quarantined."""

    items: list[ItemResult] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def add(self, item: ItemResult) -> None:
        self.items.append(item)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for item in self.items if item.outcome is outcome)

    @property
    def stored(self) -> int:
        return self.count(Outcome.STORED)

    @property
    def duplicates(self) -> int:
        return self.count(Outcome.DUPLICATE)

    @property
    def quarantined(self) -> int:
        return self.count(Outcome.QUARANTINED)

    @property
    def total(self) -> int:
        return len(self.items)

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "skipped": dict(self.skipped),
            "items": [
                {"input": i.input, "outcome": i.outcome.value, "article": i.article_id, "reason": i.reason}
                for i in self.items
            ],
        }


# -- enrichment ------------------------------------------------------------------------------
# Every enrichment record points back at the article text by character offsets [start, end).


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A named thing in the text. ``canonical`` is the entity it refers to (a full name)."""

    text: str
    label: str  # PERSON, ORG, GPE, NORP, LOC, DATE, CARDINAL ... (spaCy's labels)
    start: int
    end: int
    canonical: str | None = None
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class Voice:
    """Someone quoted (``direct``) or paraphrased (``reported``): who, what, with which verb."""

    speaker: str | None
    text: str
    verb: str
    mode: str  # "direct" | "reported"
    start: int
    end: int
    speaker_text: str | None = None  # the words naming the speaker in this sentence
    speaker_entity: str | None = None


@dataclass(frozen=True, slots=True)
class CitedSource:
    """Whom an article credits for information: "according to the foreign ministry"."""

    name: str
    kind: str  # news_agency | government | anonymous | document | other
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TimeRef:
    """A time expression resolved against the publication date.

    ``value`` is a TimeML/ISO value: ``2021-05-05`` (day), ``2021-05`` (month), ``2020`` (year),
    ``2021-W18`` (week), ``2021-05-05T14:00`` (time), ``P20M``-style for durations.
    """

    expression: str
    value: str | None
    precision: str  # day | month | year | week | decade | time | duration | set | unknown
    start: int
    end: int
    kind: str = "date"  # date | time | duration | set


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its unit and what it counts, normalised (``20 minutes`` -> 20, minute)."""

    text: str
    value: float
    unit: str | None
    counts: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Phrase:
    """A descriptive noun phrase ("treated radioactive water"): a candidate label for framing."""

    text: str
    start: int
    end: int
    #: The noun the phrase is about, as written ("complaint" in "complaint about the dam"): two
    #: labels name one thing only when neither is about the other's head.
    head: str = ""


@dataclass(frozen=True, slots=True)
class Enrichment:
    """All that enrichment knows of one article."""

    article_id: str
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    voices: tuple[Voice, ...] = ()
    sources: tuple[CitedSource, ...] = ()
    times: tuple[TimeRef, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    sentence_times: tuple[str | None, ...] = ()  # each sentence's own event date, when it has one
    #: None for enrichments stored before noun phrases (with their heads) were kept: compare
    #: parses those again.
    phrases: tuple[Phrase, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form of ``parallax analyze`` (and of the store)."""
        phrases = {} if self.phrases is None else {
            "noun_phrases": [{"text": p.text, "start": p.start, "end": p.end, "head": p.head}
                             for p in self.phrases]
        }
        return {
            "article": self.article_id,
            "sentences": [{"text": s.text, "start": s.start, "end": s.end} for s in self.sentences],
            "entities": [
                {"text": m.text, "label": m.label, "canonical": m.canonical, "start": m.start, "end": m.end,
                 "entity_id": m.entity_id}
                for m in self.mentions
            ],
            "voices": [
                {"speaker": v.speaker, "text": v.text, "verb": v.verb, "mode": v.mode, "start": v.start,
                 "end": v.end, "speaker_text": v.speaker_text, "speaker_entity": v.speaker_entity}
                for v in self.voices
            ],
            "sources": [
                {"name": s.name, "kind": s.kind, "text": s.text, "start": s.start, "end": s.end}
                for s in self.sources
            ],
            "times": [
                {"expression": t.expression, "value": t.value, "precision": t.precision, "start": t.start,
                 "end": t.end, "kind": t.kind}
                for t in self.times
            ],
            "quantities": [
                {"text": q.text, "value": q.value, "unit": q.unit, "counts": q.counts, "start": q.start,
                 "end": q.end}
                for q in self.quantities
            ],
            "sentence_times": list(self.sentence_times),
            **phrases,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Enrichment:
        return cls(
            article_id=data["article"],
            sentences=tuple(
                Sentence(index=i, start=s["start"], end=s["end"], text=s["text"])
                for i, s in enumerate(data.get("sentences", []))
            ),
            mentions=tuple(
                Mention(m["text"], m["label"], m["start"], m["end"], m.get("canonical"), m.get("entity_id"))
                for m in data.get("entities", [])
            ),
            voices=tuple(
                Voice(v["speaker"], v["text"], v["verb"], v["mode"], v["start"], v["end"],
                      v.get("speaker_text"), v.get("speaker_entity"))
                for v in data.get("voices", [])
            ),
            sources=tuple(
                CitedSource(s["name"], s["kind"], s["text"], s["start"], s["end"])
                for s in data.get("sources", [])
            ),
            times=tuple(
                TimeRef(t["expression"], t["value"], t["precision"], t["start"], t["end"],
                        t.get("kind", "date"))
                for t in data.get("times", [])
            ),
            quantities=tuple(
                Quantity(q["text"], q["value"], q["unit"], q["counts"], q["start"], q["end"])
                for q in data.get("quantities", [])
            ),
            sentence_times=tuple(data.get("sentence_times", [])),
            phrases=None if not _has_heads(data.get("noun_phrases")) else tuple(
                Phrase(p["text"], p["start"], p["end"], p["head"]) for p in data["noun_phrases"]
            ),
        )


def _has_heads(phrases: Any) -> bool:
    """Whether stored noun phrases carry their heads: those stored before they did are parsed
    again by compare, as if none were kept."""
    return isinstance(phrases, list) and all("head" in p for p in phrases)


# -- comparison ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement of fact in one article: an exact span of its text."""

    article: str
    text: str
    start: int
    end: int
    sentence: int


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: str  # number | date | polarity | participant | place
    detail: str
    articles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Fact:
    """Claims from one or more articles that state the same thing, and how coverage of it differs."""

    id: str
    status: str  # consensus | partial | unique | conflict
    claims: tuple[Claim, ...]
    conflicts: tuple[Conflict, ...] = ()
    extra_detail: tuple[dict[str, Any], ...] = ()
    emphasis: tuple[dict[str, Any], ...] = ()

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.article for c in self.claims))


# -- stories ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoryEvent:
    """One happening inside a story: articles that report the same occurrence (same time, place,
    participants), as opposed to a look-alike event of the same kind."""

    index: int
    title: str
    article_ids: tuple[str, ...]
    start: date | None = None
    end: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "title": self.title, "article_ids": list(self.article_ids),
                "start": iso(self.start), "end": iso(self.end)}


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about one story, in the order the clusterer met them.

    ``copies`` maps each syndicated copy to the article it copies: copies are members (they are
    part of the coverage) but count once as evidence, so ``independent_outlets`` leaves them out.
    """

    id: str
    title: str
    article_ids: tuple[str, ...]
    start: date | None = None
    end: date | None = None
    outlets: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    independent_outlets: int = 0
    key_entities: tuple[str, ...] = ()
    copies: Mapping[str, str] = field(default_factory=dict)
    events: tuple[StoryEvent, ...] = ()
    model: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "start": iso(self.start),
            "end": iso(self.end),
            "outlets": list(self.outlets),
            "countries": list(self.countries),
            "languages": list(self.languages),
            "independent_outlets": self.independent_outlets,
            "key_entities": list(self.key_entities),
            "article_ids": list(self.article_ids),
            "copies": dict(self.copies),
            "events": [event.to_json() for event in self.events],
            "model": self.model,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Story:
        return cls(
            id=data["id"],
            title=data.get("title", ""),
            article_ids=tuple(data.get("article_ids", [])),
            start=parse_iso(data.get("start")),
            end=parse_iso(data.get("end")),
            outlets=tuple(data.get("outlets", [])),
            countries=tuple(data.get("countries", [])),
            languages=tuple(data.get("languages", [])),
            independent_outlets=int(data.get("independent_outlets", 0)),
            key_entities=tuple(data.get("key_entities", [])),
            copies=dict(data.get("copies", {})),
            events=tuple(
                StoryEvent(e["index"], e.get("title", ""), tuple(e["article_ids"]), parse_iso(e.get("start")),
                           parse_iso(e.get("end")))
                for e in data.get("events", [])
            ),
            model=data.get("model", ""),
        )
