"""Evaluation: readers for labelled corpora and scorers that measure each stage against them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from parallax.errors import DatasetError


def dataset_files(root: Path, suffix: str, what: str) -> Iterator[Path]:
    """Every file under ``root`` whose name ends with ``suffix``, in sorted order, following
    linked folders (a dataset assembled from links to some of its topics reads as a whole).

    ``root`` may be one such file. Raises :class:`DatasetError` naming ``what`` was expected where
    ``root`` does not exist.
    """
    root = Path(root)
    if root.is_file():
        yield root
        return
    if not root.is_dir():
        raise DatasetError(f"{root}: no such file or folder (expected {what})")
    found: list[Path] = []
    visited: set[tuple[int, int]] = set()
    for folder, folders, files in os.walk(root, followlinks=True):
        status = os.stat(folder)
        if (status.st_dev, status.st_ino) in visited:
            folders.clear()  # a link back to a folder already read: read it once
            continue
        visited.add((status.st_dev, status.st_ino))
        folders.sort()
        found.extend(Path(folder) / name for name in files if name.endswith(suffix))
    yield from sorted(found)


def read_text(path: Path) -> str:
    """The UTF-8 text of a dataset file; a :class:`DatasetError` naming it if it is not UTF-8."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from exc


def not_utf8(path: Path, error: UnicodeDecodeError) -> DatasetError:
    """The error for a dataset file that is not UTF-8, naming it and where it breaks."""
    return DatasetError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})")


def dataset_file(path: Path, what: str) -> Path:
    """``path`` if it is a file; else a :class:`DatasetError` that says ``what`` to give."""
    path = Path(path)
    if path.is_dir():
        raise DatasetError(f"{path} is a folder: give {what}")
    if not path.is_file():
        raise DatasetError(f"{path}: no such file (expected {what})")
    return path
