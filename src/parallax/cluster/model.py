"""The fitted parameters of story linking and article similarity, read from a versioned file.

The file ships in the package (``story_model_v1.json``) and is written only by
``python -m parallax.cluster.fit`` from training data. Its ``embedder`` names the vector space the
weights were fitted in: cosines of another embedder sit on another scale (multilingual-e5's bunch
at 0.78-0.95), so each embedder has its own calibration and an unknown one is refused.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from parallax.cluster.signals import FEATURES
from parallax.errors import ConfigError

MODEL_FILE = "story_model_v1.json"
MODEL_VERSION = 1


@dataclass(frozen=True, slots=True)
class Logistic:
    """A probability from :data:`FEATURES`: the logistic of a weighted sum."""

    weights: tuple[float, ...]
    bias: float
    _array: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_array", np.asarray(self.weights, dtype=np.float64))

    def probability(self, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        z = rows @ self._array + self.bias
        result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
        return result

    def to_json(self) -> dict[str, Any]:
        return {"weights": [round(w, 6) for w in self.weights], "bias": round(self.bias, 6)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Logistic:
        return cls(tuple(float(w) for w in data["weights"]), float(data["bias"]))


@dataclass(frozen=True, slots=True)
class Regression:
    """A score on SemEval-2022 Task 8's 1-4 scale from pair features and their squares (clipped).

    The squares let a score bend where the humans' scale does: between "somewhat" and "very"
    similar, a small rise in cosine means much more than it does among unrelated pairs.
    ``features`` names the columns of the rows it scores, in order: :data:`FEATURES`, or those
    and some of the similarity-only columns of :mod:`parallax.cluster.similarity`.
    """

    weights: tuple[float, ...]
    bias: float
    features: tuple[str, ...] = FEATURES

    @staticmethod
    def expand(rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.hstack([rows, rows**2])

    def score(self, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        result: npt.NDArray[np.float64] = np.clip(
            self.expand(rows) @ np.asarray(self.weights, dtype=np.float64) + self.bias, 1.0, 4.0)
        return result

    def to_json(self) -> dict[str, Any]:
        return {"weights": [round(w, 6) for w in self.weights], "bias": round(self.bias, 6),
                "features": list(self.features)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Regression:
        # Files written before the similarity-only columns existed hold no names: FEATURES then.
        features = tuple(str(f) for f in data.get("features", FEATURES))
        weights = tuple(float(w) for w in data["weights"])
        if len(weights) != 2 * len(features):
            raise ValueError(f"a similarity regression has {len(weights)} weights for "
                             f"{len(features)} features and their squares")
        return cls(weights, float(data["bias"]), features)


@dataclass(frozen=True, slots=True)
class Calibration:
    """Everything fitted for one embedder.

    Pairs whose publication dates are both known are judged by ``story``; others (an archive
    without dates, such as ECB+) by ``story_undated``. Without dates, two look-alike events
    cannot be told apart by when they were reported, so there a story is what ECB+ calls a
    topic, and its events keep the look-alikes apart; with dates, the stream itself separates
    them, and a story is one event's coverage.
    """

    story: Logistic
    event: Logistic
    join_threshold: float
    event_threshold: float
    merge_threshold: float
    similarity: Mapping[str, Regression] = field(default_factory=dict)
    story_undated: Logistic | None = None
    #: The join threshold when the undated model judges (the article or a member it is compared
    #: with has no publication date); the dated one when not set. (Its own threshold rather than
    #: a shift of the undated model's bias, which would move the merge decisions too.)
    undated_join_threshold: float | None = None

    def join_for(self, dated: bool) -> float:
        """The probability an article must exceed to join a story, ``dated`` when the article and
        the members it is compared with all have publication dates."""
        if dated or self.undated_join_threshold is None:
            return self.join_threshold
        return self.undated_join_threshold

    def story_probability(self, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        dated = self.story.probability(rows)
        if self.story_undated is None:
            return dated
        known = rows[:, FEATURES.index("published_known")] > 0.5
        return np.where(known, dated, self.story_undated.probability(rows))

    def to_json(self) -> dict[str, Any]:
        return {
            "story": self.story.to_json(),
            "story_undated": self.story_undated.to_json() if self.story_undated else None,
            "event": self.event.to_json(),
            "join_threshold": round(self.join_threshold, 4),
            "event_threshold": round(self.event_threshold, 4),
            "merge_threshold": round(self.merge_threshold, 4),
            "similarity": {k: v.to_json() for k, v in self.similarity.items()},
            **({"undated_join_threshold": round(self.undated_join_threshold, 4)}
               if self.undated_join_threshold is not None else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Calibration:
        return cls(
            story=Logistic.from_json(data["story"]), event=Logistic.from_json(data["event"]),
            join_threshold=float(data["join_threshold"]), event_threshold=float(data["event_threshold"]),
            merge_threshold=float(data["merge_threshold"]),
            similarity={k: Regression.from_json(v) for k, v in data.get("similarity", {}).items()},
            story_undated=Logistic.from_json(data["story_undated"]) if data.get("story_undated") else None,
            undated_join_threshold=(float(data["undated_join_threshold"])
                                    if data.get("undated_join_threshold") is not None else None),
        )


@dataclass(frozen=True, slots=True)
class StoryModel:
    """Parameters of :class:`~parallax.cluster.incremental.StoryClusterer` and of similarity."""

    version: int
    calibrations: Mapping[str, Calibration]
    quiet_days: int = 3
    candidates: int = 6
    representatives: int = 16
    trained_on: Sequence[str] = ()
    features: Sequence[str] = FEATURES
    #: Inverse document frequency of words in the training articles, for the words signal.
    idf: Mapping[str, float] = field(default_factory=dict)
    idf_unseen: float = 1.0
    #: The start of the model file's sha256: a refitted file is another model, and stories stored
    #: by the old one are rebuilt rather than extended.
    digest: str = ""

    @property
    def name(self) -> str:
        return f"story-model-v{self.version}" + (f"-{self.digest}" if self.digest else "")

    def stories_made_with(self, embedder_name: str) -> str:
        """What a story records as its model: this file and the embedder, so that stories stored
        under another one are rebuilt rather than extended."""
        return f"{self.name}+{embedder_name}"

    def for_embedder(self, name: str) -> Calibration:
        try:
            return self.calibrations[name]
        except KeyError:
            known = ", ".join(sorted(self.calibrations))
            raise ConfigError(
                f"the story model has no calibration for embedder {name!r} (it has: {known}); "
                "run `python -m parallax.cluster.fit` with that embedder, or choose one of those"
            ) from None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version, "features": list(self.features), "quiet_days": self.quiet_days,
            "candidates": self.candidates, "representatives": self.representatives,
            "trained_on": list(self.trained_on),
            "calibrations": {k: v.to_json() for k, v in self.calibrations.items()},
            "idf_unseen": round(self.idf_unseen, 4),
            "idf": {k: round(v, 3) for k, v in sorted(self.idf.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StoryModel:
        if tuple(data.get("features", ())) != FEATURES:
            raise ConfigError("the story model file was fitted on other features; refit it with "
                              "`python -m parallax.cluster.fit`")
        return cls(
            version=int(data["version"]), quiet_days=int(data.get("quiet_days", 3)),
            candidates=int(data.get("candidates", 6)), representatives=int(data.get("representatives", 16)),
            trained_on=tuple(data.get("trained_on", [])),
            calibrations={k: Calibration.from_json(v) for k, v in data["calibrations"].items()},
            idf={str(k): float(v) for k, v in data.get("idf", {}).items()},
            idf_unseen=float(data.get("idf_unseen", 1.0)),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")


def load_model(path: str | Path | None = None) -> StoryModel:
    """The model in ``path``, or the one shipped with Parallax."""
    if path is not None:
        return _read(Path(path).read_text(encoding="utf-8"), str(path))
    return _shipped()


@cache
def _shipped() -> StoryModel:
    text = resources.files("parallax.cluster").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return _read(text, MODEL_FILE)


def _read(text: str, where: str) -> StoryModel:
    try:
        model = StoryModel.from_json(json.loads(text))
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"{where} is not a story model file: {exc}") from exc
    return replace(model, digest=hashlib.sha256(text.encode("utf-8")).hexdigest()[:8])


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))
