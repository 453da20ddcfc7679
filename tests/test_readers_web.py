"""Readers for web inputs (HTML pages, feeds, web archives) and the polite fetcher."""

from __future__ import annotations

import gzip
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from parallax.errors import FetchError, InputError
from parallax.ingest.base import Draft, Item, Rejected, Skipped, Source
from parallax.ingest.feeds import FeedReader
from parallax.ingest.fetch import Fetcher, content_type_parts
from parallax.ingest.html import NO_TEXT, HtmlReader, html_fragment_text, html_to_draft
from parallax.ingest.warc import WarcReader

PARAGRAPHS = (
    "A large container ship ran aground in the canal on Tuesday, blocking traffic in both "
    "directions for several hours while tugs worked to free it.",
    "The canal authority said salvage teams were working around the clock and that the waterway "
    "would reopen as soon as the vessel had been refloated safely.",
    "Shipping analysts warned that the delays could ripple through global supply chains for weeks.",
)
BODY = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
TEXT = "\n\n".join(PARAGRAPHS)

ARTICLE_PAGE = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Ship runs aground in canal | Example News</title>
<link rel="canonical" href="https://news.example.com/2021/03/23/ship-aground">
<meta property="og:title" content="Ship runs aground in canal">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2021-03-23T09:15:00+02:00">
<meta name="author" content="Jane Reporter">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Ship runs aground in canal",
  "dateModified": "2021-03-24T18:00:00Z"}}
</script>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Ship runs aground in canal</h1>
{BODY}
</article>
<footer>Copyright Example News</footer>
</body></html>
"""


def read_all(reader: object, source: Source) -> list[Item]:
    return list(reader.read(source))  # type: ignore[attr-defined]


def source_of(path: Path) -> Source:
    return Source(name=str(path), data=path.read_bytes())


# --- HTML ----------------------------------------------------------------------------------------


def test_html_page_with_article_metadata(tmp_path: Path) -> None:
    path = tmp_path / "ship.html"
    path.write_text(ARTICLE_PAGE, encoding="utf-8")
    reader = HtmlReader()
    assert reader.sniff(source_of(path))

    [draft] = read_all(reader, source_of(path))

    assert isinstance(draft, Draft)
    assert draft.title == "Ship runs aground in canal"
    assert draft.text == TEXT  # headline not repeated, one paragraph per <p>
    assert draft.published == datetime(2021, 3, 23, 9, 15, tzinfo=timezone(timedelta(hours=2)))
    assert isinstance(draft.published, datetime) and draft.published.utcoffset() == timedelta(hours=2)
    assert draft.modified == datetime(2021, 3, 24, 18, 0, tzinfo=UTC)
    assert draft.outlet == "Example News"
    assert draft.byline == "Jane Reporter"
    assert draft.language == "en"
    assert draft.url == "https://news.example.com/2021/03/23/ship-aground"
    assert draft.metadata["hostname"] == "news.example.com"
    assert draft.metadata["date_source"] == "markup"
    assert draft.raw == path.read_bytes()
    assert draft.raw_media_type == "text/html"


def test_saved_page_with_only_a_date_in_its_text(tmp_path: Path) -> None:
    page = f"""<!DOCTYPE html>
