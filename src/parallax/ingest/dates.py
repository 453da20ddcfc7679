"""Reading publication dates given in the many shapes sources use."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_when(value: Any) -> date | None:
    """A date or datetime from ISO 8601, RFC 822, epoch seconds (or milliseconds) or free text.

    Returns a ``date`` when only the day is given, so "2021-05-05" does not become a made-up
    midnight. Raises ``ValueError`` with the offending value when nothing can be read, and when
    the value names no day ("2021", "May 2021", "Tuesday", "12:30"): a date parser fills such gaps
    from today, which would invent a publication date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date")
    if isinstance(value, int | float):
        return _from_epoch(value)
    text = str(value).strip()
    if _DATE_ONLY.match(text):
        return date.fromisoformat(text)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    from dateutil import parser

    # Parsed twice with different defaults, a part the text leaves out comes out different.
    try:
        first: datetime = parser.parse(text, default=_DEFAULTS[0])
        second: datetime = parser.parse(text, default=_DEFAULTS[1])
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{text!r}") from exc
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        raise ValueError(f"{text!r} names no day")
    if first.hour != second.hour:
        return first.date()
    # "10am" gives the hour alone: its minute is 0, as the first parse has it.
    return first


_DEFAULTS = (datetime(2001, 1, 1, 0, 0), datetime(2002, 2, 2, 1, 1))


def _from_epoch(value: float) -> datetime:
    """Epoch seconds; values too large for seconds are read as milli-, micro- or nanoseconds, as
    JavaScript and databases write them."""
    seconds = float(value)
    for scale in (1, 1_000, 1_000_000, 1_000_000_000):
        if abs(seconds / scale) < 1e11:  # before the year 5138
            try:
                return datetime.fromtimestamp(seconds / scale, tz=UTC)
            except (OverflowError, OSError, ValueError):
                break
    raise ValueError(f"{value!r} is not a time in epoch seconds or milliseconds")
