"""A comparison as Markdown: the same sections as the HTML report, for notes, issues and diffs.

Article text is untrusted, and Markdown viewers turn punctuation into structure (and often pass
raw HTML through), so every article-derived string is backslash-escaped: ``\\<script>`` shows as
text in any CommonMark viewer, ``\\|`` cannot split a table cell, and ``\\*`` cannot start
emphasis. What is shown, and in which order, comes from the same helpers as the HTML report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from parallax.render.html import (
    NOT_REPORTED,
    SCHEMA,
    STATUS_HELP,
    STATUS_LABEL,
    STATUS_ORDER,
    Article,
    articles_of,
    conflict_sentence,
    excerpt,
    extra_details,
    fact_label,
    fact_title,
    items,
    locate,
    ordered_facts,
    outlets_of,
    placement_of,
    pretty_date,
    readable_when,
    safe_url,
    shorten,
    sources_of,
    speakers_of,
    status_of,
    strings_of,
    text_of,
    timeline_of,
)

# CommonMark lets a backslash escape any ASCII punctuation; these are the characters that can
# start markup inline (links, emphasis, code, raw HTML, entities, GFM tables and strikethrough).
_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
# Characters that only mean something at the start of a line (headings, lists, quotes, rules).
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


def md(value: object) -> str:
    """Inline text, escaped; line breaks are kept."""
    return _INLINE.sub(r"\\\1", str(value))


def _escape_start(match: re.Match[str]) -> str:
    marker = match.group(2)
    if marker[0].isdigit():  # "1." would start an ordered list; escape its punctuation
        return f"{match.group(1)}{marker[:-1]}\\{marker[-1]}"
    return f"{match.group(1)}\\{marker}"


def cell(value: object) -> str:
    """A table cell from raw text: escaped, newlines as <br>, never empty."""
    return joined([md(value)])


def joined(parts: Iterable[str]) -> str:
    """A table cell from already escaped parts, one per line. A raw newline would end the table
    row, so line breaks become <br> (the only break GFM tables allow)."""
    lines = [re.sub(r"\s*\n\s*", "<br>", part.strip()) for part in parts]
    return "<br>".join(line for line in lines if line) or " "


def _table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A GFM table; ``head`` and ``rows`` hold finished cells (already escaped)."""
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return [*lines, ""]


def _column(article: Article) -> str:
    return cell(article.column)


def _header(articles: Sequence[Article], facts: Sequence[Mapping[str, Any]], schema: str) -> list[str]:
    counts = {status: sum(1 for fact in facts if status_of(fact) == status) for status in STATUS_ORDER}
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    lines = [
        "# Coverage comparison",
        "",
        f"{len(articles)} article{'s' if len(articles) != 1 else ''}, {len(facts)} "
        f"fact{'s' if len(facts) != 1 else ''}{': ' + summary if summary else ''}.",
        "",
    ]
    if schema and schema != SCHEMA:
        lines += [f"> This data says it is {md(schema)}; the report was written for `{SCHEMA}`.", ""]
    by_key = {article.key: article for article in articles}
    for article in articles:
        parts = [f"**{md(article.outlet or article.key)}**"]
        meta = ", ".join(
            part for part in (article.country, article.language, pretty_date(article.published)) if part
        )
        if meta:
            parts.append(f"({md(meta)})")
        parts.append(f"— {md(article.heading)}")
        link = safe_url(article.url)
        # An autolink only for http(s) URLs without characters that would end it early.
        if link and not re.search(r"[<>\s]", link):
            parts.append(f"<{link}>")
        elif article.url:
            parts.append(md(article.url))
        original = by_key.get(article.copy_of)
        if original is not None:
            parts.append(f"*(a syndicated copy of {md(original.outlet or original.key)}: its facts count "
                         "with the original's outlet)*")
        lines.append("- " + " ".join(parts))
    return [*lines, ""]


