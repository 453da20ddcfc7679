"""Score article similarity against SemEval-2022 Task 8 (multilingual news article similarity).

Each row pairs two articles with human scores from 1 (very similar) to 4 (very dissimilar) on
Overall, Entities, Time, Geography and Narrative (and Style and Tone, which are not predicted).
The texts are headline and body joined by two spaces. The metric is Pearson's r per dimension.

The shared file is the task winner's *training* split, which is also what the shipped
regressions were fitted on, so the figure from the shipped model is an in-sample one;
``pearson_*_cv`` refits the same regressions in five folds and scores each fold with a model that
never saw it, which is the estimate to expect on held-out pairs.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from parallax.cluster.signals import FEATURES, RawArticle
from parallax.cluster.similarity import SIMILARITY_FEATURES
from parallax.errors import DatasetError

DIMENSIONS = ("Overall", "Entities", "Time", "Geography", "Narrative")
#: The columns each route's regressions are fitted on. The similarity-only columns help the
#: multilingual route (924 pairs, a third of them in two languages); the 128 English pairs are
#: too few to fit them, and lose about 0.015 of cross-validated Pearson with them.
ROUTE_FEATURES: dict[str, tuple[str, ...]] = {"minilm": FEATURES, "e5-multilingual": SIMILARITY_FEATURES}
ANCHORS = {"hfl_official_test_pearson_overall": 0.818}
TARGETS = {"pearson_overall": 0.75}


@dataclass(frozen=True, slots=True)
class ScoredPair:
    pair_id: str
    first: RawArticle
    second: RawArticle
    scores: dict[str, float]

    @property
    def english(self) -> bool:
        return self.first.language == "en" and self.second.language == "en"


def _split(text: str) -> tuple[str, str]:
    title, sep, body = text.partition("  ")
    return (title.strip(), body.strip()) if sep and body.strip() else ("", text.strip())


def read_semeval(path: Path) -> list[ScoredPair]:
    from parallax.evaluation import dataset_file, not_utf8

    csv.field_size_limit(1 << 30)
    found = []
    expected = "a SemEval-2022 Task 8 CSV with pair_id, lang1, lang2, text1, text2 and the score columns"
    with dataset_file(path, expected).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"pair_id", "lang1", "lang2", "text1", "text2"} - set(reader.fieldnames or ())
        if missing:
            raise DatasetError(f"{path}: no column {', '.join(sorted(missing))} (expected {expected})")
        try:
            for row in reader:
                if any(row.get(column) is None for column in ("pair_id", "lang1", "lang2", "text1", "text2")):
                    raise DatasetError(f"{path}, line {reader.line_num}: a row with fewer fields than "
                                       f"the header (expected {expected})")
                articles = []
                for side in ("1", "2"):
                    title, body = _split(row[f"text{side}"])
                    key = hashlib.sha256(row[f"text{side}"].encode()).hexdigest()[:16]
                    articles.append(
                        RawArticle(id=key, title=title, text=body or title, language=row[f"lang{side}"]))
                try:
                    scores = {d: float(row[d]) for d in DIMENSIONS if row.get(d)}
                except ValueError as exc:
                    raise DatasetError(f"{path}, line {reader.line_num}: a score that is not a number "
                                       f"({exc})") from exc
                found.append(ScoredPair(row["pair_id"], articles[0], articles[1], scores))
        except UnicodeDecodeError as exc:
            raise not_utf8(path, exc) from exc
    return found


Numbers = Sequence[float] | npt.NDArray[np.float64]


def pearson(x: Numbers, y: Numbers) -> float:
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    if a.size < 2 or a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def pair_rows(
    pairs: Sequence[ScoredPair], embedder: str, cache_dir: Path | None = None,
    idf: tuple[Mapping[str, float], float] | None = None,
) -> npt.NDArray[np.float64]:
    """:data:`~parallax.cluster.similarity.SIMILARITY_FEATURES` of each pair under one embedder."""
    from parallax.cluster.signals import EmbeddingCache, signals_for
    from parallax.cluster.similarity import sides_for, similarity_features
    from parallax.enrich.embed import get_embedder

    cache = EmbeddingCache(get_embedder(embedder), cache_dir)
    unique = list({a.id: a for p in pairs for a in (p.first, p.second)}.values())
    signals = {s.id: s for s in signals_for(unique, cache, idf=idf)}
    sides = dict(zip((a.id for a in unique), sides_for(unique, cache), strict=True))
    cache.save()
    rows = [similarity_features(signals[p.first.id], signals[p.second.id], sides[p.first.id],
                                sides[p.second.id]) for p in pairs]
    return np.array(rows, dtype=np.float64)


def route_columns(rows: npt.NDArray[np.float64], embedder: str) -> npt.NDArray[np.float64]:
    """The columns of :func:`pair_rows` that the regressions of ``embedder``'s route are fitted on."""
    wanted = ROUTE_FEATURES[embedder]
    picked: npt.NDArray[np.float64] = rows[:, [SIMILARITY_FEATURES.index(n) for n in wanted]]
    return picked


