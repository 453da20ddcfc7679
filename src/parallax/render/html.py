"""A comparison as one self-contained HTML report: inline CSS, no script, nothing fetched.

The report is meant to be mailed, archived and opened offline, and its content is written by
strangers (every title, quote and label comes from an article), so two rules hold throughout:

* every string that does not appear literally in this module passes through :func:`_esc` at the
  point where it meets markup, and values used as ``id`` attributes are reduced to a safe slug;
* the document loads nothing: no script, no font, no image by URL, and a Content-Security-Policy
  forbids all of it even if a bug let markup through.

The helpers that decide *what* is shown (fact order, labels, timeline dates, voice grouping) are
shared with the Markdown renderer, so the two formats always tell the same story.
"""

from __future__ import annotations

import html
import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

SCHEMA = "parallax.comparison/1"

# Facts everyone agrees on come first, then disagreements (the most newsworthy difference), then
# what only some outlets or a single outlet report.
STATUS_ORDER = ("consensus", "conflict", "partial", "unique")
STATUS_LABEL = {
    "consensus": "Consensus",
    "conflict": "Conflict",
    "partial": "Partial",
    "unique": "Unique",
}
STATUS_HELP = {
    "consensus": "reported by every outlet",
    "conflict": "outlets disagree",
    "partial": "reported by some outlets",
    "unique": "reported by one outlet",
}

# base-uri and form-action are not covered by default-src, so they are closed explicitly.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

# Okabe-Ito hues, darkened where needed so that text and thin marks keep contrast on white; the
# outlet is always named next to its colour, so the colour is never the only cue.
# Distinct at a glance from one another (no two blues), and dark enough for text on white.
OUTLET_COLOURS = ("#0072B2", "#C84E00", "#007A5A", "#B4487F", "#7A6000", "#008B8B", "#6A3D9A", "#444444")

NOT_REPORTED = "not reported"
QUOTE_LIMIT = 160
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ---------------------------------------------------------------------------------------------
# Reading the comparison defensively: any key may be missing, null or of the wrong type.


def items(mapping: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """The list under ``key``, keeping only its mappings (anything else is malformed input)."""
    value = mapping.get(key)
    if not isinstance(value, list):
        return []
    return [entry for entry in value if isinstance(entry, Mapping)]


def text_of(mapping: Mapping[str, Any], key: str) -> str:
    value = mapping.get(key)
    return "" if value is None else str(value)


def int_of(mapping: Mapping[str, Any], key: str) -> int | None:
    value = mapping.get(key)
    if isinstance(value, bool):  # bool is an int subclass, but True is not an offset
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def float_of(mapping: Mapping[str, Any], key: str) -> float | None:
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if number == number else None  # NaN would poison widths and sorting


def strings_of(mapping: Mapping[str, Any], key: str) -> list[str]:
    value = mapping.get(key)
    if not isinstance(value, list):
        return []
    return [str(entry) for entry in value if entry is not None]


def _around(text: str, word: str, width: int = 60) -> str:
    """The words on either side of ``word`` in ``text``, escaped, the word in bold (``<mark>``
    is kept for the facts' highlights): a long sentence cut at its end would lose the very word
    it is shown for."""
    text = " ".join(text.split())
    found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)  # the word, not a part of one
    if found is None:
        return _esc(shorten(text, 2 * width))
    at = found.start()
    start, end = max(0, at - width), min(len(text), at + len(word) + width)
    start = text.find(" ", start) + 1 if start else 0
    cut = text.rfind(" ", at + len(word), end) if end < len(text) else -1
    end = cut if cut > 0 else end
    return (("\u2026" if start else "") + _esc(text[start:at]) + f"<strong>{_esc(word)}</strong>"
            + _esc(text[at + len(word):end]) + ("\u2026" if end < len(text) else ""))


def shorten(value: str, limit: int = QUOTE_LIMIT) -> str:
    """Collapse whitespace and cut at a word boundary; done before escaping so no entity is cut."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    cut = value[:limit].rsplit(" ", 1)[0] or value[:limit]
    return cut.rstrip(" ,;:.") + "…"


def excerpt(value: str, focus: str, limit: int = QUOTE_LIMIT) -> str:
    """``value`` shortened to ``limit`` characters around ``focus`` (a date's words in its
    sentence), cut at word boundaries, so that what the excerpt is shown for is never cut off."""
    value = " ".join(value.split())
    focus = " ".join(focus.split())
    at = value.find(focus) if focus else -1
    if len(value) <= limit or at < 0 or at + len(focus) <= limit - 1:
        return shorten(value, limit)
    # Keep about a third of the room before the focus, the rest after it.
    start = max(0, min(at - (limit - len(focus)) // 3, len(value) - limit + 1))
    start = value.find(" ", start - 1) + 1 if start > 0 else 0
    return "…" + shorten(value[start:], limit - 1)


def fold(value: str) -> str:
    """The key under which two spellings of one speaker, source or word are grouped."""
    return " ".join(value.split()).casefold()


def safe_url(value: str) -> str | None:
    """The URL when it may become a link: http(s) only, so ``javascript:`` and ``data:`` never do."""
    value = value.strip()
    if re.match(r"(?i)^https?://[^\s<>\"']+$", value):
        return value
    return None


def pretty_date(value: str) -> str:
    """An ISO timestamp as ``2025-03-14 09:30 +00:00`` (as the web pages write it); anything
    unparseable is shown as given."""
    value = value.strip()
    if not value:
        return ""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if len(value) <= 10:
        return parsed.date().isoformat()
    offset = parsed.strftime("%z")
    offset = f" {offset[:3]}:{offset[3:]}" if offset else ""
    return parsed.strftime("%Y-%m-%d %H:%M") + offset


_PARTS_OF_DAY = {"MO": "morning", "AF": "afternoon", "EV": "evening", "NI": "night", "DT": "daytime"}
_SEASON_NAMES = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}


def readable_when(value: str) -> str:
    """A TimeML value as people read it: "199" is "1990s", "2022-H1" "first half of 2022",
    "2017-06-14TMO" "2017-06-14 morning"; a plain date or anything else is shown as given."""
    value = value.strip()
    if re.fullmatch(r"\d{3}", value):
        return f"{value}0s"
    if re.fullmatch(r"\d{2}", value):
        return f"{value}00s"
    if m := re.fullmatch(r"(\d{4})-H([12])", value):
        return f"{'first' if m[2] == '1' else 'second'} half of {m[1]}"
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        return f"Q{m[2]} {m[1]}"
    if m := re.fullmatch(r"(\d{4})-(SP|SU|FA|WI)", value):
        return f"{_SEASON_NAMES[m[2]]} {m[1]}"
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return f"week of {monday.isoformat()}"
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(MO|AF|EV|NI|DT)", value):
        return f"{m[1]} {_PARTS_OF_DAY[m[2]]}"
    return value


# ---------------------------------------------------------------------------------------------
# The model both renderers draw from.


@dataclass(frozen=True, slots=True)
class Article:
    key: str  # the engine's article id
    index: int  # column position, also the outlet colour
    outlet: str
    country: str
    language: str
    published: str
    title: str
    url: str
    text: str
    copy_of: str = ""  # the key of the article this one is a syndicated copy of, if compared too

    @property
    def column(self) -> str:
        """The column heading: outlet and country, so two outlets of one name stay apart; a
        syndicated copy says so."""
        name = self.outlet or self.key or f"Article {self.index + 1}"
        notes = ", ".join(part for part in (self.country, "copy" if self.copy_of else "") if part)
        return f"{name} ({notes})" if notes else name

    @property
    def colour(self) -> str:
        return OUTLET_COLOURS[self.index % len(OUTLET_COLOURS)]

    @property
    def heading(self) -> str:
        """Its headline or, without one, its opening words, as every other view names it."""
        from parallax.text import heading

        return heading(self.title, self.text) or "(untitled)"


def articles_of(comparison: Mapping[str, Any]) -> list[Article]:
    """The articles in input order, plus a bare column for any id that the data refers to but
    does not describe, so that no claim or quote silently disappears from the report."""
    found: dict[str, Article] = {}
    for entry in items(comparison, "articles"):
        key = text_of(entry, "id")
        if key in found:
            continue
        found[key] = Article(
            key=key,
            index=len(found),
            outlet=text_of(entry, "outlet").strip(),
            country=text_of(entry, "country").strip(),
            language=text_of(entry, "language").strip(),
            published=text_of(entry, "published"),
            title=text_of(entry, "title").strip(),
            url=text_of(entry, "url").strip(),
            text=text_of(entry, "text"),
            copy_of=text_of(entry, "syndicated_of").strip(),
        )
    for key, article in found.items():
        if article.copy_of and article.copy_of not in found:
            found[key] = replace(article, copy_of="")  # its original is not in the comparison
    for key in referenced_articles(comparison):
        if key not in found:
            found[key] = Article(key, len(found), "", "", "", "", "", "", "")
    return list(found.values())


def referenced_articles(comparison: Mapping[str, Any]) -> list[str]:
    keys: list[str] = []
    for fact in items(comparison, "facts"):
        for part in ("claims", "extra_detail", "emphasis"):
            keys.extend(text_of(entry, "article") for entry in items(fact, part))
        for conflict in items(fact, "conflicts"):
            keys.extend(strings_of(conflict, "articles"))
    for part in ("voices", "sources", "loaded_words", "timeline"):
        keys.extend(text_of(entry, "article") for entry in items(comparison, part))
    for frame in items(comparison, "framing"):
        keys.extend(text_of(entry, "article") for entry in items(frame, "labels"))
    return list(dict.fromkeys(key for key in keys if key))


def status_of(fact: Mapping[str, Any]) -> str:
    status = text_of(fact, "status").strip().lower()
    return status if status in STATUS_ORDER else "unknown"


def ordered_facts(comparison: Mapping[str, Any], articles: Sequence[Article]) -> list[Mapping[str, Any]]:
    """Facts by status, then by where a reader first meets them (article order, then offset)."""
    column = {article.key: article.index for article in articles}
    last = len(articles) + 1

    def first_seen(fact: Mapping[str, Any]) -> tuple[int, int]:
        spots = [
            (column.get(text_of(claim, "article"), last), int_of(claim, "start") or 0)
            for claim in items(fact, "claims")
        ]
        return min(spots, default=(last, 0))

    facts = list(enumerate(items(comparison, "facts")))
    facts.sort(
        key=lambda pair: (
            STATUS_ORDER.index(status_of(pair[1]))
            if status_of(pair[1]) in STATUS_ORDER
            else len(STATUS_ORDER),
            first_seen(pair[1]),
            pair[0],
        )
    )
    return [fact for _, fact in facts]


def fact_label(position: int) -> str:
    """A short handle (F1, F2…) for a fact, shared by the matrix, the texts and the Markdown."""
    return f"F{position + 1}"


def fact_title(fact: Mapping[str, Any]) -> str:
    summary = text_of(fact, "summary").strip()
    if summary:
        return summary
    claims = items(fact, "claims")
    return shorten(text_of(claims[0], "text"), 80) if claims else text_of(fact, "id")


def conflict_sentence(
    conflict: Mapping[str, Any], fact: Mapping[str, Any], by_key: Mapping[str, Article]
) -> str:
    """A conflict in words. The engine's detail is preferred; without one, each outlet's own
    wording is set side by side ("A: 20 minutes; B: 30 minutes")."""
    detail = text_of(conflict, "detail").strip()
    if detail:
        return detail
    parts = []
    for key in strings_of(conflict, "articles"):
        wording = [text_of(c, "text") for c in items(fact, "claims") if text_of(c, "article") == key]
        name = by_key[key].column if key in by_key else key
        parts.append(f"{name}: {shorten(' / '.join(wording), 80) or NOT_REPORTED}")
    return "; ".join(parts)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _pairs(words: Sequence[str]) -> set[tuple[str, ...]]:
    """Consecutive word pairs: two wordings of one quotation share most of them, while two
    different sentences about one subject share words but seldom pairs. One word stands alone."""
    return {tuple(words)} if len(words) == 1 else set(itertools.pairwise(words))


@dataclass(frozen=True, slots=True)
class ExtraDetail:
    """A detail of one outlet's claim that the matrix marks "+ detail"."""

    kind: str
    detail: str
    #: The detail is (nearly) the whole of the outlet's wording above it, so it is not repeated.
    as_worded: bool


