"""Fit the claim-alignment model: its weights on MRPC's training pairs (never on its test file),
its fact threshold on ECB+ topics outside the standard development set.

    python -m parallax.compare.fit [MRPC_TRAIN_FILE [ECBPLUS_FOLDER]]

Writes ``align_model_v1.json`` beside this module.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from parallax.compare.align import MODEL_FILE, TermWeights, content_terms

FACT_RECALL = 0.98


def read_mrpc(path: Path) -> list[tuple[int, str, str]]:
    rows = []
    # The header line, where a copy has one, fails the label check below like any malformed line.
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        parts = line.split("\t")
        if len(parts) == 5 and parts[0] in {"0", "1"}:
            rows.append((int(parts[0]), parts[3], parts[4]))
    return rows


def features(rows: list[tuple[int, str, str]], embedder: object | None = None) -> np.ndarray:
    from parallax.enrich.embed import get_embedder

    model = embedder or get_embedder()
    left = model.embed([r[1] for r in rows])  # type: ignore[attr-defined]
    right = model.embed([r[2] for r in rows])  # type: ignore[attr-defined]
    cosine = np.sum(left * right, axis=1)
    terms = [(content_terms(r[1]), content_terms(r[2])) for r in rows]
    weights = TermWeights([t for pair in terms for t in pair])
    overlap = np.array([weights.overlap(a, b) for a, b in terms], dtype=np.float32)
    return np.stack([cosine, overlap], axis=1)


def fit_logistic(x: np.ndarray, y: np.ndarray, *, steps: int = 4000, rate: float = 0.5) -> np.ndarray:
    """Plain gradient descent on the log loss; two features need nothing more."""
    design = np.hstack([np.ones((len(x), 1)), x])
    weights = np.zeros(design.shape[1])
    for _ in range(steps):
        predictions = 1.0 / (1.0 + np.exp(-design @ weights))
        weights -= rate * design.T @ (predictions - y) / len(y)
    return weights


def best_threshold(probabilities: np.ndarray, y: np.ndarray) -> float:
    """The threshold with the best F1 on the training pairs."""
    best = (0.0, 0.5)
    for threshold in np.linspace(0.2, 0.8, 61):
        predicted = probabilities >= threshold
        tp = float(np.sum(predicted & (y == 1)))
        fp = float(np.sum(predicted & (y == 0)))
        fn = float(np.sum(~predicted & (y == 1)))
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        best = max(best, (f1, float(threshold)))
    return best[1]


def main() -> None:
    data = Path(os.environ.get("PARALLAX_DATA", "../shared/data"))
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else data / "mrpc" / "msr_paraphrase_train.txt"
    ecbplus = Path(sys.argv[2]) if len(sys.argv) > 2 else data / "ecbplus"
    rows = read_mrpc(path)
    x = features(rows)
    y = np.array([r[0] for r in rows], dtype=np.float64)
    weights = fit_logistic(x, y)
    design = np.hstack([np.ones((len(x), 1)), x])
    probability = 1.0 / (1.0 + np.exp(-design @ weights))
    threshold = best_threshold(probability, y)
    # News outlets state one fact in looser words than MRPC's paraphrases. Without other data, the
    # fact threshold keeps FACT_RECALL of MRPC's paraphrase pairs; with ECB+, it is fitted on
    # sentences of different reports of one event (parallax.evaluation.alignment).
    fact_threshold = float(np.quantile(probability[y == 1], 1.0 - FACT_RECALL))
    fact_trained_on = f"MRPC train: {FACT_RECALL:.0%} of paraphrase pairs kept"
    model: dict[str, Any] = {
        "version": 2,
        "bias": round(float(weights[0]), 4),
        "w_cosine": round(float(weights[1]), 4),
        "w_overlap": round(float(weights[2]), 4),
        "threshold": round(threshold, 3),
        "fact_threshold": round(fact_threshold, 3),
        "fact_recall": FACT_RECALL,
        # Claims that give different amounts of one thing must be at least this close to be held
        # one fact in conflict: as close as FACT_RECALL of MRPC's paraphrase pairs.
        "conflict_threshold": round(fact_threshold, 3),
        "trained_on": f"MRPC train ({len(rows)} pairs)",
    }
    if ecbplus.is_dir():
        from parallax.compare.align import AlignModel
        from parallax.evaluation.alignment import (
            FACT_PRECISION,
            document_pairs,
            fit_fact_threshold,
            read_event_sentences,
            split_topics,
        )

        fitted = AlignModel(**{**model, "fact_trained_on": fact_trained_on})
        train, _ = split_topics(document_pairs(read_event_sentences(ecbplus), model=fitted))
        fact_threshold, scores = fit_fact_threshold(train, fitted)
        fact_trained_on = (
            f"ECB+ topics outside the dev set ({len(train)} document pairs): the lowest threshold with "
            f"aligned-pair precision >= {FACT_PRECISION:.2f} (precision {scores['precision']:.3f}, "
            f"recall {scores['recall']:.3f})"
        )
        model["fact_threshold"] = round(fact_threshold, 3)
    model["fact_trained_on"] = fact_trained_on
    target = Path(__file__).with_name(MODEL_FILE)
    target.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(model))


if __name__ == "__main__":
    main()
