"""Small formatting helpers for terminal output."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from parallax.render.html import excerpt, readable_when


def short_time(value: date | None) -> str:
    """A time for tables: minutes and offset, no seconds; a bare date stays a date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        offset = value.strftime("%z")
        offset = f"{offset[:3]}:{offset[3:]}" if offset else ""
        return value.strftime("%Y-%m-%d %H:%M") + offset
    return value.isoformat()


STATUS_STYLE = {"consensus": "green", "partial": "yellow", "unique": "cyan", "conflict": "bold red"}


def print_comparison(console: Any, comparison: Mapping[str, Any]) -> None:
    """The comparison side by side: one row per fact, one column per outlet."""
    from rich.table import Table

    articles = comparison["articles"]
    conflicts: list[tuple[int, str]] = []
    names = {a["id"]: _escape(f"{a.get('outlet') or a['id'][:8]} ({a.get('country') or '?'})")
             for a in articles}
    outlets = {a["id"]: a.get("outlet") or a["id"][:8] for a in articles}
    copies = {a["id"]: outlets[a["syndicated_of"]] for a in articles if a.get("syndicated_of") in outlets}
    for copy, original in copies.items():
        # A copy's facts count with its original's outlet, so its column repeats that outlet's.
        console.print(f"[dim]{_escape(outlets[copy])} is a syndicated copy of {_escape(original)}: its "
                      "facts count with the original's outlet[/]", highlight=False)
    table = Table(title="Coverage, fact by fact", show_lines=True, expand=True)
    # The number and the status on two lines: "12." and "consensus" fit a narrow column whole.
    table.add_column("fact", no_wrap=True, min_width=9, max_width=9)
    for a in articles:
        table.add_column(names[a["id"]], ratio=1)
    for fact in comparison["facts"]:
        cells = []
        for a in articles:
            texts = [c["text"] for c in fact["claims"] if c["article"] == a["id"]]
            cells.append("\n".join(_escape(t) for t in texts) if texts else "[dim]not reported[/]")
        status = fact["status"]
        number = len(table.rows) + 1
        label = f"{number}.\n[{STATUS_STYLE.get(status, 'white')}]{status}[/]"
        table.add_row(label, *cells)
        conflicts.extend((number, c["detail"]) for c in fact.get("conflicts", []))
    console.print(table)
    for number, detail in conflicts:
        console.print(f"[red]conflict in fact {number}:[/] {_escape(detail)}")

    voices = Table("outlet", "speaker", "verb", "says", title="Voices", expand=True)
    for v in comparison.get("voices", []):
        flag = " [magenta](only here)[/]" if v.get("unique") else ""
        voices.add_row(
            names.get(v["article"], ""),
            _escape(v.get("speaker") or "?") + flag,
            v["verb"],
            _escape(_short(v["text"])),
        )
    console.print(voices)
    sources = Table("outlet", "source", "kind", "as written", title="Cited sources", expand=True)
    for s in comparison.get("sources", []):
        sources.add_row(names.get(s["article"], ""), _escape(s["name"]), s["kind"], _escape(s["text"]))
    console.print(sources)
    framing = Table(
        "referent",
        *[names[a["id"]] for a in articles],
        title="Framing: words for the same thing",
        expand=True,
    )
    for item in comparison.get("framing", []):
        labels = {label["article"]: label["label"] for label in item["labels"]}
        framing.add_row(_escape(item["referent"]), *[_escape(labels.get(a["id"], "")) for a in articles])
    console.print(framing)
    loaded = comparison.get("loaded_words", [])
    if loaded:
        console.print(
            "Loaded words: "
            + "; ".join(f"{names.get(w['article'], '')}: {_escape(w['word'])}"
                        + (f" (quoting {_escape(w['quoted_from'] or 'an unnamed speaker')})"
                           if "quoted_from" in w else "")
                        for w in loaded)
        )
    timeline = Table("date", "expression", "outlet", "sentence", title="Timeline", expand=True)
    for t in comparison.get("timeline", []):
        timeline.add_row(
            readable_when(t["date"]), _escape(t["expression"]), names.get(t["article"], ""),
            _escape(excerpt(t["text"], t["expression"], 110)),
        )
    console.print(timeline)


def _short(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def print_summary(console: Any, comparison: Mapping[str, Any]) -> None:
    """A short account of a comparison: per outlet, what it shares, what only it reports."""
    from rich.table import Table

    facts = comparison["facts"]
    counts: dict[str, int] = {}
    for fact in facts:
        counts[fact["status"]] = counts.get(fact["status"], 0) + 1
    console.print(
        ", ".join(f"{counts.get(s, 0)} {s}" for s in ("consensus", "partial", "unique", "conflict"))
        + f" facts across {len(comparison['articles'])} articles"
    )
    table = Table(
        "outlet",
        "facts",
        "only here",
        "voices",
        "sources cited",
        "example of what only it reports",
        title="Per outlet",
        expand=True,
    )
    for article in comparison["articles"]:
        aid = article["id"]
        reported = [f for f in facts if any(c["article"] == aid for c in f["claims"])]
        alone = [f for f in reported if {c["article"] for c in f["claims"]} == {aid}]
        voices = sum(1 for v in comparison.get("voices", []) if v["article"] == aid)
        sources = sum(1 for s in comparison.get("sources", []) if s["article"] == aid)
        example = _short(alone[0]["claims"][0]["text"], 70) if alone else ""
        table.add_row(
            _escape(article.get("outlet") or aid[:8]),
            str(len(reported)),
            str(len(alone)),
            str(voices),
            str(sources),
            _escape(example),
        )
    console.print(table)
    for fact in facts:
        for conflict in fact.get("conflicts", []):
            console.print(f"[red]conflict ({conflict['kind']}):[/] {_escape(conflict['detail'])}")
    for item in comparison.get("framing", [])[:5]:
        names = {a["id"]: a.get("outlet") or a["id"][:8] for a in comparison["articles"]}
        labels = "; ".join(
            f"{names.get(label['article'], '')}: \u201c{label['label']}\u201d" for label in item["labels"]
        )
        console.print(f"framing of {_escape(item['referent'])!s}: {_escape(labels)}")
