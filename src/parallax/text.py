"""Small text helpers shared by the readers and the pipeline stages."""

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


# Words a dateline holds besides numbers: "Updated Saturday, December 05, 2009 8:28 PM",
# "4 March 2012 Last updated at 09:41 GMT", "Posted 10/14/2006 6:05 PM".
_DATELINE_VOCABULARY = (
    "published updated posted last at on article by date time am pm a.m p.m a m p gmt utc bst cet "
    "est edt cst cdt mst mdt pst pdt et pt ist aest jst kst th st nd rd "
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat "
    "sun january february march april may june july august september october november december jan "
    "feb mar apr jun jul aug sep sept oct nov dec"
)
_DATELINE_WORDS = frozenset(_DATELINE_VOCABULARY.split())
_DATELINE_TOKEN = re.compile(r"[^\W\d_]+(?:\.[^\W\d_])*\.?|\d+")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
# What makes a line a date and not a headline that happens to hold a number ("Article 50", "May
# at 60", "9/11"): a month next to a day or year, a clock time, or a day, month and year in digits.
_DATE_ANCHOR = re.compile(
    rf"\b{_MONTH}\.?\s*\d{{1,4}}(?!\d)|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b"
    r"|\b\d{1,2}\s*:\s*\d{2}(?!\d)|\b\d{1,4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}(?!\d)"
)


def is_dateline(line: str) -> bool:
    """Whether ``line`` gives only when a page was written or updated, not a headline or text.

    News pages saved as text often open with one ("June 06, 2013", "Updated Thu 6 May 2010,
    9:03am AEST"); read as a headline it makes unrelated reports look alike.
    """
    if len(line) > 80 or any(sign in line for sign in "$%\u20ac\u00a3\u00a5"):
        return False
    folded = line.casefold()
    tokens = _DATELINE_TOKEN.findall(folded)
    words = [token.rstrip(".") for token in tokens if not token.isdigit()]
    return (bool(_DATE_ANCHOR.search(folded)) and all(word in _DATELINE_WORDS for word in words))


# A sentence ends at . ! ? or … (perhaps inside a closing quote or bracket) before a space and a
# word that does not start in lower case, which spares "approx. three"; CJK full stops need no
# space. Rough, but the lead is also capped in characters, so a missed split costs little.
_SENTENCE_BREAK = re.compile(
    r"(?:(?<=[.!?\u2026])|(?<=[.!?\u2026][\"'\u201d\u2019\u00bb)\]]))\s+(?![a-z])|(?<=[\u3002\uff01\uff1f])\s*"
)


#: An article's lead, as its vector reads it: its first sentences, capped in characters.
LEAD_SENTENCES = 3
LEAD_CHARS = 400


def lead_text(text: str, sentences: int = LEAD_SENTENCES, max_chars: int = LEAD_CHARS) -> str:
    """The first ``sentences`` sentences of ``text``, cut to at most about ``max_chars`` characters."""
    picked: list[str] = []
    for paragraph in text.splitlines():
        if not picked and is_dateline(paragraph):
            continue  # "June 06, 2013" above the first sentence says when, not what
        for sentence in _SENTENCE_BREAK.split(paragraph):
            sentence = " ".join(sentence.split())
            if sentence:
                picked.append(sentence)
            if len(picked) >= sentences:
                break
        if len(picked) >= sentences:
            break
    # Chinese and Japanese put no space between sentences; other scripts want one.
    lead = "".join(
        sentence if not index or picked[index - 1][-1] in "\u3002\uff01\uff1f" else " " + sentence
        for index, sentence in enumerate(picked)
    )
    if len(lead) > max_chars:
        # Cut at a word boundary so the last word is not a fragment the tokenizer misreads.
        cut = lead.rfind(" ", 0, max_chars + 1)
        lead = lead[: cut if cut > max_chars // 2 else max_chars]
    return lead


def heading(title: str, text: str, limit: int = 90) -> str:
    """What to call an article in a list: its headline or, without one, its opening words."""
    return title if title.strip() else clip(lead_text(text, sentences=1) or text, limit)
