"""spaCy's attribute ruler, matched by table lookup.

English pipelines set part-of-speech tags, morphology and a few lemmas with an attribute ruler:
about 180 token patterns run through spaCy's general ``Matcher``, which on en_core_web_sm costs
as much as the dependency parser (about 18 microseconds a token). Every one of those patterns
tests only a token's own tag, lower-cased form, dependency label or whitespace, and none uses an
operator, so whether a pattern token matches depends on those four values alone: it is worked out
once per distinct combination and remembered. The rules, their order and what they set are the
original component's; a pipeline whose patterns need more keeps the ``Matcher``.

Imported only where a pipeline is loaded: it imports spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from spacy.language import Language
from spacy.pipeline import AttributeRuler

#: Pattern keys the table understands, and the token attribute each tests.
TOKEN_ATTRIBUTES = {
    "TAG": "tag_",
    "LOWER": "lower_",
    "DEP": "dep_",
    "IS_SPACE": "is_space",
    "ORTH": "orth_",
    "TEXT": "text",
    "POS": "pos_",
    "NORM": "norm_",
}
#: The same attributes as spaCy attribute names, for reading a whole ``Doc`` as one array.
ARRAY_ATTRIBUTES = {
    "tag_": "TAG", "lower_": "LOWER", "dep_": "DEP", "is_space": "IS_SPACE", "orth_": "ORTH",
    "text": "ORTH", "pos_": "POS", "norm_": "NORM",
}
#: Attributes read from the array as a flag rather than as a string's id.
FLAGS = frozenset({"is_space"})
#: Distinct token descriptions remembered before the memory starts over.
MAX_REMEMBERED = 200_000
FACTORY = "parallax_attribute_ruler"

Test = Callable[[Any], bool]
#: What a token description meets: the pattern tokens it matches, the one-token rules it
#: satisfies as (attr_id, match_id), and the longer patterns it may begin (their indexes).
Description = tuple[frozenset[int], tuple[tuple[int, int], ...], tuple[int, ...]]


def _condition(value: Any) -> tuple[Test, frozenset[Any] | None, re.Pattern[str] | None] | None:
    """A test of one attribute value, the values it can pass (None: beyond counting) and its
    regular expression; None where the table cannot say it exactly (the ``Matcher`` stays)."""
    if isinstance(value, bool | str):
        return (lambda seen: bool(seen == value)), frozenset([value]), None
    if isinstance(value, dict) and len(value) == 1:
        (operator, argument), = value.items()
        if operator == "IN" and isinstance(argument, list | tuple):
            members = frozenset(argument)
            return (lambda seen: seen in members), members, None
        if operator == "NOT_IN" and isinstance(argument, list | tuple):
            excluded = frozenset(argument)
            return (lambda seen: seen not in excluded), None, None
        if operator == "REGEX" and isinstance(argument, str):
            pattern = re.compile(argument)
            matched: Test = lambda seen: isinstance(seen, str) and pattern.search(seen) is not None  # noqa: E731
            return matched, frozenset(), pattern
    return None


class PatternTable:
    """The ruler's patterns as tests of a token description (its values of ``keys``)."""

    def __init__(self, entries: Sequence[tuple[int, int, Sequence[Sequence[dict[str, Any]]]]]) -> None:
        keys: list[str] = []
        for _, _, patterns in entries:
            for pattern in patterns:
                for spec in pattern:
                    keys.extend(k for k in spec if k not in keys)
        if any(k not in TOKEN_ATTRIBUTES for k in keys):
            raise ValueError(f"pattern keys beyond {sorted(TOKEN_ATTRIBUTES)}: {keys}")
        self.attributes = tuple(TOKEN_ATTRIBUTES[k] for k in keys)
        self._tests: list[Callable[[tuple[Any, ...]], bool]] = []
        # A word no pattern names (nor any of its expressions matches) fails every test of that
        # attribute alike, so it is looked up as None: the memory then holds a few thousand
        # descriptions instead of one per word of the vocabulary. An attribute tested with NOT_IN
        # cannot be treated so.
        self._named_values: list[set[Any]] = [set() for _ in keys]
        self._expressions: list[list[re.Pattern[str]]] = [[] for _ in keys]
        self._reducible = [True for _ in keys]
        self._telling: list[dict[Any, bool]] = [{} for _ in keys]
        spec_ids: dict[str, int] = {}
        #: (attr_id, match_id, test per token) of patterns one token long, and of longer ones.
        self.single: list[tuple[int, int, int]] = []
        self.longer: list[tuple[int, int, tuple[int, ...]]] = []
        for attr_id, match_id, patterns in entries:
            for pattern in patterns:
                if not pattern:
                    raise ValueError("an empty pattern")
                ids = tuple(self._spec_id(spec, keys, spec_ids) for spec in pattern)
                if len(ids) == 1:
                    self.single.append((attr_id, match_id, ids[0]))
                else:
                    self.longer.append((attr_id, match_id, ids))
        self._memory: dict[tuple[Any, ...], Description] = {}
        #: Descriptions by the token's row of string ids (see :meth:`_descriptions`).
        self._by_ids: dict[tuple[int, ...], Description] = {}
        self._array_ids: list[int] | None = None

    def _spec_id(self, spec: dict[str, Any], keys: list[str], known: dict[str, int]) -> int:
        signature = repr(sorted(spec.items()))
        if signature in known:
            return known[signature]
        conditions: list[tuple[int, Test]] = []
        for key, value in spec.items():
            condition = _condition(value)
            if condition is None:
                raise ValueError(f"pattern value beyond the table: {key}={value!r}")
            test, named, expression = condition
            index = keys.index(key)
            conditions.append((index, test))
            if named is None:
                self._reducible[index] = False
            else:
                self._named_values[index] |= named
            if expression is not None:
                self._expressions[index].append(expression)
        self._tests.append(lambda values: all(test(values[i]) for i, test in conditions))
        known[signature] = len(self._tests) - 1
        return known[signature]

    def _reduced(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        reduced = list(values)
        for index, value in enumerate(values):
            if not self._reducible[index]:
                continue
            telling = self._telling[index].get(value)
            if telling is None:
                telling = value in self._named_values[index] or any(
                    isinstance(value, str) and e.search(value) for e in self._expressions[index]
                )
                if len(self._telling[index]) >= MAX_REMEMBERED:
                    self._telling[index].clear()
                self._telling[index][value] = telling
            if not telling:
                reduced[index] = None
        return tuple(reduced)

    def describe(self, values: tuple[Any, ...]) -> Description:
        """What a token with these values meets (see :data:`Description`)."""
        values = self._reduced(values)
        found = self._memory.get(values)
        if found is None:
            passed = frozenset(i for i, test in enumerate(self._tests) if test(values))
            rules = tuple((attr_id, match_id) for attr_id, match_id, spec in self.single if spec in passed)
            starts = tuple(n for n, (_, _, ids) in enumerate(self.longer) if ids[0] in passed)
            if len(self._memory) >= MAX_REMEMBERED:
                self._memory.clear()
            found = self._memory[values] = (passed, rules, starts)
        return found

    def _descriptions(self, tokens: Iterable[Any]) -> Iterator[Description]:
        """Each token's description. A ``Doc`` is read as one array of string ids, a row per
        token, and a row seen before is looked up whole: reading four attributes of every token
        one by one costs several times more than the lookups."""
        to_array = getattr(tokens, "to_array", None)
        if to_array is None or not self.attributes:
            for token in tokens:
                yield self.describe(tuple(getattr(token, a) for a in self.attributes))
            return
        if self._array_ids is None:
            from spacy.attrs import IDS

            self._array_ids = [IDS[ARRAY_ATTRIBUTES[a]] for a in self.attributes]
        doc: Any = tokens
        strings = doc.vocab.strings
        memory = self._by_ids
        # spaCy gives a single attribute's values as a flat array.
        for row in to_array(self._array_ids).reshape(len(doc), len(self._array_ids)).tolist():
            key = tuple(row)
            found = memory.get(key)
            if found is None:
                values = tuple(bool(v) if a in FLAGS else strings[v]
                               for a, v in zip(self.attributes, row, strict=True))
                if len(memory) >= MAX_REMEMBERED:
                    memory.clear()
                found = memory[key] = self.describe(values)
            yield found

    def matches(self, tokens: Iterable[Any]) -> list[tuple[int, int, int, int]]:
        """What the ``Matcher`` finds, as the attribute ruler sorts it: (attr_id, match_id, start, end)."""
        passed: list[frozenset[int]] = []
        begun: list[tuple[int, int]] = []
        out: set[tuple[int, int, int, int]] = set()
        for position, (specs, rules, starts) in enumerate(self._descriptions(tokens)):
            passed.append(specs)
            out.update((attr_id, match_id, position, position + 1) for attr_id, match_id in rules)
            begun.extend((position, n) for n in starts)
        for start, n in begun:
            attr_id, match_id, ids = self.longer[n]
            end = start + len(ids)
            if end <= len(passed) and all(ids[k] in passed[start + k] for k in range(1, len(ids))):
                out.add((attr_id, match_id, start, end))
        return sorted(out)


def table_for(ruler: Any) -> PatternTable | None:
    """The table of a spaCy ``AttributeRuler``, or None where its patterns need the ``Matcher``."""
    entries = []
    for attr_id in range(len(ruler.attrs)):
        key = str(attr_id)
        found = ruler.matcher.get(key)
        if found is None:
            return None
        entries.append((attr_id, ruler.vocab.strings[key], found[1]))
    try:
        return PatternTable(entries)
    except ValueError:
        return None


class TabledAttributeRuler(AttributeRuler):
    """An attribute ruler that matches its patterns by table (see the module)."""

    _table: PatternTable | None = None
    _tabled = False

    def add(self, patterns: Any, attrs: Any, index: int = 0) -> None:
        super().add(patterns, attrs, index)
        self._tabled = False

    def clear(self) -> None:
        super().clear()
        self._tabled = False

    def set_annotations(self, doc: Any, matches: Any) -> None:
        """Set each match's attributes on its token, as spaCy's ruler does, without making a
        ``Span`` per match (most tokens have one); an index outside its match is left to
        spaCy, which names the pattern in its error."""
        from spacy.tokens._retokenize import set_token_attrs

        targets = []
        for attr_id, _, start, end in matches:
            index = self.indices[attr_id]
            position = (start if index >= 0 else end) + index
            if not start <= position < end:
                super().set_annotations(doc, matches)  # type: ignore[no-untyped-call]
                return
            targets.append((position, self.attrs[attr_id]))
        for position, attrs in targets:
            set_token_attrs(doc[position], attrs)

    def match(self, doc: Any) -> list[tuple[int, int, int, int]]:
        if not self._tabled:
            self._table, self._tabled = table_for(self), True
        if self._table is None:
            return list(super().match(doc))
        return self._table.matches(doc)


@Language.factory(FACTORY)
def make_tabled_attribute_ruler(nlp: Any, name: str, patterns: list[dict[str, Any]]) -> TabledAttributeRuler:
    ruler = TabledAttributeRuler(nlp.vocab, name)
    ruler.add_patterns(patterns)
    return ruler


def tabled_attribute_ruler(nlp: Any) -> None:
    """Give ``nlp``'s attribute ruler the table: the same rules, matched by lookup."""
    if "attribute_ruler" in nlp.pipe_names and type(nlp.get_pipe("attribute_ruler")) is AttributeRuler:
        patterns = nlp.get_pipe("attribute_ruler").patterns
        nlp.replace_pipe("attribute_ruler", FACTORY, config={"patterns": patterns})