<!-- saved from url=(0046)https://www.example.org/local/budget-approved -->
<html><head><title>Budget approved</title></head><body>
<article><h1>Budget approved</h1><p class="date">Published 5 May 2021</p>
<p>The council voted on Monday to approve the new budget after a long debate about schools and
roads, with twelve members in favour and three against.</p>{BODY}</article></body></html>"""
    path = tmp_path / "saved.htm"
    path.write_text(page, encoding="utf-8")

    [draft] = read_all(HtmlReader(), source_of(path))

    assert isinstance(draft, Draft)
    assert draft.published == date(2021, 5, 5)
    assert not isinstance(draft.published, datetime)  # only the day is known
    assert draft.metadata["date_source"] == "estimated"
    assert draft.url == "https://www.example.org/local/budget-approved"
    assert draft.title == "Budget approved"
    assert "twelve members in favour" in draft.text


def test_index_page_is_rejected(tmp_path: Path) -> None:
    links = "".join(f'<li><a href="/story/{i}">Story number {i} headline</a></li>' for i in range(30))
    page = f"<!doctype html><html><head><title>News</title></head><body><ul>{links}</ul></body></html>"
    path = tmp_path / "index.html"
    path.write_text(page, encoding="utf-8")

    assert read_all(HtmlReader(), source_of(path)) == [Rejected(str(path), NO_TEXT)]


def test_html_charset_is_respected_and_bad_bytes_are_rejected() -> None:
    page = f'<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head><body>{BODY}</body></html>'
    draft = html_to_draft(page.encode("cp1252"), origin="p", url=None)
    assert isinstance(draft, Draft) and draft.title == "Caf\u00e9"

    bad = b'<html><head><meta charset="utf-8"></head><body>\xff\xfe</body>'
    broken = html_to_draft(bad, origin="b", url=None)
    assert isinstance(broken, Rejected)
    assert "utf-8" in broken.reason and "--encoding" in broken.reason


def test_html_sniff() -> None:
    reader = HtmlReader()
    assert reader.sniff(Source("page", b"\xef\xbb\xbf \n<!-- saved --><!DOCTYPE HTML><html>"))
    assert reader.sniff(Source("page", b"  <HTML lang=fr>"))
    assert not reader.sniff(Source("feed", b"<?xml version='1.0'?><rss version='2.0'>"))
    assert reader.sniff(Source("x.XHTML", b""))


def test_fragment_text_keeps_paragraphs() -> None:
    markup = "<p>One <b>bold</b>\n word</p><p>Two<br>lines</p><script>x()</script><!-- c -->end"
    text = html_fragment_text(markup)
    assert text == "One bold word\n\nTwo\nlines\n\nend"


# --- Feeds ---------------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Example World</title><link>https://example.com/</link><language>en-us</language>
<item><title>First story</title><link>https://example.com/1</link><guid>id-1</guid>
<pubDate>Tue, 23 Mar 2021 09:15:00 +0200</pubDate><category>Shipping</category>
<description>Short teaser.</description>
<content:encoded><![CDATA[<p>Full first paragraph.</p><p>Full second paragraph.</p>]]></content:encoded>
</item>
<item><title>Second story</title><link>https://example.com/2</link>
<pubDate>Wed, 24 Mar 2021 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Second summary.&lt;/p&gt;</description></item>
<item><title>Third story</title><link>https://example.com/3</link>
<pubDate>Thu, 25 Mar 2021 11:30:00 -0500</pubDate><description>Third summary.</description></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
<title>Exemple Actu</title><id>urn:feed</id><updated>2021-05-06T08:00:00Z</updated>
<entry><title>Le port rouvre</title><id>urn:entry:1</id>
<link href="https://exemple.fr/port"/>
<published>2021-05-06T07:45:00+02:00</published><updated>2021-05-06T09:00:00+02:00</updated>
<author><name>Marie Dupont</name></author>
<summary>Résumé court.</summary>
<content type="html">&lt;p&gt;Le port a rouvert mardi.&lt;/p&gt;
&lt;p&gt;Les navires repartent.&lt;/p&gt;</content>
</entry></feed>
"""


def test_rss_feed_gives_one_draft_per_entry(tmp_path: Path) -> None:
    path = tmp_path / "world.rss"
    path.write_text(RSS, encoding="utf-8")
    source = source_of(path)
    reader = FeedReader()
    assert reader.sniff(source)

    items = read_all(reader, source)

    drafts = [d for d in items if isinstance(d, Draft)]
    assert len(drafts) == len(items) == 3
    assert [d.title for d in drafts] == ["First story", "Second story", "Third story"]
    assert [d.url for d in drafts] == [f"https://example.com/{i}" for i in (1, 2, 3)]
    assert [d.origin for d in drafts] == [f"{path}#{i}" for i in (1, 2, 3)]
    assert [d.published for d in drafts] == [
        datetime(2021, 3, 23, 7, 15, tzinfo=UTC),
        datetime(2021, 3, 24, 10, 0, tzinfo=UTC),
        datetime(2021, 3, 25, 16, 30, tzinfo=UTC),
    ]
    # Each keeps the zone it was written in: its day is the publisher's day.
    assert [str(d.published.utcoffset()) for d in drafts if isinstance(d.published, datetime)] == [
        "2:00:00", "0:00:00", "-1 day, 19:00:00"]
    first = drafts[0]
    assert first.text == "Full first paragraph.\n\nFull second paragraph."  # content beats the teaser
    assert first.outlet == "Example World"
    assert first.language == "en"
    assert first.raw == source.data
    assert first.raw_media_type == "application/rss+xml"
    assert first.metadata["entry_id"] == "id-1"
    assert first.metadata["tags"] == ["Shipping"]
    assert first.metadata["feed_title"] == "Example World"
    assert first.modified is None  # RSS has no update time; it must not echo pubDate
    assert drafts[1].text == "Second summary."


