"""Stories of the articles in a store: built from scratch, or brought up to date after an ingest.

:func:`rebuild_stories` clusters every stored article in publication order. :func:`update_stories`
adds newly stored articles: when they all come after the articles already clustered, it replays
the stored memberships and feeds only the new ones, which gives what a rebuild would give; an
article dated earlier than the latest clustered one changes the past, so then it rebuilds.

Signals come from the stored enrichment (canonical entities, resolved times) and article vectors.
An article ingested without enrichment gets its vector computed here, and its names and dates read
from its text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from parallax.cluster.incremental import StoryClusterer
from parallax.cluster.model import StoryModel, load_model
from parallax.cluster.signals import ArticleSignals, EmbeddingCache, as_raw, signals_for
from parallax.enrich.embed import Embedder, get_embedder
from parallax.model import Article
from parallax.store import Store
from parallax.store.sqlite import sort_key

BODY_KIND = "story_body"
LEAD_KIND = "story_lead"


@dataclass(frozen=True, slots=True)
class ClusterReport:
    articles: int
    stories: int
    rebuilt: bool


#: The enrichment version from which an article's own vector is of the lead the story model reads.
LEAD_VECTOR_SINCE = 3


def arrival_key(article: Article, original: Article | None = None) -> tuple[bool, str, bool, str]:
    """Publication order, undated last, the id breaking ties: the same whatever the ingest order.

    A syndicated copy comes after the ``original`` it copies, even when it carries the same or an
    earlier time, so that it joins the original's story as a copy rather than standing as an
    outlet of its own (and so that the story keeps the original's id)."""
    key = (article.published is None, sort_key(article.published) or "")
    if original is not None:
        key = max(key, (original.published is None, sort_key(original.published) or ""))
    return (*key, article.syndicated_of is not None, article.id)


def in_arrival_order(
    articles: Iterable[Article], known: Mapping[str, Article] | None = None,
) -> list[Article]:
    """``articles`` sorted by :func:`arrival_key`, originals looked up among them and in ``known``."""
    listed = list(articles)
    by_id = {**(known or {}), **{a.id: a for a in listed}}
    return sorted(listed, key=lambda a: arrival_key(a, by_id.get(a.syndicated_of or "")))


def _stored(
    stored: dict[tuple[str, str], tuple[str, Any]], article_id: str, kinds: Sequence[str], model: str,
) -> Any:
    """The first stored vector of ``kinds`` made by ``model``, or None."""
    for kind in kinds:
        found = stored.get((article_id, kind))
        if found is not None and found[0] == model and found[1].size:
            return np.asarray(found[1][0], dtype=np.float32)
    return None


def store_signals(store: Store, articles: Sequence[Article], embedder: Embedder) -> list[ArticleSignals]:
    """Signals of stored articles, reusing stored vectors of this embedder and storing new ones.

    The enrichment's own ``article`` vector is reused when it was made by this embedder from the
    lead the story model is fitted on (enrichment of the current version), and never overwritten:
    a lead vector computed here under another embedder, or beside an older enrichment's vector,
    is kept beside it.
    """
    ids = [a.id for a in articles]
    stored = store.vectors_of(ids, ("article", LEAD_KIND, BODY_KIND))
    # Enrichments before version 3 embedded a longer lead than the story model was fitted on.
    older = store.enriched_before(ids, LEAD_VECTOR_SINCE)
    leads = [
        _stored(stored, a.id, (LEAD_KIND,) if a.id in older else ("article", LEAD_KIND), embedder.name)
        for a in articles
    ]
    bodies = [_stored(stored, a.id, (BODY_KIND,), embedder.name) for a in articles]
    by_id = store.enrichments_of(ids)
    enrichments = [by_id.get(a.id) for a in articles]
    signals = signals_for([as_raw(a) for a in articles], EmbeddingCache(embedder), enrichments=enrichments,
                          leads=leads, bodies=bodies)
    with store.transaction():
        for article, lead, body, found in zip(articles, leads, bodies, signals, strict=True):
            if lead is None:
                taken = (article.id, "article") in stored
                store.save_vectors(article.id, LEAD_KIND if taken else "article", embedder.name, found.lead)
            if body is None:
                store.save_vectors(article.id, BODY_KIND, embedder.name, found.body)
    return signals


def rebuild_stories(
    store: Store, *, model: StoryModel | None = None, embedder: Embedder | None = None,
) -> ClusterReport:
    """Cluster every stored article from scratch and replace the stored stories."""
    model = model or load_model()
    embedder = embedder or get_embedder()
    articles = in_arrival_order(store.articles())
    clusterer = StoryClusterer(model, model.for_embedder(embedder.name))
    signals = store_signals(store, articles, embedder)
    clusterer.add_all(signals)
    stories = clusterer.stories(model_name=model.stories_made_with(embedder.name))
    store.save_stories(stories, clusterer.memberships(), replace=True)
    return ClusterReport(len(articles), len(stories), True)


def update_stories(
    store: Store, article_ids: Sequence[str], *, model: StoryModel | None = None,
    embedder: Embedder | None = None,
) -> ClusterReport:
    """Bring the stored stories up to date after ``article_ids`` were stored (call after enrichment)."""
    model = model or load_model()
    embedder = embedder or get_embedder()
    memberships = store.story_memberships()
    placed = {row[0] for row in memberships}
    arrived = store.articles(ids=[i for i in dict.fromkeys(article_ids) if i not in placed])
    if not arrived:
        return ClusterReport(0, 0, False)
    stored_stories = store.stories()
    if not memberships or any(s.model != model.stories_made_with(embedder.name) for s in stored_stories):
        return rebuild_stories(store, model=model, embedder=embedder)
    old = {a.id: a for a in store.articles(ids=[row[0] for row in memberships])}
    new = in_arrival_order(arrived, old)
    by_id = {**old, **{a.id: a for a in new}}
    latest = max(arrival_key(a, by_id.get(a.syndicated_of or "")) for a in old.values())
    if arrival_key(new[0], by_id.get(new[0].syndicated_of or "")) < latest or len(old) != len(memberships):
        return rebuild_stories(store, model=model, embedder=embedder)
    ordered_old = [old[row[0]] for row in memberships]
    signals = store_signals(store, ordered_old + new, embedder)
    clusterer = StoryClusterer(model, model.for_embedder(embedder.name))
    for row, article_signals in zip(memberships, signals, strict=False):
        clusterer.restore(article_signals, row[1], row[2], row[4])
    for article_signals in signals[len(memberships):]:
        clusterer.add(article_signals)
    stories = clusterer.stories(model_name=model.stories_made_with(embedder.name))
    kept = {s.id for s in stories}
    removed = [s.id for s in stored_stories if s.id not in kept]
    store.save_stories(stories, clusterer.memberships(), removed=removed, replace=False)
    return ClusterReport(len(new), len(stories), False)
