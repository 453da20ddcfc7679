"""Contradiction detection on SICK (`parallax eval contradiction`): the rules against a classifier.

SICK (Marelli et al. 2014) pairs short sentences and labels each pair ENTAILMENT, NEUTRAL or
CONTRADICTION. The task here is binary: contradiction or not, scored by precision, recall and F1
on the contradiction class.

Two systems are scored on the same test pairs:

- **rules**: the conflict rules ``parallax compare`` applies to two claims that state one fact
  (:func:`parallax.compare.core._conflicts`: different numbers for one unit, different days, and
  a negation in one claim only when the alignment probability is at least
  ``POLARITY_CONFIDENCE``). Each sentence is one claim; its quantities and times come from the
  same extractors enrichment uses.
- **classifier**: a logistic regression over a handful of pair features (sentence-vector cosine,
  rarity-weighted overlap, the words only one side has, negation and antonym cues, number
  mismatches), fitted on SICK train only. Its decision threshold is the one with the best F1 in
  five-fold cross-validation on SICK train; the test labels are never used to fit anything.

Two more rows put them in context: **rules_with_classifier** (the number and date rules, with the
classifier deciding polarity: a negation in one claim only, and the classifier says contradiction)
and **negation_cue** (a negation in one claim only, nothing else).

Optionally the same systems are checked on FNC-1's ``agree`` and ``disagree`` pairs (headline
against the body sentence that best states it): a contradiction is read as ``disagree``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from parallax.compare.align import TermWeights, content_terms, load_model, probabilities, stem
from parallax.evaluation.metrics import precision_recall_f1

FloatArray = npt.NDArray[np.float64]

LABELS = ("ENTAILMENT", "NEUTRAL", "CONTRADICTION")
ANCHORS = {"fine_tuned_transformers_three_way_accuracy": 0.90}
#: How much better than the rules (F1 on the contradiction class) the classifier must be on SICK
#: test before it is worth wiring into ``compare``.
CLEAR_MARGIN = 0.05

_NEGATION = re.compile(
    r"\b(?:not|never|no|nobody|nothing|none|neither|nor|without|nowhere|cannot)\b|n[\u2019']t\b|\bno one\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|hundred|thousand|million|billion|dozen)\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z\-']*")

#: Pairs of opposites, each side a few surface forms. General-purpose, not fitted to any data.
_OPPOSITES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("up", "rise", "rises", "rose", "risen", "rising"),
     ("down", "fall", "falls", "fell", "fallen", "falling")),
    (("increase", "increased", "increases", "increasing"),
     ("decrease", "decreased", "decreases", "decreasing")),
    (("gain", "gains", "gained"), ("loss", "losses", "lost", "lose", "loses")),
    (("win", "wins", "won", "winning"), ("lose", "loses", "lost", "losing", "defeat", "defeated")),
    (("accept", "accepted", "accepts"), ("reject", "rejected", "rejects", "refuse", "refused")),
    (("agree", "agreed", "agrees"), ("disagree", "disagreed", "disagrees")),
    (("confirm", "confirmed", "confirms"), ("deny", "denied", "denies")),
    (("approve", "approved", "approves"), ("veto", "vetoed", "reject", "rejected")),
    (("allow", "allowed", "allows", "permit", "permitted"), ("ban", "banned", "bans", "forbid", "forbidden")),
    (("open", "opened", "opens", "opening"), ("close", "closed", "closes", "closing", "shut")),
    (("start", "started", "starts", "begin", "began", "begins"),
     ("stop", "stopped", "stops", "end", "ended")),
    (("alive", "living", "survived"), ("dead", "died", "killed")),
    (("guilty", "convicted"), ("innocent", "acquitted")),
    (("true", "real", "genuine"), ("false", "fake", "hoax")),
    (("legal", "lawful"), ("illegal", "unlawful")),
    (("present", "attended"), ("absent", "missed")),
    (("before",), ("after",)),
    (("inside", "indoors"), ("outside", "outdoors")),
    (("sitting", "sits", "seated"), ("standing", "stands")),
    (("asleep", "sleeping"), ("awake",)),
    (("empty",), ("full",)),
    (("big", "large", "huge"), ("small", "little", "tiny")),
    (("young",), ("old", "elderly")),
    (("fast", "quickly"), ("slow", "slowly")),
    (("high", "higher"), ("low", "lower")),
    (("happy", "laughing", "smiling"), ("sad", "crying", "frowning")),
    (("buy", "buys", "bought"), ("sell", "sells", "sold")),
    (("enter", "enters", "entered"), ("leave", "leaves", "left", "exit", "exits")),
    (("arrive", "arrived", "arrives"), ("depart", "departed", "departs", "leave", "left")),
    (("support", "supports", "supported"), ("oppose", "opposes", "opposed")),
    (("wet",), ("dry",)),
    (("day",), ("night",)),
    (("peace",), ("war",)),
    (("on",), ("off",)),
    (("with",), ("without",)),
)

FEATURES = (
    "cosine",
    "overlap",
    "only_a",
    "only_b",
    "negation_mismatch",
    "negation_difference",
    "negation_mismatch_x_cosine",
    "opposites",
    "number_mismatch",
    "length_ratio",
)


@dataclass(frozen=True, slots=True)
class SickPair:
    id: str
    a: str
    b: str
    label: str

    @property
    def contradiction(self) -> bool:
        return self.label == "CONTRADICTION"


def read_sick(path: Path) -> list[SickPair]:
    """Pairs from a SICK file: tab-separated id, sentence A, sentence B, relatedness, label (a
    header line, if any, is skipped)."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 5 or parts[4].upper() not in LABELS:
            continue
        pairs.append(SickPair(parts[0], parts[1], parts[2], parts[4].upper()))
    return pairs


