"""The cluster stage: articles grouped into stories, and the events inside each story.

``cluster_articles`` groups articles given in publication order; ``StoryClusterer`` does the same
one article at a time; ``rebuild_stories`` and ``update_stories`` keep a store's stories current;
``similarity`` scores two articles on SemEval-2022 Task 8's scale with the same signals.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from parallax.cluster.incremental import StoryClusterer, cluster_signals
from parallax.cluster.model import StoryModel, load_model
from parallax.cluster.similarity import Similarity, similarity
from parallax.cluster.stories import ClusterReport, rebuild_stories, update_stories
from parallax.model import Story, StoryEvent

if TYPE_CHECKING:
    from parallax.model import Article, Enrichment

__all__ = [
    "ClusterReport", "Similarity", "Story", "StoryClusterer", "StoryEvent", "StoryModel", "cluster_articles",
    "cluster_signals", "load_model", "rebuild_stories", "similarity", "update_stories",
]


def cluster_articles(
    articles: Sequence[Article], *, enrichments: Sequence[Enrichment | None] | None = None,
    embedder: str | None = None, model: StoryModel | None = None,
) -> list[Story]:
    """Stories of ``articles``, taken in the order given (publication order, for a stream)."""
    from parallax.cluster.signals import EmbeddingCache, as_raw, signals_for
    from parallax.enrich.embed import get_embedder

    model = model or load_model()
    chosen = get_embedder(embedder)
    signals = signals_for([as_raw(a) for a in articles], EmbeddingCache(chosen), enrichments=enrichments)
    clusterer = cluster_signals(signals, model, model.for_embedder(chosen.name))
    return clusterer.stories(model_name=model.stories_made_with(chosen.name))
