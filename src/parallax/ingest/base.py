"""What every reader takes and gives.

A reader turns one :class:`Source` (the bytes of a file or a fetched URL) into drafts of
articles. A record it cannot read becomes a :class:`Rejected` with a reason a person can act on,
so that one bad record never stops the rest of the input.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from parallax.errors import InputError


@dataclass(frozen=True, slots=True)
class Source:
    """One input as bytes. ``name`` is what the user gave (a path or a URL)."""

    name: str
    data: bytes
    url: str | None = None
    media_type: str | None = None
    encoding: str | None = None


@dataclass(slots=True)
class Draft:
    """An article as a reader found it, before identity, outlet and language are settled.

    ``origin`` names the exact record (``file``, ``file:LINE``, ``file#N``). ``raw`` is the
    bytes it came from, kept (compressed) so the article can be re-processed later.
    """

    origin: str
    text: str
    raw: bytes
    raw_media_type: str
    title: str = ""
    url: str | None = None
    published: date | None = None
    modified: date | None = None
    byline: str | None = None
    outlet: str | None = None
    country: str | None = None
    language: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record (or a whole input) that cannot become an article, and why."""

    origin: str
    reason: str


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that is not meant to be an article (a WARC request record, an image)."""

    kind: str


Item = Draft | Rejected | Skipped


class Reader(Protocol):
    """A reader of one format. ``sniff`` decides from the name and first bytes."""

    name: str

    def sniff(self, source: Source) -> bool: ...

    def read(self, source: Source) -> Iterator[Item]: ...


def decode(source: Source) -> str:
    """Text of a source: the declared encoding, else UTF-8 (with or without BOM) or a UTF-16 BOM.

    Guessing a legacy code page silently would garble names; refusing with the fix is safer.
    """
    data = source.data
    if source.encoding:
        try:
            return data.decode(source.encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"cannot decode as {source.encoding}: {exc}") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save the file as UTF-8 or pass --encoding NAME (e.g. --encoding cp1252)"
        ) from exc


_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def looks_binary(data: bytes) -> bool:
    """True for content that is plainly not text: NUL bytes or many control bytes up front."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 has NULs but is text
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return bool(head) and controls / len(head) > 0.1
