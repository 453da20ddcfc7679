"""The comparison of one event's coverage across articles.

Claims from different articles are aligned into facts (see ``align``); each fact gets a status
(consensus, partial, unique or conflict), its conflicts in words, the extra detail one outlet adds,
and where each outlet placed it. Voices, sources, framing and a merged timeline come from the
enrichment of each article.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from parallax.compare.align import (
    FIGURE_SHARE,
    LEDE_SHARE,
    LEDE_WORDS,
    PREDICATE_SHARE,
    TermWeights,
    content_terms,
    distinctive_figures,
    lede_pairs,
    load_model,
    match_claims,
    predicates,
    probabilities,
    shared_figures,
    shared_predicates,
)
from parallax.compare.claims import split_claims
from parallax.compare.contradict import Embed, PolarityJudge
from parallax.compare.framing import find_framing, find_loaded_words
from parallax.compare.paraphrase import ParaphraseJudge, get_judge
from parallax.enrich.entities import GENERATIONS, TITLE_WORDS
from parallax.enrich.nlp import lemma
from parallax.enrich.phrases import noun_phrases
from parallax.enrich.timex import value_span
from parallax.model import Article, Claim, Conflict, Enrichment, Fact, Phrase, Quantity, iso

SCHEMA = "parallax.comparison/1"
LEAD_SENTENCES = 2


@dataclass(slots=True)
class Comparison:
    articles: list[Article]
    facts: list[Fact]
    voices: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    framing: list[dict[str, Any]] = field(default_factory=list)
    loaded_words: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    outlets: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "articles": [
                {
                    "id": a.id,
                    "outlet": a.outlet,
                    "country": a.country,
                    "language": a.language,
                    "published": iso(a.published),
                    "title": a.title,
                    "url": a.url,
                    "text": a.text,
                    # A syndicated copy's original: its facts count with the original's outlet.
                    "syndicated_of": a.syndicated_of,
                }
                for a in self.articles
            ],
            "facts": [
                {
                    "id": f.id,
                    "status": f.status,
                    "summary": _summary(f),
                    "claims": [
                        {
                            "article": c.article,
                            "text": c.text,
                            "start": c.start,
                            "end": c.end,
                            "sentence": c.sentence,
                        }
                        for c in f.claims
                    ],
                    "conflicts": [
                        {"kind": c.kind, "detail": c.detail, "articles": list(c.articles)}
                        for c in f.conflicts
                    ],
                    "extra_detail": list(f.extra_detail),
                    "emphasis": list(f.emphasis),
                }
                for f in self.facts
            ],
            "voices": self.voices,
            "sources": self.sources,
            "framing": self.framing,
            "loaded_words": self.loaded_words,
            "timeline": self.timeline,
            "outlets": self.outlets,
        }


def _summary(fact: Fact) -> str:
    text = fact.claims[0].text
    return text if len(text) <= 140 else text[:139] + "\u2026"


def compare(
    articles: Sequence[Article],
    enrichments: Mapping[str, Enrichment],
    *,
    embedder: Any | None = None,
    nlp: Any | None = None,
    sentence_vectors: Mapping[str, Any] | None = None,
) -> Comparison:
    """Compare articles about one event. ``enrichments`` maps article id to its enrichment;
    ``sentence_vectors`` (article id -> the stored matrix, one row per sentence) spares
    re-embedding claims that are whole sentences."""
    if len(articles) < 1:
        raise ValueError("nothing to compare: give at least one article")
    if embedder is None:
        from parallax.enrich.embed import get_embedder

        embedder = get_embedder()
    articles = list(articles)
    by_id = {a.id: a for a in articles}
    claims = [c for a in articles for c in split_claims(a.text, enrichments[a.id])]
    vectors = _claim_vectors(claims, enrichments, embedder, sentence_vectors or {})
    person = people_across(articles, enrichments)
    terms = [content_terms(c.text) | entity_terms(c, enrichments[c.article], person) for c in claims]
    weights = TermWeights(terms)
    speakers = [person.get(found, found) if (found := claim_speaker(c, enrichments[c.article])) else None
                for c in claims]
    subjects = [person.get(found, found) if (found := claim_subject(c, enrichments[c.article])) else None
                for c in claims]
    amounts = [_amounts(c, enrichments[c.article]) for c in claims]
    groups, confidence = _align(claims, vectors, terms, weights, speakers, amounts, subjects)

    outlet_of = {a.id: _outlet_key(a, by_id) for a in articles}
    # Conflicts name each article's own outlet: a copy that changed a figure is its publisher's.
    own_names = {a.id: a.outlet or a.id for a in articles}
    all_outlets = set(outlet_of.values())
    sentence_counts = {a.id: max(1, len(enrichments[a.id].sentences)) for a in articles}
    polarity = PolarityJudge((s.text for a in articles for s in enrichments[a.id].sentences),
                             vectors=_known_vectors(claims, vectors, embedder))
    facts: list[Fact] = []
    for members in groups:
        fact_claims = tuple(
            sorted((claims[i] for i in members), key=lambda c: (_order(articles, c), c.start))
        )
        conflicts = tuple(_conflicts(fact_claims, enrichments, confidence, own_names, polarity=polarity,
                                     outlets=outlet_of))
        outlets = {outlet_of[c.article] for c in fact_claims}
        if conflicts:
            status = "conflict"
        elif len(outlets) == 1:
            status = "unique"
        elif outlets == all_outlets:
            status = "consensus"
        else:
            status = "partial"
        facts.append(
            Fact(
                id=_fact_id(fact_claims),
                status=status,
                claims=fact_claims,
                conflicts=conflicts,
                extra_detail=tuple(_extra_detail(fact_claims, enrichments, person)),
                emphasis=tuple(_emphasis(fact_claims, sentence_counts)),
            )
        )
    rank = {"consensus": 0, "conflict": 1, "partial": 2, "unique": 3}
    facts.sort(key=lambda f: (rank[f.status], _order(articles, f.claims[0]), f.claims[0].start))

    comparison = Comparison(articles=articles, facts=facts)
    comparison.voices = _voices(articles, enrichments, outlet_of, person)
    comparison.sources = [
        {"article": a.id, "name": s.name, "kind": s.kind, "text": s.text, "start": s.start, "end": s.end}
        for a in articles
        for s in enrichments[a.id].sources
        # "X told Tidewater Press" in Tidewater Press's own report: the outlet is the reporter,
        # not a source it cites.
        if not (a.outlet and s.name.casefold() == a.outlet.casefold())
    ]
    comparison.framing = find_framing(articles, _phrases(articles, enrichments, nlp), embedder)
    comparison.loaded_words = [w for a in articles for w in find_loaded_words(a, enrichments[a.id])]
    comparison.timeline = _timeline(articles, enrichments)
    comparison.outlets = _outlet_shares(articles, facts)
    return comparison


def _phrases(articles: Sequence[Article], enrichments: Mapping[str, Enrichment],
             nlp: Any | None) -> dict[str, Sequence[Phrase]]:
    """Each article's noun phrases: kept by enrichment, or, for enrichments stored before they
    were, from a parse made now (with ``nlp``, else the default pipeline)."""
    found: dict[str, Sequence[Phrase]] = {}
    missing = []
    for article in articles:
        kept = enrichments[article.id].phrases
        if kept is None:
            missing.append(article)
        else:
            found[article.id] = kept
    if missing:
        if nlp is None:
            from parallax.enrich.nlp import load_nlp

            nlp = load_nlp()
        # Noun phrases need the parse, tags and lemmas, not the entity recogniser (near half of
        # the parse's time): leave it out.
        skip = [name for name in ("ner",) if name in getattr(nlp, "pipe_names", ())]
        for article, doc in zip(missing, nlp.pipe((a.text for a in missing), disable=skip), strict=True):
            found[article.id] = noun_phrases(doc)
    return found


def _claim_vectors(claims: Sequence[Claim], enrichments: Mapping[str, Enrichment], embedder: Any,
                   stored: Mapping[str, Any]) -> np.ndarray:
    """Vectors of the claims: a whole sentence's stored vector when there is one, else embedded."""
    dim = int(getattr(embedder, "dim", 0) or 0)
    rows: list[Any] = [None] * len(claims)
    for index, claim in enumerate(claims):
        matrix = stored.get(claim.article)
        sentence = enrichments[claim.article].sentences[claim.sentence]
        if (matrix is not None and claim.sentence < len(matrix) and claim.text == sentence.text.strip()
                and (not dim or matrix.shape[1] == dim)):
            rows[index] = matrix[claim.sentence]
    todo = [i for i, row in enumerate(rows) if row is None]
    if todo:
        fresh = embedder.embed([claims[i].text for i in todo])
        for i, vector in zip(todo, fresh, strict=True):
            rows[i] = vector
    if not rows:
        return np.zeros((0, dim or 1), dtype=np.float32)
    return np.vstack(rows).astype(np.float32)