def _coverage(articles: Sequence[Article], facts: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = ["## Coverage matrix", ""]
    if not facts:
        return [*lines, "No facts were compared.", ""]
    lines += [
        "Status: " + "; ".join(f"**{STATUS_LABEL[s]}**: {STATUS_HELP[s]}" for s in STATUS_ORDER) + ".",
        "*(lead)* and *(buried)* mark where in the article a fact appears; *+ detail* marks detail "
        "only that outlet gives.",
        "",
    ]
    by_key = {article.key: article for article in articles}
    head = ["#", "Fact", "Status", *(_column(article) for article in articles)]
    rows = []
    conflicts = []
    for f, fact in enumerate(facts):
        status = status_of(fact)
        row = [fact_label(f), cell(fact_title(fact)), STATUS_LABEL.get(status, "Unclassified")]
        for article in articles:
            parts = [
                md(text_of(claim, "text").strip() or "(no wording)")
                for claim in items(fact, "claims")
                if text_of(claim, "article") == article.key
            ]
            for extra in extra_details(fact, article.key):
                said = "*as worded above*" if extra.as_worded else md(shorten(extra.detail, 120))
                parts.append(f"*+ detail* {md(extra.kind) + ': ' if extra.kind else ''}{said}")
            spot = placement_of(fact, article.key)
            placement = text_of(spot, "placement").strip().lower() if spot is not None else ""
            if parts and placement in ("lead", "buried"):
                parts.append(f"*({placement})*")
            row.append(joined(parts) if parts else f"*{NOT_REPORTED}*")
        rows.append(row)
        for conflict in items(fact, "conflicts"):
            kind = text_of(conflict, "kind").strip()
            who = [by_key[k].column if k in by_key else k for k in strings_of(conflict, "articles")]
            conflicts.append(
                f"- **{fact_label(f)} conflict{' over ' + md(kind) if kind else ''}:** "
                f"{md(' '.join(conflict_sentence(conflict, fact, by_key).split()))}"
                + (f" ({md(' vs '.join(who))})" if who else "")
            )
    lines += _table(head, rows)
    if conflicts:
        lines += ["**Conflicts**", "", *conflicts, ""]
    return lines


def _voices(comparison: Mapping[str, Any], articles: Sequence[Article]) -> list[str]:
    by_key = {article.key: article for article in articles}
    lines = ["## Voices and sources", "", "### Who is quoted", ""]
    speakers = speakers_of(comparison)
    if speakers:
        rows = []
        for speaker in speakers:
            name = md(speaker.name)
            if speaker.only_one_outlet and len(articles) > 1:
                (key,) = speaker.voices
                name += f" *(only {md(by_key[key].column if key in by_key else key)})*"
            row = [joined([name])]
            for article in articles:
                parts = []
                for voice in speaker.voices.get(article.key, []):
                    direct = text_of(voice, "mode").strip().lower() == "direct"
                    words = md(shorten(text_of(voice, "text")))
                    verb = md(text_of(voice, "verb").strip())
                    said = f"“{words}”" if direct else f"*{words}*" if words else ""
                    parts.append(
                        f"{'direct' if direct else 'reported'}: {verb + ' ' if verb else ''}{said}"
                        + (" *(only here)*" if voice.get("unique") is True else "")
                    )
                row.append(joined(parts) if parts else "*not quoted*")
            rows.append(row)
        lines += _table(["Speaker", *(_column(a) for a in articles)], rows)
    else:
        lines += ["No one is quoted.", ""]
    lines += ["### Sources cited", ""]
    sources = sources_of(comparison)
    if sources:
        rows = []
        for source in sources:
            kinds = ", ".join(kind.replace("_", " ") for kind in source.kinds) or "unknown"
            row = [cell(source.name), cell(kinds)]
            for article in articles:
                cited = source.citations.get(article.key)
                row.append(joined(md(shorten(t, 120)) for t in cited) if cited else "*not cited*")
            rows.append(row)
        lines += _table(["Source", "Kind", *(_column(a) for a in articles)], rows)
    else:
        lines += ["No sources are cited.", ""]
    return lines


def _framing(comparison: Mapping[str, Any], articles: Sequence[Article]) -> list[str]:
    lines = ["## Framing", "", "### What each outlet calls it", ""]
    frames = items(comparison, "framing")
    if frames:
        rows = []
        for frame in frames:
            row = [cell(text_of(frame, "referent"))]
            for article in articles:
                labels = [
                    text_of(label, "label")
                    for label in items(frame, "labels")
                    if text_of(label, "article") == article.key
                ]
                row.append(cell("; ".join(labels)) if labels else "—")
            row.append(cell(text_of(frame, "note")))
            rows.append(row)
        lines += _table(["Referent", *(_column(a) for a in articles), "Note"], rows)
    else:
        lines += ["No differences in naming were found.", ""]
    lines += ["### Loaded words", ""]
    loaded = items(comparison, "loaded_words")
    found = False
    for article in articles:
        words = [entry for entry in loaded if text_of(entry, "article") == article.key]
        if not words:
            continue
        found = True
        listed = "; ".join(
            f"**{md(text_of(w, 'word'))}**"
            + (f" (quoting {md(text_of(w, 'quoted_from') or 'an unnamed speaker')})"
               if "quoted_from" in w else "")
            + (f" (“{md(shorten(text_of(w, 'text'), 120))}”)" if text_of(w, "text") else "")
            for w in words
        )
        lines.append(f"- {md(article.column)}: {listed}")
    if not found:
        lines.append("No loaded words found.")
    return [*lines, ""]


def _timeline(comparison: Mapping[str, Any], articles: Sequence[Article]) -> list[str]:
    by_key = {article.key: article for article in articles}
    lines = ["## Timeline", ""]
    entries = timeline_of(comparison)
    if not entries:
        return [*lines, "No dates were found.", ""]
    for entry, span in entries:
        key = text_of(entry, "article")
        who = by_key[key].column if key in by_key else key
        precision = text_of(entry, "precision").strip() or (span.grain if span else "")
        context = text_of(entry, "text")
        lines.append(
            f"- **{md(readable_when(text_of(entry, 'date')) or 'undated')}**"
            + (f" ({md(precision)})" if precision else "")
            + f" — {md(who)}: “{md(' '.join(text_of(entry, 'expression').split()))}”"
            + (f" — {md(excerpt(context, text_of(entry, 'expression'), 160))}" if context else "")
        )
    return [*lines, ""]


def _emphasis(
    comparison: Mapping[str, Any], articles: Sequence[Article], facts: Sequence[Mapping[str, Any]]
) -> list[str]:
    lines = ["## Emphasis", ""]
    outlets = outlets_of(comparison, articles)
    if not facts or not outlets:
        return [*lines, "No emphasis data.", ""]
    top = max((value for outlet in outlets for value in outlet.share.values()), default=0.0)
    lines += ["Share of each outlet's text given to each fact (bars scaled to the largest share).", ""]
    rows = []
    for f, fact in enumerate(facts):
        fact_id = text_of(fact, "id")
        row = [fact_label(f), cell(shorten(fact_title(fact), 70))]
        for outlet in outlets:
            share = outlet.share.get(fact_id)
            parts = []
            if share is not None:
                blocks = round(10 * share / top) if top > 0 else 0
                parts.append(f"{'█' * blocks}{'░' * (10 - blocks)} {100 * share:.0f}%")
            for key in outlet.articles:
                spot = placement_of(fact, key)
                placement = text_of(spot, "placement").strip().lower() if spot is not None else ""
                if placement in ("lead", "buried"):
                    parts.append(f"*({placement})*")
            row.append(" ".join(parts) or "—")
        rows.append(row)
    return lines + _table(["#", "Fact", *(cell(outlet.name) for outlet in outlets)], rows)


def _marked_text(article: Article, facts: Sequence[Mapping[str, Any]]) -> str:
    """The text with each claim in bold followed by its fact label; overlapping claims are
    folded into the first, as in the HTML report."""
    spans: list[tuple[int, int, int]] = []
    for f, fact in enumerate(facts):
        for claim in items(fact, "claims"):
            if text_of(claim, "article") == article.key:
                where = locate(article.text, claim)
                if where:
                    spans.append((where[0], where[1], f))
    spans.sort(key=lambda span: (span[0], -span[1], span[2]))
    placed: list[tuple[int, int, list[int]]] = []
    for start, end, f in spans:
        if placed and start < placed[-1][1]:
            if f not in placed[-1][2]:
                placed[-1][2].append(f)
            continue
        placed.append((start, end, [f]))
    out: list[str] = []
    cursor = 0
    for start, end, labels in placed:
        out.append(md(article.text[cursor:start]))
        # Bold cannot open or close next to whitespace or cross a paragraph, so each line of the
        # span is wrapped on its own, with its surrounding spaces left outside the markers.
        lines = []
        for line in article.text[start:end].split("\n"):
            core = line.strip()
            if core:
                lead = line[: len(line) - len(line.lstrip())]
                trail = line[len(line.rstrip()) :]
                lines.append(f"{lead}**{md(core)}**{trail}")
            else:
                lines.append(line)
        # Escaped brackets: "[F1]" followed by "(...)" in the text would otherwise form a link.
        out.append("\n".join(lines) + "\\[" + ",".join(fact_label(f) for f in labels) + "\\]")
        cursor = end
    out.append(md(article.text[cursor:]))
    # Line-start markers are escaped on the joined text, where lines really start.
    return "\n".join(_LINE_START.sub(_escape_start, line) for line in "".join(out).split("\n"))


def _texts(articles: Sequence[Article], facts: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = [
        "## Article texts",
        "",
        "Claims are in bold, followed by the fact they support, e.g. \\[F1\\].",
        "",
    ]
    for article in articles:
        lines += [f"### {md(article.outlet or article.key)}: {md(article.heading)}", ""]
        meta = ", ".join(
            part for part in (article.country, article.language, pretty_date(article.published)) if part
        )
        if meta:
            lines += [f"*{md(meta)}*", ""]
        lines += [_marked_text(article, facts) if article.text else "*No text.*", ""]
    return lines


def render_markdown(comparison: Mapping[str, Any]) -> str:
    """The comparison as a Markdown document (GitHub-flavoured tables)."""
    articles = articles_of(comparison)
    facts = ordered_facts(comparison, articles)
    lines = [
        *_header(articles, facts, text_of(comparison, "schema")),
        *_coverage(articles, facts),
        *_voices(comparison, articles),
        *_framing(comparison, articles),
        *_timeline(comparison, articles),
        *_emphasis(comparison, articles, facts),
        *_texts(articles, facts),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"
