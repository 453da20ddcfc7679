"""Time expressions: leaving out the rules whose triggers a text lacks changes nothing.

``find_times`` runs a rule only over texts that hold one of the rule's triggers. These tests check
the triggers against matches of each rule (generated from its pattern, and found in real text),
and compare ``find_times`` with running every rule.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parallax.enrich import timex
from parallax.evaluation.timex import iter_timeml

WEDNESDAY = date(2021, 5, 5)
TIMEX_TESTS = Path(__file__).with_name("test_timex.py")
TRIGGERED = [rule for rule in timex._RULES if rule.triggers is not None]


def _same(text: str, published: date | None) -> None:
    for timeml in (False, True):
        found = timex.find_times(text, published, timeml=timeml)
        every = timex._find_times(text, published, timeml=timeml, every_rule=True)
        assert found == every, (text, published, timeml)


def _lowered(text: str) -> str:
    """The text as ``_rules_for`` looks for triggers in it."""
    return text.translate(timex._LOOKALIKES).lower()


def _holds_a_trigger(rule: timex._Rule, text: str) -> bool:
    assert rule.triggers is not None
    lowered = _lowered(text)
    return any(trigger in lowered for trigger in rule.triggers)


def _timex_test_texts() -> list[str]:
    """Every string in the time-expression tests: the cases timex was built against."""
    tree = ast.parse(TIMEX_TESTS.read_text(encoding="utf-8"))
    found = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
    return sorted(text for text in found if isinstance(text, str) and len(text) >= 3)


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
    "years-long", "the end of the month", "a month-ago figure", "every Tuesday", "in the nineties",
    # Characters that case-blind matching equates with ASCII letters, other spaces and digits.
    "la\u017ft year", "next wee\u212a", "th\u0130s morning", "Mon\u0131day", "\u0663\u0660 days",
    "1\u20092", "\uff2day", "\u212aelvin", "Augu\u017ft 5", "two wee\u212as ago",
)


# -- the triggers ---------------------------------------------------------------------------------


def test_triggers_are_lower_case_literals() -> None:
    assert len(TRIGGERED) >= len(timex._RULES) - 6
    for rule in TRIGGERED:
        assert rule.triggers, rule.name
        for trigger in rule.triggers:
            # Lower-cased text holds only lower-case triggers; where a pattern has a space, ``\s``
            # matches any of many characters, so no trigger may hold one.
            assert trigger and trigger == trigger.lower() and trigger.isascii(), (rule.name, trigger)
            assert not any(ch.isspace() for ch in trigger), (rule.name, trigger)


def test_lookalikes_are_every_character_that_matches_an_ascii_letter() -> None:
    # Every character but the ASCII letters that a rule's case-blind letter matches must become
    # that letter, or a trigger could be missed in text that matches.
    everything = "".join(map(chr, range(128, 0x110000)))
    lookalikes = set(re.findall("[a-z]", everything, re.IGNORECASE))
    assert lookalikes == set(map(chr, timex._LOOKALIKES))
    for char in lookalikes:
        letter = next(c for c in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(c, char, re.IGNORECASE))
        assert _lowered(char) == letter


@pytest.mark.parametrize("rule", TRIGGERED, ids=lambda rule: rule.name)
def test_generated_matches_hold_a_trigger(rule: timex._Rule) -> None:
    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(st.from_regex(rule.pattern, fullmatch=True))
    def check(text: str) -> None:
        assert _holds_a_trigger(rule, text), text

    check()


def _assert_matches_hold_triggers(text: str) -> None:
    plain = text.translate(timex._LOOKALIKES)
    for rule in TRIGGERED:
        for m in rule.pattern.finditer(plain):
            assert _holds_a_trigger(rule, m.group(0)), (rule.name, m.group(0))


def test_matches_in_the_time_expression_cases_hold_a_trigger() -> None:
    for text in [*_timex_test_texts(), *PIECES]:
        _assert_matches_hold_triggers(text)


def test_matches_in_news_hold_a_trigger(data_dir: Path) -> None:
    documents = list(iter_timeml(data_dir / "tempeval3"))
    assert len(documents) > 200
    for document in documents:
        _assert_matches_hold_triggers(document.text)


# -- the same as running every rule ---------------------------------------------------------------


def test_same_as_every_rule_on_the_time_expression_cases() -> None:
    texts = _timex_test_texts()
    assert len(texts) > 50
    for text in texts:
        for published in (WEDNESDAY, None):
            _same(text, published)


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)) | st.none(),
    st.lists(st.sampled_from(PIECES), max_size=10),
    st.sampled_from(["", " ", "  ", "\n", ", "]),
    st.sampled_from([str, str.upper, str.lower, str.swapcase, str.title]),
    st.sampled_from([" ", "  ", " \n", "\u00a0"]),
)
def test_same_as_every_rule_on_mixed_text(published: date | None, pieces: list[str], glue: str,
                                          case: object, space: str) -> None:
    assert callable(case)
    _same(case(glue.join(pieces)).replace(" ", space), published)


def test_same_as_every_rule_on_news(data_dir: Path) -> None:
    documents = list(iter_timeml(data_dir / "tempeval3"))[:60]
    assert documents
    for document in documents:
        _same(document.text, document.dct)
        _same(document.text[:3000], None)


@pytest.mark.parametrize("text", ["\uff2donday", "the 2\u200a000s", "\u0130 left on Monday",
                                  "The talks la\u017fted two weeks."])
def test_unusual_characters(text: str) -> None:
    _same(text, WEDNESDAY)


def test_text_without_time_words_runs_few_rules() -> None:
    plain = "The committee approved the proposal after a long debate among its members."
    assert len(timex._rules_for(plain, False)) <= 6
    names = {timex._RULES[i].name for i in timex._rules_for("They met on Monday.", False)}
    assert "weekday" in names and "quarter" not in names
    assert "extref" not in {timex._RULES[i].name for i in timex._rules_for("the former chief", True)}


def _flat(words: list[str]) -> str:
    escaped = {re.escape(w).replace(r"\ ", " ").replace(" ", r"\s+") for w in words}
    return "|".join(sorted(escaped, key=len, reverse=True))


WORDS = st.lists(st.text(alphabet="abt .-", min_size=1, max_size=5).map(str.strip).filter(bool),
                 min_size=1, max_size=12)


@given(words=WORDS, text=st.text(alphabet="abtAB .-\n", max_size=40),
       tail=st.sampled_from(["", r"\b", r"\s+b"]))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_a_tree_alternation_matches_what_the_flat_one_matches(words: list[str], text: str, tail: str) -> None:
    # The flat list tried longest first is what the rules were written against: the tree must
    # find the same matches, followed by more pattern (where backtracking into it matters) or not.
    tree = re.compile("(?:" + timex._alt(words) + ")" + tail, re.IGNORECASE)
    flat = re.compile("(?:" + _flat(words) + ")" + tail, re.IGNORECASE)
    assert [m.span() for m in tree.finditer(text)] == [m.span() for m in flat.finditer(text)]


def test_a_list_with_capitals_stays_flat_where_case_is_ignored() -> None:
    # "Mar" and "march" can both match "March" case-blind: a tree would try the shorter first.
    assert timex._alt(["Mar", "march"]) == "march|Mar"
    assert timex._alt(["May", "MAY", "Mar"], cased=True) == "M(?:AY|a(?:r|y))"
    assert timex._alt(["the", "their", "this"]) == "th(?:e(?:ir|)|is)"