def sibling(path: Path, name: str) -> Path | None:
    """The file of another split beside ``path`` (SICK_train.txt beside SICK_test_annotated.txt)."""
    found = path.with_name(name)
    return found if found.is_file() else None


# -- pair signals ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairSignals:
    cosine: FloatArray
    overlap: FloatArray
    only_a: FloatArray
    only_b: FloatArray


def pair_signals(a: Sequence[str], b: Sequence[str], embed: Any) -> PairSignals:
    """Cosine of the sentence vectors, weighted overlap (as claim alignment computes it) and the
    weighted share of each side's content words the other lacks."""
    va, vb = embed(list(a)), embed(list(b))
    cosine = np.sum(np.asarray(va) * np.asarray(vb), axis=1).astype(np.float64)
    terms = [(content_terms(x), content_terms(y)) for x, y in zip(a, b, strict=True)]
    weights = TermWeights([t for pair in terms for t in pair])
    overlap = np.array([weights.overlap(x, y) for x, y in terms], dtype=np.float64)
    only_a = np.array([_missing(weights, x, y) for x, y in terms], dtype=np.float64)
    only_b = np.array([_missing(weights, y, x) for x, y in terms], dtype=np.float64)
    return PairSignals(cosine, overlap, only_a, only_b)


def _missing(weights: TermWeights, side: set[str], other: set[str]) -> float:
    total = sum(weights.weight(t) for t in side)
    return sum(weights.weight(t) for t in side - other) / total if total else 0.0


def negations(text: str) -> int:
    return len(_NEGATION.findall(text))


def opposites(a: str, b: str) -> int:
    """How many pairs of opposites are split between the two sentences ("sitting" / "standing")."""
    words_a = {w.lower() for w in _TOKEN.findall(a)}
    words_b = {w.lower() for w in _TOKEN.findall(b)}
    count = 0
    for first, second in _OPPOSITES:
        one, two = set(first), set(second)
        a_one, a_two, b_one, b_two = words_a & one, words_a & two, words_b & one, words_b & two
        if (a_one and b_two and not a_two and not b_one) or (a_two and b_one and not a_one and not b_two):
            count += 1
    return count


def numbers(text: str) -> frozenset[str]:
    return frozenset(stem(n.replace(",", "")) for n in _NUMBER.findall(text.lower()))


def feature_matrix(a: Sequence[str], b: Sequence[str], signals: PairSignals) -> FloatArray:
    """One row of :data:`FEATURES` per pair."""
    rows = []
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        na, nb = negations(x), negations(y)
        mismatch = float((na > 0) != (nb > 0))
        nums_a, nums_b = numbers(x), numbers(y)
        words_a, words_b = len(x.split()) or 1, len(y.split()) or 1
        rows.append(
            [
                signals.cosine[i],
                signals.overlap[i],
                signals.only_a[i],
                signals.only_b[i],
                mismatch,
                float(abs(na - nb)),
                mismatch * signals.cosine[i],
                float(opposites(x, y)),
                float(bool(nums_a) and bool(nums_b) and nums_a != nums_b),
                min(words_a, words_b) / max(words_a, words_b),
            ]
        )
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


# -- the rules ------------------------------------------------------------------------------------


