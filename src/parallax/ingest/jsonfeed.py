"""JSON and JSON Lines: one article per object.

Recognised fields: ``title``/``headline``; ``text``/``body``/``content``; ``date``/``published``;
``modified``; ``outlet``/``source``; ``url``; ``language``; ``country``; ``byline``/``author``.
Everything else is kept as metadata. A JSON file may hold one object, a list of objects, or an
object with an ``articles`` list. In JSON Lines a broken line is quarantined by its line number
and the other lines are stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from parallax.errors import InputError
from parallax.ingest.base import Draft, Item, Rejected, Source, decode
from parallax.ingest.dates import parse_when
from parallax.text import normalize_paragraphs

TITLE_KEYS = ("title", "headline")
TEXT_KEYS = ("text", "body", "content", "article", "maintext")
PUBLISHED_KEYS = ("published", "date", "date_publish", "published_at", "pubdate", "datePublished")
MODIFIED_KEYS = ("modified", "date_modify", "updated", "updated_at", "dateModified")
OUTLET_KEYS = ("outlet", "source", "source_domain", "publisher", "site_name", "sitename")
BYLINE_KEYS = ("byline", "author", "authors")
KNOWN = {*TITLE_KEYS, *TEXT_KEYS, *PUBLISHED_KEYS, *MODIFIED_KEYS, *OUTLET_KEYS, *BYLINE_KEYS,
         "url", "link", "language", "lang", "country"}


#: Tags of paragraph structure: a text field that has them is a body exported as HTML. Inline
#: tags alone ("<script>" quoted in a report on a web attack) leave the text as it is.
_MARKUP = re.compile(r"</?(?:p|br|div|h[1-6]|li|blockquote)\b[^<>]*>", re.IGNORECASE)


def _first(record: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = record.get(key)
        if value not in (None, "", []):
            return value
    return None


def _as_text(value: Any) -> str:
    """Text fields arrive as strings or as lists of paragraphs."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n\n".join(_as_text(v) for v in value)
    if isinstance(value, Mapping):
        # e.g. {"name": "Reuters"} for a source or an author
        return _as_text(value.get("name") or value.get("title") or "")
    return str(value)


def record_to_draft(record: Any, *, origin: str, raw: bytes) -> Draft | Rejected:
    """One JSON object to a draft; anything that is not an object with text is rejected."""
    if not isinstance(record, Mapping):
        return Rejected(origin, f"expected a JSON object, found {type(record).__name__}")
    body = _first(record, TEXT_KEYS)
    # A number is no body ("text": NaN from a spreadsheet export).
    text = "" if isinstance(body, int | float) else _as_text(body)
    if _MARKUP.search(text):
        # Exports from content systems often keep the body's HTML: its text is the article.
        from parallax.ingest.html import html_fragment_text

        text = html_fragment_text(text)
    text = normalize_paragraphs(text)
    if not text:
        return Rejected(
            origin, "no article text: give the body in a 'text', 'body' or 'content' field"
        )
    try:
        published = parse_when(_first(record, PUBLISHED_KEYS))
        modified = parse_when(_first(record, MODIFIED_KEYS))
    except ValueError as exc:
        return Rejected(origin, f"unreadable date: {exc}; use ISO 8601 such as 2021-05-05T09:30:00+09:00")
    outlet = _first(record, OUTLET_KEYS)
    return Draft(
        origin=origin,
        text=text,
        raw=raw,
        raw_media_type="application/json",
        title=" ".join(_as_text(_first(record, TITLE_KEYS)).split()),
        url=_as_text(record.get("url") or record.get("link")) or None,
        published=published,
        modified=modified,
        byline=_as_text(_first(record, BYLINE_KEYS)) or None,
        outlet=_as_text(outlet) or None,
        country=_as_text(record.get("country")) or None,
        language=_as_text(record.get("language") or record.get("lang")) or None,
        metadata={k: v for k, v in record.items() if k not in KNOWN},
    )


def _error_reason(exc: json.JSONDecodeError) -> str:
    # Some of json's messages end in "at" ("Unterminated string starting at"), before the place.
    return f"malformed JSON ({exc.msg.removesuffix(' at')} at line {exc.lineno} column {exc.colno})"


def _is_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


class JsonLinesReader:
    name = "jsonl"
    suffixes: tuple[str, ...] = (".jsonl", ".ndjson", ".jsonl.txt")

    def sniff(self, source: Source) -> bool:
        return source.name.lower().endswith(self.suffixes)

    def read(self, source: Source) -> Iterator[Item]:
        text = decode(source)
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            origin = f"{source.name}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Rejected(origin, f"{_error_reason(exc)}; fix or remove this line and ingest again")
                continue
            yield record_to_draft(record, origin=origin, raw=line.encode("utf-8"))


class JsonReader:
    name = "json"
    suffixes: tuple[str, ...] = (".json",)

    def sniff(self, source: Source) -> bool:
        if source.name.lower().endswith(".json"):
            return True
        head = source.data[:256].lstrip()
        return head.startswith((b"{", b"["))

    def read(self, source: Source) -> Iterator[Item]:
        text = decode(source)
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            lines = [ln for ln in text.splitlines() if ln.strip()]
            if len(lines) > 1 and any(_is_object(line) for line in lines[:5]):
                # Many tools write JSON Lines with a .json name; read it line by line. A document
                # spread over lines (none of its first lines alone an object) is one broken
                # document.
                yield from JsonLinesReader().read(source)
                return
            raise InputError(f"{_error_reason(exc)}; the file may be truncated") from exc
        if isinstance(document, Mapping) and isinstance(document.get("articles"), list):
            records: list[Any] = document["articles"]
        elif isinstance(document, list):
            records = document
        else:
            records = [document]
        single = len(records) == 1
        for index, record in enumerate(records):
            origin = source.name if single else f"{source.name}#{index}"
            raw = source.data if single else json.dumps(record, ensure_ascii=False).encode("utf-8")
            yield record_to_draft(record, origin=origin, raw=raw)
