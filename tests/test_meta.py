"""Rules every app keeps: documented models, named and typed API operations."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from comptoir.api import api

OPERATION_ID = re.compile(r"^[a-z]+_[a-z]+(?:_[a-z]+)*_[a-z]+$")


def comptoir_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("comptoir.")]


@pytest.mark.parametrize("model", comptoir_models(), ids=lambda m: m._meta.label)
def test_every_model_has_a_docstring_and_its_own_str(model: type[models.Model]) -> None:
    assert model.__doc__ and not model.__doc__.startswith(model.__name__ + "("), model
    assert "__str__" in vars(model) or any(
        "__str__" in vars(base)
        for base in model.__mro__[1:]
        if base.__module__.startswith("comptoir.")
    ), f"{model._meta.label} has no __str__"


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    return [
        (path, method, op)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    ]


def test_every_operation_is_named_summarised_and_typed() -> None:
    problems = []
    seen: set[str] = set()
    for path, method, op in operations():
        where = f"{method.upper()} {path}"
        op_id = op.get("operationId", "")
        if not OPERATION_ID.match(op_id):
            problems.append(f"{where}: operation_id {op_id!r} is not <app>_<entity>_<action>")
        if op_id in seen:
            problems.append(f"{where}: operation_id {op_id} used twice")
        seen.add(op_id)
        if not op.get("summary"):
            problems.append(f"{where}: no summary")
        ok = [code for code in op.get("responses", {}) if str(code).startswith("2")]
        if not ok:
            problems.append(f"{where}: no success response")
        for code in ok:
            content = op["responses"][code].get("content")
            if str(code) != "204" and not content:
                problems.append(f"{where}: response {code} has no schema")
    assert not problems, "\n".join(problems)


def test_the_api_documents_itself_without_any_cdn(db: Any) -> None:
    client = Client()
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Comptoir API"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower()
    assert not re.search(r"""(src|href)=["']https?://""", html)


def test_health_check_answers_when_the_database_does(db: Any) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_pages_carry_security_headers(db: Any) -> None:
    response = Client().get("/healthz")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
