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

TARGETS = {"text": 500.0, "jsonl": 500.0, "html": 50.0, "enrich": 20.0, "cluster": 500.0, "compare": 3.0}


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


def bench_enrich(articles: list[RealArticle], count: int) -> list[dict[str, object]]:
    """Enrichment with every component on (parse, entities, voices, sources, times, quantities, the
    article vector) on articles of about 600 words, as `parallax enrich` runs it; then again with
    every sentence embedded too (`--sentence-vectors`), which is otherwise left to compare time."""
    from parallax.enrich import Enricher, enrich_store
    from parallax.enrich.pipeline import parse_workers

    chosen = [a for a in articles if 450 <= len(a.text.split()) <= 750]
    chosen = random.Random(11).sample(chosen, min(count, len(chosen)))
    words = sum(len(a.text.split()) for a in chosen) / len(chosen)
    rows: list[dict[str, object]] = []
    for label, sentences_now in (("all on", False), ("all on + sentence vectors", True)):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            with Store(Path(tmp) / "bench.db") as store:
                ingest(write_jsonl(chosen, folder), store=store)
                enricher = Enricher(store=store, sentence_vectors=sentences_now)
                warm = store.articles(limit=1)
                list(enricher.analyze_many(warm))  # load the models before timing
                started = time.perf_counter()
                report = enrich_store(store, enricher=enricher, force=True)
                seconds = time.perf_counter() - started
                sentences = store.execute(
                    "SELECT SUM(json_array_length(data, '$.sentences')) FROM enrichments"
                )
        rate = report.enriched / seconds
        sentence_rate = float(sentences[0][0] or 0) / seconds
        workers = parse_workers(None, report.enriched)
        print(f"  enrich ({label}, {workers} parse processes) {report.enriched:5d} articles ({words:.0f} "
              f"words) in {seconds:6.2f} s: {rate:6.1f}/s, {sentence_rate:.0f} sentences/s "
              f"(target >= {TARGETS['enrich']:.0f} articles/s)", file=sys.stderr)
        rows.append({
            "benchmark": f"enrich (~{words:.0f} words, {label})", "items": report.enriched,
            "stored": report.enriched, "duplicates": 0, "quarantined": 0, "seconds": round(seconds, 2),
            "per_second": round(rate, 1), "sentences_per_second": round(sentence_rate, 1),
            "parse_processes": workers, "target": TARGETS["enrich"],
            "meets_target": rate >= TARGETS["enrich"],
        })
    return rows


def bench_cluster(sizes: tuple[int, ...] = (1_000, 10_000, 100_000)) -> list[dict[str, object]]:
    """Story clustering with the embeddings already computed, at growing sizes.

    The stream is the AllSides articles in date order; larger streams repeat it with fresh ids,
    each repetition dated after the previous one (a corpus spanning more time, as a growing
    archive does), so that the number of open stories stays that of a real stream.
    """
    import dataclasses
    import math

    from parallax.cluster import load_model, rebuild_stories
    from parallax.cluster.incremental import StoryClusterer
    from parallax.cluster.signals import EmbeddingCache, signals_for
    from parallax.enrich.embed import get_embedder
    from parallax.evaluation.clustering import read_allsides

    embedder = get_embedder()
    items = read_allsides(data_root() / "neus_allsides" / "raw_crawled")
    cache_dir = Path(".bench") / "cache"
    cache = EmbeddingCache(embedder, cache_dir)
    base = signals_for([item.article for item in items], cache)
    cache.save()
    days = [s.day for s in base if s.day is not None]
    span = max(days) - min(days) + 30
    model = load_model()
    calibration = model.for_embedder(embedder.name)
    rows: list[dict[str, object]] = []
    first_rate = None
    for size in sizes:
        stream = []
        for n in range(size):
            original = base[n % len(base)]
            copy = n // len(base)
            stream.append(original if not copy else dataclasses.replace(
                original, id=f"{original.id}-{copy}",
                day=None if original.day is None else original.day + copy * span))
        clusterer = StoryClusterer(model, calibration)
        started = time.perf_counter()
        clusterer.add_all(stream)
        # The records belong in the timing: a story's events are derived when they are asked for.
        stories = clusterer.stories()
        seconds = time.perf_counter() - started
        rate = size / seconds
        per_nlogn = seconds / (size * math.log(size)) * 1e6
        first_rate = first_rate or per_nlogn
        print(f"  cluster {size:7d} articles in {seconds:7.2f} s: {rate:7.1f}/s, "
              f"{per_nlogn:.2f} us per n log n ({per_nlogn / first_rate:.2f}x of 1k)", file=sys.stderr)
        rows.append({
            "benchmark": f"cluster {size} (stored vectors)", "items": size, "stored": size, "duplicates": 0,
            "quarantined": 0, "seconds": round(seconds, 2), "per_second": round(rate, 1),
            "us_per_nlogn": round(per_nlogn, 3), "stories": len(stories),
            "target": TARGETS["cluster"], "meets_target": rate >= TARGETS["cluster"],
        })
    # The same, end to end through the store: vectors read back from SQLite, names and dates
    # read from the text (no enrichment), stories written.
    with tempfile.TemporaryDirectory() as tmp:
        chosen = [item.article for item in items[:1000]]
        folder = Path(tmp) / "in"
        folder.mkdir()
        jsonl = folder / "articles.jsonl"
        with jsonl.open("w", encoding="utf-8") as handle:
            for a in chosen:
                handle.write(json.dumps({"title": a.title, "text": a.text, "date": a.published.isoformat()
                                         if a.published else None, "outlet": a.outlet}) + "\n")
        with Store(Path(tmp) / "bench.db") as store:
            ingest([str(jsonl)], store=store)
            rebuild_stories(store)  # computes and stores the vectors
            started = time.perf_counter()
            report = rebuild_stories(store)
            seconds = time.perf_counter() - started
    rate = report.articles / seconds
    print(f"  rebuild_stories {report.articles} stored articles in {seconds:.2f} s: {rate:.1f}/s",
          file=sys.stderr)
    rows.append({
        "benchmark": "parallax cluster, 1000 stored articles", "items": report.articles,
        "stored": report.articles, "duplicates": 0, "quarantined": 0, "seconds": round(seconds, 2),
        "per_second": round(rate, 1), "target": TARGETS["cluster"],
        "meets_target": rate >= TARGETS["cluster"],
    })
    return rows


