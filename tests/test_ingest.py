"""The ingest stage end to end: seeds, bad inputs, duplicates, syndicated copies, accounting."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from parallax.errors import InputError
from parallax.ingest import ingest
from parallax.model import Outcome
from parallax.store import Store

KBS = "000_486bc6c6c952522f.txt"
KYODO = "001_c1ce6ce2203ff664.txt"

BODY = (
    "Delegates from the two river states met on Tuesday in the lakeside city and signed a water "
    "sharing accord after nine hours of talks. The accord sets seasonal quotas for the reservoir. "
    "Officials said monitoring teams will report every month. Farmers downstream welcomed the news."
)


def _by_outlet(store: Store) -> dict[str | None, object]:
    return {a.outlet: a for a in store.articles()}


def test_seeds_with_manifest(store: Store, seeds: Path) -> None:
    report = ingest([str(seeds)], store=store, manifest=seeds / "manifest.csv")
    assert (report.stored, report.duplicates, report.quarantined) == (2, 0, 0)
    kbs = store.article(next(i.article_id for i in report.items if i.input.endswith(KBS)))  # type: ignore[arg-type]
    assert kbs.title == "TRILATERAL TALKS TAKE PLACE IN LONDON"
    assert kbs.published == datetime(2021, 5, 6, 16, 3, tzinfo=timezone(timedelta(hours=9)))
    assert kbs.published.isoformat() == "2021-05-06T16:03:00+09:00"  # type: ignore[union-attr]
    assert kbs.modified.isoformat() == "2021-05-06T16:45:00+09:00"  # type: ignore[union-attr]
    assert kbs.outlet == "KBS World News" and kbs.country == "KR" and kbs.language == "en"
    for noise in ("[Anchor Lead]", "[Pkg]", "News Today", "입력", "수정"):
        assert noise not in kbs.text
    kyodo = store.article(next(i.article_id for i in report.items if i.input.endswith(KYODO)))  # type: ignore[arg-type]
    assert kyodo.published is not None and kyodo.published.isoformat() == "2021-05-05"
    assert kyodo.text.startswith("Foreign Minister Toshimitsu Motegi")
    assert kyodo.outlet == "Kyodo News (via The Japan Times)" and kyodo.country == "JP"

    again = ingest([str(seeds)], store=store, manifest=seeds / "manifest.csv")
    assert (again.stored, again.duplicates, again.quarantined) == (0, 2, 0)
    assert store.count_articles() == 2


def test_manifest_alone_names_the_inputs(store: Store, seeds: Path) -> None:
    report = ingest([], store=store, manifest=seeds / "manifest.csv")
    assert report.stored == 2


def test_raw_input_kept_for_reprocessing(store: Store, seeds: Path) -> None:
    report = ingest([str(seeds / KBS)], store=store)
    raw, media_type = store.raw(report.items[0].article_id or "")
    assert raw == (seeds / KBS).read_bytes()
    assert media_type == "text/plain"


def test_bad_inputs_quarantined_and_batch_goes_on(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(f" date 2026-04-14 DAM ACCORD SIGNED {BODY}", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "huge.txt").write_text(" date 2026-04-14 " + "word " * 300_000, encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Caf\xe9 society news. ".encode("latin-1") * 5)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4 fake")
    report = ingest([str(folder)], store=store, max_bytes=1024**2)
    assert report.total == 6
    assert report.stored + report.duplicates + report.quarantined == report.total
    assert report.stored == 1
    reasons = {Path(i.input).name: i.reason or "" for i in report.items if i.outcome is Outcome.QUARANTINED}
    assert "empty file" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "oversized" in reasons["huge.txt"] and "--max-size" in reasons["huge.txt"]
    assert "the 1 MB limit" in reasons["huge.txt"]  # in the units --max-size reads
    assert "UTF-8" in reasons["latin1.txt"] and "--encoding" in reasons["latin1.txt"]
    assert "unsupported format .pdf" in reasons["notes.pdf"]
    assert {Path(e.input).name for e in store.quarantine()} == set(reasons)
    # Re-running neither stores twice nor repeats quarantine entries.
    again = ingest([str(folder)], store=store, max_bytes=1_000_000)
    assert (again.stored, again.duplicates, again.quarantined) == (0, 1, 5)
    assert len(store.quarantine()) == 5


def test_encoding_option_reads_legacy_text(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(("Caf\xe9 owners met the mayor on Monday to discuss rents. " * 3).encode("latin-1"))
    report = ingest([str(path)], store=store, encoding="latin-1")
    assert report.stored == 1
    assert "Café" in store.articles()[0].text


def test_jsonl_with_broken_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    good = [{"title": f"Story {n}", "text": f"{BODY} Story number {n} of the batch.",
             "outlet": "Example Wire", "published": "2026-04-14T10:00:00Z"} for n in range(3)]
    lines = [json.dumps(good[0]), json.dumps(good[1])[:-9], json.dumps(good[2])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest([str(path)], store=store)
    assert (report.stored, report.quarantined) == (2, 1)
    [entry] = store.quarantine()
    assert entry.input == f"{path}:2"
    assert "malformed JSON" in entry.reason


def test_truncated_json_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text(json.dumps({"title": "T", "text": BODY})[:40], encoding="utf-8")
    report = ingest([str(path)], store=store)
    assert report.quarantined == 1
    assert "truncated" in (report.items[0].reason or "")


def test_exact_duplicate_from_other_outlet_is_a_sighting(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "two.jsonl"
    records = [
        {"text": BODY, "outlet": "Wire A", "url": "https://a.invalid/1"},
        {"text": BODY.replace(" ", "  "), "outlet": "Paper B", "url": "https://b.invalid/1"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    report = ingest([str(path)], store=store)
    assert (report.stored, report.duplicates) == (1, 1)
    [sighting] = store.sightings(store.articles()[0].id)
    assert sighting["outlet"] == "Paper B"


def test_near_duplicate_is_linked_as_syndicated_copy(store: Store, tmp_path: Path) -> None:
    long_body = " ".join(f"{BODY} Paragraph {n} adds detail about quota {n * 7}." for n in range(6))
    copy = "Editor's note: this report comes from a wire service. " + long_body.replace(
        "Farmers downstream welcomed the news.", "Farmers welcomed it.", 1
    )
    unrelated = (
        "The city council approved a new budget for public libraries on Monday, adding evening hours "
        "and a mobile reading van for outlying districts, the mayor's office said."
    ) * 3
    path = tmp_path / "wire.jsonl"
    rows = [{"text": long_body, "outlet": "Wire A"}, {"text": copy, "outlet": "Paper B"},
            {"text": unrelated, "outlet": "Paper C"}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    report = ingest([str(path)], store=store)
    assert report.stored == 3
    ids = [i.article_id for i in report.items]
    original, syndicated, other = (store.article(i or "") for i in ids)
    assert original.syndicated_of is None
    assert syndicated.syndicated_of == original.id
    assert syndicated.syndication_similarity is not None and syndicated.syndication_similarity >= 0.6
    assert other.syndicated_of is None
    assert store.syndicated_copies(original.id) == [syndicated.id]


def test_flags_and_registry_fill_metadata(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"text": BODY, "url": "https://www.koreaherald.com/view/1",
                                "published": "2026-04-14T10:00:00"}), encoding="utf-8")
    ingest([str(path)], store=store)
    article = store.articles()[0]
    assert article.outlet == "The Korea Herald" and article.country == "KR"
    # A naive time takes the outlet's time zone from the registry.
    assert article.published is not None and article.published.isoformat() == "2026-04-14T10:00:00+09:00"
    other = tmp_path / "b.json"
    other.write_text(json.dumps({"text": BODY + " More."}), encoding="utf-8")
    ingest([str(other)], store=store, outlet="Lakeside Post", country="ca", language="en")
    flagged = next(a for a in store.articles() if a.outlet == "Lakeside Post")
    assert (flagged.country, flagged.language) == ("CA", "en")


def test_language_is_detected(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "de.json"
    path.write_text(json.dumps({"text": "Die Delegationen der beiden Staaten haben sich am Dienstag in der "
                                "Stadt am See getroffen und ein Abkommen über die Verteilung des Wassers "
                                "unterzeichnet."}), encoding="utf-8")
    ingest([str(path)], store=store)
    article = store.articles()[0]
    assert article.language == "de"
    assert article.metadata["language_detected"] == "de"


def test_missing_path_fails_at_once(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        ingest([str(tmp_path / "nope.txt")], store=store)
    with pytest.raises(InputError, match="matches no file"):
        ingest([str(tmp_path / "*.nothing")], store=store)


def test_glob_and_gzip_warc_name(store: Store, tmp_path: Path) -> None:
    for n in range(3):
        (tmp_path / f"a{n}.txt").write_text(f"{BODY} Item {n}.", encoding="utf-8")
    report = ingest([str(tmp_path / "a*.txt")], store=store)
    assert report.stored == 3
    bad = tmp_path / "broken.warc.gz"
    bad.write_bytes(gzip.compress(b"not a warc at all"))
    report = ingest([str(bad)], store=store)
    assert report.quarantined == 1


def test_directory_of_bad_files_exits_non_zero(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from parallax.cli import app

    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text(f" date 2026-04-14 DAM ACCORD SIGNED {BODY}", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "big.txt").write_text("word " * 300_000, encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "m.db"),
                                      "--max-size", "1MB", "--no-enrich", "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["stored"], report["quarantined"]) == (1, 3)
    reasons = {Path(i["input"]).name: i["reason"] for i in report["items"] if i["outcome"] == "quarantined"}
    assert set(reasons) == {"empty.txt", "binary.txt", "big.txt"}
    assert all(reasons.values())


def test_feed_from_a_url(store: Store, tmp_path: Path) -> None:
    import http.server
    import threading
    from functools import partial

    items = "".join(
        f"<item><title>Story {n}</title><link>http://127.0.0.1/{n}</link>"
        f"<pubDate>Tue, 14 Apr 2026 0{n}:00:00 GMT</pubDate>"
        f"<description>{BODY} Item {n}.</description></item>"
        for n in range(3)
    )
    (tmp_path / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Wire</title>'
        f"{items}</channel></rss>",
        encoding="utf-8",
    )
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
        refused = ingest([url], store=store)
        assert refused.quarantined == 1 and "--allow-private" in (refused.items[0].reason or "")
        report = ingest([url], store=store, allow_private=True)
    finally:
        server.shutdown()
    assert report.stored == 3
    assert {a.outlet for a in store.articles()} == {"Loopback Wire"}


def test_the_suffix_chooses_the_reader_before_the_content(store: Store, tmp_path: Path) -> None:
    # A bulletin that opens with a bracketed marker is text, not JSON; a page with a
    # <feedback-widget> element is a page, not a feed.
    bulletin = tmp_path / "bulletin.txt"
    bulletin.write_text(f"[Anchor Lead]\n{BODY}\n", encoding="utf-8")
    page = tmp_path / "page.html"
    other = BODY.replace("Tuesday", "Friday")
    page.write_text("<html><head><title>Water accord</title></head><body><feedback-widget></feedback-widget>"
                    f"<article><h1>Water accord</h1><p>{other}</p></article></body></html>", encoding="utf-8")
    report = ingest([str(bulletin), str(page)], store=store)
    assert report.stored == 2, [(i.input, i.reason) for i in report.items]
    assert {a.metadata.get("reader") for a in store.articles()} == {"text", "html"}


def test_a_bad_date_rejects_its_record_alone(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "dates.jsonl"
    records = [
        {"text": f"{BODY} One.", "published": "2026-04-14"},
        {"text": f"{BODY} Two.", "published": 99999999999999999999},
        {"text": f"{BODY} Three.", "published": "2021"},
        {"text": f"{BODY} Four.", "published": 1776124800000},  # milliseconds, as JavaScript writes
        {"text": f"{BODY} Five.", "published": True},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    report = ingest([str(path)], store=store)
    assert (report.stored, report.quarantined) == (2, 3)
    reasons = {item.input.rsplit(":", 1)[1]: item.reason or "" for item in report.items}
    assert "epoch" in reasons["2"] and "names no day" in reasons["3"] and "not a date" in reasons["5"]
    assert {str(a.published)[:10] for a in store.articles()} == {"2026-04-14"}


def test_utf8_files_stay_intact_when_another_encoding_is_given(store: Store, tmp_path: Path) -> None:
    # A folder of mixed files ingested with --encoding: the option reads the files that are not UTF-8.
    (tmp_path / "mixed").mkdir()
    (tmp_path / "mixed" / "utf8.txt").write_text(f"Zürich café owners met. {BODY}", encoding="utf-8")
    (tmp_path / "mixed" / "latin1.txt").write_bytes(f"Café de Genève. {BODY}".encode("latin-1"))
    (tmp_path / "mixed" / "utf32.txt").write_text(f"Straße nach Köln. {BODY}", encoding="utf-32")
    report = ingest([str(tmp_path / "mixed")], store=store, encoding="cp1252")
    assert report.stored == 3, [(i.input, i.reason) for i in report.items]
    texts = " ".join(a.text for a in store.articles())
    assert "Zürich café" in texts and "Café de Genève" in texts and "Straße nach Köln" in texts
    assert "\x00" not in texts


def test_a_manifest_row_with_folders_names_one_file(store: Store, tmp_path: Path) -> None:
    # "x/index.html" in the manifest says nothing of y/index.html; a bare name still finds its file.
    for folder, day in (("x", "Tuesday"), ("y", "Friday")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "index.txt").write_text(BODY.replace("Tuesday", day), encoding="utf-8")
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "lone.txt").write_text(BODY.replace("Tuesday", "Sunday"), encoding="utf-8")
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,outlet,country,language,url\nx/index.txt,Alpha Times,US,en,\n"
                        "lone.txt,Lone Post,GB,en,\n", encoding="utf-8")
    report = ingest([str(tmp_path / "y"), str(tmp_path / "copy")], store=store, manifest=manifest)
    assert report.stored == 2
    outlets = {a.text.split(" on ")[1].split()[0]: a.outlet for a in store.articles()}
    assert outlets == {"Friday": None, "Sunday": "Lone Post"}


def test_every_input_is_accounted_for(store: Store, tmp_path: Path) -> None:
    # Inputs that hold no article are quarantined with the reason; links that lead nowhere and
    # hidden folders are counted as skipped; a linked folder is read once.
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "empty.json").write_text("[]", encoding="utf-8")
    (folder / "none.json").write_text('{"articles": []}', encoding="utf-8")
    (folder / "dots.txt").write_text("... !!!", encoding="utf-8")
    (folder / "sub" / "real.txt").write_text(BODY, encoding="utf-8")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "again").symlink_to(folder / "sub", target_is_directory=True)
    (folder / ".cache").mkdir()
    (folder / ".cache" / "x.txt").write_text(BODY, encoding="utf-8")
    report = ingest([str(folder)], store=store)
    assert report.stored == 1 and report.quarantined == 3
    reasons = {Path(i.input).name: i.reason or "" for i in report.items if i.reason}
    assert "holds no articles" in reasons["empty.json"] and "holds no articles" in reasons["none.json"]
    assert reasons["dots.txt"] == "no article text found"
    assert report.skipped == {"broken links and special files": 1, "hidden folders": 1}


def test_a_missing_manifest_file_is_quarantined_and_the_rest_goes_on(store: Store, tmp_path: Path) -> None:
    (tmp_path / "here.txt").write_text(BODY, encoding="utf-8")
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,outlet,country,language,url\nhere.txt,Here Post,GB,en,\n"
                        "gone.txt,Gone Post,GB,en,\n", encoding="utf-8")
    report = ingest([], store=store, manifest=manifest)
    assert (report.stored, report.quarantined) == (1, 1)
    [entry] = store.quarantine()
    assert entry.input.endswith("gone.txt") and "m.csv" in entry.reason


def test_a_fixed_input_leaves_the_quarantine(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(f"Caf\xe9 owners met. {BODY}".encode("latin-1"))
    assert ingest([str(path)], store=store).quarantined == 1
    assert len(store.quarantine()) == 1
    assert ingest([str(path)], store=store, encoding="latin-1").stored == 1
    assert store.quarantine() == []
    # Read again from the same file, the article is a duplicate but no sighting elsewhere.
    again = ingest([str(path)], store=store, encoding="latin-1")
    assert again.duplicates == 1 and store.sightings(again.items[0].article_id or "") == []


def test_review_cases_of_reading(store: Store, tmp_path: Path) -> None:
    from parallax.ingest.dates import parse_when
    from parallax.ingest.html import decode_html

    # A UTF-8 page that declares Latin-1, read with --encoding utf-8, is UTF-8.
    page = '<meta charset="iso-8859-1"><p>Café Zürich</p>'.encode()
    assert "Café Zürich" in decode_html(page, "utf-8")
    # An hour alone is a time.
    assert str(parse_when("5 May 2021 10am")) == "2021-05-05 10:00:00"
    # JSON Lines in a .json file whose first line is cut still gives its other lines.
    lines = [json.dumps({"text": f"{BODY} Part {n}."}) for n in range(3)]
    cut = tmp_path / "lines.json"
    cut.write_text("\n".join([lines[0][:30], *lines[1:]]) + "\n", encoding="utf-8")
    assert ingest([str(cut)], store=store).stored == 2
    # A JSON Lines file quarantined as a whole leaves the list once it is read.
    legacy = tmp_path / "legacy.jsonl"
    legacy.write_bytes((json.dumps({"text": f"Caf\u00e9 owners met. {BODY}"}, ensure_ascii=False) + "\n")
                       .encode("cp1252"))
    assert ingest([str(legacy)], store=store).quarantined == 1
    assert ingest([str(legacy)], store=store, encoding="cp1252").stored == 1
    assert [e.input for e in store.quarantine() if e.input.startswith(str(legacy))] == []


def test_two_stories_under_one_footer_are_no_copies(store: Store, tmp_path: Path) -> None:
    footer = ("Subscribe to the Valley Courier for full access to local news, weather and sport. "
              "Members get the morning newsletter, the weekend edition and unlimited archive "
              "access, and support independent journalism in the valley. Cancel at any time from "
              "your account page; questions go to our reader desk by phone or email every weekday. "
              "Our journalists follow the editors' code of practice, and corrections are published "
              "on the same page as the story they correct.")
    first = f"The town library will open on Sundays from next month, the council said.\n\n{footer}"
    second = f"A burglary at the garden centre on Mill Lane is being investigated by police.\n\n{footer}"
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(json.dumps({"text": t, "outlet": "Valley Courier"}) for t in (first, second)),
                    encoding="utf-8")
    assert ingest([str(path)], store=store).stored == 2
    assert [a.syndicated_of for a in store.articles()] == [None, None]


def test_the_footer_check_survives_texts_without_words() -> None:
    from parallax.ingest.dedup import shared_boilerplate_only

    text = "Part one.\n\n***\n\nPart two."
    assert shared_boilerplate_only(text, text.replace("***", "* * *")) is False


def test_a_date_far_ahead_is_quarantined_with_the_fix(store: Store, tmp_path: Path) -> None:
    ahead = (datetime.now(UTC) + timedelta(days=400)).date().isoformat()
    soon = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    (tmp_path / "typo.json").write_text(json.dumps({"text": "The council met on Monday.", "date": ahead}),
                                        encoding="utf-8")
    (tmp_path / "tomorrow.json").write_text(json.dumps({"text": "The port reopened today.", "date": soon}),
                                            encoding="utf-8")
    report = ingest([str(tmp_path)], store=store)
    outcomes = {Path(i.input).name: (i.outcome, i.reason or "") for i in report.items}
    assert outcomes["typo.json"][0] is Outcome.QUARANTINED
    assert ahead in outcomes["typo.json"][1] and "correct the date" in outcomes["typo.json"][1]
    assert outcomes["tomorrow.json"][0] is Outcome.STORED  # a day ahead: a time zone, not a typo


def test_an_outlet_country_from_the_registry_or_its_country_code_domain(store: Store, tmp_path: Path) -> None:
    pages = {
        "a.json": {"text": "The port reopened on Monday after the strike.", "url": "https://www.wsj.com/articles/x"},
        "b.json": {"text": "The council met on Tuesday to set the budget.", "url": "https://news.example.co.uk/1"},
        "c.json": {"text": "A start-up raised money on Wednesday.", "url": "https://startup.example.io/2"},
    }
    for name, record in pages.items():
        (tmp_path / name).write_text(json.dumps(record), encoding="utf-8")
    ingest([str(tmp_path)], store=store)
    by_url = {a.url: (a.outlet, a.country) for a in store.articles()}
    assert by_url["https://www.wsj.com/articles/x"] == ("The Wall Street Journal", "US")
    assert by_url["https://news.example.co.uk/1"][1] == "GB"
    assert by_url["https://startup.example.io/2"][1] is None  # .io says nothing of a country


def test_an_outlet_written_without_the_or_with_a_note_is_known(store: Store, tmp_path: Path) -> None:
    pages = {
        "a.json": {"text": "The port reopened on Monday after the strike.", "outlet": "New York Times"},
        "b.json": {"text": "The council met on Tuesday to set the budget.", "outlet": "CNN (Online News)"},
    }
    for name, record in pages.items():
        (tmp_path / name).write_text(json.dumps(record), encoding="utf-8")
    ingest([str(tmp_path)], store=store)
    assert {(a.outlet, a.country) for a in store.articles()} == {("The New York Times", "US"), ("CNN", "US")}
