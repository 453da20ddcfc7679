"""The web UI and HTTP API over one store: ``create_app("parallax.db")`` gives an ASGI app.

Every route is a plain function that FastAPI runs in its thread pool, so a comparison computed on
a first visit never blocks the event loop. Each pool thread opens its own connection to the store
(SQLite in WAL mode lets them all read while one writes); cached pages take no lock at all.

Security model: pages are server-rendered with Jinja2's autoescape, load nothing from another
host, and run under a strict Content-Security-Policy; the server is read-only unless it was given
a token, which ``POST /api/articles`` then requires as ``Authorization: Bearer TOKEN``.
"""

from __future__ import annotations

import hmac
import json
import re
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from contextlib import asynccontextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Body, Depends, FastAPI, Query, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from parallax.codes import CodeError, country_code, language_code
from parallax.errors import NotFoundError, ParallaxError, StoreError
from parallax.render.html import stylesheet
from parallax.store import Store
from parallax.web import lookup, pages

CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
API_LIMIT = 500


def _blank_is_none(value: Any) -> Any:
    """A form sends its empty fields too ("?from=&to="): an empty value is no filter. Only
    spaces count as empty: Python's ``strip`` would also take control characters away."""
    return None if isinstance(value, str) and not value.strip(" \t\r\n") else value


def _day_or_none(value: Any) -> Any:
    """A day filter: empty is none, anything else a calendar day written YYYY-MM-DD (the date
    type alone would also take "0", a timestamp: 1 January 1970)."""
    value = _blank_is_none(value)
    if isinstance(value, str):
        value = value.strip(" ")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("write a day as YYYY-MM-DD")
    return value


#: A day filter of a form or a query: ``from=`` left empty filters nothing (the schema says so).
_DAY_SCHEMA = WithJsonSchema({"anyOf": [{"type": "string", "format": "date"},
                                        {"type": "string", "maxLength": 0}, {"type": "null"}]})
FromDay = Annotated[date | None, BeforeValidator(_day_or_none), _DAY_SCHEMA, Query(alias="from")]
ToDay = Annotated[date | None, BeforeValidator(_day_or_none), _DAY_SCHEMA, Query(alias="to")]

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