def _known_vectors(claims: Sequence[Claim], vectors: np.ndarray, embedder: Any) -> dict[str, Any]:
    """The claim vectors the contradiction classifier can read as they are: those from the
    embedder it was fitted with (cosines from another model would mislead it), else none."""
    from parallax.compare.contradict import load_model as load_contradiction_model
    from parallax.enrich.embed import get_embedder

    if getattr(embedder, "name", None) != get_embedder(load_contradiction_model().embedder).name:
        return {}
    return {claim.text: vectors[i] for i, claim in enumerate(claims)}


#: Entity kinds whose canonical name joins a claim's terms.
_NAMED = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})


def entity_terms(claim: Claim, enrichment: Enrichment, person: Mapping[str, str] | None = None) -> set[str]:
    """The canonical names of the entities a claim mentions, as terms: "the Japanese foreign
    minister" in one outlet and "Motegi" in another both bring in "toshimitsu" and "motegi", and
    "Seoul" and "South Korea" meet as the same government. ``person`` names each person as
    across the comparison (:func:`people_across`)."""
    found: set[str] = set()
    for mention in enrichment.mentions:
        if mention.label in _NAMED and mention.canonical and claim.start <= mention.start < claim.end:
            found |= content_terms((person or {}).get(mention.canonical, mention.canonical))
    return found


def _outlet_key(article: Article, by_id: Mapping[str, Article]) -> str:
    """Syndicated copies speak with the original's voice: they are not independent coverage."""
    original = by_id.get(article.syndicated_of or "")
    return (original or article).outlet or (original or article).id


def _order(articles: Sequence[Article], claim: Claim) -> int:
    return next(i for i, a in enumerate(articles) if a.id == claim.article)


def _fact_id(claims: Sequence[Claim]) -> str:
    key = "|".join(f"{c.article}:{c.start}:{c.end}" for c in claims)
    return "f" + hashlib.sha256(key.encode()).hexdigest()[:10]