def extra_details(fact: Mapping[str, Any], article: str) -> list[ExtraDetail]:
    """The details only this article gives, as the matrix shows them.

    The comparison lists a detail per article as written there, so the same quotation cut or
    worded a little differently by two outlets, or one person named in full by one and by the
    surname by another, comes as a detail of each: no detail "only this outlet gives". A detail
    that another article's wording of the fact mostly holds (half its word pairs, or for a name
    half its words) is left out; one that is most of the outlet's own wording is marked without
    being repeated."""
    claims = items(fact, "claims")
    own = _words(" ".join(text_of(c, "text") for c in claims if text_of(c, "article") == article))
    others = [_words(text_of(c, "text")) for c in claims if text_of(c, "article") != article]
    shown: list[ExtraDetail] = []
    for extra in items(fact, "extra_detail"):
        if text_of(extra, "article") != article:
            continue
        kind, detail = text_of(extra, "kind").strip(), text_of(extra, "detail").strip()
        words = _words(detail)
        if words:
            if kind == "name":
                shared = max((len(set(words) & set(other)) for other in others), default=0)
                whole = len(set(words))
            else:
                shared = max((len(_pairs(words) & _pairs(other)) for other in others), default=0)
                whole = len(_pairs(words))
            if shared * 2 >= whole:
                continue
        # Most of the wording: a quotation less its attribution ("..., the mayor said").
        covered = bool(words) and len(_pairs(words) & _pairs(own)) * 10 >= max(1, len(_pairs(own))) * 6
        shown.append(ExtraDetail(kind, detail, covered))
    return shown


def placement_of(fact: Mapping[str, Any], article: str) -> Mapping[str, Any] | None:
    for entry in items(fact, "emphasis"):
        if text_of(entry, "article") == article:
            return entry
    return None


@dataclass(slots=True)
class Speaker:
    """One speaker across outlets: every voice an outlet gives them, keyed by article id."""

    name: str
    voices: dict[str, list[Mapping[str, Any]]] = field(default_factory=dict)

    @property
    def only_one_outlet(self) -> bool:
        return len(self.voices) == 1


def speakers_of(comparison: Mapping[str, Any]) -> list[Speaker]:
    """Speakers in order of first quote; spellings differing only in case or spacing are merged."""
    grouped: dict[str, Speaker] = {}
    for voice in items(comparison, "voices"):
        name = " ".join(text_of(voice, "speaker").split()) or "(unnamed speaker)"
        speaker = grouped.setdefault(fold(name), Speaker(name))
        speaker.voices.setdefault(text_of(voice, "article"), []).append(voice)
    return list(grouped.values())


_SOURCE_DESCRIPTOR = re.compile(
    r"^(?:the\s+)?(?:wire|news|state|state-run|official)?\s*(?:agency|news agency|wire service|newspaper|"
    r"broadcaster|daily|outlet)\s+(?=[A-Z])")


@dataclass(slots=True)
class Source:
    name: str
    kinds: list[str] = field(default_factory=list)
    citations: dict[str, list[str]] = field(default_factory=dict)


def sources_of(comparison: Mapping[str, Any]) -> list[Source]:
    grouped: dict[str, Source] = {}
    for entry in items(comparison, "sources"):
        name = " ".join(text_of(entry, "name").split()) or "(unnamed source)"
        # "wire agency Tidewater Press" is Tidewater Press, described.
        name = _SOURCE_DESCRIPTOR.sub("", name) or name
        source = grouped.setdefault(fold(name), Source(name))
        kind = text_of(entry, "kind").strip()
        if kind and kind not in source.kinds:
            source.kinds.append(kind)
        cited = source.citations.setdefault(text_of(entry, "article"), [])
        written = text_of(entry, "text")
        if written not in cited:  # "officials said" twice in one article is one way of citing
            cited.append(written)
    return list(grouped.values())


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    articles: tuple[str, ...]
    share: Mapping[str, float]


def outlets_of(comparison: Mapping[str, Any], articles: Sequence[Article]) -> list[Outlet]:
    """The engine's per-outlet shares; without them, one share-less outlet per article so the
    emphasis section can still show placement."""
    outlets = []
    for entry in items(comparison, "outlets"):
        raw = entry.get("share")
        share: dict[str, float] = {}
        if isinstance(raw, Mapping):
            for fact_id, value in raw.items():
                number = float_of({"v": value}, "v")
                if number is not None:
                    share[str(fact_id)] = max(0.0, number)
        outlets.append(Outlet(text_of(entry, "outlet"), tuple(strings_of(entry, "articles")), share))
    if outlets:
        return outlets
    return [Outlet(article.column, (article.key,), {}) for article in articles]


# Timeline dates are TimeML-style values: 2025-03-13, 2025-03, 2025, 2025-W11, 2025-Q1, 202 (a
# decade), optionally with a time. Each becomes the interval it covers, so that a month is drawn
# as the whole month rather than a point on its first day.
@dataclass(frozen=True, slots=True)
class Span:
    start: date
    end: date  # exclusive
    grain: str  # day | week | month | quarter | half | season | year | decade


def _add_months(value: date, months: int) -> date:
    index = value.year * 12 + value.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_when(value: str) -> Span | None:
    """The interval a timeline date covers, or None when it is not a calendar date."""
    from parallax.enrich.timex import value_span

    found = value_span(value)
    return Span(*found) if found else None


def timeline_of(comparison: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], Span | None]]:
    """Timeline items in date order; undatable ones last, in input order."""
    entries = [(entry, parse_when(text_of(entry, "date"))) for entry in items(comparison, "timeline")]
    ordered = sorted(
        enumerate(entries),
        key=lambda pair: (
            pair[1][1] is None,
            pair[1][1].start if pair[1][1] else date.min,
            -(pair[1][1].end - pair[1][1].start).days if pair[1][1] else 0,
            pair[0],
        ),
    )
    return [entry for _, entry in ordered]


