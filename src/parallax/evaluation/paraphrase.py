"""Claim alignment judged as paraphrase detection on MRPC (`parallax eval paraphrase`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from parallax.compare.align import load_model, predicates, probabilities
from parallax.compare.fit import features, read_mrpc
from parallax.evaluation.metrics import precision_recall_f1


def evaluate_paraphrase(path: Path) -> dict[str, Any]:
    """F1 and accuracy of the alignment model's paraphrase decision on an MRPC file."""
    rows = read_mrpc(path)
    if not rows:
        raise ValueError(f"{path}: no MRPC rows (expected 'Quality, #1 ID, #2 ID, #1 String, #2 String')")
    x = features(rows)
    model = load_model()
    # As compare decides: vectors, shared words, and predicates of the lexicon both sentences state.
    shared = np.array([bool(predicates(r[1]) & predicates(r[2])) for r in rows])
    probability = probabilities(x[:, 0], x[:, 1], model, shared)
    predicted = probability >= model.threshold
    gold = np.array([r[0] == 1 for r in rows])
    scores = precision_recall_f1(
        int(np.sum(predicted & gold)), int(np.sum(predicted & ~gold)), int(np.sum(~predicted & gold))
    )
    return {
        "task": "paraphrase",
        "dataset": "mrpc",
        "n": len(rows),
        "metrics": {"f1": scores["f1"], "accuracy": round(float(np.mean(predicted == gold)), 4),
                    "precision": scores["precision"], "recall": scores["recall"]},
        "anchors": {"xlnet_ensemble_f1": 0.930, "xlnet_ensemble_accuracy": 0.907},
        "targets": {"f1": 0.85},
        "model": model.to_json(),
    }
