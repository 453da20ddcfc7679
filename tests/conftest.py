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
