"""Descriptive noun phrases: the words an article chooses for things, which framing compares.

Found on the parse enrichment already makes, so comparing a story needs no second parse.
"""

from __future__ import annotations

from typing import Any

from parallax.enrich.nlp import noun_chunks, whole_words
from parallax.model import Phrase

#: Longer subtrees are cut back to the noun chunk itself: a label, not a clause.
MAX_PHRASE_TOKENS = 12


def noun_phrases(doc: Any) -> list[Phrase]:
    """Descriptive noun phrases in a spaCy ``Doc``: a common noun with its modifiers,
    prepositional phrases and relative clauses, without determiners; names are left to entities."""
    found: dict[tuple[int, int], Phrase] = {}
    for chunk in noun_chunks(doc):
        root = chunk.root
        if root.pos_ != "NOUN":
            continue  # names are entities, handled by identity, not framing
        left = chunk.start
        while left < chunk.end and (doc[left].pos_ in {"DET", "PRON"} or doc[left].is_punct
                                    or doc[left].is_space):
            left += 1
        right = root.right_edge.i + 1  # a projective parse: the subtree's last token
        if right - left > MAX_PHRASE_TOKENS:
            right = chunk.end
        while right > left and (doc[right - 1].is_punct or doc[right - 1].is_space
                                or doc[right - 1].pos_ in {"CCONJ", "ADP"}):
            right -= 1
        if right - left < 2:
            continue
        left, right = whole_words(doc, left, right)
        span = doc[left:right]
        # A token may carry the paragraph break after it ("schools\n\n"): the label ends at its word.
        text = span.text.rstrip()
        end = span.start_char + len(text)
        found[(span.start_char, end)] = Phrase(text, span.start_char, end, root.text)
    return list(found.values())
