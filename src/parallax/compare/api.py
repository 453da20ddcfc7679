"""The library entry points of the compare stage: from files or stored ids to a comparison."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parallax.compare.core import Comparison, compare
from parallax.errors import InputError, NotFoundError
from parallax.model import Article, Enrichment
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
    options.setdefault("sentence_vectors", _sentence_vectors(store, articles))
    return compare(articles, enrichments, **options)


def _sentence_vectors(store: Store, articles: Sequence[Article]) -> dict[str, Any]:
    """Stored sentence vectors, when they come from the embedder compare will use."""
    from parallax.enrich.embed import get_embedder

    name = get_embedder().name
    found = {}
    for article in articles:
        if store.vector_model(article.id, "sentences") == name:
            found[article.id] = store.vectors(article.id, "sentences")
    return found


def compare_inputs(
    targets: Sequence[str],
    *,
    store: Store | None = None,
    manifest: str | Path | None = None,
    **options: Any,
) -> Comparison:
    """Compare files (read with the ingest readers, not stored) and stored article ids."""
    from parallax.enrich import Enricher
    from parallax.ingest import ingest

    articles: list[Article] = []
    enrichments: dict[str, Enrichment] = {}
    files = [t for t in targets if Path(t).exists()]
    ids = [t for t in targets if not Path(t).exists()]
    if files or manifest:
        with Store(memory=True) as scratch:
            report = ingest(files, store=scratch, manifest=manifest)
            found = scratch.articles(ids=[i.article_id for i in report.items if i.article_id])
        if not found:
            reasons = "; ".join(f"{i.input}: {i.reason}" for i in report.items if i.reason)
            raise InputError(f"no article could be read from the inputs ({reasons})")
        enricher = Enricher(vectors=False)
        for analysis, article in zip(enricher.analyze_many(found), found, strict=True):
            articles.append(article)
            enrichments[article.id] = analysis.enrichment
    if ids:
        if store is None:
            raise InputError(f"{ids[0]}: no such file; to compare stored articles give --db")
        stored, stored_enrichments = stored_with_enrichment(store, ids)
        articles.extend(stored)
        enrichments.update(stored_enrichments)
        options.setdefault("sentence_vectors", _sentence_vectors(store, stored))
    return compare(articles, enrichments, **options)
