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
Where BASIL names the speaker of a found span as a person ("Michael_Steele", not "other_anti"
or "Republican_Lawmakers"),
``speaker_agreement`` is the share whose voice's speaker (or speaker words) holds that surname.
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
from parallax.errors import DatasetError
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


def basil_text(article: dict[str, Any]) -> tuple[str, list[tuple[int, str]]]:
    """A BASIL article's text (sentences joined by spaces, paragraphs by blank lines) and each
    sentence with its offset in that text."""
    parts: list[str] = []
    sentences: list[tuple[int, str]] = []
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
    return "".join(parts), sentences


def read_article(article_path: Path, annotation_path: Path, event: str = "") -> BasilArticle:
    """One BASIL article as plain text, with its quote spans moved to offsets in that text."""
    article = json.loads(article_path.read_text(encoding="utf-8"))
    annotation = json.loads(annotation_path.read_text(encoding="utf-8"))
    text, sentences = basil_text(article)
    quotes = []
    for entry in annotation.get("phrase-level-annotations") or []:
        if str(entry.get("quote", "")).lower() != "yes":
            continue
        start, end, words = int(entry["start"]), int(entry["end"]), str(entry["txt"])
        # The offsets are relative to the sentence holding the span; the words say which one.
        for sentence_start, sentence in sentences:
            if sentence[start:end] == words:
                speaker = str(entry.get("speaker", ""))
                quotes.append(QuoteSpan(sentence_start + start, sentence_start + end, words, speaker))
                break
    return BasilArticle(event, article_path, text, tuple(quotes))


def basil_files(root: Path, events: int | None = None) -> list[tuple[str, Path, Path]]:
    """(event, article file, annotation file) of the annotated articles under ``root``
    (``articles/<year>/<event>_<n>.json`` with ``annotations/<year>/<event>_<n>_ann.json``), events
    sorted by id; the first ``events`` only when given."""
    pairs: dict[str, list[tuple[Path, Path]]] = {}
    for annotation_path in sorted((root / "annotations").glob("*/*_ann.json")):
        name = annotation_path.name.removesuffix("_ann.json")
        article_path = root / "articles" / annotation_path.parent.name / f"{name}.json"
        if article_path.is_file():
            event = name.rsplit("_", 1)[0]
            pairs.setdefault(event, []).append((article_path, annotation_path))
    chosen = sorted(pairs)[:events] if events is not None else sorted(pairs)
    return [(event, a, b) for event in chosen for a, b in pairs[event]]


def read_basil(root: Path, events: int | None = None) -> list[BasilArticle]:
    """The annotated articles under ``root`` with their quote spans (see :func:`basil_files`)."""
    return [read_article(a, b, event) for event, a, b in basil_files(root, events)]


def covering(span: QuoteSpan, voices: Iterable[Voice]) -> list[Voice]:
    """The voices that hold the span, or at least half of it."""
    length = max(1, span.end - span.start)
    return [v for v in voices if min(span.end, v.end) - max(span.start, v.start) >= MIN_OVERLAP * length]


def covered(span: QuoteSpan, voices: Iterable[Voice]) -> bool:
    return bool(covering(span, voices))


#: Words that make a BASIL speaker label a group, not a person ("Republican_Lawmakers",
#: "Obama_campaign", "Tea_Party", "House_Democrats").
GROUP_WORDS = frozenset({
    "lawmakers", "campaign", "party", "democrats", "republicans", "officials", "companies",
    "plaintiffs", "protestors", "protesters", "catholics", "administration", "supporters",
})


_SUFFIXES = frozenset({"jr", "sr", "ii", "iii"})


def named_speaker(span: QuoteSpan) -> str | None:
    """The surname of a span's annotated speaker when BASIL names a person ("Michael_Steele" ->
    "steele"); None for groups ("other_anti", "Republican_Lawmakers", "Obama_campaign"), single
    words ("NAACP") and blanks."""
    name = span.speaker.strip()
    if not name or name.lower().startswith("other") or "_" not in name:
        return None
    parts = [part for part in name.split("_") if part.lower().rstrip(".") not in _SUFFIXES]
    if len(parts) < 2 or any(part.lower() in GROUP_WORDS or not part[:1].isupper() for part in parts):
        return None
    return parts[-1].lower()


def speaker_agrees(surname: str, voices: Iterable[Voice]) -> bool:
    return any(surname in f"{v.speaker or ''} {v.speaker_text or ''}".lower() for v in voices)


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
    if not articles:
        raise DatasetError(f"{root}: no BASIL articles (expected articles/ and annotations/ folders)")
    nlp = nlp or load_nlp()
    resolve = _entity_resolver()
    began = time.perf_counter()
    spans = hits = direct_hits = 0
    voice_count = direct = reported = attributed = 0
    words = 0
    named = agreed = 0  # found spans whose annotated speaker is a named person; speaker matches
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
            found = covering(span, voices)
            if found:
                hits += 1
                surname = named_speaker(span)
                if surname is not None:
                    named += 1
                    agreed += speaker_agrees(surname, found)
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
            "named_speaker_spans": named,
            "speaker_agreement": round(agreed / named, 4) if named else 0.0,
            "entity_resolution": resolve is not None,
            "seconds": round(seconds, 2),
            "words_per_second": round(words / seconds) if seconds else 0,
        },
        "anchors": {},
        "targets": dict(TARGETS),
    }
