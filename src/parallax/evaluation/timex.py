"""Score time-expression recognition and normalisation against TimeML (TempEval-3) files.

A TimeML file holds one document: a ``DCT`` element whose ``TIMEX3`` (``functionInDocument=
"CREATION_TIME"``) is the publication date, and a ``TEXT`` element whose ``TIMEX3`` tags mark the
gold time expressions among other inline tags (``EVENT``, ``SIGNAL``). The reader strips the tags
and keeps character offsets into the plain text, which is what :func:`find_times` sees.

Scoring follows TempEval-3: *strict* counts exact span matches, *relaxed* counts overlapping
spans, and the value score counts relaxed matches whose normalised value is also right, divided by
the system's expressions (precision) and by the gold expressions (recall). The creation time
itself is never scored; it is only the reference date.

MEANTIME (NewsReader's Wikinews corpus, CAT XML) is read too: its files hold tokens rather than
running text, and its ``TIMEX3`` markables point at tokens. The reader joins the tokens back into
text (spacing as a printed article would have it) and maps each markable to character offsets.
Its creation time is a dateline inside the text; system expressions over that dateline are not
scored, as TempEval-3 keeps the creation time out of its text.
"""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from parallax.enrich.timex import find_times
from parallax.errors import DatasetError
from parallax.evaluation.metrics import f1_of
from parallax.model import TimeRef

#: Published results on the TempEval-3 platinum test set, for comparison (HeidelTime, task A).
ANCHORS = {"heideltime_relaxed_f1": 0.903, "heideltime_value_f1": 0.776}
TARGETS = {"value_f1": 0.80}

_CREATION = "CREATION_TIME"


@dataclass(frozen=True, slots=True)
class GoldTimex:
    start: int
    end: int
    type: str  # DATE | TIME | DURATION | SET
    value: str
    text: str


@dataclass(frozen=True, slots=True)
class TimeMLDocument:
    doc_id: str
    path: Path
    text: str
    dct: date | None
    timexes: tuple[GoldTimex, ...]
    #: Character spans left out of scoring (MEANTIME's dateline, which is the creation time).
    unscored: tuple[tuple[int, int], ...] = ()


