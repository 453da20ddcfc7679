"""Claim alignment judged on ECB+ (`parallax eval alignment`), and the data that fits its threshold.

ECB+ marks which event mentions in different reports of one event are the same event instance
(cross-document coreference). Two sentences from two reports of one event that mention the same
event instance state, at least in part, the same fact: that is what the compare stage must align.
Sentences that share no instance are pairs it must leave apart. Only the sentences ECB+ validated
for coreference are used (``ECBplus_coreference_sentences.csv``); the rest were never annotated.

Each pair of documents of one sub-topic (one seminal event) is aligned as compare aligns two
articles (:func:`parallax.compare.align.match_claims`), and the pairs it returns are scored against
the gold pairs. The fact threshold is fitted on the topics outside the standard development set and
reported on the development topics, which fitting never sees.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from parallax.compare.align import (
    FIGURE_SHARE,
    LEDE_SHARE,
    LEDE_WORDS,
    PREDICATE_SHARE,
    AlignModel,
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
from parallax.errors import DatasetError
from parallax.evaluation.clustering import ECB_DEV_TOPICS, _detokenise, _unescape
from parallax.evaluation.metrics import precision_recall_f1

_TOKEN = re.compile(r'<token t_id="(\d+)" sentence="(\d+)"[^>]*>([^<]*)</token>')
_MARKABLE = re.compile(r'<(ACTION_[A-Z_]+) m_id="(\d+)"\s*>(.*?)</\1>', re.DOTALL)
_ANCHOR = re.compile(r'<token_anchor t_id="(\d+)"')
_RELATION = re.compile(r'<CROSS_DOC_COREF r_id="\d+" note="(ACT[^"]*)"\s*>(.*?)</CROSS_DOC_COREF>', re.DOTALL)
_SOURCE = re.compile(r'<source m_id="(\d+)"')
SENTENCES_FILE = "ECBplus_coreference_sentences.csv"
#: Thresholds tried when fitting: below the lowest, pairs of unrelated sentences flood in.
GRID = tuple(round(float(x), 3) for x in np.arange(0.05, 0.61, 0.01))
#: How often a fact shown as shared must be shared (see :func:`fit_fact_threshold`).
FACT_PRECISION = 0.80


@dataclass(frozen=True, slots=True)
class EventSentence:
    """One validated sentence of an ECB+ document, with the event instances it mentions."""

    document: str
    topic: str
    subtopic: str
    number: int
    text: str
    events: frozenset[str]


def _validated(root: Path) -> set[tuple[str, str, int]]:
    """(topic, file stem without topic, sentence) of the sentences ECB+ validated."""
    for folder in (root, root.parent, root.parent.parent):
        path = folder / SENTENCES_FILE
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                rows = csv.DictReader(handle)
                return {(row["Topic"], row["File"], int(row["Sentence Number"])) for row in rows}
    raise DatasetError(
        f"{SENTENCES_FILE} not found beside {root}: give the ECB+ dataset folder (the one holding "
        "the ECB+ topics and that file)"
    )


def read_event_sentences(folder: Path) -> list[EventSentence]:
    """Validated sentences of every ECB+ document under ``folder``, with their event instances."""
    folder = Path(folder)
    validated = _validated(folder)
    found: list[EventSentence] = []
    from parallax.evaluation import dataset_files

    for path in dataset_files(folder, ".xml", "the ECB+ corpus folder"):
        match = re.fullmatch(r"(\d+)_(\d+)(ecb|ecbplus)", path.stem)
        if not match:
            continue
        topic, number, kind = match.groups()
        xml = path.read_text(encoding="utf-8")
        sentence_of: dict[str, int] = {}
        tokens: dict[int, list[str]] = defaultdict(list)
        for token in _TOKEN.finditer(xml):
            sentence_of[token.group(1)] = int(token.group(2))
            tokens[int(token.group(2))].append(_unescape(token.group(3)))
        mention_sentence: dict[str, int] = {}
        for markable in _MARKABLE.finditer(xml):
            anchors = _ANCHOR.findall(markable.group(3))
            if anchors and anchors[0] in sentence_of:
                mention_sentence[markable.group(2)] = sentence_of[anchors[0]]
        events: dict[int, set[str]] = defaultdict(set)
        for relation in _RELATION.finditer(xml):
            for source in _SOURCE.findall(relation.group(2)):
                if source in mention_sentence:
                    events[mention_sentence[source]].add(relation.group(1))
        stem = f"{number}{kind}"
        for sentence, words in sorted(tokens.items()):
            if (topic, stem, sentence) in validated:
                found.append(EventSentence(path.stem, topic, f"{topic}{kind}", sentence,
                                           _detokenise(words), frozenset(events[sentence])))
    return found


@dataclass(frozen=True, slots=True)
class DocumentPair:
    """Two reports of one seminal event: the probability of every sentence pair, and the gold."""

    topic: str
    probability: np.ndarray
    gold: frozenset[tuple[int, int]]


def document_pairs(sentences: Sequence[EventSentence], embedder: Any = None,
                   model: AlignModel | None = None) -> list[DocumentPair]:
    """Every pair of documents within a sub-topic, scored by the alignment model."""
    from parallax.enrich.embed import get_embedder

    embedder = embedder or get_embedder()
    model = model or load_model()
    vectors = embedder.embed([s.text for s in sentences])
    terms = [content_terms(s.text) for s in sentences]
    stated = [predicates(s.text) for s in sentences]
    figures = _figures([s.text for s in sentences])
    by_document: dict[str, list[int]] = defaultdict(list)
    subtopic_of: dict[str, str] = {}
    for index, sentence in enumerate(sentences):
        by_document[sentence.document].append(index)
        subtopic_of[sentence.document] = sentence.subtopic
    # Each document's lede, as compare finds it: its first sentence of some length (ECB+ keeps
    # only the sentences it validated, so this is the first of those).
    ledes: dict[str, int] = {}
    for index, sentence in sorted(enumerate(sentences), key=lambda pair: pair[1].number):
        if sentence.document not in ledes and len(sentence.text.split()) >= LEDE_WORDS:
            ledes[sentence.document] = index
    by_subtopic: dict[str, list[str]] = defaultdict(list)
    for document in sorted(by_document):
        by_subtopic[subtopic_of[document]].append(document)
    pairs: list[DocumentPair] = []
    for documents in by_subtopic.values():
        # Term weights over the sub-topic: what is rare among reports of this one event.
        weights = TermWeights(terms[i] for d in documents for i in by_document[d])
        for first, second in itertools.combinations(documents, 2):
            rows, cols = by_document[first], by_document[second]
            cosine = vectors[rows] @ vectors[cols].T
            overlap = weights.overlap_matrix([terms[r] for r in rows], [terms[c] for c in cols])
            gold = frozenset(
                (i, j) for (i, r), (j, c) in itertools.product(enumerate(rows), enumerate(cols))
                if sentences[r].events & sentences[c].events
            )
            shared = shared_predicates([stated[r] for r in rows], [stated[c] for c in cols]).astype(float)
            # As compare does: one distinctive figure in two sentences on one subject.
            shared += FIGURE_SHARE / PREDICATE_SHARE * shared_figures(
                [figures[r] for r in rows], [figures[c] for c in cols], cosine)
            shared += LEDE_SHARE / PREDICATE_SHARE * lede_pairs(
                [r == ledes.get(first) for r in rows], [c == ledes.get(second) for c in cols], cosine)
            pairs.append(DocumentPair(sentences[rows[0]].topic, probabilities(cosine, overlap, model, shared),
                                      gold))
    return pairs


def _figures(texts: Sequence[str]) -> list[frozenset[tuple[str, float]]]:
    """The distinctive figures of each sentence, read by enrichment's quantity finder."""
    from parallax.compare.core import measure_of
    from parallax.enrich.nlp import load_nlp
    from parallax.enrich.quantities import find_quantities

    found: list[frozenset[tuple[str, float]]] = []
    for doc in load_nlp().pipe(texts, batch_size=256):
        amounts: dict[str, set[float]] = defaultdict(set)
        for quantity in find_quantities(doc):
            if key := measure_of(quantity):
                amounts[key].add(quantity.value)
        found.append(distinctive_figures(amounts))
    return found


