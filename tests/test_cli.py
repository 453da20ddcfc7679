"""The command line, run as a user would, and its documentation."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from parallax.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("doc", ["README.md", "docs/cli.md"])
def test_every_command_is_documented(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    missing = [name for name in command_names() if not re.search(rf"parallax {name}\b", text)]
    assert not missing, f"{doc} does not document: {missing}"


def test_ingest_list_show_and_quarantine(tmp_path: Path, seeds: Path) -> None:
    db = str(tmp_path / "cli.db")
    result = runner.invoke(app, ["ingest", str(seeds), "--manifest", str(seeds / "manifest.csv"), "--db", db])
    assert result.exit_code == 0, result.output
    assert "2 stored" in result.output

    listed = runner.invoke(app, ["articles", "--db", db, "--format", "json"])
    articles = json.loads(listed.stdout)
    assert {a["outlet"] for a in articles} == {"KBS World News", "Kyodo News (via The Japan Times)"}
    for key in ("id", "outlet", "country", "language", "published", "title", "url", "chars"):
        assert all(key in a for a in articles)
    kbs = next(a for a in articles if a["country"] == "KR")
    assert kbs["published"] == "2021-05-06T16:03:00+09:00"

    shown = runner.invoke(app, ["article", kbs["id"][:8], "--db", db, "--format", "json"])
    detail = json.loads(shown.stdout)
    assert detail["modified"] == "2021-05-06T16:45:00+09:00"
    assert detail["metadata"]["programme"] == "News Today"
    assert "[Pkg]" not in detail["text"]

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine line of text here."}\n{"text": \n', encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(bad), "--db", db])
    assert result.exit_code == 1
    entries = json.loads(runner.invoke(app, ["quarantine", "--db", db, "--format", "json"]).stdout)
    assert [e["input"] for e in entries] == [f"{bad}:2"]
    assert set(entries[0]) == {"input", "reason", "time"}


def test_errors_are_one_clear_line(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    # A command that only reads makes no store where there is none: a typo is not an empty store.
    for command in (["article", "nope"], ["articles"], ["stories"], ["quarantine"], ["cluster"], ["enrich"]):
        result = runner.invoke(app, [*command, "--db", db])
        assert result.exit_code == 2, (command, result.output)
        assert "no store at" in result.output and "parallax ingest" in result.output
    assert not Path(db).exists()
    result = runner.invoke(app, ["ingest", str(tmp_path / "missing.txt"), "--db", db])
    assert result.exit_code == 2
    assert "no such file" in result.output
    runner.invoke(app, ["ingest", "--db", db, "--no-enrich", str(ROOT / "README.md")])
    result = runner.invoke(app, ["article", "nope", "--db", db])
    assert result.exit_code == 2
    assert "no article 'nope'" in result.output


def test_another_programs_database_is_refused_untouched(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "places.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    result = runner.invoke(app, ["articles", "--db", str(path)])
    assert result.exit_code == 2 and "another program" in result.output
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert tables == {"moz_places"} and mode == "delete"


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (["eval", "timex", "{empty}"], "no TimeML .tml files found"),
        (["eval", "timex", "{empty}", "--dataset", "meantime"], "no MEANTIME CAT XML documents found"),
        (["eval", "paraphrase", "--dataset", "mrpc", "{empty}"], "is a folder: give an MRPC file"),
        (["eval", "similarity", "{table}"], "no column lang1, lang2, pair_id, text1, text2"),
        (["eval", "clustering", "{empty}", "--dataset", "ecbplus"], "no ecbplus documents found"),
        (["eval", "clustering", "{empty}", "--dataset", "allsides"], "no allsides documents found"),
        (["eval", "stance", "--dataset", "fnc1", "{empty}"], "no competition_test_stances.csv"),
        (["eval", "timex", "{broken}"], "broken.tml: not well-formed XML"),
        (["eval", "contradiction", "--dataset", "sick", "{empty}"], "is a folder: give a SICK file"),
        (["eval", "clustering", "{stories}", "--dataset", "allsides"], "line 2: not JSON"),
        (["eval", "similarity", "{short}"], "a row with fewer fields than the header"),
        (["eval", "alignment", "--dataset", "ecbplus", "{empty}"],
         "ECBplus_coreference_sentences.csv not found"),
        # A path that is not there, an unknown layout, a file in another encoding or shape.
        (["eval", "timex", "{empty}/nope"], "nope: no such file or folder"),
        (["eval", "timex", "{empty}", "--dataset", "foo"], "--dataset 'foo': use one of"),
        (["eval", "quotes", "{empty}"], "no BASIL articles"),
        (["eval", "paraphrase", "{latin}"], "the command failed on"),
        (["eval", "similarity", "{no_overall}"], "the command failed on"),
        (["eval", "contradiction", "{table}", "--fnc", "{empty}/nope"], "nope: no such file or folder"),
    ],
)
def test_eval_commands_name_a_wrong_dataset_and_what_to_give(
    tmp_path: Path, command: list[str], says: str
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    table = tmp_path / "table.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "broken.tml").write_text("<TimeML><TEXT>cut off", encoding="utf-8")
    stories = tmp_path / "stories.jsonl"
    stories.write_text('{"id": 1, "news": {}}\n{"id": 2, "news": \n', encoding="utf-8")
    short = tmp_path / "short.csv"
    short.write_text("pair_id,lang1,lang2,text1,text2,Overall\n1_2,en,en\n", encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("1\t1\t2\tcaf\xe9\tcafe\n".encode("latin-1"))
    no_overall = tmp_path / "no_overall.csv"
    no_overall.write_text("pair_id,lang1,lang2,text1,text2\n1_2,en,en,a b,c d\n", encoding="utf-8")
    args = [part.format(empty=empty, table=table, broken=broken, stories=stories, short=short, latin=latin,
                        no_overall=no_overall)
            for part in command]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "[P600]" in result.output and says in result.output
    assert "Traceback" not in result.output


def test_an_unreadable_file_is_named_not_a_traceback(tmp_path: Path) -> None:
    # Any OSError under a command becomes one line naming the file.
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.tml").symlink_to(tmp_path / "gone.tml")  # a link whose file was removed
    result = runner.invoke(app, ["eval", "timex", str(folder)])
    assert result.exit_code == 2, result.output
    assert "a.tml" in result.output and "Traceback" not in result.output


def test_an_error_prints_brackets_in_a_path_as_they_are(tmp_path: Path) -> None:
    folder = tmp_path / "[draft]" / "c[/x]"
    folder.mkdir(parents=True)
    result = runner.invoke(app, ["eval", "timex", str(folder)])
    assert result.exit_code == 2, result.output
    assert "[draft]" in result.output and "c[/x]" in result.output


def test_a_link_back_up_the_tree_is_read_once(tmp_path: Path) -> None:
    from parallax.evaluation import dataset_files

    (tmp_path / "a.tml").write_text("<TimeML/>", encoding="utf-8")
    (tmp_path / "up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "again").symlink_to(tmp_path, target_is_directory=True)
    assert [p.name for p in dataset_files(tmp_path, ".tml", "TimeML files")] == ["a.tml"]


def test_a_dataset_of_linked_topic_folders_reads_whole(tmp_path: Path, data_dir: Path) -> None:
    from parallax.evaluation.clustering import read_ecbplus

    topics = tmp_path / "ECB+"
    topics.mkdir()
    for topic in ("1", "3"):
        (topics / topic).symlink_to(data_dir / "ecbplus" / "ECB+" / topic, target_is_directory=True)
    linked = read_ecbplus(tmp_path)
    direct = [item for item in read_ecbplus(data_dir / "ecbplus" / "ECB+") if item.topic in {"1", "3"}]
    assert linked and [item.article.id for item in linked] == [item.article.id for item in direct]


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = subprocess.run([sys.executable, "-m", "parallax.cli", "demo", "--out", str(out)],
                            capture_output=True, text=True, check=True)
    assert "0 quarantined" in result.stdout
    assert str(out / "parallax.db") in result.stdout
    articles = json.loads((out / "articles.json").read_text(encoding="utf-8"))
    countries = {a["country"] for a in articles}
    assert {"GB", "ZA", "IN", "BR", "JP"} <= countries
    assert any(a["syndicated_of"] for a in articles)


def test_eval_timex_prints_metrics_beside_anchors(data_dir: Path) -> None:
    subset = data_dir / "tempeval3" / "TBAQ-cleaned" / "TimeBank"
    result = runner.invoke(app, ["eval", "timex", str(subset), "--dataset", "tempeval3", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["task"] == "timex" and data["dataset"] == "tempeval3" and data["n"] > 100
    assert set(data["metrics"]) >= {"strict_f1", "relaxed_f1", "value_f1"}
    assert data["anchors"]["heideltime_value_f1"] == 0.776
    table = runner.invoke(app, ["eval", "timex", str(subset)])
    assert "value_f1" in table.output and "0.776" in table.output
    wrong = runner.invoke(app, ["eval", "timex", str(subset), "--dataset", "basil"])
    assert wrong.exit_code != 0


def test_eval_timex_writes_its_errors_and_tells_notation_from_meaning(tmp_path: Path) -> None:
    from parallax.evaluation.timex import notation_difference

    assert notation_difference("2000-01-07", "2000-01-07TNI") == "part of a named day"
    assert notation_difference("1968-XX", "1968") == "unknown month or day written out"
    assert notation_difference("2000-W7", "2000-W07") == "week number without its zero"
    assert notation_difference("198X", "198") == "decade written with X"
    assert notation_difference("2000-01-06", "2000-01-07") == ""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.tml").write_text(
        '<?xml version="1.0" ?><TimeML><DOCID>a</DOCID>'
        '<DCT><TIMEX3 tid="t0" type="DATE" value="2000-01-08" functionInDocument="CREATION_TIME">'
        "2000-01-08</TIMEX3></DCT><TEXT>The ferry sank <TIMEX3 tid=\"t1\" type=\"DATE\" "
        'value="2000-01-07">Friday night</TIMEX3>, and the inquiry opened <TIMEX3 tid="t2" '
        'type="DATE" value="2000-01-05">Thursday</TIMEX3>.</TEXT></TimeML>',
        encoding="utf-8",
    )
    report = tmp_path / "errors.jsonl"
    result = runner.invoke(app, ["eval", "timex", str(folder), "--errors", str(report), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert sorted((e["gold"], e["notation"]) for e in lines) == [
        ("Friday night", "part of a named day"), ("Thursday", "")]
    assert data["errors"]["value_errors_by_difference"] == {
        "part of a named day": 1, "what the value says": 1}
    assert data["metrics"]["value_f1"] == 0.0 and data["errors"]["value_f1_notation_aside"] == 0.5
    table = runner.invoke(app, ["eval", "timex", str(folder), "--errors", str(report)])
    assert "wrong values, part of a named day: 1" in table.output


def test_brackets_in_articles_print_as_text(tmp_path: Path) -> None:
    # Titles, outlets and reasons are the inputs' own words: Rich markup in them is plain text.
    db = str(tmp_path / "marks.db")
    lines = [
        {"title": "Q&A: what the [/] deal means", "outlet": "[bold]Wire[/bold]", "published": "2021-05-03",
         "text": "The port deal was signed on Monday, officials said."},
        {"title": "Second", "text": "Another report on the port deal.", "published": "[/]"},
    ]
    source = tmp_path / "marks.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(source), "--db", db])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    listed = runner.invoke(app, ["articles", "--db", db])
    assert listed.exit_code == 0, listed.output
    assert "[/]" in listed.output
    first = json.loads(runner.invoke(app, ["articles", "--db", db, "--format", "json"]).stdout)[0]["id"]
    shown = runner.invoke(app, ["article", first, "--db", db])
    assert shown.exit_code == 0 and "Q&A: what the [/] deal means" in shown.output
    assert "[bold]Wire[/bold]" in shown.output
    stories = runner.invoke(app, ["stories", "--db", db])
    assert stories.exit_code == 0 and "[/]" in stories.output
    quarantined = runner.invoke(app, ["quarantine", "--db", db])
    assert quarantined.exit_code == 0, quarantined.output


def test_eval_format_is_table_or_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "timex", str(tmp_path), "--format", "JSON"])
    assert result.exit_code == 2 and "use table or json" in result.output


def test_analyze_accounts_for_every_article_of_a_file(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text('{"text": "The council met on Monday to pass the budget."}\n{"text": broken\n'
                     '{"text": "The port reopened on Tuesday after the strike ended."}\n', encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(mixed), "--format", "json"])
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)) == 2
    assert "left out" in result.stderr and "mixed.jsonl:2" in result.stderr
    # A path that names no file is said to be one, whatever store there is or is not.
    missing = runner.invoke(app, ["analyze", str(tmp_path / "no" / "such.json")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    # A file in another encoding is read with --encoding.
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Le caf\xe9 de la gare a rouvert lundi apr\xe8s les travaux.".encode("latin-1"))
    read = runner.invoke(app, ["analyze", str(latin), "--encoding", "latin-1", "--format", "json"])
    assert read.exit_code == 0, read.output
    assert "café" in json.loads(read.stdout)["sentences"][0]["text"]
