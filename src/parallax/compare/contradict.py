"""Whether two claims that state one fact contradict each other: opposite polarity.

A negation in one claim only is a weak sign by itself: claims aligned as one fact may differ in a
"not" that bears on something else, and a rule gated on alignment alone misses most contradictions
or flags many that are not. Where one claim is negated and the other is not, a logistic regression
over a handful of pair features (sentence-vector cosine, rarity-weighted overlap, the words only
one side has, negation and antonym cues, number mismatches) decides. It is fitted on SICK train
only (Marelli et al. 2014; contradiction against entailment and neutral) with its threshold at the
best F1 in five-fold cross-validation there, and shipped as ``contradict_model_v1.json`` beside
this module:

    python -m parallax.compare.contradict [SICK_TRAIN_FILE]

``parallax eval contradiction`` scores it, and compare's rules before it, on SICK test and on
FNC-1's agree/disagree pairs (``docs/benchmarks.md``).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from parallax.compare.align import TermWeights, content_terms, stem

FloatArray = npt.NDArray[np.float64]
Embed = Callable[[list[str]], Any]

MODEL_FILE = "contradict_model_v1.json"
MODEL_VERSION = 1

#: The negation words the classifier counts. Wider than compare's older cue ("nobody", "nothing",
#: "without"): SICK states many of its contradictions with them.
NEGATION = re.compile(
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


# -- pair features --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairSignals:
    cosine: FloatArray
    overlap: FloatArray
    only_a: FloatArray
    only_b: FloatArray


def pair_signals(a: Sequence[str], b: Sequence[str], embed: Embed,
                 weights: TermWeights | None = None) -> PairSignals:
    """Cosine of the sentence vectors, weighted overlap (as claim alignment computes it) and the
    weighted share of each side's content words the other lacks. Word rarity comes from
    ``weights``, else from the pairs' own sentences."""
    # One call for both sides: in compare each call embeds a single pair, and the model's fixed
    # cost per call is most of the time.
    vectors = np.asarray(embed([*a, *b]))
    va, vb = vectors[: len(a)], vectors[len(a) :]
    cosine = np.sum(va * vb, axis=1).astype(np.float64)
    terms = [(content_terms(x), content_terms(y)) for x, y in zip(a, b, strict=True)]
    if weights is None:
        weights = TermWeights([t for pair in terms for t in pair])
    overlap = np.array([weights.overlap(x, y) for x, y in terms], dtype=np.float64)
    only_a = np.array([_missing(weights, x, y) for x, y in terms], dtype=np.float64)
    only_b = np.array([_missing(weights, y, x) for x, y in terms], dtype=np.float64)
    return PairSignals(cosine, overlap, only_a, only_b)


def _missing(weights: TermWeights, side: set[str], other: set[str]) -> float:
    total = sum(weights.weight(t) for t in side)
    return sum(weights.weight(t) for t in side - other) / total if total else 0.0


#: A "no" in quotation marks before a vote or a side names that vote, and denies nothing: 'the
#: lone "no" vote' ('he said "no" to the deal' still refuses).
_QUOTED_NEGATION = re.compile(r"[\"\u201c\u2018']\s?(?:no|yes|nay|aye)\s?[\"\u201d\u2019']"
                              r"(?=\s+(?:votes?|voters?|side|camp|campaign|column|ballots?)\b)",
                              re.IGNORECASE)


#: Saying that something is not being said: such a claim asserts nothing another could deny.
_WITHHELD = re.compile(
    r"\b(?:declin\w*|refus\w*)\s+to\s+(?:say|comment|confirm|discuss|answer|specify|disclose|elaborate|"
    r"reveal|name|identify|speculate)\b|\b(?:would|could|did|does|do|will)\s*(?:not|n[\u2019']t)\s+"
    r"(?:say|comment|confirm|specify|elaborate|speculate)\b|\b(?:can|could)\s*(?:not|n[\u2019']t)\s+say\b"
    r"|\bcannot\s+say\b|\bno\s+comment\b",
    re.IGNORECASE,
)
#: Words that doubt or deny what follows them without a negation: a claim with one agrees with a
#: negated claim rather than contradicting it.
_DOUBTS = frozenset({
    "question", "questioned", "questions", "questioning", "doubt", "doubted", "doubts", "doubting",
    "doubtful", "unable", "incapable", "lacks", "lacked", "lacking", "skeptical", "sceptical",
})