def bench_compare(articles: list[RealArticle], repeats: int = 3) -> list[dict[str, object]]:
    """Compare a 10-article story once models are loaded and the articles are enriched: the time a
    user waits for `parallax compare --story` (seconds; lower is better)."""
    from parallax.compare.api import compare_stored
    from parallax.compare.framing import clear_phrase_cache
    from parallax.compare.paraphrase import get_judge
    from parallax.enrich import enrich_store

    # Ten news articles of 400-800 words (the size of real reports of one event).
    allsides = [a for a in articles if a.dataset == "basil" and 400 <= len(a.text.split()) <= 800][:10]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        with Store(Path(tmp) / "bench.db") as store:
            ingest(write_jsonl(allsides, folder), store=store)
            enrich_store(store)
            ids = [a.id for a in store.articles()]
            compare_stored(store, ids[:2])  # load the models before timing
            judge = get_judge()  # the paraphrase encoder too, where installed
            if judge is not None:
                judge.load()
            # Cold for what a comparison embeds and keeps: sentences (stored), noun phrases and
            # judged paraphrase pairs (kept in the process); the warm-up must not have made any.
            clear_phrase_cache()
            if judge is not None:
                judge.clear_memo()
            timings = []
            # The first comparison also embeds the sentences of the articles not compared before
            # (they are stored then); later ones read the stored vectors.
            for _ in range(repeats + 1):
                started = time.perf_counter()
                comparison = compare_stored(store, ids)
                timings.append(time.perf_counter() - started)
    first, seconds = timings[0], min(timings[1:])
    words = sum(len(a.text.split()) for a in allsides)
    print(f"  compare {len(ids)} articles ({words} words): first {first:.2f} s, best of {repeats} more "
          f"{seconds:.2f} s, {len(comparison.facts)} facts (target <= {TARGETS['compare']:.0f} s)"
          f"{'' if judge is not None else '; no paraphrase cross-encoder installed'}",
          file=sys.stderr)
    rows: list[dict[str, object]] = []
    labels = (("first time, sentences embedded", first), ("again in the same process, vectors kept", seconds))
    for label, value in labels:
        rows.append({
            "benchmark": f"compare a {len(ids)}-article story, {label} (seconds)", "items": len(ids),
            "stored": len(ids), "duplicates": 0, "quarantined": 0, "seconds": round(value, 2),
            "per_second": round(value, 2), "target": TARGETS["compare"],
            "target_text": f"<= {TARGETS['compare']:.0f} s", "meets_target": value <= TARGETS["compare"],
        })
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--html-sample", type=int, default=1000, help="articles for the HTML reader")
    parser.add_argument("--limit", type=int, default=None, help="use at most this many articles")
    parser.add_argument("--enrich-sample", type=int, default=200, help="articles for the enrichment run")
    parser.add_argument("--only", choices=["ingest", "enrich", "cluster", "compare", "web"], default=None,
                        help="run one part")
    parser.add_argument("--web-seconds", type=float, default=25.0,
                        help="seconds of load per web measurement (50 clients)")
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
    rows: list[dict[str, object]] = []
    if args.only in (None, "ingest"):
        rows += bench_ingest(articles, args.html_sample)
    if args.only in (None, "enrich"):
        rows += bench_enrich(articles, args.enrich_sample)
    if args.only in (None, "cluster"):
        rows += bench_cluster()
    if args.only in (None, "compare"):
        rows += bench_compare(articles)
    web: list[dict[str, object]] = []
    if args.only in (None, "web"):
        from benchmarks.web_bench import bench_web

        web = bench_web(articles, seconds=args.web_seconds)
        rows += web
    stamp = {"date": date.today().isoformat(), "machine": machine(), "results": rows}
    out = Path(".bench")
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    print(f"\n{stamp['date']} · {stamp['machine']}\n")
    throughput = [row for row in rows if row not in web]
    if throughput:
        print("| benchmark | items | seconds | per second | target | met |")
        print("|---|---:|---:|---:|---:|---|")
    for row in throughput:
        print(f"| {row['benchmark']} | {row['items']} | {row['seconds']} | {row['per_second']} | "
              f"{row.get('target_text') or '>= ' + format(row['target'], '.0f')} | "
              f"{'yes' if row['meets_target'] else 'no'} |")
    if web:
        print("\n| benchmark | requests | seconds | requests/s | p50 ms | p99 ms | target | met |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        for row in web:
            print(f"| {row['benchmark']} | {row['items']} | {row['seconds']} | {row['per_second']} | "
                  f"{row.get('p50_ms', '')} | {row.get('p99_ms', '')} | {row['target_text']} | "
                  f"{'yes' if row['meets_target'] else 'no'} |")


if __name__ == "__main__":
    main()