def _align(
    claims: Sequence[Claim],
    vectors: np.ndarray,
    terms: Sequence[set[str]],
    weights: TermWeights,
    speakers: Sequence[str | None] | None = None,
    amounts: Sequence[Mapping[str, set[float]]] | None = None,
    subjects: Sequence[str | None] | None = None,
) -> tuple[list[list[int]], dict[tuple[ClaimKey, ClaimKey], float]]:
    """Groups of claim indices stating one fact: the matches between each two articles
    (:func:`match_claims`), joined across articles strongest first, so long as no fact takes
    claims from two sentences of one article. Claims that give the words of two different people,
    or that open by naming two different people, are never one fact."""
    model = load_model()
    judge = get_judge()
    parent = list(range(len(claims)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    confidence: dict[tuple[int, int], float] = {}
    by_article: dict[str, list[int]] = defaultdict(list)
    for index, claim in enumerate(claims):
        by_article[claim.article].append(index)
    ids = list(by_article)
    amounts = amounts or [{} for _ in claims]
    stated = [predicates(claim.text) for claim in claims]
    figures = [distinctive_figures(found) for found in amounts]
    ledes = _ledes(claims)
    links: list[tuple[float, int, int]] = []
    overlaps = weights.overlap_matrix(terms, terms)
    for x, first in enumerate(ids):
        for second in ids[x + 1 :]:
            rows, cols = by_article[first], by_article[second]
            cosine = vectors[rows] @ vectors[cols].T
            overlap = overlaps[np.ix_(rows, cols)]
            shared = shared_predicates([stated[r] for r in rows], [stated[c] for c in cols]).astype(float)
            shared += FIGURE_SHARE / PREDICATE_SHARE * shared_figures(
                [figures[r] for r in rows], [figures[c] for c in cols], cosine)
            shared += LEDE_SHARE / PREDICATE_SHARE * lede_pairs(
                [r in ledes for r in rows], [c in ledes for c in cols], cosine)
            prob = probabilities(cosine, overlap, model, shared)

            def vetoed(i: int, j: int, rows: list[int] = rows, cols: list[int] = cols,
                       prob: np.ndarray = prob) -> bool:
                a, b = rows[i], cols[j]
                if speakers is not None and not may_be_one_person(speakers[a], speakers[b]):
                    return True
                if subjects is not None and not may_be_one_person(subjects[a], subjects[b]):
                    return True  # "Jesse Jackson Jr. resigned" is not "Sandra Jackson resigned"
                # Different amounts of one thing mark a conflict only between claims that are
                # plainly one fact; between loosely similar claims they mark two facts.
                return prob[i, j] < model.conflict_threshold and _amounts_differ(amounts[a], amounts[b])

            paraphrase = None
            if judge is not None:
                def same(i: int, j: int, rows: list[int] = rows, cols: list[int] = cols,
                         prob: np.ndarray = prob, judge: ParaphraseJudge = judge) -> bool:
                    # Below the conflict threshold lie only 2% of MRPC's paraphrase pairs: not worth
                    # an encoder call each (compare asks a few dozen questions per story otherwise).
                    return bool(prob[i, j] >= model.conflict_threshold
                                and judge.same(claims[rows[i]].text, claims[cols[j]].text))

                paraphrase = same
            matched = match_claims(prob, model, vetoed, paraphrase=paraphrase)
            links.extend((p, rows[i], cols[j]) for i, j, p in matched)
    # Strongest links first, across all articles; a link that would put claims from two different
    # sentences of one article into one fact is dropped. Chains of weak links through many
    # articles would otherwise fuse neighbouring facts ("40 per cent" of flow and "70 per cent"
    # of water) into one, and report a conflict that is not there.
    sentences_of: dict[int, dict[str, set[int]]] = {
        i: {claims[i].article: {claims[i].sentence}} for i in range(len(claims))
    }
    # The people facts open by naming: one fact is about one of them, through any chain of links.
    about: dict[int, set[str]] = {i: set() for i in range(len(claims))}
    for i, subject in enumerate(subjects or ()):
        if subject:
            about[i].add(subject)
    for p, row, col in sorted(links, reverse=True):
        a, b = find(row), find(col)
        if a == b:
            confidence[(row, col)] = p
            continue
        merged = {k: set(v) for k, v in sentences_of[a].items()}
        for article, numbers in sentences_of[b].items():
            merged.setdefault(article, set()).update(numbers)
        if any(len(numbers) > 1 for numbers in merged.values()) or any(
            not may_be_one_person(x, y) for x in about[a] for y in about[b]
        ):
            continue
        confidence[(row, col)] = p
        parent[a] = b
        sentences_of[b] = merged
        about[b] = about[a] | about[b]
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(claims)):
        groups[find(index)].append(index)
    keyed = {(_key(claims[a]), _key(claims[b])): p for (a, b), p in confidence.items()}
    return list(groups.values()), keyed


def _ledes(claims: Sequence[Claim]) -> set[int]:
    """The claims of each article's lede: its first sentence of at least :data:`LEDE_WORDS`."""
    words: dict[tuple[str, int], int] = defaultdict(int)
    for claim in claims:
        words[(claim.article, claim.sentence)] += len(claim.text.split())
    lede: dict[str, int] = {}
    for claim in sorted(claims, key=lambda c: (c.article, c.sentence)):
        if claim.article not in lede and words[(claim.article, claim.sentence)] >= LEDE_WORDS:
            lede[claim.article] = claim.sentence
    return {i for i, claim in enumerate(claims) if lede.get(claim.article) == claim.sentence}


def measure_of(quantity: Quantity) -> str:
    """What a figure measures, to set it against another: its unit, or what it counts; "" when
    nothing says."""
    return quantity.unit or quantity.counts or ""


def _about_the_same(quantity: Quantity, other: Claim) -> bool:
    """Whether a figure can be set against the other claim's: a sum of money for a named thing ("a
    $43,000 Rolex"), or a share of one ("a combined rate of 42 percent"), only where the other
    claim names that thing too ("the budget is $6 million" against "a $5 million budget"); two
    sums or two shares of two things are no disagreement."""
    if not (quantity.unit and quantity.counts):
        return True
    # Every word that names the thing: "the combined rate" is not "the federal tax rate".
    # A word stem with an ending ("tax" in "taxes", "budget" in "budgets"), not the start of
    # another word ("bill" in "billion").
    return all(re.search(rf"\b{re.escape(word)}(?:e?s|ed|ing|y|ies)?\b", other.text, re.IGNORECASE)
               is not None for word in quantity.counts.split())


def _amounts(claim: Claim, enrichment: Enrichment) -> dict[str, set[float]]:
    """The amounts a claim states, by what they measure (unit, or what they count)."""
    found: dict[str, set[float]] = defaultdict(set)
    for quantity in _spans_in(enrichment.quantities, claim):
        key = measure_of(quantity)
        if key:
            found[key].add(quantity.value)
    return found


def _amounts_differ(a: Mapping[str, set[float]], b: Mapping[str, set[float]]) -> bool:
    return any(a[key] != b[key] for key in a.keys() & b.keys())


def claim_subject(claim: Claim, enrichment: Enrichment) -> str | None:
    """The person a claim is about when it opens by naming one ("Sandra Jackson resigned last
    month", "Former Rep. Jesse Jackson Jr. was sentenced"): a person named within its first words,
    after nothing but a title."""
    for m in enrichment.mentions:
        if m.label != "PERSON" or not m.canonical or not claim.start <= m.start < claim.end:
            continue
        lead = claim.text[: m.start - claim.start]
        opening, comma, rest = lead.rpartition(",")
        if comma and len(opening.split()) <= 6:
            lead = rest  # "Last summer, Mr. Jackson took leave": an opening phrase before the subject
        before = lead.split()
        possessor = claim.text.startswith(("'s", "\u2019s"), m.end - claim.start)
        if possessor or len(before) > 3 or not all(
                w[:1].isupper() or w.casefold() in _LEAD_WORDS or w.casefold() in TITLE_WORDS
                for w in before):
            return None  # "Mr. Jackson's wife": the claim is about someone else
        if _PAIRED.match(claim.text, m.end - claim.start):
            return None  # "Prime Minister Mensk of Molvane and President Varnholt met": two people
        return m.canonical
    return None


#: A second person joined to the first ("Mensk of Molvane and President Varnholt", "Mensk, Varnholt
#: and ..."): a name, an optional "of"/"from" phrase or apposition, then "and" or "with".
_PAIRED = re.compile(
    r"(?:\s*\([^)]{0,40}\))?(?:\s+(?:of|from)\s+[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3})?"
    r"(?:,\s+[^,]{0,60},)?(?:\s*(?:\band\b|\bwith\b|&)\s+(?:[A-Z]|his\b|her\b|the\b)"
    r"|,\s+(?:[A-Z][\w.-]*\s+){1,4}(?:and|with)\b)")
#: Words that may come before the name a claim opens with ("the former minister Ilse Varn").
_LEAD_WORDS = frozenset({"the", "a", "former", "then", "late"})


def claim_speaker(claim: Claim, enrichment: Enrichment) -> str | None:
    """The person whose words a claim reports, when it reports one person's words: the resolved
    speaker of a voice inside the claim that names a known person."""
    people = {m.canonical for m in enrichment.mentions if m.label == "PERSON" and m.canonical}
    for voice in enrichment.voices:
        if claim.start <= voice.start < claim.end and voice.speaker in people:
            return voice.speaker
    return None


ClaimKey = tuple[str, int]


def _key(claim: Claim) -> ClaimKey:
    return claim.article, claim.start


def _spans_in(items: Sequence[Any], claim: Claim) -> list[Any]:
    return [item for item in items if claim.start <= item.start and item.end <= claim.end]


def _conflicts(
    claims: Sequence[Claim],
    enrichments: Mapping[str, Enrichment],
    confidence: Mapping[tuple[ClaimKey, ClaimKey], float],
    names: Mapping[str, str],
    *,
    embed: Embed | None = None,
    polarity: PolarityJudge | None = None,
    outlets: Mapping[str, str] | None = None,
) -> list[Conflict]:
    """Different numbers for the same unit, different dates at one precision, or opposite polarity,
    between two claims aligned with each other directly, each side named as ``names`` says.
    ``embed`` gives the sentence vectors the contradiction classifier reads (default: the
    embedder it was fitted with); ``polarity``, one judge for a whole comparison, keeps its word
    weights and vectors from fact to fact."""
    found: list[Conflict] = []
    seen: set[tuple[str, str]] = set()
    # Word rarity for the classifier comes from the compared articles' sentences, as alignment's
    # comes from their claims; it is read only if some pair has a negation on one side only.
    if polarity is None:
        polarity = PolarityJudge((s.text for e in enrichments.values() for s in e.sentences), embed)

    def add(kind: str, key: str, first: Claim, a: str, second: Claim, b: str) -> None:
        if (kind, key) not in seen:
            seen.add((kind, key))
            detail = _two_sides(names, first, a, second, b)
            found.append(Conflict(kind, detail, (first.article, second.article)))

    # Each claim's figures, and those it states with nothing said of what they count, once: the
    # pairs below read them many times.
    figures = [_spans_in(enrichments[claim.article].quantities, claim) for claim in claims]
    loose = [{q.value for q in found if not measure_of(q)} for found in figures]
    for i, first in enumerate(claims):
        for j in range(i + 1, len(claims)):
            second = claims[j]
            if first.article == second.article:
                continue
            pair = (_key(first), _key(second))
            linked = confidence.get(pair, confidence.get((pair[1], pair[0])))
            if linked is None:
                # Joined only through other claims: a claim two links away may state a neighbouring
                # fact ("70 per cent of its water" beside "40 per cent of the flow"), so its
                # numbers and dates are not held against this one.
                continue
            # Numbers of one unit, and dates of one precision, conflict when each side states one
            # the other does not: "killing 12 and injuring 40" in both is agreement, and a side
            # that only leaves a number out adds no conflict (extra detail marks that).
            numbers_a = _by_kind((measure_of(q), q.value, q.text)
                                 for q in figures[i] if _about_the_same(q, second))
            numbers_b = _by_kind((measure_of(q), q.value, q.text)
                                 for q in figures[j] if _about_the_same(q, first))
            for unit in numbers_a.keys() & numbers_b.keys() - {""}:
                # A figure the other claim also states with nothing said of what it counts is one
                # both give: "six arrests Wednesday, compared to 47 the night before" has the 47.
                only_a, only_b = _apart({v: t for v, t in numbers_a[unit].items() if v not in loose[j]},
                                        {v: t for v, t in numbers_b[unit].items() if v not in loose[i]})
                if only_a and only_b and not _perpetrator_counted(first, numbers_a[unit], second,
                                                                  numbers_b[unit]):
                    add("number", f"{only_a} vs {only_b}", first, only_a, second, only_b)
            # Dates, like amounts, conflict only between claims that are plainly one fact: two
            # loosely linked claims may be two steps of one plan ("early next month" for some
            # travellers, "by mid-January" for the rest).
            plain = linked >= load_model().conflict_threshold
            dates_a = _by_kind(_date_entries(enrichments[first.article], first)) if plain else {}
            dates_b = _by_kind(_date_entries(enrichments[second.article], second)) if plain else {}
            for precision in dates_a.keys() & dates_b.keys():
                only_a, only_b = _apart(dates_a[precision], dates_b[precision])
                if only_a and only_b and _one_event_dated(
                        first, enrichments[first.article], _values_read(dates_a[precision], only_a),
                        second, enrichments[second.article], _values_read(dates_b[precision], only_b)):
                    add("date", f"{only_a} vs {only_b}", first, only_a, second, only_b)
            # Opposite polarity: a negation in one claim only, and the contradiction classifier
            # (compare/contradict.py, fitted on SICK train) says the two contradict. The earlier
            # gate, alignment probability >= 0.8, found under half of SICK test's
            # contradictions and almost none of FNC-1's disagreeing pairs; the classifier finds
            # most of SICK's at some cost in precision, and more of FNC-1's (docs/benchmarks.md).
            if polarity.contradicts(first.text, second.text):
                # Keyed by outlet (a copy's is its original's, in ``outlets``) and words: a
                # syndicated copy repeats its original's conflict.
                voice = outlets or names
                key = f"{voice[first.article]}|{first.text}|{voice[second.article]}|{second.text}"
                add("polarity", key, first, first.text, second, second.text)
    return found


#: A toll that counts the attacker too: "nine people dead, including the gunman".
_WITH_PERPETRATOR = re.compile(
    r"\b(?:including|among them|counting)\s+(?:the|a)\s+(?:suspected\s+)?(?:gunman|shooter|attacker|"
    r"assailant|bomber|suspect|perpetrator|killer|driver)\b", re.IGNORECASE)


def _perpetrator_counted(first: Claim, a: Mapping[Any, str], second: Claim, b: Mapping[Any, str]) -> bool:
    """Whether two tolls one apart differ only by the attacker one of them counts: "nine dead,
    including the gunman" and "eight dead" agree."""
    if len(a) != 1 or len(b) != 1:
        return False
    (value_a,), (value_b,) = a.keys(), b.keys()
    if not isinstance(value_a, float | int) or not isinstance(value_b, float | int):
        return False
    with_a, with_b = bool(_WITH_PERPETRATOR.search(first.text)), bool(_WITH_PERPETRATOR.search(second.text))
    return (with_a and value_a - value_b == 1) or (with_b and value_b - value_a == 1)


def _date_entries(enrichment: Enrichment, claim: Claim) -> Iterator[tuple[str, str, str]]:
    """(precision, value, how it reads) of the claim's dates of a day, a month or a year; a time
    of day counts as its day ("Wednesday afternoon" against "Thursday afternoon")."""
    for t in _spans_in(enrichment.times, claim):
        if not t.value:
            continue
        if _RANGE_END.search(claim.text, 0, max(0, t.start - claim.start)) and _RANGE_NEXT.match(
                claim.text, t.end - claim.start):
            continue  # "from 2007 to 2014": the span a figure covers, not when something happened
        if _RANGE_END_AFTER.search(claim.text, 0, max(0, t.start - claim.start)):
            continue
        # A date that names a thing ("a 1976 law", "Sept. 11 victims") is set only against dates
        # naming the same kind of thing: the law's year is not the attacks'.
        names = _named_by_date(claim, t.start, t.end)
        if t.kind == "date" and t.precision in ("day", "month", "year"):
            yield t.precision + names, t.value, f"{t.expression} ({t.value})"
        elif t.kind == "time" and len(t.value) > 10 and _DAY_VALUE.match(t.value):
            yield "day" + names, t.value[:10], f"{t.expression} ({t.value[:10]})"


def _values_read(dates: Mapping[Any, str], words: str) -> set[str]:
    """The values of ``dates`` whose words are among ``words`` (as :func:`_apart` lists them)."""
    shown = set(words.split(", "))
    return {str(value) for value, text in dates.items() if text in shown}


def _one_event_dated(first: Claim, enrichment_a: Enrichment, values_a: set[str],
                     second: Claim, enrichment_b: Enrichment, values_b: set[str]) -> bool:
    """Whether two claims' different dates date one event: the dates hang on one verb ("met on
    Monday", "met on Tuesday"), or each on its claim's main verb ("met on Monday", "talks were held
    on Tuesday"). A date on a side clause dates another event: "voted against the toll on Monday"
    and "has opposed the toll since the council passed it on Thursday" do not disagree."""
    verbs_a = _dating_verbs(first, enrichment_a, values_a)
    verbs_b = _dating_verbs(second, enrichment_b, values_b)
    if not verbs_a or not verbs_b:
        return True  # no parse to tell by: as before, the dates of one fact
    lemmas_a, lemmas_b = {v for v, _ in verbs_a}, {v for v, _ in verbs_b}
    mains = any(main for _, main in verbs_a) and any(main for _, main in verbs_b)
    return bool(lemmas_a & lemmas_b) or mains


def _dating_verbs(claim: Claim, enrichment: Enrichment, values: set[str]) -> set[tuple[str, bool]]:
    """(lemma, whether it is the claim's main verb) of the verbs the claim's dates of ``values``
    hang on."""
    doc = _parsed(claim.text)
    found: set[tuple[str, bool]] = set()
    for t in _spans_in(enrichment.times, claim):
        value = t.value[:10] if t.kind == "time" else t.value
        if value not in values:
            continue
        span = doc.char_span(t.start - claim.start, t.end - claim.start, alignment_mode="expand")
        if span is None:
            continue
        token = span.root
        while token.pos_ not in {"VERB", "AUX"} and token.head.i != token.i:
            token = token.head
        if token.pos_ not in {"VERB", "AUX"}:
            continue
        # The main verb, one joined to it ("arrived and met on Monday"), or what it reports ("was
        # closed in March, the council said").
        main = token.dep_ == "ROOT" or (token.dep_ in _MAIN_CLAUSE and token.head.dep_ == "ROOT")
        found.add((lemma(token), main))
    return found


_MAIN_CLAUSE = frozenset({"conj", "ccomp", "xcomp", "parataxis"})


@functools.lru_cache(maxsize=512)
def _parsed(text: str) -> Any:
    """A claim's parse, made when two of its dates are to be weighed (rare: spaCy loads then)."""
    from parallax.enrich.nlp import load_nlp

    return load_nlp()(text)


_DAY_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}T")
#: The first end of a span ("from 2007 to", "between 2007 and") and the second ("from 2007 to").
_RANGE_END = re.compile(r"\b(?:from|between)\s+$", re.IGNORECASE)
_RANGE_NEXT = re.compile(r"\s*(?:to|and|through|until|-|\u2013)\s", re.IGNORECASE)
_RANGE_END_AFTER = re.compile(r"\b(?:from|between)\s+\S+(?:\s+\S+)?\s+(?:to|and|through|until)\s+$",
                              re.IGNORECASE)
