"""Charts drawn on the server as SVG. Every label comes from an article, so every piece of text is
escaped where it meets markup, and colours are presentation attributes (not style attributes,
which the pages' Content-Security-Policy forbids)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

from parallax.render.html import LANE_LABELS, MONTHS, Segment, broken_axis, lane_chart, shorten, tick_anchor


@dataclass(frozen=True, slots=True)
class Dot:
    """One article on the coverage chart."""

    article: str
    outlet: str
    colour: str
    when: date | None
    title: str


def _instant(value: date) -> datetime:
    """A naive UTC instant for placing a mark: aware times in UTC; a date without a time at noon,
    the middle of its day, so that it neither leads nor trails the day's timed articles."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    return datetime(value.year, value.month, value.day, 12)


#: Seconds in a day: the coverage chart's axis counts seconds, as ``timedelta.total_seconds``
#: does, from the midnight before its first article.
_DAY = 86400


#: Tick spacings to choose from: the first that gives at most six ticks (or ``most``) is used.
_TICK_STEPS = tuple(timedelta(hours=h) for h in (1, 2, 3, 6, 12, 24, 48, 24 * 7, 24 * 14, 24 * 30,
                                                 24 * 91, 24 * 182, 24 * 365))


def _ticks(first: datetime, last: datetime, *, days_only: bool = False, most: int = 6) -> list[datetime]:
    """Round moments between ``first`` and ``last``: whole hours or days, a step apart (whole
    days only with ``days_only``)."""
    least = timedelta(days=1) if days_only else timedelta(0)
    step = next((s for s in _TICK_STEPS if (last - first) / s <= most and s >= least), _TICK_STEPS[-1])
    if step < timedelta(days=1):
        hours = int(step.total_seconds() // 3600)
        start = first.replace(minute=0, second=0, microsecond=0)
        start = start.replace(hour=start.hour - start.hour % hours)
    else:
        start = first.replace(hour=0, minute=0, second=0, microsecond=0)
        if start < first:
            start += timedelta(days=1)  # the first whole day on the axis
    found = []
    moment = start
    while moment <= last:
        if moment >= first:
            found.append(moment)
        moment += step
    return found


def _label(moment: datetime, hours: bool) -> str:
    day = f"{moment.day} {MONTHS[moment.month - 1]}"
    return f"{day} {moment:%H:%M}" if hours else f"{day} {moment.year}"


def _day_label(value: date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def coverage_over_time(dots: Sequence[Dot]) -> str:
    """Articles per outlet over time: one lane per outlet, one mark per article, linked to it.

    An article dated without a time is no instant: it is drawn as a hollow mark over a band that
    spans its day, and its hint gives the date alone, so that no time is read into it."""
    dated = [(dot, _instant(dot.when)) for dot in dots if dot.when is not None]
    if not dated:
        return '<p class="empty">No article is dated.</p>'
    timed = any(isinstance(dot.when, datetime) for dot, _ in dated)
    width, left, right, top, row = 1000, LANE_LABELS, 24, 10, 28
    plot = width - left - right
    epoch = datetime.combine(min(moment for _, moment in dated).date(), datetime.min.time())

    def seconds(moment: datetime) -> float:
        return (moment - epoch).total_seconds()

    def moment_at(place: float) -> datetime:
        return epoch + timedelta(seconds=place)

    def frame(first: float, last: float) -> tuple[float, float]:
        if not timed and last - first < 2 * _DAY:  # dates alone: an axis of days, not hours
            first, last = first - _DAY, last + _DAY
        if last - first < 7200:  # one instant would otherwise fill the whole axis
            first, last = first - 3600, last + 3600
        pad = round((last - first) / 30, 6)  # to the microsecond, as a timedelta divides
        return first - pad, last + pad

    # A date alone spans its whole day, which the axis shows whole; a time is an instant.
    spans = [(seconds(moment), seconds(moment)) if isinstance(dot.when, datetime)
             else (seconds(moment) - _DAY / 2, seconds(moment) + _DAY / 2) for dot, moment in dated]
    scale = broken_axis(spans, frame, left=left, plot=plot, day=_DAY, epoch=epoch.toordinal())

    def x(moment: datetime) -> float:
        return scale.x(seconds(moment))

    def hours(segment: Segment) -> bool:
        return timed and segment.end - segment.start <= 3 * _DAY

    def ticks(segment: Segment, start: float, most: int) -> list[tuple[float, str]]:
        clock = hours(segment)
        found = _ticks(moment_at(start), moment_at(segment.end), days_only=not clock, most=most)
        return [(seconds(moment), _label(moment, clock)) for moment in found]

    lanes = list(dict.fromkeys(dot.outlet for dot, _ in dated))
    backdrop: list[str] = []
    labels: list[str] = []
    bands: list[str] = []
    marks: list[str] = []
    for number, outlet in enumerate(lanes):
        y = top + number * row
        mine = [(dot, moment) for dot, moment in dated if dot.outlet == outlet]
        backdrop.append(
            f'<rect x="0" y="{y}" width="{width}" height="{row}" class="lane{" alt" if number % 2 else ""}"/>'
        )
        labels.append(
            f'<text x="10" y="{y + row / 2 + 4:.1f}" class="lane-label">{html.escape(shorten(outlet, 28))}'
            f" ({len(mine)})</text>"
        )
        for dot, moment in mine:
            colour = html.escape(dot.colour)
            link = f'<a href="/articles/{quote(dot.article, safe="")}">'
            if isinstance(dot.when, datetime):
                hint = f"{dot.outlet}, {_label(moment, True)} UTC: {dot.title or dot.article}"
                marks.append(
                    f'{link}<circle class="ct-mark" cx="{x(moment):.1f}" cy="{y + row / 2:.1f}" r="6" '
                    f'fill="{colour}" fill-opacity="0.8" stroke="#fff" stroke-width="1.5">'
                    f"<title>{html.escape(hint)}</title></circle></a>"
                )
                continue
            assert dot.when is not None
            hint = f"{dot.outlet}, {_day_label(dot.when)} (time not given): {dot.title or dot.article}"
            start = datetime(dot.when.year, dot.when.month, dot.when.day)
            band_start, band_end = x(start), x(start + timedelta(days=1))
            bands.append(
                f'<rect class="ct-day" x="{band_start:.1f}" y="{y + 4}" width="{band_end - band_start:.1f}" '
                f'height="{row - 8}" rx="3" fill="{colour}" fill-opacity="0.15"/>'
            )
            marks.append(
                f'{link}<circle class="ct-mark ct-date-only" cx="{x(moment):.1f}" cy="{y + row / 2:.1f}" '
                f'r="5.5" fill="#fff" stroke="{colour}" stroke-width="2.5">'
                f"<title>{html.escape(hint)}</title></circle></a>"
            )
    axis = top + len(lanes) * row + 6
    drawn = []
    for place, label in scale.ticks(ticks, 6):
        # Every label names its anchor as an attribute: the stylesheet sets none, so it holds.
        anchor = f' text-anchor="{tick_anchor(place, left, width)}"'
        drawn.append(
            f'<line x1="{place:.1f}" y1="{top}" x2="{place:.1f}" y2="{axis + 5}" class="grid"/>'
            f'<text x="{place:.1f}" y="{axis + 20}" class="tick"{anchor}>{html.escape(label)}</text>'
        )
    unit = (f'<text x="10" y="{axis + 20}" class="tick" text-anchor="start">times in UTC</text>'
            if any(hours(segment) for segment in scale.segments) else "")
    height = axis + 32
    return lane_chart(
        width=width, height=height, backdrop="".join(backdrop), labels="".join(labels) + unit,
        plot=f"{''.join(drawn)}{''.join(bands)}{scale.marks(top, axis, 'articles')}{scale.line(axis)}"
             f'{"".join(marks)}',
        css="timeline coverage-time", label=scale.described("Articles per outlet over time", "articles"),
    )
