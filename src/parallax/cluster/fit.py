"""Fit the story model from training data and write the versioned model file.

    python -m parallax.cluster.fit [--data ../shared/data] [--cache DIR] [--out FILE]
    python -m parallax.cluster.fit --similarity-only [--data ...] [--cache DIR] [--out FILE]
    python -m parallax.cluster.fit --undated-only [--data ...] [--cache DIR] [--out FILE]

``--similarity-only`` refits the similarity regressions alone, with the IDF table already in the
file, and leaves every other entry of the file as it is. ``--undated-only`` likewise re-chooses
only the join threshold for articles without dates.

Training data only: the ECB+ topics outside the standard dev set (2, 5, 12, 18, 21, 23, 34, 35),
the AllSides stories dated before August 2021, and the SemEval-2022 Task 8 training split for the
similarity regressions. Nothing is fitted on a test set.

For each embedder: a logistic pair model for "same story" (ECB+ topic, AllSides story; AllSides
negatives are stories of the same few days, the confusions a stream offers), a logistic pair model
for "same event" within a topic (ECB+ sub-topics), the join, event and merge thresholds by grid
search on the clustering B-cubed F1 of the training streams, and one linear regression per
SemEval dimension.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from parallax.cluster.incremental import cluster_signals
from parallax.cluster.model import (
    MODEL_FILE,
    MODEL_VERSION,
    Calibration,
    Logistic,
    Regression,
    StoryModel,
    logit,
)
from parallax.cluster.signals import (
    FEATURES,
    ArticleSignals,
    EmbeddingCache,
    feature_matrix,
    signals_for,
    word_counts,
)
from parallax.enrich.embed import get_embedder
from parallax.evaluation.clustering import (
    ALLSIDES_FIT_BEFORE,
    ECB_DEV_TOPICS,
    Labelled,
    bcubed,
    read_allsides,
    read_ecbplus,
    stream_orders,
)
from parallax.evaluation.similarity import (
    DIMENSIONS,
    ROUTE_FEATURES,
    fit_regression,
    pair_rows,
    read_semeval,
    route,
    route_columns,
)

Rows = npt.NDArray[np.float64]


def fit_logistic(rows: Rows, labels: npt.NDArray[np.float64], l2: float = 1e-2, steps: int = 50) -> Logistic:
    """Logistic regression by Newton's method, classes weighted to balance."""
    design = np.hstack([rows, np.ones((rows.shape[0], 1))])
    positive = labels.sum()
    weight = np.where(labels > 0, len(labels) / (2 * max(positive, 1)),
                      len(labels) / (2 * max(len(labels) - positive, 1)))
    beta = np.zeros(design.shape[1])
    penalty = l2 * np.eye(design.shape[1])
    penalty[-1, -1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -30, 30)))
        gradient = design.T @ (weight * (p - labels)) + penalty @ beta
        hessian = (design * (weight * p * (1 - p))[:, None]).T @ design + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return Logistic(tuple(float(b) for b in beta[:-1]), float(beta[-1]))


def story_pairs(
    signals: Sequence[ArticleSignals], gold: Sequence[str], window: int | None
) -> tuple[Rows, Rows]:
    """Rows and labels of article pairs; with ``window``, only pairs published that many days apart."""
    rows, labels = [], []
    for i, article in enumerate(signals):
        others = [j for j in range(i + 1, len(signals))
                  if window is None or article.day is None or signals[j].day is None
                  or abs(signals[j].day - article.day) <= window]  # type: ignore[operator]
        if not others:
            continue
        rows.append(feature_matrix(article, [signals[j] for j in others]))
        labels.append(np.array([1.0 if gold[i] == gold[j] else 0.0 for j in others]))
    return np.vstack(rows), np.concatenate(labels)


def event_pairs(signals: Sequence[ArticleSignals], items: Sequence[Labelled]) -> tuple[Rows, Rows]:
    rows, labels = [], []
    for i, article in enumerate(signals):
        others = [j for j in range(i + 1, len(signals)) if items[j].topic == items[i].topic]
        if others:
            rows.append(feature_matrix(article, [signals[j] for j in others]))
            labels.append(np.array([1.0 if items[i].subtopic == items[j].subtopic else 0.0 for j in others]))
    return np.vstack(rows), np.concatenate(labels)