#: Nouns a date names when it comes before them: the attacks, the law, the election of that day.
_DATED_THINGS = frozenset({
    "attack", "attacks", "victims", "families", "hijackers", "commission", "committee", "anniversary",
    "memorial", "bombing", "bombings", "law", "act", "election", "elections", "riot", "riots",
    "massacre", "shooting", "crash", "accord", "agreement", "treaty", "deal", "summit", "uprising",
    "insurrection", "coup", "war", "earthquake", "tsunami", "disaster", "crisis", "ruling", "decision",
    "report", "survey", "census", "budget", "model", "season", "olympics", "games", "campaign",
})
_DETERMINER_END = re.compile(r"(?:^|\s)(?:a|an|the|its|their|his|her|this|that)\s*$", re.IGNORECASE)
_NEXT_WORD = re.compile(r"\s+([a-z][a-z-]*)")


def _named_by_date(claim: Claim, start: int, end: int) -> str:
    """" <noun>" when the date at [start, end) of the claim's article names a thing by its date."""
    before = claim.text[: max(0, start - claim.start)]
    after = _NEXT_WORD.match(claim.text, max(0, end - claim.start))
    if after is None:
        return ""
    word = after.group(1)
    if word in _DATED_THINGS or (_DETERMINER_END.search(before) and word not in _NOT_NAMED):
        return f" {word}"
    return ""