class _Stores:
    """One store connection per thread, all closed when the app shuts down. An app may be started
    again after a shutdown (tests do), so a thread whose connection was closed opens a new one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._opened: list[Store] = []
        self._lock = threading.Lock()
        self._generation = 0

    def get(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None or self._local.generation != self._generation:
            if not self.path.is_file():  # removed while serving: never start an empty store there
                raise StoreError(f"the store at {self.path} is gone: restart the server on a store")
            store = Store(self.path)
            with self._lock:
                self._opened.append(store)
                self._local.store, self._local.generation = store, self._generation
        return store

    def close(self) -> None:
        with self._lock:
            self._generation += 1
            for store in self._opened:
                store.close()
            self._opened.clear()


class _Guard:
    """Security headers on every response, no request body over ``max_body`` bytes (413), and
    HEAD answered for every GET route (monitors and link checkers send it), without the body."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        head = scope.get("method") == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in SECURITY_HEADERS}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = headers + SECURITY_HEADERS
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        too_large = f"request body too large: at most {self.max_body} bytes"
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body:
            body = json.dumps({"detail": too_large}).encode()
            await send_with_headers({"type": "http.response.start", "status": 413, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
            await send_with_headers({"type": "http.response.body", "body": body})
            return
        received = 0

        async def counted_receive() -> MutableMapping[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:  # a chunked body that declared no length
                    raise StarletteHTTPException(413, too_large)
            return message

        await self.app(scope, counted_receive, send_with_headers)


class Problem(BaseModel):
    """What an error response says: the cause and, where there is one, the fix."""

    detail: str


class Ambiguity(BaseModel):
    """An id prefix that fits more than one id, and the ids it fits (the first ten)."""

    detail: str
    matches: list[str]


NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such id"},
    409: {"model": Ambiguity, "description": "An id prefix that fits more than one id"},
}


class ArticleIn(BaseModel):
    """An article sent to ``POST /api/articles``; it goes through the same ingest as a file."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="The article's text.")
    title: str = ""
    published: str | None = Field(None, description="ISO 8601, e.g. 2021-05-05T09:30:00+09:00")
    outlet: str | None = None
    country: str | None = Field(None, description="ISO 3166 country code, or the country's English name")
    language: str | None = Field(None, description="ISO 639-1 language code, or the language's English name")
    url: str | None = None

    # Checked here rather than left to ingest, whose messages name the command line's flags and
    # the other field names a JSON file may use.
    @field_validator("text")
    @classmethod
    def _has_text(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError("blank_text",
                                      "the article's text is blank: send it in the 'text' field")
        return value

    # Ingest drops a language it cannot read, as a hint that detection can do without; a client
    # that sent one learns of its mistake instead, as it does for a country.
    @field_validator("country", "language")
    @classmethod
    def _known_code(cls, value: str | None, info: ValidationInfo) -> str | None:
        to_code = country_code if info.field_name == "country" else language_code
        try:
            return to_code(value)
        except CodeError as exc:
            raise PydanticCustomError(f"unknown_{info.field_name}", str(exc)) from None


def create_app(db: str | Path, *, token: str | None = None, max_body: int = 1_000_000) -> FastAPI:
    """The web UI and JSON API over the store at ``db``. With a ``token`` the API accepts new
    articles from clients that send it; without one the server is read-only."""
    path = Path(db)
    if not path.is_file():
        raise StoreError(f"no store at {path}: ingest articles first (`parallax ingest ... --db {path}`)")
    Store(path).close()  # migrate once, up front, rather than in the first request's thread
    stores = _Stores(path)
    write_lock = threading.Lock()
    templates = Environment(loader=PackageLoader("parallax.web", "templates"), autoescape=True,
                            trim_blocks=True, lstrip_blocks=True)
    templates.filters["path"] = lambda value: quote(str(value), safe="")
    templates.filters["qs"] = urlencode
    templates.filters["when"] = _when
    templates.filters["code"] = _backticks
    css = stylesheet()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        stores.close()

    app = FastAPI(
        title="Parallax", version=_version(), lifespan=lifespan,
        summary="How news outlets cover the same event, fact by fact.",
        docs_url=None, redoc_url=None,  # the stock pages load scripts from a CDN; /docs is served below
    )

    app.add_middleware(_Guard, max_body=max_body)
    app.router.dependencies.append(Depends(_known_parameters))

    def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.get_template(template).render(**context), status_code=status)

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"

    @app.exception_handler(lookup.Missing)
    def missing(request: Request, exc: lookup.Missing) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": exc.for_api()}, status_code=404)
        return page("error.html", 404, title="Not found", message=exc.for_page())

    @app.exception_handler(lookup.Ambiguous)
    def ambiguous(request: Request, exc: lookup.Ambiguous) -> Response:
        if wants_json(request):
            return JSONResponse(exc.for_api(), status_code=409)
        # The same address with each full id in place of the prefix.
        head = request.url.path.rpartition("/")[0]
        choices = [(f"{head}/{quote(match, safe='')}", match) for match in exc.matches]
        return page("error.html", 409, title="More than one match", message=exc.for_page(),
                    choices=choices, more=exc.more)

    @app.exception_handler(NotFoundError)
    def not_found(request: Request, exc: NotFoundError) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        return page("error.html", 404, title="Not found", message=_for_page(str(exc)))

    @app.exception_handler(ParallaxError)
    def bad_request(request: Request, exc: ParallaxError) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        return page("error.html", 400, title="Cannot show this", message=_for_page(str(exc)))

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_json(request):
            detail = exc.detail
            if exc.status_code == 400 and detail == "There was an error parsing the body":
                # FastAPI's words for a body that is not UTF-8 JSON, made to say what to send.
                detail = ("[P100] the request body is not JSON in UTF-8: send one JSON object, encoded "
                          "as UTF-8, with Content-Type: application/json")
            return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)
        return page("error.html", exc.status_code, title=str(exc.detail), message=str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if wants_json(request):  # FastAPI's own shape, as the OpenAPI document describes it
            return await request_validation_exception_handler(request, exc)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'][1:]) or 'request'}: {_plain(error)}"
            for error in exc.errors()
        )
        return page("error.html", 422, title="Invalid request", message=problems)

    # -- pages ---------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(
        q: str = "", outlet: str = "", country: str = "", language: str = "",
        since: FromDay = None,
        until: ToDay = None,
        sort: Annotated[str, Query(pattern="^(recent|size|diversity)$")] = "recent",
        page_number: Annotated[int, BeforeValidator(lambda v: _blank_is_none(v) or 1),
                               Query(alias="page", ge=1, le=100_000)] = 1,
    ) -> HTMLResponse:
        filters = pages.StoryFilters(q=q.strip(), outlet=outlet, country=country, language=language,
                                     since=since, until=until, sort=sort, page=page_number)
        return page("home.html", **pages.story_list(stores.get(), filters))

    # The two busiest routes answer from memory on the event loop when the story's comparison is
    # unchanged (one small SQLite read decides that), and go to the thread pool only to build a
    # page or a comparison. Handing every request to a thread made 50 clients queue for the GIL.
    story_pages: pages.Lru[bytes] = pages.Lru()
    comparisons: pages.Lru[bytes] = pages.Lru(64)

    def current(story_id: str) -> tuple[str, str]:
        from parallax.compare.api import comparison_key

        story = lookup.story(stores.get(), story_id)
        return story.id, comparison_key(story)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    async def story_page(story_id: str) -> Response:
        key = current(story_id)
        body = story_pages.get(key)
        if body is None:
            def build() -> bytes:  # in a pool thread, with that thread's own store connection
                return bytes(page("story.html", **pages.story_page(stores.get(), key[0])).body)

            body = await run_in_threadpool(build)
            story_pages.put(key, body)
        return HTMLResponse(body)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        return page("article.html", **pages.article_page(stores.get(), article_id))

    @app.get("/outlets/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def outlet_page(name: str) -> HTMLResponse:
        return page("outlet.html", **pages.outlet_page(stores.get(), name))

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(entity_id: str) -> HTMLResponse:
        return page("entity.html", **pages.entity_page(stores.get(), entity_id))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        routes = [
            {"method": method.upper(), "path": route_path, "summary": spec.get("summary", ""),
             "description": spec.get("description", "")}
            for route_path, methods in app.openapi()["paths"].items()
            for method, spec in methods.items()
        ]
        return page("docs.html", routes=routes, writable=token is not None)

    @app.get("/static/report.css", include_in_schema=False)
    def report_css() -> Response:
        return Response(css, media_type="text/css", headers={"cache-control": "public, max-age=3600"})

    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    # -- API -----------------------------------------------------------------------------------

    @app.get("/api/stories", summary="List stories, latest first")
    def api_stories(
        response: Response, q: str = "", outlet: str = "", country: str = "", language: str = "",
        since: FromDay = None,
        until: ToDay = None,
        sort: Annotated[str, Query(pattern="^(recent|size|diversity)$")] = "recent",
        limit: Annotated[int | None, Query(ge=1, le=API_LIMIT)] = None,
        offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    ) -> list[dict[str, Any]]:
        """Every story as `parallax stories --format json` prints it; with filters or paging,
        the matching page of them (at most 500), and the number matching in `X-Total-Count`."""
        from parallax.cluster.listing import story_listing

        store = stores.get()
        if not any((q.strip(), outlet, country, language, since, until, limit, offset)) and sort == "recent":
            listing = story_listing(store)
            response.headers["x-total-count"] = str(len(listing))
            return listing
        found, total = store.find_stories(outlet=outlet or None, country=country or None,
                                          language=language or None, since=since, until=until,
                                          query=q or None, sort=sort, limit=limit or API_LIMIT,
                                          offset=offset)
        response.headers["x-total-count"] = str(total)
        return [s.to_json() for s in found]

    @app.get("/api/stories/{story_id}", summary="One story", responses=NOT_FOUND)
    def api_story(story_id: str) -> dict[str, Any]:
        """The story as `parallax story ID --format json` prints it; ids may be unique prefixes."""
        return lookup.story(stores.get(), story_id).to_json()

    @app.get("/api/stories/{story_id}/comparison", summary="A story's fact-by-fact comparison",
             responses={**NOT_FOUND, 200: {"content": {"application/json": {"schema": {"type": "object"}}},
                                           "description": "The parallax.comparison/1 document."}},
             response_class=Response)
    async def api_comparison(story_id: str) -> Response:
        """The `parallax.comparison/1` JSON that `parallax compare --story ID --format json`
        prints: computed on the first request, then served from the store's cache."""
        from parallax.compare.api import story_comparison

        key = current(story_id)
        body = comparisons.get(key)
        if body is None:
            # The cached JSON text goes out as it is: decoding and re-encoding a large comparison
            # on every request cost more than everything else the request does.
            stored = stores.get().comparison(*key)
            if stored is None:
                made = await run_in_threadpool(lambda: story_comparison(stores.get(), key[0]))
                stored = json.dumps(made, ensure_ascii=False)
            body = stored.encode("utf-8")
            comparisons.put(key, body)
        return Response(body, media_type="application/json")

    @app.get("/api/articles", summary="List articles, a page at a time")
    def api_articles(
        q: str = "", outlet: str = "", country: str = "", language: str = "",
        since: FromDay = None,
        until: ToDay = None,
        limit: Annotated[int, Query(ge=1, le=API_LIMIT)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    ) -> dict[str, Any]:
        """Articles in publication order, as `parallax articles --format json` lists them, with
        the number matching the filters."""
        found, total = stores.get().find_articles(
            outlet=outlet or None, country=country or None, language=language or None, since=since,
            until=until, query=q or None, limit=limit, offset=offset)
        return {"total": total, "limit": limit, "offset": offset, "articles": [a.summary() for a in found]}

    @app.get("/api/articles/{article_id}", summary="One article with its text", responses=NOT_FOUND)
    def api_article(article_id: str) -> dict[str, Any]:
        """The article as `parallax article ID --format json` prints it, plus its story."""
        store = stores.get()
        found = lookup.article(store, article_id)
        data = found.to_json()
        data["sightings"] = store.sightings(found.id)
        data["syndicated_copies"] = store.syndicated_copies(found.id)
        data["story"] = store.story_of(found.id)
        return data

    @app.get("/api/search", summary="Full-text search over titles and texts")
    def api_search(
        q: Annotated[str, Query(min_length=1, description="Words to find; every word must occur.")],
        outlet: str = "", country: str = "", language: str = "",
        since: FromDay = None,
        until: ToDay = None,
        limit: Annotated[int, Query(ge=1, le=API_LIMIT)] = 20,
        offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    ) -> dict[str, Any]:
        """Articles whose title or text holds every word, best match first, each with a snippet;
        and the stories that hold a matching article, latest first, paged by the same `limit`
        and `offset`. `outlet`, `country`, `language`, `from` and `to` keep the articles that pass
        them all (then in publication order) and the stories that hold one."""
        store = stores.get()
        found, total = pages.search_articles(store, q, outlet=outlet, country=country, language=language,
                                             since=since, until=until, limit=limit, offset=offset)
        stories, story_total = store.find_stories(
            query=q, outlet=outlet or None, country=country or None, language=language or None,
            since=since, until=until, limit=limit, offset=offset) if total else ([], 0)
        return {
            "query": q, "total": total, "limit": limit, "offset": offset,
            "articles": [
                dict(a.summary(), snippet=snippet.replace("\x02", "").replace("\x03", ""),
                     story=store.story_of(a.id))
                for a, snippet in found
            ],
            "stories": [s.to_json() for s in stories], "stories_total": story_total,
        }

    def authorized(request: Request) -> None:
        _authorize(request, token)

    # The token is checked as a dependency, which FastAPI settles before it validates the body:
    # a client without the token learns nothing of what the body should hold.
    @app.post("/api/articles", summary="Add one article (needs the server's token)", status_code=201,
              dependencies=[Depends(authorized)],
              responses={200: {"description": "A duplicate of a stored article"},
                         401: {"model": Problem, "description": "No token, or the wrong one"},
                         403: {"model": Problem, "description": "The server is read-only (no token)"},
                         413: {"model": Problem, "description": "The request body is too large"},
                         422: {"description": "The article was quarantined, or the request is malformed"}})
    def api_add_article(article: Annotated[ArticleIn, Body()]) -> JSONResponse:
        """Ingest one article as if it were a JSON file: it is deduplicated, quarantined with a
        reason or stored, then enriched and placed in a story. Send the server's token as
        `Authorization: Bearer TOKEN`."""
        with write_lock:  # one writer at a time: ingest, enrichment and clustering read then write
            outcome = _ingest_one(stores.get(), article)
        status = {"stored": 201, "duplicate": 200}.get(outcome["outcome"], 422)
        return JSONResponse(outcome, status_code=status)

    return app


def _known_parameters(request: Request) -> None:
    """Refuse a query parameter that an API endpoint does not take (422, naming it): a filter
    that is dropped without a word gives an answer that looks filtered and is not. Pages let
    such parameters pass, as links from elsewhere may carry them."""
    if not request.url.path.startswith("/api/"):
        return
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known: set[str] = set()
    pending = [dependant]
    while pending:  # the route's own parameters and those of its dependencies
        current = pending.pop()
        known.update(param.alias for param in current.query_params)
        pending.extend(current.dependencies)
    unknown = [name for name in dict.fromkeys(request.query_params) if name not in known]
    if unknown:
        accepted = ", ".join(sorted(known)) or "none"
        raise RequestValidationError([
            {"type": "extra_forbidden", "loc": ("query", name), "input": request.query_params[name],
             "msg": f"{name!r} is not a parameter of this endpoint; it takes: {accepted}"}
            for name in unknown
        ])


def _authorize(request: Request, token: str | None) -> None:
    if token is None:
        raise StarletteHTTPException(
            403, "this server is read-only: start it with --token (or $PARALLAX_TOKEN) to accept articles")
    scheme, _, sent = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(sent.strip().encode(), token.encode()):
        raise StarletteHTTPException(
            401, "send the server's token as 'Authorization: Bearer TOKEN'",
            headers={"WWW-Authenticate": "Bearer"})


def _ingest_one(store: Store, article: ArticleIn) -> dict[str, Any]:
    """The library's ingest path for one article, then enrichment and story placement, as
    `parallax ingest` does for new articles."""
    from parallax.cluster import update_stories
    from parallax.enrich import enrich_store
    from parallax.ingest import ingest_bytes

    record = article.model_dump(exclude_none=True)
    data = json.dumps(record, ensure_ascii=False).encode("utf-8")
    report = ingest_bytes(data, name="POST /api/articles", store=store)
    item = report.items[0]
    outcome: dict[str, Any] = {"outcome": item.outcome.value, "article_id": item.article_id,
                               "reason": item.reason, "story": None}
    if item.outcome.value == "stored" and item.article_id:
        enrich_store(store, ids=[item.article_id])
        update_stories(store, [item.article_id])
    if item.article_id:
        outcome["story"] = store.story_of(item.article_id)
    return outcome


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("parallax-news")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0"


def _plain(error: Mapping[str, Any]) -> str:
    """A validation error as a person would put it, with what to write instead."""
    kind = str(error.get("type", ""))
    if "date" in kind:
        return "give a date as YYYY-MM-DD, for example 2026-04-14"
    if kind.startswith("int") or kind == "greater_than_equal" or kind == "less_than_equal":
        return f"{error['msg'].rstrip('.')} (a whole number)"
    return str(error["msg"])


def _for_page(message: str) -> str:
    """An error message for a page: without the code that ties it to docs/errors.md, which a
    reader of the page has no use for (the API keeps it, for logs)."""
    return re.sub(r"^\[P\d{3}\] ", "", message)


def _backticks(text: str) -> Markup:
    """Text with its `backticked` words set as code, everything else escaped."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def _when(value: date | None) -> str:
    """A publication time as people read it, in the zone it was published in."""
    if value is None:
        return "undated"
    if isinstance(value, datetime):
        offset = value.strftime("%z")
        return value.strftime("%Y-%m-%d %H:%M") + (f" {offset[:3]}:{offset[3:]}" if offset else "")
    return value.isoformat()
