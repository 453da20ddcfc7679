"""Contradiction detection on SICK (`parallax eval contradiction`): the rules against a classifier.

SICK (Marelli et al. 2014) pairs short sentences and labels each pair ENTAILMENT, NEUTRAL or
CONTRADICTION. The task here is binary: contradiction or not, scored by precision, recall and F1
on the contradiction class.

Two systems are scored on the same test pairs:

- **rules**: the conflict rules ``parallax compare`` applied to two claims that state one fact
  before it had a contradiction classifier: different numbers for one unit, different days
  (:func:`parallax.compare.core._conflicts`), and a negation in one claim only when the alignment
  probability is at least ``POLARITY_CONFIDENCE``. Each sentence is one claim; its quantities and
  times come from the same extractors enrichment uses.
- **classifier**: a logistic regression over a handful of pair features (sentence-vector cosine,
  rarity-weighted overlap, the words only one side has, negation and antonym cues, number
  mismatches; :mod:`parallax.compare.contradict`), fitted in the run on SICK train only. Its
  decision threshold is the one with the best F1 in five-fold cross-validation on SICK train; the
  test labels are never used to fit anything.

Two more rows put them in context: **rules_with_classifier**, ``parallax compare``'s conflicts as
shipped (the number and date rules, with the shipped classifier, ``contradict_model_v1.json``,
fitted the same way on SICK train, deciding polarity: a negation in one claim only, and the
classifier says contradiction), and **negation_cue** (the older cue alone: a negation in one claim
only, nothing else).

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

from parallax.compare.align import load_model, probabilities
from parallax.compare.contradict import (
    ContradictionModel,
    Embed,
    FloatArray,
    PairSignals,
    feature_matrix,
    fit_classifier,
    pair_signals,
)
from parallax.errors import DatasetError
from parallax.evaluation.metrics import precision_recall_f1

LABELS = ("ENTAILMENT", "NEUTRAL", "CONTRADICTION")
ANCHORS = {"fine_tuned_transformers_three_way_accuracy": 0.90}
#: How much better than the rules (F1 on the contradiction class) the classifier must be on SICK
#: test before it is worth wiring into ``compare``.
CLEAR_MARGIN = 0.05
#: compare's polarity rule before the classifier, kept as the baseline these evaluations score
#: (here and in stance): a negation from this narrower list in one claim only, at alignment
#: probability POLARITY_CONFIDENCE or more, was a contradiction.
OLDER_NEGATION = re.compile(r"\b(not|never|no|n't|neither|nor|denied|refused)\b", re.IGNORECASE)
POLARITY_CONFIDENCE = 0.8


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
    from parallax.evaluation import dataset_file, read_text

    pairs = []
    text = read_text(dataset_file(path, "a SICK file such as SICK_test_annotated.txt"))
    for line in text.splitlines():
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 5 or parts[4].upper() not in LABELS:
            continue
        pairs.append(SickPair(parts[0], parts[1], parts[2], parts[4].upper()))
    return pairs


def sibling(path: Path, name: str) -> Path | None:
    """The file of another split beside ``path`` (SICK_train.txt beside SICK_test_annotated.txt)."""
    found = path.with_name(name)
    return found if found.is_file() else None


# -- the rules ------------------------------------------------------------------------------------


def rule_predictions(a: Sequence[str], b: Sequence[str], cosine: FloatArray, overlap: FloatArray,
                     nlp: Any, embed: Embed | None = None
                     ) -> tuple[npt.NDArray[np.bool_], list[frozenset[str]], FloatArray]:
    """Whether ``parallax compare``'s conflict rules, as shipped, find a conflict between each pair
    of claims; the kinds of conflict found for each pair; and each pair's alignment probability.
    ``embed`` gives the sentence vectors the contradiction classifier reads (default: its own
    embedder)."""
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
        conflicts = _conflicts(claims, enrichments, confidence, {"a": "a", "b": "b"}, embed=embed)
        kinds.append(frozenset(c.kind for c in conflicts))
    return np.array([bool(k) for k in kinds], dtype=bool), kinds, np.asarray(probability, dtype=np.float64)


def hand_rules(kinds: Sequence[frozenset[str]], cue: npt.NDArray[np.bool_],
               probability: FloatArray) -> npt.NDArray[np.bool_]:
    """compare's conflict rules before the classifier: its number and date conflicts, and a
    negation in one claim only (its older, narrower cue) at alignment probability
    ``POLARITY_CONFIDENCE`` or more."""
    other = np.array([bool(k - {"polarity"}) for k in kinds], dtype=bool)
    return other | (cue & (probability >= POLARITY_CONFIDENCE))


def polarity_cue(a: Sequence[str], b: Sequence[str]) -> npt.NDArray[np.bool_]:
    """``compare``'s older polarity cue alone: a negation in one claim only."""
    return np.array([bool(OLDER_NEGATION.search(x)) != bool(OLDER_NEGATION.search(y))
                     for x, y in zip(a, b, strict=True)], dtype=bool)


