"""How similar two articles are, on SemEval-2022 Task 8's scale: 1 very similar ... 4 very dissimilar.

Overall and Narrative are always scored (the vectors always exist). Entities, Time and Geography
are scored only when both articles give the signal the dimension rests on: names for Entities,
dates (mentioned or of publication) for Time, places for Geography; otherwise they are ``None``
rather than a guess dressed as a score.

Two English articles are compared with the default embedder; any other language pair with the
multilingual one, whose regressions were fitted on the non-English pairs of the task's data.

Beside the story-linking :data:`~parallax.cluster.signals.FEATURES`, the regressions may read
:data:`EXTRA_FEATURES`, computed here only so that the story models stay as they were fitted.
Most of them serve pairs in two languages, where names and words rarely match letter for letter
and the multilingual vectors of a text and its translation sit lower than those of two texts in
one language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from parallax.cluster.model import Regression, StoryModel, load_model
from parallax.cluster.signals import (
    FEATURES,
    SCAN_CHARS,
    ArticleSignals,
    EmbeddingCache,
    RawArticle,
    Vector,
    as_raw,
    pair_features,
    signals_for,
)
from parallax.enrich.embed import MULTILINGUAL_EMBEDDER, get_embedder
from parallax.errors import ConfigError
from parallax.model import Article, Enrichment
from parallax.text import lead_text

DIMENSIONS = ("Overall", "Entities", "Time", "Geography", "Narrative")

#: Columns only the similarity regressions read, after :data:`FEATURES`.
EXTRA_FEATURES: tuple[str, ...] = (
    "cross_language",  # 1 when the two languages differ (and both are known)
    "cross_language_lead",  # lead_cosine of a pair in two languages, else 0
    "cross_language_body",  # body_cosine likewise
    "mean_cosine",  # cosine of each article's lead and body vectors summed
    "lead_body_cosine",  # the higher of one's lead against the other's body and the reverse
    "numbers_dice",  # Dice overlap of the numbers both texts write
    "headline_cosine",  # cosine of the headlines (or first sentences)
)
SIMILARITY_FEATURES: tuple[str, ...] = FEATURES + EXTRA_FEATURES

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True, slots=True)
class PairSide:
    """What similarity reads of an article beyond its :class:`ArticleSignals`."""

    headline: Vector
    numbers: frozenset[str]


def numbers_in(text: str) -> frozenset[str]:
    """The numbers ``text`` writes, as digit strings without separators or leading zeros.

    Years, counts and amounts are written alike in every language, so they are one of the few
    things two reports in different languages can share letter for letter. Separators are
    dropped because "1,500" and "1.500" are one number in English and German; digits of other
    scripts are read as their values ("٢٠٢٠" is 2020).
    """
    found = set()
    for match in _NUMBER.finditer(text[:SCAN_CHARS]):
        # Digit by digit rather than int(), which refuses strings of thousands of digits.
        digits = "".join(str(unicodedata.digit(c)) for c in match.group(0) if c not in ".,")
        found.add(digits.lstrip("0") or "0")
    return frozenset(found)


def headline_of(title: str, text: str) -> str:
    """The headline, or the first sentence where there is none (as in files without one)."""
    headline = " ".join(title.split()) or lead_text(text, sentences=1)
    return headline or " "


def sides_for(articles: Sequence[RawArticle], cache: EmbeddingCache) -> list[PairSide]:
    """:class:`PairSide` of each article, the headlines embedded in one batch."""
    vectors = cache.embed([headline_of(a.title, a.text) for a in articles])
    return [PairSide(np.asarray(vector, dtype=np.float32), numbers_in(f"{a.title}\n{a.text}"))
            for a, vector in zip(articles, vectors, strict=True)]


def _unit_cosine(a: Vector, b: Vector) -> float:
    norms = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b)) / norms if norms > 0 else 0.0


def extra_features(a: ArticleSignals, b: ArticleSignals, side_a: PairSide, side_b: PairSide) -> list[float]:
    """The row of :data:`EXTRA_FEATURES` for two articles."""
    # A text and its translation sit lower in the multilingual space than two texts of one
    # language that the annotators score alike; the flag and its products with the cosines let
    # the regression shift and reweight the cosines of such pairs instead of reading them as less
    # similar. An unknown language counts as the same one, the case the cosines were read in before.
    cross = 1.0 if a.language and b.language and a.language != b.language else 0.0
    lead = float(np.dot(a.lead, b.lead))
    body = float(np.dot(a.body, b.body))
    shared = side_a.numbers & side_b.numbers
    total = len(side_a.numbers) + len(side_b.numbers)
    return [
        cross,
        cross * lead,
        cross * body,
        _unit_cosine(a.lead + a.body, b.lead + b.body),
        max(float(np.dot(a.lead, b.body)), float(np.dot(a.body, b.lead))),
        2.0 * len(shared) / total if shared else 0.0,
        float(np.dot(side_a.headline, side_b.headline)),
    ]


def similarity_features(
    a: ArticleSignals, b: ArticleSignals, side_a: PairSide, side_b: PairSide
) -> list[float]:
    """The row of :data:`SIMILARITY_FEATURES` for two articles."""
    return pair_features(a, b) + extra_features(a, b, side_a, side_b)


def columns(rows: npt.NDArray[np.float64], regression: Regression) -> npt.NDArray[np.float64]:
    """The columns of :data:`SIMILARITY_FEATURES` rows that ``regression`` reads, in its order."""
    unknown = [name for name in regression.features if name not in SIMILARITY_FEATURES]
    if unknown:
        raise ConfigError(f"a similarity regression reads unknown features {unknown}; refit it with "
                          "`python -m parallax.cluster.fit --similarity-only`")
    picked: npt.NDArray[np.float64] = rows[:, [SIMILARITY_FEATURES.index(n) for n in regression.features]]
    return picked


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


def score_pair(a: ArticleSignals, b: ArticleSignals, model: StoryModel, embedder_name: str,
               sides: tuple[PairSide, PairSide]) -> Similarity:
    """Scores of two articles' signals (both made with the embedder called ``embedder_name``)."""
    calibration = model.for_embedder(embedder_name)
    row = np.array([similarity_features(a, b, *sides)], dtype=np.float64)
    scored = {d: float(r.score(columns(row, r))[0]) for d, r in calibration.similarity.items()}
    features = dict(zip(SIMILARITY_FEATURES, row[0].tolist(), strict=True))
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
    cache = EmbeddingCache(chosen)
    raw = [as_raw(first), as_raw(second)]
    a, b = signals_for(raw, cache, enrichments=list(enrichments))
    side_a, side_b = sides_for(raw, cache)
    return score_pair(a, b, model, chosen.name, (side_a, side_b))