#: Words after "the <date>" that do not make it a name: "the 5th of May", "the 2020 to 2021 season".
_NOT_NAMED = frozenset({"of", "to", "and", "or", "through", "until", "when", "that", "which", "in", "on",
                        "after", "before", "since", "following", "morning", "afternoon", "evening",
                        "night", "at", "by", "for", "with"})


def _by_kind(entries: Iterable[tuple[str, Any, str]]) -> dict[str, dict[Any, str]]:
    """Values grouped by unit (or precision), each with the words that state it."""
    grouped: dict[str, dict[Any, str]] = {}
    for kind, value, text in entries:
        grouped.setdefault(kind or "", {}).setdefault(value, text)
    return grouped


def _apart(a: Mapping[Any, str], b: Mapping[Any, str]) -> tuple[str, str]:
    """The words of the values only ``a`` states and of those only ``b`` states. The same words
    resolved to different values ("today" in reports published a day apart) reflect the
    publication dates, not a disagreement."""
    words_b = {_words(text) for text in b.values()}
    words_a = {_words(text) for text in a.values()}
    only_a = [text for value, text in a.items()
              if value not in b and _words(text) not in words_b and not _near(value, text, b)]
    only_b = [text for value, text in b.items()
              if value not in a and _words(text) not in words_a and not _near(value, text, a)]
    return ", ".join(only_a), ", ".join(only_b)


