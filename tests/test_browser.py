"""The story page in a real browser: Debian's Chromium, driven by Playwright, never a downloaded build.

The app runs under uvicorn on a free loopback port over the bundled sample story. The page must
show the coverage matrix (a row per fact, a column per outlet, the outlets' own wording), log no
console errors or Content Security Policy violations, and fetch nothing from another host. A
screenshot goes to ``$PARALLAX_SCREENSHOTS/story.png`` (default ``build/screenshots/story.png``).

Without Chromium or Playwright the test is skipped, unless ``PARALLAX_REQUIRE_BROWSER`` is set
(as in CI and ``make test`` once Chromium is installed): then it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest

from parallax.store import Store

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
#: Seconds the first request of a story may take: its comparison is computed then, and cached.
FIRST_REQUEST_TIMEOUT = 180.0


def chromium_path() -> str | None:
    configured = os.environ.get("PARALLAX_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).is_file():
            return candidate
    return shutil.which("chromium")


def screenshot_path() -> Path:
    folder = os.environ.get("PARALLAX_SCREENSHOTS")
    return (Path(folder) if folder else ROOT / "build" / "screenshots") / "story.png"


def _missing(reason: str) -> NoReturn:
    """Skip for a missing browser, or fail where a browser is required (CI)."""
    if os.environ.get("PARALLAX_REQUIRE_BROWSER"):
        pytest.fail(f"{reason}, and PARALLAX_REQUIRE_BROWSER is set")
    pytest.skip(reason)


@dataclass(frozen=True, slots=True)
class Served:
    base_url: str
    story_id: str
    outlets: tuple[str, ...]


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="module")
def served(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The app on a copy of the sample store, served by uvicorn in a background thread."""
    import uvicorn

    from parallax.web import create_app

    db = tmp_path_factory.mktemp("browser") / "parallax.db"
    shutil.copyfile(sample_db, db)
    with Store(db) as store:
        story = max(store.stories(), key=lambda s: (len(s.article_ids), s.id))
        outlets = tuple(dict.fromkeys(a.outlet or "" for a in store.articles(ids=list(story.article_ids))))
    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(db), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    base_url = f"http://127.0.0.1:{port}"
    try:
        # The first request computes the comparison and caches it; later ones read the cache.
        with urllib.request.urlopen(f"{base_url}/api/stories/{story.id}/comparison",
                                    timeout=FIRST_REQUEST_TIMEOUT) as response:
            assert response.status == 200
            json.loads(response.read())
        yield Served(base_url, story.id, outlets)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        _missing("Chromium not found (install Debian's `chromium` package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


# Collects Content Security Policy violations the page reports, from the first script on.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def test_story_page_shows_the_coverage_matrix(browser: Any, served: Served) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        check_story_page(page, served)
    finally:
        page.close()


def check_story_page(page: Any, served: Served) -> None:
    problems: list[str] = []
    requested: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            where = message.location.get("url", "")
            problems.append(f"console {message.type}: {message.text} ({where})")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url} ({request.failure})"))
    page.on("request", lambda request: requested.append(request.url))
    page.add_init_script(CSP_LISTENER)

    response = page.goto(f"{served.base_url}/stories/{served.story_id}", wait_until="load",
                         timeout=FIRST_REQUEST_TIMEOUT * 1000)
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")

    matrix = page.locator("#coverage-matrix")
    matrix.wait_for(state="visible")
    target = screenshot_path()  # taken first, so that a failure below can be looked at
    target.parent.mkdir(parents=True, exist_ok=True)
    # What a reader sees on arriving at the matrix; the whole page goes beside it.
    matrix.scroll_into_view_if_needed()
    page.screenshot(path=str(target))
    page.screenshot(path=str(target.with_name("story-full.png")), full_page=True)
    assert target.stat().st_size > 0
    assert matrix.is_visible()
    rows = matrix.locator("tbody tr")
    assert rows.count() >= 1, "the coverage matrix has no fact rows"
    header = matrix.locator("thead tr").first if matrix.locator("thead tr").count() else rows.first
    header_text = header.inner_text()
    assert header.locator("th, td").count() >= len(served.outlets)
    for outlet in served.outlets:
        assert outlet in header_text, f"no column for {outlet!r} in the coverage matrix"
    cells = [text.strip() for text in matrix.locator("tbody td").all_inner_texts()]
    # The outlets' own wording of the event, and the facts some outlets leave out.
    assert any(word in cell for cell in cells for word in ("Marenburg", "Saren", "Estravia")), cells[:20]
    assert any("not reported" in cell.lower() for cell in cells)

    violations = page.evaluate("window.__cspViolations")
    assert violations == [], violations
    assert problems == [], problems
    server = urlsplit(served.base_url).netloc
    elsewhere = [url for url in requested
                 if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).netloc != server]
    assert elsewhere == [], f"the page fetched from other hosts: {elsewhere}"


#: Where the charts' marks and lane labels lie, per chart, as the page is first shown.
CHART_LAYOUT = """
() => [...document.querySelectorAll('.lane-chart')].map((box) => {
  const frame = box.getBoundingClientRect();
  const plot = box.querySelector('svg:not(.lanes)');
  const marks = [...plot.querySelectorAll('circle, rect.tl-mark')].map((m) => m.getBoundingClientRect());
  const label = box.querySelector('svg.lanes .lane-label').getBoundingClientRect();
  return {section: box.closest('section').id, left: frame.left, right: frame.right,
          scrolls: box.scrollWidth > box.clientWidth, label: {x: label.x, height: label.height},
          latest: Math.max(...marks.map((m) => m.right)), visible: marks.filter(
            (m) => m.left >= label.right && m.right <= frame.right).length};
})
"""


def test_charts_are_readable_on_a_phone(browser: Any, served: Served) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        response = page.goto(f"{served.base_url}/stories/{served.story_id}", wait_until="load",
                             timeout=FIRST_REQUEST_TIMEOUT * 1000)
        assert response is not None and response.status == 200
        charts = page.evaluate(CHART_LAYOUT)
        page.locator("#coverage-time").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_path().with_name("story-phone-charts.png")))
        assert {c["section"] for c in charts} >= {"coverage-time"}, charts
        for chart in charts:
            # Lane labels at a size one can read, and marks in view as the page opens: a chart
            # wider than the screen opens at its latest dates.
            assert chart["label"]["height"] >= 9.5, chart
            assert chart["visible"] >= 1 and chart["latest"] <= chart["right"] + 1, chart
        # The outlets' labels stay put while the plot scrolls under them.
        for number, chart in enumerate(charts):
            if not chart["scrolls"]:
                continue
            page.evaluate(f"document.querySelectorAll('.lane-chart')[{number}].scrollLeft = -100000")
            moved = page.evaluate(CHART_LAYOUT)[number]
            assert moved["label"]["x"] == pytest.approx(chart["label"]["x"], abs=1), (chart, moved)
            assert moved["latest"] > chart["right"], "the plot did not scroll"
    finally:
        page.close()
