"""Loaded-word flagging scored against BASIL's lexical-bias spans (`parallax eval framing`).

BASIL (Fan et al., EMNLP 2019) marks spans of media bias in 240 articles: ``"bias": "lex"``
(lexical bias: the words chosen, "slammed", "henchmen") and ``"bias": "inf"`` (informational
bias: which facts are told). Only the lexical spans are the target here. Offsets are relative to
one sentence of ``body-paragraphs``; the reader finds that sentence by matching ``txt`` (falling
back to the first occurrence of ``txt`` in the article) and moves the span into the article text,
joined as in :mod:`parallax.evaluation.quotes`.

What is flagged is what ``parallax compare`` reports as loaded words
(:func:`parallax.compare.framing.find_loaded_words`, one word each). Matching:

- **token level**: the article's words (``[A-Za-z][A-Za-z-]+``); a word is gold when it overlaps a
  lexical span and predicted when it is flagged. Precision = flagged gold words / flagged words;
  recall = flagged gold words / gold words.
- **span level**: a flagged word is a hit when it overlaps a lexical span (precision = hits /
  flags); a lexical span is found when any flagged word overlaps it (recall = found / spans).
- **sentence level**: a sentence is gold when it holds a lexical span, predicted when it holds a
  flagged word.

BASIL annotators marked the bias they judged to matter, not every evaluative word, so precision
counts some defensible flags as errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parallax.compare.framing import find_loaded_words, loaded_lexicon
from parallax.errors import DatasetError
from parallax.evaluation.metrics import precision_recall_f1
from parallax.evaluation.quotes import basil_files, basil_text
from parallax.model import Article

_TOKEN = re.compile(r"[A-Za-z][A-Za-z\-]+")
ANCHORS = {"basil_sentence_level_bias_detection": "best published F1 in the 40s-50s (not lexical-only)"}


@dataclass(frozen=True, slots=True)
class BiasSpan:
    start: int
    end: int
    text: str
    kind: str  # "lex" | "inf"


@dataclass(frozen=True, slots=True)
class BiasArticle:
    name: str
    text: str
    sentences: tuple[tuple[int, int], ...]
    spans: tuple[BiasSpan, ...]
    unlocated: int = 0

    def lexical(self) -> list[BiasSpan]:
        return [s for s in self.spans if s.kind == "lex"]


def read_bias_article(article_path: Path, annotation_path: Path) -> BiasArticle:
    """One BASIL article as plain text with its bias spans moved to offsets in that text."""
    article = json.loads(article_path.read_text(encoding="utf-8"))
    annotation = json.loads(annotation_path.read_text(encoding="utf-8"))
    text, sentences = basil_text(article)
    spans: list[BiasSpan] = []
    unlocated = 0
    for entry in annotation.get("phrase-level-annotations") or []:
        kind = str(entry.get("bias", "")).strip().lower()
        if kind not in {"lex", "inf"}:
            continue
        words = str(entry.get("txt", ""))
        start, end = int(entry.get("start", 0)), int(entry.get("end", 0))
        where = next((s + start for s, sentence in sentences if sentence[start:end] == words), None)
        if where is None and words:
            found = text.find(words)
            where = found if found >= 0 else None
        if where is None:
            unlocated += 1
            continue
        spans.append(BiasSpan(where, where + len(words), words, kind))
    bounds = tuple((s, s + len(sentence)) for s, sentence in sentences)
    return BiasArticle(article_path.stem, text, bounds, tuple(spans), unlocated)


def read_basil_bias(root: Path, events: int | None = None) -> list[BiasArticle]:
    """The annotated articles under ``root`` with their bias spans (see
    :func:`parallax.evaluation.quotes.basil_files`)."""
    return [read_bias_article(a, b) for _, a, b in basil_files(root, events)]


def _overlaps(start: int, end: int, spans: Sequence[BiasSpan]) -> bool:
    return any(start < s.end and s.start < end for s in spans)


def prf(tp: int, predicted: int, gold: int) -> dict[str, float]:
    """Precision, recall and F1 from true positives, predicted and gold counts."""
    return precision_recall_f1(tp, predicted - tp, gold - tp)


@dataclass(slots=True)
class Counts:
    gold_tokens: int = 0
    flagged_tokens: int = 0
    token_hits: int = 0
    spans: int = 0
    spans_found: int = 0
    flags: int = 0
    flag_hits: int = 0
    flags_in_any_bias: int = 0
    gold_sentences: int = 0
    flagged_sentences: int = 0
    sentence_hits: int = 0


def count_article(article: BiasArticle, flags: Sequence[tuple[int, int]], counts: Counts) -> None:
    """Add one article's matches to ``counts``; ``flags`` are (start, end) of flagged words."""
    lexical = article.lexical()
    flagged = {(s, e) for s, e in flags}
    for match in _TOKEN.finditer(article.text):
        gold = _overlaps(match.start(), match.end(), lexical)
        predicted = any(match.start() < e and s < match.end() for s, e in flagged)
        counts.gold_tokens += gold
        counts.flagged_tokens += predicted
        counts.token_hits += gold and predicted
    for span in lexical:
        counts.spans += 1
        counts.spans_found += any(s < span.end and span.start < e for s, e in flagged)
    for start, end in flagged:
        counts.flags += 1
        counts.flag_hits += _overlaps(start, end, lexical)
        counts.flags_in_any_bias += _overlaps(start, end, article.spans)
    for start, end in article.sentences:
        gold = any(start <= s.start < end for s in lexical)
        predicted = any(start <= s < end for s, _ in flagged)
        counts.gold_sentences += gold
        counts.flagged_sentences += predicted
        counts.sentence_hits += gold and predicted