def test_atom_feed_with_content(tmp_path: Path) -> None:
    path = tmp_path / "actu.atom"
    path.write_text(ATOM, encoding="utf-8")

    [draft] = read_all(FeedReader(), source_of(path))

    assert isinstance(draft, Draft)
    assert draft.text == "Le port a rouvert mardi.\n\nLes navires repartent."
    assert draft.title == "Le port rouvre"
    assert draft.url == "https://exemple.fr/port"
    assert draft.published == datetime(2021, 5, 6, 5, 45, tzinfo=UTC)
    assert isinstance(draft.published, datetime) and str(draft.published.utcoffset()) == "2:00:00"
    assert draft.modified == datetime(2021, 5, 6, 7, 0, tzinfo=UTC)
    assert draft.byline == "Marie Dupont"
    assert draft.outlet == "Exemple Actu"
    assert draft.language == "fr"  # from the feed's xml:lang
    assert draft.raw_media_type == "application/atom+xml"


def test_broken_feed_raises_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_bytes(b"<?xml version='1.0'?>\n<rss version='2.0'><channel><title>Cut")
    source = source_of(path)
    assert FeedReader().sniff(source)
    with pytest.raises(InputError, match="cannot parse the feed"):
        read_all(FeedReader(), source)


def test_entries_without_text_are_rejected() -> None:
    feed = b"""<rss version="2.0"><channel><title>T</title>
<item><title>Only a title</title></item>
<item><title>Title and link</title><link>https://example.com/x</link></item>
</channel></rss>"""
    items = read_all(FeedReader(), Source("f.rss", feed))
    assert [type(i) for i in items] == [Rejected, Rejected]
    assert items[0] == Rejected("f.rss#1", "entry has neither text nor a link to the article")
    assert isinstance(items[1], Rejected) and "--follow" in items[1].reason


# --- A local web server --------------------------------------------------------------------------


@dataclass
class Site:
    base: str
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits.append(self.path)
            missing = (404, {"Content-Type": "text/plain"}, b"gone")
            status, headers, body = state.routes.get(self.path, missing)
            self.send_response(status)
            for key, value in headers.items():
                if key != "X-No-Length":
                    self.send_header(key, value)
            if "X-No-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def local_fetcher(**options: object) -> Fetcher:
    settings: dict[str, object] = {"allow_private": True, "min_interval": 0.0, "timeout": 5.0}
    settings.update(options)
    return Fetcher(**settings)  # type: ignore[arg-type]


HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_follow_fetches_the_linked_page(site: Site) -> None:
    site.routes["/story"] = (200, HTML, ARTICLE_PAGE.encode("utf-8"))
    feed = f"""<rss version="2.0"><channel><title>Example World</title>
<item><title>Feed title</title><link>{site.base}/story</link>
<pubDate>Tue, 23 Mar 2021 07:15:00 GMT</pubDate><description>Teaser only.</description></item>
</channel></rss>""".encode()

    [draft] = read_all(FeedReader(follow=True, fetcher=local_fetcher()), Source("w.rss", feed))

    assert isinstance(draft, Draft)
    assert draft.text == TEXT
    assert draft.title == "Ship runs aground in canal"
    assert draft.outlet == "Example World"
    assert draft.metadata["site_name"] == "Example News"
    assert draft.metadata["feed_link"] == f"{site.base}/story"
    assert draft.raw_media_type == "text/html"
    assert draft.origin == "w.rss#1"
    assert "/story" in site.hits and "/robots.txt" in site.hits


