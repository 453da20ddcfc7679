"""What each page shows, gathered from the store and the comparisons as plain data for the
templates, so that the routes stay thin.

HTML made here comes from :mod:`parallax.render.html`, whose builders escape every string from an
article where it meets markup; it is wrapped in :class:`~markupsafe.Markup` only at that point.
Everything else reaches the templates as plain text and is escaped by Jinja2's autoescape.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

from markupsafe import Markup

from parallax.compare.api import comparison_key, story_comparison
from parallax.model import Article, Story, Voice
from parallax.render import html as report
from parallax.store import Store
from parallax.store.sqlite import search_terms
from parallax.web import lookup
from parallax.web.charts import Dot, coverage_over_time

V = TypeVar("V")

PAGE_SIZE = 50
SORTS = {"recent": "newest first", "size": "most articles", "diversity": "most outlets"}


@dataclass(frozen=True, slots=True)
class StoryFilters:
    """The filters of the story list, as given in the query string."""

    q: str = ""
    outlet: str = ""
    country: str = ""
    language: str = ""
    since: date | None = None
    until: date | None = None
    sort: str = "recent"
    page: int = 1

    def query(self, **changes: Any) -> dict[str, str]:
        """The query string of this list with ``changes``, leaving out empty values."""
        values: dict[str, Any] = {
            "q": self.q, "outlet": self.outlet, "country": self.country, "language": self.language,
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
            "sort": "" if self.sort == "recent" else self.sort, "page": "" if self.page == 1 else self.page,
        }
        values.update(changes)
        return {key: str(value) for key, value in values.items() if value not in ("", None)}


    @property
    def narrowed(self) -> bool:
        """Whether any filter other than the words is set."""
        return bool(self.outlet or self.country or self.language or self.since or self.until)

    def search_query(self, **changes: Any) -> dict[str, str]:
        """The query string of ``/api/search`` for these words and filters."""
        values = {key: value for key, value in self.query().items() if key not in ("sort", "page")}
        values.update({key: str(value) for key, value in changes.items()})
        return values


def story_list(store: Store, filters: StoryFilters) -> dict[str, Any]:
    stories, total = store.find_stories(
        outlet=filters.outlet or None, country=filters.country or None, language=filters.language or None,
        since=filters.since, until=filters.until, query=filters.q or None, sort=filters.sort,
        limit=PAGE_SIZE, offset=(filters.page - 1) * PAGE_SIZE,
    )
    hits: list[dict[str, Any]] = []
    hit_total = 0
    if filters.q.strip():
        found, hit_total = search_articles(store, filters.q, outlet=filters.outlet, country=filters.country,
                                           language=filters.language, since=filters.since,
                                           until=filters.until, limit=20)
        hits = [{"article": article, "snippet": snippet_parts(snippet)} for article, snippet in found]
    return {
        "stories": stories, "total": total, "filters": filters, "facets": store.facets(), "sorts": SORTS,
        "hits": hits, "hit_total": hit_total, "pages": max(1, -(-total // PAGE_SIZE)),
    }


def search_articles(
    store: Store, query: str, *, outlet: str = "", country: str = "", language: str = "",
    since: date | None = None, until: date | None = None, limit: int = 20, offset: int = 0,
) -> tuple[list[tuple[Article, str]], int]:
    """Articles holding every word of ``query`` that pass the filters, each with a snippet marked
    as :meth:`Store.search` marks its own. Without a filter, best match first (the store's
    ranking); with one, in publication order, as the filtered article list gives them."""
    if not (outlet or country or language or since or until):
        return store.search(query, limit=limit, offset=offset)
    words = _SEARCH_WORDS.findall(query)  # the words the store's search finds
    if not words:
        return [], 0
    found, total = store.find_articles(outlet=outlet or None, country=country or None,
                                       language=language or None, since=since, until=until, query=query,
                                       limit=limit, offset=offset)
    unspaced = set(search_terms(query)[1])  # scripts without spaces match inside runs of text
    return [(article, _snippet(article.text, words, unspaced)) for article in found], total


_SEARCH_WORDS = re.compile(r"[\w\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]+")


def _snippet(text: str, words: Sequence[str], unspaced: Collection[str] = (), width: int = 80) -> str:
    """The text around the first of ``words``, each of them marked with U+0002 and U+0003: a
    whole word, as the search matched it ("AI" is not the "ai" of "said"), or, for a word of a
    script written without spaces (``unspaced``), wherever it stands."""
    pattern = re.compile("|".join(
        re.escape(w) if w in unspaced else rf"(?<!\w){re.escape(w)}(?!\w)"
        for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text)
    at = first.start() if first else 0
    start, end = max(0, at - width), min(len(text), at + 2 * width if first is None else at + width)
    if start:  # begin and end on whole words
        start = min(at, text.find(" ", start) + 1 or at)
    if end < len(text):
        end = max(text.rfind(" ", at, end), first.end() if first else 0) or end
    window = " ".join(text[start:end].split())
    marked = pattern.sub(lambda m: f"\x02{m.group(0)}\x03", window)
    return ("…" if start else "") + marked + ("…" if end < len(text) else "")


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as (text, matched) pieces, for the template to escape and mark."""
    parts: list[tuple[str, bool]] = []
    for chunk in snippet.split("\x02"):
        matched, _, rest = chunk.partition("\x03") if "\x03" in chunk else ("", "", chunk)
        if matched:
            parts.append((matched, True))
        if rest:
            parts.append((rest, False))
    return parts


