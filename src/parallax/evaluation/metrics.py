"""Scores shared by the evaluations."""

from __future__ import annotations


def f1_of(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall; 0 where both are."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def precision_recall_f1(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 from true positives, false positives and false negatives, rounded
    to four places; each is 0 where its denominator is."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = f1_of(precision, recall)
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}
