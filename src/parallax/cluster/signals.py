"""What two articles share: the signals that story linking and article similarity are built on.

Each article is reduced once to :class:`ArticleSignals`: two vectors (headline with lead, and an
excerpt of the body), the names it mentions, the countries it places itself in, the days its
events happened on, and its publication day. :func:`pair_features` turns two of them into a fixed
row of numbers that the fitted models weigh.

Names are read from the text itself (capitalised words), joined by the canonical names of the
stored enrichment when there is one, so the same signal exists for a stored article, a file read
for evaluation, and a language that spaCy does not cover (German capitalises every noun, which
makes the signal noisier there; scripts without capitals give no names at all, and the models
then rely on the vectors alone).
"""

from __future__ import annotations

import hashlib
import math
import operator
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from parallax.enrich.embed import Embedder, lead_of
from parallax.model import Enrichment
from parallax.text import clip, is_dateline, lead_text

Vector = npt.NDArray[np.float32]

#: Characters of the body, after the lead, that make the body vector: long enough to hold the
#: story's second paragraph, short enough to embed at about 30 articles a second.
BODY_CHARS = 1000
#: Characters read for names and dates: the first part of an article names the event; the rest
#: drifts into background that other stories share.
SCAN_CHARS = 3000

FEATURES: tuple[str, ...] = (
    "lead_cosine", "body_cosine", "names_dice", "names_known", "places_jaccard", "places_known",
    "days_shared", "days_conflict", "published_gap", "published_known", "words_cosine",
    "era_gap", "era_known",
)

_WORD = re.compile(r"[^\W\d_][\w'\u2019\-]*")
# Capitalised words that name no participant: function words at the start of a sentence, titles,
# calendar words and the institutions every political story has.
_COMMON = frozenset([
    "a", "an", "the", "and", "but", "or", "nor", "so", "yet", "for", "of", "in", "on", "at", "to", "by",
    "with", "from", "as", "into", "after", "before", "while", "when", "where", "what", "who", "whom",
    "whose", "which", "why", "how", "this", "that", "these", "those", "there", "here", "it", "its", "he",
    "she", "they", "we", "you", "i", "his", "her", "their", "our", "my", "your", "him", "them", "us",
    "me", "if", "then", "than", "not", "no", "yes", "also", "just", "one", "two", "three", "first",
    "last", "new", "more", "most", "many", "some", "all", "any", "each", "every", "other", "such", "only",
    "very", "over", "under", "about", "against", "between", "during", "mr", "mrs", "ms", "dr", "sir",
    "president", "minister", "prime", "secretary", "foreign", "chief", "general", "official", "officials",
    "police", "government", "state", "states", "ministry", "department", "office", "court", "house",
    "senate", "congress", "party", "leader", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "today", "yesterday", "tomorrow", "week", "month",
    "year", "news", "report", "reports", "said", "says", "according", "photo", "video", "read", "more",
    "update", "updated", "reuters", "ap", "afp", "der", "die", "das", "und", "ein", "eine", "nicht",
    "mit", "von", "zu", "im", "den", "dem", "des", "auf", "für", "ist", "sich", "es", "sie", "er", "wir",
    "el", "la", "los", "las", "un", "una", "y", "en", "por", "para", "con", "del", "al", "le", "les",
    "et", "à", "du", "au", "une", "est", "pour", "dans", "sur",
])


@dataclass(frozen=True, slots=True, eq=False)
class ArticleSignals:
    """One article as story linking sees it."""

    id: str
    title: str
    lead: Vector
    body: Vector
    names: frozenset[str]
    places: frozenset[str]
    days: tuple[int, ...]  # proleptic ordinals of the days its events happened on
    day: int | None  # ordinal of the publication day
    outlet: str | None = None
    country: str | None = None
    language: str | None = None
    syndicated_of: str | None = None
    entities: tuple[str, ...] = ()  # display names, for a story's key entities
    words: Mapping[str, float] = field(default_factory=dict)  # unit-length TF-IDF of its words
    era: int | None = None  # the first year its time expressions name: its period when it has no date
    opening: str = ""  # the first sentence, clipped: a story's title when no member has a headline

    @property
    def published(self) -> date | None:
        return date.fromordinal(self.day) if self.day is not None else None