def rule_predictions(a: Sequence[str], b: Sequence[str], cosine: FloatArray, overlap: FloatArray,
                     nlp: Any) -> tuple[npt.NDArray[np.bool_], list[frozenset[str]]]:
    """Whether ``parallax compare``'s conflict rules find a conflict between each pair of claims,
    and the kinds of conflict found for each pair."""
    from parallax.compare.core import _conflicts
    from parallax.enrich.quantities import find_quantities
    from parallax.enrich.timex import find_times
    from parallax.model import Claim, Enrichment, Sentence

    model = load_model()
    probability = probabilities(cosine, overlap, model)
    texts = sorted(set(a) | set(b))
    quantities = {t: tuple(find_quantities(doc)) for t, doc in zip(texts, nlp.pipe(texts), strict=True)}
    kinds: list[frozenset[str]] = []
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        claims = [Claim("a", x, 0, len(x), 0), Claim("b", y, 0, len(y), 0)]
        enrichments = {
            side: Enrichment(side, sentences=(Sentence(0, 0, len(text), text),),
                             times=tuple(find_times(text, None)), quantities=quantities[text])
            for side, text in (("a", x), ("b", y))
        }
        confidence = {(("a", 0), ("b", 0)): float(probability[i])}
        conflicts = _conflicts(claims, enrichments, confidence, {"a": "a", "b": "b"})
        kinds.append(frozenset(c.kind for c in conflicts))
    return np.array([bool(k) for k in kinds], dtype=bool), kinds


def polarity_cue(a: Sequence[str], b: Sequence[str]) -> npt.NDArray[np.bool_]:
    """``compare``'s polarity cue alone: a negation in one claim only."""
    from parallax.compare.core import _NEGATION

    return np.array([bool(_NEGATION.search(x)) != bool(_NEGATION.search(y))
                     for x, y in zip(a, b, strict=True)], dtype=bool)


def systems(a: Sequence[str], b: Sequence[str], signals: PairSignals, model: ContradictionModel,
            nlp: Any) -> tuple[dict[str, npt.NDArray[np.bool_]], list[frozenset[str]]]:
    """Each system's contradiction calls on the pairs: the rules, the classifier, the rules with
    the classifier deciding polarity (a negation on one side only and the classifier says
    contradiction), and the negation cue alone."""
    ruled, kinds = rule_predictions(a, b, signals.cosine, signals.overlap, nlp)
    classified = model.probability(feature_matrix(a, b, signals)) >= model.threshold
    cue = polarity_cue(a, b)
    other = np.array([bool(k - {"polarity"}) for k in kinds], dtype=bool)
    return {
        "rules": ruled,
        "classifier": classified,
        "rules_with_classifier": other | (cue & classified),
        "negation_cue": cue,
    }, kinds


