"""Time expressions of unenriched text, as :func:`parallax.enrich.timex.find_times` finds them, with
the rules that cannot match a text left unrun.

``find_times`` runs each of its rules (one regular expression each) over the whole text, and that
scan is most of what reading dates from text costs. Most rules need something most texts lack: a
month's name followed by a day, a unit of time after a number or a space, four digits in a row.
Each rule's expression is read once, here, into what any match of it must hold: sets of strings
(a "need": one of the set's strings occurs wherever the rule matches). A text that lacks a rule's
need has no match of that rule, so leaving the rule out changes nothing: the matches found, the
way overlaps are settled and the order they are resolved in are those of ``find_times``, and so
are the values (``tests/test_timescan.py`` holds the two to each other).

Needs are read and checked on text folded so that the check can only be too lenient: lower case,
every digit a "0", every run of spaces one " ". Where a text holds a character that the rules'
case-blind matching equates with a needed one but that lower-casing does not turn into it (the
long s is an "s" to the matcher and stays itself in lower case), every rule runs.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, lru_cache
from typing import Any

from parallax.enrich import timex
from parallax.model import TimeRef

#: Needed strings shorter than this are in nearly every text: a need holding one is not checked.
_SHORTEST = 3
#: The most strings a set may hold before it is cut to shorter strings.
_MOST = 48
#: The most needs checked per rule: the likeliest to fail.
_CHECKED = 2
#: The most needs kept for each part of an expression while it is read.
_KEPT = 4

# -- folding ------------------------------------------------------------------------------------

_SPACE_RUNS = re.compile(r"\s+")
_DIGITS = re.compile(r"\d")
_DOUBLE_SPACES = re.compile(" {2,}")
_ASCII_FOLD = {
    code: " " if _SPACE_RUNS.match(chr(code)) else "0" if _DIGITS.match(chr(code)) else chr(code).lower()
    for code in range(128)
}


def _fold(text: str) -> str:
    """Lower case, every digit a "0", every run of spaces (as the rules' ``\\s`` sees them) one " "."""
    if text.isascii():
        folded = text.translate(_ASCII_FOLD)
        return _DOUBLE_SPACES.sub(" ", folded) if "  " in folded else folded
    return _DIGITS.sub("0", _SPACE_RUNS.sub(" ", text.lower()))


def _fold_char(char: str) -> str | None:
    folded = _fold(char)
    return folded if len(folded) == 1 else None


# -- what matches hold --------------------------------------------------------------------------

_Strings = frozenset[str]
_NOTHING: _Strings = frozenset([""])  # nothing known (an empty set: no such match)


@dataclass(frozen=True, slots=True)
class _Info:
    """What the matches of part of an expression are known to be, folded.

    ``exact``: every match is one of these strings (None: too many to list). ``prefix`` and
    ``suffix``: every match but an empty one starts (ends) with one of these. ``empty``: whether
    it may match nothing. ``needs``: wherever it matches, the text holds one string of each set.
    """

    exact: _Strings | None
    prefix: _Strings
    suffix: _Strings
    empty: bool
    needs: tuple[_Strings, ...] = ()


def _joined(a: str, b: str) -> str:
    return a + b[1:] if a.endswith(" ") and b.startswith(" ") else a + b


def _cross(first: Iterable[str], second: Iterable[str]) -> _Strings:
    return frozenset(_joined(a, b) for a in first for b in second)


def _minimal(strings: _Strings, kind: str) -> _Strings:
    """``strings`` less those another of them makes redundant: for prefixes, one that starts with
    another; for suffixes, one that ends with another; for needs, one that holds another."""
    if "" in strings:
        return _NOTHING
    if len(strings) < 2:
        return strings
    if kind == "need" and len(strings) <= _MOST:
        return frozenset(s for s in strings if not any(t != s and t in s for t in strings))
    flip = kind == "suffix"
    kept: list[str] = []
    for s in sorted(s[::-1] if flip else s for s in strings):
        if not kept or not s.startswith(kept[-1]):
            kept.append(s)
    return frozenset(s[::-1] if flip else s for s in kept)


@lru_cache(maxsize=4096)
def _cut(strings: _Strings, kind: str) -> _Strings:
    """``strings`` made minimal, then, if more than :data:`_MOST` remain, shortened (suffixes
    from the start, others from the end) to the longest length at which few enough remain: what
    starts with "march 0" starts with "mar"."""
    strings = _minimal(strings, kind)
    if len(strings) <= _MOST:
        return strings

    def shortened(length: int) -> _Strings:
        return frozenset(s[-length:] if kind == "suffix" else s[:length] for s in strings)

    # Fewer distinct strings remain the shorter they are cut: find the longest cut that fits.
    low, high = 0, max(map(len, strings)) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if len(shortened(middle)) <= _MOST:
            low = middle
        else:
            high = middle - 1
    return _minimal(shortened(low), kind) if low else _NOTHING


def _exactly(strings: Iterable[str], needs: tuple[_Strings, ...] = ()) -> _Info:
    found = frozenset(strings)
    empty = "" in found
    solid = found - _NOTHING
    if len(found) == 1:
        return _Info(found, solid, solid, empty, needs)
    prefix, suffix = _cut(solid, "prefix"), _cut(solid, "suffix")
    if len(found) > _MOST:
        return _Info(None, prefix, suffix, empty, needs if empty else (*needs, _cut(solid, "need")))
    return _Info(found, prefix, suffix, empty, needs)


_EMPTY = _exactly([""])
_ONE = _Info(None, _NOTHING, _NOTHING, False)  # one character, not known which
_UNKNOWN = _Info(None, _NOTHING, _NOTHING, True)


def _junction(suffixes: _Strings, prefixes: _Strings) -> _Strings:
    """What is held where a match ending in one of ``suffixes`` meets one starting with one of
    ``prefixes``: their joins, the side with more strings shortened first until few enough."""
    left, right = suffixes, prefixes
    left_length = max((len(s) for s in left), default=0)
    right_length = max((len(p) for p in right), default=0)
    while len(left) * len(right) > _MOST:
        if len(left) >= len(right) and left_length > 1:
            left_length -= 1
            left = frozenset(s[-left_length:] for s in suffixes)
        elif right_length > 1:
            right_length -= 1
            right = frozenset(p[:right_length] for p in prefixes)
        else:
            return _NOTHING
    return _cut(_cross(left, right), "need")


def _then(a: _Info, b: _Info) -> _Info:
    """What is known of ``a`` followed by ``b``."""
    needs = a.needs + b.needs
    if a.exact is not None and b.exact is not None and len(a.exact) * len(b.exact) <= 4 * _MOST:
        return _exactly(_cross(a.exact, b.exact), _kept(needs))
    # Wherever the two match, each does: what each holds is held.
    for part in (a, b):
        if not part.empty:
            needs += tuple(n for n in (part.prefix, part.suffix, part.exact) if n)
    if a.exact is not None:
        solid = a.exact - _NOTHING
        prefix = solid if b.empty else _cross(solid, b.prefix)
    else:
        prefix = a.prefix
    if b.exact is not None:
        solid = b.exact - _NOTHING
        suffix = solid if a.empty else _cross(a.suffix, solid)
    else:
        suffix = b.suffix
    if a.empty:
        prefix |= b.prefix
    if b.empty:
        suffix |= a.suffix
    if not a.empty and not b.empty:
        needs = (*needs, _junction(a.suffix, b.prefix))
    return _Info(None, _cut(prefix, "prefix"), _cut(suffix, "suffix"), a.empty and b.empty, _kept(needs))


def _either(options: Sequence[_Info]) -> _Info:
    """What is known of one of ``options``."""
    best = [_best(_candidates(o)) for o in options]
    needs: tuple[_Strings, ...] = ()
    if all(b is not None for b in best):
        needs = (_cut(frozenset().union(*(b for b in best if b is not None)), "need"),)
    exacts = [o.exact for o in options]
    if all(e is not None for e in exacts):
        return _exactly(frozenset().union(*(e for e in exacts if e is not None)), needs)
    return _Info(None, _cut(frozenset().union(*(o.prefix for o in options)), "prefix"),
                 _cut(frozenset().union(*(o.suffix for o in options)), "suffix"),
                 any(o.empty for o in options), needs)


def _candidates(info: _Info) -> list[_Strings]:
    """The needs ``info`` gives: its own, and, where it never matches nothing, its prefixes,
    suffixes and exact strings."""
    found = list(info.needs)
    if not info.empty:
        found += [info.prefix, info.suffix]
        if info.exact is not None:
            found.append(info.exact)
    return [n for n in found if n and "" not in n]


def _kept(needs: Iterable[_Strings]) -> tuple[_Strings, ...]:
    """The few needs likeliest to rule a text out; the rest add little and are dropped."""
    useful = {n for n in needs if n and "" not in n}
    return tuple(sorted(useful, key=lambda n: (_score(n), sorted(n)), reverse=True)[:_KEPT])


@lru_cache(maxsize=8192)
def _chance(need: _Strings) -> float:
    """A rough chance that a news text holds one of ``need``'s strings: a string of three
    characters is in about half of them, and each further character makes one rarer."""
    missing = 1.0
    for s in need:
        missing *= 1.0 - min(1.0, 0.5 * 0.4 ** (len(s) - 3))
    return 1.0 - missing


def _score(need: _Strings) -> tuple[float, int]:
    """Higher for a need likelier to rule a text out (then for fewer strings to look for)."""
    return -_chance(need), -len(need)


def _best(needs: Sequence[_Strings]) -> _Strings | None:
    """The need likeliest to rule a text out."""
    return max(needs, key=_score) if needs else None


class _Reader:
    """Reads what an expression's matches hold from its parsed form (``re._parser``'s tree).

    Whatever it cannot read it takes as unknown, which is always safe: a need left out only
    means that the rule runs on more texts.
    """

    def __init__(self, constants: Any) -> None:
        self.c = constants

    def sequence(self, items: Iterable[tuple[Any, Any]]) -> _Info:
        c = self.c
        info = _EMPTY
        run: list[str] = []  # literal characters in a row, read as one string
        for op, av in items:
            char = _fold_char(chr(av)) if op is c.LITERAL else None
            if char is not None:
                run.append(char)
                continue
            if run:
                info = _then(info, _exactly([_DOUBLE_SPACES.sub(" ", "".join(run))]))
                run.clear()
            if op is c.ASSERT:  # a look-ahead or look-behind: the text there matches it
                inner = self.sequence(av[1])
                extra = _candidates(inner)
                if av[0] > 0 and not info.empty and not inner.empty:
                    extra.append(_junction(info.suffix, inner.prefix))
                info = replace(info, needs=_kept(info.needs + tuple(extra)))
                continue
            info = _then(info, self.element(op, av))
        return _then(info, _exactly([_DOUBLE_SPACES.sub(" ", "".join(run))])) if run else info

    def element(self, op: Any, av: Any) -> _Info:
        c = self.c
        if op is c.LITERAL or op is c.NOT_LITERAL or op is c.ANY:
            return _ONE
        if op is c.IN:
            chars = self._chars(av)
            return _ONE if chars is None else _exactly(chars)
        if op is c.SUBPATTERN:
            return self.sequence(av[3])
        if op is c.ATOMIC_GROUP:
            return self.sequence(av)
        if op is c.BRANCH:
            return _either([self.sequence(branch) for branch in av[1]])
        if op is c.GROUPREF_EXISTS:
            return _either([self.sequence(av[1]), self.sequence(av[2]) if av[2] is not None else _EMPTY])
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            return self._repeat(av[0], av[1], self.sequence(av[2]))
        if op is c.AT or op is c.ASSERT_NOT:
            return _EMPTY  # takes no text
        return _UNKNOWN

    def _repeat(self, least: int, most: int, inner: _Info) -> _Info:
        if inner.exact is not None:
            solid = inner.exact - _NOTHING
            if solid == {" "}:  # spaces in a row fold to one
                return _exactly({" "} | ({""} if least == 0 or inner.empty else set()))
            if most <= 4:
                found: set[str] = set()
                layer: _Strings = frozenset([""])
                for count in range(most + 1):
                    if count >= least:
                        found |= layer
                    if count == most:
                        return _exactly(found)
                    if len(layer) * len(inner.exact) > 4 * _MOST:
                        break
                    layer = _cross(layer, inner.exact)
        needs = () if least == 0 else _kept(_candidates(inner))
        return _Info(None, inner.prefix, inner.suffix, least == 0 or inner.empty, needs)

    def _chars(self, members: Iterable[tuple[Any, Any]]) -> set[str] | None:
        """The folded characters a set matches, or None when they are not few or not known."""
        c = self.c
        chars: set[str] = set()
        for op, av in members:
            if op is c.LITERAL and (char := _fold_char(chr(av))) is not None:
                chars.add(char)
            elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
                chars.add("0")
            elif op is c.CATEGORY and av is c.CATEGORY_SPACE:
                chars.add(" ")
            elif op is c.RANGE and av[1] - av[0] < 26:
                folded = [_fold_char(chr(code)) for code in range(av[0], av[1] + 1)]
                if any(f is None for f in folded):
                    return None
                chars.update(f for f in folded if f is not None)
            else:
                return None  # negated sets, other categories
        return chars


# -- the rules ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class _Check:
    """One need as checked. A string is looked for only where the text holds each of its runs of
    three characters (``grams``): a look in a set, where a search reads the whole text."""

    strings: tuple[str, ...]
    grams: tuple[frozenset[str], ...]

    def met(self, folded: str, grams: set[str]) -> bool:
        return any(map(grams.issuperset, self.grams)) and any(map(folded.__contains__, self.strings))


def _check(need: _Strings) -> _Check:
    # Shortest strings first: where a need is met, the likeliest string ends the check.
    strings = tuple(sorted(need, key=lambda s: (len(s), s)))
    return _Check(strings, tuple(frozenset(_grams(s)) for s in strings))


def _grams(text: str) -> set[str]:
    return set(map("".join, zip(text, text[1:], text[2:], strict=False)))


@dataclass(frozen=True, slots=True)
class _Rule:
    index: int  # position in timex's rule list: ties between equally long matches go by it
    name: str
    pattern: re.Pattern[str]
    needs: tuple[_Check, ...]


@cache
def _rules() -> tuple[_Rule, ...]:
    try:
        parser: Any = importlib.import_module("re._parser")
        reader: _Reader | None = _Reader(importlib.import_module("re._constants"))
    except ImportError:  # another Python's regular-expression internals: run every rule
        parser, reader = None, None
    rules = []
    checks: dict[_Strings, _Check] = {}
    for index, (name, pattern) in enumerate(timex._RULES):
        needs: list[_Strings] = []
        if reader is not None and parser is not None:
            info = reader.sequence(parser.parse(pattern.pattern, pattern.flags))
            needs = _chosen([n for n in _candidates(info)
                             if min(map(len, n)) >= _SHORTEST and _chance(n) < 1.0 and _ascii_safe(n)])
        # One check for each distinct need, so that a text meets or fails it once.
        rules.append(_Rule(index, name, pattern, tuple(checks.setdefault(n, _check(n)) for n in needs)))
    return tuple(rules)


def _chosen(needs: Iterable[_Strings]) -> list[_Strings]:
    """The :data:`_CHECKED` likeliest to rule a text out, leaving out any that a better one implies
    (whatever holds "mar 0" holds "mar")."""
    kept: list[_Strings] = []
    for need in sorted(set(needs), key=lambda n: (_score(n), sorted(n)), reverse=True):
        if len(kept) == _CHECKED:
            break
        if not any(all(any(t in s for t in need) for s in better) for better in kept):
            kept.append(need)
    return kept


def _ascii_safe(need: _Strings) -> bool:
    """Whether every ASCII character that matches a needed character case-blind folds to it (a
    needed long s would match "s"): ASCII text can then be checked folded."""
    return all(_ascii_safe_char(ch) for ch in {ch for s in need for ch in s})


@lru_cache(maxsize=256)
def _ascii_safe_char(char: str) -> bool:
    pattern = re.compile(re.escape(char), re.IGNORECASE)
    return not any(pattern.fullmatch(chr(code)) and _fold(chr(code)) != char for code in range(128))


@cache
def _needed_chars() -> tuple[tuple[str, re.Pattern[str]], ...]:
    chars = sorted({ch for rule in _rules() for need in rule.needs for s in need.strings for ch in s})
    return tuple((ch, re.compile(re.escape(ch), re.IGNORECASE)) for ch in chars)


@lru_cache(maxsize=1024)
def _case_safe(char: str) -> bool:
    """Whether every needed character that ``char`` matches case-blind is what it folds to."""
    folded = _fold(char)
    return not any(pattern.fullmatch(char) and folded != needed for needed, pattern in _needed_chars())


def _runnable(text: str, timeml: bool) -> list[_Rule]:
    """The rules that may match ``text``, in timex's order."""
    rules = [r for r in _rules() if not (timeml and r.name in timex.EXTENSION_RULES)]
    if not text.isascii() and not all(_case_safe(ch) for ch in set(text) if not ch.isascii()):
        return rules
    folded = _fold(text)
    grams = _grams(folded)
    met: dict[_Check, bool] = {}
    runnable = []
    for rule in rules:
        for need in rule.needs:
            known = met.get(need)
            if known is None:
                known = met[need] = need.met(folded, grams)
            if not known:
                break
        else:
            runnable.append(rule)
    return runnable


def find_times(text: str, published: date | None, *, timeml: bool = False) -> list[TimeRef]:
    """What :func:`parallax.enrich.timex.find_times` returns for the same arguments, sooner."""
    resolver = timex._Resolver(text, published)
    found: list[TimeRef] = []
    for start, end, index, m in _choose(resolver, _runnable(text, timeml)):
        norm = timex._resolve(resolver, timex._RULES[index][0], m)
        if norm is None:
            continue
        end = norm.end or end
        found.append(TimeRef(text[start:end], norm.value, norm.precision, start, end, norm.kind))
        if norm.anchors and norm.kind in ("date", "time") and norm.value and norm.value[:1].isdigit():
            resolver.anchor = (norm.value, norm.precision, end)
    return found


def _choose(resolver: timex._Resolver, rules: Sequence[_Rule]) -> list[tuple[int, int, int, re.Match[str]]]:
    """timex's choice among the matches of ``rules``: longest first, then the rule listed first;
    a match is kept only if no kept one overlaps it and its rule accepts it."""
    found: list[tuple[int, int, int, re.Match[str]]] = []
    for rule in rules:
        for m in rule.pattern.finditer(resolver.text):
            if m.end() > m.start():
                found.append((m.start(), m.end(), rule.index, m))
    found.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken = bytearray(len(resolver.text))
    chosen: list[tuple[int, int, int, re.Match[str]]] = []
    for start, end, index, m in found:
        if any(taken[start:end]):
            continue
        if resolver.looks_like_title(start, end):
            continue
        if timex._resolve(resolver, timex._RULES[index][0], m) is None:
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append((start, end, index, m))
    chosen.sort(key=lambda c: c[0])
    return chosen