def names_in(text: str) -> frozenset[str]:
    """Casefolded capitalised words of ``text`` that may name a participant."""
    found = set()
    for match in _WORD.finditer(text[:SCAN_CHARS]):
        word = match.group(0).strip("'\u2019-")
        if len(word) < 3 or not word[0].isupper():
            continue
        folded = word.casefold()
        if folded.endswith(("'s", "\u2019s")):
            folded = folded[:-2]
        if folded not in _COMMON:
            found.add(folded)
    return frozenset(found)


def places_in(text: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """Countries ``text`` names: by name, adjective or capital ("Seoul" is South Korea)."""
    from parallax.enrich.entities import geography

    geo = geography()
    words = [m.group(0) for m in _WORD.finditer(text[:SCAN_CHARS]) if m.group(0)[0].isupper()]
    found: set[str] = set()
    candidates = list(extra)
    for i, word in enumerate(words):
        candidates.append(word)
        if i + 1 < len(words):
            candidates.append(f"{word} {words[i + 1]}")
    for candidate in candidates:
        country = geo.country_of(candidate)
        if country:
            found.add(country)
    return frozenset(found)


def time_signals(
    text: str, published: date | None, enrichment: Enrichment | None
) -> tuple[tuple[int, ...], int | None]:
    """The days (as ordinals) that the article's time expressions resolve to at day precision,
    and its era: the first year they name, which stands in for a publication date it lacks."""
    if enrichment is not None:
        times = [(t.value, t.precision) for t in enrichment.times]
    else:
        from parallax.enrich.timex import find_times

        times = [(t.value, t.precision) for t in find_times(text[:SCAN_CHARS], published)]
    days = set()
    era = None
    for value, precision in times:
        if not value or len(value) < 4 or not value[:4].isdigit():
            continue
        if era is None:
            era = int(value[:4])
        if precision == "day" and len(value) >= 10:
            try:
                days.add(date.fromisoformat(value[:10]).toordinal())
            except ValueError:
                continue
    return tuple(sorted(days)), era


def day_of(value: date | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    return value.toordinal()


_LOWER_WORD = re.compile(r"[^\W\d_]{3,}")


def word_counts(text: str) -> Counter[str]:
    """Lower-cased words of three letters or more, function words left out."""
    return Counter(w for w in (m.group(0).lower() for m in _LOWER_WORD.finditer(text[:SCAN_CHARS * 2]))
                   if w not in _COMMON)


def word_vector(text: str, idf: Mapping[str, float], unseen: float) -> dict[str, float]:
    """Sublinear TF-IDF of ``text``'s words, unit length. ``unseen`` is the weight of a word the
    IDF table does not hold: rare, so telling."""
    weights = {w: (1.0 + math.log(n)) * idf.get(w, unseen) for w, n in word_counts(text).items()}
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {w: v / norm for w, v in weights.items()}


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    # The products summed in a's order, as a generator over a.items() would, without one.
    total: float = sum(map(operator.mul, a.values(), map(b.get, a.keys(), repeat(0.0))))
    return total


def body_of(text: str) -> str:
    """The body excerpt: what follows the lead, up to :data:`BODY_CHARS` characters."""
    # A dateline above the lead is left out of the body too, or the lead would not be found.
    lines = text.splitlines()
    while lines and (not lines[0].strip() or is_dateline(lines[0])):
        lines.pop(0)
    text = "\n".join(lines) or text
    flat = " ".join(text.split())
    lead = lead_text(text)
    rest = flat[len(lead):].strip() if flat.startswith(lead[:50]) else flat
    return (rest or flat)[:BODY_CHARS] or " "


class EmbeddingCache:
    """Vectors by embedder and text, kept for the run and, given a folder, across runs.

    Evaluations embed the same texts for every baseline and every threshold tried; embedding them
    once is what keeps those runs short on a small machine.
    """

    def __init__(self, embedder: Embedder, folder: Path | None = None) -> None:
        self.embedder = embedder
        self._memory: dict[str, Vector] = {}
        self._folder = folder
        self._dirty = False
        if folder is not None:
            self._path = folder / f"vectors-{_slug(embedder.name)}.npz"
            if self._path.is_file():
                with np.load(self._path) as stored:
                    self._memory.update({key: stored[key] for key in stored.files})

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        keys = [hashlib.sha1(text.encode("utf-8", "replace")).hexdigest() for text in texts]
        missing = sorted({key: text for key, text in zip(keys, texts, strict=True)
                          if key not in self._memory}.items())
        if missing:
            vectors = self.embedder.embed([text for _, text in missing])
            for (key, _), vector in zip(missing, vectors, strict=True):
                self._memory[key] = np.asarray(vector, dtype=np.float32)
            self._dirty = True
        if not keys:
            return np.empty((0, self.embedder.dim), dtype=np.float32)
        return np.stack([self._memory[key] for key in keys])

    def save(self) -> None:
        if self._folder is not None and self._dirty:
            self._folder.mkdir(parents=True, exist_ok=True)
            np.savez(self._path, **self._memory)  # type: ignore[arg-type]
            self._dirty = False


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "_", name)[:60]


@dataclass(frozen=True, slots=True)
class RawArticle:
    """An article not in the store, as evaluation data gives it."""

    id: str
    title: str
    text: str
    published: date | None = None
    outlet: str | None = None
    country: str | None = None
    language: str | None = None
    syndicated_of: str | None = None


def signals_for(
    articles: Sequence[RawArticle],
    cache: EmbeddingCache,
    *,
    enrichments: Sequence[Enrichment | None] | None = None,
    leads: Sequence[Vector | None] | None = None,
    bodies: Sequence[Vector | None] | None = None,
    idf: tuple[Mapping[str, float], float] | None = None,
) -> list[ArticleSignals]:
    """Signals of many articles; vectors are embedded in two batches (vectors given are reused)."""
    lead_given = list(leads) if leads is not None else [None] * len(articles)
    need_lead = [i for i, vector in enumerate(lead_given) if vector is None]
    lead_vectors = cache.embed([lead_of(articles[i].title, articles[i].text) for i in need_lead])
    for i, vector in zip(need_lead, lead_vectors, strict=True):
        lead_given[i] = vector
    body_given = list(bodies) if bodies is not None else [None] * len(articles)
    need_body = [i for i, vector in enumerate(body_given) if vector is None]
    for i, vector in zip(need_body, cache.embed([body_of(articles[i].text) for i in need_body]), strict=True):
        body_given[i] = vector
    if idf is None:
        from parallax.cluster.model import load_model

        model = load_model()
        idf = (model.idf, model.idf_unseen)
    table, unseen = idf
    found = []
    for i, article in enumerate(articles):
        enrichment = enrichments[i] if enrichments is not None else None
        head = f"{article.title}\n{article.text}"
        names = set(names_in(head))
        entities: list[str] = []
        extra_places: list[str] = []
        if enrichment is not None:
            for mention in enrichment.mentions:
                if mention.canonical and mention.label in _NAMED:
                    names.update(names_in(mention.canonical))
                    entities.append(mention.canonical)
                    if mention.label in {"GPE", "LOC", "NORP"}:
                        extra_places.append(mention.canonical)
        else:
            entities = _phrases(head)
        lead = lead_given[i]
        assert lead is not None
        days, era = time_signals(article.text, _day(article.published), enrichment)
        found.append(ArticleSignals(
            id=article.id, title=article.title, lead=np.asarray(lead, dtype=np.float32),
            body=np.asarray(body_given[i], dtype=np.float32), names=frozenset(names),
            places=places_in(head, extra_places),
            days=days,
            day=day_of(article.published), outlet=article.outlet, country=article.country,
            language=article.language, syndicated_of=article.syndicated_of,
            entities=tuple(dict.fromkeys(entities)),
            words=word_vector(head, table, unseen), era=era,
            opening="" if article.title.strip() else clip(lead_text(article.text, sentences=1), 120),
        ))
    return found


_NAMED = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
_PHRASE = re.compile(r"(?:[A-Z][\w'\u2019\-]+)(?:\s+[A-Z][\w'\u2019\-]+)+")


def _phrases(text: str) -> list[str]:
    # Runs of two or more capitalised words read as names for display ("Chung Eui-yong").
    return [m.group(0) for m in _PHRASE.finditer(text[:SCAN_CHARS])
            if m.group(0).split()[0].casefold() not in _COMMON]


def _day(value: date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


# -- features ----------------------------------------------------------------------------------


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2.0 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _days_relation(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[float, float]:
    if not a or not b:
        return 0.0, 0.0
    gap = min(abs(x - y) for x in a for y in b)
    return (1.0 if gap <= 1 else 0.0), (1.0 if gap > 3 else 0.0)


def pair_features(a: ArticleSignals, b: ArticleSignals) -> list[float]:
    """The row of :data:`FEATURES` for two articles; unknown signals are 0 with their flag off."""
    shared, conflict = _days_relation(a.days, b.days)
    known_pub = a.day is not None and b.day is not None
    gap = float(np.log1p(abs(a.day - b.day))) if a.day is not None and b.day is not None else 0.0
    return [
        float(np.dot(a.lead, b.lead)),
        float(np.dot(a.body, b.body)),
        _dice(a.names, b.names),
        1.0 if a.names and b.names else 0.0,
        len(a.places & b.places) / len(a.places | b.places) if a.places and b.places else 0.0,
        1.0 if a.places and b.places else 0.0,
        shared,
        conflict,
        gap,
        1.0 if known_pub else 0.0,
        _cosine(a.words, b.words),
        *_era_relation(a, b),
    ]


def feature_matrix(a: ArticleSignals, others: Sequence[ArticleSignals]) -> npt.NDArray[np.float64]:
    """:func:`pair_features` of ``a`` with each of ``others``, as rows; vectors in one product."""
    rows = np.empty((len(others), len(FEATURES)), dtype=np.float64)
    if not others:
        return rows
    # np.array builds the same float32 matrix as np.stack, with less overhead for a few rows.
    rows[:, 0] = np.array([o.lead for o in others]) @ a.lead
    rows[:, 1] = np.array([o.body for o in others]) @ a.body
    for i, other in enumerate(others):
        shared, conflict = _days_relation(a.days, other.days)
        both_names = bool(a.names and other.names)
        both_places = bool(a.places and other.places)
        if a.day is not None and other.day is not None:
            gap, known = _log_gap(abs(a.day - other.day)), 1.0
        else:
            gap, known = 0.0, 0.0
        rows[i, 2:] = (
            _dice(a.names, other.names) if both_names else 0.0,
            1.0 if both_names else 0.0,
            (len(a.places & other.places) / len(a.places | other.places)) if both_places else 0.0,
            1.0 if both_places else 0.0,
            shared,
            conflict,
            gap,
            known,
            _cosine(a.words, other.words),
            *_era_relation(a, other),
        )
    return rows


def _era_relation(a: ArticleSignals, b: ArticleSignals) -> tuple[float, float]:
    """log(1 + years) between two articles' periods, when at least one of them has no date.

    An archive without dates (ECB+) still names years; the first year an article names is most
    often the year of its event. Two dated articles leave this to their publication gap, so that
    in a dated stream look-alike events of one year are told apart by days, not by a guess.
    """
    if a.day is not None and b.day is not None:
        return 0.0, 0.0
    era_a = date.fromordinal(a.day).year if a.day is not None else a.era
    era_b = date.fromordinal(b.day).year if b.day is not None else b.era
    if era_a is None or era_b is None:
        return 0.0, 0.0
    return _log_gap(abs(era_a - era_b)), 1.0


@lru_cache(maxsize=4096)
def _log_gap(days: int) -> float:
    """log(1 + days) of a gap between publication days (few distinct gaps recur)."""
    return float(np.log1p(days))


def as_raw(article: Any) -> RawArticle:
    """A stored :class:`~parallax.model.Article` as a :class:`RawArticle`."""
    return RawArticle(id=article.id, title=article.title, text=article.text, published=article.published,
                      outlet=article.outlet, country=article.country, language=article.language,
                      syndicated_of=article.syndicated_of)