def _fragment(text: str) -> bool:
    """A piece of a sentence rather than a claim: it opens in lower case ("not that it was him."),
    or it breaks off on a word that leads into more ("She also described how once")."""
    stripped = text.strip().lstrip("\"'\u201c\u2018(")
    if not stripped or stripped[0].islower():
        return True
    words = _TOKEN.findall(stripped)
    return bool(words) and words[-1].lower() in _LEADING_INTO and not re.search(r"[.!?]\W*$", stripped)


#: Words that lead into more of a sentence: a claim that ends on one was cut off.
_LEADING_INTO = frozenset({
    "how", "that", "which", "who", "whom", "whose", "when", "where", "while", "because", "of", "to",
    "the", "a", "an", "and", "or", "but", "as", "if", "once",
})


#: A denial of everyone in a group that the sentence does not name: "No one defended the plan",
#: "Not one of them voted for it", "None of them came".
_GROUP_DENIAL = re.compile(
    r"\W*(?:no\s*one|nobody|none|not\s+(?:a\s+)?(?:single\s+)?one|neither)\b", re.IGNORECASE)
#: A claim that opens on a person's name, with or without a title: "Mr. Hale defended ...",
#: "Senator Ana Ruiz said ...".
_NAMED_SUBJECT = re.compile(
    r"\W*(?:(?:Mr|Mrs|Ms|Dr|Sen|Senator|Rep|Representative|Gov|Governor|President|Justice|Judge)\.?"
    r"(?:\s+[A-Z][\w.'-]+)+|(?!(?:The|A|An|In|On|At|But|And|Yet|So|When|After|As)\s)[A-Z][a-z]+"
    r"(?:\s+[A-Z][\w.'-]+)+)\s+[a-z]")
#: "not only ... but also" adds; it denies nothing. Nor does a negation of an open question:
#: "the issue was not whether the company discriminated" says what is asked, not what happened.
_DENIES_NOTHING = re.compile(r"\bnot\s+(?:only|just|merely|simply|whether|if)\b", re.IGNORECASE)


def _used(text: str) -> str:
    """The text without negation words that deny nothing: those only named in quotation marks,
    "not only" and "not whether"."""
    return _DENIES_NOTHING.sub(" ", _QUOTED_NEGATION.sub(" ", text))


#: Words of degree or quantity right after a negation: "not enough evidence" denies that there
#: was enough, not that there was evidence, so it contradicts only a claim of the same degree
#: ("enough evidence"), not "investigators found evidence".
_DEGREE = frozenset({
    "enough", "sufficient", "sufficiently", "all", "every", "always", "quite",
    "entirely", "fully", "necessarily", "completely", "yet", "immediately", "clear", "clearly",
})


def negations(text: str) -> int:
    return len(NEGATION.findall(_used(text)))


def opposite_polarity(a: str, b: str) -> bool:
    """A negation in one text only."""
    return (negations(a) > 0) != (negations(b) > 0)


#: How many words after a negation count as what it denies ("had not been consulted").
NEGATION_SCOPE = 5
_CLAUSE_END = re.compile(r"[,;:.!?\u2014]|\s(?:and|but|while|because)\s")


def negation_shared(a: str, b: str) -> bool:
    """Whether what the negated text denies is something the other text states: a content word
    within :data:`NEGATION_SCOPE` words after a negation, in the same clause, appears in the other.

    "She said the deal favoured them and that her members had not been consulted" adds a denial
    the other report ("she said the deal was unfair") never makes: no contradiction. "A man is not
    playing the guitar" denies the "playing" and "guitar" of "a man is playing the guitar"."""
    negated, other = (a, b) if negations(a) else (b, a)
    other_terms = content_terms(other)
    negated = _used(negated)
    other_words = {w.lower() for w in _TOKEN.findall(other)}
    for match in NEGATION.finditer(negated):
        rest = negated[match.end():]
        clause = _CLAUSE_END.search(rest)
        words = (rest[: clause.start()] if clause else rest).split()[:NEGATION_SCOPE]
        if words and words[0].lower().strip(".,;:") in _DEGREE:
            if words[0].lower().strip(".,;:") in other_words:
                return True
            continue
        if content_terms(" ".join(words)) & other_terms:
            return True
    return False


#: The opposites that report an outcome or a stance, not a description: in two claims that
#: otherwise say the same, one of them is a contradiction on its own ("confirmed" / "denied").
_OUTCOMES = tuple(pair for pair in _OPPOSITES if pair[0][0] in {
    "win", "accept", "agree", "confirm", "approve", "allow", "guilty", "true", "legal"})