class Lru(Generic[V]):
    """The last things made, by key, bounded and shared by threads. Keys carry the story id and its
    comparison key: the same key means the same comparison and the same articles, so the same
    output."""

    def __init__(self, size: int = 256) -> None:
        self._items: OrderedDict[tuple[str, str], V] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], value: V) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_RENDERED: Lru[dict[str, Any]] = Lru()


def story_page(store: Store, story_id: str) -> dict[str, Any]:
    story = lookup.story(store, story_id)
    key = (store.path.resolve().as_posix() if store.path else "", f"{story.id}:{comparison_key(story)}")
    rendered = _RENDERED.get(key)
    if rendered is None:
        rendered = _story_sections(store, story)
        _RENDERED.put(key, rendered)
    return {"story": story, **rendered}


def _story_sections(store: Store, story: Story) -> dict[str, Any]:
    comparison = story_comparison(store, story)
    built = report.build_report(comparison, inline_styles=False)
    stored = {a.id: a for a in store.articles(ids=list(story.article_ids))}
    dots = [
        Dot(a.key, a.outlet or a.key, a.colour, stored[a.key].published if a.key in stored else None,
            a.heading)
        for a in built.articles
    ]
    sections = {
        "header": report.header_section(built, level=2),  # below the page's own title
        "coverage": report.coverage_section(built),
        "voices": report.voices_section(built),
        "framing": report.framing_section(built),
        "timeline": report.timeline_section(built),
        "emphasis": report.emphasis_section(built),
        "texts": report.texts_section(built),
    }
    return {
        "articles": [stored[key] for key in story.article_ids if key in stored],
        # A copy is named by its original's outlet, not by an id.
        "copy_names": {key: a.outlet or a.heading for key, a in stored.items()},
        "sections": {name: Markup(markup) for name, markup in sections.items()},  # escaped by the builders
        "coverage_time": Markup(coverage_over_time(dots)),  # escaped by the chart
        "date_only": any(d.when is not None and not isinstance(d.when, datetime) for d in dots),
        "facts": len(built.facts),
    }


@dataclass(slots=True)
class FactView:
    label: str
    anchor: str
    status: str
    status_label: str
    summary: str
    wording: list[str]
    others: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def article_page(store: Store, article_id: str) -> dict[str, Any]:
    article = lookup.article(store, article_id)
    enrichment = store.enrichment(article.id)
    story_id = store.story_of(article.id)
    story = store.story(story_id) if story_id else None
    facts: list[FactView] = []
    text: Markup | None = None
    if story is not None:
        built = report.build_report(story_comparison(store, story), inline_styles=False)
        own = built.by_key.get(article.id)
        if own is not None:
            text = Markup(report.highlighted_text(built, own))  # escaped piece by piece by the builder
            facts = _facts_of(built, article.id)
    entities: dict[str, dict[str, Any]] = {}
    for mention in enrichment.mentions if enrichment else ():
        if mention.entity_id:
            entry = entities.setdefault(
                mention.entity_id,
                {"id": mention.entity_id, "name": mention.canonical or mention.text, "label": mention.label,
                 "wording": Counter()},
            )
            entry["wording"][mention.text] += 1
    by_name = {report.fold(e["name"]): e["id"] for e in entities.values()}
    voices = [
        {"voice": v, "entity": by_name.get(report.fold(v.speaker_entity or v.speaker or ""))}
        for v in (enrichment.voices if enrichment else ())
    ]
    return {
        "article": article,
        "story": story,
        "text": text,
        "facts": facts,
        "voices": voices,
        "sources": list(enrichment.sources) if enrichment else [],
        "entities": sorted(entities.values(), key=lambda e: (-sum(e["wording"].values()), e["name"])),
        "url": report.safe_url(article.url or ""),
        "copies": store.syndicated_copies(article.id),
    }


def _facts_of(built: report.Report, key: str) -> list[FactView]:
    """The facts one article reports, each with the other outlets' wording and where to find it."""
    views = []
    for position, fact in enumerate(built.facts):
        claims = report.items(fact, "claims")
        if not any(report.text_of(c, "article") == key for c in claims):
            continue
        status = report.status_of(fact)
        view = FactView(
            label=report.fact_label(position), anchor=built.fact_anchor[position], status=status,
            status_label=report.STATUS_LABEL.get(status, status), summary=report.fact_title(fact),
            wording=[report.text_of(c, "text") for c in claims if report.text_of(c, "article") == key],
        )
        reporting = set()
        for index, claim in enumerate(claims):
            other = report.text_of(claim, "article")
            reporting.add(other)
            if other == key:
                continue
            source = built.by_key.get(other)
            view.others.append({
                "article": other, "outlet": source.column if source else other,
                "text": report.text_of(claim, "text"),
                "anchor": built.claim_anchor.get((position, index), ""),
            })
        view.missing = [a.column for a in built.articles if a.key not in reporting]
        views.append(view)
    return views


