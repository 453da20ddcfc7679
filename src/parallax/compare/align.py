"""Deciding whether two claims state the same fact.

Two signals: the cosine of the claims' sentence vectors, and the overlap of their content words
weighted by rarity (a shared "sidelines" or "information" says more than a shared "minister").
A logistic model combines them; its weights are fitted on MRPC's training pairs
(``python -m parallax.compare.fit``) and shipped as a versioned JSON file.

A third, from a lexicon: predicates that reports state in many words ("remained apart", "failed
to narrow differences"), which neither signal recognises as one (data file ``predicates.txt``).
Two claims that use phrasings of one predicate get :data:`PREDICATE_WEIGHT` added to the log-odds.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

MODEL_FILE = "align_model_v1.json"
PREDICATE_FILE = "predicates.txt"
#: What a shared predicate adds to the log-odds of two claims stating one fact, as a share of the
#: overlap weight: as much as sharing three quarters of their rarity-weighted words. Enough to lift
#: two claims on one subject (cosine about 0.35 and up) over the fact threshold, too little to join
#: two unrelated claims that happen to share a predicate.
PREDICATE_SHARE = 0.75
_WORD = re.compile(r"[A-Za-z][A-Za-z\-']+|\d[\d,.]*")
#: Words that carry no fact of their own: function words and reporting verbs.
STOP = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "say",
        "saying",
        "told",
        "according",
        "reported",
        "reports",
        "added",
        "also",
        "mr",
        "ms",
        "mrs",
        "s",
        "t",
    ]
)
_SUFFIXES = ("ing", "ed", "es", "s")


def stem(word: str) -> str:
    """A crude, predictable stem so "talks"/"talk" and "agreed"/"agree" meet."""
    word = word.lower().strip("'-")
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


#: What one distinctive figure stated by two claims on one subject ("a party-line 50-49 vote" and
#: "voted 50-49 along party lines"; "$3.5 trillion") adds to their log-odds of stating one fact, as
#: a share of the overlap weight: as much as a shared predicate. Exact figures rarely repeat by
#: chance within one story, but writers word the sentences around them differently.
FIGURE_SHARE = PREDICATE_SHARE
#: Below this cosine two claims are on different subjects, whatever figure they share.
FIGURE_COSINE = 0.45
#: Measures too common to tell facts apart: times of day and spans of time.
_COMMON_MEASURES = frozenset({
    "a.m.", "p.m.", "second", "minute", "hour", "day", "week", "month", "year", "decade", "time",
})


def distinctive_figures(amounts: Mapping[str, set[float]]) -> frozenset[tuple[str, float]]:
    """The figures of a claim that could tell it apart: not a time or a span, not a count of ten
    or fewer."""
    return frozenset(
        (key, value) for key, values in amounts.items() for value in values
        if key.rstrip("s") not in _COMMON_MEASURES and key not in _COMMON_MEASURES
        and not (float(value).is_integer() and abs(value) <= 10)
    )


def shared_figures(rows: Sequence[frozenset[tuple[str, float]]],
                    cols: Sequence[frozenset[tuple[str, float]]], cosine: np.ndarray) -> np.ndarray:
    """1 where two claims on one subject (cosine at least :data:`FIGURE_COSINE`) state one
    distinctive figure, else 0."""
    found = np.zeros((len(rows), len(cols)))
    for i, a in enumerate(rows):
        if not a:
            continue
        for j, b in enumerate(cols):
            if cosine[i, j] >= FIGURE_COSINE and (a & b or _close_figures(a, b)):
                found[i, j] = 1.0
    return found


#: Two figures of one measure within this share of each other are one figure written two ways
#: ("$12.4 million" and "$12,438,201").
FIGURE_ROUNDING = 0.01


def _close_figures(a: frozenset[tuple[str, float]], b: frozenset[tuple[str, float]]) -> bool:
    return any(key == other_key and abs(value - other) <= FIGURE_ROUNDING * max(abs(value), abs(other))
               for key, value in a for other_key, other in b)


#: What two ledes on one subject add to the log-odds of stating one fact, as a share of the
#: overlap weight (see :data:`parallax.compare.align.PREDICATE_SHARE`): the first sentence of a
#: news report states the event it reports, so two reports' ledes state one fact far more often
#: than two sentences anywhere else, though each words it with its own details.
LEDE_SHARE = 0.5
#: Below this cosine two ledes are on different subjects (one report leads with the reactions).
LEDE_COSINE = 0.40
#: A sentence shorter than this is a dateline, a byline or a headline kept in the text, not a lede.
LEDE_WORDS = 12


def lede_pairs(rows: Sequence[bool], cols: Sequence[bool], cosine: np.ndarray) -> np.ndarray:
    """1 where both claims are their articles' ledes and on one subject, else 0."""
    both = np.outer(np.asarray(rows, dtype=bool), np.asarray(cols, dtype=bool))
    return np.asarray((both & (cosine >= LEDE_COSINE)).astype(float))