@dataclass(frozen=True, slots=True)
class Highlight:
    """One claim span placed in an article text; ``also`` are facts whose spans overlap it."""

    start: int
    end: int
    fact: int  # position in the ordered facts
    anchor: str
    also: tuple[int, ...] = ()


def locate(text: str, claim: Mapping[str, Any]) -> tuple[int, int] | None:
    """The claim's span in the text: its offsets when they fit, else the first occurrence of its
    wording (offsets from an older text version should not lose the highlight)."""
    start, end = int_of(claim, "start"), int_of(claim, "end")
    if start is not None and end is not None and 0 <= start < end <= len(text) and text[start:end].strip():
        return start, end
    wording = text_of(claim, "text").strip()
    found = text.find(wording) if wording else -1
    return (found, found + len(wording)) if found >= 0 else None


# ---------------------------------------------------------------------------------------------
# HTML building blocks.


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


class _Anchors:
    """Unique ``id`` values made from engine ids, which may repeat or contain spaces, quotes or
    markup: each call gives a new id, readable where the engine id allows."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def new(self, prefix: str, key: str) -> str:
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-")[:60] or "x"
        candidate, n = f"{prefix}-{slug}", 2
        while candidate in self._used:
            candidate, n = f"{prefix}-{slug}-{n}", n + 1
        self._used.add(candidate)
        return candidate


def _badge(status: str) -> str:
    label = STATUS_LABEL.get(status, "Unclassified")
    return f'<span class="badge st-{_esc(status)}">{_esc(label)}</span>'


def _tag(kind: str, label: str, title: str = "") -> str:
    title_attr = f' title="{_esc(title)}"' if title else ""
    return f'<span class="tag tag-{kind}"{title_attr}>{_esc(label)}</span>'


def _colour(report: Report, article: Article, css: str, prop: str) -> str:
    """Class (and, in the self-contained report, style) that gives an element the outlet's colour.
    The web pages forbid inline styles by policy, so there a class names the colour instead."""
    if report.inline_styles:
        return f'class="{css}" style="{prop}:{article.colour}"'
    return f'class="{css} {outlet_class(article)}"'


def outlet_class(article: Article) -> str:
    """The class of an outlet's colour (``oc-0`` ...), styled by :func:`stylesheet`."""
    return f"oc-{article.index % len(OUTLET_COLOURS)}"


def _swatch(report: Report, article: Article) -> str:
    return f'<span {_colour(report, article, "swatch", "background")} aria-hidden="true"></span>'


def _outlet_head(report: Report, article: Article) -> str:
    sub = " · ".join(part for part in (article.language, pretty_date(article.published)) if part)
    return (
        f'<th scope="col">{_swatch(report, article)}{_esc(article.column)}'
        + (f'<span class="sub">{_esc(sub)}</span>' if sub else "")
        + "</th>"
    )


def _table(head: Iterable[str], rows: Iterable[str], css: str, table_id: str = "") -> str:
    """A table inside a horizontally scrolling box, so wide matrices stay usable on a phone."""
    id_attr = f' id="{table_id}"' if table_id else ""
    return (
        f'<div class="scroll"><table class="{css}"{id_attr}><thead><tr>{"".join(head)}</tr></thead>'
        f"{''.join(rows)}</table></div>"
    )


@dataclass(slots=True)
class Report:
    comparison: Mapping[str, Any]
    articles: list[Article]
    facts: list[Mapping[str, Any]]
    anchors: _Anchors
    by_key: dict[str, Article]
    fact_anchor: list[str]  # by position in ``facts``
    article_anchor: dict[str, str]
    # (fact position, claim position) -> id of the highlight that shows it in the article text
    claim_anchor: dict[tuple[int, int], str]
    highlights: dict[str, list[Highlight]]
    inline_styles: bool = True


def _place_highlights(report: Report) -> None:
    """Give every locatable claim a highlight. Overlapping spans cannot both be marked in flat
    HTML, so a later span that starts inside an earlier one is folded into it: its fact is
    listed on the earlier highlight and its link points there."""
    for article in report.articles:
        spans: list[tuple[int, int, int, int]] = []
        for f, fact in enumerate(report.facts):
            for c, claim in enumerate(items(fact, "claims")):
                if text_of(claim, "article") != article.key:
                    continue
                where = locate(article.text, claim)
                if where:
                    spans.append((where[0], -where[1], f, c))
        spans.sort()
        placed: list[Highlight] = []
        for start, negative_end, f, c in spans:
            end = -negative_end
            if placed and start < placed[-1].end:
                host = placed[-1]
                if f != host.fact and f not in host.also:
                    placed[-1] = Highlight(host.start, host.end, host.fact, host.anchor, (*host.also, f))
                report.claim_anchor[(f, c)] = host.anchor
                continue
            anchor = report.anchors.new("hl", f"{report.fact_anchor[f][5:]}-{article.key}-{start}")
            placed.append(Highlight(start, end, f, anchor))
            report.claim_anchor[(f, c)] = anchor
        report.highlights[article.key] = placed


def build_report(comparison: Mapping[str, Any], *, inline_styles: bool = True) -> Report:
    """What every section is drawn from: articles, ordered facts and the anchors that link them.
    ``inline_styles=False`` gives outlet colours as classes (see :func:`stylesheet`), for pages
    served under a Content-Security-Policy that forbids style attributes."""
    articles = articles_of(comparison)
    facts = ordered_facts(comparison, articles)
    anchors = _Anchors()
    report = Report(
        comparison=comparison,
        articles=articles,
        facts=facts,
        anchors=anchors,
        by_key={article.key: article for article in articles},
        fact_anchor=[anchors.new("fact", text_of(fact, "id")) for fact in facts],
        article_anchor={article.key: anchors.new("art", article.key) for article in articles},
        claim_anchor={},
        highlights={},
        inline_styles=inline_styles,
    )
    _place_highlights(report)
    return report


# ---------------------------------------------------------------------------------------------
# Sections.


def header_section(report: Report, *, level: int = 1) -> str:
    """The articles compared, as cards. ``level`` is its heading's: a page that has a title of
    its own sets it below that title, so that the page keeps one top-level heading."""
    counts = {status: 0 for status in STATUS_ORDER}
    for fact in report.facts:
        if status_of(fact) in counts:
            counts[status_of(fact)] += 1
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    cards = []
    for article in report.articles:
        link = safe_url(article.url)
        url = (
            f'<a href="{_esc(link)}" rel="noopener noreferrer">{_esc(article.url)}</a>'
            if link
            else _esc(article.url)
        )
        meta = " · ".join(
            _esc(part) for part in (article.country, article.language, pretty_date(article.published)) if part
        )
        original = report.by_key.get(article.copy_of)
        if original is not None:
            meta += (f'</div><div class="meta">a syndicated copy of {_esc(original.outlet or original.key)}: '
                     "its facts count with the original's outlet")
        cards.append(
            f'<li {_colour(report, article, "card", "border-top-color")}>'
            f'<div class="outlet">{_swatch(report, article)}{_esc(article.outlet or article.key)}</div>'
            f'<div class="meta">{meta}</div>'
            f'<div class="title"><a href="#{report.article_anchor[article.key]}">'
            f"{_esc(article.heading)}</a></div>"
            + (f'<div class="url">{url}</div>' if article.url else "")
            + "</li>"
        )
    schema = text_of(report.comparison, "schema")
    warning = (
        f'<p class="warn">This data says it is <code>{_esc(schema)}</code>; the report was written for '
        f"<code>{SCHEMA}</code> and may leave parts out.</p>"
        if schema and schema != SCHEMA
        else ""
    )
    return (
        "<header>"
        f"<h{level}>Coverage comparison</h{level}>"
        f'<p class="lede">{len(report.articles)} article{"s" if len(report.articles) != 1 else ""}, '
        f"{len(report.facts)} fact{'s' if len(report.facts) != 1 else ''}"
        f"{(': ' + _esc(summary)) if summary else ''}.</p>"
        f"{warning}"
        f'<ul class="cards">{"".join(cards)}</ul>'
        "</header>"
    )


def section_nav() -> str:
    links = [
        ("coverage", "Coverage"),
        ("voices", "Voices & sources"),
        ("framing", "Framing"),
        ("timeline", "Timeline"),
        ("emphasis", "Emphasis"),
        ("texts", "Article texts"),
    ]
    return '<nav aria-label="Sections">' + "".join(f'<a href="#{a}">{t}</a>' for a, t in links) + "</nav>"


def _legend() -> str:
    badges = " ".join(f"{_badge(status)} {_esc(STATUS_HELP[status])}" for status in STATUS_ORDER)
    tags = (
        f"{_tag('lead', 'lead', '')} in the opening of the article · "
        f"{_tag('buried', 'buried', '')} near the end · "
        f"{_tag('extra', '+ detail', '')} detail only this outlet gives"
    )
    return f'<p class="legend">{badges}</p><p class="legend">{tags}</p>'