def _f1(model: StoryModel, signals: Sequence[ArticleSignals], gold: Sequence[str], level: str,
        orders: int = 1) -> float:
    """B-cubed F1 of clustering ``signals`` in their order; with ``orders``, the mean over that
    order and ``orders - 1`` seeded shuffles of it (the orders ``parallax eval clustering`` uses).

    An archive without dates has no natural order, and one order alone moves the topic figure by
    several points, so a threshold fitted on one order is fitted partly to that order's luck.
    """
    values = []
    for order in stream_orders(len(signals), orders):
        placed = cluster_signals([signals[i] for i in order], model, model.calibrations["fit"]).assignments()
        predicted = [placed[s.id] if level == "event" else placed[s.id][0] for s in signals]
        values.append(bcubed(predicted, gold)[2])
    return sum(values) / len(values)


def _with(model: StoryModel, calibration: Calibration) -> StoryModel:
    return StoryModel(version=model.version, calibrations={"fit": calibration}, quiet_days=model.quiet_days,
                      candidates=model.candidates, representatives=model.representatives, idf=model.idf,
                      idf_unseen=model.idf_unseen)


def training_items(data: Path) -> tuple[list[Labelled], list[Labelled]]:
    ecb = [item for item in read_ecbplus(data / "ecbplus") if item.topic not in ECB_DEV_TOPICS]
    sides = [item for item in read_allsides(data / "neus_allsides" / "raw_crawled")
             if item.subtopic < ALLSIDES_FIT_BEFORE]
    return ecb, sides


def fit_idf(texts: Sequence[str], min_df: int = 2) -> tuple[dict[str, float], float]:
    """Smoothed inverse document frequencies of words met in at least ``min_df`` texts."""
    frequency: Counter[str] = Counter()
    for text in texts:
        frequency.update(set(word_counts(text)))
    n = len(texts)
    idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in frequency.items() if c >= min_df}
    return idf, math.log(1 + n) + 1


def fit_embedder(name: str, data: Path, cache_dir: Path | None, idf: tuple[dict[str, float], float],
                 log: bool = True) -> Calibration:
    embedder = get_embedder(name)
    cache = EmbeddingCache(embedder, cache_dir)
    ecb, sides = training_items(data)
    ecb_signals = signals_for([item.article for item in ecb], cache, idf=idf)
    side_signals = signals_for([item.article for item in sides], cache, idf=idf)
    cache.save()
    ecb_topics = [item.topic for item in ecb]
    ecb_events = [item.subtopic for item in ecb]
    side_gold = [item.topic for item in sides]

    story_undated = fit_logistic(*story_pairs(ecb_signals, ecb_topics, None))
    rows, labels = story_pairs(side_signals, side_gold, 3)
    # AllSides dates each article with its story's date, so every same-story pair has a gap of 0:
    # the gap would look decisive here and split real coverage spread over days. The quiet
    # period deals with time instead.
    rows[:, FEATURES.index("published_gap")] = 0.0
    story = fit_logistic(rows, labels)
    event = fit_logistic(*event_pairs(ecb_signals, ecb))
    base = StoryModel(version=MODEL_VERSION, calibrations={}, idf=idf[0], idf_unseen=idf[1])

    def calib(join: float, merge: float, event_threshold: float) -> Calibration:
        return Calibration(story, event, join, event_threshold, merge, story_undated=story_undated)

    # Each regime gets its own join threshold (ECB+ alone for undated pairs, the AllSides stream
    # for dated ones); the undated model's bias is then shifted so that the dated threshold
    # serves both while the merge threshold is chosen. The undated threshold is refined after.
    grid = [float(t) for t in np.arange(0.3, 0.99, 0.05)]
    undated_best = max(grid, key=lambda t: (_f1(_with(base, calib(t, 2.0, 0.5)), ecb_signals, ecb_topics,
                                                 "story"), -t))
    dated_best = max(grid, key=lambda t: (_f1(_with(base, calib(t, 2.0, 0.5)), side_signals, side_gold,
                                               "story"), -t))
    story_undated = Logistic(story_undated.weights,
                             story_undated.bias + logit(dated_best) - logit(undated_best))
    join = dated_best
    best = (-1.0, 2.0)
    for merge in (2.0, 0.95, 0.9, 0.85, 0.8, 0.7):
        trial = _with(base, calib(join, merge, 0.5))
        score = (_f1(trial, ecb_signals, ecb_topics, "story")
                 + _f1(trial, side_signals, side_gold, "story")) / 2
        if log:
            print(f"  {name} join {join:.2f} (undated {undated_best:.2f}) merge {merge}: {score:.4f}",
                  file=sys.stderr)
        if score > best[0] + 1e-9:
            best = (score, merge)
    merge = best[1]
    undated_join = _undated_threshold(base, calib(join, merge, 0.5), ecb_signals, ecb_topics, log=log)
    best_event = (-1.0, 0.5)
    for threshold in np.arange(0.2, 0.96, 0.05):
        trial = _with(base, dataclasses.replace(calib(join, merge, float(threshold)),
                                                undated_join_threshold=undated_join))
        score = _f1(trial, ecb_signals, ecb_events, "event")
        if score > best_event[0] + 1e-9:
            best_event = (score, float(threshold))
    if log:
        print(f"{name}: join {join:.2f} merge {merge} (story F1 {best[0]:.4f}), "
              f"event {best_event[1]:.2f} (sub-topic F1 {best_event[0]:.4f})", file=sys.stderr)
    return Calibration(story, event, join, best_event[1], merge, story_undated=story_undated,
                       undated_join_threshold=undated_join)


