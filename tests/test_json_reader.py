"""The JSON and JSON Lines readers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.ingest.base import Draft, Rejected, Source
from parallax.ingest.jsonfeed import JsonLinesReader, JsonReader, record_to_draft


def test_fields_and_unknown_metadata() -> None:
    record = {
        "headline": "Dam deal signed",
        "body": ["First paragraph.", "Second paragraph."],
        "published": "2026-04-14T09:30:00+02:00",
        "source": {"name": "Example Wire"},
        "url": "https://example.invalid/a",
        "language": "en",
        "country": "gb",
        "authors": ["A. Writer"],
        "section": "World",
    }
    draft = record_to_draft(record, origin="x.json", raw=b"{}")
    assert isinstance(draft, Draft)
    assert draft.title == "Dam deal signed"
    assert draft.text == "First paragraph.\n\nSecond paragraph."
    assert draft.published == datetime(2026, 4, 14, 7, 30, tzinfo=UTC)
    assert draft.outlet == "Example Wire"
    assert draft.byline == "A. Writer"
    assert draft.metadata == {"section": "World"}


def test_date_only_stays_a_date() -> None:
    draft = record_to_draft({"text": "Body.", "date": "2021-05-05"}, origin="x", raw=b"")
    assert isinstance(draft, Draft)
    assert draft.published == date(2021, 5, 5)
    assert not isinstance(draft.published, datetime)


def test_record_without_text_and_bad_date_are_rejected() -> None:
    missing = record_to_draft({"title": "Only a title"}, origin="f.jsonl:3", raw=b"")
    assert isinstance(missing, Rejected) and "text" in missing.reason
    bad_date = record_to_draft({"text": "Body.", "date": "not a date at all"}, origin="f:1", raw=b"")
    assert isinstance(bad_date, Rejected) and "date" in bad_date.reason


def test_jsonl_broken_line_is_rejected_by_line_number() -> None:
    lines = [json.dumps({"text": "One."}), '{"text": "Two.", ', json.dumps({"text": "Three."})]
    items = list(JsonLinesReader().read(Source("f.jsonl", "\n".join(lines).encode())))
    assert [type(i).__name__ for i in items] == ["Draft", "Rejected", "Draft"]
    rejected = items[1]
    assert isinstance(rejected, Rejected)
    assert rejected.origin == "f.jsonl:2"
    assert "malformed JSON" in rejected.reason


def test_json_list_and_articles_wrapper() -> None:
    data = json.dumps({"articles": [{"text": "A."}, {"text": "B."}]}).encode()
    items = list(JsonReader().read(Source("f.json", data)))
    assert [i.origin for i in items] == ["f.json#0", "f.json#1"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(json_values, max_size=6))
def test_every_jsonl_line_is_accounted_for(values: list[object]) -> None:
    lines = [json.dumps(v) for v in values]
    items = list(JsonLinesReader().read(Source("g.jsonl", "\n".join(lines).encode())))
    assert len(items) == len(lines)
    for line, item in zip(lines, items, strict=True):
        value = json.loads(line)
        if isinstance(item, Draft):
            assert isinstance(value, dict)
            assert item.text.strip()


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=200).filter(lambda t: t.strip()),
       st.text(max_size=60))
def test_text_and_title_survive(text: str, title: str) -> None:
    draft = record_to_draft({"text": text, "title": title}, origin="h", raw=b"")
    assert isinstance(draft, Draft)
    assert " ".join(draft.text.split()) == " ".join(text.split())
    assert draft.title == " ".join(title.split())


def test_a_broken_document_over_many_lines_is_one_error() -> None:
    from parallax.errors import InputError

    text = '{\n  "title": "Port reopens",\n  "text": "The port reopened.",\n}\n'
    with pytest.raises(InputError, match="malformed JSON"):
        list(JsonReader().read(Source(name="pretty.json", data=text.encode())))


def test_a_number_is_no_article_text() -> None:
    found = record_to_draft({"text": float("nan"), "title": "Empty row"}, origin="sheet.json", raw=b"")
    assert isinstance(found, Rejected) and "no article text" in found.reason
