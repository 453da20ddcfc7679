"""The records of the cluster stage: a story, and the events inside it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from parallax.model import iso, parse_iso


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