#: Stream orders an undated threshold is judged on (see :func:`_f1`).
UNDATED_ORDERS = 6


def undated_grid(join: float) -> tuple[float, ...]:
    """The fine grid of the undated join threshold, once the merge threshold is known: from 0.8
    (or 0.1 below the dated threshold, so that the grid holds the dated one) to 0.98."""
    low = round(min(0.8, join - 0.1), 2)
    return tuple(round(low + 0.01 * i, 2) for i in range(round((0.98 - low) / 0.01) + 1))


def _undated_threshold(base: StoryModel, calibration: Calibration, signals: Sequence[ArticleSignals],
                       topics: Sequence[str], log: bool = True) -> float:
    """The join threshold for undated pairs: of :func:`undated_grid`, the best for the ECB+
    fitting topics over several stream orders, with the merge threshold already chosen (the
    coarse first choice, which sets the undated model's bias, is made on one order, without
    merges)."""
    scores = {}
    grid = undated_grid(calibration.join_threshold)
    for threshold in grid:
        trial = dataclasses.replace(calibration, undated_join_threshold=threshold)
        scores[threshold] = _f1(_with(base, trial), signals, topics, "story", UNDATED_ORDERS)
        if log:
            print(f"  undated join threshold {threshold:.2f}: topic F1 {scores[threshold]:.4f}",
                  file=sys.stderr)
    return max(grid, key=lambda t: (round(scores[t], 4), -t))


def refit_undated(path: Path, data: Path, cache_dir: Path | None, embedders: Sequence[str]) -> None:
    """Re-choose the undated join threshold of each calibration in the model file at ``path`` and
    write it into the file, every other entry left as it is."""
    current = StoryModel.from_json(json.loads(path.read_text(encoding="utf-8")))
    ecb, _ = training_items(data)
    topics = [item.topic for item in ecb]
    fitted = {}
    for name in embedders:
        embedder = get_embedder(name)
        cache = EmbeddingCache(embedder, cache_dir)
        signals = signals_for([item.article for item in ecb], cache,
                              idf=(dict(current.idf), current.idf_unseen))
        cache.save()
        calibration = current.for_embedder(embedder.name)
        fitted[embedder.name] = _undated_threshold(current, calibration, signals, topics)
    raw = json.loads(path.read_text(encoding="utf-8"))
    for key, threshold in fitted.items():
        raw["calibrations"][key]["undated_join_threshold"] = threshold
    path.write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")


