"""Evaluations of the compare stage: stance (FNC-1), framing (BASIL), contradiction (SICK)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from parallax.cli import app
from parallax.compare.contradict import PairSignals, feature_matrix, fit_classifier, negations, opposites
from parallax.evaluation.contradiction import (
    binary_scores,
    evaluate_contradiction,
    hand_rules,
    polarity_cue,
    read_sick,
    rule_predictions,
)
from parallax.evaluation.framing import evaluate_framing, prf
from parallax.evaluation.stance import (
    PairScore,
    confusion,
    decide,
    evaluate_stance,
    fnc_score,
    split_sentences,
    stance_metrics,
)

# -- stance ---------------------------------------------------------------------------------------


def test_fnc_score_on_a_hand_made_confusion() -> None:
    gold = ["agree", "unrelated", "discuss", "disagree"]
    predicted = ["agree", "unrelated", "agree", "unrelated"]
    # agree right: 0.25 + 0.75; unrelated right: 0.25; discuss called agree: 0.25 (related right);
    # disagree called unrelated: 0. Best achievable: 1 + 0.25 + 1 + 1.
    assert fnc_score(gold, predicted) == pytest.approx(100 * 1.5 / 3.25)
    assert fnc_score(gold, gold) == pytest.approx(100.0)
    assert fnc_score(gold, ["unrelated"] * 4) == pytest.approx(100 * 0.25 / 3.25)


def test_stance_metrics_per_class() -> None:
    gold = ["agree", "agree", "discuss", "unrelated", "unrelated", "disagree"]
    predicted = ["agree", "discuss", "discuss", "unrelated", "discuss", "disagree"]
    metrics = stance_metrics(gold, predicted)
    assert metrics["f1_agree"] == pytest.approx(2 / 3, abs=1e-4)  # P 1, R 1/2
    assert metrics["f1_discuss"] == pytest.approx(0.5, abs=1e-4)  # P 1/3, R 1
    assert metrics["f1_unrelated"] == pytest.approx(2 / 3, abs=1e-4)  # P 1, R 1/2
    assert metrics["f1_disagree"] == pytest.approx(1.0)
    assert metrics["macro_f1"] == pytest.approx((2 / 3 + 0.5 + 2 / 3 + 1) / 4, abs=1e-4)
    assert metrics["accuracy"] == pytest.approx(4 / 6, abs=1e-4)
    assert metrics["related_accuracy"] == pytest.approx(5 / 6, abs=1e-4)
    assert confusion(gold, predicted)["unrelated"]["discuss"] == 1


def test_split_sentences() -> None:
    text = 'The mayor denied it. "It is false," she said.\nA second paragraph? Yes. e.g. lower case stays.'
    assert split_sentences(text) == [
        "The mayor denied it.",
        '"It is false," she said.',
        "A second paragraph?",
        "Yes. e.g. lower case stays.",
    ]


def _score(relatedness: float, best_probability: float) -> PairScore:
    return PairScore(relatedness, 0, best_probability, (0, 1))


def test_stance_decision_rules() -> None:
    headline = "Man finds working camera inside a shark"
    plain = ["A man found a working camera inside a shark.", "He posted photos online."]
    assert decide(headline, plain, _score(0.01, 0.01), 0.1) == "unrelated"
    assert decide(headline, plain, _score(0.5, 0.9), 0.1) == "agree"
    hedged = ["A man reportedly found a working camera inside a shark.", "He posted photos online."]
    assert decide(headline, hedged, _score(0.5, 0.9), 0.1) == "discuss"
    refuted = ["A man found a camera inside a shark, a story that turned out to be a hoax.", "Photos."]
    assert decide(headline, refuted, _score(0.5, 0.6), 0.1) == "disagree"
    # A headline that itself says "hoax" is not refuted by a body saying so.
    assert decide("Shark camera story a hoax", refuted, _score(0.5, 0.3), 0.1) == "discuss"
    # The polarity rule compare had before its classifier: a negation on one side only, strongly
    # aligned.
    negated = ["A man did not find a working camera inside a shark.", "He posted photos online."]
    assert decide(headline, negated, _score(0.5, 0.85), 0.1) == "disagree"


# -- framing --------------------------------------------------------------------------------------


def _basil_folder(root: Path) -> Path:
    """One tiny article in BASIL's layout: sentence-relative offsets, lexical and informational."""
    paragraphs = [
        ["The senator slammed the plan on Monday.", "Critics called it a reckless gamble."],
        ["The vote is due in June.", "Supporters praised the bill."],
    ]
    annotations = [
        {"bias": "lex", "start": 12, "end": 19, "txt": "slammed", "quote": "no"},  # flagged: hit
        {"bias": "lex", "start": 12, "end": 20, "txt": "praised", "quote": "no"},  # not in lexicon
        {"bias": "inf", "start": 0, "end": 36, "txt": "Critics called it a reckless gamble.", "quote": "no"},
    ]
    (root / "articles" / "2010").mkdir(parents=True)
    (root / "annotations" / "2010").mkdir(parents=True)
    (root / "articles" / "2010" / "e1_1.json").write_text(json.dumps({"body-paragraphs": paragraphs}))
    (root / "annotations" / "2010" / "e1_1_ann.json").write_text(
        json.dumps({"phrase-level-annotations": annotations})
    )
    return root


