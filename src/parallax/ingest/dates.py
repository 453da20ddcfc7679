"""Reading publication dates given in the many shapes sources use."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_when(value: Any) -> date | None:
    """A date or datetime from ISO 8601, RFC 822, epoch seconds or free text.

    Returns a ``date`` when only the day is given, so "2021-05-05" does not become a made-up
    midnight. Raises ``ValueError`` with the offending value when nothing can be read.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    text = str(value).strip()
    if _DATE_ONLY.match(text):
        return date.fromisoformat(text)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    from dateutil import parser

    try:
        parsed: datetime = parser.parse(text)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{text!r}") from exc
    return parsed
