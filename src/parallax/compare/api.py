"""The library entry points of the compare stage: from files or stored ids to a comparison."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from parallax.compare.core import Comparison, compare
from parallax.errors import InputError, NotFoundError
from parallax.model import Article, Enrichment, Story
from parallax.store import Store


def stored_with_enrichment(store: Store, ids: Sequence[str]) -> tuple[list[Article], dict[str, Enrichment]]:
    """Stored articles and their enrichments; any not yet enriched are enriched (and stored) first."""
    from parallax.enrich import enrich_store

    articles = [store.article(i) for i in ids]
    missing = [a.id for a in articles if store.enrichment(a.id) is None]
    if missing:
        enrich_store(store, ids=missing)
    enrichments: dict[str, Enrichment] = {}
    for article in articles:
        enrichment = store.enrichment(article.id)
        if enrichment is None:  # pragma: no cover - enrich_store stores one for every id
            raise NotFoundError(f"article {article.id} could not be enriched")
        enrichments[article.id] = enrichment
    return articles, enrichments


def compare_stored(store: Store, ids: Sequence[str], **options: Any) -> Comparison:
    articles, enrichments = stored_with_enrichment(store, ids)
    vectors = sentence_vectors(store, articles, enrichments, options.get("embedder"))
    options.setdefault("sentence_vectors", vectors)
    return compare(articles, enrichments, **options)


def sentence_vectors(
    store: Store, articles: Sequence[Article], enrichments: Mapping[str, Enrichment], embedder: Any = None
) -> dict[str, Any]:
    """Every article's sentence vectors from the embedder compare uses: stored ones where there
    are, else embedded now and stored, so each article's sentences are embedded once."""
    from parallax.enrich.embed import get_embedder

    embedder = embedder or get_embedder()
    found: dict[str, Any] = {}
    missing: list[Article] = []
    for article in articles:
        if store.vector_model(article.id, "sentences") == embedder.name:
            found[article.id] = store.vectors(article.id, "sentences")
        elif enrichments[article.id].sentences:
            missing.append(article)
    if missing:
        texts = [s.text for a in missing for s in enrichments[a.id].sentences]
        matrix = embedder.embed(texts)
        start = 0
        with store.transaction():
            for article in missing:
                end = start + len(enrichments[article.id].sentences)
                found[article.id] = matrix[start:end]
                store.save_vectors(article.id, "sentences", embedder.name, matrix[start:end])
                start = end
    return found


def compare_inputs(
    targets: Sequence[str],
    *,
    store: Store | None = None,
    manifest: str | Path | None = None,
    left_out: list[str] | None = None,
    **options: Any,
) -> Comparison:
    """Compare files (read with the ingest readers, not stored) and stored article ids.

    Every input is accounted for: one that cannot be read, or that repeats another's text or
    names an article already given, is left out of the comparison, and ``left_out`` (when
    given) receives a line saying which and why."""
    from parallax.enrich import Enricher
    from parallax.ingest import ingest

    articles: list[Article] = []
    enrichments: dict[str, Enrichment] = {}
    files = [t for t in targets if Path(t).exists()]
    ids = list(dict.fromkeys(t for t in targets if not Path(t).exists()))
    problems: list[str] = [] if left_out is None else left_out
    if files or manifest:
        with Store(memory=True) as scratch:
            report = ingest(files, store=scratch, manifest=manifest)
            found = scratch.articles(ids=[i.article_id for i in report.items if i.article_id])
        if not found and not ids:
            reasons = "; ".join(f"{i.input}: {i.reason}" for i in report.items if i.reason)
            raise InputError(f"no article could be read from the inputs ({reasons})")
        # With stored ids beside them, unreadable files are left out like any other input.
        problems += [f"{i.input}: {i.reason}" for i in report.items
                     if i.outcome.value != "stored" and i.reason]
        enricher = Enricher(vectors=False)
        for analysis, article in zip(enricher.analyze_many(found), found, strict=True):
            articles.append(article)
            enrichments[article.id] = analysis.enrichment
    if ids:
        if store is None:
            raise InputError(f"{ids[0]}: no such file; to compare stored articles give --db")
        stored, stored_enrichments = stored_with_enrichment(store, ids)
        given = {a.id for a in articles}
        for article in stored:
            if article.id in given:
                problems.append(f"{article.id}: the same article as an input given before")
                continue
            given.add(article.id)
            articles.append(article)
            enrichments[article.id] = stored_enrichments[article.id]
        options.setdefault("sentence_vectors", sentence_vectors(store, stored, stored_enrichments))
    return compare(articles, enrichments, **options)


# -- cached comparisons of stored stories ---------------------------------------------------------

# Comparing a story takes seconds; one comparison at a time keeps the models' memory flat and
# lets a second request for the same story find the first one's result instead of redoing it.
_COMPUTE_LOCK = threading.Lock()


@cache
def compare_code_version() -> str:
    """A digest of the compare stage's code and models: a new Parallax misses the old cache."""
    digest = hashlib.sha256()
    package = resources.files("parallax.compare")
    for entry in sorted(package.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".py", ".json")):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    return digest.hexdigest()[:16]


def comparison_key(story: Story) -> str:
    """What a story's comparison is made from: its articles, the enrichment and compare versions
    and the embedder. When any of them changes, the cached comparison no longer matches."""
    from parallax.enrich import ENRICHMENT_VERSION
    from parallax.enrich.embed import get_embedder

    ids = ",".join(sorted(story.article_ids))
    made_of = f"{ids}|enrich={ENRICHMENT_VERSION}|compare={compare_code_version()}|{get_embedder().name}"
    return hashlib.sha256(made_of.encode()).hexdigest()


def cached_story_comparison(store: Store, story: Story | str) -> dict[str, Any] | None:
    """The cached ``parallax.comparison/1`` JSON of a stored story, or None when there is none
    for its current articles. Never computes."""
    found = store.story(story) if isinstance(story, str) else story
    data = store.comparison(found.id, comparison_key(found))
    return json.loads(data) if data is not None else None


def story_comparison(store: Store, story: Story | str) -> dict[str, Any]:
    """The ``parallax.comparison/1`` JSON of a stored story, the same as
    ``parallax compare --story ID --format json`` prints: from the cache when it is current,
    else computed (its articles are enriched first when they are not yet) and cached."""
    found = store.story(story) if isinstance(story, str) else story
    key = comparison_key(found)
    data = store.comparison(found.id, key)
    if data is not None:
        return dict(json.loads(data))
    with _COMPUTE_LOCK:
        data = store.comparison(found.id, key)  # made by another thread while this one waited
        if data is not None:
            return dict(json.loads(data))
        comparison = compare_stored(store, list(found.article_ids)).to_json()
        store.save_comparison(found.id, key, json.dumps(comparison, ensure_ascii=False))
    return comparison


def warm_comparisons(store: Store, story_ids: Sequence[str] | None = None) -> int:
    """Compute and cache the comparison of every story (or of ``story_ids``) that has no current
    one; returns how many were computed. Run it before serving, so no reader waits."""
    computed = 0
    for story in store.stories():
        if story_ids is not None and story.id not in story_ids:
            continue
        if store.comparison(story.id, comparison_key(story)) is None:
            story_comparison(store, story)
            computed += 1
    return computed