#: The way each feature may move a score on the 1 (very similar) to 4 (very dissimilar) scale:
#: a similarity only lowers it (-1), a gap or a conflict only raises it (+1); flags are free (0).
#: Without these bounds the fitted curves turn back where the training pairs are few: with
#: both words cosines at 1, a text scored against itself came out "somewhat dissimilar".
DIRECTIONS: dict[str, int] = {
    "lead_cosine": -1, "body_cosine": -1, "names_dice": -1, "names_known": 0, "places_jaccard": -1,
    "places_known": 0, "days_shared": -1, "days_conflict": 1, "published_gap": 1, "published_known": 0,
    "words_cosine": -1, "era_gap": 1, "era_known": 0, "cross_language": 0, "cross_language_lead": -1,
    "cross_language_body": -1, "mean_cosine": -1, "lead_body_cosine": -1, "numbers_dice": -1,
    "headline_cosine": -1,
}


def fit_regression(rows: npt.NDArray[np.float64], target: npt.NDArray[np.float64],
                   features: Sequence[str], ridge: float = 1e-2) -> tuple[tuple[float, ...], float]:
    """Least squares with a small ridge (so a constant feature column cannot break the solve) over
    ``rows`` = each feature and its square (:meth:`Regression.expand`), each feature's curve held
    to its :data:`DIRECTIONS`.

    A similarity's curve ``a·x + b·x²`` falls all the way over [0, 1] when ``a <= 0`` and
    ``a + 2b <= 0``; it is fitted as ``c1·(x - x²/2) + c2·x²/2`` with ``c1, c2 <= 0`` (so ``a = c1``,
    ``b = (c2 - c1)/2``), which allows exactly those curves, bent either way. A gap (not bounded by
    1) keeps both weights at or above 0, so it rises everywhere.
    """
    from scipy.optimize import lsq_linear  # type: ignore[import-untyped]

    count = len(features)
    if rows.shape[1] != 2 * count:
        raise ValueError(f"{rows.shape[1]} columns for {count} features and their squares")
    signs = [DIRECTIONS[name] for name in features]
    falling = [i for i, sign in enumerate(signs) if sign < 0]
    basis = rows.copy()
    basis[:, falling] = rows[:, falling] - rows[:, [count + i for i in falling]] / 2
    basis[:, [count + i for i in falling]] = rows[:, [count + i for i in falling]] / 2
    lower = [0.0 if sign > 0 else -np.inf for sign in signs * 2] + [-np.inf]
    upper = [0.0 if sign < 0 else np.inf for sign in signs * 2] + [np.inf]
    design = np.hstack([basis, np.ones((basis.shape[0], 1))])
    shrink = np.sqrt(ridge) * np.eye(design.shape[1])[:-1]  # the ridge, as rows; the bias is free
    solution = lsq_linear(np.vstack([design, shrink]), np.concatenate([target, np.zeros(len(shrink))]),
                          bounds=(lower, upper), method="bvls").x
    weights = solution[:-1].copy()
    for i in falling:
        linear, square = solution[i], solution[count + i]
        weights[i], weights[count + i] = linear, (square - linear) / 2
    return tuple(float(w) for w in weights), float(solution[-1])


