"""How similar two articles are, on SemEval-2022 Task 8's scale: 1 very similar ... 4 very dissimilar.

Overall and Narrative are always scored (the vectors always exist). Entities, Time and Geography
are scored only when both articles give the signal the dimension rests on: names for Entities,
dates (mentioned or of publication) for Time, places for Geography; otherwise they are ``None``
rather than a guess dressed as a score.

Two English articles are compared with the default embedder; any other language pair with the
multilingual one, whose regressions were fitted on the non-English pairs of the task's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from parallax.cluster.model import StoryModel, load_model
from parallax.cluster.signals import (
    FEATURES,
    ArticleSignals,
    EmbeddingCache,
    as_raw,
    pair_features,
    signals_for,
)
from parallax.enrich.embed import MULTILINGUAL_EMBEDDER, get_embedder
from parallax.model import Article, Enrichment

DIMENSIONS = ("Overall", "Entities", "Time", "Geography", "Narrative")


@dataclass(frozen=True, slots=True)
class Similarity:
    overall: float
    entities: float | None
    time: float | None
    geography: float | None
    narrative: float
    features: dict[str, float]
    embedder: str

    def to_json(self) -> dict[str, Any]:
        return {
            "overall": round(self.overall, 3),
            "entities": _round(self.entities), "time": _round(self.time),
            "geography": _round(self.geography), "narrative": round(self.narrative, 3),
            "scale": "1 = very similar ... 4 = very dissimilar (SemEval-2022 Task 8)",
            "features": {k: round(v, 4) for k, v in self.features.items()},
            "embedder": self.embedder,
        }


def _round(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def score_pair(a: ArticleSignals, b: ArticleSignals, model: StoryModel, embedder_name: str) -> Similarity:
    """Scores of two articles' signals (both made with the embedder called ``embedder_name``)."""
    calibration = model.for_embedder(embedder_name)
    row = np.array([pair_features(a, b)], dtype=np.float64)
    scored = {d: float(r.score(row)[0]) for d, r in calibration.similarity.items()}
    features = dict(zip(FEATURES, row[0].tolist(), strict=True))
    has_time = bool(a.days and b.days) or (a.day is not None and b.day is not None)
    return Similarity(
        overall=scored["Overall"],
        entities=scored.get("Entities") if a.names and b.names else None,
        time=scored.get("Time") if has_time else None,
        geography=scored.get("Geography") if a.places and b.places else None,
        narrative=scored["Narrative"],
        features=features,
        embedder=embedder_name,
    )


def pick_embedder(languages: Sequence[str | None]) -> str | None:
    """None (the default embedder) for English or unknown languages, else the multilingual one."""
    return None if all(lang in (None, "en") for lang in languages) else MULTILINGUAL_EMBEDDER


def similarity(
    first: Article, second: Article, *, enrichments: Sequence[Enrichment | None] = (None, None),
    embedder: str | None = None, model: StoryModel | None = None,
) -> Similarity:
    """Score two articles on SemEval-2022 Task 8's dimensions."""
    model = model or load_model()
    chosen = get_embedder(embedder or pick_embedder([first.language, second.language]))
    a, b = signals_for([as_raw(first), as_raw(second)], EmbeddingCache(chosen), enrichments=list(enrichments))
    return score_pair(a, b, model, chosen.name)
