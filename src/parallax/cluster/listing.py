"""The story list as JSON, shared by ``parallax stories --format json`` and ``GET /api/stories``
so that both always give the same objects."""

from __future__ import annotations

from typing import Any

from parallax.store import Store


def story_listing(store: Store) -> list[dict[str, Any]]:
    """Every stored story as JSON, latest first."""
    return [story.to_json() for story in store.stories()]
