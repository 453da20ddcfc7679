"""The HTML and Markdown reports: content, ordering, highlights, the timeline, and safety.

The story is fictional (a ferry running aground off the invented port of Valmora), written for
these tests in three versions; offsets are computed from the texts so the data stays readable.
"""

from __future__ import annotations

import copy
import itertools
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any
from xml.etree import ElementTree

import pytest

from parallax.render.html import render_html
from parallax.render.markdown import render_markdown

GAZETTE = (
    "A passenger ferry ran aground off Valmora on Thursday night, and its 212 passengers waited "
    "20 minutes before tugs arrived.\n\n"
    'The coastguard said no one was seriously hurt. "We heard a loud bang and the lights went '
    'out," said passenger Ana Ribeiro.\n\n'
    "The operator, Bluewave Lines, said it was investigating. According to port records, the "
    "vessel failed a safety inspection in March 2024."
)
VEILLEUR = (
    "Un ferry s'est échoué jeudi soir au large de Valmora. Les 212 passagers ont attendu "
    "30 minutes l'arrivée des remorqueurs.\n\n"
    "« Personne n'est gravement blessé », a déclaré la garde côtière. Selon le syndicat des "
    "marins, l'équipage travaillait depuis quatorze heures. La compagnie Bluewave Lines, déjà "
    "critiquée en 2023, n'a pas répondu."
)
OBSERVER = (
    "Chaos at sea: the troubled Bluewave ferry struck rocks on 13 March 2025. Port officials "
    "said the passengers were brought ashore within 30 minutes.\n\n"
    'Bluewave chief executive Marta Oller said the company "deeply regrets" the incident. '
    "Local fishermen have warned about the reef since 2019."
)
TEXTS = {"a1": GAZETTE, "a2": VEILLEUR, "a3": OBSERVER}


def claim(article: str, wording: str) -> dict[str, Any]:
    start = TEXTS[article].index(wording)
    return {"article": article, "text": wording, "start": start, "end": start + len(wording), "sentence": 0}


def mention(article: str, wording: str, **fields: Any) -> dict[str, Any]:
    start = TEXTS[article].index(wording)
    return {"article": article, "text": wording, "start": start, "end": start + len(wording), **fields}


