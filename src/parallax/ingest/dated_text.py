"""The dated-text format: plain text that begins with `` date YYYY-MM-DD``.

Headline and body run together after the date. Broadcast scripts add segment markers
(``[Anchor Lead]``), a programme name and, for Korean broadcasters, publishing stamps
(``입력 2021.05.06 (16:03) 수정 2021.05.06 (16:45)``, Korea time). Those are stripped from the
text and kept as metadata. Files without the date line are read as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from parallax.ingest.base import Draft, Item, Source, decode
from parallax.text import normalize_paragraphs

_DATE_LINE = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*")
_KOREAN_STAMP = re.compile(
    r"(입력|수정)\s*(\d{4})\.(\d{1,2})\.(\d{1,2})\.?\s*\(?\s*(\d{1,2}):(\d{2})\s*\)?"
)
_BRACKET_LINE = re.compile(r"^[ \t]*\[([A-Z][A-Za-z\-]*(?: [A-Za-z\-]+){0,3})\][ \t]*$", re.MULTILINE)
_KOREA = ZoneInfo("Asia/Seoul")
# Punctuation that may stand alone inside a headline: dashes, colons, apostrophes, symbols.
_CAPS_PUNCTUATION = "-\u2013\u2014:,'\u2019&%$./"


@cache
def _word_list(name: str) -> tuple[str, ...]:
    text = resources.files("parallax.data").joinpath(name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@cache
def _inline_markers() -> re.Pattern[str]:
    names = sorted(_word_list("markers.txt"), key=len, reverse=True)
    return re.compile(r"\[(" + "|".join(re.escape(n) for n in names) + r")\]", re.IGNORECASE)


@dataclass(slots=True)
class DatedText:
    """What the parser found; ``text`` is the clean body."""

    text: str
    title: str = ""
    date: date | None = None
    published: datetime | None = None
    modified: datetime | None = None
    programme: str | None = None
    markers: list[str] = field(default_factory=list)


def _is_caps_token(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    if not letters:
        return bool(token) and all(c.isdigit() or c in _CAPS_PUNCTUATION for c in token)
    return all(not c.islower() for c in letters) and any(c.isupper() for c in letters)


def split_caps_headline(text: str) -> tuple[str, str]:
    """Split an all-caps headline off the start of ``text``; ``("", text)`` when there is none.

    A headline needs two or more capitalised words; a lone capitalised word or a dateline such as
    ``NEW YORK (AP)`` is the body's start, not a headline.
    """
    # A headline is short: looking at the first words is enough, and the body may be long.
    tokens = list(re.finditer(r"\S+", text[:600]))
    count = 0
    while count < len(tokens) and _is_caps_token(tokens[count].group()):
        if tokens[count].group().startswith(("(", "--", "—")):
            break
        count += 1
    # A final "A" or "I" usually opens the body ("... LONDON A senior official said").
    if count and count < len(tokens) and tokens[count - 1].group() in {"A", "I"}:
        count -= 1
    words = [t.group() for t in tokens[:count] if any(c.isalpha() for c in t.group())]
    if len(words) < 2:
        return "", text
    if count < len(tokens) and tokens[count].group().startswith(("(", "--", "—")):
        return "", text
    end = tokens[count - 1].end()
    return text[:end].strip(), text[end:]


def _stamp_time(match: re.Match[str]) -> datetime:
    _, year, month, day, hour, minute = match.groups()
    return datetime(int(year), int(month), int(day), int(hour), int(minute), tzinfo=_KOREA)


def parse_dated_text(raw: str) -> DatedText:
    """Parse one dated-text document. Never raises on odd input: unknown parts stay in the text."""
    result = DatedText(text="")
    body = raw.replace("\r\n", "\n").replace("\r", "\n")
    if (match := _DATE_LINE.match(body)) is not None:
        try:
            result.date = date.fromisoformat(match.group(1))
        except ValueError:
            result.date = None
        body = body[match.end():]
        first_line, newline, rest = body.partition("\n")
        if not first_line.strip():
            # The headline on a line of its own: a line of capitals, or a short first paragraph.
            result.title, rest = _own_line_title(rest)
        else:
            result.title, first_line = split_caps_headline(first_line)
        if result.title and first_line.strip():
            stripped = first_line.lstrip()
            for name in _word_list("programmes.txt"):
                if stripped.startswith(name) and (
                    len(stripped) == len(name) or not stripped[len(name)].isalnum()
                ):
                    result.programme = name
                    first_line = stripped[len(name):]
                    break
        body = first_line + newline + rest
    else:
        result.title, body = _plain_title(body)

    for stamp in _KOREAN_STAMP.finditer(body):
        when = _stamp_time(stamp)
        if stamp.group(1) == "입력":
            result.published = result.published or when
        else:
            result.modified = result.modified or when
    body = _KOREAN_STAMP.sub("", body)

    result.markers.extend(m.group(1) for m in _BRACKET_LINE.finditer(body))
    body = _BRACKET_LINE.sub("", body)
    result.markers.extend(m.group(1) for m in _inline_markers().finditer(body))
    body = _inline_markers().sub("", body)
    result.text = normalize_paragraphs(body)
    return result


def _own_line_title(body: str) -> tuple[str, str]:
    """The title and the rest of a text whose date line stands alone."""
    body = body.lstrip("\n")
    line, _, rest = body.partition("\n")
    title, remainder = split_caps_headline(line)
    if title and not remainder.strip():
        return title, rest
    return _plain_title(body)


def _plain_title(body: str) -> tuple[str, str]:
    """A plain text's first paragraph is its title when it is one short line without end punctuation."""
    first, sep, rest = body.strip().partition("\n\n")
    first = first.strip()
    if sep and "\n" not in first and 0 < len(first) <= 200 and not first.endswith((".", ":", ";", ",")):
        return first, rest
    return "", body


class DatedTextReader:
    """Reads ``.txt`` files: dated text, or plain text without the date line."""

    name = "text"
    suffixes: tuple[str, ...] = (".txt", ".text")

    def sniff(self, source: Source) -> bool:
        lower = source.name.lower()
        return lower.endswith((".txt", ".text")) or _DATE_LINE.match(
            source.data[:64].decode("utf-8", "ignore")
        ) is not None

    def read(self, source: Source) -> Iterator[Item]:
        parsed = parse_dated_text(decode(source))
        metadata: dict[str, object] = {}
        if parsed.programme:
            metadata["programme"] = parsed.programme
        if parsed.markers:
            metadata["broadcast_markers"] = parsed.markers
        if parsed.date:
            metadata["date_line"] = parsed.date.isoformat()
        yield Draft(
            origin=source.name,
            text=parsed.text,
            raw=source.data,
            raw_media_type="text/plain",
            title=parsed.title,
            url=source.url,
            published=parsed.published or parsed.date,
            modified=parsed.modified,
            metadata=metadata,
        )