def opposites(a: str, b: str, pairs: Sequence[tuple[tuple[str, ...], tuple[str, ...]]] = _OPPOSITES) -> int:
    """How many pairs of opposites are split between the two sentences ("sitting" / "standing")."""
    words_a = {w.lower() for w in _TOKEN.findall(a)}
    words_b = {w.lower() for w in _TOKEN.findall(b)}
    count = 0
    for first, second in pairs:
        one, two = set(first), set(second)
        a_one, a_two, b_one, b_two = words_a & one, words_a & two, words_b & one, words_b & two
        if (a_one and b_two and not a_two and not b_one) or (a_two and b_one and not a_one and not b_two):
            count += 1
    return count


_OPPOSITE_STEMS = frozenset(stem(w) for first, second in _OPPOSITES for w in (*first, *second))
#: The share of their other content words two claims split by opposites must have in common.
SAME_BUT_OPPOSITES = 0.6


def same_but_opposites(a: str, b: str) -> bool:
    """Whether two texts say the same apart from their opposite words: their content terms, less
    the words of any pair of opposites, overlap by :data:`SAME_BUT_OPPOSITES` (Jaccard)."""
    terms_a, terms_b = content_terms(a) - _OPPOSITE_STEMS, content_terms(b) - _OPPOSITE_STEMS
    if not terms_a or not terms_b:
        return False
    return len(terms_a & terms_b) / len(terms_a | terms_b) >= SAME_BUT_OPPOSITES


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


