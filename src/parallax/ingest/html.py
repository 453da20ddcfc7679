"""Web pages: the article text and its metadata from one HTML document.

Text, title, byline and site name come from trafilatura. Publication times are read from the
page's own markup first (Open Graph, schema.org, JSON-LD, ``<time>``) because those keep the
time of day and the zone; trafilatura's estimate, which is only a day, is the fallback.
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.settings import Document

from parallax.ingest.base import Draft, Item, Rejected, Source
from parallax.ingest.dates import parse_when
from parallax.text import normalize_paragraphs

NO_TEXT = "no article text found in the page (is it an index or a login page?)"

_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_LEADING_JUNK = re.compile(rb"\A(?:\s+|<!--.*?-->|<\?xml[^>]*>|<!doctype(?!\s+html)[^>]*>)*", re.I | re.S)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->", re.I)
_YEAR = re.compile(r"\d{4}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?=$|[-_])")

# Pages declare these labels but browsers decode them with a superset; doing the same keeps
# the characters that real pages of that label contain.
_SUPERSETS = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "big5": "big5hkscs",
    "tis-620": "cp874",
}

# Below this width no paragraph reads as prose: what is left is menus, link lists or form labels.
# Wide (CJK) characters count twice since they carry about a word each.
_MIN_PROSE_WIDTH = 60

_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
)
_PUBLISHED_NAMES = ("date", "pubdate", "publishdate", "publish-date", "publish_date")
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified")

_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
    "section", "table", "tr", "ul",
})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})
_SPACES = re.compile(r"\s+")


class HtmlReader:
    """Reads one saved or fetched web page as one article."""

    name = "html"
    suffixes: tuple[str, ...] = _HTML_SUFFIXES

    def sniff(self, source: Source) -> bool:
        if source.name.lower().endswith(_HTML_SUFFIXES):
            return True
        head = source.data[:2048]
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            head = head.decode("utf-16", "ignore").encode("utf-8")
        head = head.removeprefix(b"\xef\xbb\xbf")
        junk = _LEADING_JUNK.match(head)
        rest = head[junk.end():] if junk else head
        return rest.lower().startswith((b"<!doctype html", b"<html"))

    def read(self, source: Source) -> Iterator[Item]:
        yield html_to_draft(source.data, origin=source.name, url=source.url, encoding=source.encoding)


def html_to_draft(
    data: bytes, *, origin: str, url: str | None, encoding: str | None = None
) -> Draft | Rejected:
    """One HTML page to a draft, or the reason it holds no article."""
    try:
        markup = decode_html(data, encoding)
    except ValueError as exc:
        return Rejected(origin, str(exc))
    markup = _XML_DECLARATION.sub("", markup, count=1)
    saved = _SAVED_FROM.search(markup[:4096])
    saved_from = saved.group(1) if saved else None
    base = url or saved_from
    tree = _parse(markup)

    try:
        document = trafilatura.bare_extraction(
            markup,
            url=base,
            with_metadata=True,
            include_comments=False,
            # The extensive search reads copyright years in footers as publication dates.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:
        # One malformed page among thousands (a WARC) must not stop the others.
        return Rejected(origin, f"the page cannot be parsed ({type(exc).__name__}: {exc})")
    if not isinstance(document, Document) or not document.text:
        return Rejected(origin, NO_TEXT)

    title = " ".join((document.title or "").split())
    text = _body_text(document.text, title)
    if not _has_prose(text):
        return Rejected(origin, NO_TEXT)

    metadata: dict[str, Any] = {}
    published = modified = None
    if tree is not None:
        published = _best_when(_published_candidates(tree))
        modified = _best_when(_modified_candidates(tree))
    if published is not None:
        metadata["date_source"] = "markup"
    elif document.date:
        try:
            published = date.fromisoformat(document.date[:10])
            metadata["date_source"] = "estimated"
        except ValueError:
            published = None

    page_url = _absolute(document.url, base) or url or saved_from
    # The URL's own host keeps subdomains (news.example.com) that trafilatura folds away.
    hostname = (urlsplit(page_url).hostname if page_url else None) or document.hostname
    if hostname:
        metadata["hostname"] = hostname
    if saved_from:
        metadata["saved_from"] = saved_from
    if document.description:
        metadata["description"] = document.description
    if document.tags:
        metadata["tags"] = list(document.tags)

    language = None
    if tree is not None:
        # The HTML parser keeps XHTML's xml:lang as a plain attribute of that name.
        language = primary_language(tree.get("lang") or tree.get("xml:lang"))
    language = language or primary_language(document.language)

    return Draft(
        origin=origin,
        text=text,
        raw=data,
        raw_media_type="text/html",
        title=title,
        url=page_url,
        published=published,
        modified=modified,
        byline=document.author or None,
        outlet=document.sitename or None,
        language=language,
        metadata=metadata,
    )


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """Text of a page: a BOM, else the given encoding, else the page's declared charset, else UTF-8.

    A given encoding (``--encoding``, or a server's charset) yields to valid UTF-8, as in
    :func:`parallax.ingest.base.decode`: servers often label UTF-8 pages ISO-8859-1, and a folder
    ingested with ``--encoding`` may hold UTF-8 pages too. Raises ``ValueError`` with a reason
    and the fix when the bytes do not fit.
    """
    declared = encoding
    origin = "given"
    if declared is not None:
        try:
            return data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
        except UnicodeDecodeError:
            pass
    # A byte order mark is the surest sign there is, so it outranks any label.
    if data.startswith(codecs.BOM_UTF8):
        declared, origin, data = "utf-8", "marked by a BOM", data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        declared, origin = "utf-16", "marked by a BOM"
    if declared is None:
        head = data[:4096]
        match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
        if match:
            declared = match.group(1).decode("ascii")
            origin = "declared"
    if declared is None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}) and the page "
                "declares no charset; pass --encoding NAME (e.g. --encoding cp1252)"
            ) from exc
    label = declared.strip().lower()
    codec = _SUPERSETS.get(label, label)
    try:
        codecs.lookup(codec)
    except LookupError as exc:
        raise ValueError(f"unknown {origin} encoding {declared!r}; pass --encoding NAME") from exc
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if codec == "cp1252" and label != "cp1252":
            # The few bytes cp1252 leaves undefined are C1 controls in ISO 8859-1.
            return data.decode("latin-1")
        raise ValueError(
            f"not valid {declared} (byte 0x{data[exc.start]:02x} at offset {exc.start}) although the "
            f"encoding is {origin}; pass --encoding NAME with the right one"
        ) from exc


def html_fragment_text(markup: str) -> str:
    """Plain text of an HTML fragment (a feed's summary or content), one paragraph per block."""
    if not markup.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return normalize_paragraphs(markup)
    parts: list[str] = []
    in_pre = 0

    def add(value: str | None) -> None:
        if value:
            parts.append(value if in_pre else _SPACES.sub(" ", value))

    walker = lxml.etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event in ("comment", "pi"):
            add(element.tail)
        elif event == "start":
            if tag in _SKIP_TAGS:
                walker.skip_subtree()
                continue
            if tag == "br":
                parts.append("\n")
            elif tag in _BLOCK_TAGS:
                parts.append("\n\n")
                in_pre += tag == "pre"
            add(element.text)
        else:
            if tag in _BLOCK_TAGS:
                parts.append("\n\n")
                in_pre -= tag == "pre"
            if element is not root:
                add(element.tail)
    return normalize_paragraphs("".join(parts))


def _parse(markup: str) -> Any:
    try:
        return lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError):
        return None


def _body_text(text: str, title: str) -> str:
    """Each extracted line is a paragraph; a first line repeating the headline is dropped."""
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) > 1 and title and " ".join(lines[0].split()).casefold() == title.casefold():
        lines = lines[1:]
    return normalize_paragraphs("\n\n".join(lines))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _has_prose(text: str) -> bool:
    return any(_width(paragraph) >= _MIN_PROSE_WIDTH for paragraph in text.split("\n\n"))