def sample() -> dict[str, Any]:
    return {
        "schema": "parallax.comparison/1",
        "articles": [
            {
                "id": "a1",
                "outlet": "The Harbour Gazette",
                "country": "GB",
                "language": "en",
                "published": "2025-03-14T09:30:00+00:00",
                "title": "Ferry runs aground off Valmora",
                "url": "https://gazette.example/ferry",
                "text": GAZETTE,
            },
            {
                "id": "a2",
                "outlet": "Le Veilleur",
                "country": "FR",
                "language": "fr",
                "published": "2025-03-14T11:00:00+01:00",
                "title": "Un ferry s'échoue au large de Valmora",
                "url": "https://veilleur.example/ferry",
                "text": VEILLEUR,
            },
            {
                "id": "a3",
                "outlet": "Costa Observer",
                "country": "ES",
                "language": "en",
                "published": None,
                "title": "Chaos at sea as troubled ferry hits reef",
                "url": "",
                "text": OBSERVER,
            },
        ],
        "facts": [
            {
                "id": "unique-crew",
                "status": "unique",
                "summary": "The crew had worked fourteen hours",
                "claims": [claim("a2", "l'équipage travaillait depuis quatorze heures")],
                "emphasis": [{"article": "a2", "sentence": 3, "position": 0.7, "placement": "body"}],
            },
            {
                "id": "wait",
                "status": "conflict",
                "summary": "How long passengers waited",
                "claims": [
                    claim("a1", "its 212 passengers waited 20 minutes before tugs arrived"),
                    claim("a2", "Les 212 passagers ont attendu 30 minutes"),
                    claim("a3", "the passengers were brought ashore within 30 minutes"),
                ],
                "conflicts": [
                    {
                        "kind": "duration",
                        "detail": "The Harbour Gazette: 20 minutes; Le Veilleur: 30 minutes",
                        "articles": ["a1", "a2"],
                    }
                ],
                "emphasis": [],
            },
            {
                "id": "aground",
                "status": "consensus",
                "summary": "A ferry ran aground off Valmora",
                "claims": [
                    claim("a1", "A passenger ferry ran aground off Valmora on Thursday night"),
                    claim("a2", "Un ferry s'est échoué jeudi soir au large de Valmora"),
                    claim("a3", "the troubled Bluewave ferry struck rocks on 13 March 2025"),
                ],
                "extra_detail": [{"article": "a3", "kind": "cause", "detail": "struck rocks"}],
                "emphasis": [
                    {"article": "a1", "sentence": 0, "position": 0.0, "placement": "lead"},
                    {"article": "a2", "sentence": 0, "position": 0.0, "placement": "lead"},
                    {"article": "a3", "sentence": 0, "position": 0.0, "placement": "lead"},
                ],
            },
            {
                "id": "injuries",
                "status": "partial",
                "summary": "No one was seriously hurt",
                "claims": [
                    claim("a1", "no one was seriously hurt"),
                    claim("a2", "Personne n'est gravement blessé"),
                ],
            },
            {
                "id": "inspection",
                "status": "unique",
                "summary": "The ferry failed an inspection in March 2024",
                "claims": [claim("a1", "the vessel failed a safety inspection in March 2024")],
                "emphasis": [{"article": "a1", "sentence": 5, "position": 0.95, "placement": "buried"}],
            },
            {
                "id": "reef",
                "status": "unique",
                "summary": "Fishermen had warned about the reef",
                "claims": [claim("a3", "Local fishermen have warned about the reef since 2019")],
                "emphasis": [{"article": "a3", "sentence": 3, "position": 0.9, "placement": "buried"}],
            },
        ],
        "voices": [
            mention(
                "a1",
                "no one was seriously hurt",
                speaker="The coastguard",
                verb="said",
                mode="reported",
                unique=False,
            ),
            mention(
                "a1",
                "We heard a loud bang and the lights went out",
                speaker="Ana Ribeiro",
                verb="said",
                mode="direct",
                unique=True,
            ),
            mention(
                "a2",
                "Personne n'est gravement blessé",
                speaker="the coastguard",
                verb="a déclaré",
                mode="direct",
                unique=False,
            ),
            mention("a3", "deeply regrets", speaker="Marta Oller", verb="said", mode="direct", unique=True),
        ],
        "sources": [
            {
                "article": "a1",
                "name": "port records",
                "kind": "document",
                "text": "According to port records",
            },
            {
                "article": "a2",
                "name": "syndicat des marins",
                "kind": "union",
                "text": "Selon le syndicat des marins",
            },
            {"article": "a3", "name": "Port officials", "kind": "official", "text": "Port officials said"},
        ],
        "framing": [
            {
                "referent": "Bluewave Lines",
                "labels": [
                    {"article": "a1", "label": "The operator"},
                    {"article": "a2", "label": "La compagnie"},
                    {"article": "a3", "label": "the troubled Bluewave"},
                ],
                "note": "Only the Costa Observer qualifies the company.",
            }
        ],
        "loaded_words": [
            {"article": "a3", "word": "troubled", "text": "the troubled Bluewave ferry"},
            {"article": "a3", "word": "Chaos", "text": "Chaos at sea"},
            {"article": "a2", "word": "critiquée", "text": "déjà critiquée en 2023"},
        ],
        "timeline": [
            {
                "date": "2025-03-13",
                "precision": "day",
                "expression": "Thursday night",
                "article": "a1",
                "text": "ran aground off Valmora on Thursday night",
            },
            {
                "date": "2024-03",
                "precision": "month",
                "expression": "March 2024",
                "article": "a1",
                "text": "failed a safety inspection in March 2024",
            },
            {
                "date": "2025-03-13",
                "precision": "day",
                "expression": "jeudi soir",
                "article": "a2",
                "text": "s'est échoué jeudi soir",
            },
            {
                "date": "2023",
                "precision": "year",
                "expression": "en 2023",
                "article": "a2",
                "text": "déjà critiquée en 2023",
            },
            {
                "date": "2025-03-13",
                "precision": "day",
                "expression": "13 March 2025",
                "article": "a3",
                "text": "struck rocks on 13 March 2025",
            },
            {
                "date": "2019",
                "precision": "year",
                "expression": "since 2019",
                "article": "a3",
                "text": "warned about the reef since 2019",
            },
        ],
        "outlets": [
            {
                "outlet": "The Harbour Gazette",
                "articles": ["a1"],
                "share": {"aground": 0.25, "wait": 0.2, "injuries": 0.15, "inspection": 0.2},
            },
            {
                "outlet": "Le Veilleur",
                "articles": ["a2"],
                "share": {"aground": 0.2, "wait": 0.25, "injuries": 0.2, "unique-crew": 0.25},
            },
            {
                "outlet": "Costa Observer",
                "articles": ["a3"],
                "share": {"aground": 0.4, "wait": 0.25, "reef": 0.25},
            },
        ],
    }


SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_URL = "javascript:alert(1)"


def hostile() -> dict[str, Any]:
    """The sample plus an article whose every field carries markup or a script URL."""
    comparison = sample()
    text = f"Breaking {SCRIPT} news {IMG} here. The mayor said {SCRIPT} twice."
    comparison["articles"].append(
        {
            "id": 'a4"><script>alert(1)</script>',
            "outlet": f"Evil {SCRIPT} Times {IMG}",
            "country": IMG,
            "language": SCRIPT,
            "published": SCRIPT,
            "title": f"{SCRIPT}{IMG}",
            "url": JS_URL,
            "text": text,
        }
    )
    key = comparison["articles"][-1]["id"]
    start = text.index(IMG)
    comparison["facts"].append(
        {
            "id": f"x{SCRIPT}",
            "status": "unique",
            "summary": f"{IMG} summary",
            "claims": [{"article": key, "text": IMG, "start": start, "end": start + len(IMG), "sentence": 0}],
            "conflicts": [{"kind": SCRIPT, "detail": IMG, "articles": [key]}],
            "extra_detail": [{"article": key, "kind": IMG, "detail": SCRIPT}],
        }
    )
    comparison["voices"].append(
        {
            "article": key,
            "speaker": SCRIPT,
            "text": IMG,
            "verb": IMG,
            "mode": "direct",
            "start": 0,
            "end": 5,
            "unique": True,
        }
    )
    comparison["sources"].append({"article": key, "name": IMG, "kind": SCRIPT, "text": SCRIPT})
    comparison["framing"][0]["labels"].append({"article": key, "label": IMG})
    comparison["framing"][0]["note"] = SCRIPT
    comparison["loaded_words"].append({"article": key, "word": SCRIPT, "text": IMG})
    comparison["timeline"].append(
        {"date": "2025-03-12", "precision": "day", "expression": SCRIPT, "article": key, "text": IMG}
    )
    comparison["outlets"].append({"outlet": SCRIPT, "articles": [key], "share": {f"x{SCRIPT}": 0.5}})
    return comparison


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside each element that has an id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("meta", "br", "hr", "link", "img", "input", "circle", "rect", "line"):
            return  # void (or, in our SVG, self-closed) elements hold no text
        self._open.append((tag, dict(attrs).get("id")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            name, _ = self._open.pop()
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, anchor in self._open:
            if anchor:
                self.text_by_id[anchor] = self.text_by_id.get(anchor, "") + data


def parse(document: str) -> Tags:
    parser = Tags()
    parser.feed(document)
    parser.close()
    return parser


def test_every_fact_and_outlet_appears() -> None:
    comparison = sample()
    document = render_html(comparison)
    markdown = render_markdown(comparison)
    for fact in comparison["facts"]:
        assert fact["summary"] in document
        assert fact["summary"] in markdown
    for article in comparison["articles"]:
        assert article["outlet"] in document
        assert article["outlet"] in markdown
        assert article["title"].replace("'", "&#x27;") in document


def test_facts_are_ordered_by_status_then_first_appearance() -> None:
    document = render_html(sample())
    rows = re.findall(r'<tbody class="fact st-(\w+)" id="fact-([\w-]+)"', document)
    assert rows == [
        ("consensus", "aground"),
        ("conflict", "wait"),
        ("partial", "injuries"),
        ("unique", "inspection"),
        ("unique", "unique-crew"),
        ("unique", "reef"),
    ]


def test_unique_facts_show_not_reported_for_other_outlets() -> None:
    document = render_html(sample())
    row = document[document.index('id="fact-reef"') :]
    row = row[: row.index("</tbody>")]
    assert row.count("not reported") == 2
    consensus = document[document.index('id="fact-aground"') :]
    assert "not reported" not in consensus[: consensus.index("</tbody>")]
    markdown = render_markdown(sample())
    reef_row = next(
        line for line in markdown.splitlines() if "Fishermen had warned" in line and line.startswith("|")
    )
    assert reef_row.count("*not reported*") == 2


def test_conflict_detail_status_badges_and_placement() -> None:
    document = render_html(sample())
    assert "The Harbour Gazette: 20 minutes; Le Veilleur: 30 minutes" in document
    assert "Conflict over duration" in document
    for label in ("Consensus", "Conflict", "Partial", "Unique"):
        assert f">{label}</span>" in document  # status as text, not colour only
    assert "tag-lead" in document and "tag-buried" in document and "+ detail" in document
    markdown = render_markdown(sample())
    assert "The Harbour Gazette: 20 minutes; Le Veilleur: 30 minutes" in markdown
    assert "*(buried)*" in markdown


def test_voices_sources_framing_and_loaded_words() -> None:
    document = render_html(sample())
    assert "Ana Ribeiro" in document and "Marta Oller" in document
    # one speaker, two spellings: one row
    assert document.count(">The coastguard<") == 1 and ">the coastguard<" not in document
    assert "direct quote" in document and "reported" in document and "only here" in document
    assert "port records" in document and "document" in document and "union" in document
    assert "the troubled Bluewave" in document and "La compagnie" in document
    assert "critiquée" in document


def test_highlight_offsets_produce_exactly_the_claim_text() -> None:
    comparison = sample()
    document = render_html(comparison)
    parsed = parse(document)
    marks = [attrs for tag, attrs in parsed.tags if tag == "mark"]
    claims = [c for fact in comparison["facts"] for c in fact["claims"]]
    assert len(marks) == len(claims)
    found = sorted(parsed.text_by_id[str(attrs["id"])] for attrs in marks)
    assert found == sorted(c["text"] for c in claims)
    # each highlight links to its fact row, and the fact rows link back to the highlights
    ids = {attrs.get("id") for _, attrs in parsed.tags}
    hrefs = [attrs["href"] for tag, attrs in parsed.tags if tag == "a" and attrs.get("href", "")]
    for attrs in marks:
        assert f"#{attrs['id']}" in hrefs
    for href in hrefs:
        if href and href.startswith("#"):
            assert href[1:] in ids, href


def test_overlapping_and_stale_offsets_do_not_break_the_text() -> None:
    comparison = sample()
    inner = claim("a1", "ferry ran aground")  # inside the consensus claim's span
    comparison["facts"][3]["claims"].append(inner)
    stale = claim("a2", "Bluewave Lines")
    stale["start"], stale["end"] = 9999, 10010
    comparison["facts"][4]["claims"].append(stale)
    parsed = parse(render_html(comparison))
    texts = [parsed.text_by_id[str(a["id"])] for t, a in parsed.tags if t == "mark"]
    assert "ferry ran aground" not in texts  # folded into the enclosing highlight
    assert "Bluewave Lines" in texts  # found again by its wording
    assert "".join(parsed.text_by_id["art-a1"].split()).count("ranagroundoffValmora") == 1


def timeline_svg(document: str) -> str:
    start = document.index('<svg class="timeline"')
    return document[start : document.index("</svg>", start) + len("</svg>")]


def test_timeline_svg_has_one_mark_per_item() -> None:
    comparison = sample()
    svg = timeline_svg(render_html(comparison))
    marks = [attrs for tag, attrs in parse(svg).tags if "tl-mark" in (attrs.get("class") or "")]
    assert len(marks) == len(comparison["timeline"])
    kinds = sorted({str(attrs["class"]).split()[1] for attrs in marks})
    assert kinds == ["day", "month", "year"]
    assert {tag for tag, attrs in parse(svg).tags if "day" in str(attrs.get("class"))} == {"circle"}
    markdown = render_markdown(comparison)
    assert markdown.count("\n- **2025-03-13** (day)") == 3


def _timeline_of(dates: list[str]) -> ElementTree.Element:
    """The timeline's plot for these dates, each a day, spread over the three articles."""
    comparison = sample()
    comparison["timeline"] = [
        {"date": day, "precision": "day", "expression": f"on {day}", "article": f"a{number % 3 + 1}"}
        for number, day in enumerate(dates)
    ]
    return ElementTree.fromstring(timeline_svg(render_html(comparison)))


def _places(svg: ElementTree.Element) -> dict[str, float]:
    """Where each day mark lies, by its date."""
    return {
        re.findall(r"\((\S+), day\)", "".join(mark.itertext()))[0]: float(mark.get("cx", ""))
        for mark in svg.iter(f"{SVG}circle")
        if "tl-mark" in mark.get("class", "")
    }


SVG = "{http://www.w3.org/2000/svg}"


def _ticks_of(svg: ElementTree.Element) -> list[tuple[float, str]]:
    return [(float(t.get("x", "")), t.text or "") for t in svg.iter(f"{SVG}text") if t.get("class") == "tick"]


def test_a_long_empty_stretch_of_the_timeline_is_shortened_to_a_break() -> None:
    svg = _timeline_of(["1998-06-12", "2021-05-03", "2021-05-10", "2021-05-17", "2021-05-24"])
    breaks = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "axis-break"]
    assert len(breaks) == 1
    title = breaks[0].findtext(f"{SVG}title")
    assert title == "22 years 10 months with no dates left out, between 12 Jun 1998 and 3 May 2021"
    assert "shortened on the axis: 22 years 10 months" in svg.get("aria-label", "")
    (band,) = breaks[0].iter(f"{SVG}rect")
    start = float(band.get("x", ""))
    end = start + float(band.get("width", ""))
    # May 2021 has most of the width: a week is a stretch one can see, not a pixel.
    places = _places(svg)
    assert places["1998-06-12"] < start < end < places["2021-05-03"]
    assert places["2021-05-10"] - places["2021-05-03"] > 100
    assert places["2021-05-24"] - places["2021-05-03"] > 751 / 2
    ticks = _ticks_of(svg)
    labels = [label for _, label in ticks]
    assert "12 Jun 1998" in labels and "3 May 2021" in labels  # each side of the break, with its year
    assert not [place for place, _ in ticks if start <= place <= end]
    assert all(later - earlier >= 60 for (earlier, _), (later, _) in itertools.pairwise(ticks)), ticks
    # The axis line stops at the break and starts again after it.
    lines = [line for line in svg.iter(f"{SVG}line") if line.get("class") == "axis" and
             line.get("y1") == line.get("y2")]
    assert [(float(a.get("x2", "")), float(b.get("x1", ""))) for a, b in itertools.pairwise(lines)] == [
        (start, end)]


def test_a_year_long_away_takes_little_width_and_one_break() -> None:
    # A year's single bar beside a month of daily marks: one break, and the month has the room.
    comparison = sample()
    comparison["timeline"] = [
        {"date": "1998", "precision": "year", "expression": "in 1998", "article": "a1"},
        *({"date": day, "precision": "day", "expression": day, "article": "a2"}
          for day in ("2021-05-03", "2021-05-10", "2021-05-11", "2021-05-24")),
    ]
    svg = ElementTree.fromstring(timeline_svg(render_html(comparison)))
    assert len([g for g in svg.iter(f"{SVG}g") if g.get("class") == "axis-break"]) == 1
    places = _places(svg)
    assert places["2021-05-24"] - places["2021-05-03"] > 751 / 2


def test_tick_labels_on_either_side_of_a_break_keep_apart() -> None:
    # A year ends on a tick at its segment's right edge; the days after the break start near
    # their left edge, a break's width away.
    comparison = sample()
    comparison["timeline"] = [
        {"date": "1998", "precision": "year", "expression": "in 1998", "article": "a1"},
        *({"date": day, "precision": "day", "expression": day, "article": "a2"}
          for day in ("2021-05-03", "2021-05-10", "2021-05-17")),
    ]
    svg = ElementTree.fromstring(timeline_svg(render_html(comparison)))
    ticks = _ticks_of(svg)
    assert all(later - earlier >= 60 for (earlier, _), (later, _) in itertools.pairwise(ticks)), ticks
    # The first tick after the break names its year, wherever it lands.
    labels = [label for _, label in ticks]
    assert labels[labels.index("Jan 1999") + 1].endswith(" May 2021"), labels


def test_a_timeline_without_a_long_empty_stretch_keeps_an_even_axis() -> None:
    # Dates a month apart each are read best on an even scale, however long their gaps.
    for dates in (["2021-01-05", "2021-02-03", "2021-03-04"], ["2021-05-01", "2021-05-08", "2021-05-12"]):
        svg = _timeline_of(dates)
        assert not [g for g in svg.iter(f"{SVG}g") if g.get("class") == "axis-break"]
        assert svg.get("aria-label") == "Timeline of dated events, one lane per outlet"
        (axis,) = [line for line in svg.iter(f"{SVG}line") if line.get("class") == "axis"]
        assert (axis.get("x1"), axis.get("x2")) == ("225", "976")
        places = _places(svg)
        days = [date.fromisoformat(day).toordinal() for day in dates]
        ratio = (places[dates[1]] - places[dates[0]]) / (places[dates[2]] - places[dates[1]])
        assert ratio == pytest.approx((days[1] - days[0]) / (days[2] - days[1]), rel=0.01)
    sample_svg = timeline_svg(render_html(sample()))
    assert "axis-break" not in sample_svg


def test_emphasis_bars() -> None:
    document = render_html(sample())
    section = document[document.index('<section id="emphasis">') :]
    section = section[: section.index("</section>")]
    assert section.count('<svg class="bar"') == 11  # one per known share
    assert 'width="100.0"' in section  # the largest share fills its bar
    assert "40%" in section


def test_hostile_content_never_becomes_markup() -> None:
    document = render_html(hostile())
    parsed = parse(document)
    for tag, attrs in parsed.tags:
        if tag == "script":
            assert attrs.get("type") == "application/json"
        assert tag not in ("img", "iframe", "object", "embed", "link", "base", "form")
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "xlink:href", "action"):
                assert not (value or "").strip().lower().startswith("javascript:"), (tag, value)
            if name == "src":
                assert not re.match(r"(?i)\s*https?:", value or "")
            if name == "style":
                assert "url(" not in (value or "")
    assert "<style>" in document and "url(" not in document and "@import" not in document
    # the content is shown, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "&lt;img src=x onerror=alert(1)&gt;" in document
    assert SCRIPT not in document and IMG not in document
    # a javascript: URL is shown as text, never as a link; http(s) URLs are links that leak nothing
    links = [attrs for tag, attrs in parsed.tags if tag == "a" and not str(attrs.get("href")).startswith("#")]
    assert {str(a["href"]) for a in links} == {
        "https://gazette.example/ferry",
        "https://veilleur.example/ferry",
    }
    assert all(a.get("rel") == "noopener noreferrer" for a in links)
    assert JS_URL in document
    # the highlight of the markup-bearing claim contains exactly its text
    marks = [a for t, a in parsed.tags if t == "mark"]
    assert IMG in [parsed.text_by_id[str(a["id"])] for a in marks]
    # ids made from hostile engine ids stay plain
    for _, attrs in parsed.tags:
        if attrs.get("id"):
            assert re.fullmatch(r"[A-Za-z0-9_-]+", str(attrs["id"]))


