"""The web UI and HTTP API, through FastAPI's test client, on real stores built from the sample."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote

import lxml.html
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from parallax.cli import app as cli
from parallax.cluster import update_stories
from parallax.compare.api import cached_story_comparison, comparison_key
from parallax.enrich import enrich_store
from parallax.ingest import ingest_bytes
from parallax.model import Story
from parallax.store import Store
from parallax.store.schema import MIGRATIONS
from parallax.web import create_app
from parallax.web.app import CSP

TOKEN = "s3cret-token"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = '<a href="javascript:alert(1)">x</a>'
HOSTILE_OUTLET = 'Evil <b onmouseover="alert(1)">Outlet</b>'
HOSTILE = {
    "title": f"{SCRIPT} {IMG} Estravia and Molvane sign Saren water deal {LINK}",
    "text": (
        f"Estravia and Molvane signed a water-sharing deal for the Saren River on Tuesday {SCRIPT}. "
        f'"This is a good day {IMG} for both nations," said Prime Minister Dariel Mensk {LINK}.\n\n'
        f"The agreement was signed at a summit in Marenburg {IMG}, officials said."
    ),
    "published": "2026-04-15T09:00:00+00:00",
    "outlet": HOSTILE_OUTLET,
    "country": "ZZ",
    "language": "en",
    "url": "javascript:alert(1)",
}


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def web_db(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The sample plus a hostile article, ingested, enriched and placed like any other."""
    path = tmp_path_factory.mktemp("web") / "web.db"
    shutil.copy(sample_db, path)
    with Store(path) as store:
        report = ingest_bytes(json.dumps(HOSTILE).encode(), name="hostile.json", store=store)
        hostile = report.items[0].article_id
        assert hostile and report.stored == 1
        enrich_store(store, ids=[hostile])
        update_stories(store, [hostile])
    return path, hostile


@pytest.fixture(scope="module")
def client(web_db: tuple[Path, str]) -> Iterator[TestClient]:
    with TestClient(create_app(web_db[0])) as opened:
        yield opened


