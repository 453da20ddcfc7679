"""`parallax compare` on the founding seeds: what a reader must see at a glance."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from parallax.cli import app
from parallax.compare.claims import split_claims
from parallax.model import Article, Enrichment, Sentence, Voice

runner = CliRunner()


@pytest.fixture(scope="module")
def comparison(data_dir: Path) -> dict[str, Any]:
    seeds = data_dir / "seeds"
    result = runner.invoke(
        app, ["compare", str(seeds), "--manifest", str(seeds / "manifest.csv"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _outlet(comparison: dict[str, Any], country: str) -> str:
    return str(next(a["id"] for a in comparison["articles"] if a["country"] == country))


def _facts_with(comparison: dict[str, Any], words: str) -> list[dict[str, Any]]:
    return [f for f in comparison["facts"] if any(words in c["text"] for c in f["claims"])]


def test_schema_and_exact_spans(comparison: dict[str, Any]) -> None:
    assert comparison["schema"] == "parallax.comparison/1"
    assert {a["country"] for a in comparison["articles"]} == {"KR", "JP"}
    texts = {a["id"]: a["text"] for a in comparison["articles"]}
    for fact in comparison["facts"]:
        assert fact["status"] in {"consensus", "partial", "unique", "conflict"}
        for claim in fact["claims"]:
            assert texts[claim["article"]][claim["start"] : claim["end"]] == claim["text"]
    for key in ("voices", "sources", "framing", "timeline"):
        assert isinstance(comparison[key], list)


def test_shared_meeting_on_g7_sidelines(comparison: dict[str, Any]) -> None:
    [fact] = _facts_with(comparison, "sidelines of the G7")
    assert fact["status"] == "consensus"
    assert len({c["article"] for c in fact["claims"]}) == 2


def test_only_one_outlet_reports(comparison: dict[str, Any]) -> None:
    kbs, kyodo = _outlet(comparison, "KR"), _outlet(comparison, "JP")
    for words, article in (
        ("lasted 20 minutes", kbs),
        ("stiff looks", kbs),
        ("correct recognition of history", kbs),
        ("exchange views on China", kyodo),
        ("initiated by the United States", kyodo),
        ("“practical” diplomacy", kyodo),
        ("policy review on North Korea", kyodo),
        ("viable solution", kbs),
        ("deep regret", kbs),
    ):
        [fact] = _facts_with(comparison, words)
        assert fact["status"] == "unique", words
        assert {c["article"] for c in fact["claims"]} == {article}, words


def test_both_report_motegi_will_provide_information(comparison: dict[str, Any]) -> None:
    [fact] = _facts_with(comparison, "provide necessary information")
    assert fact["status"] == "consensus"
    assert any("provide information on the matter" in c["text"] for c in fact["claims"])


@pytest.mark.parametrize(
    ("kyodo_words", "kbs_words"),
    [
        # The two sides stayed apart: one outcome in two phrasings.
        ("remained apart over key issues", "failed to narrow differences"),
        # They agreed to keep talking.
        ("importance of bilateral dialogue", "agreed to continue to work closely"),
        # The trilateral meeting and its coordination on North Korea.
        ("affirm trilateral coordination", "pledged cooperation on Washington's North Korea policies"),
    ],
)
def test_both_report(comparison: dict[str, Any], kyodo_words: str, kbs_words: str) -> None:
    [fact] = _facts_with(comparison, kyodo_words)
    assert fact["status"] == "consensus", kyodo_words
    assert any(kbs_words in c["text"] for c in fact["claims"]), (kyodo_words, fact["claims"])


def test_one_persons_words_are_not_anothers(comparison: dict[str, Any]) -> None:
    # Both report Motegi's concerns; Chung's regret, close in wording, stays a fact of its own.
    [fact] = _facts_with(comparison, "concerns over Seoul")
    assert fact["status"] == "consensus"
    assert any("concerns about South Korea" in c["text"] for c in fact["claims"])
    assert not any("deep regret" in c["text"] for c in fact["claims"])


def test_sources_per_outlet(comparison: dict[str, Any]) -> None:
    kbs, kyodo = _outlet(comparison, "KR"), _outlet(comparison, "JP")
    cited = {(s["article"], s["kind"], s["name"]) for s in comparison["sources"]}
    assert (kbs, "news_agency", "Kyodo News") in cited
    assert any(a == kbs and k == "government" and "Ministry of Foreign Affairs" in n for a, k, n in cited)
    assert any(a == kyodo and k == "government" and "Foreign Ministry" in n for a, k, n in cited)
    assert any(a == kyodo and k == "anonymous" for a, k, _ in cited)


def test_framing_of_wartime_sexual_slavery(comparison: dict[str, Any]) -> None:
    kbs, kyodo = _outlet(comparison, "KR"), _outlet(comparison, "JP")
    pairs = [{label["article"]: label["label"] for label in item["labels"]} for item in comparison["framing"]]
    assert any("sexual slavery" in p.get(kbs, "") and "military brothels" in p.get(kyodo, "") for p in pairs)


def test_timeline(comparison: dict[str, Any]) -> None:
    dates = {item["date"] for item in comparison["timeline"]}
    assert {"2021-05-03", "2021-05-05", "2020-02", "2021-01"} <= dates


def test_claims_split_at_contrast() -> None:
    text = (
        "The two ministers agreed on the importance of dialogue, but they remained apart over key "
        "issues. Although they met for an hour, they failed to narrow differences."
    )
    first_end = text.index("issues.") + len("issues.")
    enrichment = Enrichment(
        article_id="a",
        sentences=(
            Sentence(0, 0, first_end, text[:first_end]),
            Sentence(1, first_end + 1, len(text), text[first_end + 1 :]),
        ),
    )
    claims = [c.text for c in split_claims(text, enrichment)]
    assert claims == [
        "The two ministers agreed on the importance of dialogue",
        "they remained apart over key issues.",
        "Although they met for an hour",
        "they failed to narrow differences.",
    ]


def test_claims_split_after_concession_and_between_one_speakers_acts() -> None:
    text = (
        "The ministry says although the two sides agreed to keep talking, it will take a while. "
        "The minister pledged to provide information on the plan and expressed concerns over the response."
    )
    second = text.index("The minister")
    pledged = text.index("provide information")
    concerns = text.index("concerns over")
    enrichment = Enrichment(
        article_id="a",
        sentences=(
            Sentence(0, 0, second - 1, text[: second - 1]),
            Sentence(1, second, len(text), text[second:]),
        ),
        voices=(
            Voice("A Minister", "provide information on the plan", "pledged", "reported",
                  pledged, pledged + len("provide information on the plan")),
            Voice("A Minister", "concerns over the response", "expressed", "reported",
                  concerns, concerns + len("concerns over the response")),
        ),
    )
    claims = [c.text for c in split_claims(text, enrichment)]
    assert claims == [
        "The ministry says although the two sides agreed to keep talking",
        "it will take a while.",
        "The minister pledged to provide information on the plan",
        "expressed concerns over the response.",
    ]


def test_hostile_article_never_becomes_markup(tmp_path: Path) -> None:
    from html.parser import HTMLParser

    hostile = '<script>alert(1)</script> <img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a>'
    for name, outlet in (("a.json", "Harbour Post"), ("b.json", f"Night Desk {hostile}")):
        (tmp_path / name).write_text(json.dumps({
            "title": f"Ferry grounded {hostile}", "outlet": outlet, "url": "javascript:alert(1)",
            "published": "2026-03-02",
            # Two texts, so that both outlets (the hostile name too) are in the comparison.
            "text": f"The ferry Aldra ran aground near Valmora on Monday with 212 people aboard ({name}). "
                    f"{hostile} Coastguard officials said nobody was hurt and the ship was refloated.",
        }), encoding="utf-8")
    report = tmp_path / "report.html"
    result = runner.invoke(app, ["compare", str(tmp_path / "a.json"), str(tmp_path / "b.json"),
                                 "--format", "html", "--out", str(report)])
    assert result.exit_code == 0, result.output

    class Markup(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.scripts: list[str] = []
            self.handlers: list[str] = []
            self.links: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in {"script", "img", "iframe", "object"}:
                self.scripts.append(tag)
            self.handlers += [k for k, _ in attrs if k.startswith("on")]
            self.links += [v or "" for k, v in attrs if k in {"href", "src"}]

    parser = Markup()
    page = report.read_text(encoding="utf-8")
    parser.feed(page)
    assert parser.scripts == [] and parser.handlers == []
    assert not any(link.strip().lower().startswith("javascript:") for link in parser.links)
    assert "Content-Security-Policy" in page
    assert "&lt;script&gt;" in page
    assert "Night Desk &lt;script&gt;" in page


def test_three_outlets_on_one_event(data_dir: Path, tmp_path: Path) -> None:
    """A BASIL triplet (Fox, NYT, HuffPost on one event): facts all three report, and for each
    outlet facts only it reports."""
    from parallax.compare.api import compare_inputs

    folder = data_dir / "basil" / "articles" / "2010"
    triplet = sorted(folder.glob("2b95d2cf-e979-4f9c-ae27-9a5370934f23_*.json"))
    assert len(triplet) == 3
    paths = []
    for index, source in enumerate(triplet):
        data = json.loads(source.read_text(encoding="utf-8"))
        paragraphs = [" ".join(p) if isinstance(p, list) else str(p) for p in data["body-paragraphs"]]
        record = {"title": data["title"], "text": "\n\n".join(paragraphs), "outlet": data["source"],
                  "published": data["date"]}
        path = tmp_path / f"{index}.json"
        path.write_text(json.dumps(record), encoding="utf-8")
        paths.append(str(path))
    comparison = compare_inputs(paths).to_json()
    outlets = {a["id"]: a["outlet"] for a in comparison["articles"]}
    assert len(set(outlets.values())) == 3
    shared = [f for f in comparison["facts"] if len({c["article"] for c in f["claims"]}) == 3]
    assert shared, "no fact reported by all three outlets"
    for article in outlets:
        alone = [f for f in comparison["facts"] if {c["article"] for c in f["claims"]} == {article}]
        assert alone, f"no fact only {outlets[article]} reports"


def test_predicates_of_the_lexicon() -> None:
    import numpy as np

    from parallax.compare.align import predicates, probabilities, shared_predicates

    assert predicates("they remained apart over key issues") == {"disagreement"}
    assert predicates("they failed to narrow differences on the issues") == {"disagreement"}
    assert predicates("the ministers agreed to continue to work closely") == {"continued_dialogue"}
    assert predicates("prices rose by three per cent") == frozenset()
    shared = shared_predicates([frozenset({"disagreement"}), frozenset()], [frozenset({"disagreement"})])
    assert shared.tolist() == [[True], [False]]
    cosine, overlap = np.array([[0.4]]), np.array([[0.1]])
    # A shared predicate raises the probability; it cannot make unrelated claims (cosine 0) one fact.
    lifted = probabilities(cosine, overlap, shared=np.array([[True]]))[0, 0]
    assert lifted > probabilities(cosine, overlap)[0, 0]
    assert probabilities(np.array([[0.0]]), np.array([[0.0]]), shared=np.array([[True]]))[0, 0] < 0.1


class _CountingEmbedder:
    name = "counting"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: list[str]) -> Any:
        import numpy as np

        self.seen.extend(texts)
        return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32)


def test_noun_phrases_are_embedded_once_per_process() -> None:
    from parallax.compare.framing import clear_phrase_cache, phrase_vectors

    clear_phrase_cache()
    embedder = _CountingEmbedder()
    first = phrase_vectors(["the ministry", "comfort women", "the ministry"], embedder)
    assert embedder.seen == ["the ministry", "comfort women"]
    again = phrase_vectors(["comfort women", "treated water"], embedder)
    assert embedder.seen == ["the ministry", "comfort women", "treated water"]
    assert again["comfort women"].tolist() == first["comfort women"].tolist() == [13.0, 1.0]
    clear_phrase_cache()
    phrase_vectors(["the ministry"], embedder)
    assert embedder.seen[-1] == "the ministry" and len(embedder.seen) == 4


def test_noun_phrases_kept_at_enrichment_frame_as_a_fresh_parse_does(data_dir: Path) -> None:
    """Compare reads the noun phrases enrichment keeps; an enrichment stored before they were
    kept (no ``noun_phrases`` in its JSON) has them parsed again, with the same framing."""
    from dataclasses import replace

    from parallax.compare.core import compare
    from parallax.enrich import Enricher
    from parallax.enrich.nlp import load_nlp
    from parallax.enrich.phrases import noun_phrases
    from parallax.model import Article

    texts = sorted((data_dir / "seeds").glob("*.txt"))
    articles = [Article(id=f"a{i}", text=p.read_text(encoding="utf-8"), outlet=f"outlet {i}")
                for i, p in enumerate(texts)]
    enricher = Enricher()
    kept = {a.id: enricher.analyze(a).enrichment for a in articles}
    for article in articles:
        phrases = kept[article.id].phrases
        assert phrases and phrases == tuple(noun_phrases(load_nlp()(article.text)))
        assert all(article.text[p.start:p.end] == p.text for p in phrases)
        # The stored JSON carries them; JSON from before does not, and reads back as "not kept".
        data = kept[article.id].to_json()
        assert Enrichment.from_json(data) == kept[article.id]
        assert all(p.head and p.head in p.text for p in phrases)
        # Phrases stored before their heads were kept are parsed again too.
        for stored in data["noun_phrases"]:
            del stored["head"]
        assert Enrichment.from_json(data).phrases is None
        del data["noun_phrases"]
        assert Enrichment.from_json(data).phrases is None
    old = {aid: replace(e, phrases=None) for aid, e in kept.items()}
    framing = compare(articles, kept).framing
    assert framing and framing == compare(articles, old).framing
    labels = [label["label"] for item in framing for label in item["labels"]]
    assert any("sexual slavery" in label for label in labels)


def test_overlap_of_many_claims_at_once_is_the_overlap_of_each_pair() -> None:
    import random

    import numpy as np

    from parallax.compare.align import TermWeights

    rng = random.Random(3)
    words = [f"w{i}" for i in range(40)]
    sets = [set(rng.sample(words, rng.randint(0, 7))) for _ in range(50)]
    weights = TermWeights(sets)
    matrix = weights.overlap_matrix(sets[:20], sets[20:])
    assert matrix.shape == (20, 30)
    expected = np.array([[weights.overlap(a, b) for b in sets[20:]] for a in sets[:20]])
    assert np.allclose(matrix, expected, atol=1e-12) and expected.max() > 0
    assert weights.overlap_matrix([], sets).shape == (0, 50)


def _compare_texts(tmp_path: Path, texts: dict[str, str]) -> dict[str, Any]:
    from parallax.compare.api import compare_inputs

    paths = []
    for outlet, text in texts.items():
        path = tmp_path / f"{outlet.replace(' ', '_')}.json"
        path.write_text(json.dumps({"title": "", "text": text, "outlet": outlet, "published": "2023-04-03"}),
                        encoding="utf-8")
        paths.append(str(path))
    return compare_inputs(paths).to_json()


def _conflicts(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for f in comparison["facts"] for c in f["conflicts"]]


def test_numbers_and_dates_conflict_only_where_the_outlets_differ(tmp_path: Path) -> None:
    # The same two numbers in both: agreement. A month against another month: a conflict.
    same = ("A freight train derailed near Dunmore on Monday, killing 12 people and injuring 40 people, "
            "the rail operator said.")
    agreed = _compare_texts(tmp_path, {"North Herald": same, "West Gazette": same.replace("rail", "train")})
    assert _conflicts(agreed) == []
    differ = _compare_texts(tmp_path, {
        "North Herald": "The old Avon bridge was closed for repairs in March 2023, the council said.",
        "West Gazette": "The old Avon bridge was shut for repair work in June 2023, the council said.",
    })
    dates = [c for c in _conflicts(differ) if c["kind"] == "date"]
    assert dates and "March 2023" in dates[0]["detail"] and "June 2023" in dates[0]["detail"]
    counts = _compare_texts(tmp_path, {
        "North Herald": "The storm killed 12 people in the port town of Kessel on Monday, officials said.",
        "West Gazette": "The storm killed 14 people in the port town of Kessel on Monday, officials said.",
    })
    numbers = [c for c in _conflicts(counts) if c["kind"] == "number"]
    assert numbers and "12 people" in numbers[0]["detail"] and "14 people" in numbers[0]["detail"]
    # Figures in conflict are not also one outlet's extra detail; a figure only one gives is.
    assert not [d for f in counts["facts"] for d in f["extra_detail"] if d["kind"] == "number"]
    more = _compare_texts(tmp_path, {"North Herald": same, "West Gazette": same.replace(
        " and injuring 40 people", "")})
    assert _conflicts(more) == []
    assert [d["detail"] for f in more["facts"] for d in f["extra_detail"] if d["kind"] == "number"] == [
        "40 people"]


def test_the_timeline_is_in_calendar_order(tmp_path: Path) -> None:
    # Published Monday 2023-04-03: "last week" (2023-W13, from 27 March) comes before 1 April.
    text = ("The new harbour rules took effect on April 1, officials said. Cargo volumes fell sharply "
            "last week, the port authority said.")
    timeline = _compare_texts(tmp_path, {"Port Daily": text})["timeline"]
    assert [t["date"] for t in timeline] == ["2023-W13", "2023-04-01"]


def test_the_timeline_keeps_times_of_a_known_day_and_halves_of_a_year(tmp_path: Path) -> None:
    # Published Monday 2023-04-03.
    text = ("A gunman opened fire on Saturday morning, the police said. The company expects the plant "
            "to reopen in the first half of 2024. The shift starts at 9 a.m.")
    timeline = _compare_texts(tmp_path, {"Port Daily": text})["timeline"]
    assert [(t["expression"], t["date"]) for t in timeline] == [
        ("Saturday morning", "2023-04-01TMO"), ("the first half of 2024", "2024-H1")]


def test_a_timeline_excerpt_keeps_the_date() -> None:
    from parallax.render.html import excerpt

    sentence = ("After a long debate about the budget, the tax rules and the many objections of the "
                "opposition, the assembly finally voted on Wednesday morning to pass the bill.")
    shown = excerpt(sentence, "Wednesday morning", 80)
    assert "Wednesday morning" in shown and shown.startswith("…") and len(shown) <= 80
    assert excerpt(sentence, "long debate", 80).startswith("After a long debate")


def test_value_spans() -> None:
    from datetime import date

    from parallax.enrich.timex import value_span

    assert value_span("2023-W13") == (date(2023, 3, 27), date(2023, 4, 3), "week")
    assert value_span("2023-WI") == (date(2023, 12, 1), date(2024, 3, 1), "season")
    assert value_span("2023-05-XX") == (date(2023, 5, 1), date(2023, 6, 1), "month")
    assert value_span("2023-02-30") is None and value_span("PRESENT_REF") is None


def test_the_command_accounts_for_every_input(tmp_path: Path, data_dir: Path) -> None:
    seeds = sorted((data_dir / "seeds").glob("0*.txt"))
    runner = CliRunner()
    # A mistyped path is named as such, before any store is looked for.
    typo = runner.invoke(app, ["compare", str(seeds[0]), str(tmp_path / "missing.json")])
    assert typo.exit_code == 2 and "missing.json: no such file" in typo.output
    # An empty file is left out with its reason, and the comparison still comes out.
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["compare", *map(str, seeds), str(empty), "--format", "json"])
    assert result.exit_code == 1
    assert "left out" in result.stderr and "empty.txt" in result.stderr
    assert len(json.loads(result.stdout)["articles"]) == 2
    # The text account goes to --out as text; a folder that does not exist is refused first.
    report = tmp_path / "report.txt"
    written = runner.invoke(app, ["compare", *map(str, seeds), "--out", str(report)])
    assert written.exit_code == 0 and "Coverage, fact by fact" in report.read_text(encoding="utf-8")
    nowhere = runner.invoke(app, ["compare", *map(str, seeds), "--out", str(tmp_path / "no" / "r.html")])
    assert nowhere.exit_code == 2 and "no such folder" in nowhere.output


def test_an_article_given_twice_is_compared_once(tmp_path: Path, data_dir: Path) -> None:
    from parallax.compare.api import compare_inputs
    from parallax.ingest import ingest
    from parallax.store import Store

    seeds = sorted((data_dir / "seeds").glob("0*.txt"))
    with Store(tmp_path / "s.db") as store:
        report = ingest([str(s) for s in seeds], store=store)
        first, second = (i.article_id or "" for i in report.items)
        left_out: list[str] = []
        comparison = compare_inputs([first, first[:8], second, str(seeds[0])], store=store,
                                    left_out=left_out).to_json()
    assert sorted(a["id"] for a in comparison["articles"]) == sorted([first, second])
    assert len(left_out) == 2
    # A file that cannot be read beside stored ids is left out, not the end of the comparison.
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        left_out = []
        comparison = compare_inputs([str(empty), first, second], store=store, left_out=left_out).to_json()
    assert len(comparison["articles"]) == 2 and any("empty.txt" in line for line in left_out)


def test_numbers_are_no_word_choice(tmp_path: Path) -> None:
    comparison = _compare_texts(tmp_path, {
        "North Herald": "A 5.8 earthquake shook the town of Veld at 3 a.m. on Sunday, officials said.",
        "West Gazette": "A 6.4 earthquake shook the town of Veld at 5 a.m. on Sunday, officials said.",
    })
    labels = [{label["label"] for label in item["labels"]} for item in comparison["framing"]]
    assert not any({"5.8 earthquake", "A 5.8 earthquake"} & found for found in labels), labels
    assert not any(item["referent"] in ("m", "a m") for item in comparison["framing"])


def test_a_copy_that_changed_a_figure_is_named_by_its_own_outlet(tmp_path: Path) -> None:
    body = ("The storm killed 12 people in the port town of Kessel on Monday, officials said. "
            "Rescue teams searched the harbour through the night, and the mayor asked residents to "
            "stay indoors. Power was cut to most of the town, and the ferry to the islands was "
            "suspended until further notice. Schools will stay closed on Tuesday, the council said.")
    comparison = _compare_texts(tmp_path, {"North Herald": body,
                                           "South Courier": body.replace("12 people", "14 people")})
    copies = [a for a in comparison["articles"] if a["syndicated_of"]]
    assert len(copies) == 1 and copies[0]["outlet"] == "South Courier"
    details = [c["detail"] for c in _conflicts(comparison) if c["kind"] == "number"]
    assert details and all("South Courier" in d and "North Herald" in d for d in details), details


def test_reports_in_other_languages_get_a_note(tmp_path: Path, data_dir: Path) -> None:
    german = tmp_path / "de.txt"
    german.write_text("Die Außenminister Japans und Südkoreas trafen sich am Mittwoch in London am Rande "
                      "des G7-Treffens. Beide Seiten blieben in den strittigen Fragen uneins, hieß es.",
                      encoding="utf-8")
    seed = sorted((data_dir / "seeds").glob("0*.txt"))[0]
    result = CliRunner().invoke(app, ["compare", str(seed), str(german), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "note:" in result.stderr and "de" in result.stderr


def test_opposite_words_are_a_conflict(tmp_path: Path) -> None:
    comparison = _compare_texts(tmp_path, {
        "North Herald": "The government confirmed on Monday that aid had reached the flooded town of Alby.",
        "West Gazette": "The government denied on Monday that aid had reached the flooded town of Alby.",
    })
    assert [c["kind"] for c in _conflicts(comparison)] == ["polarity"]


def test_the_same_words_resolved_on_different_days_are_no_conflict(tmp_path: Path) -> None:
    # "today" in two reports published either side of midnight, and a month written alike that
    # each report's tense places in a different year, are not a disagreement.
    from parallax.compare.core import _apart

    assert _apart({"2026-04-14": "today (2026-04-14)"}, {"2026-04-15": "today (2026-04-15)"}) == ("", "")
    assert _apart({"2025-06": "June (2025-06)"}, {"2026-06": "June (2026-06)"}) == ("", "")
    assert _apart({"2026-04-14": "Tuesday (2026-04-14)"}, {"2026-04-15": "Wednesday (2026-04-15)"}) == (
        "Tuesday (2026-04-14)", "Wednesday (2026-04-15)")


def test_datelines_bylines_and_notes_are_no_claims() -> None:
    text = ("MARENBURG, Estravia (Wire) -\n\nThe dam opened on Monday.\n\n"
            "Our correspondent Ana Ruiz reports.\n\nEditor's note: an earlier version misspelt a name.")
    sentences, start = [], 0
    for index, part in enumerate(text.split("\n\n")):
        at = text.index(part, start)
        sentences.append(Sentence(index=index, start=at, end=at + len(part), text=part))
        start = at + len(part)
    claims = split_claims(text, Enrichment(article_id="a", sentences=tuple(sentences)))
    assert [c.text for c in claims] == ["The dam opened on Monday."]


def test_an_outlet_is_no_source_of_its_own_report(tmp_path: Path) -> None:
    told = 'Port director Ana Ruiz spoke on Monday. "The port will pay for itself," Ruiz told Reuters.'
    comparison = _compare_texts(tmp_path, {"Reuters": told, "Valley Post": told.replace("spoke", "talked")})
    outlet = {a["id"]: a["outlet"] for a in comparison["articles"]}
    cited = {(outlet[s["article"]], s["name"]) for s in comparison["sources"]}
    assert ("Valley Post", "Reuters") in cited and ("Reuters", "Reuters") not in cited


def test_review_cases_of_conflicts_and_claims() -> None:
    from parallax.compare.claims import _BOILERPLATE
    from parallax.compare.contradict import PolarityJudge

    # A negation against an opposite is no shortcut to a conflict.
    judge = PolarityJudge([])
    assert not judge.contradicts("The team did not win the final on Sunday.",
                                 "The team lost the final on Sunday.")
    # Datelines in other capitals are boilerplate; reports that begin like a byline are not.
    assert _BOILERPLATE.match("SÃO PAULO, Brazil (Wire) -")
    assert not _BOILERPLATE.match("Reporting by the Gazette showed the minister lied.")
    assert not _BOILERPLATE.match("Our reporter was detained for two days, the paper writes.")
    # A signature line: a name, the outlet and the place.
    assert _BOILERPLATE.match("Harriet Quayle, Meridian Courier News, Marenburg.")
    assert not _BOILERPLATE.match("Estravia, Molvane sign deal.")
    # A dateline whose dash the sentence splitter left with the story.
    assert _BOILERPLATE.match("MARENBURG") and _BOILERPLATE.match("PORT ELLIS, Estravia")
    assert not _BOILERPLATE.match("NATO agreed to send troops.")


def test_but_meaning_except_or_joining_two_parts_of_one_claim_cuts_nothing() -> None:
    text = ("Most towns forbid anyone but a licensed guide from taking boats onto the lake. "
            "The coach said the aim is not winning every match but building a squad for next year. "
            "The talks ran long, but they ended without a deal on the border.")
    ends = [text.index(" The coach"), text.index(" The talks"), len(text)]
    starts = [0, ends[0] + 1, ends[1] + 1]
    enrichment = Enrichment(article_id="a", sentences=tuple(
        Sentence(i, a, b, text[a:b]) for i, (a, b) in enumerate(zip(starts, ends, strict=True))))
    claims = [c.text for c in split_claims(text, enrichment)]
    assert claims == [
        "Most towns forbid anyone but a licensed guide from taking boats onto the lake.",
        "The coach said the aim is not winning every match but building a squad for next year.",
        "The talks ran long",
        "they ended without a deal on the border.",
    ]


def _named(article_id: str, *names: str) -> tuple[Any, Any]:
    """An article of 40 characters whose enrichment names ``names`` as people."""
    from parallax.model import Article, Enrichment, Mention

    mentions = tuple(Mention(n, "PERSON", 0, len(n), n) for n in names)
    return Article(id=article_id, text="x" * 40), Enrichment(article_id=article_id, mentions=mentions)


def test_one_person_across_outlets_whatever_each_calls_them() -> None:
    from parallax.compare.core import people_across

    named = _named
    pairs = [named("a", "Chuck Schumer", "Barack Obama", "Jesse Jackson Jr.", "Sandra Jackson"),
             named("b", "Charles Schumer", "Obama", "Jackson", "Mike Johnson"),
             named("c", "Charles Schumer", "Boris Johnson")]
    person = people_across([a for a, _ in pairs], {a.id: e for a, e in pairs})
    assert person["Chuck Schumer"] == "Charles Schumer"  # the name most outlets use
    assert person["Obama"] == "Barack Obama"
    # Two Jacksons in one article: neither, nor a lone "Jackson", is merged with the other.
    assert "Jackson" not in person and "Sandra Jackson" not in person and "Jesse Jackson Jr." not in person
    # Different given names: different people.
    assert "Mike Johnson" not in person and "Boris Johnson" not in person
    # Father and son share a name but for the suffix: different people, in any article.
    pairs = [named("a", "Donald Trump", "Donald Trump Jr."), named("b", "Donald Trump"),
             named("c", "Donald Trump Jr.", "Eric Trump"), named("d", "Donald J. Trump")]
    person = people_across([a for a, _ in pairs], {a.id: e for a, e in pairs})
    assert "Donald Trump" not in person and "Donald Trump Jr." not in person
    # A surname alone, where other articles name two people of it, names neither.
    pairs = [named("a", "Donald Trump"), named("b", "Melania Trump"), named("c", "Trump")]
    assert "Trump" not in people_across([a for a, _ in pairs], {a.id: e for a, e in pairs})
    # An article that keeps "Trump" apart from "Donald Trump Jr." says the surname is the father's.
    pairs = [named("a", "Donald Trump Jr.", "Trump"), named("b", "Trump")]
    person = people_across([a for a, _ in pairs], {a.id: e for a, e in pairs})
    assert "Trump" not in person


def test_a_surname_may_be_the_full_name_of_another_outlet() -> None:
    from parallax.compare.core import may_be_one_person

    assert may_be_one_person("Blumenthal", "Richard Blumenthal")
    assert may_be_one_person("Chuck Schumer", "Charles Schumer")
    assert may_be_one_person(None, "Sandra Jackson")
    assert not may_be_one_person("Sandra Jackson", "Jesse Jackson Jr.")
    assert not may_be_one_person("Donald Trump", "Donald Trump Jr.")
    assert not may_be_one_person("Blumenthal", "John Cornyn")


def test_one_figure_written_two_ways_agrees_and_a_changed_tally_conflicts(tmp_path: Path) -> None:
    same = _compare_texts(tmp_path, {
        "North Herald": "The bill passed after a 97-1 vote in the Senate, and fifteen of the 19 members "
                        "of the panel backed it.",
        "West Gazette": "The bill passed after a 97 to 1 vote in the Senate, and 15 of the 19 members "
                        "of the panel backed it.",
    })
    assert _conflicts(same) == []
    assert not [d for f in same["facts"] for d in f["extra_detail"] if d["kind"] == "number"]
    changed = _compare_texts(tmp_path, {
        "North Herald": "The House overrode the veto by 348-77 on Wednesday, the clerk said.",
        "West Gazette": "The House overrode the veto by 338-87 on Wednesday, the clerk said.",
    })
    assert any("348-77" in c["detail"] and "338-87" in c["detail"] for c in _conflicts(changed))


def test_figures_of_different_things_are_no_conflict(tmp_path: Path) -> None:
    """Sums for different things, a date that names a thing, a quoted "no"."""
    comparison = _compare_texts(tmp_path, {
        "North Herald": "Jackson admitted buying a $43,000 Rolex with campaign money, prosecutors said. "
                        "The bill amends a 1976 law on foreign immunity. "
                        'The lone "no" vote in the Senate was cast by Reid.',
        "West Gazette": "Jackson admitted spending $750,000 of campaign money, prosecutors said. "
                        "The bill concerns the 2001 attacks and foreign immunity. "
                        "Reid was the lone opposition in the Senate.",
    })
    assert _conflicts(comparison) == [], _conflicts(comparison)


def test_approximate_and_rounded_sums_and_sums_paid_in_different_things_are_no_conflict(
        tmp_path: Path) -> None:
    comparison = _compare_texts(tmp_path, {
        "North Herald": "The couple earned roughly $212 million and paid nearly $61 million in federal "
                        "income taxes over ten years, the filings show.",
        "West Gazette": "The couple earned $209 million in adjusted gross income over ten years, the filings "
                        "show.",
        "East Courier": "The filings show the couple paid $60 million in federal taxes over ten years.",
        "South Post": "The filings show the couple paid $60,912,408 in federal taxes over ten years.",
    })
    assert _conflicts(comparison) == [], _conflicts(comparison)
    changed = _compare_texts(tmp_path, {
        "North Herald": "The pipeline will cost $9 billion to build, the company said on Monday.",
        "West Gazette": "The pipeline will cost $8 billion to build, the company said on Monday.",
    })
    assert any("$9 billion" in c["detail"] and "$8 billion" in c["detail"] for c in _conflicts(changed))


def test_a_sentence_that_only_says_who_spoke_is_no_claim() -> None:
    from parallax.compare.claims import split_claims

    text = '"The harbour will be open by June." Mr. Rowe told Reuters. The council met on Monday.'
    enrichment = Enrichment("a", sentences=(Sentence(0, 0, 35, text[:35]), Sentence(1, 36, 57, text[36:57]),
                                            Sentence(2, 58, len(text), text[58:])))
    assert [c.text for c in split_claims(text, enrichment)] == [
        '"The harbour will be open by June."', "The council met on Monday."]


def test_a_figure_the_other_claim_also_states_is_no_conflict(tmp_path: Path) -> None:
    comparison = _compare_texts(tmp_path, {
        "North Herald": "Still, the harbour police made 31 arrests overnight in Marenburg, officials said.",
        "West Gazette": "Officials said the harbour police made nine arrests in Marenburg on Thursday, "
                        "against 31 the night before.",
    })
    assert not [c for c in _conflicts(comparison) if "31" in c["detail"]], _conflicts(comparison)


def test_a_sum_for_a_bill_is_not_a_sum_in_billions_of_something_else() -> None:
    from parallax.compare.core import _about_the_same
    from parallax.model import Claim, Quantity

    bill = Quantity("$1 trillion", 1e12, "USD", "bill", 0, 11)
    deficit = "The plan would add $40 billion to the city's debt by 2030."
    assert not _about_the_same(bill, Claim("b", deficit, 0, len(deficit), 0))
    named = "The $900 billion bills passed the House."
    assert _about_the_same(bill, Claim("b", named, 0, len(named), 0))


def test_shares_of_different_things_are_no_conflict(tmp_path: Path) -> None:
    """A federal rate against a combined one; the same rate stated twice differently is one."""
    comparison = _compare_texts(tmp_path, {
        "North Herald": "Last year the firm paid an effective federal tax rate of 31.2 percent and gave "
                        "over 9 percent of its profit to charity, its filings show.",
        "West Gazette": "The firm's filings show its federal tax rate was 31.2, and with state taxes its "
                        "combined rate was 42.1 percent.",
    })
    assert _conflicts(comparison) == [], _conflicts(comparison)
    changed = _compare_texts(tmp_path, {
        "North Herald": "Last year the firm paid an effective federal tax rate of 31.2 percent, its "
                        "filings show.",
        "West Gazette": "Last year the firm paid an effective federal tax rate of 34.9 percent, its "
                        "filings show.",
    })
    assert any("31.2 percent" in c["detail"] and "34.9 percent" in c["detail"] for c in _conflicts(changed))


def test_different_amounts_are_no_word_choice(tmp_path: Path) -> None:
    comparison = _compare_texts(tmp_path, {
        "North Herald": "The party needs to win roughly 35 seats in November to retake the House.",
        "West Gazette": "The party lost nearly 60 seats in the House in 2010.",
    })
    labels = [{label["label"] for label in item["labels"]} for item in comparison["framing"]]
    assert not any(any("35" in label for label in found) and any("60" in label for label in found)
                   for found in labels), labels


def test_different_people_of_one_surname_stay_apart_and_one_person_is_one_detail(tmp_path: Path) -> None:
    from parallax.compare.core import _extra_detail, people_across
    from parallax.model import Claim

    named = _named
    pairs = [named("a", "Paul Smith"), named("b", "Paula Smith"), named("c", "Paula Smith")]
    assert people_across([a for a, _ in pairs], {a.id: e for a, e in pairs}) == {}
    pairs = [named("a", "Chuck Schumer"), named("b", "Charles Schumer"), named("c", "Charles Schumer")]
    enrichments = {a.id: e for a, e in pairs}
    person = people_across([a for a, _ in pairs], enrichments)
    claims = [Claim(article=a.id, text="x" * 40, start=0, end=40, sentence=0) for a, _ in pairs]
    assert not [d for d in _extra_detail(claims, enrichments, person) if d["kind"] == "name"]


def test_a_budget_written_two_ways_with_two_sums_conflicts(tmp_path: Path) -> None:
    comparison = _compare_texts(tmp_path, {
        "North Herald": "The council approved a $5 million budget for the harbour on Monday.",
        "West Gazette": "The harbour budget the council approved on Monday is $6 million.",
    })
    assert any("$5 million" in c["detail"] and "$6 million" in c["detail"] for c in _conflicts(comparison))


def test_opposite_sides_are_two_referents_and_a_referent_reads_as_a_phrase(tmp_path: Path) -> None:
    from parallax.compare.framing import _referent_name

    comparison = _compare_texts(tmp_path, {
        "North Herald": "The upstream country built the dam on the Saren River last year.",
        "West Gazette": "The downstream countries protested against the dam on the Saren River.",
    })
    for item in comparison["framing"]:
        labels = " / ".join(label["label"] for label in item["labels"])
        assert not ("upstream" in labels and "downstream" in labels), labels
    sidelines = {"a": "sidelines of the Group of Seven session", "b": "sidelines of the G7 session"}
    assert _referent_name(sidelines) == "sidelines of the G7 session"
    assert _referent_name({"a": "border city of Marenburg", "b": "Estravian border city of Marenburg"}) \
        == "border city of marenburg"


def test_a_loaded_word_keeps_its_whole_sentence_and_says_whom_it_quotes() -> None:
    from parallax.compare.framing import find_loaded_words
    from parallax.model import Article

    text = 'The plan could cause chaos in U.S. courts, critics said. "It is a fiasco," Ms. Orr said.'
    quote_start = text.index("It is")
    enrichment = Enrichment(
        article_id="a",
        sentences=(Sentence(0, 0, 56, text[:56]), Sentence(1, 57, len(text), text[57:])),
        voices=(Voice("Ilse Orr", "It is a fiasco,", "said", "direct", quote_start, quote_start + 15),),
    )
    found = {w["word"]: w for w in find_loaded_words(Article(id="a", text=text), enrichment)}
    assert found["chaos"]["text"] == "The plan could cause chaos in U.S. courts, critics said."
    assert "quoted_from" not in found["chaos"]
    assert found["fiasco"]["quoted_from"] == "Ilse Orr"


def test_one_distinctive_figure_joins_two_differently_worded_claims(tmp_path: Path) -> None:
    from parallax.compare.align import distinctive_figures

    comparison = _compare_texts(tmp_path, {
        "North Herald": "The assembly backed the harbour budget on a party-line 41-38 vote, a crucial "
                        "step for the governor. The ferry fleet will grow by two boats.",
        "West Gazette": "Members voted to advance the framework 41-38 along party lines, with Delegate "
                        "Ines Marr absent. Cyclists welcomed a new lane on the quay.",
    })
    joined = [f for f in comparison["facts"] if len(f["claims"]) == 2]
    assert any("41-38 vote" in " ".join(c["text"] for c in f["claims"]) for f in joined), comparison["facts"]
    # Times of day, spans of time and small counts tell no fact apart.
    assert distinctive_figures({"a.m.": {4.0}, "days": {20.0}, "boats": {2.0}, "USD": {3.5e12}}) == {
        ("USD", 3.5e12)}


def test_the_ends_of_a_span_and_two_steps_of_a_plan_are_no_date_conflict(tmp_path: Path) -> None:
    from parallax.compare.align import load_model
    from parallax.compare.core import _conflicts as conflicts_of
    from parallax.model import Claim, TimeRef

    comparison = _compare_texts(tmp_path, {
        "North Herald": "The survey found the heron population shrank nearly 30 percent from 2007 to 2014.",
        "West Gazette": "The heron population has shrunk from about 9,000 pairs in 1917 to 2,500 today.",
    })
    assert not [c for c in _conflicts(comparison) if c["kind"] == "date"], _conflicts(comparison)
    # Two loosely linked claims with different months are two steps, not one fact in conflict;
    # the same claims plainly one fact do conflict.
    first = Claim("a", "Early next month, visitors need a pass.", 0, 39, 0)
    second = Claim("b", "By mid-January, residents need a pass.", 0, 38, 0)
    enrichments = {
        "a": Enrichment(article_id="a", times=(TimeRef("Early next month", "2023-05", "month", 0, 16),)),
        "b": Enrichment(article_id="b", times=(TimeRef("mid-January", "2024-01", "month", 3, 14),)),
    }
    gate = load_model().conflict_threshold
    for linked, expected in ((gate - 0.05, []), (gate + 0.05, ["date"])):
        found = conflicts_of((first, second), enrichments, {(("a", 0), ("b", 0)): linked},
                             {"a": "A", "b": "B"})
        assert [c.kind for c in found if c.kind == "date"] == expected
    changed = _compare_texts(tmp_path, {
        "North Herald": "The ministers met in Marenburg on Wednesday afternoon, officials said.",
        "West Gazette": "The ministers met in Marenburg on Thursday afternoon, officials said.",
    })
    assert [c for c in _conflicts(changed) if c["kind"] == "date"]


def test_dates_of_two_events_in_plainly_linked_claims_are_no_date_conflict() -> None:
    from parallax.compare.align import load_model
    from parallax.compare.core import _conflicts as conflicts_of
    from parallax.model import Claim, TimeRef

    def dated(first_text: str, first_when: str, second_text: str, second_when: str) -> list[str]:
        first = Claim("a", first_text, 0, len(first_text), 0)
        second = Claim("b", second_text, 0, len(second_text), 0)
        at_a, at_b = first_text.index(first_when), second_text.index(second_when)
        enrichments = {
            "a": Enrichment(article_id="a", times=(
                TimeRef(first_when, "2023-03-27", "day", at_a, at_a + len(first_when)),)),
            "b": Enrichment(article_id="b", times=(
                TimeRef(second_when, "2023-03-23", "day", at_b, at_b + len(second_when)),)),
        }
        linked = load_model().conflict_threshold + 0.05
        found = conflicts_of((first, second), enrichments, {(("a", 0), ("b", 0)): linked},
                             {"a": "A", "b": "B"})
        return [c.kind for c in found if c.kind == "date"]

    # The mayor's vote on Monday; the passing on Thursday, in a side clause.
    assert dated("Earlier Monday, the mayor of Dunmore voted against the port law.", "Earlier Monday",
                 "Harbour pilots have opposed the port law since the council passed it on Thursday.",
                 "Thursday") == []
    # Each date on its claim's main verb, or both on one verb: one event, two dates.
    assert dated("The ministers met in Marenburg on Monday.", "Monday",
                 "Talks were held in Marenburg on Thursday.", "Thursday") == ["date"]
    assert dated("Officials said the governor signed the port law on Monday.", "Monday",
                 "The port law, which the governor signed on Thursday, takes effect in May.",
                 "Thursday") == ["date"]


def test_one_count_under_two_nouns_is_no_detail_but_a_sum_stays_one() -> None:
    from parallax.compare.core import _extra_detail
    from parallax.model import Claim, Quantity

    first = "The storm killed 13 farm workers and cost $40 million."
    second = "At least 13 laborers were among the dead."
    enrichments = {
        "a": Enrichment(article_id="a", quantities=(
            Quantity("13 farm workers", 13.0, None, "worker", 17, 32),
            Quantity("$40 million", 4e7, "USD", None, 42, 53))),
        "b": Enrichment(article_id="b", quantities=(
            Quantity("13 laborers", 13.0, None, "laborer", 9, 20),)),
    }
    claims = [Claim("a", first, 0, len(first), 0), Claim("b", second, 0, len(second), 0)]
    numbers = [d["detail"] for d in _extra_detail(claims, enrichments) if d["kind"] == "number"]
    assert numbers == ["$40 million"]


def test_a_quotation_another_version_has_most_words_of_is_no_detail() -> None:
    from parallax.compare.core import _extra_detail
    from parallax.model import Claim

    first = 'He said: "I used money that should have been used for my campaign."'
    second = "He admitted he used money that should have been used for his campaign."
    third = 'He said: "It was a proud day for the district and for the party."'

    def quoting(text: str) -> Enrichment:
        quoted = Voice("He", text[10:-1], "said", "direct", 10, len(text) - 1)
        return Enrichment(article_id="a", voices=(quoted,))

    enrichments = {"a": quoting(first), "b": Enrichment(article_id="b")}
    claims = [Claim("a", first, 0, len(first), 0), Claim("b", second, 0, len(second), 0)]
    assert not [d for d in _extra_detail(claims, enrichments) if d["kind"] == "quote"]
    enrichments["a"] = quoting(third)
    claims[0] = Claim("a", third, 0, len(third), 0)
    assert [d["kind"] for d in _extra_detail(claims, enrichments)] == ["quote"]


def test_claims_that_open_by_naming_two_people_are_two_facts(tmp_path: Path) -> None:
    owen = "Former senator Owen Hill resigned from the harbour council last year amid the inquiry."
    comparison = _compare_texts(tmp_path, {
        "North Herald": owen,
        "West Gazette": "Sandra Hill resigned from the harbour council last month amid the inquiry.",
    })
    assert all(len(f["claims"]) == 1 for f in comparison["facts"]), comparison["facts"]
    same = _compare_texts(tmp_path, {
        "North Herald": owen,
        "West Gazette": "Last year, Owen Hill resigned from the harbour council amid the inquiry.",
    })
    assert any(len(f["claims"]) == 2 for f in same["facts"]), same["facts"]


def test_a_claim_opening_with_two_people_is_about_both() -> None:
    from parallax.compare.core import claim_subject
    from parallax.model import Claim, Mention

    text = "Prime Minister Dariel Mensk of Molvane and President Ilse Varnholt of Estravia met on Tuesday."
    mentions = (Mention("Dariel Mensk", "PERSON", 15, 27, "Dariel Mensk"),
                Mention("Ilse Varnholt", "PERSON", 53, 66, "Ilse Varnholt"))
    enrichment = Enrichment(article_id="a", mentions=mentions)
    assert claim_subject(Claim("a", text, 0, len(text), 0), enrichment) is None
    alone = "Prime Minister Dariel Mensk of Molvane signed the accord on Tuesday."
    enrichment = Enrichment(article_id="a", mentions=mentions[:1])
    assert claim_subject(Claim("a", alone, 0, len(alone), 0), enrichment) == "Dariel Mensk"


def test_an_apposition_is_no_second_person() -> None:
    from parallax.compare.core import claim_subject
    from parallax.model import Claim, Mention

    text = "Owen Hill, D-Ill., resigned from the council last month."
    enrichment = Enrichment(article_id="a", mentions=(Mention("Owen Hill", "PERSON", 0, 9, "Owen Hill"),))
    assert claim_subject(Claim("a", text, 0, len(text), 0), enrichment) == "Owen Hill"


def test_a_figure_rounded_to_fewer_decimals_is_no_conflict(tmp_path: Path) -> None:
    rounded = _compare_texts(tmp_path, {
        "North Herald": "Mayor Ilse Varn won 47 percent of the vote in the harbour district on Tuesday.",
        "West Gazette": "Mayor Ilse Varn won 46.7 percent of the vote in the harbour district on Tuesday.",
    })
    assert not [c for c in _conflicts(rounded) if c["kind"] == "number"], _conflicts(rounded)
    changed = _compare_texts(tmp_path, {
        "North Herald": "Mayor Ilse Varn won 47 percent of the vote in the harbour district on Tuesday.",
        "West Gazette": "Mayor Ilse Varn won 44.2 percent of the vote in the harbour district on Tuesday.",
    })
    assert [c for c in _conflicts(changed) if c["kind"] == "number"]


class _SameVector:
    """An embedder that gives every phrase one vector: every pair is a candidate."""

    name = "same"

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 4)) / 2.0


@pytest.mark.parametrize(("a", "b", "framed"), [
    ("Republican county softball team", "Democratic county softball team", False),
    ("news conference", "news conferences", False),
    ("roughly 36 percent", "36 percent", False),
    ("six people", "four people", False),
    ("comfort women", "victims of wartime sexual slavery", True),
    ("discriminatory hiring policy", "stricter anti-discrimination policies", False),
    ("abortion clinic", "anti-abortion clinic", False),
    ("tax protest", "levy protest", True),
    # One label is about the other's head: a complaint about the dam is not the dam.
    ("formal complaint about the dam", "controversial dam", False),
    ("lawyer for the ferry workers", "striking ferry workers", False),
    ("Molvane's negotiating team", "Molvanian negotiators", True),
    # Quantifiers and determiners are no choice of words; two units of time are two amounts.
    ("further talks", "additional talks", False),
    ("several hours", "several weeks", False),
    ("Tuesday night", "Wednesday night", False),
    # A name's form, or detail added after the noun, is no choice of words; an added adjective is.
    ("death of Mr. Rowe", "death of Adam Rowe", False),
    ("police officer", "police officer two weeks earlier", False),
    ("tear gas", "tear gas and water cannon", False),
    ("teenage driver", "unarmed teenage driver", True),
])
def test_labels_that_differ_in_side_number_or_approximation_are_no_framing(
        a: str, b: str, framed: bool) -> None:
    from parallax.compare.framing import find_framing
    from parallax.model import Phrase

    articles = [Article(id="x", text=a, outlet="North Herald"),
                Article(id="y", text=b, outlet="West Gazette")]
    phrases = {"x": [Phrase(a, 0, len(a))], "y": [Phrase(b, 0, len(b))]}
    assert bool(find_framing(articles, phrases, _SameVector())) is framed


def test_words_both_outlets_write_are_no_choice_between_them() -> None:
    from parallax.compare.framing import find_framing
    from parallax.model import Phrase

    def article(key: str, outlet: str, text: str, label: str) -> tuple[Article, list[Phrase]]:
        start = text.index(label)
        return (Article(id=key, text=text, outlet=outlet),
                [Phrase(label, start, start + len(label), label.split()[-1])])

    (a, pa), (b, pb) = (
        article("x", "North Herald", "The harbour court heard the case. A judge from Marenburg sat.",
                "harbour court"),
        article("y", "West Gazette", "The court met at nine. The harbour judge heard it.", "harbour judge"),
    )
    assert find_framing([a, b], {"x": pa, "y": pb}, _SameVector()) == []
    (a, pa), (b, pb) = (
        article("x", "North Herald", "The harbour court heard the case on Monday.", "harbour court"),
        article("y", "West Gazette", "The harbour judge heard the case on Monday.", "harbour judge"),
    )
    assert len(find_framing([a, b], {"x": pa, "y": pb}, _SameVector())) == 1


def test_framing_groups_are_named_neutrally_and_not_repeated() -> None:
    from parallax.compare.framing import _referent_name, _restates, _singular

    assert _referent_name({"a": "comfort women", "b": "victims of wartime sexual slavery"},
                          [frozenset({"women"}), frozenset({"victim"})]) == "women / victim"
    # Shared words only among the modifiers do not name the thing.
    assert _referent_name({"a": "controversial dam on the Saren", "b": "water grab on the Saren"},
                          [frozenset({"dam"}), frozenset({"grab"})]) == "dam / grab"
    assert _referent_name({"a": "disputed dam", "b": "controversial dam"},
                          [frozenset({"dam"}), frozenset({"dam"})]) == "dam"
    inner = {"a": "border city of Marenburg", "b": "Estravian border city of Marenburg"}
    outer = {"a": "summit in the border city of Marenburg",
             "b": "summit in the Estravian border city of Marenburg"}
    assert _restates(outer, [outer, inner]) and not _restates(inner, [outer, inner])
    other = {"a": "summit in the border city of Marenburg",
             "b": "meeting in the Estravian border city of Marenburg"}
    assert not _restates(other, [other, inner])
    assert [_singular(w) for w in ("taxes", "injuries", "dams", "news", "status")] == \
        ["tax", "injury", "dam", "news", "status"]


def test_one_figure_rounded_in_one_outlet_is_shared() -> None:
    from parallax.compare.align import shared_figures

    rounded = [frozenset({("USD", 13.6e6)})]
    exact = [frozenset({("USD", 13_625_777.0)}), frozenset({("USD", 15.0e6)})]
    assert shared_figures(rounded, exact, np.array([[0.6, 0.6]])).tolist() == [[1.0, 0.0]]


def test_ledes_are_each_articles_first_sentence_of_some_length() -> None:
    from parallax.compare.align import lede_pairs
    from parallax.compare.core import _ledes
    from parallax.model import Claim

    sank = "A ferry carrying 40 people sank off the coast of Marenburg on Tuesday, officials said."
    rescued = "Rescue boats reached the site within an hour, and every passenger was brought ashore."
    other = "Forty passengers were rescued after their ferry went down near Marenburg on Tuesday morning."
    claims = [Claim("a", "By Ana Ruiz", 0, 11, 0), Claim("a", sank, 12, 96, 1),
              Claim("a", rescued, 97, 184, 2), Claim("b", other, 0, 93, 0)]
    assert _ledes(claims) == {1, 3}
    found = lede_pairs([True, False], [True], np.array([[0.45], [0.6]]))
    assert found.tolist() == [[1.0], [0.0]]
    assert lede_pairs([True], [True], np.array([[0.3]])).tolist() == [[0.0]]


def test_a_toll_that_counts_the_attacker_agrees_with_one_that_does_not(tmp_path: Path) -> None:
    comparison = _compare_texts(tmp_path, {
        "North Herald": "A shooting at a rail yard in Marenburg on Wednesday has left at least six people "
                        "dead, including the gunman, officials said.",
        "West Gazette": "A gunman opened fire at a rail yard in Marenburg on Wednesday, leaving at least "
                        "five people dead, officials said.",
    })
    assert _conflicts(comparison) == [], _conflicts(comparison)
    changed = _compare_texts(tmp_path, {
        "North Herald": "A shooting at a rail yard in Marenburg on Wednesday has left at least seven people "
                        "dead, officials said.",
        "West Gazette": "A gunman opened fire at a rail yard in Marenburg on Wednesday, leaving at least "
                        "five people dead, officials said.",
    })
    assert any("seven" in c["detail"] and "five" in c["detail"] for c in _conflicts(changed))