def test_content_security_policy_and_no_external_loads() -> None:
    document = render_html(hostile())
    parsed = parse(document)
    csp = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(csp) == 1
    policy = str(csp[0]["content"])
    assert policy.startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    assert "script-src" not in policy
    assert document.index("Content-Security-Policy") < document.index("<style>")
    assert not re.search(r"""(?i)\bsrc\s*=\s*["']?\s*(https?:)?//""", document)
    assert not re.search(r"(?i)<link\b", document)
    # the only absolute URLs in attributes are the article links and the SVG namespace
    urls = {
        str(value)
        for _, attrs in parsed.tags
        for value in attrs.values()
        if value and re.match(r"(?i)\s*https?:", value)
    }
    assert urls == {
        "https://gazette.example/ferry",
        "https://veilleur.example/ferry",
        "http://www.w3.org/2000/svg",
    }


def _cells(row: str) -> list[str]:
    """A Markdown table row split on unescaped pipes."""
    return re.split(r"(?<!\\)\|", row.strip())[1:-1]


def test_markdown_tables_keep_their_columns_with_pipes_and_newlines() -> None:
    comparison = sample()
    comparison["articles"][0]["outlet"] = "Pipe | Outlet"
    comparison["facts"][2]["summary"] = "a | b\nc"
    comparison["facts"][2]["claims"][0]["text"] = "left | right\nnext line"
    comparison["voices"][0]["speaker"] = "Speaker | with pipe"
    comparison["framing"][0]["note"] = "note | with\npipe"
    comparison["sources"][0]["name"] = "source | name"
    markdown = render_markdown(comparison)
    tables: list[list[str]] = []
    previous = ""
    for line in markdown.splitlines():
        if line.startswith("|"):
            if not previous.startswith("|"):
                tables.append([])
            tables[-1].append(line)
        previous = line
    assert len(tables) == 5  # coverage, voices, sources, framing, emphasis
    for table in tables:
        widths = {len(_cells(row)) for row in table}
        assert len(widths) == 1, table
        assert set(_cells(table[1])) == {"---"}
    assert "left \\| right<br>next line" in markdown
    assert len(_cells(tables[0][0])) == 3 + len(comparison["articles"])


