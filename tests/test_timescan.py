"""Time expressions of unenriched text for clustering: the same as timex finds, sooner."""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.cluster import timescan
from parallax.enrich import timex
from parallax.evaluation.timex import iter_timeml
from parallax.model import Article, Enrichment, TimeRef
from parallax.store import Store

WEDNESDAY = date(2021, 5, 5)
TIMEX_TESTS = Path(__file__).with_name("test_timex.py")


def _same(text: str, published: date | None) -> None:
    for timeml in (False, True):
        ours = _outcome(timescan.find_times, text, published, timeml)
        assert ours == _outcome(timex.find_times, text, published, timeml), (text, published, timeml)


def _outcome(find: Callable[..., list[TimeRef]], text: str, published: date | None,
             timeml: bool) -> list[TimeRef] | str:
    """What ``find`` returns, or the kind of error it raises (a handler of timex may fail on a
    character that its rule matched case-blind: "la\u017ft" is no key of its tables)."""
    try:
        return find(text, published, timeml=timeml)
    except (KeyError, ValueError) as error:
        return type(error).__name__


def _timex_test_texts() -> list[str]:
    """Every string in the time-expression tests: the cases timex was built against."""
    tree = ast.parse(TIMEX_TESTS.read_text(encoding="utf-8"))
    found = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
    return sorted(text for text in found if isinstance(text, str) and len(text) >= 3)


def test_same_as_timex_on_the_time_expression_cases() -> None:
    texts = _timex_test_texts()
    assert len(texts) > 50
    for text in texts:
        for published in (WEDNESDAY, None):
            _same(text, published)


PIECES = (
    "The minister met Wednesday in London.", "On Monday, talks resumed.", "It will end next Friday.",
    "Trade fell last year.", "Profits rose in the third quarter.", "The talks lasted 20 minutes.",
    "A year ago, prices were lower.", "Officials said Sept. 30 was the deadline.", "He left yesterday.",
    "Rates rise every month.", "The dispute began in the 1990s.", "It opens at 3 p.m. on Tuesday.",
    "now", "ok", "  ", "\n", "\t", "\u00a0", "May", "2021", "Friday's vote", "since February last year",
    "12/25/2020", "2021-05-05", "two decades", "a two-year term", "the 21st century", "March 5, 2021",
    "5 March", "the week of Jan. 4", "Christmas Eve", "three times a week", "the year-ago period",
    "in the first half of 2020", "earlier that day", "the day before yesterday", "in '90s", "noon",
    "recently", "formerly", "quarterly dividend", "late in the year", "this past weekend", "o'clock",
    # Characters that case-blind matching equates with ASCII letters, other spaces and digits.
    "la\u017ft year", "next wee\u212a", "th\u0130s morning", "Mon\u0131day", "\u0663\u0660 days",
    "1\u20092", "\uff2day", "\u212aelvin",
)


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)) | st.none(),
    st.lists(st.sampled_from(PIECES), max_size=10),
    st.sampled_from(["", " ", "  ", "\n", ", "]),
    st.sampled_from([str, str.upper, str.lower, str.swapcase, str.title]),
    st.sampled_from([" ", "  ", " \n", "\u00a0"]),
)
def test_same_as_timex_on_mixed_text(published: date | None, pieces: list[str], glue: str,
                                     case: object, space: str) -> None:
    assert callable(case)
    _same(case(glue.join(pieces)).replace(" ", space), published)


def test_same_as_timex_on_news(data_dir: Path) -> None:
    documents = list(iter_timeml(data_dir / "tempeval3"))[:60]
    assert documents
    for document in documents:
        _same(document.text, document.dct)
        _same(document.text[:3000], None)


def test_text_without_time_words_runs_few_rules() -> None:
    rules = timescan._rules()
    assert sum(1 for rule in rules if rule.needs) >= len(rules) - 3
    plain = "The committee approved the proposal after a long debate among its members."
    assert len(timescan._runnable(plain, False)) <= 5
    assert {r.name for r in timescan._runnable("They met on Monday.", False)} >= {"weekday"}


def test_a_character_lower_case_does_not_keep_runs_every_rule() -> None:
    # The long s matches "s" case-blind but stays itself in lower case: no rule may be ruled out.
    text = "The talks la\u017fted two weeks."
    assert len(timescan._runnable(text, False)) == len(timescan._rules())
    _same(text, WEDNESDAY)


def test_store_reads_many_as_one_at_a_time(store: Store) -> None:
    ids = []
    for n in range(3):
        article = Article(id=f"a{n}", title=f"Title {n}", text="Text.", published=None)
        store.add_article(article)
        ids.append(article.id)
    store.save_vectors("a0", "article", "m1", np.ones(4, dtype=np.float32))
    store.save_vectors("a1", "story_body", "m2", np.zeros((2, 3), dtype=np.float32))
    store.save_enrichment(Enrichment(article_id="a2"), version=1)
    many = store.vectors_of(ids, ("article", "story_body"))
    assert set(many) == {("a0", "article"), ("a1", "story_body")}
    for (article_id, kind), (model, matrix) in many.items():
        assert model == store.vector_model(article_id, kind)
        assert np.array_equal(matrix, store.vectors(article_id, kind))
    assert store.enrichments_of(ids) == {"a2": store.enrichment("a2")}
    assert store.vectors_of(ids, ()) == {}
    assert store.enrichments_of([]) == {}


@pytest.mark.parametrize("text", ["\uff2donday", "the 2\u200a000s", "\u0130 left on Monday"])
def test_unusual_characters(text: str) -> None:
    _same(text, WEDNESDAY)
