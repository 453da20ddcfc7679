"""The dated-text reader on the founding seeds and on generated documents."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.ingest.dated_text import parse_dated_text, split_caps_headline

KBS = "000_486bc6c6c952522f.txt"
KYODO = "001_c1ce6ce2203ff664.txt"


def test_kbs_seed_header_is_metadata_not_text(seeds: Path) -> None:
    parsed = parse_dated_text((seeds / KBS).read_text(encoding="utf-8"))
    assert parsed.title == "TRILATERAL TALKS TAKE PLACE IN LONDON"
    kst = timezone(timedelta(hours=9))
    assert parsed.published == datetime(2021, 5, 6, 16, 3, tzinfo=kst)
    assert parsed.modified == datetime(2021, 5, 6, 16, 45, tzinfo=kst)
    assert parsed.published.utcoffset() == timedelta(hours=9)
    assert parsed.programme == "News Today"
    assert parsed.markers == ["Anchor Lead", "Pkg"]
    for noise in ("[Anchor Lead]", "[Pkg]", "News Today", "입력", "수정", "2021.05.06"):
        assert noise not in parsed.text
    assert parsed.text.startswith("Foreign ministers of South Korea, the U.S. and Japan have met in London")


def test_kyodo_seed_has_no_headline(seeds: Path) -> None:
    parsed = parse_dated_text((seeds / KYODO).read_text(encoding="utf-8"))
    assert parsed.title == ""
    assert parsed.date == date(2021, 5, 5)
    assert parsed.published is None
    assert parsed.text.startswith("Foreign Minister Toshimitsu Motegi")
    assert "\n\n" in parsed.text  # paragraphs survive


def test_headline_rules() -> None:
    assert split_caps_headline("NEW TALKS OPEN Delegates met")[0] == "NEW TALKS OPEN"
    assert split_caps_headline("U.S. officials met")[0] == ""  # one capitalised token is the body
    assert split_caps_headline("NEW YORK (AP) -- Officials met")[0] == ""  # a dateline
    assert split_caps_headline("TALKS IN LONDON A senior official said")[0] == "TALKS IN LONDON"
    assert split_caps_headline("G7 TALKS END Ministers left")[0] == "G7 TALKS END"


def test_plain_text_without_date_line() -> None:
    parsed = parse_dated_text("Dam talks resume\n\nDelegates met on Tuesday. They talked.")
    assert parsed.title == "Dam talks resume"
    assert parsed.text == "Delegates met on Tuesday. They talked."
    parsed = parse_dated_text("Delegates met on Tuesday.\n\nThey talked.")
    assert parsed.title == ""


words = st.text(alphabet=st.characters(categories=["Ll", "Lu", "Nd"]), min_size=1, max_size=12)
sentences = st.lists(words, min_size=1, max_size=25).map(lambda w: " ".join(w) + ".")
bodies = st.lists(sentences, min_size=1, max_size=6).map(lambda s: "\n\n".join(s))
caps_words = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=10)


@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)),
    headline=st.lists(caps_words, min_size=2, max_size=8).map(" ".join),
    body=bodies.filter(lambda b: b[:1].islower()),
    marker=st.sampled_from(["", "[Anchor Lead]\n\n", "[Pkg]\n\n"]),
)
def test_generated_documents_round_trip(day: date, headline: str, body: str, marker: str) -> None:
    document = f" date {day.isoformat()} {headline} \n\n{marker}{body}\n"
    parsed = parse_dated_text(document)
    assert parsed.date == day
    assert parsed.title == headline
    assert parsed.text == body.strip()
    assert "[" not in parsed.text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_parser_never_raises_and_never_invents_text(raw: str) -> None:
    parsed = parse_dated_text(raw)
    # Every word of the output comes from the input.
    source_words = set(raw.split())
    for word in parsed.text.split():
        assert word in source_words or any(word in w for w in source_words)


def test_a_headline_on_a_line_of_its_own() -> None:
    parsed = parse_dated_text(" date 2021-05-06\nHARBOUR REOPENS AFTER STORM\n\n"
                              "The harbour reopened on Monday.")
    assert (parsed.title, parsed.text) == ("HARBOUR REOPENS AFTER STORM", "The harbour reopened on Monday.")
    parsed = parse_dated_text(" date 2021-05-06\nHARBOUR REOPENS\nThe harbour reopened on Monday.")
    assert (parsed.title, parsed.text) == ("HARBOUR REOPENS", "The harbour reopened on Monday.")
    parsed = parse_dated_text(" date 2021-05-06\nHarbour reopens\n\nThe harbour reopened on Monday.")
    assert (parsed.title, parsed.text) == ("Harbour reopens", "The harbour reopened on Monday.")
    parsed = parse_dated_text(" date 2021-05-06\n\nThe harbour reopened on Monday. Ships left.")
    assert (parsed.title, parsed.text) == ("", "The harbour reopened on Monday. Ships left.")