def test_markdown_escapes_markup() -> None:
    markdown = render_markdown(hostile())
    assert SCRIPT not in markdown and IMG not in markdown
    assert "\\<script\\>alert(1)\\</script\\>" in markdown
    assert "](javascript:" not in markdown and "<javascript:" not in markdown
    # claims are in bold in the texts, with their fact label
    assert "**A passenger ferry ran aground off Valmora on Thursday night**\\[F1\\]" in markdown


@pytest.mark.parametrize("renderer", [render_html, render_markdown])
def test_empty_and_malformed_input(renderer: Any) -> None:
    assert renderer({})
    broken = copy.deepcopy(sample())
    broken["facts"].append({"id": None, "status": "weird", "claims": [{"article": "ghost", "start": "x"}]})
    broken["facts"].append("not a fact")
    broken["timeline"].append({"date": "2025-13-45", "article": "a1", "expression": "someday"})
    broken["timeline"].append({"date": None, "article": "a1"})
    broken["outlets"][0]["share"] = {"aground": "lots", "wait": float("nan")}
    broken["voices"] = None
    output = renderer(broken)
    assert "ghost" in output  # an article known only by reference still gets a column
    assert "someday" in output


def test_timeline_leaves_out_undatable_items_from_the_axis_only() -> None:
    comparison = sample()
    comparison["timeline"].append(
        {"date": "PXD", "precision": "duration", "expression": "for days", "article": "a1"}
    )
    svg = timeline_svg(render_html(comparison))
    document = render_html(comparison)
    assert svg.count("tl-mark") == 6
    assert "for days" in document and "not placed on the axis" in document