def test_follow_falls_back_to_the_entry_when_the_link_fails(site: Site) -> None:
    feed = f"""<rss version="2.0"><channel><title>Example World</title>
<item><title>Feed title</title><link>{site.base}/missing</link>
<description>The teaser is all we have.</description></item></channel></rss>""".encode()

    [draft] = read_all(FeedReader(follow=True, fetcher=local_fetcher()), Source("w.rss", feed))

    assert isinstance(draft, Draft)
    assert draft.text == "The teaser is all we have."
    assert draft.title == "Feed title"
    assert draft.raw_media_type == "application/rss+xml"
    assert "404" in draft.metadata["follow_error"]


# --- WARC ----------------------------------------------------------------------------------------


def _http(status: str, content_type: str) -> StatusAndHeaders:
    return StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")


def write_warc(records: list[tuple[str, str, bytes, StatusAndHeaders | None]], *, gz: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    for kind, uri, payload, http in records:
        extra = {"warc_content_type": "application/http; msgtype=request"} if kind == "request" else {}
        record = writer.create_warc_record(
            uri,
            kind,
            payload=io.BytesIO(payload),
            http_headers=http,
            warc_headers_dict={"WARC-Date": "2021-03-23T10:00:00Z"},
            **extra,
        )
        writer.write_record(record)
    return buffer.getvalue()


def test_warc_yields_the_html_response_and_skips_the_rest(tmp_path: Path) -> None:
    page = ARTICLE_PAGE.encode("utf-8")
    uri = "https://news.example.com/ship"
    request = b"GET /ship HTTP/1.1\r\nHost: news.example.com\r\n\r\n"
    data = write_warc(
        [
            ("request", uri, request, None),
            ("response", uri, page, _http("200 OK", "text/html; charset=utf-8")),
            ("response", f"{uri}.png", b"\x89PNG\r\n\x1a\n0000", _http("200 OK", "image/png")),
        ],
        gz=True,
    )
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data)
    reader = WarcReader()
    assert reader.sniff(source_of(path))

    items = read_all(reader, source_of(path))

    drafts = [i for i in items if isinstance(i, Draft)]
    assert len(drafts) == 1
    assert [i for i in items if not isinstance(i, Draft)] == [
        Skipped("warc request record"),
        Skipped("warc non-html response"),
    ]
    draft = drafts[0]
    assert draft.origin == f"{path}#2"
    assert draft.text == TEXT
    assert draft.raw == page
    assert draft.url == "https://news.example.com/2021/03/23/ship-aground"  # canonical beats target URI
    assert draft.metadata["crawled"] == "2021-03-23T10:00:00Z"
    assert items == list(reader.read_path(path))  # streaming from the file gives the same


def test_warc_http_errors_are_skipped() -> None:
    data = write_warc(
        [("response", "https://x.example/", b"<html>Not found</html>", _http("404 Not Found", "text/html"))],
        gz=False,
    )
    assert read_all(WarcReader(), Source("e.warc", data)) == [Skipped("warc http error response")]


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_warc_gives_what_was_read_then_rejected(gz: bool) -> None:
    html = _http("200 OK", "text/html")
    data = write_warc(
        [
            ("response", "https://x.example/1", ARTICLE_PAGE.encode(), html),
            ("response", "https://x.example/2", ARTICLE_PAGE.encode(), html),
        ],
        gz=gz,
    )
    cut = data[: len(data) - 200]

    items = read_all(WarcReader(), Source("cut.warc", cut))

    assert len(items) == 2
    assert isinstance(items[0], Draft) and items[0].url == "https://news.example.com/2021/03/23/ship-aground"
    assert isinstance(items[1], Rejected)
    assert items[1].origin == "cut.warc#2"
    assert items[1].reason.startswith("archive is truncated or corrupt after record 1: ")
    # the complete archive reads without complaint
    assert [type(i) for i in read_all(WarcReader(), Source("whole.warc", data))] == [Draft, Draft]