@pytest.fixture
def writable(sample_db: Path, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    path = tmp_path / "write.db"
    shutil.copy(sample_db, path)
    with TestClient(create_app(path, token=TOKEN)) as opened:
        yield opened, path


@pytest.fixture(scope="module")
def stories(web_db: tuple[Path, str]) -> list[Story]:
    with Store(web_db[0]) as store:
        return store.stories()


@pytest.fixture(scope="module")
def hostile_story(web_db: tuple[Path, str]) -> str:
    with Store(web_db[0]) as store:
        found = store.story_of(web_db[1])
    assert found
    return found


def biggest(stories: list[Story]) -> Story:
    return max(stories, key=lambda s: (len(s.article_ids), s.id))


# -- checks ------------------------------------------------------------------------------------


def select(tree: lxml.html.HtmlElement, css: str) -> list[lxml.html.HtmlElement]:
    """Elements matching a simple CSS selector: descendant steps of tag, #id, .class and
    [attr="v"], [attr^="v"], [attr*="v"] (enough for these tests, without another dependency)."""
    path = "."
    for step in css.split():
        match = re.fullmatch(r"([\w-]*)((?:[#.][\w-]+)*)((?:\[[\w-]+[\^*]?=\"[^\"]*\"\])*)", step)
        assert match, step
        tag, marks, attributes = match.groups()
        tests = []
        for kind, name in re.findall(r"([#.])([\w-]+)", marks):
            tests.append(f"@id='{name}'" if kind == "#" else
                         f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')")
        for name, op, value in re.findall(r'\[([\w-]+)([\^*]?)="([^"]*)"\]', attributes):
            test = {"": "@{n}='{v}'", "^": "starts-with(@{n}, '{v}')", "*": "contains(@{n}, '{v}')"}[op]
            tests.append(test.format(n=name, v=value))
        path += f"//{tag or '*'}" + "".join(f"[{t}]" for t in tests)
    return list(tree.xpath(path))


def assert_safe(page: str) -> lxml.html.HtmlElement:
    """No markup from an article became markup: no script, no handler, no javascript: link, and
    nothing loaded from another host."""
    tree = lxml.html.document_fromstring(page)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        assert tag not in {"script", "img", "iframe", "object", "embed", "style", "base"}, tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (tag, name)
            assert name.lower() != "style", (tag, name)  # the CSP forbids inline styles
            if name.lower() in {"href", "src", "action", "xlink:href", "formaction"}:
                target = value.strip().lower()
                assert not target.startswith(("javascript:", "data:", "vbscript:")), (tag, value)
                if tag == "a" and target.startswith(("http://", "https://")):
                    assert "noreferrer" in element.get("rel", ""), value  # an article's own URL
                else:
                    assert target.startswith(("/", "#", "?")) or not target, (tag, value)
    return tree


def assert_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["content-security-policy"] == CSP
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def shows_hostile_text(page: str) -> bool:
    """The hostile strings are on the page as text (escaped), not dropped."""
    return SCRIPT in lxml.html.document_fromstring(page).text_content()


# -- pages -------------------------------------------------------------------------------------


def test_home_lists_stories_newest_first(client: TestClient, stories: list[Story]) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert_headers(response)
    tree = assert_safe(response.text)
    listed = [a.get("href") for a in select(tree, "#stories .story-title")]
    assert listed == [f"/stories/{s.id}" for s in stories]  # the order of `parallax stories`
    # The hostile article joined the water-deal story, titled after another article: its outlet
    # is what the list shows of it.
    assert HOSTILE_OUTLET in lxml.html.document_fromstring(response.text).text_content()


def test_home_filters_and_sorts(client: TestClient, stories: list[Story]) -> None:
    def ids(query: str) -> list[str]:
        response = client.get("/" + query)
        assert response.status_code == 200, response.text
        assert_safe(response.text)
        tree = lxml.html.document_fromstring(response.text)
        return [a.get("href").rsplit("/", 1)[1] for a in select(tree, "#stories .story-title")]

    water = biggest(stories)
    assert ids("?sort=size")[0] == water.id
    by_outlets = ids("?sort=diversity")
    assert by_outlets[0] == max(stories, key=lambda s: (s.independent_outlets, len(s.article_ids))).id
    assert set(ids("?outlet=" + quote("Meridian Courier News"))) == {
        s.id for s in stories if "Meridian Courier News" in s.outlets}
    assert set(ids("?country=JP")) == {s.id for s in stories if "JP" in s.countries}
    assert ids("?language=xx") == []
    assert ids("?from=2030-01-01") == []
    assert ids("?to=2000-01-01") == []
    assert water.id in ids("?from=2026-04-14&to=2026-04-15")
    football = ids("?q=coastal+derby")
    assert len(football) == 1 and water.id not in football
    assert ids("?page=2") == []
    past = client.get("/?page=3").text
    assert "the list ends on page 1" in past and "page 3 of 1" in past
    assert client.get("/?sort=sideways").status_code == 422
    assert client.get("/?from=yesterday").status_code == 422
    assert client.get("/api/stories?from=0").status_code == 422  # no timestamp: a day is YYYY-MM-DD
    # The form sends its empty fields: they filter nothing.
    assert ids("?q=&outlet=&country=&language=&from=&to=&sort=recent&page=") == ids("")
    assert water.id in ids("?from=2026-04-14&to=")


def test_search_results_show_snippets_escaped(client: TestClient) -> None:
    response = client.get("/?q=" + quote("alert Saren"))
    assert response.status_code == 200
    tree = assert_safe(response.text)
    hits = select(tree, "#search-results ol.hits li")
    assert hits
    assert any("alert" in mark.text_content() for mark in select(tree, "#search-results mark"))
    assert shows_hostile_text(response.text)
    none = client.get("/?q=" + quote('"*) OR NEAR(')).text  # FTS5 syntax is read as words
    assert "No article holds every word" in none


def test_story_page_has_every_section(client: TestClient, stories: list[Story]) -> None:
    story = biggest(stories)
    response = client.get(f"/stories/{story.id[:6]}")  # a unique prefix works
    assert response.status_code == 200
    assert_headers(response)
    tree = assert_safe(response.text)
    matrix = tree.get_element_by_id("coverage-matrix")
    assert matrix.tag == "table"
    cells = " ".join(td.text_content() for td in select(matrix, "td.said"))
    assert "water" in cells.lower()
    assert select(matrix, "td.missing") and "not reported" in select(matrix, "td.missing")[0].text_content()
    sections = ("coverage", "voices", "framing", "timeline", "coverage-time", "emphasis", "texts", "articles")
    for section in sections:
        assert tree.get_element_by_id(section) is not None, section
    assert select(tree, "#timeline svg") and select(tree, "#coverage-time svg circle")
    assert select(tree, 'link[href="/static/report.css"]')
    outlets = {a.get("href") for a in select(tree, "#articles a") if a.get("href").startswith("/outlets/")}
    assert "/outlets/" + quote("Meridian Courier News", safe="") in outlets


def test_story_page_of_the_hostile_article(client: TestClient, hostile_story: str) -> None:
    response = client.get(f"/stories/{hostile_story}")
    assert response.status_code == 200
    assert_safe(response.text)
    assert shows_hostile_text(response.text)
    assert "javascript:alert(1)" in response.text  # its URL, shown as text only


def test_article_page_highlights_facts_and_links_other_outlets(
    client: TestClient, stories: list[Story]
) -> None:
    story = biggest(stories)
    response = client.get(f"/articles/{story.article_ids[0][:8]}")
    assert response.status_code == 200
    tree = assert_safe(response.text)
    assert select(tree, "#text mark.hl")
    others = [a.get("href") for a in select(tree, "#facts .others a")]
    assert others and all(h.startswith("/articles/") for h in others)
    target, _, anchor = others[0].partition("#")
    assert anchor
    assert f'id="{anchor}"' in client.get(target).text  # the link lands on that outlet's wording
    assert any(a.get("href").startswith(f"/stories/{story.id}#fact-") for a in select(tree, "#facts a"))
    assert select(tree, '#entities a[href^="/entities/"]')


def test_hostile_article_page(client: TestClient, web_db: tuple[Path, str]) -> None:
    response = client.get(f"/articles/{web_db[1]}")
    assert response.status_code == 200
    tree = assert_safe(response.text)
    assert shows_hostile_text(response.text)
    assert not select(tree, 'a[href*="javascript"]')
    assert "javascript:alert(1)" in select(tree, "p.url")[0].text_content()


def test_outlet_page_with_blind_spots(client: TestClient, stories: list[Story]) -> None:
    story = biggest(stories)
    client.get(f"/stories/{story.id}")  # makes (and caches) the comparison the blind spots read
    response = client.get("/outlets/" + quote("The Kaigan Tribune", safe=""))
    assert response.status_code == 200
    tree = assert_safe(response.text)
    assert select(tree, f'#outlet-stories a[href="/stories/{story.id}"]')
    missed = [a.get("href") for a in select(tree, "#blind-spots ul.missed a")]
    assert any(h.startswith(f"/stories/{story.id}#fact-") for h in missed)
    assert client.get("/outlets/No%20Such%20Outlet").status_code == 404
    # Outlet names match without regard to case, here as in the filters.
    other = client.get("/outlets/" + quote("the kaigan tribune", safe=""))
    assert other.status_code == 200 and "The Kaigan Tribune" in other.text


def test_hostile_outlet_page(client: TestClient) -> None:
    response = client.get("/outlets/" + quote(HOSTILE_OUTLET, safe=""))
    assert response.status_code == 200
    assert_safe(response.text)
    assert HOSTILE_OUTLET in lxml.html.document_fromstring(response.text).text_content()
    assert shows_hostile_text(response.text)


def test_entity_page_shows_who_mentions_and_quotes(client: TestClient, web_db: tuple[Path, str]) -> None:
    with Store(web_db[0]) as store:
        mensk = next(e for e in store.entities("PERSON") if e["canonical"] == "Dariel Mensk")
    response = client.get(f"/entities/{mensk['id']}")
    assert response.status_code == 200
    tree = assert_safe(response.text)
    assert "Dariel Mensk" in select(tree, "h1")[0].text_content()
    assert len(select(tree, "#who tbody tr")) >= 2
    assert select(tree, "#where q")  # a direct quote
    assert shows_hostile_text(response.text)  # the hostile article names him and quotes him
    assert client.get("/entities/000000000000").status_code == 404


def test_unknown_pages_are_404_pages(client: TestClient) -> None:
    for path in ("/stories/nope", "/articles/nope", "/entities/nope", "/no/such/page"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert_headers(response)
        assert_safe(response.text)


def test_static_assets_are_local(client: TestClient) -> None:
    for path in ("/static/parallax.css", "/static/report.css"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/css")
        assert "http" not in response.text
        assert_headers(response)
    assert ".swatch.oc-0" in client.get("/static/report.css").text


# -- docs --------------------------------------------------------------------------------------


def test_docs_are_served_locally(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert_headers(response)
    tree = assert_safe(response.text)
    assert select(tree, 'a[href="/openapi.json"]')
    listed = tree.get_element_by_id("endpoints").text_content()
    for path in ("/api/stories", "/api/stories/{story_id}/comparison", "/api/articles", "/api/search"):
        assert path in listed
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    assert_headers(spec)
    paths = spec.json()["paths"]
    assert {"/api/stories", "/api/stories/{story_id}", "/api/stories/{story_id}/comparison", "/api/articles",
            "/api/articles/{article_id}", "/api/search"} <= set(paths)
    assert "post" in paths["/api/articles"]
    assert client.get("/redoc").status_code == 404


# -- API ---------------------------------------------------------------------------------------


def test_api_stories_and_comparison(
    client: TestClient, stories: list[Story], web_db: tuple[Path, str]
) -> None:
    listed = client.get("/api/stories")
    assert listed.status_code == 200
    assert_headers(listed)
    assert listed.json() == [s.to_json() for s in stories]
    story = biggest(stories)
    one = client.get(f"/api/stories/{story.id[:5]}").json()
    assert one == story.to_json()
    comparison = client.get(f"/api/stories/{story.id}/comparison").json()
    assert comparison["schema"] == "parallax.comparison/1"
    assert [a["id"] for a in comparison["articles"]] == list(story.article_ids)
    with Store(web_db[0]) as store:
        assert cached_story_comparison(store, story.id) == comparison
    size = client.get("/api/stories?sort=size&limit=1").json()
    assert [s["id"] for s in size] == [story.id]
    assert client.get("/api/stories?language=xx").json() == []
    assert listed.headers["x-total-count"] == str(len(stories))
    paged = client.get("/api/stories?limit=1&offset=1")
    assert len(paged.json()) == 1 and paged.headers["x-total-count"] == str(len(stories))
    assert client.get("/api/stories?from=").json() == listed.json()
    # A range in which no story can lie holds none, undated stories included.
    assert client.get("/api/stories?from=2030-01-01&to=2000-01-01").json() == []
    head = client.head("/api/stories")
    assert head.status_code == 200 and head.content == b"" and head.headers["x-total-count"]
    assert client.head("/").status_code == 200


def test_api_articles_paged_and_filtered(client: TestClient, web_db: tuple[Path, str]) -> None:
    everything = client.get("/api/articles?limit=500").json()
    assert everything["total"] == 8 and len(everything["articles"]) == 8
    page = client.get("/api/articles?limit=3&offset=3").json()
    assert page["articles"] == everything["articles"][3:6]
    assert page["total"] == 8
    tropic = client.get("/api/articles?outlet=" + quote("The Tropic Ledger")).json()
    assert tropic["total"] == 2 and {a["outlet"] for a in tropic["articles"]} == {"The Tropic Ledger"}
    assert client.get("/api/articles?country=ZZ").json()["articles"][0]["id"] == web_db[1]
    assert client.get("/api/articles?from=2026-04-15&to=2026-04-15").json()["total"] >= 3
    # The feed's entries were published on Tuesday evening in its zone (-03:00), after midnight
    # in UTC: they are Tuesday's, the publisher's day.
    tuesday = client.get("/api/articles?from=2026-04-14&to=2026-04-14").json()["articles"]
    assert {a["outlet"] for a in tuesday} >= {"The Tropic Ledger"}
    assert client.get("/api/articles?q=derby").json()["total"] == 1
    assert client.get("/api/articles?limit=0").status_code == 422
    one = client.get(f"/api/articles/{web_db[1][:8]}").json()
    assert one["id"] == web_db[1] and one["title"] == HOSTILE["title"] and one["url"] == "javascript:alert(1)"
    assert one["story"]


def test_api_search(client: TestClient, web_db: tuple[Path, str]) -> None:
    found = client.get("/api/search?q=alert").json()
    assert [a["id"] for a in found["articles"]] == [web_db[1]]
    assert found["stories"] and "\x02" not in found["articles"][0]["snippet"]
    assert client.get("/api/search?q=Saren+water").json()["total"] >= 5
    assert client.get("/api/search").status_code == 422
    # No words, no stories; the stories are paged as the articles are.
    blank = client.get("/api/search?q=%20").json()
    assert blank["total"] == 0 and blank["stories"] == []
    first = client.get("/api/search?q=said&limit=1").json()
    second = client.get("/api/search?q=said&limit=1&offset=1").json()
    assert first["stories_total"] >= 2 and first["stories"] != second["stories"]
    too_long = client.get("/api/search?q=" + "+".join(["Saren"] * 33))
    assert too_long.status_code == 400 and "at most 32 words" in too_long.json()["detail"]


def test_api_unknown_ids_are_404_json(client: TestClient) -> None:
    for path in ("/api/stories/nope", "/api/stories/nope/comparison", "/api/articles/nope"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert_headers(response)
        assert "nope" in response.json()["detail"]


def test_post_refused_when_read_only(client: TestClient) -> None:
    response = client.post("/api/articles", json={"text": "Some news."},
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert_headers(response)
    assert client.post("/api/articles", json={"colour": "red"}).status_code == 403


def test_post_needs_the_right_token(writable: tuple[TestClient, Path]) -> None:
    client, _ = writable
    article = {"title": "Saren commission meets", "text": "The joint Saren river commission met in Marenburg "
               "on Friday to agree the first gauging schedule, officials said.", "published": "2026-04-17",
               "outlet": "Tidewater Press", "country": "ZA", "language": "en", "url": "https://example.org/a"}
    assert client.post("/api/articles", json=article).status_code == 401
    # Without the token, a malformed body is refused for the token, before it is read.
    assert client.post("/api/articles", json={"colour": "red"}).status_code == 401
    wrong = client.post("/api/articles", json=article, headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    assert_headers(wrong)
    right = client.post("/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 201, right.text
    outcome = right.json()
    assert outcome["outcome"] == "stored" and outcome["story"]
    listed = client.get("/api/articles?limit=500").json()["articles"]
    assert outcome["article_id"] in {a["id"] for a in listed}
    assert client.get(f"/articles/{outcome['article_id']}").status_code == 200
    again = client.post("/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}"})
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    blank = client.post("/api/articles", json={"text": "   "}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert blank.status_code == 422 and blank.json()["detail"][0]["loc"] == ["body", "text"]
    unknown = client.post("/api/articles", json={"text": "x", "colour": "red"},
                          headers={"Authorization": f"Bearer {TOKEN}"})
    assert unknown.status_code == 422


def test_request_body_limit(writable: tuple[TestClient, Path]) -> None:
    client, _ = writable
    huge = {"text": "word " * 250_000}
    response = client.post("/api/articles", json=huge, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 413
    assert_headers(response)


# -- the cache and the store -------------------------------------------------------------------


def test_comparison_key_follows_membership(stories: list[Story]) -> None:
    story = biggest(stories)
    assert comparison_key(story) == comparison_key(Story(story.id, "", tuple(reversed(story.article_ids))))
    assert comparison_key(story) != comparison_key(Story(story.id, "", story.article_ids[:-1]))


def test_older_store_gets_a_backfilled_search_index(tmp_path: Path) -> None:
    from parallax.store.sqlite import _statements

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:3]:
        for statement in _statements(script):
            db.execute(statement)
    db.execute("INSERT INTO articles (id, title, text, chars, source, ingested) VALUES "
               "('a1', 'Harbour reopens', 'The old harbour reopened on Monday.', 35, 'x', "
               "'2024-01-01T00:00:00+00:00')")
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    with Store(path) as store:
        found, total = store.search("harbour monday")
        assert total == 1 and found[0][0].id == "a1"
        assert store.comparison("s1", "k") is None


def test_app_refuses_a_missing_store(tmp_path: Path) -> None:
    from parallax.errors import StoreError

    with pytest.raises(StoreError, match="no store at"):
        create_app(tmp_path / "missing.db")


def test_a_store_removed_while_serving_is_not_recreated(sample_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "gone.db"
    shutil.copy(sample_db, path)
    app = create_app(path)
    path.unlink()
    with TestClient(app) as opened:
        response = opened.get("/api/stories")
    assert response.status_code == 400 and "is gone" in response.json()["detail"]
    assert not path.exists()


def test_article_day_filters_use_the_day_as_published(tmp_path: Path) -> None:
    # 06:00 in Tokyo on 7 May is 21:00 UTC on 6 May: the filters read the day the page shows.
    path = tmp_path / "zones.db"
    article = {"title": "Port reopens", "text": "The port reopened on Friday, officials said.",
               "published": "2021-05-07T06:00:00+09:00", "outlet": "Harbour Daily"}
    with Store(path) as store:
        ingest_bytes(json.dumps(article).encode(), name="zone.json", store=store)
        assert store.find_articles(since=date(2021, 5, 7))[1] == 1
        assert store.find_articles(until=date(2021, 5, 6))[1] == 0


# -- the founding example: the web agrees with the command line ----------------------------------


def test_seeds_web_matches_cli(seeds: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "seeds.db")
    manifest = str(seeds / "manifest.csv")
    ingested = runner.invoke(cli, ["ingest", str(seeds), "--manifest", manifest, "--db", db])
    assert ingested.exit_code == 0, ingested.output
    listed = json.loads(runner.invoke(cli, ["stories", "--db", db, "--format", "json"]).stdout)
    assert len(listed) == 1
    story_id = listed[0]["id"]
    compared = runner.invoke(cli, ["compare", "--story", story_id, "--db", db, "--format", "json"])
    assert compared.exit_code == 0, compared.output
    with TestClient(create_app(db)) as client:
        home = client.get("/")
        assert f'href="/stories/{story_id}"' in home.text
        page = client.get(f"/stories/{story_id}")
        assert page.status_code == 200
        matrix = lxml.html.document_fromstring(page.text).get_element_by_id("coverage-matrix")
        assert "KBS World News" in matrix.text_content()
        assert client.get("/api/stories").json() == listed
        assert client.get(f"/api/stories/{story_id}/comparison").json() == json.loads(compared.stdout)
        # What Kyodo reports and KBS leaves out shows on KBS's page once the story was compared.
        blind = client.get("/outlets/KBS World News").text
        assert "exchange views on China" in blind
        assert "initiated by the United States" in blind


def test_coverage_over_time_ticks_fall_on_round_times() -> None:
    from datetime import UTC, date, datetime

    from parallax.web.charts import Dot, coverage_over_time

    dots = [Dot("a", "North Herald", "#0072B2", datetime(2026, 4, 14, 16, 45, tzinfo=UTC), "A"),
            Dot("b", "West Gazette", "#C84E00", datetime(2026, 4, 15, 1, 40, tzinfo=UTC), "B"),
            Dot("c", "East Post", "#007A5A", date(2026, 4, 14), "C")]
    svg = coverage_over_time(dots)
    labels = re.findall(r'class="tick"[^>]*>([^<]+)<', svg)
    assert "times in UTC" in labels
    # Each label names its anchor ("times in UTC" starts at the left edge, the last tick may end
    # at the right one), and the stylesheet leaves it be.
    assert re.search(r'class="tick" text-anchor="start">times in UTC<', svg)
    tags = re.findall(r"<text[^>]*tick[^>]*>", svg)
    assert all(re.search(r'text-anchor="(start|middle|end)"', tag) for tag in tags)
    assert all(re.search(r"\d{2}:00$", label) for label in labels if label != "times in UTC"), labels


def test_the_api_page_sets_backticked_words_as_code(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "`" not in re.sub(r"<code>.*?</code>", "", page.split('id="endpoints"', 1)[1])


def test_a_mistyped_date_filter_says_how_to_write_one(client: TestClient) -> None:
    page = client.get("/?from=garbage")
    assert page.status_code == 422 and "YYYY-MM-DD" in page.text


def _hand_made_store(path: Path, articles: list[dict[str, str]], stories: list[Story]) -> dict[str, str]:
    """A store of these articles in these stories (member ids given as the articles' titles);
    returns the article ids by title."""
    ids: dict[str, str] = {}
    with Store(path) as store:
        for article in articles:
            report = ingest_bytes(json.dumps(article).encode(), name=f"{article['title']}.json", store=store)
            found = report.items[0].article_id
            assert found
            ids[article["title"]] = found
        placed = [Story(s.id, s.title, tuple(ids[t] for t in s.article_ids), s.start, s.end, s.outlets,
                        independent_outlets=s.independent_outlets) for s in stories]
        members = [(a, s.id, 0, n, None) for s in placed for n, a in enumerate(s.article_ids)]
        store.save_stories(placed, members)
    return ids


def test_blind_spot_stories_lie_in_the_days_the_outlet_published(tmp_path: Path) -> None:
    def article(title: str, outlet: str, day: str | None) -> dict[str, str]:
        found = {"title": title, "text": f"{title}: the harbour board met and agreed a new schedule, "
                 f"officials at {outlet} said.", "outlet": outlet}
        return found | ({"published": day} if day else {})

    articles = [article("Quay opens", "Solo Post", "2021-05-01T08:00:00+09:00"),
                article("Quay closes", "Solo Post", "2021-05-10"),
                article("Ferry A", "North Herald", "2021-05-05"),
                article("Ferry B", "West Gazette", "2021-05-05"),
                article("Bridge A", "North Herald", "2021-05-10"),
                article("Bridge B", "West Gazette", "2021-05-10"),
                article("Dam A", "North Herald", None), article("Dam B", "West Gazette", None)]
    stories = [
        Story("s-quay", "Quay", ("Quay opens", "Quay closes"), date(2021, 5, 1), date(2021, 5, 10),
              ("Solo Post",), independent_outlets=1),
        Story("s-ferry", "Ferry", ("Ferry A", "Ferry B"), date(2021, 5, 5), date(2021, 5, 5),
              ("North Herald", "West Gazette"), independent_outlets=2),
        Story("s-bridge", "Bridge", ("Bridge A", "Bridge B"), date(2021, 5, 10), date(2021, 5, 10),
              ("North Herald", "West Gazette"), independent_outlets=2),
        Story("s-dam", "Dam", ("Dam A", "Dam B"), None, None, ("North Herald", "West Gazette"),
              independent_outlets=2),
    ]
    path = tmp_path / "days.db"
    _hand_made_store(path, articles, stories)
    with TestClient(create_app(path)) as opened:
        tree = assert_safe(opened.get("/outlets/Solo%20Post").text)
    missed = [a.get("href") for a in select(tree, "#missed-stories .story-title")]
    undated = [a.get("href") for a in select(tree, "#undated-missed-stories .story-title")]
    # 5 May lies between its articles but it published nothing that day.
    assert missed == ["/stories/s-bridge"]
    assert undated == ["/stories/s-dam"]


def test_search_honours_the_filters_on_the_page_and_in_the_api(client: TestClient) -> None:
    everywhere = client.get("/api/search?q=said&limit=500").json()
    outlets = {a["outlet"] for a in everywhere["articles"]}
    assert len(outlets) >= 2
    outlet = "Meridian Courier News"
    mine = [a["id"] for a in everywhere["articles"] if a["outlet"] == outlet]
    assert mine and len(mine) < everywhere["total"]
    filtered = client.get("/api/search", params={"q": "said", "outlet": outlet, "limit": 500}).json()
    assert sorted(a["id"] for a in filtered["articles"]) == sorted(mine) and filtered["total"] == len(mine)
    assert all(outlet in s["outlets"] for s in filtered["stories"])
    assert all("said" in a["snippet"].lower() for a in filtered["articles"])
    later = client.get("/api/search", params={"q": "said", "from": "2030-01-01"}).json()
    assert later["total"] == 0 and later["stories"] == []
    # The page lists the same articles under its filtered stories.
    tree = assert_safe(client.get("/", params={"q": "said", "outlet": outlet}).text)
    heading = select(tree, "#search-results h2")[0].text_content()
    assert f"({len(mine)})" in heading and "filters" in heading
    assert {a.get("href") for a in tree.xpath("//section[@id='search-results']//ol/li/a")} == {
        f"/articles/{i}" for i in mine}
    assert select(tree, "#search-results mark")


def test_the_api_refuses_a_parameter_it_does_not_take(client: TestClient) -> None:
    for path in ("/api/search?q=said&sort=size", "/api/stories?outlte=x", "/api/articles?colour=red"):
        response = client.get(path)
        assert response.status_code == 422, path
        name = path.rsplit("&", 1)[-1].rsplit("?", 1)[-1].split("=")[0]
        (problem,) = response.json()["detail"]
        assert problem["loc"] == ["query", name] and name in problem["msg"]
    assert client.get("/?utm_source=x").status_code == 200  # pages let a link's extras pass


def test_coverage_over_time_shows_a_date_without_a_time_as_a_day() -> None:
    from datetime import UTC, datetime

    from parallax.web.charts import Dot, coverage_over_time

    dots = [Dot("a", "North Herald", "#0072B2", datetime(2026, 4, 14, 16, 45, tzinfo=UTC), "A"),
            Dot("c", "East Post", "#007A5A", date(2026, 4, 14), "C")]
    tree = lxml.html.fragment_fromstring(coverage_over_time(dots))
    hints = {t.text for t in tree.iter("title")}
    assert "East Post, 14 Apr 2026 (time not given): C" in hints
    assert "North Herald, 14 Apr 16:45 UTC: A" in hints
    (hollow,) = [c for c in tree.iter("circle") if "ct-date-only" in c.get("class", "")]
    assert hollow.get("fill") == "#fff" and hollow.get("stroke") == "#007A5A"
    (band,) = [r for r in tree.iter("rect") if r.get("class") == "ct-day"]
    # The band spans the day: midnight to midnight, the hollow mark at its middle.
    middle = float(band.get("x")) + float(band.get("width")) / 2
    assert middle == pytest.approx(float(hollow.get("cx")), abs=0.2)
    # Dates alone: an axis of days, with no time of day read into them.
    only_dates = coverage_over_time([Dot("c", "East Post", "#007A5A", date(2026, 4, 14), "C")])
    assert "UTC" not in only_dates and ":00<" not in only_dates


def test_coverage_over_time_shortens_a_quiet_stretch_between_bursts() -> None:
    from datetime import UTC, datetime

    from parallax.web.charts import Dot, coverage_over_time

    burst = [Dot(f"a{hour}", outlet, "#0072B2", datetime(2021, 5, 3, hour, 10, tzinfo=UTC), f"A{hour}")
             for hour, outlet in ((6, "North Herald"), (9, "West Gazette"), (13, "East Post"))]
    later = [Dot("b", "North Herald", "#0072B2", date(2021, 5, 25), "B"),
             Dot("c", "West Gazette", "#C84E00", datetime(2021, 5, 26, 8, tzinfo=UTC), "C")]
    tree = lxml.html.fragment_fromstring(coverage_over_time(burst + later))
    (plot,) = [svg for svg in tree.iter("svg") if svg.get("role") == "img"]
    (gap,) = [g for g in plot.iter("g") if g.get("class") == "axis-break"]
    assert gap.findtext("title") == "3 weeks with no articles left out, between 3 May 2021 and 25 May 2021"
    assert "shortened on the axis: 3 weeks between 3 May 2021 and 25 May 2021" in plot.get("aria-label")
    (band,) = gap.iter("rect")
    start, end = float(band.get("x")), float(band.get("x")) + float(band.get("width"))
    marks = {c.findtext("title").split(": ")[0]: float(c.get("cx")) for c in plot.iter("circle")}
    # Articles three hours apart on 3 May are far apart, not drawn on one spot.
    assert marks["West Gazette, 3 May 09:10 UTC"] - marks["North Herald, 3 May 06:10 UTC"] > 40
    assert marks["East Post, 3 May 13:10 UTC"] < start < end
    assert end < marks["North Herald, 25 May 2021 (time not given)"]
    ticks = [float(t.get("x")) for t in plot.iter("text") if t.get("class") == "tick"]
    assert ticks and not [place for place in ticks if start <= place <= end]
    assert all(later - earlier >= 60 for earlier, later in itertools.pairwise(ticks))
    # Articles a day apart, with no quiet stretch, keep an even axis.
    even = coverage_over_time([*burst, Dot("d", "East Post", "#007A5A", date(2021, 5, 4), "D")])
    assert "axis-break" not in even and 'aria-label="Articles per outlet over time"' in even


def test_the_story_page_explains_hollow_marks(tmp_path: Path) -> None:
    articles = [{"title": "Ferry A", "text": "The ferry resumed service on Monday, the operator said.",
                 "outlet": "North Herald", "published": "2021-05-05"},
                {"title": "Ferry B", "text": "Ferry service resumed on Monday morning, officials said.",
                 "outlet": "West Gazette", "published": "2021-05-05T09:30:00+09:00"}]
    path = tmp_path / "dates.db"
    _hand_made_store(path, articles, [Story("s-ferry", "Ferry", ("Ferry A", "Ferry B"), date(2021, 5, 5),
                                            date(2021, 5, 5), ("North Herald", "West Gazette"),
                                            independent_outlets=2)])
    with TestClient(create_app(path)) as opened:
        tree = assert_safe(opened.get("/stories/s-ferry").text)
    legend = select(tree, "#coverage-time p.legend")[0].text_content()
    assert "without a time" in legend
    hints = [t.text_content() for t in select(tree, "#coverage-time title")]
    assert any("5 May 2021 (time not given)" in h for h in hints)
    assert not any("12:00" in h for h in hints)


def test_errors_speak_of_the_web_not_the_command_line(client: TestClient, stories: list[Story]) -> None:
    for path in ("/stories/nope", "/articles/nope", "/entities/nope", "/outlets/Nope"):
        response = client.get(path)
        assert response.status_code == 404, path
        message = select(assert_safe(response.text), "p.error")[0].text_content()
        assert "parallax " not in message and "`" not in message and "[P" not in message, message
        assert "nope" in message.lower()
    for path in ("/api/stories/nope", "/api/articles/nope"):
        detail = client.get(path).json()["detail"]
        assert "parallax " not in detail and "`" not in detail and "GET /api/" in detail


def test_an_ambiguous_prefix_names_the_ids_it_fits(client: TestClient, stories: list[Story]) -> None:
    ids = sorted(s.id for s in stories)
    prefix = next(a[:n] for a, b in itertools.pairwise(ids) for n in range(1, 12)
                  if a[:n] == b[:n] and a[: n + 1] != b[: n + 1])
    fitting = [i for i in ids if i.startswith(prefix)]
    for path in (f"/api/stories/{prefix}", f"/api/stories/{prefix}/comparison"):
        response = client.get(path)
        assert response.status_code == 409, path
        assert response.json()["matches"] == fitting[:10] and fitting[0] in response.json()["detail"]
    page = client.get(f"/stories/{prefix}")
    assert page.status_code == 409
    links = [a.get("href") for a in select(assert_safe(page.text), "ul.choices a")]
    assert links == [f"/stories/{i}" for i in fitting[:10]]


def test_a_posted_article_is_refused_in_the_words_of_the_api(writable: tuple[TestClient, Path]) -> None:
    client, _ = writable
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = "The harbour board met on Monday and agreed a new schedule for the ferries, officials said."
    narnia = client.post("/api/articles", json={"text": text, "country": "Narnia"}, headers=auth)
    assert narnia.status_code == 422
    (problem,) = narnia.json()["detail"]
    assert problem["loc"] == ["body", "country"] and "ISO 3166" in problem["msg"]
    assert "--country" not in problem["msg"] and "manifest" not in problem["msg"]
    blank = client.post("/api/articles", json={"text": " \n "}, headers=auth)
    (problem,) = blank.json()["detail"]
    assert problem["loc"] == ["body", "text"] and "'body'" not in problem["msg"]
    named = client.post("/api/articles", json={"text": text, "country": "Germany"}, headers=auth)
    assert named.status_code == 201
    with Store(writable[1]) as store:
        assert store.article(named.json()["article_id"]).country == "DE"


def test_a_posted_language_is_checked_as_a_country_is(writable: tuple[TestClient, Path]) -> None:
    client, _ = writable
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = "The ferry operator said on Tuesday that the new timetable would start in June, officials said."
    before = client.get("/api/articles").json()["total"]
    for field, value in (("language", "xx"), ("language", "Elvish"), ("country", "Narnia")):
        refused = client.post("/api/articles", json={"text": text, field: value}, headers=auth)
        assert refused.status_code == 422, (field, value)
        (problem,) = refused.json()["detail"]
        assert problem["loc"] == ["body", field] and repr(value) in problem["msg"]
        assert ("ISO 639-1" if field == "language" else "ISO 3166") in problem["msg"]
    assert client.get("/api/articles").json()["total"] == before  # nothing stored, nothing quarantined
    named = client.post("/api/articles", json={"text": text, "language": "English"}, headers=auth)
    assert named.status_code == 201 and client.get(
        f"/api/articles/{named.json()['article_id']}").json()["language"] == "en"


def test_the_filter_options_say_what_they_count(client: TestClient) -> None:
    tree = assert_safe(client.get("/").text)
    options = [o.text_content() for o in select(tree, "form.filters option") if o.get("value")
               and o.getparent().get("name") in ("outlet", "country", "language")]
    assert options and all(re.search(r"\(\d+ articles?\)$", o) for o in options), options


def test_story_and_article_pages_are_accessible(
    client: TestClient, stories: list[Story], web_db: tuple[Path, str]
) -> None:
    story = biggest(stories)
    tree = assert_safe(client.get(f"/stories/{story.id}").text)
    assert len(tree.xpath("//h1")) == 1
    # The first thing a keyboard reaches skips to the content, and the sections come before the
    # articles' cards.
    focusable = tree.xpath("//a[@href] | //input | //select | //button")
    assert focusable[0].get("href") == "#main" and tree.get_element_by_id("main").tag == "main"
    texts_link = next(n for n, e in enumerate(focusable) if e.get("href") == "#texts")
    first_card = next(n for n, e in enumerate(focusable) if (e.get("href") or "").startswith("#art-"))
    assert texts_link < first_card and texts_link < 20, texts_link
    # An empty cell says what is missing, as in every other table.
    empty = [td.text_content().strip() for td in select(tree, "#framing td.missing")
             + select(tree, "#emphasis td.missing")]
    assert "—" not in empty and all(empty)
    with Store(web_db[0]) as store:
        cited = [a for a in story.article_ids
                 if (e := store.enrichment(a)) and any("_" in s.kind for s in e.sources)]
    assert cited  # a kind of two words, stored with an underscore
    kinds = select(assert_safe(client.get(f"/articles/{cited[0]}").text), "#voices li span.meta")
    assert kinds and not any("_" in k.text_content() for k in kinds)


def test_a_control_character_is_no_empty_filter(client: TestClient) -> None:
    assert client.get("/api/articles?to=%1E").status_code == 422
    assert client.get("/api/articles?to=").status_code == 200


def test_a_filtered_search_marks_whole_words() -> None:
    from parallax.web.pages import _snippet

    assert _snippet("He said again that AI will change work.", ["AI"]).count("\x02") == 1
    assert "\x02AI\x03" in _snippet("He said again that AI will change work.", ["AI"])
    assert "\x02会議\x03" in _snippet("東京で会議が開かれた", ["会議"], {"会議"})