def test_a_syndicated_copy_says_so_and_loaded_words_are_shown_in_their_context() -> None:
    comparison = sample()
    first, second = comparison["articles"][0], comparison["articles"][1]
    second["syndicated_of"] = first["id"]
    document = render_html(comparison)
    assert f"a syndicated copy of {first['outlet']}" in document
    assert "copy)" in document and "a copy</span>" in document
    assert f"a syndicated copy of {first['outlet']}" in render_markdown(comparison)
    from rich.console import Console

    from parallax.render.terminal import print_comparison

    console = Console(record=True, width=120)
    print_comparison(console, comparison)
    assert f"{second['outlet']} is a syndicated copy of {first['outlet']}" in console.export_text()
    # A loaded word late in a long sentence is still in the excerpt shown for it.
    long = ("Officials who spoke at length about the harbour, the tides, the weather and the history of "
            "the port over many years finally called the operator troubled.")
    comparison["loaded_words"] = [{"article": first["id"], "word": "troubled", "start": 0, "end": 8,
                                   "text": long}]
    assert "<strong>troubled</strong>" in render_html(comparison)
    # A word inside a quotation says whom the outlet quotes, in every format.
    comparison["loaded_words"][0]["quoted_from"] = "Ilse Varn"
    assert "quoting Ilse Varn" in render_html(comparison)
    assert "quoting Ilse Varn" in render_markdown(comparison)
    console = Console(record=True, width=200)
    print_comparison(console, comparison)
    assert "quoting Ilse Varn" in console.export_text()


