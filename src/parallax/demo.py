"""The demo: the main job on the bundled sample story, written for this project."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from parallax.cluster import rebuild_stories
from parallax.compare.api import compare_stored
from parallax.enrich import enrich_store
from parallax.errors import ParallaxError
from parallax.ingest import ingest
from parallax.render.html import render_html
from parallax.render.terminal import print_summary, short_time
from parallax.store import Store


@dataclass(frozen=True, slots=True)
class DemoResult:
    db: Path
    articles_json: Path
    stored: int
    quarantined: int
    report_html: Path | None = None
    comparison_json: Path | None = None
    story_id: str | None = None


def sample_dir() -> Path:
    """The folder of the bundled sample corpus (a real folder: the package is installed unzipped)."""
    return Path(str(resources.files("parallax.samples")))


def run_demo(out_dir: Path, *, console: Console | None = None) -> DemoResult:
    console = console or Console()
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "parallax.db"
    # A fresh store each time, so the demo shows the same account on every run.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    samples = sample_dir()
    with Store(db) as store:
        report = ingest([], store=store, manifest=samples / "manifest.csv")
        enriched = enrich_store(store)
        console.print(
            f"Ingested the sample story: {report.stored} stored, {report.duplicates} duplicates, "
            f"{report.quarantined} quarantined; {enriched.enriched} enriched"
        )
        found = store.articles()
        problems = store.quarantine()
        stories = rebuild_stories(store)
        story = max(store.stories(), key=lambda s: (len(s.article_ids), s.id))
        comparison = compare_stored(store, list(story.article_ids))
    if problems:
        details = "; ".join(f"{p.input}: {p.reason}" for p in problems)
        raise ParallaxError(f"the demo could not read its own sample ({details}); reinstall with `make demo`")
    table = Table(title="Sample articles")
    table.add_column("outlet")
    table.add_column("cc")
    table.add_column("published", no_wrap=True)
    table.add_column("title", ratio=1)
    for a in found:
        note = f" (syndicated copy of {a.syndicated_of[:8]})" if a.syndicated_of else ""
        table.add_row(
            escape(a.outlet or ""), escape(a.country or ""), short_time(a.published),
            escape(a.heading or "(no headline)") + note
        )
    console.print(table)
    console.print(
        f"Clustered into {stories.stories} stories; comparing the largest: {story.title!r} "
        f"({len(story.article_ids)} articles, {story.independent_outlets} independent outlets)"
    )
    data = comparison.to_json()
    print_summary(console, data)
    report_html = out_dir / "report.html"
    report_html.write_text(render_html(data), encoding="utf-8")
    comparison_json = out_dir / "comparison.json"
    comparison_json.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    articles_json = out_dir / "articles.json"
    articles_json.write_text(
        json.dumps([a.summary() for a in found], ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return DemoResult(
        db=db,
        articles_json=articles_json,
        stored=report.stored,
        quarantined=report.quarantined,
        report_html=report_html,
        comparison_json=comparison_json,
        story_id=story.id,
    )