# -- the classifier -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContradictionModel:
    """Logistic weights over :data:`FEATURES` (after standardising) and a decision threshold."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    trained_on: str

    def probability(self, x: FloatArray) -> FloatArray:
        z = ((x - np.array(self.mean)) / np.array(self.scale)) @ np.array(self.weights) + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "weights": [round(w, 4) for w in self.weights],
            "bias": round(self.bias, 4),
            "mean": [round(m, 4) for m in self.mean],
            "scale": [round(s, 4) for s in self.scale],
            "threshold": round(self.threshold, 3),
            "trained_on": self.trained_on,
        }


def fit_classifier(x: FloatArray, y: npt.NDArray[np.bool_], trained_on: str) -> ContradictionModel:
    """Logistic regression (scikit-learn); threshold = best F1 over five-fold out-of-fold
    probabilities on the same training pairs."""
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.model_selection import StratifiedKFold, cross_val_predict  # type: ignore[import-untyped]

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    model = LogisticRegression(C=1.0, max_iter=1000)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    out_of_fold = cross_val_predict(model, z, y, cv=folds, method="predict_proba")[:, 1]
    threshold = best_f1_threshold(out_of_fold, y)
    model.fit(z, y)
    return ContradictionModel(
        weights=tuple(float(w) for w in model.coef_[0]),
        bias=float(model.intercept_[0]),
        mean=tuple(float(m) for m in mean),
        scale=tuple(float(s) for s in scale),
        threshold=threshold,
        trained_on=trained_on,
    )


def best_f1_threshold(probability: FloatArray, y: npt.NDArray[np.bool_]) -> float:
    best = (-1.0, 0.5)
    for threshold in np.linspace(0.05, 0.95, 91):
        f1 = binary_scores(probability >= threshold, y)["f1"]
        best = max(best, (f1, float(threshold)))
    return best[1]


def binary_scores(predicted: npt.NDArray[np.bool_], gold: npt.NDArray[np.bool_]) -> dict[str, float]:
    return precision_recall_f1(
        int(np.sum(predicted & gold)), int(np.sum(predicted & ~gold)), int(np.sum(~predicted & gold))
    )


# -- the evaluation -------------------------------------------------------------------------------


def evaluate_contradiction(
    path: Path,
    *,
    train_path: Path | None = None,
    cache_dir: Path | None = None,
    fnc_dir: Path | None = None,
    limit: int | None = None,
    nlp: Any = None,
) -> dict[str, Any]:
    """The rules and a SICK-train classifier on a SICK file (normally ``SICK_test_annotated.txt``).

    ``train_path`` defaults to ``SICK_train.txt`` beside ``path``; ``fnc_dir``, when given, adds
    the check on FNC-1's agree/disagree pairs; ``limit`` scores only the first pairs of the file.
    """
    from parallax.cluster.signals import EmbeddingCache
    from parallax.enrich.embed import get_embedder

    test = read_sick(path)[:limit] if limit else read_sick(path)
    if not test:
        raise ValueError(f"{path}: no SICK rows (expected id, sentence A, sentence B, relatedness, label)")
    train_path = train_path or sibling(path, "SICK_train.txt")
    if train_path is None:
        raise ValueError(f"no SICK_train.txt beside {path}: give the training file")
    train = read_sick(train_path)
    if train_path.resolve() == path.resolve():
        raise ValueError("the training and the scored file are the same")
    cache = EmbeddingCache(get_embedder(), cache_dir)
    if nlp is None:
        from parallax.enrich.nlp import load_nlp

        nlp = load_nlp()

    train_a, train_b = [p.a for p in train], [p.b for p in train]
    test_a, test_b = [p.a for p in test], [p.b for p in test]
    train_signals = pair_signals(train_a, train_b, cache.embed)
    test_signals = pair_signals(test_a, test_b, cache.embed)
    cache.save()
    y_train = np.array([p.contradiction for p in train])
    gold = np.array([p.contradiction for p in test])

    model = fit_classifier(feature_matrix(train_a, train_b, train_signals), y_train,
                           f"SICK train ({len(train)} pairs)")
    calls, kinds = systems(test_a, test_b, test_signals, model, nlp)
    scores = {name: binary_scores(called, gold) for name, called in calls.items()}
    metrics: dict[str, Any] = {}
    for name, values in scores.items():
        metrics.update({f"{name}_{k}": v for k, v in values.items()})
    metrics["rules_accuracy"] = round(float(np.mean(calls["rules"] == gold)), 4)
    metrics["classifier_accuracy"] = round(float(np.mean(calls["classifier"] == gold)), 4)
    metrics["contradictions"] = int(gold.sum())
    fired: dict[str, int] = {}
    for found in kinds:
        for kind in found:
            fired[kind] = fired.get(kind, 0) + 1
    result: dict[str, Any] = {
        "task": "contradiction",
        "dataset": "sick",
        "n": len(test),
        "metrics": metrics,
        "anchors": dict(ANCHORS),
        "rule_kinds": fired,
        "model": model.to_json(),
    }
    margin = scores["classifier"]["f1"] - scores["rules"]["f1"]
    decision = (
        f"SICK test: classifier F1 {scores['classifier']['f1']:.3f} vs rules {scores['rules']['f1']:.3f} "
        f"({'clearly better' if margin >= CLEAR_MARGIN else 'not clearly better'}, margin "
        f"{CLEAR_MARGIN:.2f})"
    )
    if fnc_dir is not None:
        check = fnc_check(fnc_dir, model, cache, nlp)
        cache.save()
        result["fnc_disagree"] = check
        decision += (
            f"; FNC-1 disagree: classifier F1 {check['classifier']['f1']:.3f}, rules "
            f"{check['rules']['f1']:.3f}, negation cue alone {check['negation_cue']['f1']:.3f}"
        )
    result["decision"] = decision
    return result


def fnc_check(root: Path, model: ContradictionModel, cache: Any, nlp: Any) -> dict[str, Any]:
    """Rules and classifier on FNC-1's agree and disagree pairs: headline against the body
    sentence that best states it; a contradiction means ``disagree``."""
    from parallax.evaluation.stance import best_sentences, read_fnc

    pairs, bodies = read_fnc(root)
    chosen = [p for p in pairs if p.stance in {"agree", "disagree"}]
    best = best_sentences(chosen, bodies, cache)
    headlines = [p.headline for p in chosen]
    sentences = [s for s, _ in best]
    signals = pair_signals(headlines, sentences, cache.embed)
    gold = np.array([p.stance == "disagree" for p in chosen])
    calls, _ = systems(headlines, sentences, signals, model, nlp)
    result: dict[str, Any] = {"n": len(chosen), "disagree": int(gold.sum())}
    result.update({name: binary_scores(called, gold) for name, called in calls.items()})
    return result