def test_on_a_narrow_screen_each_cell_names_its_outlet() -> None:
    document = render_html(sample())
    first = sample()["articles"][0]
    assert f'data-outlet="{first["outlet"]}' in document
    assert "table.coverage td[data-outlet]::before{content:attr(data-outlet)" in document


def test_the_timeline_names_outlets_without_dates() -> None:
    comparison = sample()
    last = comparison["articles"][-1]
    comparison["timeline"] = [t for t in comparison["timeline"] if t["article"] != last["id"]]
    assert f"No date on the axis from: {last['outlet']}" in render_html(comparison)


def test_a_loaded_word_is_found_as_a_word() -> None:
    from parallax.render.html import _around

    assert _around("The patriotic crowd began to riot.", "riot") == (
        "The patriotic crowd began to <strong>riot</strong>.")


def test_a_source_described_and_cited_twice_is_one_row_and_one_citation() -> None:
    from parallax.render.html import sources_of

    comparison = sample()
    first = comparison["articles"][0]["id"]
    comparison["sources"] = [
        {"article": first, "name": "Tidewater Press", "kind": "news_agency", "text": "Tidewater Press said"},
        {"article": first, "name": "wire agency Tidewater Press", "kind": "news_agency",
         "text": "Tidewater Press said"},
    ]
    [source] = sources_of(comparison)
    assert source.name == "Tidewater Press" and source.citations == {first: ["Tidewater Press said"]}


def test_tick_labels_keep_the_anchor_they_are_given() -> None:
    from parallax.render.html import stylesheet

    # A stylesheet rule would override the attribute that keeps an edge label inside the chart.
    for css in (stylesheet(), render_html(sample())):
        assert not re.search(r"\.tick\{[^}]*text-anchor", css)
    ticks = [attrs for tag, attrs in parse(timeline_svg(render_html(sample()))).tags
             if tag == "text" and attrs.get("class") == "tick"]
    assert ticks and all(attrs.get("text-anchor") in ("start", "middle", "end") for attrs in ticks)