def route(pair: ScoredPair) -> str:
    """The embedder a pair is scored with: MiniLM for two English texts, multilingual-e5 otherwise."""
    return "minilm" if pair.english else "e5-multilingual"


def evaluate_similarity(path: Path, *, cache_dir: Path | None = None, folds: int = 5) -> dict[str, Any]:
    from parallax.cluster.model import Regression, load_model
    from parallax.cluster.similarity import columns
    from parallax.enrich.embed import get_embedder

    pairs = read_semeval(path)
    if not pairs:
        raise DatasetError(f"no pairs in {path}")
    model = load_model()
    predicted = {d: np.zeros(len(pairs)) for d in DIMENSIONS}
    cv = {d: np.zeros(len(pairs)) for d in DIMENSIONS}
    routes = [route(p) for p in pairs]
    baseline_rows = np.zeros(len(pairs))
    for name in sorted(set(routes)):
        index = [i for i, r in enumerate(routes) if r == name]
        group = [pairs[i] for i in index]
        rows = pair_rows(group, name, cache_dir)
        calibration = model.for_embedder(get_embedder(name).name)
        fold_of = np.array([int(hashlib.sha1(p.pair_id.encode()).hexdigest(), 16) % folds for p in group])
        baseline_rows[index] = rows[:, 0]
        fitted = route_columns(rows, name)
        for dimension in DIMENSIONS:
            regression = calibration.similarity.get(dimension)
            if regression is not None:
                predicted[dimension][index] = regression.score(columns(rows, regression))
            gold = np.array([p.scores.get(dimension, np.nan) for p in group])
            for fold in range(folds):
                train = (fold_of != fold) & ~np.isnan(gold)
                weights, bias = fit_regression(Regression.expand(fitted[train]), gold[train],
                                               ROUTE_FEATURES[name])
                cv[dimension][np.array(index)[fold_of == fold]] = Regression(
                    weights, bias, ROUTE_FEATURES[name]).score(fitted[fold_of == fold])
    metrics: dict[str, Any] = {}
    for dimension in DIMENSIONS:
        keep = [i for i, p in enumerate(pairs) if dimension in p.scores]
        wanted = [pairs[i].scores[dimension] for i in keep]
        key = dimension.lower()
        metrics[f"pearson_{key}"] = round(pearson(predicted[dimension][keep], wanted), 4)
        metrics[f"pearson_{key}_cv"] = round(pearson(cv[dimension][keep], wanted), 4)
    overall = [p.scores["Overall"] for p in pairs]
    english = [i for i, p in enumerate(pairs) if p.english]
    other = [i for i, p in enumerate(pairs) if not p.english]
    for name, idx in (("english", english), ("other_languages", other)):
        if idx:
            metrics[f"pearson_overall_cv_{name}"] = round(
                pearson(cv["Overall"][idx], [overall[i] for i in idx]), 4)
    baselines: dict[str, Any] = {
        # Similar is 1 and dissimilar 4 on this scale, so a cosine correlates negatively.
        "lead_cosine_alone": {"pearson_overall": round(-pearson(baseline_rows, overall), 4)},
    }
    tfidf = _tfidf_cosine(pairs)
    if tfidf is not None:
        baselines["tfidf_cosine"] = {"pearson_overall": round(-pearson(tfidf, overall), 4)}
    return {
        "task": "similarity", "dataset": "semeval2022", "n": len(pairs), "metrics": metrics,
        "anchors": dict(ANCHORS), "targets": dict(TARGETS), "baselines": baselines,
        "routes": {name: routes.count(name) for name in sorted(set(routes))},
    }


def _tfidf_cosine(pairs: Sequence[ScoredPair]) -> npt.NDArray[np.float64] | None:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    except ImportError:
        return None
    texts = [f"{a.title} {a.text}" for p in pairs for a in (p.first, p.second)]
    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    first, second = matrix[0::2], matrix[1::2]
    return np.asarray(first.multiply(second).sum(axis=1)).ravel().astype(np.float64)
