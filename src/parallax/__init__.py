"""Parallax: compare how news outlets cover the same event, fact by fact.

The names below are imported on first use, so ``import parallax`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Article": "parallax.model",
    "Outlet": "parallax.model",
    "IngestReport": "parallax.model",
    "QuarantineEntry": "parallax.model",
    "Store": "parallax.store",
    "ingest": "parallax.ingest",
    "OutletRegistry": "parallax.outlets",
    "ParallaxError": "parallax.errors",
}

__all__ = [
    "Article",
    "IngestReport",
    "Outlet",
    "OutletRegistry",
    "ParallaxError",
    "QuarantineEntry",
    "Store",
    "ingest",
]

if TYPE_CHECKING:
    from parallax.errors import ParallaxError
    from parallax.ingest import ingest
    from parallax.model import Article, IngestReport, Outlet, QuarantineEntry
    from parallax.outlets import OutletRegistry
    from parallax.store import Store


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'parallax' has no attribute {name!r}")
