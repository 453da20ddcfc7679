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
    """A reader of one format. A file name ending in one of ``suffixes`` chooses it; a source
    that no suffix names goes to the first reader whose ``sniff`` accepts its first bytes."""

    name: str
    suffixes: tuple[str, ...]

    def sniff(self, source: Source) -> bool: ...

    def read(self, source: Source) -> Iterator[Item]: ...


_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode(source: Source) -> str:
    """Text of a source: a byte-order mark's encoding, else UTF-8, else the encoding given
    (``--encoding``, or a server's charset).

    Valid UTF-8 is read as UTF-8 even when another encoding is given: text in another encoding
    almost never forms valid UTF-8, so a folder of mixed files ingested with ``--encoding
    cp1252`` keeps its UTF-8 files intact. Guessing a legacy code page silently would garble
    names; refusing with the fix is safer.
    """
    data = source.data
    if data.startswith(_UTF32_BOMS):  # before UTF-16: the little-endian marks share a prefix
        return data.decode("utf-32")
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if source.encoding:
            try:
                return data.decode(source.encoding)
            except (UnicodeDecodeError, LookupError) as again:
                raise InputError(f"cannot decode as {source.encoding}: {again}") from again
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save the file as UTF-8 or pass --encoding NAME (e.g. --encoding cp1252)"
        ) from exc


_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def looks_binary(data: bytes) -> bool:
    """True for content that is plainly not text: NUL bytes or many control bytes up front."""
    head = data[:4096]
    if head.startswith(_UTF32_BOMS + _UTF16_BOMS):
        return False  # UTF-16 and UTF-32 have NULs but are text
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return bool(head) and controls / len(head) > 0.1
