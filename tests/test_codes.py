"""Countries and languages as users write them, stored as one code each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallax.codes import CodeError, country_code, language_code
from parallax.errors import ConfigError
from parallax.ingest import ingest
from parallax.model import Outcome
from parallax.store import Store

TEXT = "The harbour authority said on Monday that the ferry strike had ended after two days of talks."


@pytest.mark.parametrize(("written", "code"), [
    ("DE", "DE"), ("de", "DE"), ("Germany", "DE"), ("DEU", "DE"), ("USA", "US"),
    ("United States", "US"), ("UK", "GB"), ("Britain", "GB"), ("Russia", "RU"), ("South  Korea", "KR"),
    ("ZZ", "ZZ"), ("xk", "XK"), ("European Union", "EU"),
    ("", None), (None, None),
])
def test_country_codes(written: str | None, code: str | None) -> None:
    assert country_code(written) == code


@pytest.mark.parametrize(("written", "code"), [
    ("en", "en"), ("EN", "en"), ("english", "en"), ("en-US", "en"), ("pt_BR", "pt"), ("eng", "en"),
    ("German", "de"), ("Japanese", "ja"), ("Farsi", "fa"), ("", None),
])
def test_language_codes(written: str | None, code: str | None) -> None:
    assert language_code(written) == code


def test_a_name_that_names_nothing_says_what_to_write() -> None:
    with pytest.raises(CodeError, match=r"unknown country 'Deutschland'.*ISO 3166"):
        country_code("Deutschland")
    with pytest.raises(CodeError, match=r"unknown language 'Elvish'.*ISO 639-1"):
        language_code("Elvish")


def test_ingest_stores_codes_from_options_manifest_and_json(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    ingest([str(tmp_path / "a.txt")], store=store, country="Germany", language="english")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "b.txt").write_text(TEXT + " A second report.", encoding="utf-8")
    (tmp_path / "m" / "manifest.csv").write_text(
        "file,outlet,country,language,url\nb.txt,Wire,USA,English,\n", encoding="utf-8")
    ingest([], store=store, manifest=tmp_path / "m" / "manifest.csv")
    (tmp_path / "c.json").write_text(json.dumps({"text": TEXT + " A third.", "country": "Japan",
                                                 "language": "en-US"}), encoding="utf-8")
    ingest([str(tmp_path / "c.json")], store=store)
    stored = sorted((a.country, a.language) for a in store.articles())
    assert stored == [("DE", "en"), ("JP", "en"), ("US", "en")]


def test_wrong_codes_are_refused_with_the_fix(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown country 'Deutschland'"):
        ingest([str(tmp_path / "a.txt")], store=store, country="Deutschland")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,outlet,country,language,url\na.txt,Wire,US,Klingonese,\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"manifest .*line 2: unknown language 'Klingonese'"):
        ingest([], store=store, manifest=manifest)
    manifest.write_text("file,outlet,country,language,url\n,Wire,US,en,\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2: the row names no file"):
        ingest([], store=store, manifest=manifest)
    assert store.articles() == []
    # An article's own country that names nothing: quarantined, saying how to override it.
    (tmp_path / "d.json").write_text(json.dumps({"text": TEXT, "country": "Atlantis"}), encoding="utf-8")
    report = ingest([str(tmp_path / "d.json")], store=store)
    [item] = report.items
    assert item.outcome is Outcome.QUARANTINED and "unknown country 'Atlantis'" in (item.reason or "")
    assert "--country" in (item.reason or "")
    report = ingest([str(tmp_path / "d.json")], store=store, country="GB")
    assert report.items[0].outcome is Outcome.STORED


@pytest.mark.parametrize(("written", "code"), [
    ("Greek", "el"), ("Swahili", "sw"), ("Cantonese", "yue"), ("yue", "yue"), ("und", None),
])
def test_language_names_as_people_write_them(written: str, code: str | None) -> None:
    assert language_code(written) == code


@pytest.mark.parametrize("written", ["i", "C", "q"])
def test_a_single_letter_names_no_language(written: str) -> None:
    with pytest.raises(CodeError):
        language_code(written)


@pytest.mark.parametrize(("written", "code"), [
    ("Republic of Korea", "KR"), ("Korea, Republic of", "KR"), ("DRC", "CD"), ("Cape Verde", "CV"),
    ("Burma", "MM"),
])
def test_country_names_as_people_write_them(written: str, code: str) -> None:
    assert country_code(written) == code
