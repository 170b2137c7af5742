"""Every page and every API operation answers each role as the permission matrix says.

The matrix is the union of the apps' ``permissions.csv`` files: one row per
route (``page:<namespace>:<name>`` or ``api:<operation_id>``), one column per
seeded role, ``Y`` for allowed and ``-`` for refused. The test walks the
URL configuration and the OpenAPI document, so a new route without a row,
or a row whose route is gone, fails it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from comptoir.api import api
from comptoir.core.identity.roles import ROLE_CODES

SRC = Path(__file__).resolve().parents[1] / "src" / "comptoir"
SKIPPED_NAMESPACES = {"admin", "api"}
DUMMY_ID = "999999"


def load_matrix() -> dict[str, dict[str, bool]]:
    matrix: dict[str, dict[str, bool]] = {}
    for path in sorted(SRC.rglob("permissions.csv")):
        with path.open(newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == ["route", *ROLE_CODES], f"{path}: header"
            for row in reader:
                route = row.pop("route")
                assert route not in matrix, f"{route} appears twice ({path})"
                assert set(row.values()) <= {"Y", "-"}, f"{path}: {route} cells must be Y or -"
                matrix[route] = {role: value == "Y" for role, value in row.items()}
    return matrix


def _walk(patterns: list[Any], prefix: str, namespace: str | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            found += _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            name = f"{namespace}:{p.name}" if namespace else p.name
            found.append((f"page:{name}", prefix + str(p.pattern)))
    return found


def _fill(route: str) -> str:
    path = re.sub(
        r"<(?:(\w+):)?(\w+)>", lambda m: "x" if m.group(1) in ("str", "slug") else DUMMY_ID, route
    )
    return "/" + path.lstrip("^").rstrip("$")


def page_routes() -> dict[str, str]:
    return {name: _fill(route) for name, route in _walk(get_resolver().url_patterns, "", None)}


def api_routes() -> dict[str, tuple[str, str]]:
    schema = api.get_openapi_schema()
    routes: dict[str, tuple[str, str]] = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            url = re.sub(
                r"\{(\w+)\}", lambda m: DUMMY_ID if m.group(1).endswith("id") else "x", path
            )
            routes[f"api:{operation['operationId']}"] = (method.upper(), url)
    return routes


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    matrix = load_matrix()
    routes = set(page_routes()) | set(api_routes())
    assert not sorted(routes - set(matrix)), "routes missing from the permission matrix"
    assert not sorted(set(matrix) - routes), "matrix rows for routes that do not exist"


def _page_status(client: Client, url: str) -> int:
    status = client.get(url).status_code
    if status == 405:
        status = client.post(url, {}).status_code
    return status


@pytest.mark.parametrize("role", ROLE_CODES)
def test_each_route_answers_the_role_as_the_matrix_says(
    role: str, user_for: Any, api_client: Any
) -> None:
    matrix = load_matrix()
    user = user_for(role)
    pages = Client()
    pages.force_login(user)
    programs = api_client(user)
    wrong: list[str] = []
    for name, url in sorted(page_routes().items()):
        allowed = matrix.get(name, {}).get(role)
        pages.force_login(user)  # a route such as logout may have ended the session
        status = _page_status(pages, url)
        if (allowed is True and status == 403) or (allowed is False and status != 403):
            wrong.append(f"{name} {url}: {status}, matrix says {'Y' if allowed else '-'}")
    for name, (method, url) in sorted(api_routes().items()):
        allowed = matrix.get(name, {}).get(role)
        status = programs.generic(method, url, b"{}", content_type="application/json").status_code
        assert status < 500, f"{name} answered {status} to an empty body"
        if (allowed is True and status == 403) or (allowed is False and status != 403):
            wrong.append(f"{name} {method} {url}: {status}, matrix says {'Y' if allowed else '-'}")
    assert not wrong, "\n".join(wrong)


def test_admin_site_is_for_administrators_only(user_for: Any) -> None:
    admin = Client()
    admin.force_login(user_for("admin"))
    assert admin.get("/admin/").status_code == 200
    sales = Client()
    sales.force_login(user_for("sales"))
    assert sales.get("/admin/").status_code == 302  # sent to the admin login
