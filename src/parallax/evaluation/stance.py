"""Stance of a body toward a headline on FNC-1 (`parallax eval stance`).

Fake News Challenge stage 1 pairs a headline with an article body and labels the pair
``unrelated``, ``discuss``, ``agree`` or ``disagree``. The shared folder holds the competition
test set (``competition_test_stances.csv`` + ``competition_test_bodies.csv``) and the training
bodies (``train_bodies.csv``), but no training stances: nothing here is fitted on FNC-1 labels.
The prediction uses the compare stage's own machinery, with its thresholds set from first
principles or from data that is not the FNC-1 test labels:

1. **Related or not.** Each body is split into sentences; the claim-alignment model (fitted on
   MRPC train) scores the headline against every sentence from the sentence-vector cosine and the
   rarity-weighted overlap. The pair's relatedness is the model's probability for the best
   sentence's cosine and the share of the headline's content words the whole body holds. The
   threshold is the ``NULL_QUANTILE`` quantile of the same score for headlines set against random
   bodies from ``train_bodies.csv`` (bodies of other stories, no labels needed): a pair is related
   when it scores above what 98% of chance pairings reach. The quantile leans towards "related"
   because the FNC score makes a missed related pair cost up to four times a false alarm.
2. **Among related pairs.** The evidence is the two sentences that best state the headline plus
   the body's first sentence. ``disagree`` when the evidence holds a refutation cue ("hoax",
   "denied", "fake") the headline itself lacks, or when the polarity rule ``compare`` had before
   its contradiction classifier fires between the headline and the best sentence (a negation on
   one side only at alignment probability ``POLARITY_CONFIDENCE`` or more). ``agree`` when the
   best sentence is a paraphrase of the headline at the alignment model's MRPC threshold and the
   evidence has no hedging cue ("reportedly", "allegedly", "claims"). ``discuss`` otherwise.

The FNC score is the official weighted accuracy (0.25 for a correct related/unrelated call, 0.75
more for the correct label of a related pair), given as a percentage of the best achievable.
"""

from __future__ import annotations

import csv
import random
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from parallax.compare.align import TermWeights, content_terms, load_model, probabilities
from parallax.errors import DatasetError

STANCES = ("agree", "disagree", "discuss", "unrelated")
RELATED = frozenset({"agree", "disagree", "discuss"})
#: Relatedness threshold: this quantile of the scores of headlines against random other bodies.
NULL_QUANTILE = 0.98
#: Random training bodies set against each headline to draw the chance distribution.
NULL_BODIES = 300
NULL_PER_HEADLINE = 3
#: Long bodies are read up to this many sentences.
MAX_SENTENCES = 60
EVIDENCE_BEST = 2

