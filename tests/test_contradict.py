"""The contradiction classifier that decides opposite polarity in ``parallax compare``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parallax.compare.contradict import (
    FEATURES,
    MODEL_FILE,
    ContradictionModel,
    PolarityJudge,
    feature_matrix,
    load_model,
    negation_shared,
    opposite_polarity,
    pair_signals,
)
from parallax.compare.core import _conflicts
from parallax.model import Claim, Enrichment, Sentence

ATTENDED = "The minister attended the summit in Tokyo."
DID_NOT_ATTEND = "The minister did not attend the summit in Tokyo."
PARAPHRASE = "The minister was present at the Tokyo summit."
UNRELATED_NEGATED = "Heavy rain is not expected in the north on Friday."


def test_shipped_model_loads() -> None:
    model = load_model()
    assert model.version == 1
    assert len(model.weights) == len(model.mean) == len(model.scale) == len(FEATURES)
    assert 0.0 < model.threshold < 1.0
    assert model.trained_on.startswith("SICK train")
    assert model.embedder == "minilm"
    # What the fit writes is what loads.
    assert ContradictionModel.from_json(model.to_json()) == model
    assert (Path(__file__).parents[1] / "src" / "parallax" / "compare" / MODEL_FILE).is_file()


def test_a_model_with_other_features_is_refused() -> None:
    data = load_model().to_json()
    data["features"] = ["cosine"]
    with pytest.raises(ValueError, match="features"):
        ContradictionModel.from_json(data)


def test_negated_paraphrase_is_flagged_and_a_plain_paraphrase_is_not() -> None:
    judge = PolarityJudge([ATTENDED, DID_NOT_ATTEND, PARAPHRASE, UNRELATED_NEGATED])
    assert judge.contradicts(ATTENDED, DID_NOT_ATTEND)
    assert judge.contradicts(DID_NOT_ATTEND, PARAPHRASE)
    assert not judge.contradicts(ATTENDED, PARAPHRASE)
    # A negation on one side only is not enough when the claims say different things.
    assert opposite_polarity(ATTENDED, UNRELATED_NEGATED)
    assert not judge.contradicts(ATTENDED, UNRELATED_NEGATED)


def test_a_denied_degree_contradicts_only_the_same_degree() -> None:
    not_enough = "Prosecutors said there was not enough evidence to charge him."
    assert not negation_shared(not_enough, "Prosecutors found evidence that he lied.")
    assert negation_shared(not_enough, "Prosecutors said there was enough evidence to charge him.")
    # "not only" denies nothing.
    assert not opposite_polarity("She not only resigned but also left the party.", "She resigned.")
    # Nor does a negated open question: it says what is asked.
    assert not opposite_polarity("The question for the panel was not whether the mill polluted the river.",
                                 "The complaint says the mill polluted the river for years.")
    assert negation_shared(DID_NOT_ATTEND, ATTENDED)


def test_a_claim_that_something_is_not_said_contradicts_nothing() -> None:
    declined = "The mayor repeatedly declined to say whether the photo was an image of her."
    denied = '"I didn\'t post that photo," the mayor said, though she does not know who did.'
    judge = PolarityJudge([declined, denied])
    assert not judge.contradicts(declined, denied)
    assert judge.contradicts(ATTENDED, DID_NOT_ATTEND)


def test_a_denial_of_everyone_in_an_unnamed_group_does_not_contradict_a_named_person() -> None:
    nobody = "Not one of them defended the harbour plan at the meeting."
    named = "Senator Ana Ruiz defended the harbour plan at the meeting."
    denied = "Senator Ana Ruiz did not defend the harbour plan at the meeting."
    judge = PolarityJudge([nobody, named, denied, "The council met on Monday."])
    assert not judge.contradicts(nobody, named)
    assert judge.contradicts(denied, named)


def test_a_doubt_agrees_with_a_denial_and_a_piece_of_a_sentence_denies_nothing() -> None:
    denied = "Critics said the judge could not be impartial because of his family."
    doubted = "Critics have questioned the judge's ability to be impartial because of his family."
    piece = "not that it was the judge."
    named = "The judge said it was the judge who ruled."
    judge = PolarityJudge([denied, doubted, piece, named, "The council met on Monday."])
    assert not judge.contradicts(denied, doubted)
    assert not judge.contradicts(piece, named)
    assert judge.contradicts("Critics did not question the judge's ability to be impartial.",
                             "Critics questioned the judge's ability to be impartial.")


def _two_claims(a: str, b: str) -> tuple[list[Claim], dict[str, Enrichment]]:
    claims = [Claim("a", a, 0, len(a), 0), Claim("b", b, 0, len(b), 0)]
    enrichments = {
        side: Enrichment(side, sentences=(Sentence(0, 0, len(text), text),))
        for side, text in (("a", a), ("b", b))
    }
    return claims, enrichments


@pytest.mark.parametrize(
    ("b", "linked", "expected"),
    [
        (DID_NOT_ATTEND, 0.5, ["polarity"]),  # below the old fixed gate of 0.8, still a conflict
        (PARAPHRASE, 0.9, []),
        (UNRELATED_NEGATED, 0.9, []),  # the old gate would have called this a conflict
    ],
)
def test_compare_decides_polarity_with_the_classifier(b: str, linked: float, expected: list[str]) -> None:
    claims, enrichments = _two_claims(ATTENDED, b)
    conflicts = _conflicts(claims, enrichments, {(("a", 0), ("b", 0)): linked}, {"a": "A", "b": "B"})
    assert [c.kind for c in conflicts] == expected
    for conflict in conflicts:
        assert conflict.articles == ("a", "b")
        assert conflict.detail == f"A: {ATTENDED}; B: {b}"


def test_claims_joined_only_through_others_are_not_judged() -> None:
    claims, enrichments = _two_claims(ATTENDED, DID_NOT_ATTEND)
    assert _conflicts(claims, enrichments, {}, {"a": "A", "b": "B"}) == []


def test_quality_floor_on_sick_test(data_dir: Path) -> None:
    """The shipped model on the first 500 pairs of SICK test (never used in fitting): precision
    0.860, recall 0.778, F1 0.817 on the contradiction class when measured, against F1 0.615 for
    compare's older negation cue alone."""
    from parallax.enrich.embed import get_embedder
    from parallax.evaluation.contradiction import binary_scores, read_sick

    model = load_model()
    pairs = read_sick(data_dir / "sick" / "SICK_test_annotated.txt")[:500]
    a, b = [p.a for p in pairs], [p.b for p in pairs]
    gold = np.array([p.contradiction for p in pairs])
    signals = pair_signals(a, b, get_embedder(model.embedder).embed)
    probability = model.probability(feature_matrix(a, b, signals))
    gated = np.array([opposite_polarity(x, y) for x, y in zip(a, b, strict=True)])
    scores = binary_scores(gated & (probability >= model.threshold), gold)
    assert scores["f1"] >= 0.79
    assert scores["precision"] >= 0.80
