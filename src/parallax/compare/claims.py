"""Claims: the statements of fact inside sentences.

A sentence often carries several facts ("they agreed on dialogue ..., but they remained apart over
key issues" is two). Claims are cut at clause boundaries that news prose marks with a contrast or a
semicolon, after a concessive clause ("says although A, B"), and between two things one speaker is
reported to have done ("pledged to A and expressed B", "expressed hope that A, saying B"); each
claim keeps exact offsets into the article text.
"""

from __future__ import annotations

import itertools
import re

from parallax.model import Claim, Enrichment

#: Where one claim ends and the next begins: ", but they", "; ", ", while ", ", whereas ", ", after ".
_BOUNDARY = re.compile(
    r",?\s+but\s+(?=[a-z]+\s)|;\s+|,\s+while\s+|,\s+whereas\s+|,\s+although\s+"
    # ", after South Korea was invited ...": a clause of its own, so what came before is another
    # fact; ", after three hours of talks" only dates the same one, and is not cut.
    r"|,\s+after\s+(?=(?:[\w.'-]+\s+){1,4}(?:was|were|is|are|had|has|have|did)\s)"
)
_MIN_WORDS = 4
#: A sentence that opens with a concession ("Although X, Y") holds two claims, cut at the comma.
_OPENING = re.compile(r"^(although|though|while|whereas|despite)\b[^,]{10,}?,\s+", re.IGNORECASE)
#: The same inside a sentence: "the ministry says although A, B" is A and B.
_CONCESSION = re.compile(r"\s(?:although|though)\s+[^,]{10,}?(,\s+)")
#: What lies between two reported acts of one speaker: "pledged to A and expressed B", or "expressed
#: hope that A, saying B" (the participle reports a second statement).
_AND_VERB = re.compile(r"^(?:,?\s+and|,)\s+([a-z]+)\s*$")


#: Sentences that are the page's, not the story's: a dateline on its own ("MARENBURG, Estravia
#: (Tidewater Press) -"), a byline or sign-off ("Our correspondent Ana Ruiz reports.", "Reporting
#: by ...; editing by ..."), an editor's note. They state no fact to compare.
_CAPS = "A-Z\u00c0-\u00d6\u00d8-\u00de"  # capitals, with Latin-1's ("SÃO PAULO", "ZÜRICH")
_NAMES = r"(?-i:[A-Z][\w.'\u2019-]*)(?:\s+(?:and\s+)?(?-i:[A-Z][\w.'\u2019-]*))*"
_BOILERPLATE = re.compile(
    rf"^\W*(?:(?-i:[{_CAPS}][{_CAPS} .'\u2019-]+)(?:,\s*[\w .'\u2019-]+)?\s*(?:\([^)]*\))?"
    r"\s*[-\u2013\u2014]+\s*$"
    # The same dateline where the sentence splitter left its dash with the story ("WASHINGTON").
    rf"|(?-i:[{_CAPS}][{_CAPS}'\u2019-]+(?:\s+[{_CAPS}][{_CAPS}'\u2019-]+){{0,2}})"
    r"(?:,\s*[\w .'\u2019-]+)?\s*(?:\([^)]*\))?\s*$"
    rf"|(?:our|by\s+our)\s+(?:\w+\s+)?(?:correspondent|reporter)\s+{_NAMES}\s+(?:reports?|writes?)\W*$"
    rf"|(?:additional\s+)?reporting\s+by\s+{_NAMES}(?:\s+in\s+{_NAMES})?[;,]?\s*"
    rf"(?:editing\s+by\s+{_NAMES})?\W*$"
    rf"|editing\s+by\s+{_NAMES}\W*$|editor[\u2019']s\s+note\b"
    r"|this\s+(?:post|story|article)\s+has\s+been\s+(?:updated|revised|corrected)\b"
    # A signature: a name, the outlet, the place, nothing else ("Harriet Quayle, Meridian
    # Courier News, Marenburg.").
    rf"|{_NAMES}(?:,\s*(?-i:[A-Z][\w.'\u2019-]*)(?:\s+(?:of\s+|the\s+)?(?-i:[A-Z][\w.'\u2019-]*))*){{2,3}}\.?\s*$)",
    re.IGNORECASE,
)