def outlet_page(store: Store, name: str) -> dict[str, Any]:
    name = lookup.outlet(store, name)
    first, last, count = store.outlet_span(name)
    articles, _ = store.find_articles(outlet=name, limit=PAGE_SIZE)
    stories = store.stories_with_outlet(name)
    missed_stories, undated_stories = _stories_missed(store, name, _publishing_days(store, name))
    return {
        "name": name, "count": count, "first": first, "last": last, "articles": articles,
        "countries": sorted({a.country for a in articles if a.country}),
        "stories": stories, "missed_stories": missed_stories, "undated_stories": undated_stories,
        "missed_facts": _missed_facts(store, name, stories),
    }


MISSED_STORIES = 30


def _publishing_days(store: Store, name: str) -> list[tuple[date, date]]:
    """The days on which the outlet published, as runs of consecutive days (first, last), each
    day as published, in the zone of publication (the day the pages show)."""
    runs: list[tuple[date, date]] = []
    for day in store.publishing_days(name):
        if runs and day - runs[-1][1] <= timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _stories_missed(
    store: Store, name: str, runs: Sequence[tuple[date, date]]
) -> tuple[list[Story], list[Story]]:
    """Stories two or more other outlets carried on a day this outlet published, without it, the
    most widely carried first; and, apart, the undated ones, which no day can be matched to.

    Matched run by run (in one query): the outlet's first-to-last span would take in every story
    of the weeks or years between its articles."""
    # The store keeps an undated story in every range; a range no dated story can overlap (it
    # ends before it starts) leaves only those.
    undated = [s for s in store.stories_without(name, since="9999-12-31", until="0001-01-01",
                                                limit=MISSED_STORIES)
               if s.start is None]
    return store.stories_missed(name, runs, limit=MISSED_STORIES), undated[:MISSED_STORIES]


def _missed_facts(store: Store, name: str, stories: Sequence[Story]) -> list[dict[str, Any]]:
    """Facts that other outlets report in stories this outlet covers, those most outlets carry
    first, read from the cached comparisons only: a page must never wait for a comparison of
    every story."""
    cached = store.comparisons([s.id for s in stories])
    missed: list[dict[str, Any]] = []
    for story in stories:
        entry = cached.get(story.id)
        if entry is None or entry[0] != comparison_key(story):
            continue
        comparison: Mapping[str, Any] = json.loads(entry[1])
        built = report.build_report(comparison, inline_styles=False)
        outlet_of = {a.key: a.outlet for a in built.articles}
        for position, fact in enumerate(built.facts):
            claims = report.items(fact, "claims")
            reporters = {outlet_of.get(report.text_of(c, "article"), "") for c in claims}
            if name in reporters:
                continue
            others = sorted(o for o in reporters if o)
            if others:
                missed.append({
                    "story": story, "anchor": built.fact_anchor[position], "summary": report.fact_title(fact),
                    "status": report.status_of(fact), "outlets": others,
                })
    # Most widely carried first: what many others report is the plainer omission.
    missed.sort(key=lambda m: -len(m["outlets"]))
    return missed[:100]


def entity_page(store: Store, entity_id: str) -> dict[str, Any]:
    entity = lookup.entity(store, entity_id)
    mentions = store.entity_mentions(entity["id"])
    ids = list(dict.fromkeys(m["article"] for m in mentions))[:200]
    wording: dict[str, list[str]] = {}
    for m in mentions:
        wording.setdefault(m["article"], [])
        if m["text"] not in wording[m["article"]]:
            wording[m["article"]].append(m["text"])
    rows = []
    quoted_by: Counter[str] = Counter()
    mentioned_by: Counter[str] = Counter()
    for article in _in_order(store.articles(ids=ids), ids):
        enrichment = store.enrichment(article.id)
        quotes = [v for v in (enrichment.voices if enrichment else ()) if _speaks(v, entity)]
        outlet = article.outlet or "unknown outlet"
        mentioned_by[outlet] += 1
        if quotes:
            quoted_by[outlet] += len(quotes)
        rows.append({"article": article, "wording": wording.get(article.id, []), "quotes": quotes,
                     "story": store.story_of(article.id)})
    return {
        "entity": entity, "rows": rows, "mentions": len(mentions),
        "mentioned_by": mentioned_by.most_common(), "quoted_by": quoted_by.most_common(),
    }


def _speaks(voice: Voice, entity: Mapping[str, Any]) -> bool:
    """Whether the entity is the speaker: enrichment names speakers by their canonical name."""
    names = {report.fold(entity["canonical"]), *(report.fold(a) for a in entity.get("aliases", []))}
    return report.fold(voice.speaker_entity or voice.speaker or "") in names


def _in_order(articles: Sequence[Article], ids: Sequence[str]) -> list[Article]:
    by_id = {a.id: a for a in articles}
    return [by_id[i] for i in ids if i in by_id]
