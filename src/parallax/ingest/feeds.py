"""RSS and Atom feeds: one article per entry.

An entry carries the full text (``content:encoded``, Atom ``content``) or only a summary. With
``follow`` the reader fetches each entry's link and reads the page itself, which is how feeds
that give only teasers become full articles.
"""

from __future__ import annotations

import contextlib
import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from parallax.errors import FetchError, InputError
from parallax.ingest.base import Draft, Item, Rejected, Source
from parallax.ingest.dates import parse_when
from parallax.ingest.fetch import Fetcher
from parallax.ingest.html import html_fragment_text, html_to_draft, primary_language
from parallax.text import normalize_paragraphs

_FEED_SUFFIXES = (".rss", ".atom", ".xml", ".rdf")
_MARKERS = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class FeedReader:
    """Reads an RSS 1.0/2.0 or Atom file; optionally fetches each entry's page."""

    name = "feed"
    suffixes: tuple[str, ...] = _FEED_SUFFIXES

    def __init__(self, *, follow: bool = False, fetcher: Fetcher | None = None) -> None:
        self.follow = follow
        self._fetcher = fetcher

    def sniff(self, source: Source) -> bool:
        named = source.name.lower().endswith(_FEED_SUFFIXES)
        # A named file may open with a long comment or stylesheet line before the root element.
        head = source.data[: 4096 if named else 1024]
        return _MARKERS.search(head) is not None

    def read(self, source: Source) -> Iterator[Item]:
        # A file object, never bytes or str: feedparser treats a string as a URL or a path to open.
        parsed = feedparser.parse(io.BytesIO(source.data))
        entries: list[Any] = list(parsed.get("entries") or [])
        if not entries:
            if parsed.get("bozo"):
                raise InputError(
                    f"cannot parse the feed: {parsed.get('bozo_exception')}; check that the file is a "
                    "complete RSS or Atom document (a cut-off download or an HTML error page is the "
                    "usual cause)"
                )
            if not parsed.get("version"):
                raise InputError(
                    "not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> root element); "
                    "choose the reader for this format instead"
                )
            return
        feed: Any = parsed.get("feed") or {}
        version = str(parsed.get("version") or "")
        context = _FeedContext(
            raw=source.data,
            media_type="application/atom+xml" if version.startswith("atom") else "application/rss+xml",
            outlet=_plain(feed.get("title"), feed.get("title_detail")) or None,
            language=primary_language(feed.get("language")),
            warning=str(parsed.get("bozo_exception")) if parsed.get("bozo") else None,
            # Relative entry links ("/news/1") are resolved against where the feed came from,
            # else the site it names as its own.
            base=source.url or _absolute(str(feed.get("link") or "")),
        )
        for index, entry in enumerate(entries, start=1):
            yield self._entry(entry, origin=f"{source.name}#{index}", context=context)

    def _entry(self, entry: Any, *, origin: str, context: _FeedContext) -> Draft | Rejected:
        text = _entry_text(entry)
        link = str(entry.get("link") or "").strip() or None
        if link and context.base and not urlsplit(link).scheme:
            link = urljoin(context.base, link)
        metadata: dict[str, Any] = {}
        if context.outlet:
            metadata["feed_title"] = context.outlet
        if entry.get("id"):
            metadata["entry_id"] = str(entry.get("id"))
        tags = [str(tag.get("term")) for tag in entry.get("tags") or [] if tag.get("term")]
        if tags:
            metadata["tags"] = tags
        if context.warning:
            metadata["feed_warning"] = context.warning
        draft = Draft(
            origin=origin,
            text=text,
            raw=context.raw,
            raw_media_type=context.media_type,
            title=" ".join(_plain(entry.get("title"), entry.get("title_detail")).split()),
            url=link,
            # Atom requires only <updated>: without <published>, it is the best date there is.
            published=_when(entry, "published") or _when(entry, "updated"),
            modified=_when(entry, "updated"),
            byline=str(entry.get("author") or "").strip() or None,
            outlet=context.outlet,
            language=context.language,
            metadata=metadata,
        )
        if self.follow and link:
            followed = self._follow(link, draft)
            if isinstance(followed, Draft):
                return followed
            metadata["follow_error"] = followed
        if draft.text:
            return draft
        if not link:
            return Rejected(origin, "entry has neither text nor a link to the article")
        if "follow_error" in metadata:
            return Rejected(
                origin, f"entry has no text and its link could not be read: {metadata['follow_error']}"
            )
        return Rejected(
            origin, "entry has only a title and a link; ingest with --follow to fetch the article page"
        )

    def _follow(self, link: str, entry: Draft) -> Draft | str:
        """The linked page as a draft that keeps what the feed knew, or why it could not be read."""
        if self._fetcher is None:
            self._fetcher = Fetcher()
        try:
            page = self._fetcher.fetch(link)
        except FetchError as exc:
            return str(exc)
        if page.media_type is not None and page.media_type not in _HTML_TYPES:
            return f"{link} is {page.media_type}, not a web page"
        result = html_to_draft(page.data, origin=entry.origin, url=page.url or link, encoding=page.encoding)
        if isinstance(result, Rejected):
            return f"{link}: {result.reason}"
        # The page's markup keeps the zone; a day estimated from its text is worse than the feed's time.
        if entry.published is not None and result.metadata.get("date_source") != "markup":
            result.published = entry.published
        result.modified = result.modified or entry.modified
        result.title = result.title or entry.title
        result.byline = result.byline or entry.byline
        if entry.outlet:
            if result.outlet and result.outlet != entry.outlet:
                result.metadata["site_name"] = result.outlet
            result.outlet = entry.outlet
        result.language = result.language or entry.language
        result.metadata = {**entry.metadata, **result.metadata, "feed_link": link}
        return result


