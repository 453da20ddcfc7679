"""Enrichment of the founding seeds, end to end, as `parallax analyze` shows it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from parallax.cli import app
from parallax.compare.api import compare_stored
from parallax.enrich import Enricher, enrich_store
from parallax.enrich.pipeline import parse_workers
from parallax.errors import ConfigError
from parallax.ingest import ingest
from parallax.store import Store

KBS = "000_486bc6c6c952522f.txt"
KYODO = "001_c1ce6ce2203ff664.txt"
runner = CliRunner()


def analyze(path: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["analyze", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def kyodo(data_dir: Path) -> dict[str, Any]:
    return analyze(data_dir / "seeds" / KYODO)


@pytest.fixture(scope="module")
def kbs(data_dir: Path) -> dict[str, Any]:
    return analyze(data_dir / "seeds" / KBS)


def _time(result: dict[str, Any], expression: str) -> dict[str, Any]:
    matches = [t for t in result["times"] if expression.lower() in t["expression"].lower()]
    assert matches, f"no time expression {expression!r} in {[t['expression'] for t in result['times']]}"
    return matches[0]


def _voices(result: dict[str, Any], words: str) -> list[dict[str, Any]]:
    return [v for v in result["voices"] if words in v["text"]]


def test_kyodo_times_resolve_against_publication(kyodo: dict[str, Any]) -> None:
    assert kyodo["article"]["published"] == "2021-05-05"
    assert _time(kyodo, "Wednesday")["value"] == "2021-05-05"
    assert _time(kyodo, "Monday")["value"] == "2021-05-03"
    assert _time(kyodo, "February last year")["value"] == "2020-02"
    assert _time(kyodo, "January")["value"] == "2021-01"


def test_kyodo_sources_and_voices(kyodo: dict[str, Any]) -> None:
    ministry = [s for s in kyodo["sources"] if "Foreign Ministry" in s["name"]]
    assert ministry and all(s["kind"] == "government" for s in ministry)
    assert any(s["kind"] == "anonymous" and "diplomatic sources" in s["text"] for s in kyodo["sources"])
    hope = _voices(kyodo, "North Korea will return to negotiations")
    assert hope and hope[0]["speaker"] == "Antony Blinken"


def test_kbs_voices_have_resolved_speakers(kbs: dict[str, Any]) -> None:
    for words in ("deep regret", "correct recognition of history"):
        found = _voices(kbs, words)
        assert found, f"no voice with {words!r}"
        assert found[0]["speaker"] == "Chung Eui-yong", found
    viable = _voices(kbs, "viable solution")
    assert viable and viable[0]["speaker"] == "Toshimitsu Motegi"
    assert any(s["name"] == "Kyodo News" and s["kind"] == "news_agency" for s in kbs["sources"])
    people = {e["canonical"] for e in kbs["entities"] if e["label"] == "PERSON"}
    assert {"Chung Eui-yong", "Toshimitsu Motegi", "Antony Blinken"} <= people
    # Role phrases point at the person they stand for.
    roles = {e["text"]: e["canonical"] for e in kbs["entities"] if e["label"] == "PERSON"}
    assert roles["The South Korean diplomat"] == "Chung Eui-yong"
    assert roles["the Japanese foreign minister"] == "Toshimitsu Motegi"
    # Capitals used for governments are the governments.
    governments = {e["canonical"] for e in kbs["entities"] if e["text"] in {"Seoul", "Tokyo"}}
    assert governments == {"South Korea", "Japan"}


def test_kbs_quantities_and_durations(kbs: dict[str, Any]) -> None:
    minutes = [q for q in kbs["quantities"] if q["unit"] == "minute"]
    assert minutes and minutes[0]["value"] == 20
    durations = [t for t in kbs["times"] if "20 minutes" in t["expression"]]
    assert durations and durations[0]["kind"] == "duration"


def test_offsets_point_into_the_text(data_dir: Path, kbs: dict[str, Any]) -> None:
    with Store(memory=True) as store:
        ingest([str(data_dir / "seeds" / KBS)], store=store)
        text = store.articles()[0].text
    for key in ("sentences", "voices"):
        for item in kbs[key]:
            assert text[item["start"]:item["end"]] == item["text"]
    for entity in kbs["entities"]:
        assert text[entity["start"]:entity["end"]] == entity["text"]


def test_store_enrichment_registry_and_resume(tmp_path: Path, seeds: Path) -> None:
    surname_only = tmp_path / "other.json"
    surname_only.write_text(json.dumps({
        "title": "Ministers meet", "outlet": "Example Daily",
        "text": "Japan's foreign minister Motegi met reporters in Tokyo on Thursday. "
                "Motegi said the talks were useful.",
        "published": "2021-05-06"}), encoding="utf-8")
    with Store(tmp_path / "e.db") as store:
        ingest([str(seeds)], store=store, manifest=seeds / "manifest.csv")
        report = enrich_store(store, enricher=Enricher(vectors=True, store=store))
        assert report.enriched == 2
        assert enrich_store(store).enriched == 0  # nothing left to do
        ingest([str(surname_only)], store=store)
        assert enrich_store(store).enriched == 1
        other = next(a for a in store.articles() if a.outlet == "Example Daily")
        enrichment = store.enrichment(other.id)
        assert enrichment is not None
        named = {m.canonical for m in enrichment.mentions if m.text == "Motegi"}
        assert named == {"Toshimitsu Motegi"}
        people = {e["canonical"]: e for e in store.entities("PERSON")}
        assert "foreign minister" in people["Chung Eui-yong"]["roles"]
        assert people["Toshimitsu Motegi"]["mentions"] >= 3
        assert store.vectors(other.id, "article").shape == (1, 384)
        # Sentence vectors wait for the first comparison that needs them, which stores them.
        assert store.vector_model(other.id, "sentences") is None
        compare_stored(store, [other.id])
        vectors = store.vectors(other.id, "sentences")
        assert vectors is not None and vectors.shape == (len(enrichment.sentences), 384)


def test_parallel_parse_gives_the_same_enrichment(seeds: Path) -> None:
    with Store(memory=True) as store:
        ingest([str(seeds)], store=store, manifest=seeds / "manifest.csv")
        articles = store.articles()
    alone = [a.enrichment.to_json() for a in Enricher(vectors=False, workers=1).analyze_many(articles)]
    parallel = Enricher(vectors=False, workers=2).analyze_many(iter(articles), batch_size=1)
    assert [a.enrichment.to_json() for a in parallel] == alone


def test_worker_processes_make_the_same_vectors(seeds: Path) -> None:
    """With an ONNX embedder the workers embed as well; their vectors are the ones made here."""
    import numpy as np

    with Store(memory=True) as store:
        ingest([str(seeds)], store=store, manifest=seeds / "manifest.csv")
        articles = store.articles()
    here = list(Enricher(workers=1, sentence_vectors=True).analyze_many(articles))
    enricher = Enricher(workers=2, sentence_vectors=True)
    assert enricher._worker_embedder() is not None
    there = list(enricher.analyze_many(iter(articles), batch_size=1))
    assert [a.enrichment.to_json() for a in there] == [a.enrichment.to_json() for a in here]
    for mine, theirs in zip(here, there, strict=True):
        assert np.allclose(mine.article_vector, theirs.article_vector, atol=1e-5)
        assert theirs.sentence_vectors.shape == mine.sentence_vectors.shape
        assert np.allclose(mine.sentence_vectors, theirs.sentence_vectors, atol=1e-5)


def test_parse_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARALLAX_WORKERS", raising=False)
    assert parse_workers(None, 3) == 1  # too little work to repay a second process
    assert parse_workers(3, 3) == 3
    assert parse_workers(None, None) == 1
    monkeypatch.setenv("PARALLAX_WORKERS", "2")
    assert parse_workers(None, 3) == 2
    monkeypatch.setenv("PARALLAX_WORKERS", "many")
    with pytest.raises(ConfigError, match="PARALLAX_WORKERS"):
        parse_workers(None, 3)


def test_a_very_long_text_is_parsed_in_pieces(seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # spaCy refuses texts over a million characters; such an article is parsed in pieces and
    # joined, and its enrichment points into the whole text as any other does.
    from parallax.enrich import pipeline

    with Store(memory=True) as store:
        ingest([str(seeds)], store=store, manifest=seeds / "manifest.csv")
        articles = store.articles()
    whole = [a.enrichment.to_json() for a in Enricher(vectors=False, workers=1).analyze_many(articles)]
    monkeypatch.setattr(pipeline, "LONG_TEXT", 700)
    assert all(len(a.text) > 2 * 700 for a in articles)
    pieces = [a.enrichment for a in Enricher(vectors=False, workers=1).analyze_many(articles)]
    for article, enrichment, before in zip(articles, pieces, whole, strict=True):
        assert enrichment.sentences[-1].end <= len(article.text)
        for mention in enrichment.mentions:
            assert article.text[mention.start:mention.end] == mention.text
        names = {e["text"] for e in before["entities"]}
        assert len(names & {m.text for m in enrichment.mentions}) >= 0.8 * len(names)


def test_money_written_short() -> None:
    from parallax.enrich.nlp import load_nlp
    from parallax.enrich.quantities import find_quantities

    doc = load_nlp()("The club paid £5m for the striker. The fund holds $750m. The deal is worth €2.1bn. "
                     "The wall is 5m high.")
    found = [(q.text, q.value, q.unit) for q in find_quantities(doc)]
    assert found == [("£5m", 5e6, "GBP"), ("$750m", 7.5e8, "USD"), ("€2.1bn", 2.1e9, "EUR"),
                     ("5m", 5.0, "metre")]


def test_tallies_ranges_and_parts_of_a_whole() -> None:
    from parallax.enrich.nlp import load_nlp
    from parallax.enrich.quantities import find_quantities

    doc = load_nlp()("The Senate backed it in a 97-1 vote. The House voted 348 to 77 on Wednesday. "
                     "The 9-11 commission met. Prices rose 2-3 percent after the vote. "
                     "Fifteen of the 19 hijackers were Saudi.")
    found = [(q.text, q.value, q.counts) for q in find_quantities(doc)]
    assert found[:4] == [("97-1 vote", 97.0, "tally (first)"), ("97-1 vote", 1.0, "tally (second)"),
                         ("348 to 77", 348.0, "tally (first)"), ("348 to 77", 77.0, "tally (second)")]
    # A name and a range: no amount in either.
    assert not [f for f in found if f[0] in {"9", "11", "9-11", "9-11 commission", "2", "3", "2-3 percent",
                                             "3 percent"}]
    assert ("Fifteen", 15.0, "hijacker") in found and ("19 hijackers", 19.0, "hijacker") in found


def test_a_rank_is_no_amount_and_money_says_what_it_buys() -> None:
    from parallax.enrich.nlp import load_nlp
    from parallax.enrich.quantities import find_quantities

    doc = load_nlp()("Hoyer kept the No. 2 job. He bought a $43,000 Rolex. The club paid £5m for him.")
    found = [(q.text, q.value, q.unit, q.counts) for q in find_quantities(doc)]
    assert found == [("$43,000", 43000.0, "USD", "rolex"), ("£5m", 5e6, "GBP", None)]


def test_a_percentage_says_what_it_is_a_share_of() -> None:
    from parallax.enrich.nlp import load_nlp
    from parallax.enrich.quantities import find_quantities

    doc = load_nlp()(
        "The firm paid an effective federal tax rate of 31.2 percent and gave 9 percent of its profit "
        "to charity. With state taxes the combined rate was 42.1 percent. The jobless rate rose to "
        "5.2 percent. Prices rose 3 percent."
    )
    found = [(q.text, q.counts) for q in find_quantities(doc)]
    assert found == [("31.2 percent", "effective federal tax rate"), ("9 percent", "profit"),
                     ("42.1 percent", "combine rate"), ("5.2 percent", "jobless rate"),
                     ("3 percent", "price")]


def test_both_ends_of_a_range_have_its_unit() -> None:
    from parallax.enrich.nlp import load_nlp
    from parallax.enrich.quantities import find_quantities

    doc = load_nlp()("Staff take a 40- to 60-hour course. Guards train for 30 to 50 hours. A 10-mile walk.")
    found = [(q.text, q.value, q.unit) for q in find_quantities(doc)]
    assert found == [("40", 40.0, "hour"), ("60-hour", 60.0, "hour"), ("30", 30.0, "hour"),
                     ("50 hours", 50.0, "hour"), ("10-mile", 10.0, "mile")]


def test_a_tally_before_a_comma() -> None:
    from parallax.enrich.nlp import load_nlp
    from parallax.enrich.quantities import find_quantities

    doc = load_nlp()("The Senate voted 97-1, sending the bill to the House. Police held 12 - 15 people.")
    found = [(q.text, q.value, q.counts) for q in find_quantities(doc)]
    assert found[:2] == [("97-1", 97.0, "tally (first)"), ("97-1", 1.0, "tally (second)")]
    assert not [f for f in found if f[0] in {"12", "15 people"}]  # a range


def test_an_editors_brackets_are_no_part_of_a_name() -> None:
    from parallax.enrich.entities import resolve_entities
    from parallax.enrich.nlp import load_nlp

    doc = load_nlp()("\"I told [Omar] Lind the plan was dead,\" the mayor said on Monday.")
    assert "Omar Lind" in {m.canonical for m in resolve_entities(doc).mentions if m.label == "PERSON"}