#: A sentence that only says who spoke, its quotation left in the sentence before ('"...!"
#: Mr. Rowe told Reuters.'): it states no fact of its own.
_ATTRIBUTION_ONLY = re.compile(
    r"^\W*(?:(?-i:[A-Z][\w.'\u2019-]*)\s+){0,3}(?-i:[A-Z][\w.'\u2019-]*)\s+"
    r"(?:said|says|told|added|adds|wrote|writes|explained|noted|insisted|replied)"
    r"(?:\s+(?-i:[A-Z][\w.'\u2019-]*)){0,3}\W*$")


def split_claims(text: str, enrichment: Enrichment) -> list[Claim]:
    claims: list[Claim] = []
    for sentence in enrichment.sentences:
        if _BOILERPLATE.match(text[sentence.start : sentence.end]):
            continue
        if _ATTRIBUTION_ONLY.match(text[sentence.start : sentence.end]):
            continue
        cuts = sorted(_cuts(text, sentence.start, sentence.end, enrichment))
        pieces: list[tuple[int, int]] = []
        cursor = sentence.start
        for cut, resume in cuts:
            if cut <= cursor:
                continue
            rest = text[resume : sentence.end]
            if len(text[cursor:cut].split()) >= _MIN_WORDS and len(rest.split()) >= _MIN_WORDS:
                pieces.append((cursor, cut))
                cursor = resume
        pieces.append((cursor, sentence.end))
        for start, end in pieces:
            start, end = _trim(text, start, end)
            if any(c.isalnum() for c in text[start:end]):  # a stray closing mark is no claim
                claims.append(Claim(enrichment.article_id, text[start:end], start, end, sentence.index))
    return claims


def _cuts(text: str, start: int, end: int, enrichment: Enrichment) -> list[tuple[int, int]]:
    """Where claims end in the sentence [start, end), each with where the next one resumes."""
    body = text[start:end]
    cuts: list[tuple[int, int]] = []
    opening = _OPENING.match(body)
    if opening is not None:
        cuts.append((start + opening.end() - 2, start + opening.end()))
    for match in _BOUNDARY.finditer(body):
        if match.group().lstrip().startswith("but") and not _joins_clauses(body, match.start()):
            continue
        cuts.append((start + match.start(), start + match.end()))
    for match in _CONCESSION.finditer(body):
        if match.start() > 0:
            cuts.append((start + match.start(1), start + match.end(1)))
    inside = sorted((v for v in enrichment.voices if start <= v.start and v.end <= end),
                    key=lambda v: v.start)
    for first, second in itertools.pairwise(inside):
        joined = _AND_VERB.match(text[first.end : second.start])
        if joined is not None and first.speaker and first.speaker == second.speaker:
            # The second claim starts at its verb ("expressed concerns ..."), without the "and".
            cuts.append((first.end, first.end + joined.start(1)))
    return cuts


#: Words before which "but" means "except": "forbid anyone but a guide", "all but one".
_EXCEPT_BEFORE = re.compile(
    r"\b(?:any(?:one|body|thing|where)|no(?:one|body|thing|where)|no\s+one|every(?:one|body|thing|where)"
    r"|all|none|nothing|last|first|next)$", re.IGNORECASE)


def _joins_clauses(body: str, at: int) -> bool:
    """Whether the "but" at ``at`` joins two clauses: not "anyone but a licensed guide", and not
    "not winning every match but building a squad", where it joins two parts of one."""
    before = body[:at].rstrip()
    if _EXCEPT_BEFORE.search(before):
        return False
    if body[at] != ",":
        # A negation in the words just before a "but" with no comma: "not A but B" is one claim.
        clause = re.split(r"[,;:]", before)[-1]
        if re.search(r"\b(?:not|never)\b|n[\u2019']t\b", " ".join(clause.split()[-8:]), re.IGNORECASE):
            return False
    return True


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \n\t,;":
        start += 1
    while end > start and text[end - 1] in " \n\t,;":
        end -= 1
    return start, end