def coverage_section(report: Report) -> str:
    if not report.facts:
        return _section("coverage", "Coverage matrix", '<p class="empty">No facts were compared.</p>')
    columns = len(report.articles) + 2
    head = ['<th scope="col">Fact</th>', '<th scope="col">Status</th>'] + [
        _outlet_head(report, article) for article in report.articles
    ]
    bodies = []
    for f, fact in enumerate(report.facts):
        status = status_of(fact)
        claims = items(fact, "claims")
        reporting = {text_of(claim, "article") for claim in claims}
        cells = []
        for article in report.articles:
            parts = []
            for c, claim in enumerate(claims):
                if text_of(claim, "article") != article.key:
                    continue
                wording = _esc(text_of(claim, "text").strip() or "(no wording)")
                anchor = report.claim_anchor.get((f, c))
                parts.append(
                    f'<a class="claim" href="#{anchor}" title="Show in the article">{wording}</a>'
                    if anchor
                    else f'<span class="claim">{wording}</span>'
                )
            for extra in extra_details(fact, article.key):
                said = "<em>as worded above</em>" if extra.as_worded else _esc(shorten(extra.detail, 120))
                parts.append(
                    f'<div class="extra">{_tag("extra", "+ detail")} '
                    + (f'<span class="kind">{_esc(extra.kind)}:</span> ' if extra.kind else "")
                    + f"{said}</div>"
                )
            spot = placement_of(fact, article.key)
            if spot is not None and parts:
                placement = text_of(spot, "placement").strip().lower()
                position = float_of(spot, "position")
                where = f"at {round(100 * position)}% of the text" if position is not None else ""
                if placement in ("lead", "buried"):
                    parts.append(f'<div class="place">{_tag(placement, placement, where)}</div>')
            # The outlet rides on each cell, for the narrow layout in which cells stack.
            outlet = f'data-outlet="{_esc(article.column)}"'
            if parts:
                cells.append(f'<td class="said" {outlet}>{"".join(parts)}</td>')
            else:
                cells.append(f'<td class="missing" {outlet}>{NOT_REPORTED}</td>')
        notes = []
        for conflict in items(fact, "conflicts"):
            kind = text_of(conflict, "kind").strip()
            who = [
                report.by_key[k].column if k in report.by_key else k for k in strings_of(conflict, "articles")
            ]
            notes.append(
                f'<tr class="note"><td colspan="{columns}"><strong>Conflict'
                + (f" over {_esc(kind)}" if kind else "")
                + f":</strong> {_esc(conflict_sentence(conflict, fact, report.by_key))}"
                + (f' <span class="who">({_esc(" vs ".join(who))})</span>' if who else "")
                + "</td></tr>"
            )
        count = sum(1 for article in report.articles if article.key in reporting)
        copies = sum(1 for article in report.articles if article.key in reporting and article.copy_of)
        bodies.append(
            f'<tbody class="fact st-{_esc(status)}" id="{report.fact_anchor[f]}">'
            f'<tr><th scope="row"><span class="fid">{fact_label(f)}</span> {_esc(fact_title(fact))}</th>'
            f'<td class="status">{_badge(status)}'
            f'<span class="sub">{count} of {len(report.articles)} articles'
            f'{"" if not copies else ", 1 a copy" if copies == 1 else f", {copies} copies"}</span></td>'
            f"{''.join(cells)}</tr>{''.join(notes)}</tbody>"
        )
    body = _legend() + _table(head, bodies, "matrix coverage", table_id="coverage-matrix")
    return _section("coverage", "Coverage matrix", body)


def voices_section(report: Report) -> str:
    speakers = speakers_of(report.comparison)
    head = ['<th scope="col">Speaker</th>'] + [_outlet_head(report, article) for article in report.articles]
    rows = []
    for speaker in speakers:
        cells = []
        for article in report.articles:
            voices = speaker.voices.get(article.key, [])
            if not voices:
                cells.append('<td class="missing">not quoted</td>')
                continue
            parts = []
            for voice in voices:
                direct = text_of(voice, "mode").strip().lower() == "direct"
                words = _esc(shorten(text_of(voice, "text")))
                verb = text_of(voice, "verb").strip()
                parts.append(
                    f'<div class="voice {"direct" if direct else "reported"}">'
                    + _tag("direct" if direct else "reported", "direct quote" if direct else "reported")
                    + (f' <span class="verb">{_esc(verb)}</span>' if verb else "")
                    + (f" <q>{words}</q>" if direct else f' <span class="para">{words}</span>')
                    + (" " + _tag("only", "only here") if voice.get("unique") is True else "")
                    + "</div>"
                )
            cells.append(f'<td class="said">{"".join(parts)}</td>')
        flag = ""
        if speaker.only_one_outlet and len(report.articles) > 1:
            (key,) = speaker.voices
            who = report.by_key[key].column if key in report.by_key else key
            flag = f'<span class="sub">{_tag("only", "one outlet")} only {_esc(who)}</span>'
        rows.append(f'<tr><th scope="row">{_esc(speaker.name)}{flag}</th>{"".join(cells)}</tr>')
    quoted = (
        _table(head, [f"<tbody>{''.join(rows)}</tbody>"], "matrix voices")
        if rows
        else '<p class="empty">No one is quoted.</p>'
    )

    sources = sources_of(report.comparison)
    source_head = ['<th scope="col">Source</th>', '<th scope="col">Kind</th>'] + [
        _outlet_head(report, article) for article in report.articles
    ]
    source_rows = []
    for source in sources:
        cells = []
        for article in report.articles:
            citations = source.citations.get(article.key)
            if citations:
                cells.append(
                    '<td class="said">'
                    + "".join(f"<div>{_esc(shorten(t, 120))}</div>" for t in citations)
                    + "</td>"
                )
            else:
                cells.append('<td class="missing">not cited</td>')
        kinds = ", ".join(kind.replace("_", " ") for kind in source.kinds) or "unknown"
        source_rows.append(
            f'<tr><th scope="row">{_esc(source.name)}</th><td>{_esc(kinds)}</td>{"".join(cells)}</tr>'
        )
    cited = (
        _table(source_head, [f"<tbody>{''.join(source_rows)}</tbody>"], "matrix sources")
        if source_rows
        else '<p class="empty">No sources are cited.</p>'
    )
    return _section(
        "voices", "Voices and sources", f"<h3>Who is quoted</h3>{quoted}<h3>Sources cited</h3>{cited}"
    )


def framing_section(report: Report) -> str:
    frames = items(report.comparison, "framing")
    head = ['<th scope="col">Referent</th>'] + [_outlet_head(report, article) for article in report.articles]
    # A column that would stand empty in every row is left out.
    noted = any(text_of(frame, "note").strip() for frame in frames)
    if noted:
        head.append('<th scope="col">Note</th>')
    rows = []
    for frame in frames:
        cells = []
        for article in report.articles:
            labels = [
                text_of(label, "label")
                for label in items(frame, "labels")
                if text_of(label, "article") == article.key
            ]
            cells.append(
                '<td class="said">'
                + "".join(f'<span class="label">{_esc(x)}</span>' for x in labels)
                + "</td>"
                if labels
                else '<td class="missing">not named</td>'
            )
        note = f'<td class="note-cell">{_esc(text_of(frame, "note"))}</td>' if noted else ""
        rows.append(f'<tr><th scope="row">{_esc(text_of(frame, "referent"))}</th>{"".join(cells)}{note}</tr>')
    table = (
        _table(head, [f"<tbody>{''.join(rows)}</tbody>"], "matrix framing")
        if rows
        else '<p class="empty">No differences in naming were found.</p>'
    )
    loaded = items(report.comparison, "loaded_words")
    blocks = []
    for article in report.articles:
        words = [entry for entry in loaded if text_of(entry, "article") == article.key]
        if not words:
            continue
        listed = "".join(
            f'<li><span class="word">{_esc(text_of(w, "word"))}</span>'
            + (
                ' <span class="quoting">quoting '
                f'{_esc(text_of(w, "quoted_from") or "an unnamed speaker")}</span>'
                if "quoted_from" in w
                else ""
            )
            + (
                f' <span class="context">{_around(text_of(w, "text"), text_of(w, "word"))}</span>'
                if text_of(w, "text")
                else ""
            )
            + "</li>"
            for w in words
        )
        blocks.append(
            f'<div class="words"><h4>{_swatch(report, article)}{_esc(article.column)}</h4>'
            f"<ul>{listed}</ul></div>"
        )
    words_html = (
        f'<div class="word-grid">{"".join(blocks)}</div>'
        if blocks
        else '<p class="empty">No loaded words found.</p>'
    )
    return _section(
        "framing", "Framing", f"<h3>What each outlet calls it</h3>{table}<h3>Loaded words</h3>{words_html}"
    )


# A broken axis. On a uniform axis, dates that lie in clusters far apart (one in 1998, the rest in
# May 2021) leave each cluster a few pixels: every May mark lands on one spot at the right edge.
# Each long empty stretch between clusters is drawn instead as a narrow break, marked as one, and
# the clusters share the width. Positions are plain numbers, in a unit each chart picks (see
# :func:`broken_axis`), so that each keeps the arithmetic it draws with.