def content_terms(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text) if w.lower() not in STOP}


@dataclass(frozen=True, slots=True)
class AlignModel:
    """Logistic weights over (cosine, weighted overlap) and the thresholds: ``threshold`` for a
    paraphrase, ``fact_threshold`` for two claims stating one fact, ``conflict_threshold`` for two
    claims giving different amounts of one thing to be one fact in conflict."""

    version: int
    bias: float
    w_cosine: float
    w_overlap: float
    threshold: float
    trained_on: str
    fact_threshold: float = 0.5
    fact_recall: float = 0.0
    fact_trained_on: str = ""
    conflict_threshold: float = 0.5

    def probability(self, cosine: float, overlap: float) -> float:
        z = self.bias + self.w_cosine * cosine + self.w_overlap * overlap
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "bias": self.bias,
            "w_cosine": self.w_cosine,
            "w_overlap": self.w_overlap,
            "threshold": self.threshold,
            "trained_on": self.trained_on,
            "fact_threshold": self.fact_threshold,
            "fact_recall": self.fact_recall,
            "fact_trained_on": self.fact_trained_on,
            "conflict_threshold": self.conflict_threshold,
        }


@cache
def load_model() -> AlignModel:
    data = json.loads(resources.files("parallax.compare").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    return AlignModel(**data)


class TermWeights:
    """Inverse document frequency of terms over a set of claims (the story being compared)."""

    def __init__(self, documents: Iterable[set[str]]) -> None:
        counts: Counter[str] = Counter()
        total = 0
        for terms in documents:
            counts.update(terms)
            total += 1
        self._idf = {t: math.log((1 + total) / (1 + c)) + 1.0 for t, c in counts.items()}
        self._default = math.log(1 + total) + 1.0

    def weight(self, term: str) -> float:
        return self._idf.get(term, self._default)

    def overlap(self, a: set[str], b: set[str]) -> float:
        """Weighted Jaccard: shared weight over the weight of the smaller side, so a short claim
        fully contained in a longer one still counts as the same fact."""
        if not a or not b:
            return 0.0
        shared = sum(self.weight(t) for t in a & b)
        smaller = min(sum(self.weight(t) for t in a), sum(self.weight(t) for t in b))
        return shared / smaller if smaller else 0.0

    def overlap_matrix(self, a: Sequence[set[str]], b: Sequence[set[str]]) -> np.ndarray:
        """:meth:`overlap` of every term set in ``a`` with every one in ``b``, as one product of
        term-weight matrices (a story's hundreds of claims make 10^5 pairs, too many to loop)."""
        vocabulary = {t: i for i, t in enumerate(sorted(set().union(*a, *b)))}
        left = np.zeros((len(a), len(vocabulary)))
        right = np.zeros((len(b), len(vocabulary)))
        for matrix, sets in ((left, a), (right, b)):
            for row, terms in enumerate(sets):
                matrix[row, [vocabulary[t] for t in terms]] = 1.0
        weight = np.array([self.weight(t) for t in vocabulary])
        shared = (left * weight) @ right.T
        smaller = np.minimum((left @ weight)[:, None], (right @ weight)[None, :])
        return np.asarray(np.divide(shared, smaller, out=np.zeros_like(shared), where=smaller > 0))


def pair_features(
    vectors_a: np.ndarray,
    vectors_b: np.ndarray,
    terms_a: Sequence[set[str]],
    terms_b: Sequence[set[str]],
    weights: TermWeights,
) -> tuple[np.ndarray, np.ndarray]:
    """Cosine and overlap matrices between two lists of claims."""
    cosine = vectors_a @ vectors_b.T
    overlap = weights.overlap_matrix(terms_a, terms_b).astype(np.float32)
    return cosine, overlap.reshape(len(terms_a), len(terms_b))


@cache
def predicate_lexicon() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(predicate, pattern) for each phrasing in ``parallax/data/predicates.txt``."""
    text = resources.files("parallax.data").joinpath(PREDICATE_FILE).read_text(encoding="utf-8")
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, tab, pattern = line.partition("\t")
        if not tab:
            raise ValueError(f"{PREDICATE_FILE} line {number}: expected <predicate><TAB><expression>")
        found.append((name.strip(), re.compile(pattern.strip(), re.IGNORECASE)))
    return tuple(found)


def predicates(text: str) -> frozenset[str]:
    """The lexicon's predicates a text states."""
    return frozenset(name for name, pattern in predicate_lexicon() if pattern.search(text))


def shared_predicates(a: Sequence[frozenset[str]], b: Sequence[frozenset[str]]) -> np.ndarray:
    """A boolean matrix: does claim ``i`` of ``a`` share a predicate with claim ``j`` of ``b``."""
    shared = np.zeros((len(a), len(b)), dtype=bool)
    for i, first in enumerate(a):
        if first:
            for j, second in enumerate(b):
                shared[i, j] = bool(first & second)
    return shared


def probabilities(cosine: np.ndarray, overlap: np.ndarray, model: AlignModel | None = None,
                  shared: np.ndarray | None = None) -> np.ndarray:
    """The probability that two claims state one fact; ``shared`` (from :func:`shared_predicates`)
    marks the pairs that state one predicate of the lexicon."""
    model = model or load_model()
    z = model.bias + model.w_cosine * cosine + model.w_overlap * overlap
    if shared is not None:
        z = z + PREDICATE_SHARE * model.w_overlap * shared
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


def match_claims(
    prob: np.ndarray,
    model: AlignModel | None = None,
    veto: Callable[[int, int], bool] | None = None,
    fact_threshold: float | None = None,
    paraphrase: Callable[[int, int], bool] | None = None,
) -> list[tuple[int, int, float]]:
    """The pairs (row, column, probability) of two articles' claims that state one fact.

    Pairs at or above the fact threshold are taken strongest first, each claim matching one claim
    of the other article; a claim takes a second partner only at the paraphrase threshold (one
    outlet may say in two clauses what another says in one). Without that limit one vague claim
    ("Blinken outlined new policies") pulls every claim near it into one fact. ``veto(row, col)``
    rules a pair out whatever its probability. ``paraphrase(row, col)``, where given, decides the
    paraphrase question for a second partner in place of the paraphrase threshold (compare passes
    the cross-encoder of :mod:`parallax.compare.paraphrase`, which reads both claims together).
    """
    model = model or load_model()
    floor = model.fact_threshold if fact_threshold is None else fact_threshold
    rows, cols = np.nonzero(prob >= floor)
    found = zip(prob[rows, cols].tolist(), rows.tolist(), cols.tolist(), strict=True)
    candidates = sorted(found, reverse=True)
    partners_of_row: Counter[int] = Counter()
    partners_of_col: Counter[int] = Counter()
    matched: list[tuple[int, int, float]] = []
    for p, row, col in candidates:
        taken = max(partners_of_row[row], partners_of_col[col])
        if taken >= 2 or (taken == 1 and paraphrase is None and p < max(model.threshold, floor)):
            continue
        if veto is not None and veto(row, col):
            continue
        # Last, as the costliest test: the cross-encoder reads the two claims together.
        if taken == 1 and paraphrase is not None and not paraphrase(row, col):
            continue
        partners_of_row[row] += 1
        partners_of_col[col] += 1
        matched.append((row, col, float(p)))
    return matched