def systems(a: Sequence[str], b: Sequence[str], signals: PairSignals, model: ContradictionModel,
            nlp: Any, embed: Embed | None = None
            ) -> tuple[dict[str, npt.NDArray[np.bool_]], list[frozenset[str]]]:
    """Each system's contradiction calls on the pairs: the rules (compare before the classifier),
    the classifier fitted in this run, the rules with the shipped classifier deciding polarity
    (``parallax compare`` as it is), and the older negation cue alone. The kinds are those compare
    finds."""
    shipped, kinds, probability = rule_predictions(a, b, signals.cosine, signals.overlap, nlp, embed)
    classified = model.probability(feature_matrix(a, b, signals)) >= model.threshold
    cue = polarity_cue(a, b)
    return {
        "rules": hand_rules(kinds, cue, probability),
        "classifier": classified,
        "rules_with_classifier": shipped,
        "negation_cue": cue,
    }, kinds


# -- scores ---------------------------------------------------------------------------------------


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
        raise DatasetError(f"{path}: no SICK rows (expected id, sentence A, sentence B, relatedness, label)")
    train_path = train_path or sibling(path, "SICK_train.txt")
    if train_path is None:
        raise DatasetError(f"no SICK_train.txt beside {path}: give the training file")
    train = read_sick(train_path)
    if train_path.resolve() == path.resolve():
        raise DatasetError("the training and the scored file are the same")
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
    calls, kinds = systems(test_a, test_b, test_signals, model, nlp, cache.embed)
    scores = {name: binary_scores(called, gold) for name, called in calls.items()}
    metrics: dict[str, Any] = {}
    for name, values in scores.items():
        metrics.update({f"{name}_{k}": v for k, v in values.items()})
    metrics["rules_accuracy"] = round(float(np.mean(calls["rules"] == gold)), 4)
    metrics["classifier_accuracy"] = round(float(np.mean(calls["classifier"] == gold)), 4)
    metrics["rules_with_classifier_accuracy"] = round(
        float(np.mean(calls["rules_with_classifier"] == gold)), 4)
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
        f"{CLEAR_MARGIN:.2f}); compare as shipped (rules with the classifier) "
        f"{scores['rules_with_classifier']['f1']:.3f}"
    )
    if fnc_dir is not None:
        check = fnc_check(fnc_dir, model, cache, nlp)
        cache.save()
        result["fnc_disagree"] = check
        decision += (
            f"; FNC-1 disagree: classifier F1 {check['classifier']['f1']:.3f}, rules "
            f"{check['rules']['f1']:.3f}, compare as shipped {check['rules_with_classifier']['f1']:.3f}, "
            f"negation cue alone {check['negation_cue']['f1']:.3f}"
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
    calls, _ = systems(headlines, sentences, signals, model, nlp, cache.embed)
    result: dict[str, Any] = {"n": len(chosen), "disagree": int(gold.sum())}
    result.update({name: binary_scores(called, gold) for name, called in calls.items()})
    return result