#: Pixels a break takes on a broken axis.
BREAK_WIDTH = 24
#: The least width of a cluster's segment: room for its marks and a tick label under them.
_LEAST_SEGMENT = 96
#: Tick labels closer than this, centre to centre, run into one another: a day with its year
#: ("12 Jun 1998") is about 66 pixels wide.
_TICK_SPACING = 70
#: Marks closer than this on a uniform axis run into one another (a day's dot is 10 across).
_CROWDED = 12
#: The mean month of the Gregorian calendar, in days: a gap's length is said in rounded words.
_MONTH_DAYS = 30.436875


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of an axis drawn at one scale: from position ``start`` to ``end`` over the
    pixels ``left`` to ``right``; the data in it lies from ``first`` to ``last``, the rest is
    padding."""

    start: float
    end: float
    left: float
    right: float
    first: float
    last: float


@dataclass(frozen=True, slots=True)
class AxisBreak:
    """A stretch with nothing in it, left out of the axis: from the end of the data before it
    (the last day with data, ``before``) to the start of the data after it (``after``), ``days``
    long, drawn over the pixels ``left`` to ``right``."""

    start: float
    end: float
    left: float
    right: float
    before: date
    after: date
    days: float

    def between(self) -> str:
        return f"between {_day_name(self.before)} and {_day_name(self.after)}"


def _day_name(value: date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _duration(days: float) -> str:
    """A length of time in the words a reader rounds it to: years and months, months, or weeks
    and days."""
    months = int(days / _MONTH_DAYS)
    if months >= 12:
        parts = [(months // 12, "year"), (months % 12, "month")]
    elif months >= 2:
        parts = [(months, "month")]
    else:
        parts = [(int(days) // 7, "week"), (int(days) % 7, "day")]
    said = " ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n)
    return said or "less than a day"


def _number(value: float) -> str:
    """A pixel position as an attribute: whole numbers stay whole, as the charts always wrote
    their edges."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class Axis:
    """Where times lie on a chart: one segment for a uniform axis, or segments with breaks
    between them (see :func:`broken_axis`)."""

    segments: tuple[Segment, ...]
    breaks: tuple[AxisBreak, ...] = ()

    def x(self, value: float) -> float:
        """Where a position lies, held to the ends of the axis."""
        previous: Segment | None = None
        for segment in self.segments:
            if value <= segment.end:
                if value >= segment.start:
                    return segment.left + (segment.right - segment.left) * (value - segment.start) / (
                        segment.end - segment.start)
                if previous is None:
                    return segment.left
                # Inside a break: nothing is drawn there, but the axis stays in order.
                return previous.right + (segment.left - previous.right) * (value - previous.end) / (
                    segment.start - previous.end)
            previous = segment
        return self.segments[-1].right

    def ticks(self, find: Callable[[Segment, float, int], Iterable[tuple[float, str]]],
              most: int) -> list[tuple[float, str]]:
        """The ticks as (place, label). ``find(segment, start, most)`` gives a segment's ticks as
        (position, label), about ``most`` of them at most, none before ``start``. A broken
        axis asks each segment for ticks by its own length, and a share of ``most`` by its width;
        a tick that would crowd the one before it, across a break, is left out."""
        if not self.breaks:
            only = self.segments[0]
            return [(self.x(value), label) for value, label in find(only, only.start, most)]
        width = self.segments[-1].right - self.segments[0].left
        kept: list[tuple[float, str]] = []
        for segment in self.segments:
            start = segment.start
            if kept:
                free = kept[-1][0] + _TICK_SPACING  # the first place a label has room again
                if free >= segment.right:
                    continue
                # Asked to start there, the segment labels its first tick in full (with its year).
                start = max(start, segment.start + (free - segment.left) * (segment.end - segment.start)
                            / (segment.right - segment.left))
            share = max(1, int(most * (segment.right - segment.left) / width))
            for value, label in find(segment, start, share):
                place = self.x(value)
                if not kept or place - kept[-1][0] >= _TICK_SPACING:
                    kept.append((place, label))
        return kept

    def line(self, y: float) -> str:
        """The axis line, with a gap at each break."""
        return "".join(
            f'<line x1="{_number(s.left)}" y1="{y}" x2="{_number(s.right)}" y2="{y}" class="axis"/>'
            for s in self.segments
        )

    def marks(self, top: float, y: float, what: str) -> str:
        """Each break as a white band across the lanes, its edges dashed, and a pair of slanted
        strokes where the axis line stops and starts again; its title says what was left out."""
        drawn = []
        for gap in self.breaks:
            title = f"{_duration(gap.days)} with no {what} left out, {gap.between()}"
            edges = "".join(
                f'<line x1="{edge:.1f}" y1="{top}" x2="{edge:.1f}" y2="{y}" stroke="#c4c9d0" '
                'stroke-width="1" stroke-dasharray="3 3"/>'
                f'<line x1="{edge - 4:.1f}" y1="{y + 6}" x2="{edge + 4:.1f}" y2="{y - 6}" class="axis"/>'
                for edge in (gap.left, gap.right)
            )
            drawn.append(
                f'<g class="axis-break"><title>{_esc(title)}</title>'
                f'<rect x="{gap.left:.1f}" y="{top}" width="{gap.right - gap.left:.1f}" '
                f'height="{y + 8 - top}" fill="#fff"/>{edges}</g>'
            )
        return "".join(drawn)

    def described(self, label: str, what: str) -> str:
        """A chart's accessible name, saying which stretches the axis leaves out."""
        if not self.breaks:
            return label
        gaps = "; ".join(f"{_duration(gap.days)} {gap.between()}" for gap in self.breaks)
        return f"{label}. Stretches with no {what} are shortened on the axis: {gaps}"