def framing_table(document: str) -> str:
    start = document.index('<table class="matrix framing"')
    return document[start : document.index("</table>", start)]


def test_the_framing_note_column_is_left_out_when_no_row_has_a_note() -> None:
    comparison = sample()
    assert "<th scope=\"col\">Note</th>" in framing_table(render_html(comparison))
    comparison["framing"][0]["note"] = "  "
    table = framing_table(render_html(comparison))
    assert "Note</th>" not in table and "note-cell" not in table
    header = table.split("</thead>")[0]
    row = table.split("</thead>")[1]
    # Every row as wide as the head.
    assert len(re.findall(r"<th[ >]", header)) == len(re.findall(r"<t[dh][ >]", row))


def test_empty_cells_say_what_is_missing_and_the_header_level_can_be_lowered() -> None:
    from parallax.render.html import build_report, header_section

    comparison = sample()
    comparison["framing"][0]["labels"] = comparison["framing"][0]["labels"][:1]
    document = render_html(comparison)
    assert '<td class="missing">—</td>' not in document
    assert '<td class="missing">not named</td>' in framing_table(document)
    emphasis = document[document.index('<table class="emph"'):]
    assert '<td class="missing">not reported</td>' in emphasis[: emphasis.index("</table>")]
    assert document.count("<h1>") == 1
    lowered = header_section(build_report(comparison), level=2)
    assert "<h2>Coverage comparison</h2>" in lowered and "<h1" not in lowered


def said(article: str, wording: str) -> dict[str, Any]:
    """A claim without offsets, in wording that the article's text need not hold."""
    return {"article": article, "text": wording}


def test_extra_detail_is_only_what_no_other_outlet_words() -> None:
    comparison = sample()
    fact = comparison["facts"][0]
    fact["claims"] = [
        said("a1", "“All through her tenure, the harbour master left a record of delays and angry "
                   "skippers,” the mayor said. Varga agreed."),
        said("a3", 'The mayor said the harbour master had "left a record of delays and of angry skippers."'),
        said("a2", "Le maire Ilse Varga a critiqué le port."),
    ]
    fact["extra_detail"] = [
        # One quotation, cut and worded a little differently by two outlets.
        {"article": "a1", "kind": "quote", "detail": "All through her tenure, the harbour master left a "
                                                     "record of delays and angry skippers"},
        {"article": "a3", "kind": "quote", "detail": "left a record of delays and of angry skippers."},
        # One person, in full here and by the surname there.
        {"article": "a2", "kind": "name", "detail": "Ilse Varga"},
        {"article": "a1", "kind": "name", "detail": "Varga"},
        # What only one outlet gives.
        {"article": "a3", "kind": "number", "detail": "14 skippers"},
    ]
    document = render_html(comparison)
    row = document[document.index(f'id="fact-{fact["id"]}"'):]
    row = row[: row.index("</tbody>")]
    (detail,) = re.findall(r'<div class="extra">(.*?)</div>', row)
    assert "14 skippers" in detail
    markdown = render_markdown(comparison)
    shown = [line for line in markdown.splitlines() if "*+ detail*" in line and "skippers" in line]
    assert len(shown) == 1 and shown[0].count("*+ detail*") == 1
    assert "*+ detail* number: 14 skippers" in shown[0]


def test_extra_detail_that_is_the_whole_wording_is_not_repeated() -> None:
    comparison = sample()
    fact = comparison["facts"][0]
    fact["claims"] = [said("a1", "“The ferry will sail again on Monday,” the operator said."),
                      said("a2", "Le ferry reprendra la mer.")]
    fact["extra_detail"] = [{"article": "a1", "kind": "quote",
                             "detail": "The ferry will sail again on Monday"}]
    document = render_html(comparison)
    row = document[document.index(f'id="fact-{fact["id"]}"'):]
    (detail,) = re.findall(r'<div class="extra">(.*?)</div>', row[: row.index("</tbody>")])
    assert "as worded above" in detail and "sail again" not in detail


def test_timeline_values_read_as_words() -> None:
    from parallax.render.html import readable_when

    assert [readable_when(v) for v in ("199", "2022-H1", "2020-SP", "2021-W13", "2017-06-14TMO",
                                       "2021-05-05")] == [
        "1990s", "first half of 2022", "spring 2020", "week of 2021-03-29", "2017-06-14 morning",
        "2021-05-05"]