def test_gzip_cut_inside_the_first_record() -> None:
    record = ("response", "https://x.example/1", ARTICLE_PAGE.encode(), _http("200 OK", "text/html"))
    data = write_warc([record], gz=True)
    assert gzip.decompress(data)  # sanity: a valid gzip archive
    [item] = read_all(WarcReader(), Source("c.warc.gz", data[:300]))
    assert isinstance(item, Rejected) and "after record 0" in item.reason


# --- Fetcher -------------------------------------------------------------------------------------


def test_fetcher_refuses_private_addresses_by_default(site: Site) -> None:
    site.routes["/page"] = (200, HTML, b"<html></html>")
    with pytest.raises(FetchError, match="--allow-private"):
        Fetcher(min_interval=0).fetch(f"{site.base}/page")
    assert site.hits == []  # refused before any request
    fetched = local_fetcher().fetch(f"{site.base}/page")
    assert fetched.data == b"<html></html>"
    assert fetched.media_type == "text/html" and fetched.encoding == "utf-8"
    assert fetched.name == fetched.url == f"{site.base}/page"


def test_fetcher_follows_a_bounded_number_of_redirects(site: Site) -> None:
    for n in range(1, 4):
        site.routes[f"/r{n}"] = (302, {"Location": f"/r{n - 1}"}, b"")
    site.routes["/r0"] = (200, HTML, b"landed")

    fetched = local_fetcher(max_redirects=3).fetch(f"{site.base}/r3")
    assert fetched.data == b"landed"
    assert fetched.url == f"{site.base}/r0"
    assert fetched.name == f"{site.base}/r3"

    with pytest.raises(FetchError, match="more than 2 times"):
        local_fetcher(max_redirects=2).fetch(f"{site.base}/r3")


def test_fetcher_enforces_max_bytes(site: Site) -> None:
    site.routes["/big"] = (200, HTML, b"x" * 5000)
    site.routes["/stream"] = (200, {**HTML, "X-No-Length": "1"}, b"y" * 5000)
    site.routes["/small"] = (200, HTML, b"z" * 900)
    fetcher = local_fetcher(max_bytes=1000)

    with pytest.raises(FetchError, match="larger than 1000 bytes; raise --max-fetch-bytes"):
        fetcher.fetch(f"{site.base}/big")
    with pytest.raises(FetchError, match="larger than"):
        fetcher.fetch(f"{site.base}/stream")  # no Content-Length: caught while reading
    assert fetcher.fetch(f"{site.base}/small").data == b"z" * 900


def test_fetcher_honours_robots_txt(site: Site) -> None:
    site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private\n")
    site.routes["/private/a"] = (200, HTML, b"secret")
    site.routes["/public"] = (200, HTML, b"open")
    fetcher = local_fetcher()

    with pytest.raises(FetchError, match=r"robots\.txt of 127\.0\.0\.1:\d+ disallows"):
        fetcher.fetch(f"{site.base}/private/a")
    assert fetcher.fetch(f"{site.base}/public").data == b"open"
    assert "/private/a" not in site.hits
    assert site.hits.count("/robots.txt") == 1  # cached per host
    assert local_fetcher(respect_robots=False).fetch(f"{site.base}/private/a").data == b"secret"


def test_fetcher_reports_http_errors(site: Site) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        local_fetcher().fetch(f"{site.base}/nothing")


def test_fetcher_rate_limits_each_host(site: Site) -> None:
    site.routes["/a"] = (200, HTML, b"a")
    now = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    fetcher = local_fetcher(min_interval=2.0, respect_robots=False, clock=lambda: now[0], sleep=sleep)
    fetcher.fetch(f"{site.base}/a")
    assert sleeps == []
    now[0] += 0.5
    fetcher.fetch(f"{site.base}/a")
    assert sleeps == [pytest.approx(1.5)]
    now[0] += 10.0
    fetcher.fetch(f"{site.base}/a")
    assert sleeps == [pytest.approx(1.5)]  # enough time had passed
    assert site.hits == ["/a", "/a", "/a"]


