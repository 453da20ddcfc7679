"""Language identification with py3langid, whose model ships inside the package (works offline)."""

from __future__ import annotations

from functools import cache
from typing import Any

# Enough text to be sure; classifying a whole long article costs time and adds nothing.
_SAMPLE_CHARS = 300


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code and probability, or ``(None, 0.0)`` for text too short to judge."""
    sample = text[:_SAMPLE_CHARS]
    if sum(map(str.isalpha, sample)) < 20:
        return None, 0.0
    language, probability = _identifier().classify(sample)
    return str(language), float(probability)