# -- the model ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContradictionModel:
    """Logistic weights over :data:`FEATURES` (after standardising) and a decision threshold.
    ``embedder`` names the sentence vectors the cosine feature was fitted on: cosines of another
    model sit on another scale."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    trained_on: str
    embedder: str = "minilm"
    version: int = MODEL_VERSION

    def probability(self, x: FloatArray) -> FloatArray:
        z = ((x - np.array(self.mean)) / np.array(self.scale)) @ np.array(self.weights) + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "features": list(FEATURES),
            "weights": [round(w, 4) for w in self.weights],
            "bias": round(self.bias, 4),
            "mean": [round(m, 4) for m in self.mean],
            "scale": [round(s, 4) for s in self.scale],
            "threshold": round(self.threshold, 3),
            "embedder": self.embedder,
            "trained_on": self.trained_on,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ContradictionModel:
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"contradiction model features {data['features']} are not {list(FEATURES)}")
        return cls(
            weights=tuple(float(w) for w in data["weights"]),
            bias=float(data["bias"]),
            mean=tuple(float(m) for m in data["mean"]),
            scale=tuple(float(s) for s in data["scale"]),
            threshold=float(data["threshold"]),
            trained_on=str(data["trained_on"]),
            embedder=str(data.get("embedder", "minilm")),
            version=int(data.get("version", MODEL_VERSION)),
        )


@cache
def load_model() -> ContradictionModel:
    """The shipped model (``contradict_model_v1.json``)."""
    text = resources.files("parallax.compare").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return ContradictionModel.from_json(json.loads(text))


def fit_classifier(x: FloatArray, y: npt.NDArray[np.bool_], trained_on: str,
                   embedder: str = "minilm") -> ContradictionModel:
    """Logistic regression (scikit-learn, the ``eval`` extra); threshold = best F1 over five-fold
    out-of-fold probabilities on the same training pairs."""
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
        embedder=embedder,
    )


def best_f1_threshold(probability: FloatArray, y: npt.NDArray[np.bool_]) -> float:
    from parallax.evaluation.metrics import precision_recall_f1

    best = (-1.0, 0.5)
    for threshold in np.linspace(0.05, 0.95, 91):
        predicted = probability >= threshold
        # Rounded F1 (as the evaluations report it), so that near-ties pick the same threshold.
        f1 = precision_recall_f1(int(np.sum(predicted & y)), int(np.sum(predicted & ~y)),
                                 int(np.sum(~predicted & y)))["f1"]
        best = max(best, (f1, float(threshold)))
    return best[1]


# -- in compare -----------------------------------------------------------------------------------


class PolarityJudge:
    """Decides opposite polarity between claims of one comparison.

    ``documents`` (the texts of the compared articles' sentences) give word rarity, read only
    when a pair first needs it; ``embed`` defaults to the embedder the model was fitted with.
    Most pairs have no negation on one side only and never reach the classifier.
    """

    def __init__(self, documents: Iterable[str], embed: Embed | None = None,
                 model: ContradictionModel | None = None, vectors: Mapping[str, Any] | None = None) -> None:
        self._documents = documents
        self._embed = embed
        self._model = model
        self._weights: TermWeights | None = None
        # A negated claim is judged against each claim it is aligned with: embed it once.
        # ``vectors`` (text -> vector from the embedder the model was fitted with) spares
        # embedding what the caller already has.
        self._vectors: dict[str, Any] = dict(vectors or {})

    def probability(self, a: str, b: str) -> float:
        model = self._model or load_model()
        if self._embed is None:
            from parallax.enrich.embed import get_embedder

            self._embed = get_embedder(model.embedder).embed
        if self._weights is None:
            self._weights = TermWeights(content_terms(text) for text in self._documents)
        signals = pair_signals([a], [b], self._embed_once, self._weights)
        return float(model.probability(feature_matrix([a], [b], signals))[0])

    def _embed_once(self, texts: list[str]) -> Any:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            assert self._embed is not None
            self._vectors.update(zip(missing, np.asarray(self._embed(missing)), strict=True))
        return np.stack([self._vectors[t] for t in texts])

    def contradicts(self, a: str, b: str) -> bool:
        """A negation in one claim only, denying something the other states, or a pair of
        opposites split between them ("confirmed" / "denied"); and the classifier says the two
        contradict."""
        if _WITHHELD.search(a) or _WITHHELD.search(b):
            # "declined to say whether the letter was hers" asserts nothing about the letter.
            return False
        # Not where one side negates: "did not approve" and "rejected" agree.
        if not opposite_polarity(a, b) and opposites(a, b, _OUTCOMES) and same_but_opposites(a, b):
            # "confirmed" / "denied" in two claims that otherwise say the same: the classifier,
            # fitted on SICK's mostly negated contradictions, gives such pairs little weight.
            return True
        if not (opposite_polarity(a, b) and negation_shared(a, b)):
            return False
        if _fragment(a) or _fragment(b):
            return False  # a piece of a sentence ("not that it was X.") states too little to deny
        denying, other = (a, b) if negations(a) else (b, a)
        doubts = {w.lower()[:5] for w in _TOKEN.findall(other) if w.lower() in _DOUBTS}
        if doubts and not doubts & {w.lower()[:5] for w in _TOKEN.findall(denying)}:
            # "could not be impartial" and "question his ability to be impartial" say one thing;
            # "did not question it" and "questioned it" still differ.
            return False
        if _GROUP_DENIAL.match(denying) and _NAMED_SUBJECT.match(other):
            # "Not one of them backed the plan" speaks of a group the story has in mind (the mayor's
            # own party); "Ms. Ruiz defended him" may name someone outside it.
            return False
        if opposites(a, b, _OUTCOMES):
            # "did not win" and "lost", "did not approve" and "rejected": a negated outcome
            # beside its opposite says the same thing twice.
            return False
        return self.probability(a, b) >= (self._model or load_model()).threshold


# -- fitting --------------------------------------------------------------------------------------


def fit_sick(path: Path, embed: Embed, embedder: str = "minilm") -> ContradictionModel:
    """The classifier fitted on a SICK file (normally ``SICK_train.txt``)."""
    from parallax.evaluation.contradiction import read_sick

    pairs = read_sick(path)
    if not pairs:
        raise ValueError(f"{path}: no SICK rows (expected id, sentence A, sentence B, relatedness, label)")
    a, b = [p.a for p in pairs], [p.b for p in pairs]
    y = np.array([p.contradiction for p in pairs])
    return fit_classifier(feature_matrix(a, b, pair_signals(a, b, embed)), y,
                          f"SICK train ({len(pairs)} pairs)", embedder)


def main() -> None:
    from parallax.enrich.embed import DEFAULT_EMBEDDER, get_embedder

    data = Path(os.environ.get("PARALLAX_DATA", "../shared/data"))
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else data / "sick" / "SICK_train.txt"
    model = fit_sick(path, get_embedder(DEFAULT_EMBEDDER).embed, DEFAULT_EMBEDDER)
    target = Path(__file__).with_name(MODEL_FILE)
    target.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
    print(json.dumps(model.to_json()))


if __name__ == "__main__":
    main()