def score_counts(counts: Counts) -> dict[str, Any]:
    token = prf(counts.token_hits, counts.flagged_tokens, counts.gold_tokens)
    span_p = counts.flag_hits / counts.flags if counts.flags else 0.0
    span_r = counts.spans_found / counts.spans if counts.spans else 0.0
    span_f = 2 * span_p * span_r / (span_p + span_r) if span_p + span_r else 0.0
    sentence = prf(counts.sentence_hits, counts.flagged_sentences, counts.gold_sentences)
    metrics: dict[str, Any] = {f"token_{k}": v for k, v in token.items()}
    metrics.update({"span_precision": round(span_p, 4), "span_recall": round(span_r, 4),
                    "span_f1": round(span_f, 4)})
    metrics.update({f"sentence_{k}": v for k, v in sentence.items()})
    return metrics


def evaluate_framing(root: Path, events: int | None = None) -> dict[str, Any]:
    """Token-, span- and sentence-level precision/recall/F1 of loaded-word flags against BASIL's
    lexical-bias spans. ``root`` is the ``basil`` folder; ``events`` limits the run."""
    articles = read_basil_bias(root, events)
    if not articles:
        raise DatasetError(f"{root}: no BASIL articles (expected articles/ and annotations/ folders)")
    counts = Counts()
    unlocated = 0
    for article in articles:
        found = find_loaded_words(Article(id=article.name, text=article.text))
        flags = [(int(w["start"]), int(w["end"])) for w in found]
        count_article(article, flags, counts)
        unlocated += article.unlocated
    metrics = score_counts(counts)
    metrics.update(
        {
            "articles": len(articles),
            "lexical_spans": counts.spans,
            "flags": counts.flags,
            "flags_in_any_bias_span": round(counts.flags_in_any_bias / counts.flags, 4)
            if counts.flags else 0.0,
            "unlocated_spans": unlocated,
            "lexicon_words": len(loaded_lexicon()),
        }
    )
    return {
        "task": "framing",
        "dataset": "basil",
        "n": counts.spans,
        "metrics": metrics,
        "anchors": dict(ANCHORS),
    }