def score(
    pairs: Iterable[DocumentPair], threshold: float, model: AlignModel | None = None
) -> dict[str, float]:
    """Precision, recall and F1 of the aligned sentence pairs against the gold pairs."""
    model = model or load_model()
    tp = fp = fn = 0
    for pair in pairs:
        found = {(i, j) for i, j, _ in match_claims(pair.probability, model, fact_threshold=threshold)}
        tp += len(found & pair.gold)
        fp += len(found - pair.gold)
        fn += len(pair.gold - found)
    return precision_recall_f1(tp, fp, fn)


def fit_fact_threshold(
    pairs: Sequence[DocumentPair], model: AlignModel | None = None, precision: float = FACT_PRECISION
) -> tuple[float, dict[str, float]]:
    """The lowest fact threshold whose aligned pairs are right at least ``precision`` of the time
    on ``pairs``, and its scores.

    Not the best F1: ECB+'s gold counts any two sentences that mention one event instance as a
    pair, so recall keeps rising as the threshold falls and F1 would pick the lowest one tried.
    What a reader needs is that a fact shown as shared is shared: four times in five or better.
    """
    scored = [(t, score(pairs, t, model)) for t in GRID]
    for threshold, scores in scored:
        if scores["precision"] >= precision:
            return threshold, scores
    return scored[-1]


def split_topics(pairs: Sequence[DocumentPair]) -> tuple[list[DocumentPair], list[DocumentPair]]:
    """(pairs outside the development topics, pairs of the development topics)."""
    train = [p for p in pairs if p.topic not in ECB_DEV_TOPICS]
    dev = [p for p in pairs if p.topic in ECB_DEV_TOPICS]
    return train, dev


def evaluate_alignment(folder: Path) -> dict[str, Any]:
    """Alignment P/R/F1 on the ECB+ development topics at the shipped threshold, and the threshold
    that topics outside the development set would choose."""
    sentences = read_event_sentences(folder)
    if not sentences:
        raise DatasetError(f"{folder}: no validated ECB+ sentences found (expected the ECB+ dataset folder)")
    model = load_model()
    pairs = document_pairs(sentences, model=model)
    train, dev = split_topics(pairs)
    evaluated = dev or pairs
    fitted, fitted_scores = fit_fact_threshold(train, model) if train else (model.fact_threshold, {})
    metrics = {f"{k}": v for k, v in score(evaluated, model.fact_threshold, model).items()}
    metrics.update({f"mrpc_threshold_{k}": v for k, v in score(evaluated, model.threshold, model).items()})
    return {
        "task": "alignment",
        "dataset": "ecbplus",
        "n": sum(len(p.gold) for p in evaluated),
        "metrics": metrics,
        "anchors": {},
        "detail": {
            "evaluated_on": "development topics" if dev else "all topics given",
            "document_pairs": len(evaluated),
            "fact_threshold": model.fact_threshold,
            "paraphrase_threshold": model.threshold,
            "fitted_on_other_topics": fitted,
            "other_topics_at_fitted": fitted_scores,
        },
    }
