"""Small formatting helpers for terminal output."""

from __future__ import annotations

from datetime import date, datetime


def short_time(value: date | None) -> str:
    """A time for tables: minutes and offset, no seconds; a bare date stays a date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        offset = value.strftime("%z")
        offset = f"{offset[:3]}:{offset[3:]}" if offset else ""
        return value.strftime("%Y-%m-%d %H:%M") + offset
    return value.isoformat()
