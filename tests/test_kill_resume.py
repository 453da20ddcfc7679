"""``kill -9`` in the middle of an ingest leaves a consistent store; a re-run completes it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parallax.store import Store

LINES = 6000


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # the schema is not created yet


@pytest.mark.slow
def test_kill_during_ingest_then_resume(tmp_path: Path) -> None:
    feed = tmp_path / "big.jsonl"
    with feed.open("w", encoding="utf-8") as handle:
        for n in range(LINES):
            text = (f"Report {n}: the council of district {n} met on Monday and approved plan {n * 13} "
                    f"for roads, schools and {n % 97} new parks, officials said.")
            handle.write(json.dumps({"title": f"Item {n}", "text": text, "outlet": "Example Wire"}) + "\n")
    db = tmp_path / "kill.db"
    command = [sys.executable, "-m", "parallax.cli", "ingest", str(feed), "--db", str(db), "--format", "json",
               "--no-enrich"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _count(db) < 400 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "ingest finished before it could be interrupted; raise LINES"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    partial = _count(db)
    assert 0 < partial < LINES

    with Store(db) as store:
        assert store.integrity_check() == "ok"
        # Whole transactions only: every stored article has its raw input and its fingerprint.
        assert store.execute("SELECT COUNT(*) FROM articles WHERE raw_id IS NULL")[0][0] == 0
        assert store.execute("SELECT COUNT(*) FROM minhash")[0][0] == store.count_articles()

    result = subprocess.run(command, capture_output=True, text=True, check=True)
    report = json.loads(result.stdout)
    assert report["stored"] + report["duplicates"] == LINES
    assert report["duplicates"] == partial
    assert report["quarantined"] == 0
    assert _count(db) == LINES