def broken_axis(spans: Sequence[tuple[float, float]], frame: Callable[[float, float], tuple[float, float]],
                *, left: float, plot: float, day: float = 1, epoch: int = 0) -> Axis:
    """The axis for marks that cover ``spans`` (start to end; an end is exclusive, unless it
    equals its start, an instant), drawn over ``plot`` pixels from ``left``. Positions are in a
    unit of which ``day`` make a day, counted from the start of the day whose ``toordinal`` is
    ``epoch``: by default ordinals themselves. ``frame(first, last)`` is the stretch a chart shows
    for data from ``first`` to ``last``: its own padding and least length. Without a long empty
    stretch the axis is that frame, uniform; with one or more, each is a break of
    :data:`BREAK_WIDTH` pixels."""
    clusters = [sorted(spans)]
    # As many segments as fit at their least width.
    room_for = max(1, int((plot + BREAK_WIDTH) // (_LEAST_SEGMENT + BREAK_WIDTH)))
    while True:
        extents, domains, widths = _layout(clusters, frame, plot)
        parts = [
            _split(cluster, day) if _crowded(cluster, width / (end - start)) else [cluster]
            for cluster, (start, end), width in zip(clusters, domains, widths, strict=True)
        ]
        if all(len(part) == 1 for part in parts):
            break
        clusters = [cluster for part in parts for cluster in part]
        if len(clusters) >= room_for:
            # The shortest gaps stay on the axis.
            while len(clusters) > room_for:
                shortest = min(range(len(clusters) - 1),
                               key=lambda i: clusters[i + 1][0][0] - max(end for _, end in clusters[i]))
                clusters[shortest:shortest + 2] = [clusters[shortest] + clusters[shortest + 1]]
            extents, domains, widths = _layout(clusters, frame, plot)
            break
    segments: list[Segment] = []
    breaks: list[AxisBreak] = []
    place = float(left)
    for number, ((low, high), (start, end), wide) in enumerate(zip(extents, domains, widths, strict=True)):
        if number:
            before = segments[-1]
            # The last day with data before the break: an instant's own day, else the day before
            # an exclusive end.
            ends_at = max(clusters[number - 1], key=lambda span: span[1])
            last_day = (math.floor(ends_at[1] / day) if ends_at[0] == ends_at[1]
                        else math.ceil(ends_at[1] / day) - 1)
            first_day = math.floor(low / day)
            breaks.append(AxisBreak(before.last, low, place, place + BREAK_WIDTH,
                                    date.fromordinal(epoch + last_day), date.fromordinal(epoch + first_day),
                                    (low - before.last) / day))
            place += BREAK_WIDTH
        segments.append(Segment(start, end, place, place + wide, low, high))
        place += wide
    return Axis(tuple(segments), tuple(breaks))


def _split(cluster: list[tuple[float, float]], day: float) -> list[list[tuple[float, float]]]:
    """Sorted spans split at each stretch that is long enough to leave out: long in itself and
    next to the whole. Under a week it reads well on an axis of days, and would hide the week's
    rhythm of the news; under a sixth of the whole, removing it would give the rest little more
    room, for a scale that is no longer even."""
    lowest, highest = cluster[0][0], max(end for _, end in cluster)
    least_gap = max(7 * day, 0.15 * (highest - lowest))
    parts: list[list[tuple[float, float]]] = []
    reach = lowest
    for span in cluster:
        if not parts or span[0] - reach > least_gap:
            parts.append([])
        parts[-1].append(span)
        reach = max(reach, span[1])
    return parts


def _crowded(cluster: list[tuple[float, float]], scale: float) -> bool:
    """Whether marks run into one another at ``scale`` pixels a unit. An axis breaks only to give
    crowded marks room: dates a month apart each, however long the gaps between them, are read
    best on a scale that is even."""
    centres = sorted({(start + end) / 2 for start, end in cluster})
    return any((later - earlier) * scale < _CROWDED for earlier, later in itertools.pairwise(centres))


def _layout(clusters: list[list[tuple[float, float]]], frame: Callable[[float, float], tuple[float, float]],
            plot: float) -> tuple[list[tuple[float, float]], list[tuple[float, float]], list[float]]:
    """For each cluster: the extent of its data, the stretch its segment shows, and its width."""
    extents = [(cluster[0][0], max(end for _, end in cluster)) for cluster in clusters]
    domains = [list(frame(low, high)) for low, high in extents]
    for number in range(len(domains) - 1):
        # Neighbours' padding must not meet: a third of the gap at least is left out.
        gap = extents[number + 1][0] - extents[number][1]
        domains[number][1] = min(domains[number][1], extents[number][1] + gap / 3)
        domains[number + 1][0] = max(domains[number + 1][0], extents[number + 1][0] - gap / 3)
    # The segments share the width by how many different places their marks take, not by their
    # length: the segments are on scales of their own already, and a year's single bar needs
    # less room than a month of daily marks. Each gets half of an even share at least, so that
    # a single day is a place on the axis with its own tick, not a hairline.
    count = len(domains)
    room = plot - BREAK_WIDTH * (count - 1)
    least = max(float(_LEAST_SEGMENT), room / (2 * count))
    lengths = [float(len({(start + end) / 2 for start, end in cluster})) for cluster in clusters]
    narrow: set[int] = set()
    while True:
        free = room - least * len(narrow)
        rest = sum(length for number, length in enumerate(lengths) if number not in narrow)
        short = {number for number, length in enumerate(lengths)
                 if number not in narrow and free * length / rest < least}
        if not short or len(narrow | short) == count:
            break
        narrow |= short
    widths = [least if number in narrow else free * length / rest for number, length in enumerate(lengths)]
    return extents, [(low, high) for low, high in domains], widths


def _ticks(first: date, last: date, most: int = 10) -> list[tuple[date, str]]:
    """Axis ticks at days, months or years depending on the range, about ``most`` at most."""
    days = (last - first).days
    ticks: list[tuple[date, str]] = []
    if days <= 60:
        step = max(1, -(-days // most))
        current = first
        while current <= last:
            label = f"{current.day} {MONTHS[current.month - 1]}"
            new_year = not ticks or ticks[-1][0].year != current.year
            ticks.append((current, f"{label} {current.year}" if new_year else label))
            current += timedelta(days=step)
        return ticks
    if days <= 3 * 366:
        months = (last.year - first.year) * 12 + last.month - first.month
        step = max(1, -(-months // most))
        current = _add_months(date(first.year, first.month, 1), 0 if first.day == 1 else 1)
        while current <= last:
            label = MONTHS[current.month - 1]
            # The year on the first tick and on the first of each new year, whatever its month.
            new_year = not ticks or ticks[-1][0].year != current.year
            ticks.append((current, f"{label} {current.year}" if new_year else label))
            current = _add_months(current, step)
        return ticks
    step = max(1, -(-(last.year - first.year) // most))
    year = first.year if first == date(first.year, 1, 1) else first.year + 1
    while year <= last.year:
        ticks.append((date(year, 1, 1), str(year)))
        year += step
    return ticks


def _timeline_svg(report: Report, dated: list[tuple[Mapping[str, Any], Span]]) -> str:
    width, left, right, top, row = 1000, LANE_LABELS, 24, 12, 16
    plot = width - left - right

    def frame(first: float, last: float) -> tuple[float, float]:
        if last - first < 7:  # a single day would otherwise fill the whole axis
            first, last = first - 3, last + 3
        pad = max(1, (last - first) // 40)
        return first - pad, last + pad

    scale = broken_axis([(span.start.toordinal(), span.end.toordinal()) for _, span in dated], frame,
                        left=left, plot=plot)

    def x(day: date) -> float:
        return scale.x(day.toordinal())

    def ticks(segment: Segment, start: float, most: int) -> list[tuple[float, str]]:
        # Between breaks, a segment's day ticks count from its first date, so that a lone day
        # has a tick of its own under it.
        begin = max(start, segment.first) if scale.breaks else start
        days = _ticks(date.fromordinal(math.ceil(begin)), date.fromordinal(math.floor(segment.end)), most)
        return [(day.toordinal(), label) for day, label in days]

    def drawn(span: Span) -> tuple[float, float]:
        """Where a mark is drawn: a day is a dot of radius 5; any longer interval keeps a minimum
        width, centred on it, so that a month far from the others does not shrink to a dot."""
        start, end = x(span.start), x(span.end)
        wide = 10.0 if span.grain == "day" else max(end - start, 14.0)
        return (start + end - wide) / 2, (start + end + wide) / 2

    # One lane per article; within a lane, items that would overlap go on extra rows.
    lanes: dict[str, list[tuple[Mapping[str, Any], Span, int]]] = {}
    for entry, span in dated:
        lane = lanes.setdefault(text_of(entry, "article"), [])
        ends: dict[int, float] = {}
        for _, other, level in lane:
            ends[level] = max(ends.get(level, 0.0), drawn(other)[1])
        level = 0
        while level in ends and ends[level] > drawn(span)[0] - 3:
            level += 1
        lane.append((entry, span, level))
    order = [a.key for a in report.articles if a.key in lanes] + [k for k in lanes if k not in report.by_key]

    marks: list[str] = []
    backdrop: list[str] = []
    labels: list[str] = []
    y = top
    for lane_number, key in enumerate(order):
        article = report.by_key.get(key)
        colour = article.colour if article else "#444444"
        name = article.column if article else key
        height = (max(level for _, _, level in lanes[key]) + 1) * row + 10
        backdrop.append(
            f'<rect x="0" y="{y}" width="{width}" height="{height}" '
            f'class="lane{" alt" if lane_number % 2 else ""}"/>'
        )
        labels.append(
            f'<circle cx="10" cy="{y + height / 2:.1f}" r="5" fill="{colour}"/>'
            f'<text x="20" y="{y + height / 2 + 4:.1f}" class="lane-label">{_esc(shorten(name, 26))}</text>'
        )
        for entry, span, level in lanes[key]:
            centre = y + 5 + level * row + row / 2
            hint = (
                f"{name}: {text_of(entry, 'expression') or text_of(entry, 'date')} "
                f"({text_of(entry, 'date')}, {text_of(entry, 'precision') or span.grain})"
            )
            title = f"<title>{_esc(hint)}</title>"
            if span.grain == "day":
                marks.append(
                    f'<circle class="tl-mark day" cx="{sum(drawn(span)) / 2:.1f}" '
                    f'cy="{centre:.1f}" r="5" fill="{colour}" stroke="#fff" stroke-width="1.5">'
                    f"{title}</circle>"
                )
            else:
                start, end = drawn(span)
                wide = end - start
                # Months and weeks are solid bars; years and decades are hollow and dashed, so a
                # vague date never looks as certain as a precise one.
                vague = span.grain in ("year", "decade")
                style = (
                    f'fill="{colour}" fill-opacity="0.12" stroke="{colour}" stroke-width="1.5" '
                    'stroke-dasharray="4 3"'
                    if vague
                    else f'fill="{colour}" fill-opacity="0.55" stroke="{colour}" stroke-width="1"'
                )
                marks.append(
                    f'<rect class="tl-mark {span.grain}" x="{start:.1f}" y="{centre - 5:.1f}" '
                    f'width="{wide:.1f}" height="10" rx="{0 if vague else 2}" {style}>{title}</rect>'
                )
        y += height
    axis = y + 6
    # The anchor is an attribute, not CSS: a stylesheet rule would override it, and a label near
    # the right edge must end at its tick so that it is not cut off.
    tick_marks = "".join(
        f'<line x1="{place:.1f}" y1="{top}" x2="{place:.1f}" y2="{axis + 5}" class="grid"/>'
        f'<text x="{place:.1f}" y="{axis + 20}" class="tick" '
        f'text-anchor="{tick_anchor(place, left, width)}">{_esc(label)}</text>'
        for place, label in scale.ticks(ticks, 10)
    )
    height = axis + 32
    return lane_chart(
        width=width, height=height, backdrop="".join(backdrop), labels="".join(labels),
        plot=f"{tick_marks}{scale.marks(top, axis, 'dates')}{scale.line(axis)}{''.join(marks)}",
        css="timeline", label=scale.described("Timeline of dated events, one lane per outlet", "dates"),
    )


def tick_anchor(place: float, left: float, width: float) -> str:
    """How a tick label lies on its tick: one near an edge of the plot starts or ends there, so
    that it is not cut off (the plot is drawn apart from the lane labels, and clips at both)."""
    return "start" if place < left + 45 else "end" if place > width - 70 else "middle"


#: Width of the lane labels of the charts, in their units (pixels, at full size).
LANE_LABELS = 225


def lane_chart(*, width: int, height: float, backdrop: str, labels: str, plot: str, css: str,
               label: str) -> str:
    """A chart of one lane per outlet as two SVGs side by side, in a box that scrolls sideways:
    the lane labels, which stay in place, and the plot, which scrolls under them on a narrow
    screen. Both are drawn at one scale, in one coordinate system (the plot's view starts where
    the labels end), so that a lane's label and its marks stay level. ``backdrop`` is drawn in
    both, ``labels`` in the first (x below :data:`LANE_LABELS`), ``plot`` in the second."""
    svg = 'xmlns="http://www.w3.org/2000/svg"'
    rest = width - LANE_LABELS
    return (
        '<div class="scroll tl-box lane-chart"><div class="chart-row">'
        f'<svg class="lanes" viewBox="0 0 {LANE_LABELS} {height}" width="{LANE_LABELS}" height="{height}" '
        f'aria-hidden="true" {svg}>{backdrop}{labels}</svg>'
        f'<svg class="{css}" viewBox="{LANE_LABELS} 0 {rest} {height}" width="{rest}" height="{height}" '
        f'role="img" aria-label="{_esc(label)}" {svg}>{backdrop}{plot}</svg>'
        "</div></div>"
    )


def timeline_section(report: Report) -> str:
    entries = timeline_of(report.comparison)
    if not entries:
        return _section("timeline", "Timeline", '<p class="empty">No dates were found.</p>')
    dated = [(entry, span) for entry, span in entries if span is not None]
    svg = _timeline_svg(report, dated) if dated else ""
    key = (
        '<p class="legend"><svg width="150" height="14" aria-hidden="true">'
        '<circle cx="7" cy="7" r="5" fill="#555"/><text x="16" y="11" class="k">day</text>'
        '<rect x="48" y="2" width="22" height="10" rx="2" fill="#555" fill-opacity="0.55" stroke="#555"/>'
        '<text x="74" y="11" class="k">month/week</text></svg>'
        '<svg width="70" height="14" aria-hidden="true"><rect x="1" y="2" width="22" height="10" rx="0" '
        'fill="#555" fill-opacity="0.12" stroke="#555" stroke-dasharray="4 3"/>'
        '<text x="28" y="11" class="k">year</text></svg> Hover over a mark for its wording; the list '
        'below gives every date with its sentence, on touch screens too. On a narrow screen the axis '
        'opens at its latest dates and scrolls back sideways, the outlets staying in view.</p>'
        if dated
        else ""
    )
    # An outlet with no date on the axis would otherwise just be missing from it.
    timed = {text_of(entry, "article") for entry, span in entries if span is not None}
    undated = [a.column for a in report.articles if a.key not in timed]
    if undated:
        key += f'<p class="legend">No date on the axis from: {_esc(", ".join(undated))}.</p>'
    rows = []
    for entry, span in entries:
        article = report.by_key.get(text_of(entry, "article"))
        who = (
            f"{_swatch(report, article)}{_esc(article.column)}"
            if article
            else _esc(text_of(entry, "article"))
        )
        precision = text_of(entry, "precision").strip() or (span.grain if span else "")
        context = excerpt(text_of(entry, "text"), text_of(entry, "expression"), 160)
        rows.append(
            "<li>"
            f'<span class="when">{_esc(readable_when(text_of(entry, "date")) or "undated")}</span> '
            + (f'<span class="tag tag-grain">{_esc(precision)}</span> ' if precision else "")
            + f'<span class="who">{who}</span>: '
            f'<span class="expr">“{_esc(text_of(entry, "expression"))}”</span>'
            + (
                f' <span class="context">{_esc(context)}</span>'
                if text_of(entry, "text")
                else ""
            )
            + ("" if span else " <em>(not placed on the axis)</em>")
            + "</li>"
        )
    return _section(
        "timeline",
        "Timeline",
        f'{key}{svg}<ol class="events">{"".join(rows)}</ol>',
    )


def _bar(share: float, top: float) -> str:
    """A share as an SVG bar (SVG fills print even where CSS backgrounds are dropped)."""
    width = 0.0 if top <= 0 else 100 * share / top
    return (
        '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
        '<rect width="100" height="10" fill="#e6e8eb"/>'
        f'<rect width="{width:.1f}" height="10" fill="#3b5b92"/></svg>'
    )


def emphasis_section(report: Report) -> str:
    outlets = outlets_of(report.comparison, report.articles)
    if not report.facts or not outlets:
        return _section("emphasis", "Emphasis", '<p class="empty">No emphasis data.</p>')
    top = max((value for outlet in outlets for value in outlet.share.values()), default=0.0)
    head = ['<th scope="col">Fact</th>'] + [f'<th scope="col">{_esc(o.name)}</th>' for o in outlets]
    rows = []
    for f, fact in enumerate(report.facts):
        fact_id = text_of(fact, "id")
        cells = []
        for outlet in outlets:
            share = outlet.share.get(fact_id)
            places = []
            for key in outlet.articles:
                spot = placement_of(fact, key)
                placement = text_of(spot, "placement").strip().lower() if spot is not None else ""
                if placement in ("lead", "buried"):
                    places.append(_tag(placement, placement))
            if share is None and not places:
                cells.append(f'<td class="missing">{NOT_REPORTED}</td>')
                continue
            value = (
                f'{_bar(share, top)}<span class="pct">{100 * share:.0f}%</span>' if share is not None else ""
            )
            cells.append(f'<td class="share">{value}{"".join(places)}</td>')
        rows.append(
            f'<tr><th scope="row"><a href="#{report.fact_anchor[f]}" class="fid">{fact_label(f)}</a> '
            f"{_esc(shorten(fact_title(fact), 70))}</th>{''.join(cells)}</tr>"
        )
    note = (
        '<p class="legend">Share of each outlet\'s text given to each fact; bars are scaled to the '
        "largest share in the table.</p>"
    )
    return _section("emphasis", "Emphasis", note + _table(head, [f"<tbody>{''.join(rows)}</tbody>"], "emph"))


def highlighted_text(report: Report, article: Article) -> str:
    """The article text with claim spans marked; every piece of text is escaped on its own, so
    offsets can never split an entity or open a tag."""
    out: list[str] = []
    cursor = 0
    text = article.text
    for mark in report.highlights.get(article.key, []):
        out.append(_esc(text[cursor : mark.start]))
        fact = report.facts[mark.fact]
        status = status_of(fact)
        hint = f"{fact_label(mark.fact)} · {STATUS_LABEL.get(status, status)}: {fact_title(fact)}"
        out.append(
            f'<mark class="hl st-{_esc(status)}" id="{mark.anchor}">'
            f'<a href="#{report.fact_anchor[mark.fact]}" title="{_esc(hint)}">'
            f"{_esc(text[mark.start : mark.end])}</a></mark>"
        )
        refs = (mark.fact, *mark.also)
        out.append(
            '<sup class="ref">'
            + " ".join(f'<a href="#{report.fact_anchor[r]}">{fact_label(r)}</a>' for r in refs)
            + "</sup>"
        )
        cursor = mark.end
    out.append(_esc(text[cursor:]))
    return "".join(out)


def texts_section(report: Report) -> str:
    blocks = []
    for article in report.articles:
        link = safe_url(article.url)
        meta = " · ".join(
            _esc(part)
            for part in (
                article.outlet or article.key,
                article.country,
                article.language,
                pretty_date(article.published),
            )
            if part
        )
        source = f' · <a href="{_esc(link)}" rel="noopener noreferrer">original</a>' if link else ""
        body = (
            f'<div class="text">{highlighted_text(report, article)}</div>'
            if article.text
            else '<p class="empty">No text.</p>'
        )
        blocks.append(
            f'<article {_colour(report, article, "article", "border-left-color")} '
            f'id="{report.article_anchor[article.key]}">'
            f"<h3>{_esc(article.heading)}</h3>"
            f'<p class="meta">{_swatch(report, article)}{meta}{source}</p>{body}</article>'
        )
    return _section("texts", "Article texts", "".join(blocks) or '<p class="empty">No articles.</p>')


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{_esc(title)}</h2>{body}</section>'


_CSS = """
:root{--ink:#1c1f23;--muted:#59606a;--line:#d5d9de;--soft:#f5f6f8;--link:#1d4fa0}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:#fff}
main{max-width:1200px;margin:0 auto;padding:24px 20px 60px}
h1{font-size:1.9rem;margin:0 0 4px}
h2{font-size:1.35rem;margin:40px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--ink)}
h3{font-size:1.05rem;margin:22px 0 8px}
h4{font-size:.95rem;margin:0 0 6px}
a{color:var(--link)}
.lede{color:var(--muted);margin:0 0 14px}
.warn{background:#fff4d6;border:1px solid #b7791f;padding:6px 10px;border-radius:4px}
.empty{color:var(--muted);font-style:italic}
nav{display:flex;flex-wrap:wrap;gap:6px 16px;padding:8px 0;border-top:1px solid var(--line);
border-bottom:1px solid var(--line);margin:10px 0 0;font-size:.9rem}
.cards{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));
gap:10px}
.card{border:1px solid var(--line);border-top:4px solid var(--ink);border-radius:6px;padding:10px 12px;
background:var(--soft)}
.card .outlet{font-weight:700}
.card .meta,.card .url{color:var(--muted);font-size:.85rem;overflow-wrap:anywhere}
.card .title{margin-top:4px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;vertical-align:baseline;
print-color-adjust:exact;-webkit-print-color-adjust:exact}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid var(--line);padding:8px 10px;text-align:left;vertical-align:top}
thead th{background:var(--soft);font-weight:600}
tbody th{font-weight:600;min-width:150px;max-width:240px}
td{min-width:118px}
.sub{display:block;font-weight:400;font-size:.78rem;color:var(--muted);margin-top:2px}
.fid{font:600 .75rem ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted);margin-right:4px}
a.fid{text-decoration:none}
td.missing{color:#7a2f2f;font-style:italic;
background:repeating-linear-gradient(135deg,#fff,#fff 6px,#f7f2f2 6px,#f7f2f2 12px)}
td.status{min-width:96px}
.claim{display:block;color:var(--ink);text-decoration:none;border-left:3px solid var(--line);padding-left:7px;
margin-bottom:4px}
a.claim:hover{text-decoration:underline}
.badge{display:inline-block;font-size:.75rem;font-weight:700;padding:1px 8px;border-radius:10px;
border:1px solid;print-color-adjust:exact;-webkit-print-color-adjust:exact}
.st-consensus .badge,.badge.st-consensus{background:#e3f4e8;border-color:#1a7f37;color:#0f5323}
.badge.st-conflict{background:#fde8e8;border-color:#c62828;color:#8e1b1b}
.badge.st-partial{background:#fff4d6;border-color:#b7791f;color:#6b4600}
.badge.st-unique{background:#e8eefc;border-color:#3558b5;color:#223d85}
.badge.st-unknown{background:#eee;border-color:#777;color:#333}
tbody.fact{border-left:5px solid transparent}
tbody.fact:target{outline:3px solid #f2b705;outline-offset:-3px}
tbody.st-consensus{border-left-color:#1a7f37}
tbody.st-conflict{border-left-color:#c62828}
tbody.st-partial{border-left-color:#b7791f}
tbody.st-unique{border-left-color:#3558b5}
tbody.st-consensus .claim{border-left-color:#8fd3a4}
tbody.st-conflict .claim{border-left-color:#f0a0a0}
tbody.st-partial .claim{border-left-color:#f0cd7a}
tbody.st-unique .claim{border-left-color:#a9bdf0}
tr.note td{background:#fdf1f1;color:#6d1717;font-size:.88rem;border-top:1px dashed #e2a3a3}
.who{color:var(--muted)}
.tag{display:inline-block;font-size:.7rem;font-weight:600;letter-spacing:.02em;text-transform:uppercase;
padding:0 5px;border-radius:3px;border:1px solid #999;color:#333;background:#fff;vertical-align:1px}
.tag-lead{border-color:#1d4fa0;color:#1d4fa0}
.tag-buried{border-color:#7a4b00;color:#7a4b00;background:#fff7e6}
.tag-extra{border-color:#5b2d8e;color:#5b2d8e;background:#f4eefb}
.tag-only{border-color:#8e1b1b;color:#8e1b1b}
.tag-direct{border-color:#0f5323;color:#0f5323}
.tag-reported{border-color:#59606a;color:#59606a}
.tag-grain{text-transform:none}
.extra{font-size:.85rem;margin:4px 0}
.extra .kind{color:var(--muted)}
.place{margin-top:4px}
.voice{margin-bottom:6px}
.voice .verb{font-style:italic;color:var(--muted)}
.voice .para{font-style:italic}
q{quotes:"\\201C" "\\201D"}
.label{display:inline-block;background:var(--soft);border:1px solid var(--line);border-radius:4px;
padding:0 6px;margin:0 4px 4px 0}
.note-cell{color:var(--muted);font-size:.85rem;min-width:200px}
.word-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}
.words{border:1px solid var(--line);border-radius:6px;padding:10px 12px}
.words ul{margin:0;padding-left:18px}
.word{font-weight:700}
.context{color:var(--muted);font-size:.85rem}
.quoting{font-size:.85rem;font-style:italic}
.legend{font-size:.85rem;color:var(--muted);margin:6px 0}
.legend svg{vertical-align:middle;margin-right:6px}
svg .k{font:11px system-ui,sans-serif;fill:#333}
.tl-box{margin:8px 0}
svg.timeline{display:block;background:#fff}
.lane-chart{--k:1}
.chart-row{display:flex;width:max-content}
.chart-row svg{display:block;flex:none;height:auto}
svg.lanes{position:sticky;left:0;z-index:1;width:calc(225px * var(--k));background:#fff;
box-shadow:3px 0 4px -2px rgba(0,0,0,.18)}
.chart-row svg.timeline{width:calc(775px * var(--k))}
svg .lane{fill:#fff}
svg .lane.alt{fill:#f5f6f8}
svg .lane-label{font:600 13px system-ui,sans-serif;fill:#1c1f23}
svg .tick{font:12px system-ui,sans-serif;fill:#59606a}
svg .grid{stroke:#e3e6ea;stroke-width:1}
svg .axis{stroke:#59606a;stroke-width:1.5}
ol.events{padding-left:22px}
ol.events li{margin:4px 0}
.when{font:600 .85rem ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.expr{font-style:italic}
table.emph td{min-width:100px}
td.share .tag{margin-top:2px}
svg.bar{width:56px;height:10px;vertical-align:middle;margin-right:6px}
.pct{font-variant-numeric:tabular-nums;display:inline-block;min-width:34px;margin-right:4px}
.article{border-left:5px solid var(--ink);padding:4px 0 4px 16px;margin:22px 0}
.article h3{margin:0 0 2px}
.article .meta{color:var(--muted);font-size:.85rem;margin:0 0 8px}
.text{white-space:pre-wrap;overflow-wrap:anywhere;max-width:75ch;line-height:1.65}
mark.hl{border-radius:2px;padding:0 1px;print-color-adjust:exact;-webkit-print-color-adjust:exact}
mark.hl a{color:inherit;text-decoration:none}
mark.hl:target{outline:2px solid #f2b705}
mark.st-consensus{background:#cdeed6}
mark.st-conflict{background:#f9cfcf}
mark.st-partial{background:#fbe5ad}
mark.st-unique{background:#d6e0fa}
mark.st-unknown{background:#e5e5e5}
sup.ref{font-size:.68rem;margin-left:1px}
sup.ref a{text-decoration:none;color:var(--muted)}
footer{margin-top:40px;color:var(--muted);font-size:.8rem}
@media (max-width:640px){
main{padding:14px 10px 40px}
h1{font-size:1.5rem}
tbody th{min-width:120px}
td{min-width:130px}
table.coverage thead{display:none}
table.coverage tr,table.coverage th,table.coverage td{display:block;min-width:0;max-width:none}
table.coverage td[data-outlet]::before{content:attr(data-outlet);display:block;font-weight:600;
font-size:.8rem;color:var(--muted);margin-bottom:2px}
.scroll:has(table.coverage){overflow-x:visible}
.lane-chart{--k:.8}
}
/* A chart wider than its box opens at its right end, the latest dates, where a story's own
events lie (a right-to-left box starts scrolled there); its content stays left-to-right. */
@media (max-width:1040px){
.lane-chart{direction:rtl}
.chart-row{direction:ltr}
}
@media print{
nav{display:none}
main{max-width:none;padding:0}
body{font-size:11pt}
.scroll{overflow:visible;border:0}
tbody.fact,tr,.article,.words{break-inside:avoid}
h2{break-after:avoid}
a{color:inherit}
}
"""


def stylesheet() -> str:
    """The report's CSS plus the outlet colour classes, for pages that link a stylesheet."""
    colours = "".join(
        f".swatch.oc-{i}{{background:{c}}}.card.oc-{i}{{border-top-color:{c}}}"
        f".article.oc-{i}{{border-left-color:{c}}}\n"
        for i, c in enumerate(OUTLET_COLOURS)
    )
    return _CSS + colours


def render_html(comparison: Mapping[str, Any]) -> str:
    """The comparison as one HTML5 document: inline CSS, no script, no external resource."""
    report = build_report(comparison)
    first_title = next((article.heading for article in report.articles
                        if article.heading != "(untitled)"), "")
    title = f"Coverage comparison: {first_title}" if first_title else "Coverage comparison"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body><main>"
        f"{header_section(report)}{section_nav()}{coverage_section(report)}{voices_section(report)}{framing_section(report)}"
        f"{timeline_section(report)}{emphasis_section(report)}{texts_section(report)}"
        f"<footer>Data: <code>{_esc(text_of(comparison, 'schema') or 'unversioned')}</code>. "
        "Offline report: it loads nothing and runs no script.</footer>"
        "</main></body></html>\n"
    )
