"""Similarity-only features: numbers, headlines, the language-pair columns, and how the
regressions name the columns they read."""

from __future__ import annotations

import numpy as np
import pytest

from parallax.cluster.model import Regression, load_model
from parallax.cluster.signals import FEATURES, ArticleSignals
from parallax.cluster.similarity import (
    EXTRA_FEATURES,
    SIMILARITY_FEATURES,
    PairSide,
    columns,
    extra_features,
    headline_of,
    numbers_in,
    similarity_features,
)
from parallax.errors import ConfigError


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def _signals(key: str, language: str, lead: np.ndarray, body: np.ndarray) -> ArticleSignals:
    return ArticleSignals(id=key, title="", lead=lead, body=body, names=frozenset(), places=frozenset(),
                          days=(), day=None, language=language)


def test_similarity_numbers_ignore_separators_zeros_and_script() -> None:
    english = numbers_in("In 2019 the harbour handled 1,250 ships; berth 07 reopened.")
    german = numbers_in("Im Jahr 2019 legten 1.250 Schiffe an, Liegeplatz 7 wurde wieder geöffnet.")
    assert english == german == frozenset({"2019", "1250", "7"})
    # Arabic-Indic digits are the same numbers.
    assert numbers_in("عام ٢٠١٩") == frozenset({"2019"})
    assert numbers_in("no figures here") == frozenset()


def test_similarity_headline_falls_back_to_first_sentence() -> None:
    assert headline_of("  Harbour   reopens ", "The harbour reopened. Ships returned.") == "Harbour reopens"
    assert headline_of("", "The harbour reopened. Ships returned.") == "The harbour reopened."
    assert headline_of("", "") == " "


def test_similarity_extra_features_of_a_pair_in_two_languages() -> None:
    lead_a, lead_b = _unit(1.0, 0.0, 0.0), _unit(0.6, 0.8, 0.0)
    body_a, body_b = _unit(0.0, 1.0, 0.0), _unit(0.0, 0.0, 1.0)
    a = _signals("a", "de", lead_a, body_a)
    b = _signals("b", "en", lead_b, body_b)
    side_a = PairSide(_unit(1.0, 1.0, 0.0), frozenset({"2019", "1250"}))
    side_b = PairSide(_unit(1.0, 0.0, 0.0), frozenset({"2019", "7", "12"}))
    row = dict(zip(EXTRA_FEATURES, extra_features(a, b, side_a, side_b), strict=True))
    assert row["cross_language"] == 1.0
    assert row["cross_language_lead"] == pytest.approx(0.6)
    assert row["cross_language_body"] == pytest.approx(0.0)
    summed_a, summed_b = lead_a + body_a, lead_b + body_b
    expected = float(summed_a @ summed_b / np.linalg.norm(summed_a) / np.linalg.norm(summed_b))
    assert row["mean_cosine"] == pytest.approx(expected, abs=1e-6)
    assert row["lead_body_cosine"] == pytest.approx(0.8)  # b's lead against a's body
    assert row["numbers_dice"] == pytest.approx(2 * 1 / 5)
    assert row["headline_cosine"] == pytest.approx(np.sqrt(0.5), abs=1e-6)


def test_similarity_extra_features_of_one_language_or_unknown() -> None:
    vector = _unit(1.0, 0.0)
    side = PairSide(vector, frozenset())
    for first, second in (("es", "es"), ("es", None)):
        a = ArticleSignals(id="a", title="", lead=vector, body=vector, names=frozenset(), places=frozenset(),
                           days=(), day=None, language=first)
        b = ArticleSignals(id="b", title="", lead=vector, body=vector, names=frozenset(), places=frozenset(),
                           days=(), day=None, language=second)
        row = dict(zip(EXTRA_FEATURES, extra_features(a, b, side, side), strict=True))
        assert row["cross_language"] == row["cross_language_lead"] == row["cross_language_body"] == 0.0
        assert row["numbers_dice"] == 0.0  # no numbers on either side: nothing shared
        full = similarity_features(a, b, side, side)
        assert len(full) == len(SIMILARITY_FEATURES)
        assert full[: len(FEATURES)][0] == pytest.approx(1.0)


def test_similarity_regression_names_its_columns() -> None:
    old_file = Regression.from_json({"weights": [0.0] * (2 * len(FEATURES)), "bias": 2.5})
    assert old_file.features == FEATURES
    picked = ("lead_cosine", "numbers_dice")
    regression = Regression((1.0, 0.0, 2.0, 0.0), 1.0, picked)
    assert Regression.from_json(regression.to_json()) == regression
    rows = np.zeros((1, len(SIMILARITY_FEATURES)))
    rows[0, SIMILARITY_FEATURES.index("lead_cosine")] = 0.5
    rows[0, SIMILARITY_FEATURES.index("numbers_dice")] = 0.25
    assert columns(rows, regression).tolist() == [[0.5, 0.25]]
    assert regression.score(columns(rows, regression))[0] == pytest.approx(1.0 + 0.5 + 0.5)
    with pytest.raises(ValueError):
        Regression.from_json({"weights": [1.0, 2.0, 3.0], "bias": 0.0, "features": list(picked)})
    with pytest.raises(ConfigError):
        columns(rows, Regression((1.0, 1.0), 0.0, ("no_such_feature",)))


def test_similarity_shipped_regressions_read_known_columns() -> None:
    model = load_model()
    assert tuple(model.features) == FEATURES  # story linking still reads its own eleven
    for calibration in model.calibrations.values():
        for regression in calibration.similarity.values():
            assert regression.features[: len(FEATURES)] == FEATURES
            assert set(regression.features) <= set(SIMILARITY_FEATURES)
            assert len(regression.weights) == 2 * len(regression.features)


def test_every_shipped_similarity_curve_moves_one_way() -> None:
    # A similarity never makes a pair look less similar as it grows over [0, 1], and a gap never
    # makes it look more similar: a text scored against itself is "very similar".
    from parallax.evaluation.similarity import DIRECTIONS

    for calibration in load_model().calibrations.values():
        for dimension, regression in calibration.similarity.items():
            count = len(regression.features)
            for i, name in enumerate(regression.features):
                linear, square = regression.weights[i], regression.weights[count + i]
                slopes = (linear, linear + 2 * square)  # the slope at 0 and at 1
                if DIRECTIONS[name] < 0:
                    assert max(slopes) <= 1e-5, (dimension, name, slopes)  # weights are kept to 6 places
                elif DIRECTIONS[name] > 0:
                    assert linear >= -1e-5 and square >= -1e-5, (dimension, name)


def test_the_fit_holds_a_similarity_to_its_direction_where_least_squares_would_turn_back() -> None:
    from parallax.evaluation.similarity import fit_regression

    # Scores that rise again at the top of the range: unbounded least squares follows them.
    x = np.linspace(0.0, 1.0, 41)
    target = 4.0 - 6.0 * x + 5.0 * x**2
    rows = Regression.expand(x[:, None])
    weights, bias = fit_regression(rows, target, ("words_cosine",))
    fitted = Regression(weights, bias, ("words_cosine",)).score(x[:, None])
    assert np.all(np.diff(fitted) <= 1e-9)
    assert fitted[-1] == pytest.approx(min(fitted))
