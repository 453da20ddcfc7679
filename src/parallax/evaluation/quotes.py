"""Score voice extraction against the quote flags of BASIL (Fan et al., EMNLP 2019).

BASIL marks bias spans in 240 articles (80 events, each covered by Fox News, The New York Times
and HuffPost); a span flagged ``"quote": "yes"`` lies in words the article attributes to someone
(a direct quote or a paraphrase). Its ``start``/``end`` are character offsets into one sentence
of ``body-paragraphs`` (a list of paragraphs, each a list of sentences); the reader finds that
sentence by matching ``txt`` and moves the span into the article text, which joins sentences with
a space and paragraphs with a blank line.

Recall is the share of quote spans that a voice found by :func:`find_voices` covers: the span
lies inside the voice's text, or at least half of it overlaps. BASIL marks only biased quotes,
not every quote, so there is no precision; the voice counts per article say how much is found.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parallax.enrich.nlp import load_nlp
from parallax.enrich.voices import find_voices
from parallax.model import Voice

TARGETS = {"recall": 0.80}
#: Share of an annotated span a voice must cover to count as found.
MIN_OVERLAP = 0.5


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    start: int
    end: int
    text: str
    speaker: str


@dataclass(frozen=True, slots=True)
class BasilArticle:
    event: str
    path: Path
    text: str
    quotes: tuple[QuoteSpan, ...]


def read_article(article_path: Path, annotation_path: Path, event: str = "") -> BasilArticle:
    """One BASIL article as plain text, with its quote spans moved to offsets in that text."""
    article = json.loads(article_path.read_text(encoding="utf-8"))
    annotation = json.loads(annotation_path.read_text(encoding="utf-8"))
    parts: list[str] = []
    sentences: list[tuple[int, str]] = []  # (offset in the text, sentence)
    offset = 0
    for p_index, paragraph in enumerate(article.get("body-paragraphs") or []):
        if p_index:
            parts.append("\n\n")
            offset += 2
        for s_index, sentence in enumerate(paragraph):
            if s_index:
                parts.append(" ")
                offset += 1
            sentences.append((offset, sentence))
            parts.append(sentence)
            offset += len(sentence)
    text = "".join(parts)
    quotes = []
    for entry in annotation.get("phrase-level-annotations") or []:
        if str(entry.get("quote", "")).lower() != "yes":
            continue
        start, end, words = int(entry["start"]), int(entry["end"]), str(entry["txt"])
        # The offsets are relative to the sentence holding the span; the words say which one.
        for sentence_start, sentence in sentences:
            if sentence[start:end] == words:
                quotes.append(
                    QuoteSpan(sentence_start + start, sentence_start + end, words, str(entry.get("speaker", "")))
                )
                break
    return BasilArticle(event, article_path, text, tuple(quotes))


def read_basil(root: Path, events: int | None = None) -> list[BasilArticle]:
    """The annotated articles under ``root`` (``articles/<year>/<event>_<n>.json`` with
    ``annotations/<year>/<event>_<n>_ann.json``), events sorted by id; the first ``events`` only
    when given."""
    pairs: dict[str, list[tuple[Path, Path]]] = {}
    for annotation_path in sorted((root / "annotations").glob("*/*_ann.json")):
        name = annotation_path.name.removesuffix("_ann.json")
        article_path = root / "articles" / annotation_path.parent.name / f"{name}.json"
        if article_path.is_file():
            event = name.rsplit("_", 1)[0]
            pairs.setdefault(event, []).append((article_path, annotation_path))
    chosen = sorted(pairs)[:events] if events is not None else sorted(pairs)
    return [read_article(a, b, event) for event in chosen for a, b in pairs[event]]


def covered(span: QuoteSpan, voices: Iterable[Voice]) -> bool:
    """True when some voice holds the span, or at least half of it."""
    length = max(1, span.end - span.start)
    for voice in voices:
        overlap = min(span.end, voice.end) - max(span.start, voice.start)
        if overlap >= MIN_OVERLAP * length:
            return True
    return False


def _entity_resolver() -> Callable[[Any], Any] | None:
    try:
        from parallax.enrich.entities import resolve_entities
    except ImportError:
        return None
    return resolve_entities


def evaluate_quotes(root: Path, events: int | None = None, nlp: Any = None) -> dict[str, Any]:
    """Recall of BASIL quote spans by :func:`find_voices`, with counts of what was found.

    ``root`` is the ``basil`` folder; ``events`` limits the run to the first events by id.
    """
    articles = read_basil(root, events)
    nlp = nlp or load_nlp()
    resolve = _entity_resolver()
    began = time.perf_counter()
    spans = hits = direct_hits = 0
    voice_count = direct = reported = attributed = 0
    words = 0
    for article, doc in zip(articles, nlp.pipe(a.text for a in articles), strict=True):
        entities = resolve(doc) if resolve is not None else None
        voices = find_voices(doc, entities)
        words += len(doc)
        voice_count += len(voices)
        direct += sum(1 for v in voices if v.mode == "direct")
        reported += sum(1 for v in voices if v.mode == "reported")
        attributed += sum(1 for v in voices if v.speaker)
        for span in article.quotes:
            spans += 1
            if covered(span, voices):
                hits += 1
            if covered(span, (v for v in voices if v.mode == "direct")):
                direct_hits += 1
    seconds = time.perf_counter() - began
    return {
        "task": "quotes",
        "dataset": "basil",
        "n": spans,
        "metrics": {
            "recall": round(hits / spans, 4) if spans else 0.0,
            "recall_direct_only": round(direct_hits / spans, 4) if spans else 0.0,
            "articles": len(articles),
            "voices": voice_count,
            "voices_per_article": round(voice_count / len(articles), 2) if articles else 0.0,
            "direct_voices": direct,
            "reported_voices": reported,
            "with_speaker": round(attributed / voice_count, 4) if voice_count else 0.0,
            "entity_resolution": resolve is not None,
            "seconds": round(seconds, 2),
            "words_per_second": round(words / seconds) if seconds else 0,
        },
        "anchors": {},
        "targets": dict(TARGETS),
    }
