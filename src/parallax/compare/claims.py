"""Claims: the statements of fact inside sentences.

A sentence often carries several facts ("they agreed on dialogue ..., but they remained apart over
key issues" is two). Claims are cut at clause boundaries that news prose marks with a contrast or a
semicolon; each claim keeps exact offsets into the article text.
"""

from __future__ import annotations

import re

from parallax.model import Claim, Enrichment

#: Where one claim ends and the next begins: ", but they", "; ", ", while ", ", whereas ".
_BOUNDARY = re.compile(r",?\s+but\s+(?=[a-z]+\s)|;\s+|,\s+while\s+|,\s+whereas\s+|,\s+although\s+")
_MIN_WORDS = 4
#: A sentence that opens with a concession ("Although X, Y") holds two claims, cut at the comma.
_OPENING = re.compile(r"^(although|though|while|whereas|despite)\b[^,]{10,}?,\s+", re.IGNORECASE)


def split_claims(text: str, enrichment: Enrichment) -> list[Claim]:
    claims: list[Claim] = []
    for sentence in enrichment.sentences:
        pieces: list[tuple[int, int]] = []
        cursor = sentence.start
        body = text[sentence.start : sentence.end]
        opening = _OPENING.match(body)
        if opening is not None:
            pieces.append((cursor, sentence.start + opening.end() - 2))
            cursor = sentence.start + opening.end()
        for match in _BOUNDARY.finditer(body):
            cut = sentence.start + match.start()
            if len(text[cursor:cut].split()) >= _MIN_WORDS and len(body[match.end() :].split()) >= _MIN_WORDS:
                pieces.append((cursor, cut))
                cursor = sentence.start + match.end()
        pieces.append((cursor, sentence.end))
        for start, end in pieces:
            start, end = _trim(text, start, end)
            if end > start:
                claims.append(Claim(enrichment.article_id, text[start:end], start, end, sentence.index))
    return claims


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \n\t,;":
        start += 1
    while end > start and text[end - 1] in " \n\t,;":
        end -= 1
    return start, end