def _absolute(candidate: str | None, base: str | None) -> str | None:
    if not candidate:
        return None
    resolved = urljoin(base, candidate) if base else candidate
    return resolved if urlsplit(resolved).scheme in ("http", "https") else None


def primary_language(value: str | None) -> str | None:
    """``en`` from ``en-GB``, ``en_US`` or ``EN``; ``None`` when it is not a language tag."""
    if not value:
        return None
    match = _LANGUAGE.match(value.strip())
    return match.group(0).lower() if match else None


def _meta_values(tree: Any, keys: Iterable[str]) -> Iterator[str]:
    """``content`` of ``<meta>`` whose property, name or itemprop is one of ``keys``, in key order."""
    found: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if not content:
            continue
        for attribute in ("property", "name", "itemprop"):
            key = (meta.get(attribute) or "").strip().lower()
            if key:
                found.setdefault(key, []).append(content)
    for key in keys:
        yield from found.get(key, ())


def _itemprop_values(tree: Any, prop: str) -> Iterator[str]:
    for element in tree.xpath(f'//*[@itemprop="{prop}"]'):
        value = element.get("content") or element.get("datetime")
        if value:
            yield value


def _jsonld_values(tree: Any, key: str) -> Iterator[str]:
    """Values of ``key`` in the page's JSON-LD, those on article objects first."""
    articles: list[str] = []
    others: list[str] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            document = json.loads(script.text, strict=False)
        except ValueError:
            continue
        stack: list[Any] = [document]
        while stack:
            node = stack.pop(0)
            if isinstance(node, list):
                stack[:0] = node
            elif isinstance(node, dict):
                value = node.get(key)
                if isinstance(value, str):
                    kind = node.get("@type")
                    kinds = " ".join(kind) if isinstance(kind, list) else str(kind or "")
                    is_article = "Article" in kinds or "Posting" in kinds
                    (articles if is_article else others).append(value)
                stack.extend(v for v in node.values() if isinstance(v, dict | list))
    yield from articles
    yield from others


def _published_candidates(tree: Any) -> Iterator[str]:
    yield from _meta_values(tree, _PUBLISHED_META)
    yield from _itemprop_values(tree, "datePublished")
    yield from _jsonld_values(tree, "datePublished")
    yield from _meta_values(tree, _PUBLISHED_NAMES)
    for element in tree.xpath("//article//time[@datetime] | //time[@pubdate and @datetime]"):
        yield element.get("datetime")


def _modified_candidates(tree: Any) -> Iterator[str]:
    yield from _meta_values(tree, _MODIFIED_META)
    yield from _itemprop_values(tree, "dateModified")
    yield from _jsonld_values(tree, "dateModified")


def _precision(value: date) -> int:
    if isinstance(value, datetime):
        return 2 if value.tzinfo is not None else 1
    return 0


def _best_when(candidates: Iterable[str]) -> date | None:
    """The first readable date; a later one for the same day wins if it adds the time or zone."""
    best: date | None = None
    for raw in candidates:
        # Without a year, the date parser fills the gaps from today, which would invent a date.
        if not _YEAR.search(raw):
            continue
        try:
            value = parse_when(raw)
        except (ValueError, OverflowError):
            continue
        if value is None:
            continue
        if best is None or (_day(value) == _day(best) and _precision(value) > _precision(best)):
            best = value
        if _precision(best) == 2:
            break
    return best


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value
