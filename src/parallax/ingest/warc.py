"""Web archives (WARC and ARC, plain or gzipped): one article per archived HTML page.

Crawls hold far more than pages: requests, metadata, images, redirects. Those come out as
:class:`Skipped` so they can be counted. An archive cut short keeps what was read before the cut
and ends with one :class:`Rejected` that says where.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator

from parallax.ingest.base import Draft, Item, Rejected, Skipped, Source
from parallax.ingest.fetch import content_type_parts
from parallax.ingest.html import html_to_draft

_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Trailing bytes beyond this are certainly not just the blank lines that end the last record.
_TAIL_PROBE = 64 * 1024


class WarcReader:
    """Reads the HTML responses of a web archive as articles."""

    name = "warc"
    suffixes: tuple[str, ...] = _SUFFIXES

    def sniff(self, source: Source) -> bool:
        lower = source.name.lower()
        if lower.endswith(_SUFFIXES) or source.data.startswith(b"WARC/"):
            return True
        return source.data.startswith(b"\x1f\x8b") and (".warc" in lower or ".arc" in lower)

    def read(self, source: Source) -> Iterator[Item]:
        yield from read_archive(io.BytesIO(source.data), source.name)

    def read_path(self, path: str | os.PathLike[str]) -> Iterator[Item]:
        """Like :meth:`read`, streaming from the file so that an archive of any size fits."""
        with open(path, "rb") as stream:
            yield from read_archive(stream, os.fspath(path))


@dataclass(frozen=True, slots=True)
class _Page:
    url: str | None
    charset: str | None
    crawled: str | None


def read_archive(stream: IO[bytes], name: str) -> Iterator[Item]:
    """Items from a seekable binary stream holding a WARC or ARC archive; ``name`` prefixes origins."""
    records = ArchiveIterator(stream, arc2warc=True)
    iterator = iter(records)
    number = 0
    while True:
        # warcio reports damage with many exception types (and some damage not at all, see
        # _damage); any failure inside it means the archive cannot be read past this point.
        try:
            record = next(iterator)
        except StopIteration:
            break
        except Exception as exc:
            yield Rejected(f"{name}#{number + 1}", _broken(number, _message(exc)))
            return
        number += 1
        try:
            kind = _classify(record)
            payload = record.content_stream().read() if isinstance(kind, _Page) else b""
            records.read_to_end()
        except Exception as exc:
            yield Rejected(f"{name}#{number}", _broken(number - 1, _message(exc)))
            return
        # warcio hands out a record cut short without complaint; its length tells.
        if (damage := _damage(record, records)) is not None:
            yield Rejected(f"{name}#{number}", _broken(number - 1, f"record {number} {damage}"))
            return
        if isinstance(kind, Skipped):
            yield kind
            continue
        draft = html_to_draft(payload, origin=f"{name}#{number}", url=kind.url, encoding=kind.charset)
        if isinstance(draft, Draft) and kind.crawled:
            draft.metadata["crawled"] = kind.crawled
        yield draft
    leftover = _leftover(stream, records.offset)
    if leftover:
        # A record whose header was cut ends warcio's iteration as if the archive were complete.
        yield Rejected(
            f"{name}#{number + 1}",
            _broken(number, f"{leftover} bytes at offset {records.offset} are not a complete record"),
        )


def _classify(record: Any) -> _Page | Skipped:
    kind = str(record.rec_type)
    if kind != "response":
        return Skipped(f"warc {kind} record")
    http = record.http_headers
    if http is None:
        return Skipped("warc non-html response")
    media_type, charset = content_type_parts(http.get_header("Content-Type"))
    if media_type not in _HTML_TYPES:
        return Skipped("warc non-html response")
    try:
        status = int(http.get_statuscode())
    except (TypeError, ValueError):
        return Skipped("warc http error response")
    if 300 <= status < 400:
        return Skipped("warc http redirect response")
    if not 200 <= status < 300:
        return Skipped("warc http error response")
    headers = record.rec_headers
    return _Page(
        url=headers.get_header("WARC-Target-URI"),
        charset=charset,
        crawled=headers.get_header("WARC-Date"),
    )


def _damage(record: Any, records: ArchiveIterator) -> str | None:
    """How a fully read record falls short of what its headers promise, if it does."""
    declared = record.rec_headers.get_header("Content-Length")
    if declared is None or not declared.strip().isdigit():
        return "has no valid Content-Length (its header is cut off or damaged)"
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        expected = int(declared)
        return f"ends after {expected - missing} of {expected} bytes"
    # In a gzipped archive a cut inside a member's trailer leaves the content whole but loses
    # what followed; only the decompressor notices that the member never ended.
    decompressor = getattr(getattr(records, "reader", None), "decompressor", None)
    if decompressor is not None and records.next_line is None and not getattr(decompressor, "eof", True):
        return "ends inside its gzip member"
    return None


def _leftover(stream: IO[bytes], offset: int) -> int:
    """Bytes after the last complete record that are more than blank lines."""
    try:
        size = stream.seek(0, io.SEEK_END)
        if size <= offset:
            return 0
        stream.seek(offset)
        tail = stream.read(_TAIL_PROBE)
    except (OSError, ValueError):
        return 0  # not seekable: nothing more can be learnt
    if size - offset <= _TAIL_PROBE and not tail.strip():
        return 0
    return size - offset


def _broken(good: int, detail: str) -> str:
    return f"archive is truncated or corrupt after record {good}: {detail}"


def _message(error: Exception) -> str:
    text = " ".join(str(error).split())
    if type(error).__module__.startswith("warcio"):
        return text or type(error).__name__
    # Anything else is warcio tripping over a malformed header; the detail helps a bug report.
    return f"a record header is malformed ({type(error).__name__}: {text})"
