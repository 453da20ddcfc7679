"""Shared fixtures: where the shared data lives, and fresh stores in temporary folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from parallax.store import Store

ROOT = Path(__file__).resolve().parents[1]


def data_root() -> Path:
    return Path(os.environ.get("PARALLAX_DATA") or ROOT.parent / "shared" / "data")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared labelled data. Missing data skips locally but fails in CI, never silently."""
    root = data_root()
    if not (root / "seeds").is_dir():
        message = f"shared data not found at {root}; set PARALLAX_DATA to its folder"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return root


@pytest.fixture
def seeds(data_dir: Path) -> Path:
    return data_dir / "seeds"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "test.db") as opened:
        yield opened


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample story ingested, enriched and clustered, once per session. Closed, so
    tests may copy the file; open copies rather than this one when writing."""
    from parallax.cluster import rebuild_stories
    from parallax.demo import sample_dir
    from parallax.enrich import enrich_store
    from parallax.ingest import ingest

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    with Store(path) as opened:
        ingest([], store=opened, manifest=sample_dir() / "manifest.csv")
        enrich_store(opened)
        rebuild_stories(opened)
    return path
