"""Small text helpers shared by the readers."""

from __future__ import annotations

import re

_BLANK_LINES = re.compile(r"\n\s*\n")
_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalize_paragraphs(text: str) -> str:
    """One blank line between paragraphs, single spaces within lines, no stray edges.

    Line breaks inside a paragraph are kept: some sources break lines on purpose (lists, verse).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for block in _BLANK_LINES.split(text):
        lines = [_INLINE_SPACE.sub(" ", line).strip() for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def clip(text: str, limit: int = 80) -> str:
    """Shorten text for messages and tables."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