@dataclass(frozen=True, slots=True)
class _FeedContext:
    """What every entry of one feed shares."""

    raw: bytes
    media_type: str
    outlet: str | None
    language: str | None
    warning: str | None
    base: str | None = None


def _absolute(url: str) -> str | None:
    return url if urlsplit(url).scheme in ("http", "https") else None


def _plain(value: Any, detail: Any) -> str:
    """Plain text of a feed text construct, whose markup depends on its declared type."""
    if not value:
        return ""
    kind = str((detail or {}).get("type") or "text/html")
    return html_fragment_text(str(value)) if kind in _HTML_TYPES else normalize_paragraphs(str(value))


def _entry_text(entry: Any) -> str:
    for content in entry.get("content") or []:
        text = _plain(content.get("value"), content)
        if text:
            return text
    return _plain(entry.get("summary"), entry.get("summary_detail"))


def _when(entry: Any, key: str) -> date | None:
    """The entry's date as written, with its own UTC offset: the publication day, and the days its
    text names, are counted in the zone the article was published in. feedparser's parsed form
    is in UTC, so "Tue, 05 Oct 2021 00:30:00 +0900" would become Monday; it is the fallback for a
    date written in a form only feedparser reads."""
    # Plain dict access: feedparser's own lookup falls back from "updated" to "published".
    written = dict.get(entry, key)
    if isinstance(written, str):
        # RFC 822's zone names stand for offsets ("EDT" is -0400); other names are feedparser's
        # to read, and it gives them in UTC.
        zone = _ZONE_NAME.search(written)
        if zone and zone.group(1).upper() in _RFC822_ZONES:
            written = written[: zone.start(1)] + _RFC822_ZONES[zone.group(1).upper()]
    if isinstance(written, str) and _NUMERIC_OFFSET.search(written):
        with contextlib.suppress(ValueError, OverflowError):
            found = parse_when(written)
            if isinstance(found, datetime) and found.utcoffset() is not None:
                return found
    return _utc(dict.get(entry, f"{key}_parsed"))


#: "+0900", "-03:00" at the end of a date as written.
_NUMERIC_OFFSET = re.compile(r"[+-]\d{2}:?\d{2}\s*$")
_ZONE_NAME = re.compile(r"\s([A-Za-z]{1,3})\s*$")
_RFC822_ZONES = {"UT": "+0000", "GMT": "+0000", "Z": "+0000", "EST": "-0500", "EDT": "-0400",
                 "CST": "-0600", "CDT": "-0500", "MST": "-0700", "MDT": "-0600", "PST": "-0800",
                 "PDT": "-0700"}


def _utc(value: time.struct_time | None) -> date | None:
    """feedparser gives every date as a UTC ``struct_time``."""
    if value is None:
        return None
    try:
        # struct_time allows leap seconds (60, 61); datetime does not.
        return datetime(*value[:5], min(value[5], 59), tzinfo=UTC)
    except (TypeError, ValueError):
        return None