ANCHORS = {
    "talos_winner_fnc_score": 82.02,
    "talos_winner_macro_f1": 0.582,
    "athene_2nd_macro_f1": 0.604,
}

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])|\s*\n+\s*")
REFUTE = re.compile(
    r"\b(?:hoax(?:es)?|fake[sd]?|false(?:ly)?|debunk(?:ed|s|ing)?|den(?:y|ies|ied|ial)|untrue|"
    r"not true|fabricat(?:ed|ion)|satir(?:e|ical)|parody|prank|bogus|myth|no evidence|"
    r"refut(?:e|ed|es)|made[- ]up|retract(?:ed|ion)?|misleading|baseless|unfounded|"
    r"isn[\u2019']t true|wasn[\u2019']t true|never happened)\b",
    re.IGNORECASE,
)
HEDGE = re.compile(
    r"\b(?:reported(?:ly)?|alleged(?:ly)?|claim(?:s|ed|ing)?|rumou?r(?:s|ed)?|unconfirmed|"
    r"unverified|may|might|could|purported(?:ly)?|apparent(?:ly)?|appears?|according to|"
    r"said to|if true|believed to|speculat(?:e|ed|ion)|supposed(?:ly)?|suggests?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class StancePair:
    headline: str
    body_id: str
    stance: str


def read_bodies(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["Body ID"]: row["articleBody"] for row in csv.DictReader(handle)}


def read_fnc(root: Path) -> tuple[list[StancePair], dict[str, str]]:
    """The competition test pairs and their bodies (id -> text) under ``root``."""
    stances, bodies = root / "competition_test_stances.csv", root / "competition_test_bodies.csv"
    for needed in (stances, bodies):
        if not needed.is_file():
            raise DatasetError(f"{root}: no {needed.name} (expected the FNC-1 competition test files)")
    csv.field_size_limit(sys.maxsize)
    with stances.open(encoding="utf-8", newline="") as handle:
        pairs = [
            StancePair(row["Headline"], row["Body ID"], row["Stance"].strip().lower())
            for row in csv.DictReader(handle)
        ]
    return pairs, read_bodies(bodies)


def split_sentences(text: str) -> list[str]:
    """Sentences of a body, cut at end punctuation before a capital and at line breaks."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and len(s.strip()) > 1][:MAX_SENTENCES]


# -- metrics --------------------------------------------------------------------------------------


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """The official FNC-1 score as a percentage of the best achievable score for ``gold``."""
    score = best = 0.0
    for g, p in zip(gold, predicted, strict=True):
        best += 1.0 if g in RELATED else 0.25
        if g == p:
            score += 0.25
            if g != "unrelated":
                score += 0.50
        if g in RELATED and p in RELATED:
            score += 0.25
    return 100.0 * score / best if best else 0.0


def confusion(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, int]]:
    table = {g: dict.fromkeys(STANCES, 0) for g in STANCES}
    for g, p in zip(gold, predicted, strict=True):
        table[g][p] += 1
    return table


def class_f1(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    scores = {}
    for label in STANCES:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p == label and g != label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        scores[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return scores


def stance_metrics(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    f1 = class_f1(gold, predicted)
    related_right = sum(1 for g, p in zip(gold, predicted, strict=True) if (g in RELATED) == (p in RELATED))
    metrics = {
        "fnc_score": round(fnc_score(gold, predicted), 2),
        "macro_f1": round(sum(f1.values()) / len(f1), 4),
        "accuracy": round(sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / len(gold), 4)
        if gold else 0.0,
        "related_accuracy": round(related_right / len(gold), 4) if gold else 0.0,
    }
    metrics.update({f"f1_{label}": round(value, 4) for label, value in f1.items()})
    return metrics


# -- signals --------------------------------------------------------------------------------------


Embed = Callable[[Sequence[str]], npt.NDArray[np.float32]]


@dataclass(frozen=True, slots=True)
class PairScore:
    relatedness: float
    best: int  # index of the body sentence that best states the headline
    best_probability: float
    ranked: tuple[int, ...]


class BodyIndex:
    """Sentences, their vectors and content words, per body; one term weighting over them all."""

    def __init__(self, bodies: Mapping[str, str], embed: Embed, headlines: Iterable[str] = ()) -> None:
        self.sentences = {bid: split_sentences(text) or [text.strip() or "-"] for bid, text in bodies.items()}
        flat = [s for sentences in self.sentences.values() for s in sentences]
        vectors = embed(flat)
        self.vectors: dict[str, npt.NDArray[np.float32]] = {}
        cursor = 0
        for bid, sentences in self.sentences.items():
            self.vectors[bid] = vectors[cursor : cursor + len(sentences)]
            cursor += len(sentences)
        self.terms = {bid: [content_terms(s) for s in sentences] for bid, sentences in self.sentences.items()}
        self.body_terms = {bid: set().union(*terms) for bid, terms in self.terms.items()}
        heads = [content_terms(h) for h in headlines]
        self.weights = TermWeights([t for terms in self.terms.values() for t in terms] + heads)

    def coverage(self, headline_terms: set[str], body: str) -> float:
        """The weighted share of the headline's content words found anywhere in the body."""
        total = sum(self.weights.weight(t) for t in headline_terms)
        found = sum(self.weights.weight(t) for t in headline_terms & self.body_terms[body])
        return found / total if total else 0.0

    def score(self, headline_vector: npt.NDArray[np.float32], headline_terms: set[str],
              body: str) -> PairScore:
        cosine = self.vectors[body] @ headline_vector
        overlap = np.array([self.weights.overlap(headline_terms, t) for t in self.terms[body]])
        per_sentence = probabilities(cosine, overlap)
        ranked = tuple(int(i) for i in np.argsort(-per_sentence, kind="stable"))
        best = ranked[0]
        relatedness = float(probabilities(np.array([cosine.max()]),
                                          np.array([self.coverage(headline_terms, body)]))[0])
        return PairScore(relatedness, best, float(per_sentence[best]), ranked)


def score_pairs(pairs: Sequence[tuple[str, str]], index: BodyIndex, embed: Embed) -> list[PairScore]:
    """(headline, body id) pairs scored against ``index``."""
    headlines = sorted({h for h, _ in pairs})
    vectors = dict(zip(headlines, embed(headlines), strict=True))
    terms = {h: content_terms(h) for h in headlines}
    return [index.score(vectors[h], terms[h], body) for h, body in pairs]


def null_threshold(headlines: Sequence[str], train_bodies: Mapping[str, str], embed: Embed,
                   *, bodies: int = NULL_BODIES, per_headline: int = NULL_PER_HEADLINE,
                   quantile: float = NULL_QUANTILE, seed: int = 0) -> tuple[float, int]:
    """The relatedness score that chance pairings (headline, random training body) stay under in
    ``quantile`` of cases, and how many chance pairs it was drawn from."""
    chooser = random.Random(seed)
    ids = sorted(train_bodies, key=lambda b: (len(b), b))
    chosen = chooser.sample(ids, min(bodies, len(ids)))
    index = BodyIndex({b: train_bodies[b] for b in chosen}, embed, headlines)
    pairs = [(h, chooser.choice(chosen)) for h in sorted(set(headlines)) for _ in range(per_headline)]
    scores = np.array([s.relatedness for s in score_pairs(pairs, index, embed)])
    return float(np.quantile(scores, quantile)), len(pairs)


def best_sentences(pairs: Sequence[StancePair], bodies: Mapping[str, str],
                   cache: Any) -> list[tuple[str, float]]:
    """For each pair, the body sentence that best states the headline, with its probability."""
    used = {p.body_id: bodies[p.body_id] for p in pairs}
    index = BodyIndex(used, cache.embed, [p.headline for p in pairs])
    scores = score_pairs([(p.headline, p.body_id) for p in pairs], index, cache.embed)
    return [(index.sentences[p.body_id][s.best], s.best_probability)
            for p, s in zip(pairs, scores, strict=True)]


# -- the decision ---------------------------------------------------------------------------------


def negated(text: str) -> bool:
    from parallax.evaluation.contradiction import OLDER_NEGATION

    return bool(OLDER_NEGATION.search(text))


def decide(headline: str, sentences: Sequence[str], score: PairScore, related_at: float) -> str:
    """One pair's stance from its scores and the body's sentences (see the module's docstring)."""
    from parallax.evaluation.contradiction import POLARITY_CONFIDENCE

    if score.relatedness < related_at:
        return "unrelated"
    evidence_ids = list(dict.fromkeys([*score.ranked[:EVIDENCE_BEST], 0]))
    evidence = " ".join(sentences[i] for i in evidence_ids if i < len(sentences))
    best = sentences[score.best]
    refuted = bool(REFUTE.search(evidence)) and not REFUTE.search(headline)
    polarity = score.best_probability >= POLARITY_CONFIDENCE and negated(headline) != negated(best)
    if refuted or polarity:
        return "disagree"
    if score.best_probability >= load_model().threshold and not HEDGE.search(evidence):
        return "agree"
    return "discuss"


def evaluate_stance(
    root: Path,
    *,
    cache_dir: Path | None = None,
    limit: int | None = None,
    every: int | None = None,
    null_bodies: int = NULL_BODIES,
) -> dict[str, Any]:
    """Stance on the FNC-1 competition test set under ``root``.

    ``limit`` scores only the first pairs of the stances file; ``every`` only the pairs whose body
    is one of every ``every``-th body of the bodies file (a fixed subset for quick runs);
    ``null_bodies`` is how many training bodies the chance distribution is drawn from.
    """
    from parallax.cluster.signals import EmbeddingCache
    from parallax.enrich.embed import get_embedder

    began = time.perf_counter()
    pairs, body_texts = read_fnc(root)
    if every is not None:
        keep = set(list(body_texts)[::every])
        pairs = [p for p in pairs if p.body_id in keep]
    if limit is not None:
        pairs = pairs[:limit]
    if not pairs:
        raise DatasetError(f"{root}: no FNC-1 pairs to score")
    unknown = sorted({p.stance for p in pairs} - set(STANCES))
    if unknown:
        raise DatasetError(f"{root}: unknown stances {unknown}")
    train_path = root / "train_bodies.csv"
    if not train_path.is_file():
        raise DatasetError(f"{root}: no train_bodies.csv to draw the chance distribution from")
    cache = EmbeddingCache(get_embedder(), cache_dir)
    headlines = [p.headline for p in pairs]
    related_at, null_pairs = null_threshold(headlines, read_bodies(train_path), cache.embed,
                                            bodies=null_bodies)
    cache.save()
    index = BodyIndex({p.body_id: body_texts[p.body_id] for p in pairs}, cache.embed, headlines)
    cache.save()
    scores = score_pairs([(p.headline, p.body_id) for p in pairs], index, cache.embed)
    cache.save()
    predicted = [decide(p.headline, index.sentences[p.body_id], s, related_at)
                 for p, s in zip(pairs, scores, strict=True)]
    gold = [p.stance for p in pairs]
    metrics: dict[str, Any] = dict(stance_metrics(gold, predicted))
    metrics["seconds"] = round(time.perf_counter() - began, 1)
    return {
        "task": "stance",
        "dataset": "fnc1",
        "n": len(pairs),
        "metrics": metrics,
        "anchors": dict(ANCHORS),
        "confusion": confusion(gold, predicted),
        "model": {
            "relatedness_threshold": round(related_at, 4),
            "null_quantile": NULL_QUANTILE,
            "null_pairs": null_pairs,
            "agree_threshold": load_model().threshold,
            "bodies": len(index.sentences),
            "sentences": sum(len(s) for s in index.sentences.values()),
        },
    }
