"""Paraphrase detection on MRPC (`parallax eval paraphrase`).

The decision scored is the one compare asks before a claim takes a second partner: the paraphrase
cross-encoder's (the shipped one, or one installed) (:mod:`parallax.compare.paraphrase`), else the two-signal
alignment model's at its paraphrase threshold. The alignment model, which decides which claims
state one fact, is always scored beside it (``alignment_model_*``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from parallax.compare.align import load_model, predicates, probabilities
from parallax.compare.fit import features, read_mrpc
from parallax.compare.paraphrase import ENV_VAR, get_judge
from parallax.errors import DatasetError
from parallax.evaluation.metrics import precision_recall_f1


def _scores(predicted: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    scores = precision_recall_f1(
        int(np.sum(predicted & gold)), int(np.sum(predicted & ~gold)), int(np.sum(~predicted & gold))
    )
    return {"f1": scores["f1"], "accuracy": round(float(np.mean(predicted == gold)), 4),
            "precision": scores["precision"], "recall": scores["recall"]}


def evaluate_paraphrase(path: Path) -> dict[str, Any]:
    """F1 and accuracy of the paraphrase decision on an MRPC file."""
    from parallax.evaluation import dataset_file

    rows = read_mrpc(dataset_file(path, "an MRPC file such as msr_paraphrase_test.txt"))
    if not rows:
        raise DatasetError(f"{path}: no MRPC rows (expected 'Quality, #1 ID, #2 ID, #1 String, #2 String')")
    gold = np.array([r[0] == 1 for r in rows])
    # As compare decides which claims state one fact: vectors, shared words, and predicates of the
    # lexicon both sentences state, at the alignment model's own paraphrase threshold.
    x = features(rows)
    model = load_model()
    shared = np.array([bool(predicates(r[1]) & predicates(r[2])) for r in rows])
    aligned = _scores(probabilities(x[:, 0], x[:, 1], model, shared) >= model.threshold, gold)
    judge = get_judge()
    if judge is None:
        metrics = dict(aligned)
        decided_by: dict[str, Any] = {
            "name": "alignment model",
            "note": f"no paraphrase cross-encoder in use ({ENV_VAR}={os.environ.get(ENV_VAR, '')!r}); "
                    "unset it for the shipped one",
        }
    else:
        decided, asked = judge.route([(r[1], r[2]) for r in rows])
        metrics = _scores(decided, gold)
        decided_by = {"name": "paraphrase cross-encoder", "threshold": judge.threshold,
                      "trained_on": judge.model.trained_on, "base_model": judge.model.base_model,
                      "threshold_fitted_on": judge.model.threshold_fitted_on,
                      "directory": str(judge.directory)}
        if judge.screen is not None:
            # A cheaper model answers first; the share it passes on is the cost of the pair.
            metrics["asked_past_screen"] = round(float(asked.mean()), 4)
            decided_by["screen"] = {"base_model": judge.screen.model.base_model,
                                    "low": judge.model.screen_low, "high": judge.model.screen_high,
                                    "fitted_on": judge.model.screen_fitted_on}
    metrics.update({f"alignment_model_{name}": value for name, value in aligned.items()})
    return {
        "task": "paraphrase",
        "dataset": "mrpc",
        "n": len(rows),
        "metrics": metrics,
        "anchors": {"xlnet_ensemble_f1": 0.930, "xlnet_ensemble_accuracy": 0.907},
        "targets": {"f1": 0.85},
        "model": {"decided_by": decided_by, "alignment": model.to_json()},
    }
