"""``make bench``: throughput figures on real articles from the shared data, beside their targets.

Prints a Markdown table (with date and machine) to paste into docs/benchmarks.md, and writes the
same figures as JSON to .bench/results.json.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import RealArticle, data_root, real_articles
from parallax.ingest import ingest
from parallax.ingest.language import detect_language
from parallax.store import Store

TARGETS = {"text": 500.0, "jsonl": 500.0, "html": 50.0}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def _caps(title: str) -> str:
    return " ".join(title.upper().split()) or "UNTITLED REPORT"


def write_text(articles: list[RealArticle], folder: Path) -> list[str]:
    for n, a in enumerate(articles):
        day = (a.date or "2021-05-05")[:10]
        (folder / f"{n:05d}.txt").write_text(f" date {day} {_caps(a.title)} {a.text}\n", encoding="utf-8")
    return [str(folder)]


def write_jsonl(articles: list[RealArticle], folder: Path) -> list[str]:
    path = folder / "articles.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for a in articles:
            record = {"title": a.title, "text": a.text, "date": a.date, "outlet": a.outlet}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return [str(path)]


def write_html(articles: list[RealArticle], folder: Path) -> list[str]:
    for n, a in enumerate(articles):
        paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in a.text.split("\n\n") if p.strip())
        page = (
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(a.title)}</title>"
            f"<meta property=\"og:site_name\" content=\"{html.escape(a.outlet or 'Example')}\">"
            f"<meta property=\"article:published_time\" content=\"{a.date or '2021-05-05'}\">"
            "</head><body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><article>"
            f"<h1>{html.escape(a.title)}</h1>{paragraphs}</article>"
            "<footer>Copyright. All rights reserved.</footer></body></html>"
        )
        (folder / f"{n:05d}.html").write_text(page, encoding="utf-8")
    return [str(folder)]


WRITERS: dict[str, Callable[[list[RealArticle], Path], list[str]]] = {
    "text": write_text, "jsonl": write_jsonl, "html": write_html,
}


def bench_ingest(articles: list[RealArticle], html_sample: int) -> list[dict[str, object]]:
    detect_language("warm up the language model before timing")
    rows = []
    for reader, writer in WRITERS.items():
        chosen = articles
        if reader == "html":
            chosen = random.Random(7).sample(articles, min(html_sample, len(articles)))
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            inputs = writer(chosen, folder)
            with Store(Path(tmp) / "bench.db") as store:
                started = time.perf_counter()
                report = ingest(inputs, store=store)
                seconds = time.perf_counter() - started
        rate = report.total / seconds
        rows.append({
            "benchmark": f"ingest {reader}", "items": report.total, "stored": report.stored,
            "duplicates": report.duplicates, "quarantined": report.quarantined,
            "seconds": round(seconds, 2), "per_second": round(rate, 1), "target": TARGETS[reader],
            "meets_target": rate >= TARGETS[reader],
        })
        print(f"  {reader:6} {report.total:5d} items in {seconds:6.2f} s: {rate:7.1f}/s "
              f"(target >= {TARGETS[reader]:.0f}/s)", file=sys.stderr)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--html-sample", type=int, default=1000, help="articles for the HTML reader")
    parser.add_argument("--limit", type=int, default=None, help="use at most this many articles")
    args = parser.parse_args()
    root = data_root()
    if not (root / "fnc1").is_dir():
        sys.exit(f"shared data not found at {root}; set PARALLAX_DATA")
    articles = real_articles(root)
    if args.limit:
        articles = articles[: args.limit]
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    print(f"{len(articles)} real articles (AllSides, BASIL, ECB+, FNC-1), {words:.0f} words on average",
          file=sys.stderr)
    rows = bench_ingest(articles, args.html_sample)
    stamp = {"date": date.today().isoformat(), "machine": machine(), "results": rows}
    out = Path(".bench")
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    print(f"\n{stamp['date']} · {stamp['machine']}\n")
    print("| benchmark | items | seconds | per second | target | met |")
    print("|---|---:|---:|---:|---:|---|")
    for row in rows:
        print(f"| {row['benchmark']} | {row['items']} | {row['seconds']} | {row['per_second']} | "
              f">= {row['target']:.0f} | {'yes' if row['meets_target'] else 'no'} |")


if __name__ == "__main__":
    main()
