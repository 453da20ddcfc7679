"""Turning what the user names (paths, folders, globs, URLs, a manifest) into inputs."""

from __future__ import annotations

import csv
import glob
from dataclasses import dataclass
from pathlib import Path

from parallax.codes import CodeError, country_code, language_code
from parallax.errors import ConfigError, InputError

MANIFEST_COLUMNS = ("file", "outlet", "country", "language", "url")


@dataclass(frozen=True, slots=True)
class Hints:
    """What the user says about an input (manifest row or flags); empty fields say nothing."""

    outlet: str | None = None
    country: str | None = None
    language: str | None = None
    url: str | None = None

    def over(self, other: Hints) -> Hints:
        """These hints, with gaps filled from ``other``."""
        return Hints(
            outlet=self.outlet or other.outlet,
            country=self.country or other.country,
            language=self.language or other.language,
            url=self.url or other.url,
        )


@dataclass(frozen=True, slots=True)
class InputRef:
    """One input: a local file or a URL."""

    name: str
    path: Path | None = None
    url: str | None = None


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


class Manifest:
    """A CSV of ``file,outlet,country,language,url`` rows; ``file`` is relative to the CSV."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: dict[Path, Hints] = {}
        self._by_name: dict[str, Hints] = {}
        self._ambiguous: set[str] = set()
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                if not reader.fieldnames or "file" not in reader.fieldnames:
                    raise ConfigError(
                        f"manifest {path} has no 'file' column; its header must be "
                        f"{','.join(MANIFEST_COLUMNS)}"
                    )
                for row in reader:
                    line = reader.line_num
                    name = (row.get("file") or "").strip()
                    if not name:
                        if any((value or "").strip() for value in row.values() if isinstance(value, str)):
                            raise ConfigError(f"manifest {path}, line {line}: the row names no file; "
                                              "fill in its 'file' column or remove the row")
                        continue  # a blank line
                    try:
                        hints = Hints(
                            outlet=(row.get("outlet") or "").strip() or None,
                            country=country_code(row.get("country")),
                            language=language_code(row.get("language")),
                            url=(row.get("url") or "").strip() or None,
                        )
                    except CodeError as exc:
                        raise ConfigError(f"manifest {path}, line {line}: {exc}") from exc
                    self.rows[(path.parent / name).resolve()] = hints
                    # A bare file name also finds that file elsewhere (the CSV beside copies of
                    # its files); a row with folders names one file only, and a name listed
                    # twice names neither.
                    if Path(name).name == name:
                        if name in self._by_name:
                            self._ambiguous.add(name)
                        self._by_name[name] = hints
        except OSError as exc:
            raise ConfigError(f"cannot read manifest {path}: {exc.strerror}") from exc
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ConfigError(f"manifest {path} is not a readable CSV: {exc}") from exc

    def hints_for(self, path: Path) -> Hints:
        """The row for this file, by its path or, failing that, by a row that gives its bare name."""
        found = self.rows.get(path.resolve())
        if found is None and path.name not in self._ambiguous:
            found = self._by_name.get(path.name)
        return found or Hints()

    def files(self) -> list[Path]:
        return list(self.rows)


def expand(
    names: list[str], *, exclude: set[Path] | None = None
) -> tuple[list[InputRef], dict[str, int]]:
    """Inputs for the given names, in a stable order, and a count of files skipped on purpose.

    A name that matches nothing is an error at once: it is a typo, not bad data.
    """
    exclude = {p.resolve() for p in (exclude or set())}
    refs: list[InputRef] = []
    skipped: dict[str, int] = {}
    seen: set[str] = set()

    def add_file(path: Path) -> None:
        key = str(path.resolve())
        if key in seen or path.resolve() in exclude:
            return
        seen.add(key)
        refs.append(InputRef(name=str(path), path=path))

    walked: set[Path] = set()

    def skip(kind: str) -> None:
        skipped[kind] = skipped.get(kind, 0) + 1

    def walk(folder: Path) -> None:
        # Linked folders are followed, each real folder once, so a link back up the tree ends.
        real = folder.resolve()
        if real in walked:
            return
        walked.add(real)
        try:
            children = sorted(folder.iterdir())
        except OSError:
            skip("unreadable folders")
            return
        for child in children:
            if child.name.startswith("."):
                skip("hidden folders" if child.is_dir() else "hidden files")
            elif child.is_dir():
                walk(child)
            elif child.is_file():
                add_file(child)
            else:
                skip("broken links and special files")

    for name in names:
        if is_url(name):
            if name not in seen:
                seen.add(name)
                refs.append(InputRef(name=name, url=name))
            continue
        path = Path(name)
        if path.is_dir():
            walk(path)
        elif path.is_file():
            add_file(path)
        elif glob.has_magic(name):
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                raise InputError(f"{name}: the pattern matches no file; check it, and quote it for the shell")
            for match in matches:
                if Path(match).is_file():
                    add_file(Path(match))
        else:
            raise InputError(f"{name}: no such file, folder or URL; check the path")
    return refs, skipped