#: Words that make a figure approximate: "roughly $212 million", "nearly $61 million".
_APPROXIMATE = re.compile(
    r"^(?:roughly|about|around|approximately|nearly|almost|some|close\s+to|just\s+(?:under|over)|"
    r"more\s+than|over|less\s+than|under|at\s+least|up\s+to|an\s+estimated|estimated)\b",
    re.IGNORECASE,
)
#: How far apart two figures may be when either is approximate, as a share of the larger.
APPROXIMATE_SHARE = 0.05
_SCALED = re.compile(r"(\d+(?:\.(\d+))?)\s*(thousand|million|billion|trillion|[mb]n?)\b", re.IGNORECASE)
_SCALES = {"thousand": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "b": 1e9, "bn": 1e9,
           "trillion": 1e12}


def _near(value: Any, text: str, others: Mapping[Any, str]) -> bool:
    """Whether a figure and one of ``others`` are one figure written two ways: one rounded to
    fewer decimals (:func:`_rounded`); either approximate and the two within
    :data:`APPROXIMATE_SHARE` of each other ("nearly $61 million" and "$60 million"); or one a
    sum in millions (billions ...) and the other, written out in full, within one unit of its
    last written digit ("$60 million" for $60,912,408)."""
    if not isinstance(value, float | int):
        return False
    if _rounded(value, others):
        return True
    for other, other_text in others.items():
        if not isinstance(other, float | int) or other == value:
            continue
        if (_APPROXIMATE.match(text.strip()) or _APPROXIMATE.match(other_text.strip())) and abs(
                value - other) <= APPROXIMATE_SHARE * max(abs(value), abs(other)):
            return True
        for shown, full in ((text, other_text), (other_text, text)):
            scaled = _SCALED.search(shown)
            # Only against a figure written out in full: "$3.5 billion" and "$4 billion" differ.
            if scaled and not _SCALED.search(full):
                unit = _SCALES[scaled.group(3).lower()] / 10 ** len(scaled.group(2) or "")
                if abs(value - other) < unit and min(abs(value), abs(other)) > 0:
                    return True
    return False


def _rounded(value: Any, others: Mapping[Any, str]) -> bool:
    """Whether a figure and one of ``others`` are one figure, one rounded to fewer decimals ("47
    percent" and "46.7 percent"). Whole numbers are not rounded to tens: 100 and 120 differ."""
    if not isinstance(value, float | int):
        return False

    def decimals(x: float) -> int:
        return max(0, -int(Decimal(repr(float(x))).normalize().as_tuple().exponent))

    for other in others:
        if not isinstance(other, float | int) or other == value:
            continue
        coarse, fine = (value, other) if decimals(value) < decimals(other) else (other, value)
        if decimals(coarse) < decimals(fine) and round(fine, decimals(coarse)) == coarse:
            return True
    return False


def _words(shown: str) -> str:
    """The words of a figure or a date as written, without the value shown after them
    ("today (2026-04-14)" is "today")."""
    return shown.rsplit(" (", 1)[0].casefold()


def _two_sides(names: Mapping[str, str], first: Claim, a: str, second: Claim, b: str) -> str:
    """"Meridian Courier News: three hours; The Crescent Gazette: five hours"."""
    return f"{names.get(first.article, first.article)}: {a}; {names.get(second.article, second.article)}: {b}"