def test_framing_matching_on_a_tiny_article(tmp_path: Path) -> None:
    metrics = evaluate_framing(_basil_folder(tmp_path))["metrics"]
    # Flags: "slammed" (inside a lexical span) and "reckless" (inside an informational one only).
    assert metrics["flags"] == 2
    assert metrics["lexical_spans"] == 2
    assert metrics["span_precision"] == pytest.approx(0.5)
    assert metrics["span_recall"] == pytest.approx(0.5)
    assert metrics["token_precision"] == pytest.approx(0.5)
    assert metrics["token_recall"] == pytest.approx(0.5)
    assert metrics["flags_in_any_bias_span"] == pytest.approx(1.0)
    # Sentences: gold 1 and 4, flagged 1 and 2.
    assert (metrics["sentence_precision"], metrics["sentence_recall"]) == (0.5, 0.5)
    assert metrics["unlocated_spans"] == 0


def test_prf() -> None:
    assert prf(2, 4, 8) == {"precision": 0.5, "recall": 0.25, "f1": 0.3333}
    assert prf(0, 0, 3) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


# -- contradiction --------------------------------------------------------------------------------


def test_read_sick_and_cues(tmp_path: Path) -> None:
    path = tmp_path / "sick.txt"
    path.write_text(
        "pair_ID\tsentence_A\tsentence_B\trelatedness_score\tentailment_judgment\n"
        "1\tA dog is running\tThere is no dog running\t4.1\tCONTRADICTION\n"
        "2\tA man is sitting\tA man is standing\t3.9\tcontradiction\n"
        "3\tA cat sleeps\tA kitten sleeps\t4.5\tENTAILMENT\n",
        encoding="utf-8",
    )
    pairs = read_sick(path)
    assert [p.contradiction for p in pairs] == [True, True, False]
    assert negations("There is no dog and nobody isn't here") == 3
    assert opposites("A man is sitting", "A man is standing") == 1
    assert opposites("A man is sitting and standing", "A man is standing") == 0


def test_feature_matrix_and_rules(tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    a = ["A dog is running in the park", "Three men are talking", "A cat sleeps"]
    b = ["There is no dog running in the park", "Five men are talking", "A kitten sleeps"]
    cosine = np.array([0.95, 0.9, 0.7])
    overlap = np.array([1.0, 0.8, 0.3])
    signals = PairSignals(cosine, overlap, np.zeros(3), np.zeros(3))
    x = feature_matrix(a, b, signals)
    assert x.shape == (3, 10)
    assert x[0, 4] == 1.0 and x[1, 4] == 0.0  # negation on one side only
    assert x[1, 8] == 1.0 and x[0, 8] == 0.0  # different numbers
    found, kinds, probability = rule_predictions(a, b, cosine, overlap, spacy.blank("en"))
    assert found.tolist() == [True, False, False]
    assert kinds == [frozenset({"polarity"}), frozenset(), frozenset()]
    # The rules before the classifier: the same call here, from the closely aligned negated pair.
    assert hand_rules(kinds, polarity_cue(a, b), probability).tolist() == [True, False, False]


def test_classifier_fits_a_separable_signal() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 10))
    y = x[:, 4] > 0.5
    model = fit_classifier(x, y, "synthetic")
    scores = binary_scores(model.probability(x) >= model.threshold, y)
    assert scores["f1"] >= 0.9
    assert binary_scores(np.array([True, True, False]), np.array([True, False, True])) == {
        "precision": 0.5, "recall": 0.5, "f1": 0.5}


# -- quality floors on the shared data ------------------------------------------------------------


def test_quality_floor_framing_on_basil(data_dir: Path) -> None:
    metrics = evaluate_framing(data_dir / "basil")["metrics"]
    assert metrics["lexical_spans"] >= 350
    assert metrics["span_precision"] >= 0.08
    assert metrics["span_recall"] >= 0.04


def test_quality_floor_stance_on_fnc1_subset(data_dir: Path) -> None:
    # Every 90th body: 11 bodies, 196 pairs of all four stances.
    result = evaluate_stance(data_dir / "fnc1", every=90, null_bodies=10)
    metrics = result["metrics"]
    assert result["n"] == 196
    assert metrics["fnc_score"] >= 65.0
    assert metrics["related_accuracy"] >= 0.93


def test_quality_floor_contradiction_on_sick_subset(data_dir: Path) -> None:
    sick = data_dir / "sick"
    result = evaluate_contradiction(sick / "SICK_test_annotated.txt", train_path=sick / "SICK_trial.txt",
                                    limit=200)
    metrics = result["metrics"]
    assert metrics["rules_precision"] >= 0.5
    assert metrics["classifier_f1"] >= 0.65
    assert metrics["classifier_f1"] > metrics["rules_f1"]


def test_eval_framing_command(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "framing", str(data_dir / "basil"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["task"] == "framing"

