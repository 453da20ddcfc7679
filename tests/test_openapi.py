"""The JSON API against its own OpenAPI description, in process: Schemathesis generates requests
for every GET endpoint (25 per endpoint and mode, so the run stays short) and checks that none
fails with a server error, that every response is one the schema documents, and that invalid
requests are refused. Adding an article needs the server's token."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from parallax.store import Store
from parallax.web import create_app

TOKEN = "test-token-for-the-write-endpoint"
CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
    response_headers_conformance,
]


@dataclass(frozen=True, slots=True)
class Demo:
    db: Path
    story_id: str
    article_id: str


@pytest.fixture(scope="module")
def demo(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """A copy of the sample store (the app writes its cached comparisons into it)."""
    db = tmp_path_factory.mktemp("openapi") / "parallax.db"
    shutil.copyfile(sample_db, db)
    with Store(db) as store:
        story = max(store.stories(), key=lambda s: (len(s.article_ids), s.id))
    return Demo(db, story.id, story.article_ids[0])


@pytest.fixture(scope="module")
def app(demo: Demo) -> Any:
    application = create_app(demo.db, token=TOKEN)
    # Compute the comparison once: generated requests then read it from the cache. (No lifespan
    # here: its shutdown would close the app's store connections.)
    assert TestClient(application).get(f"/api/stories/{demo.story_id}/comparison").status_code == 200
    return application


@pytest.fixture(scope="module")
def api_schema(app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


#: The GET endpoints of the JSON API; a new one must be added here (the test below says so).
GET_ENDPOINTS = [
    "/api/stories", "/api/stories/{story_id}", "/api/stories/{story_id}/comparison", "/api/articles",
    "/api/articles/{article_id}", "/api/search",
]


def test_every_get_endpoint_is_tested(api_schema: Any) -> None:
    found = {operation.path for operation in _operations(api_schema) if operation.method.upper() == "GET"}
    assert found == set(GET_ENDPOINTS)


def _operations(api_schema: Any) -> list[Any]:
    return [result.ok() for result in api_schema.get_all_operations()
            if result.ok().path.startswith("/api/")]


#: Endpoints whose parameters have constraints an invalid request can break (a path parameter that
#: takes any string cannot be invalid).
CONSTRAINED = ["/api/stories", "/api/articles", "/api/search"]


@pytest.mark.parametrize(("path", "mode"), [
    *((path, GenerationMode.POSITIVE) for path in GET_ENDPOINTS),
    *((path, GenerationMode.NEGATIVE) for path in CONSTRAINED),
], ids=str)
def test_get_endpoint_conforms_to_the_schema(api_schema: Any, path: str, mode: GenerationMode) -> None:
    """Generated requests, valid by the schema and not: no server error, every response as
    documented, and invalid requests refused with a 4xx."""
    operation = api_schema[path]["GET"]
    checks = CHECKS if mode is GenerationMode.POSITIVE else [*CHECKS, negative_data_rejection]

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        case.call_and_validate(checks=checks)

    check()


def test_known_ids_conform_to_the_schema(api_schema: Any, demo: Demo) -> None:
    """The generated ids are mostly unknown; these requests reach the real story and article."""
    ids = {"story_id": demo.story_id, "article_id": demo.article_id}
    for path in GET_ENDPOINTS:
        names = re.findall(r"{(\w+)}", path)
        case = api_schema[path]["GET"].Case(
            path_parameters={name: ids[name] for name in names} or None,
            query={"q": "Marenburg"} if path == "/api/search" else None,
        )
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])


def test_posting_an_article_needs_the_token(demo: Demo) -> None:
    body = {"text": "Officials in Marenburg said the river commission met on Monday.", "outlet": "Test"}
    with TestClient(create_app(demo.db, token=TOKEN)) as client:
        assert client.post("/api/articles", json=body).status_code in (401, 403)
        wrong = client.post("/api/articles", json=body, headers={"Authorization": "Bearer wrong"})
        assert wrong.status_code in (401, 403)


def test_a_server_without_a_token_is_read_only(demo: Demo) -> None:
    body = {"text": "Officials in Marenburg said the river commission met on Monday.", "outlet": "Test"}
    with TestClient(create_app(demo.db)) as client:
        assert client.post("/api/articles", json=body).status_code == 403
        sent = client.post("/api/articles", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert sent.status_code == 403


def test_a_body_that_is_not_utf8_json_says_what_to_send(demo: Demo) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    with TestClient(create_app(demo.db, token=TOKEN)) as client:
        sent = client.post("/api/articles", content='{"text": "caf\xe9"}'.encode("latin-1"), headers=headers)
    assert sent.status_code in (400, 422)
    detail = str(sent.json()["detail"])
    assert "UTF-8" in detail or "utf-8" in detail.lower()
