"""Finding what a URL names (a story, an article, an entity, an outlet), with errors worded for
the web: the store's own errors speak to the command line ("list stories with `parallax
stories`"), which means nothing to a reader of a page or a client of the API.

An id may be a unique prefix, as on the command line. A prefix that fits several ids is no
missing thing but an ambiguous request, answered with the ids it fits.
"""

from __future__ import annotations

from typing import Any, NoReturn

from parallax.errors import NotFoundError
from parallax.model import Article, Story
from parallax.store import Store

#: How many of the ids an ambiguous prefix fits are named.
SHOWN_MATCHES = 10

#: Where a reader finds each kind of thing: on a page, and through the API.
_WHERE = {
    "story": ("Pick one from the story list.", "GET /api/stories lists the stories with their ids"),
    "article": ("Open it from a story, an outlet or a search.",
                "GET /api/articles lists the articles with their ids"),
    "entity": ("Article pages link every person, place and organisation they name.",
               "entities are linked from the article pages"),
    "outlet": ("The Outlet filter of the story list names every outlet.",
               "GET /api/articles lists every article with its outlet"),
}
_TABLES = {"story": "stories", "article": "articles", "entity": "entities"}
#: Shortest prefix the store takes for ids of each kind (a story id may be cut anywhere).
_SHORTEST = {"story": 1, "article": 4, "entity": 4}


class Missing(LookupError):
    """Nothing of that kind by that id or name (404)."""

    def __init__(self, kind: str, given: str) -> None:
        super().__init__(f"no {kind} {given!r}")
        self.kind, self.given = kind, given

    def for_page(self) -> str:
        short = len(self.given) < _SHORTEST.get(self.kind, 0)
        return (f"There is no {self.kind} “{self.given}” in this store. "
                + (f"A shortened id needs at least {_SHORTEST[self.kind]} characters. " if short else "")
                + _WHERE[self.kind][0])

    def for_api(self) -> str:
        short = len(self.given) < _SHORTEST.get(self.kind, 0)
        return (f"no {self.kind} {self.given!r}"
                + (f" (a shortened id needs at least {_SHORTEST[self.kind]} characters)" if short else "")
                + f": {_WHERE[self.kind][1]}")


class Ambiguous(LookupError):
    """A prefix that fits more than one id (409): the request must say which."""

    def __init__(self, kind: str, given: str, matches: list[str]) -> None:
        super().__init__(f"{given!r} fits more than one {kind} id")
        self.kind, self.given = kind, given
        self.matches = matches[:SHOWN_MATCHES]
        self.more = len(matches) > SHOWN_MATCHES

    def for_page(self) -> str:
        return f"“{self.given}” is the start of more than one {self.kind} id. Choose one:"

    def for_api(self) -> dict[str, Any]:
        listed = ", ".join(self.matches) + (", …" if self.more else "")
        return {"detail": f"{self.given!r} is the start of more than one {self.kind} id ({listed}): "
                          "send more of the id", "matches": self.matches}


def _settle(store: Store, kind: str, given: str) -> NoReturn:
    """Raise the web's error for an id the store did not take."""
    if len(given) >= _SHORTEST[kind]:
        pattern = given.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = store.execute(
            f"SELECT id FROM {_TABLES[kind]} WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
            (pattern, SHOWN_MATCHES + 1),
        )
        if len(rows) > 1:
            raise Ambiguous(kind, given, [str(row[0]) for row in rows])
    raise Missing(kind, given)


def story(store: Store, given: str) -> Story:
    try:
        return store.story(given)
    except NotFoundError:
        _settle(store, "story", given)


def article(store: Store, given: str) -> Article:
    try:
        return store.article(given)
    except NotFoundError:
        _settle(store, "article", given)


def entity(store: Store, given: str) -> dict[str, Any]:
    try:
        return store.entity(given)
    except NotFoundError:
        _settle(store, "entity", given)


def outlet(store: Store, given: str) -> str:
    """The outlet's name as stored (outlet names match without regard to case)."""
    stored = store.outlet_name(given)
    if stored is None:
        raise Missing("outlet", given)
    return stored