def _parse_dct(value: str | None) -> date | None:
    """The day of a creation time; TimeML values may carry a time (``1998-02-13T14:35:00``)."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _parse(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise DatasetError(f"{path}: not well-formed XML ({exc}); remove or repair the file") from exc


def read_timeml(path: Path) -> TimeMLDocument:
    """One TimeML document: plain text of ``TEXT``, its creation date and its gold expressions."""
    root = _parse(path)
    dct: date | None = None
    dct_words = ""
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == _CREATION:
            dct = _parse_dct(timex.get("value"))
            dct_words = "".join(timex.itertext()).strip()
            break
    text_el = root.find("TEXT")
    pieces: list[str] = []
    spans: list[tuple[int, int, str, str]] = []  # start, end, type, value
    length = 0

    def walk(element: ET.Element) -> None:
        # Offsets are counted while the text is rebuilt, so they point into the stripped text.
        nonlocal length
        start = length
        if element.text:
            pieces.append(element.text)
            length += len(element.text)
        for child in element:
            walk(child)
            if child.tail:
                pieces.append(child.tail)
                length += len(child.tail)
        if element.tag == "TIMEX3" and element.get("functionInDocument") != _CREATION:
            spans.append((start, length, element.get("type", ""), element.get("value", "")))

    if text_el is not None:
        walk(text_el)
    text = "".join(pieces)
    timexes = tuple(GoldTimex(start, end, kind, value, text[start:end]) for start, end, kind, value in spans)
    doc_id = (root.findtext("DOCID") or path.stem).strip()
    return TimeMLDocument(doc_id=doc_id, path=path, text=text, dct=dct, timexes=timexes,
                          unscored=_dateline_as_creation_time(text, dct_words, spans))


def _dateline_as_creation_time(
    text: str, dct_words: str, spans: Sequence[tuple[int, int, str, str]],
) -> tuple[tuple[int, int], ...]:
    """The dateline's date when it is the creation time: left unscored, as in MEANTIME.

    Some files annotate the dateline's own words ("WASHINGTON, August 11 (Xinhua)") as the
    creation time, moved into ``DCT``, and leave them unmarked in ``TEXT``; those words are the
    creation-time annotation, which the official scorer leaves out, not a missed annotation. A
    dateline the annotators also marked in ``TEXT`` is scored like any other expression.
    """
    if not any(ch.isalpha() for ch in dct_words):
        return ()  # an ISO stamp or a numeric date written by the archive, not the dateline's words
    first_line = text.lstrip("\n").split("\n", 1)[0]
    offset = len(text) - len(text.lstrip("\n"))
    found = first_line.find(dct_words)
    if found < 0:
        return ()
    start, end = offset + found, offset + found + len(dct_words)
    if any(_overlap(start, end, s, e) for s, e, _, _ in spans):
        return ()
    return ((start, end),)


def _once(documents: Iterable[TimeMLDocument]) -> Iterator[TimeMLDocument]:
    """Each document once, though a corpus may ship it in two folders."""
    seen: set[str] = set()
    for document in documents:
        if document.doc_id not in seen:
            seen.add(document.doc_id)
            yield document


def iter_timeml(folder: Path) -> Iterator[TimeMLDocument]:
    """Every ``*.tml`` under ``folder`` (recursively), each document once even if copied twice."""
    from parallax.evaluation import dataset_files

    return _once(read_timeml(path) for path in dataset_files(folder, ".tml", "a folder of TimeML .tml files"))


# Penn Treebank tokens written back as an article prints them: quotes, brackets and clitics.
_TOKEN_FORMS = {"``": '"', "''": '"', "-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]"}
_NO_SPACE_BEFORE = {
    ",", ".", ";", ":", "?", "!", "%", ")", "]", "'s", "'S", "n't", "'re", "'ve", "'ll", "'d", "'m", "''",
}
_NO_SPACE_AFTER = {"(", "[", "``", "$", "-LRB-", "-LSB-"}


def read_meantime(path: Path) -> TimeMLDocument:
    """One MEANTIME (CAT XML) document: text rebuilt from its tokens, creation date, gold times.

    Sentences go on lines of their own (the first is the headline), so sentence ends are where a
    reader of the article would see them. MEANTIME annotates the headline, the dateline and the
    first sentences only (up to the sixth sentence of the file); the text stops after the last
    sentence holding any annotation, so times in the unannotated rest do not count as spurious.
    """
    return _meantime_document(ET.parse(path).getroot(), path)


def _meantime_document(root: ET.Element, path: Path) -> TimeMLDocument:
    sentence_of = {token.get("t_id", ""): int(token.get("sentence") or 0) for token in root.iter("token")}
    markables = root.find("Markables")
    annotated = max(
        (sentence_of.get(anchor.get("t_id", ""), 0) for anchor in markables.iter("token_anchor")),
        default=0,
    ) if markables is not None else 0
    offsets: dict[str, tuple[int, int]] = {}
    pieces: list[str] = []
    length = 0
    sentence: str | None = None
    previous = ""
    for token in root.iter("token"):
        if sentence_of[token.get("t_id", "")] > annotated:
            break
        raw = token.text or ""
        form = _TOKEN_FORMS.get(raw, raw)
        if sentence is not None and token.get("sentence") != sentence:
            separator = "\n"
        elif sentence is None or raw in _NO_SPACE_BEFORE or previous in _NO_SPACE_AFTER:
            separator = ""
        else:
            separator = " "
        sentence = token.get("sentence")
        pieces.append(separator)
        length += len(separator)
        offsets[token.get("t_id", "")] = (length, length + len(form))
        pieces.append(form)
        length += len(form)
        previous = raw
    text = "".join(pieces)
    dct: date | None = None
    unscored: list[tuple[int, int]] = []
    spans: list[tuple[int, int, str, str]] = []
    for timex in markables.iter("TIMEX3") if markables is not None else ():
        anchored = [
            offsets[a.get("t_id", "")] for a in timex.iter("token_anchor") if a.get("t_id") in offsets
        ]
        if timex.get("functionInDocument") == _CREATION:
            dct = dct or _parse_dct(timex.get("value"))
            if anchored:
                unscored.append((min(s for s, _ in anchored), max(e for _, e in anchored)))
            continue
        if not anchored:
            continue  # an empty markable (a time the text implies) has no span to find
        spans.append((min(s for s, _ in anchored), max(e for _, e in anchored),
                      timex.get("type", ""), timex.get("value", "")))
    if dct is None:
        # A few files mark no creation time (or write it month first); their second line is the
        # dateline ("September 01, 2007"), which is the publication date a reader would take.
        lines = text.split("\n")
        if len(lines) > 1:
            try:
                dct = datetime.strptime(lines[1].strip(), "%B %d, %Y").date()
            except ValueError:
                dct = None
            else:
                start = len(lines[0]) + 1
                unscored.append((start, start + len(lines[1])))
    spans.sort()
    # A dateline taken as the creation time is left unscored, unless the annotators marked it as
    # an expression of its own: then it is scored like any other.
    unscored = [u for u in unscored if not any(_overlap(u[0], u[1], s, e) for s, e, _, _ in spans)]
    timexes = tuple(GoldTimex(start, end, kind, value, text[start:end]) for start, end, kind, value in spans)
    doc_id = root.get("doc_id") or path.stem
    return TimeMLDocument(doc_id=doc_id, path=path, text=text, dct=dct, timexes=timexes,
                          unscored=tuple(unscored))


def iter_meantime(folder: Path) -> Iterator[TimeMLDocument]:
    """Every MEANTIME ``*.xml`` under ``folder``, each document once (the corpus ships two copies)."""

    def documents() -> Iterator[TimeMLDocument]:
        from parallax.evaluation import dataset_files

        for path in dataset_files(folder, ".xml", "a folder of MEANTIME CAT XML files"):
            root = _parse(path)
            if root.tag == "Document":  # the folder may hold other XML (a schema, say)
                yield _meantime_document(root, path)

    return _once(documents())


DATASETS: dict[str, Callable[[Path], Iterator[TimeMLDocument]]] = {
    "tempeval3": iter_timeml,
    "meantime": iter_meantime,
}


@dataclass(slots=True)
class TimexCounts:
    """Match counts summed over documents; the metrics are ratios of these."""

    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0
    type: int = 0
    documents: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: TimexCounts) -> None:
        self.gold += other.gold
        self.system += other.system
        self.strict += other.strict
        self.relaxed += other.relaxed
        self.value += other.value
        self.type += other.type
        self.documents += other.documents
        self.errors.extend(other.errors)

    def metrics(self) -> dict[str, float]:
        strict_p, strict_r = _ratio(self.strict, self.system), _ratio(self.strict, self.gold)
        relaxed_p, relaxed_r = _ratio(self.relaxed, self.system), _ratio(self.relaxed, self.gold)
        value_p, value_r = _ratio(self.value, self.system), _ratio(self.value, self.gold)
        return {
            "strict_f1": _f1(strict_p, strict_r),
            "strict_precision": round(strict_p, 4),
            "strict_recall": round(strict_r, 4),
            "relaxed_f1": _f1(relaxed_p, relaxed_r),
            "relaxed_precision": round(relaxed_p, 4),
            "relaxed_recall": round(relaxed_r, 4),
            "value_f1": _f1(value_p, value_r),
            "type_accuracy": round(_ratio(self.type, self.relaxed), 4),
        }


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _f1(precision: float, recall: float) -> float:
    return round(f1_of(precision, recall), 4)


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def score_document(
    document: TimeMLDocument, predicted: Sequence[TimeRef], keep_errors: bool = False
) -> TimexCounts:
    """Counts for one document. Each gold expression pairs with at most one system expression.

    Pairs are taken largest overlap first, so a system span that covers two gold spans is credited
    once, which is what a reader of the output would see.
    """
    if document.unscored:
        predicted = [
            p for p in predicted
            if not any(_overlap(start, end, p.start, p.end) for start, end in document.unscored)
        ]
    counts = TimexCounts(gold=len(document.timexes), system=len(predicted), documents=1)
    candidates = [
        (_overlap(g.start, g.end, p.start, p.end), gi, pi)
        for gi, g in enumerate(document.timexes)
        for pi, p in enumerate(predicted)
        if _overlap(g.start, g.end, p.start, p.end) > 0
    ]
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[GoldTimex, TimeRef]] = []
    for _, gi, pi in candidates:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        pairs.append((document.timexes[gi], predicted[pi]))
    for g, p in pairs:
        counts.relaxed += 1
        counts.strict += g.start == p.start and g.end == p.end
        counts.value += g.value == (p.value or "")
        counts.type += g.type == p.kind.upper()
        if keep_errors and g.value != (p.value or ""):
            counts.errors.append(
                {"doc": document.doc_id, "dct": str(document.dct), "kind": "value", "gold": g.text,
                 "gold_value": g.value, "gold_type": g.type, "system": p.expression,
                 "system_value": p.value, "system_type": p.kind.upper()}
            )
    if keep_errors:
        for gi, g in enumerate(document.timexes):
            if gi not in used_gold:
                counts.errors.append(
                    {"doc": document.doc_id, "dct": str(document.dct), "kind": "missed", "gold": g.text,
                     "gold_value": g.value, "gold_type": g.type,
                     "context": document.text[max(0, g.start - 60) : g.end + 60]}
                )
        for pi, p in enumerate(predicted):
            if pi not in used_pred:
                counts.errors.append(
                    {"doc": document.doc_id, "dct": str(document.dct), "kind": "spurious",
                     "system": p.expression, "system_value": p.value,
                     "context": document.text[max(0, p.start - 60) : p.end + 60]}
                )
    return counts


Extractor = Callable[[str, date | None], list[TimeRef]]


def _timeml_extractor(text: str, published: date | None) -> list[TimeRef]:
    return find_times(text, published, timeml=True)


def score_documents(
    documents: Iterable[TimeMLDocument],
    extractor: Extractor = _timeml_extractor,
    keep_errors: bool = False,
) -> TimexCounts:
    total = TimexCounts()
    for document in documents:
        total.add(score_document(document, extractor(document.text, document.dct), keep_errors))
    return total


#: Ways a wrong value can differ from the gold one in notation alone, where annotated corpora do
#: not agree with each other: TimeBank and MEANTIME write a named day's part ("Friday night",
#: ``1998-10-23TNI``) where some AQUAINT files write the day; some write a year as ``1968-XX`` or a
#: decade as ``198X``; some write week 7 as ``W7``.
_NOTATIONS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("part of a named day", lambda v: re.sub(r"^(\d{4}-\d{2}-\d{2})T(?:MO|AF|EV|NI|DT)$", r"\1", v)),
    ("unknown month or day written out", lambda v: re.sub(r"(?:-XX)+$", "", v)),
    ("decade written with X", lambda v: re.sub(r"^(\d{3})X$", r"\1", v)),
    ("week number without its zero", lambda v: re.sub(r"-W0?(\d)$", r"-W0\1", v)),
)


def notation_difference(gold: str, system: str) -> str:
    """Which notation alone sets a system value apart from the gold one, or "" when the two
    differ in what they say."""
    for name, canonical in _NOTATIONS:
        if gold != system and canonical(gold) == canonical(system):
            return name
    return ""


def evaluate_timex(folder: Path, dataset: str = "tempeval3", errors: Path | None = None) -> dict[str, Any]:
    """Score :func:`find_times` on every document of ``dataset`` layout under ``folder``.

    It runs with ``timeml=True``: the references :func:`find_times` reports beyond what TimeML
    corpora mark ("former", "previously") would only measure that difference of scope. With
    ``errors``, every missed, spurious and wrong-valued expression is written there, one JSON
    object a line, and the wrong values are counted by how they differ (:func:`notation_difference`).
    """
    if dataset not in DATASETS:
        raise DatasetError(f"unknown timex dataset {dataset!r}: use one of {', '.join(DATASETS)}")
    documents = list(DATASETS[dataset](Path(folder)))
    if not documents:
        kind = "TimeML .tml files" if dataset == "tempeval3" else "MEANTIME CAT XML documents"
        raise DatasetError(f"no {kind} found in {folder}: give the dataset's folder (--dataset {dataset})")
    began = time.perf_counter()
    counts = score_documents(documents, keep_errors=errors is not None)
    seconds = time.perf_counter() - began
    extra: dict[str, Any] = {}
    if errors is not None:
        differences: Counter[str] = Counter()
        with Path(errors).open("w", encoding="utf-8") as handle:
            for error in counts.errors:
                if error["kind"] == "value":
                    error["notation"] = notation_difference(error["gold_value"], error["system_value"] or "")
                    differences[error["notation"] or "what the value says"] += 1
                handle.write(json.dumps(error, ensure_ascii=False) + "\n")
        notational = sum(n for name, n in differences.items() if name != "what the value says")
        extra["errors"] = {
            "file": str(errors), **Counter(e["kind"] for e in counts.errors),
            "value_errors_by_difference": dict(differences.most_common()),
            # What value F1 would be if a value that differs in notation alone were counted
            # right: a measure of how much of the score the corpus's notation decides, not a
            # score (the official one, above, compares the strings).
            "value_f1_notation_aside": round(_f1(_ratio(counts.value + notational, counts.system),
                                                 _ratio(counts.value + notational, counts.gold)), 4),
        }
    return {
        "task": "timex",
        "dataset": dataset,
        "n": counts.documents,
        "metrics": counts.metrics(),
        "counts": {"gold": counts.gold, "system": counts.system, "relaxed": counts.relaxed,
                   "strict": counts.strict, "value": counts.value},
        "docs_per_second": round(counts.documents / seconds, 1) if seconds > 0 else None,
        "anchors": dict(ANCHORS),
        "targets": dict(TARGETS),
        **extra,
    }
