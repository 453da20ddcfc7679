"""The outlet registry: web domain -> outlet, and outlet -> country, language, time zone.

The registry ships with the package (``parallax/data/outlets.toml``) and users extend it with a
TOML file of the same shape; later entries win, so a user can correct a shipped one.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from parallax.errors import ConfigError
from parallax.model import Outlet


class OutletRegistry:
    """Look outlets up by name (case-insensitive) or by the domain of an article URL."""

    def __init__(self, outlets: Iterable[Outlet] = ()) -> None:
        self._by_name: dict[str, Outlet] = {}
        self._by_domain: dict[str, Outlet] = {}
        for outlet in outlets:
            self.add(outlet)

    def add(self, outlet: Outlet) -> None:
        self._by_name[outlet.name.casefold()] = outlet
        for domain in outlet.domains:
            self._by_domain[domain.lower().removeprefix("www.")] = outlet

    def __len__(self) -> int:
        return len(self._by_name)

    def __iter__(self):  # type: ignore[no-untyped-def]  # a plain iterator over outlets
        return iter(self._by_name.values())

    def by_name(self, name: str | None) -> Outlet | None:
        """The outlet of that name, whatever its case, with or without a leading "The" ("New York
        Times" is "The New York Times") or a trailing note in brackets ("CNN (Online News)")."""
        if not name:
            return None
        key = " ".join(name.casefold().split())
        found = self._by_name.get(key)
        if found is None:
            bare = re.sub(r"\s*\([^)]*\)\s*$", "", key).removeprefix("the ")
            found = self._by_name.get(bare) or self._by_name.get("the " + bare)
        return found

    def by_url(self, url: str | None) -> Outlet | None:
        """The outlet owning the URL's host or any parent domain of it."""
        if not url:
            return None
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
        while host:
            if host in self._by_domain:
                return self._by_domain[host]
            _, _, host = host.partition(".")
        return None

    @classmethod
    def load(cls, *extra: Path | str | None) -> OutletRegistry:
        """The shipped registry, then ``$PARALLAX_OUTLETS``, then the given files."""
        registry = cls()
        shipped = resources.files("parallax.data").joinpath("outlets.toml").read_text(encoding="utf-8")
        for outlet in parse_registry(shipped, "parallax/data/outlets.toml"):
            registry.add(outlet)
        paths = [os.environ.get("PARALLAX_OUTLETS"), *extra]
        for path in paths:
            if not path:
                continue
            file = Path(path)
            if not file.is_file():
                raise ConfigError(f"outlet registry {file} not found; pass an existing TOML file")
            for outlet in parse_registry(file.read_text(encoding="utf-8"), str(file)):
                registry.add(outlet)
        return registry


def parse_registry(text: str, name: str) -> list[Outlet]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"outlet registry {name} is not valid TOML: {exc}") from exc
    outlets = []
    for number, entry in enumerate(data.get("outlet", []), start=1):
        if not isinstance(entry, dict) or not entry.get("name"):
            raise ConfigError(f"outlet registry {name}: entry {number} has no name; add name = \"...\"")
        outlets.append(
            Outlet(
                name=str(entry["name"]),
                country=(str(entry["country"]).upper() if entry.get("country") else None),
                language=(str(entry["language"]).lower() if entry.get("language") else None),
                domains=tuple(str(d) for d in entry.get("domains", [])),
                timezone=entry.get("timezone"),
            )
        )
    return outlets