@pytest.mark.parametrize("url", ["ftp://example.com/file.txt", "file:///etc/passwd", "/relative/path"])
def test_fetcher_refuses_other_schemes(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        Fetcher().fetch(url)


def test_content_type_parts() -> None:
    assert content_type_parts('Text/HTML; Charset="ISO-8859-1"') == ("text/html", "ISO-8859-1")
    assert content_type_parts(None) == (None, None)


def test_a_fetched_page_is_read_by_its_media_type_and_charset(site: Site, tmp_path: Path) -> None:
    # No suffix in the URL and no charset in the page: the server's Content-Type says both.
    from parallax.ingest import ingest
    from parallax.store import Store

    body = ("<meta charset><head><title>Caf\xe9 reopens</title></head><body><article><h1>Caf\xe9 "
            "reopens</h1><p>The caf\xe9 on the square reopened on Monday after a year of repairs, "
            "its owner said, and the town's mayor came to the first coffee of the morning.</p>"
            "</article></body>").encode("latin-1")
    site.routes["/news/42"] = (200, {"Content-Type": "text/html; charset=iso-8859-1"}, body)
    with Store(tmp_path / "fetched.db") as store:
        report = ingest([site.base + "/news/42"], store=store, allow_private=True)
        assert report.stored == 1, [(i.input, i.reason) for i in report.items]
        assert "The café on the square" in store.articles()[0].text


def test_feed_links_are_resolved_and_atom_updated_dates_an_entry(tmp_path: Path) -> None:
    feed = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Wire</title>'
            b'<link href="https://harbour.example/"/><entry><title>Port reopens</title>'
            b'<link href="/news/1"/><id>n1</id><updated>2021-05-06T07:00:00Z</updated>'
            b"<content>The port reopened on Tuesday.</content></entry></feed>")
    path = tmp_path / "wire.atom"
    path.write_bytes(feed)
    [draft] = read_all(FeedReader(), source_of(path))
    assert isinstance(draft, Draft)
    assert draft.url == "https://harbour.example/news/1"
    assert draft.published == datetime(2021, 5, 6, 7, 0, tzinfo=UTC)


def test_html_in_a_json_text_field_is_read_as_html() -> None:
    from parallax.ingest.jsonfeed import record_to_draft

    record = {"text": "<p>Fish &amp; chips sold out.</p><script>alert(1)</script><p>Queues formed.</p>"}
    draft = record_to_draft(record, origin="x.json", raw=b"")
    assert isinstance(draft, Draft)
    assert draft.text == "Fish & chips sold out.\n\nQueues formed."
    plain = record_to_draft({"text": "Prices rose as a < b held."}, origin="y.json", raw=b"")
    assert isinstance(plain, Draft) and plain.text == "Prices rose as a < b held."
    # A report that quotes a tag is text: only paragraph markup makes a field HTML.
    quoted = record_to_draft({"text": "The attack hid <script> tags in comments."}, origin="z.json", raw=b"")
    assert isinstance(quoted, Draft) and quoted.text == "The attack hid <script> tags in comments."


def test_a_feed_date_after_midnight_in_its_own_zone_keeps_its_day(tmp_path: Path) -> None:
    path = tmp_path / "late.rss"
    path.write_text("""<rss version="2.0"><channel><title>Seoul Daily</title>
<item><title>Late</title><pubDate>Tue, 05 Oct 2021 00:30:00 +0900</pubDate>
<description>The council met shortly after midnight on Tuesday.</description></item>
</channel></rss>""", encoding="utf-8")
    [draft] = read_all(FeedReader(), source_of(path))
    assert isinstance(draft, Draft) and isinstance(draft.published, datetime)
    assert draft.published.date().isoformat() == "2021-10-05"  # not Monday 4 October, as in UTC


def test_a_feed_date_in_a_named_us_zone_keeps_its_offset(tmp_path: Path) -> None:
    path = tmp_path / "late.rss"
    path.write_text("""<rss version="2.0"><channel><title>Capital Daily</title>
<item><title>Late</title><pubDate>Tue, 05 Oct 2021 23:30:00 EDT</pubDate>
<description>The council met late on Tuesday.</description></item>
</channel></rss>""", encoding="utf-8")
    [draft] = read_all(FeedReader(), source_of(path))
    assert isinstance(draft, Draft) and isinstance(draft.published, datetime)
    assert draft.published.isoformat() == "2021-10-05T23:30:00-04:00"
