"""The loaded spaCy pipeline is the stock one made faster: the same tags, morphology, parse,
entities and lemmas, with the attribute ruler matched by table and lemmas made on demand; and
a blank line ends a sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, MORPH, POS, TAG

from parallax.enrich.attributes import PatternTable, TabledAttributeRuler, table_for
from parallax.enrich.nlp import DEFAULT_MODEL, lemma, load_nlp

# Written here to reach the ruler's rarer rules: multi-token ones ("gonna", "let's", "y'all",
# "ain't", "there is"), negated tag lists, whitespace tokens.
TRICKY = (
    "Y'all ain't gonna believe it: there is gotta be a way, let's go, c'mon.  There are two.\n\n"
    "I'm sure he's gotten it, she'd said; they've been told it isn't theirs. Wanna bet? "
    "The minister, who hopes to visit Seoul, told reporters he was pleased."
)


@pytest.fixture(scope="module")
def stock() -> Any:
    import spacy
    from thinc.api import use_ops

    load_nlp()  # registers the paragraph-break component, which the stock pipeline gets too
    with use_ops("numpy", use_blis=False):
        nlp = spacy.load(DEFAULT_MODEL)
    nlp.add_pipe("paragraph_breaks", before="parser")
    return nlp


def _texts(data_dir: Path) -> list[str]:
    from parallax.demo import sample_dir

    files = sorted((data_dir / "seeds").glob("*.txt")) + sorted(sample_dir().glob("*.txt"))
    assert len(files) >= 3, "the seed articles or the bundled sample are missing"
    return [TRICKY] + [p.read_text(encoding="utf-8") for p in files]


def test_the_loaded_pipeline_annotates_exactly_as_the_stock_one(stock: Any, data_dir: Path) -> None:
    fast = load_nlp()
    assert isinstance(fast.get_pipe("attribute_ruler"), TabledAttributeRuler)
    assert "lemmatizer" not in fast.pipe_names  # off, asked on demand
    texts = _texts(data_dir)
    attrs = [POS, TAG, MORPH, DEP, HEAD, ENT_IOB, ENT_TYPE]
    compared = 0
    for ours, theirs in zip(fast.pipe(texts), stock.pipe(texts), strict=True):
        assert np.array_equal(ours.to_array(attrs), theirs.to_array(attrs))
        assert [lemma(t) for t in ours] == [t.lemma_.lower() for t in theirs]
        compared += len(ours)
    assert compared > 1200


def test_the_table_finds_what_the_matcher_finds(stock: Any) -> None:
    ruler = stock.get_pipe("attribute_ruler")
    table = table_for(ruler)
    assert table is not None and table.longer, "the stock ruler's patterns fit the table"
    doc = stock(TRICKY, disable=["attribute_ruler", "lemmatizer", "ner"])
    assert table.matches(doc) == ruler.match(doc)
    assert any(end - start > 1 for _, _, start, end in table.matches(doc))


def test_patterns_beyond_the_table_keep_the_matcher() -> None:
    with pytest.raises(ValueError, match="beyond"):
        PatternTable([(0, 1, [[{"LOWER": "a", "OP": "+"}]])])
    with pytest.raises(ValueError, match="beyond"):
        PatternTable([(0, 1, [[{"LIKE_NUM": True}]])])


def test_a_ruler_given_a_rule_the_table_cannot_hold_still_applies_it() -> None:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("parallax_attribute_ruler", config={"patterns": []})
    ruler.add([[{"LOWER": "very", "OP": "+"}, {"LOWER": "good"}]], {"LEMMA": "fine"}, index=-1)
    ruler.add([[{"LOWER": "bad"}]], {"LEMMA": "poor"})
    doc = nlp("a very very good day, not a bad one")
    assert [t.lemma_ for t in doc if t.lemma_] == ["fine", "poor"]
    assert ruler._table is None  # the "+" operator sent it back to spaCy's Matcher


def test_lemmas_on_demand_fall_back_to_the_word_without_a_lemmatizer() -> None:
    import spacy

    doc = spacy.blank("en")("Ministers Said")
    assert [lemma(t) for t in doc] == ["ministers", "said"]
    assert all(t.lemma == 0 for t in doc)


def test_a_cleared_ruler_forgets_its_table() -> None:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("parallax_attribute_ruler", config={"patterns": []})
    ruler.add([[{"LOWER": "bad"}]], {"LEMMA": "poor"})
    assert [t.lemma_ for t in nlp("bad day")] == ["poor", ""]
    ruler.clear()
    assert [t.lemma_ for t in nlp("bad day")] == ["", ""]


def test_a_blank_line_ends_a_sentence() -> None:
    doc = load_nlp()("LONDON\n\nKey points of the plan\n\nThe government announced a plan on Monday.")
    assert [s.text.strip() for s in doc.sents] == [
        "LONDON", "Key points of the plan", "The government announced a plan on Monday."]


def test_a_closing_quotation_mark_ends_its_sentence() -> None:
    from parallax.enrich import Enricher
    from parallax.model import Article

    text = ('He said it was over.\n\n"We used money we should not have used."\n\nThe judge agreed. '
            '"Yes!" he said. Then it ended.')
    found = Enricher(vectors=False).analyze(Article(id="x", text=text, source="x")).enrichment
    sentences = [text[s.start : s.end].strip() for s in found.sentences]
    assert '"We used money we should not have used."' in sentences
    assert '"Yes!" he said.' in sentences
    attributed = 'It ended. "Stop lying!" Mr. Varn wrote. Then.'
    found = Enricher(vectors=False).analyze(Article(id="y", text=attributed, source="y")).enrichment
    assert '"Stop lying!" Mr. Varn wrote.' in [attributed[s.start : s.end] for s in found.sentences]
    assert all(any(c.isalnum() for c in s) for s in sentences)


def test_a_rule_pointing_outside_its_match_is_named_in_the_error() -> None:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("parallax_attribute_ruler", config={"patterns": []})
    ruler.add([[{"LOWER": "bad"}, {"LOWER": "day"}]], {"LEMMA": "poor"}, index=3)
    with pytest.raises(ValueError, match="bad"):
        nlp("a bad day")
