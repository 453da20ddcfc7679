"""Web serving: latency and throughput of `parallax serve` over a store of 10,000 articles.

The store holds the real articles of the shared data (read from ``$PARALLAX_DATA``, nothing is
copied into the project), topped up to 10,000 with copies of real articles under fresh ids (each
copy ends with a line naming it, and is dated after the real stream, as a growing archive is), plus
the bundled sample story, enriched. Articles are ingested without enrichment and clustered into
stories from their vectors (computed once and kept in ``.bench/cache``). The store is built once and
kept in ``build/web-bench/`` under a version; every run works on a fresh copy of it.

The server is `parallax serve` in its own process (uvicorn, one worker process). A story's
comparison is computed on its first request (its articles enriched, then compared) and cached in
the store; the benchmark warms the stories it uses, timing those first requests, then a load
generator in another process runs 50 concurrent clients (httpx, one event loop) against the story
page and the comparison API, and again against the story page while a third process ingests
articles into the same store.

Run alone: ``python benchmarks/web_bench.py``; as part of ``make bench``: ``benchmarks/run.py --only web``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import ROOT, RealArticle, data_root, real_articles

#: Bump when the way the store is built changes: a store built by another version is rebuilt.
STORE_VERSION = 1
WORK = ROOT / "build" / "web-bench"
TARGET_P99_MS = 200.0
SAMPLE_ARTICLE = "2be6cc2214ad20c7"  # the sample's first report (Meridian Courier News)


# -- the store ---------------------------------------------------------------------------------


def _shift(day: str | None, days: int) -> str | None:
    if not day or not days:
        return day
    try:
        return (date.fromisoformat(day[:10]) + timedelta(days=days)).isoformat()
    except ValueError:
        return day


def synthetic_records(articles: list[RealArticle], count: int, label: str) -> list[dict[str, Any]]:
    """``count`` copies of real articles with fresh ids: copy ``k`` of an article ends with a line
    naming it and is dated ``k`` spans of the real stream later (undated articles stay undated)."""
    days = [date.fromisoformat(a.date[:10]) for a in articles if a.date and _iso(a.date)]
    span = (max(days) - min(days)).days + 30 if days else 0
    records = []
    for n in range(count):
        original = articles[n % len(articles)]
        copy = n // len(articles) + 1
        records.append({
            "title": original.title, "outlet": original.outlet, "date": _shift(original.date, copy * span),
            "text": f"{original.text}\n\n({label} {copy}, item {n}.)",
        })
    return records


def _iso(value: str) -> bool:
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def _write_jsonl(records: list[dict[str, Any]], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _log(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def build_store(articles: list[RealArticle], size: int) -> tuple[Path, dict[str, Any]]:
    """The benchmark store of ``size`` articles plus the sample story, built once per version."""
    from parallax.cluster import rebuild_stories
    from parallax.cluster.signals import EmbeddingCache, body_of, lead_of
    from parallax.cluster.stories import BODY_KIND
    from parallax.demo import sample_dir
    from parallax.enrich import enrich_store
    from parallax.enrich.embed import get_embedder
    from parallax.ingest import ingest
    from parallax.store import Store

    path = WORK / f"store-v{STORE_VERSION}-{size}.db"
    info_path = path.with_suffix(".json")
    if path.is_file() and info_path.is_file():
        return path, dict(json.loads(info_path.read_text(encoding="utf-8")))
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    real: list[RealArticle] = []
    seen: set[str] = set()
    for article in articles:
        if article.text not in seen and len(real) < size:
            seen.add(article.text)
            real.append(article)
    records = [{"title": a.title, "text": a.text, "date": a.date, "outlet": a.outlet} for a in real]
    records += synthetic_records(real, size - len(real), "Archive copy")
    partial = path.with_suffix(".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp, Store(partial) as store:
        report = ingest([str(_write_jsonl(records, Path(tmp) / "articles.jsonl"))], store=store)
        ingested = time.perf_counter()
        _log(f"ingested {report.stored} articles ({len(real)} real, {size - len(real)} copies) "
             f"in {ingested - started:.1f} s, no enrichment")
        # Vectors for story linking, kept across store versions in the benchmarks' cache.
        embedder = get_embedder()
        cache = EmbeddingCache(embedder, ROOT / ".bench" / "cache")
        stored = store.articles()
        leads = cache.embed([lead_of(a.title, a.text) for a in stored])
        bodies = cache.embed([body_of(a.text) for a in stored])
        cache.save()
        with store.transaction():
            for stored_article, lead, body in zip(stored, leads, bodies, strict=True):
                store.save_vectors(stored_article.id, "article", embedder.name, lead)
                store.save_vectors(stored_article.id, BODY_KIND, embedder.name, body)
        embedded = time.perf_counter()
        _log(f"vectors for {len(stored)} articles in {embedded - ingested:.1f} s")
        sample = ingest([], store=store, manifest=sample_dir() / "manifest.csv")
        sample_ids = [item.article_id for item in sample.items if item.article_id]
        enrich_store(store, ids=sample_ids)
        clustered = rebuild_stories(store)
        seconds = time.perf_counter() - embedded
        _log(f"sample story ingested and enriched; {clustered.articles} articles clustered into "
             f"{clustered.stories} stories in {seconds:.1f} s")
        demo = next(s for s in store.stories() if SAMPLE_ARTICLE in s.article_ids)
        info = {
            "version": STORE_VERSION, "articles": store.count_articles(), "real": len(real),
            "copies": size - len(real), "sample": len(sample_ids), "stories": clustered.stories,
            "demo_story": demo.id, "build_seconds": round(time.perf_counter() - started, 1),
            "ingest_seconds": round(ingested - started, 1), "vector_seconds": round(embedded - ingested, 1),
            "cluster_seconds": round(seconds, 1),
        }
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.replace(path)
    info_path.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return path, info


def choose_stories(db: Path, demo_story: str, count: int) -> list[str]:
    """The sample story and ``count - 1`` stories of 3-8 articles from at least two outlets."""
    from parallax.store import Store

    with Store(db) as store:
        candidates = sorted(s.id for s in store.stories() if s.id != demo_story
                            and 3 <= len(s.article_ids) <= 8 and s.independent_outlets >= 2)
    return [demo_story, *random.Random(5).sample(candidates, min(count - 1, len(candidates)))]


# -- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _parallax_command() -> list[str]:
    script = Path(sys.executable).with_name("parallax")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from parallax.cli import main; main()"]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(db: Path, log: Path) -> Server:
    """`parallax serve` on a free loopback port: uvicorn, one worker process."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [*_parallax_command(), "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
            stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT,
        )
    server = Server(process, base_url, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"parallax serve exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"{base_url}/api/stories?limit=1", timeout=5) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"parallax serve did not answer within 120 s; see {log}")


def first_request(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return time.perf_counter() - started


# -- load generator (run in its own process) ---------------------------------------------------


async def _load(
    base_url: str, paths: list[str], clients: int, seconds: float, warmup: float,
) -> dict[str, Any]:
    import httpx

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    counter = iter(range(1 << 62))
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as client:
        begin = time.perf_counter()
        measure_from = begin + warmup
        deadline = measure_from + seconds
        last_end = measure_from

        async def worker() -> None:
            nonlocal last_end
            while True:
                n = next(counter)
                sent = time.perf_counter()
                if sent >= deadline:
                    return
                try:
                    response = await client.get(paths[n % len(paths)])
                    status = str(response.status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                done = time.perf_counter()
                if sent >= measure_from:
                    latencies.append(done - sent)
                    statuses[status] += 1
                    last_end = max(last_end, done)

        await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = last_end - measure_from
    ordered = sorted(latencies)

    def percentile(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")

    return {
        "requests": len(ordered), "seconds": round(elapsed, 2),
        "per_second": round(len(ordered) / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(percentile(0.50), 1), "p90_ms": round(percentile(0.90), 1),
        "p99_ms": round(percentile(0.99), 1), "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
        "errors": sum(n for status, n in statuses.items() if status != "200"), "statuses": dict(statuses),
    }


_WRK_SCRIPT = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def run_wrk(base_url: str, paths: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """The load from wrk (Debian's package): written in C, it leaves the two cores to the server,
    where a Python client would take one of them for itself."""
    listed = ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(_WRK_SCRIPT % listed)
        script = handle.name
    try:
        threads = max(1, min(2, clients))
        done = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds:.0f}s", "--timeout", "60s", "-s", script,
             base_url],
            check=True, capture_output=True, text=True, timeout=seconds + 120,
        )
    finally:
        Path(script).unlink(missing_ok=True)
    line = next(row for row in done.stdout.splitlines() if row.startswith("RESULT "))
    requests, duration_us, p50, p90, p99, worst, errors = (int(x) for x in line.split()[1:])
    elapsed = duration_us / 1e6
    return {
        "requests": requests, "seconds": round(elapsed, 2),
        "per_second": round(requests / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(p50 / 1000, 1), "p90_ms": round(p90 / 1000, 1), "p99_ms": round(p99 / 1000, 1),
        "max_ms": round(worst / 1000, 1), "errors": errors, "statuses": {}, "generator": "wrk",
    }


def run_load(
    base_url: str, paths: list[str], clients: int, seconds: float, warmup: float = 2.0,
) -> dict[str, Any]:
    """Run the load generator in a separate process (so it shares no GIL with anything else):
    wrk when it is installed, else the Python client above."""
    if shutil.which("wrk"):
        run_wrk(base_url, paths, clients, warmup)  # the warm-up, not measured
        return run_wrk(base_url, paths, clients, seconds)
    spec = json.dumps({"base_url": base_url, "paths": paths, "clients": clients, "seconds": seconds,
                       "warmup": warmup})
    done = subprocess.run([sys.executable, __file__, "load", spec], check=True, capture_output=True,
                          text=True, timeout=seconds + warmup + 300)
    return {**json.loads(done.stdout), "generator": "httpx"}


# -- writer (run in its own process) -----------------------------------------------------------


def write_articles(db: Path, source: Path, seconds: float, batch: int) -> dict[str, Any]:
    """Ingest fresh copies of the articles in ``source`` into ``db`` until ``seconds`` have passed."""
    from parallax.ingest import ingest
    from parallax.store import Store

    base = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    stored = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, Store(db) as store:
        n = 0
        while time.perf_counter() - started < seconds:
            records = []
            for _ in range(batch):
                record = dict(base[n % len(base)])
                record["text"] = f"{record['text']}\n\n(Write-load copy {n // len(base) + 1}, item {n}.)"
                records.append(record)
                n += 1
            report = ingest([str(_write_jsonl(records, Path(tmp) / "batch.jsonl"))], store=store)
            stored += report.stored
    elapsed = time.perf_counter() - started
    return {"stored": stored, "seconds": round(elapsed, 2), "per_second": round(stored / elapsed, 1)}


# -- the benchmark -----------------------------------------------------------------------------


def _row(name: str, result: dict[str, Any]) -> dict[str, Any]:
    return {
        "benchmark": f"{name} [{result.get('generator', 'httpx')}]", "items": result["requests"],
        "stored": 0, "duplicates": 0, "quarantined": 0,
        "seconds": result["seconds"], "per_second": result["per_second"], "p50_ms": result["p50_ms"],
        "p90_ms": result["p90_ms"], "p99_ms": result["p99_ms"], "max_ms": result["max_ms"],
        "errors": result["errors"], "target": TARGET_P99_MS, "target_text": f"p99 <= {TARGET_P99_MS:.0f} ms",
        "meets_target": result["errors"] == 0 and result["p99_ms"] <= TARGET_P99_MS,
    }


def bench_web(articles: list[RealArticle] | None = None, *, size: int = 10_000, stories: int = 20,
              clients: int = 50, seconds: float = 25.0, write_batch: int = 100) -> list[dict[str, Any]]:
    articles = articles if articles is not None else real_articles(data_root())
    base, info = build_store(articles, size)
    _log(f"store: {info['articles']} articles ({info['real']} real, {info['copies']} copies, "
         f"{info['sample']} sample), {info['stories']} stories; built in {info['build_seconds']} s")
    db = WORK / "run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(base, db)
    chosen = choose_stories(db, str(info["demo_story"]), stories)
    server = start_server(db, WORK / "server.log")
    rows: list[dict[str, Any]] = []
    try:
        cold = []
        for story_id in chosen:
            cold.append(first_request(f"{server.base_url}/api/stories/{story_id}/comparison"))
            first_request(f"{server.base_url}/stories/{story_id}")
        from parallax.store import Store

        with Store(db) as store:
            sizes = [len(store.story(s).article_ids) for s in chosen]
        others = sorted(cold[1:]) or [0.0]
        median, worst = others[len(others) // 2], others[-1]
        smallest, largest = min(sizes[1:] or [0]), max(sizes[1:] or [0])
        _log(f"first comparison (cold: enriches the story's articles, then compares): the sample story "
             f"({sizes[0]} articles, enriched when the store was built) {cold[0]:.2f} s; {len(cold) - 1} "
             f"other stories of {smallest}-{largest} articles: median {median:.2f} s, max {worst:.2f} s")
        rows.append({
            "benchmark": f"first request of a story's comparison (cold: enrich + compare; {len(cold) - 1} "
                         f"stories of {smallest}-{largest} articles, one at a time)",
            "items": len(cold) - 1, "stored": 0, "duplicates": 0, "quarantined": 0,
            "seconds": round(sum(cold[1:]), 2),
            "per_second": round((len(cold) - 1) / (sum(cold[1:]) or 1.0), 2),
            "p50_ms": round(median * 1000), "p90_ms": None, "p99_ms": round(worst * 1000),
            "max_ms": round(worst * 1000), "cold_sample_seconds": round(cold[0], 2), "errors": 0,
            "target": 0.0, "target_text": "none (once per story)", "meets_target": True,
        })
        pages = [f"/stories/{s}" for s in chosen]
        comparisons = [f"/api/stories/{s}/comparison" for s in chosen]
        routes = (("GET /stories/{id} (page)", pages), ("GET /api/stories/{id}/comparison", comparisons))
        for users, duration in ((1, min(seconds, 8.0)), (clients, seconds)):
            for name, paths in routes:
                result = run_load(server.base_url, paths, users, duration)
                _log(f"{name}, {users} client(s): {result['requests']} requests in {result['seconds']} s, "
                     f"{result['per_second']}/s, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
                     f"errors {result['errors']}")
                rows.append(_row(f"{name}, {users} client{'s' if users > 1 else ''}", result))
        source = _write_jsonl([{"title": a.title, "text": a.text, "date": a.date, "outlet": a.outlet}
                               for a in articles[:2000]], WORK / "write-source.jsonl")
        writer = subprocess.Popen(
            [sys.executable, __file__, "write", str(db), str(source), str(seconds + 6), str(write_batch)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        time.sleep(2.0)
        result = run_load(server.base_url, pages, clients, seconds)
        out, err = writer.communicate(timeout=seconds + 300)
        if writer.returncode:
            raise RuntimeError(f"the writer failed: {err[-2000:]}")
        written = json.loads(out)
        _log(f"story page while another process ingests ({written['per_second']} articles/s written): "
             f"{result['requests']} requests, {result['per_second']}/s, p50 {result['p50_ms']} ms, "
             f"p99 {result['p99_ms']} ms, errors {result['errors']}")
        row = _row(f"GET /stories/{{id}} (page), {clients} clients, while another process ingests "
                   f"{written['per_second']:.0f} articles/s", result)
        row["written_per_second"] = written["per_second"]
        rows.append(row)
    finally:
        server.stop()
    return rows


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "load":
        spec = json.loads(sys.argv[2])
        result = asyncio.run(_load(spec["base_url"], spec["paths"], spec["clients"], spec["seconds"],
                                   spec["warmup"]))
        print(json.dumps(result))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "write":
        db, source, seconds, batch = sys.argv[2:6]
        print(json.dumps(write_articles(Path(db), Path(source), float(seconds), int(batch))))
        return
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000, help="articles in the store (besides the sample)")
    parser.add_argument("--stories", type=int, default=20, help="stories warmed and requested")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=25.0, help="seconds of load per measurement")
    args = parser.parse_args()
    root = data_root()
    if not (root / "fnc1").is_dir():
        sys.exit(f"shared data not found at {root}; set PARALLAX_DATA")
    rows = bench_web(real_articles(root), size=args.size, stories=args.stories, clients=args.clients,
                     seconds=args.seconds)
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