def _extra_detail(
    claims: Sequence[Claim], enrichments: Mapping[str, Enrichment], person: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Specifics one article's version of a shared fact has and the others' lack; people are named
    as across the comparison (``person``), so "Chuck" and "Charles Schumer" are one name."""
    if len({c.article for c in claims}) < 2:
        return []
    details: list[dict[str, Any]] = []
    per_article: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    # Each article's figures by what they measure, and what each number's words measure.
    figures: dict[str, dict[str, set[float]]] = defaultdict(lambda: defaultdict(set))
    measured: dict[str, set[tuple[str, float]]] = defaultdict(set)
    for claim in claims:
        e = enrichments[claim.article]
        for q in _spans_in(e.quantities, claim):
            measure = measure_of(q)
            figures[claim.article][measure].add(q.value)
            measured[q.text].add((measure, q.value))
            # "two ministers", "three diplomats" count the actors, which every version names in
            # its own way; amounts with a unit, and larger counts, are the specifics that matter.
            if q.unit or q.value >= 10:
                per_article[claim.article]["number"].add(q.text)
        for m in _spans_in(e.mentions, claim):
            # A name written out, not a pronoun or a role resolved to one ("she", "the minister"):
            # only words the reader sees are a detail the version gives.
            if m.label == "PERSON" and m.canonical and set(m.text.casefold().split()) & set(
                    m.canonical.casefold().split()):
                per_article[claim.article]["name"].add((person or {}).get(m.canonical, m.canonical))
        for v in _spans_in(e.voices, claim):
            if v.mode == "direct":
                per_article[claim.article]["quote"].add(v.text)
    wording: dict[str, set[str]] = defaultdict(set)  # each article's words in this fact
    for claim in claims:
        wording[claim.article] |= _quote_words(claim.text)
    for article, kinds in per_article.items():
        others = [k for a, k in per_article.items() if a != article]
        for kind, values in kinds.items():
            for value in sorted(values):
                if any(value in o.get(kind, set()) for o in others):
                    continue
                if kind == "quote" and _worded_elsewhere(value, wording, article):
                    continue
                if kind == "number" and any(
                        _stated_elsewhere(figure, figures, article)
                        or _disputed(figure, figures[article], figures, article)
                        for figure in measured[value]):
                    continue
                details.append({"article": article, "kind": kind, "detail": value})
    return details


#: The share of a quotation's words another version must have for the quotation to be no detail
#: of its own: the same words cut at another place, or set in reported speech.
_QUOTE_SHARE = 0.6
_QUOTE_WORD = re.compile(r"[^\W\d_]{3,}")


def _quote_words(text: str) -> set[str]:
    return {w.casefold() for w in _QUOTE_WORD.findall(text)}


def _worded_elsewhere(quote: str, wording: Mapping[str, set[str]], article: str) -> bool:
    """Whether another version of the fact has most of a quotation's words ("used money that
    should have been used" quoted by one outlet, cut shorter or reported by another)."""
    words = _quote_words(quote)
    if not words:
        return False
    return any(len(words & other) >= _QUOTE_SHARE * len(words)
               for name, other in wording.items() if name != article)


def _stated_elsewhere(figure: tuple[str, float], figures: Mapping[str, Mapping[str, set[float]]],
                      article: str) -> bool:
    """Whether another article gives the same figure in other words ("fifteen years" and "15
    years", "3,000" and "3000", a count whose noun one side leaves out: "Fifteen of the 19")."""
    measure, value = figure
    return any(value in values
               for other, by_measure in figures.items() if other != article
               for other_measure, values in by_measure.items()
               if other_measure == measure or not measure or not other_measure
               # Two counts of one number under two nouns: "13 farm workers", "13 laborers".
               or not (_is_unit(measure) or _is_unit(other_measure)))


@functools.cache
def _is_unit(measure: str) -> bool:
    """Whether a measure is a unit or a currency (a sum, a length, a share), not a counted noun."""
    from parallax.enrich.quantities import CURRENCIES, UNITS

    return measure in set(UNITS.values()) | set(CURRENCIES.values()) or measure.startswith("tally")


def _disputed(figure: tuple[str, float], own: Mapping[str, set[float]],
              figures: Mapping[str, Mapping[str, set[float]]], article: str) -> bool:
    """Whether another article gives, for what this figure measures, a value this article does
    not: the figures then conflict, and neither is extra detail. One that only lacks the figure
    ("killed 12" beside "killed 12 and injured 40") leaves it extra detail."""
    measure, _ = figure
    if not measure:
        return False
    return any(values.get(measure, set()) - own.get(measure, set())
               for other, values in figures.items() if other != article)


def _emphasis(claims: Sequence[Claim], sentence_counts: Mapping[str, int]) -> list[dict[str, Any]]:
    placements = []
    for claim in claims:
        position = claim.sentence / sentence_counts[claim.article]
        placement = "lead" if claim.sentence < LEAD_SENTENCES else "buried" if position >= 0.6 else "body"
        placements.append(
            {
                "article": claim.article,
                "sentence": claim.sentence,
                "position": round(position, 3),
                "placement": placement,
            }
        )
    return placements


#: Short forms of English given names, so that "Chuck Schumer" and "Charles Schumer" meet.
_SHORT_NAMES = {
    "bill": "william", "will": "william", "bob": "robert", "rob": "robert", "dick": "richard",
    "rick": "richard", "jim": "james", "jimmy": "james", "mike": "michael", "ted": "edward",
    "ed": "edward", "tom": "thomas", "tony": "anthony", "joe": "joseph", "chuck": "charles",
    "charlie": "charles", "dave": "david", "dan": "daniel", "steve": "stephen", "chris": "christopher",
    "liz": "elizabeth", "beth": "elizabeth", "kate": "katherine", "peggy": "margaret",
    "sam": "samuel", "ben": "benjamin", "alex": "alexander", "andy": "andrew", "nick": "nicholas",
    "pat": "patrick", "jeff": "jeffrey", "greg": "gregory", "matt": "matthew", "pete": "peter",
}


def _name_parts(name: str) -> tuple[str, str]:
    """A person's given name and surname, folded: "Jesse Jackson" -> ("jesse", "jackson").

    A generational suffix stays with the given name ("Jesse Jackson Jr." -> ("jesse jr",
    "jackson")): father and son share the rest of the name but are two people."""
    words = [w.strip(".,").casefold() for w in name.split()]
    suffixes: list[str] = []
    while len(words) > 1 and words[-1] in GENERATIONS:
        suffixes.insert(0, words.pop())
    given = words[0] if len(words) > 1 else ""
    if given and suffixes:
        given = " ".join([given, *suffixes])
    return (given, words[-1] if words else "")


def may_be_one_person(a: str | None, b: str | None) -> bool:
    """Whether two names, as the comparison has them, may name one person: the same name, or one
    surname where a given name is missing or agrees. A surname alone stays apart from the full name
    where an article names two people of it (:func:`people_across`), but two outlets' "Varnholt"
    and "Ilse Varnholt" must not be taken for two people on that ground; "Sandra Jackson" and
    "Jesse Jackson Jr." are. An unknown name (None) may be anyone."""
    if a is None or b is None or a == b:
        return True
    given_a, surname_a = _name_parts(a)
    given_b, surname_b = _name_parts(b)
    if not surname_a or surname_a != surname_b:
        return False
    return not given_a or not given_b or _same_given_name(given_a, given_b)


def _same_given_name(a: str, b: str) -> bool:
    """One given name: the same, a short form of it ("Chuck", "Charles"), or an initial ("J."),
    and the same generational suffix, if any ("Donald Trump" is not "Donald Trump Jr.")."""
    a, _, a_suffix = a.partition(" ")
    b, _, b_suffix = b.partition(" ")
    if a_suffix != b_suffix:
        return False
    a, b = _SHORT_NAMES.get(a, a), _SHORT_NAMES.get(b, b)
    return a == b or (min(len(a), len(b)) == 1 and a[:1] == b[:1])


def people_across(articles: Sequence[Article], enrichments: Mapping[str, Enrichment]) -> dict[str, str]:
    """One name for each person the articles name, across the articles compared.

    Each outlet's own resolution names a person as that outlet writes them: "Chuck Schumer" in
    one, "Charles Schumer" in another, "Obama" alone in a third. Names with one surname are one
    person when their given names agree (or one has none), unless an article names two people of
    that surname (Jesse Jackson Jr. and Sandra Jackson): then each keeps their own name. The name
    kept is the full one most articles use.
    """
    named: list[set[str]] = [
        {m.canonical for m in enrichments[a.id].mentions if m.label == "PERSON" and m.canonical}
        for a in articles
    ]
    clash: set[str] = set()
    writers: dict[str, Counter[str]] = defaultdict(Counter)  # surname -> full name -> articles
    # Surnames an article keeps alone beside a son's full name ("President Trump" beside "Donald
    # Trump Jr."): there the surname alone is the father, so it is never the son's elsewhere.
    not_the_son: set[str] = set()
    for names in named:
        fulls: dict[str, set[str]] = defaultdict(set)
        for name in names:
            given, surname = _name_parts(name)
            if given:
                fulls[surname].add(given)
                writers[surname][name] += 1
        clash.update(surname for surname, givens in fulls.items() if len(givens) > 1)
        bare = {surname for name in names for given, surname in [_name_parts(name)] if not given}
        not_the_son.update(surname for surname in bare
                           if any(" " in given for given in fulls.get(surname, ())))
    mapping: dict[str, str] = {}
    for name in set().union(*named) if named else set():
        given, surname = _name_parts(name)
        if surname in clash or surname not in writers:
            continue
        candidates = [full for full in writers[surname]
                      if not given or _same_given_name(given, _name_parts(full)[0])]
        if not given and (surname in not_the_son
                          or any(" " not in _name_parts(full)[0] for full in candidates)):
            # A surname alone names the father before the son ("Trump", not "Donald Trump Jr.").
            candidates = [full for full in candidates if " " not in _name_parts(full)[0]]
        if not given and len({_SHORT_NAMES.get(g, g) for g in (_name_parts(c)[0] for c in candidates)}) > 1:
            continue  # "Trump" beside "Donald Trump" in one article and "Melania Trump" in another
        if candidates:
            best = max(candidates, key=lambda full: (writers[surname][full], len(full), full))
            if best != name:
                mapping[name] = best
    return mapping


def _voices(
    articles: Sequence[Article], enrichments: Mapping[str, Enrichment], outlet_of: Mapping[str, str],
    person: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Every voice, its speaker named as across the comparison; ``unique`` when only one outlet
    gives that speaker a voice."""
    speakers: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        for v in enrichments[a.id].voices:
            if v.speaker:
                speakers[person.get(v.speaker, v.speaker)].add(outlet_of[a.id])
    many = len(set(outlet_of.values())) > 1
    found = []
    for a in articles:
        for v in enrichments[a.id].voices:
            speaker = person.get(v.speaker, v.speaker) if v.speaker else v.speaker
            found.append({
                "article": a.id,
                "speaker": speaker,
                "text": v.text,
                "verb": v.verb,
                "mode": v.mode,
                "start": v.start,
                "end": v.end,
                "unique": many and len(speakers.get(speaker or "", set())) == 1,
            })
    return found


#: Words that name a day in a time expression.
_NAMED_DAY = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b|\b(?:jan|feb|mar|apr|may|jun|jul|"
    r"aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d|\b(?:today|tonight|yesterday|tomorrow|this\s+(?:morning|"
    r"afternoon|evening))\b|\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}",
    re.IGNORECASE,
)
#: The precisions of the dates the timeline shows: everything with a place on a calendar.
TIMELINE_PRECISIONS = frozenset(
    {"day", "month", "year", "week", "quarter", "half", "season", "decade", "time"}
)


def _timeline(articles: Sequence[Article], enrichments: Mapping[str, Enrichment]) -> list[dict[str, Any]]:
    items = []
    for a in articles:
        e = enrichments[a.id]
        for t in e.times:
            if not t.value or not t.value[:4].isdigit():
                continue
            # A time of a day the text names ("Wednesday morning", "9 a.m. on May 5") is on the
            # timeline as its day; a bare clock time ("at 9 a.m.") dates nothing of its own.
            if t.kind == "time" and not (re.match(r"\d{4}-\d\d-\d\d", t.value)
                                         and _NAMED_DAY.search(t.expression)):
                continue
            if t.kind not in {"date", "time"} or t.precision not in TIMELINE_PRECISIONS:
                continue
            sentence = next((s for s in e.sentences if s.start <= t.start < s.end), None)
            items.append(
                {
                    "date": t.value,
                    "precision": t.precision,
                    "expression": t.expression,
                    "article": a.id,
                    "text": sentence.text if sentence else t.expression,
                }
            )
    # In calendar order: a week or a season by its first day, not by how its value spells
    # ("2024-W14" before "2024-04-08"); the wider of two that start together first.
    def when(item: Mapping[str, Any]) -> tuple[date, int]:
        span = value_span(item["date"])
        return (span[0], -(span[1] - span[0]).days) if span else (date.max, 0)

    items.sort(key=lambda i: (*when(i), i["date"], i["article"]))
    return items


def _outlet_shares(articles: Sequence[Article], facts: Sequence[Fact]) -> list[dict[str, Any]]:
    shares = []
    for a in articles:
        total = max(1, len(a.text))
        share = {}
        for fact in facts:
            chars = sum(c.end - c.start for c in fact.claims if c.article == a.id)
            if chars:
                share[fact.id] = round(chars / total, 3)
        shares.append({"outlet": a.outlet, "articles": [a.id], "share": share})
    return shares