def fit_similarity(name: str, data: Path, cache_dir: Path | None,
                   idf: tuple[dict[str, float], float]) -> dict[str, Regression]:
    pairs = [p for p in read_semeval(data / "semeval2022_task8" / "training_set.csv") if route(p) == name]
    rows = route_columns(pair_rows(pairs, name, cache_dir, idf=idf), name)
    found = {}
    for dimension in DIMENSIONS:
        keep = [i for i, p in enumerate(pairs) if dimension in p.scores]
        gold = np.array([pairs[i].scores[dimension] for i in keep])
        weights, bias = fit_regression(Regression.expand(rows[keep]), gold, ROUTE_FEATURES[name])
        found[dimension] = Regression(weights, bias, ROUTE_FEATURES[name])
    return found


def refit_similarity(path: Path, data: Path, cache_dir: Path | None, embedders: Sequence[str]) -> None:
    """Refit the similarity regressions of the model file at ``path`` and write them into it.

    The words signal is read with the file's own IDF table, as scoring will read it. The file is
    edited as JSON, replacing the ``similarity`` entries alone, so that nothing else in it changes
    (not even the rounding of numbers that a round trip through :class:`StoryModel` would redo).
    """
    current = StoryModel.from_json(json.loads(path.read_text(encoding="utf-8")))
    idf = (dict(current.idf), current.idf_unseen)
    fitted = {get_embedder(name).name: fit_similarity(name, data, cache_dir, idf) for name in embedders}
    # Read again just before writing: embedding without a cache takes minutes, and the file may
    # have changed since.
    raw = json.loads(path.read_text(encoding="utf-8"))
    for key, regressions in fitted.items():
        if key not in raw["calibrations"]:
            raise SystemExit(f"{path} has no calibration for {key}: run the full fit")
        raw["calibrations"][key]["similarity"] = {d: r.to_json() for d, r in regressions.items()}
    path.write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_data = Path(os.environ.get("PARALLAX_DATA") or Path.cwd().parent / "shared" / "data")
    parser.add_argument("--data", type=Path, default=default_data)
    parser.add_argument("--cache", type=Path, default=None, help="keep embeddings here between runs")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name(MODEL_FILE))
    parser.add_argument("--embedders", default="minilm,e5-multilingual")
    parser.add_argument("--similarity-only", action="store_true",
                        help="refit only the similarity regressions of the file given by --out")
    parser.add_argument("--undated-only", action="store_true",
                        help="re-choose only the undated join threshold of the file given by --out")
    args = parser.parse_args(argv)
    if args.undated_only:
        refit_undated(args.out, args.data, args.cache, args.embedders.split(","))
        print(f"wrote the undated join thresholds of {args.out}", file=sys.stderr)
        return
    if args.similarity_only:
        refit_similarity(args.out, args.data, args.cache, args.embedders.split(","))
        print(f"wrote the similarity regressions of {args.out}", file=sys.stderr)
        return
    ecb, sides = training_items(args.data)
    semeval = read_semeval(args.data / "semeval2022_task8" / "training_set.csv")
    texts = [f"{item.article.title}\n{item.article.text}" for item in [*ecb, *sides]]
    texts += [f"{a.title}\n{a.text}" for pair in semeval for a in (pair.first, pair.second)]
    idf = fit_idf(texts)
    calibrations = {}
    for name in args.embedders.split(","):
        fitted = fit_embedder(name, args.data, args.cache, idf)
        similarity = fit_similarity(name, args.data, args.cache, idf)
        calibrations[get_embedder(name).name] = Calibration(
            fitted.story, fitted.event, fitted.join_threshold, fitted.event_threshold, fitted.merge_threshold,
            similarity, fitted.story_undated, fitted.undated_join_threshold)
    model = StoryModel(
        version=MODEL_VERSION, calibrations=calibrations,
        trained_on=(
            "ECB+ topics outside the dev set {2,5,12,18,21,23,34,35}",
            f"AllSides stories dated before {ALLSIDES_FIT_BEFORE}",
            "SemEval-2022 Task 8 training split (HFL), MiniLM for English pairs, e5 for the rest",
        ),
        idf=idf[0], idf_unseen=idf[1],
    )
    model.save(args.out)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
