"""The rows of audit, events, timeline and notifications follow the declared permissions.

Every page and operation of the four apps has a row in its app's
``permissions.csv``; each row says ``Y`` exactly for the roles whose
permission set holds what the route declares (``page_access`` / ``access``).
A bearer token without the matching scope is refused.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.test import Client
from django.urls import get_resolver

from comptoir.core.audit.api import router as audit_router
from comptoir.core.events.api import router as events_router
from comptoir.core.identity.roles import ROLE_CODES, ROLES
from comptoir.core.notifications.api import router as notifications_router
from comptoir.core.timeline.api import router as timeline_router

ROOT = Path(__file__).resolve().parents[2]
APPS = {
    "audit": audit_router,
    "events": events_router,
    "timeline": timeline_router,
    "notifications": notifications_router,
}


def _matrix() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for app in APPS:
        with (ROOT / app / "permissions.csv").open(newline="") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == ["route", *ROLE_CODES]
            for row in reader:
                route = row.pop("route")
                assert route not in rows, route
                assert set(row.values()) <= {"Y", "-"}, route
                rows[route] = row
    return rows


def _expected(permission: str | None) -> dict[str, str]:
    return {
        r.code: "Y" if permission is None or permission in r.permissions else "-" for r in ROLES
    }


def _declared() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    resolver = get_resolver()
    for app, router in APPS.items():
        for pattern in resolver.namespace_dict[app][1].url_patterns:
            found[f"page:{app}:{pattern.name}"] = getattr(
                pattern.callback, "comptoir_permission", "MISSING"
            )
        for view in router.path_operations.values():
            for op in view.operations:
                auth = op.auth_callbacks[0] if op.auth_callbacks else None
                found[f"api:{op.operation_id}"] = getattr(auth, "permission", "MISSING")
    return found


def test_every_route_has_a_row_that_follows_its_permission():
    matrix = _matrix()
    declared = _declared()
    assert set(declared) == set(matrix)
    for route, permission in declared.items():
        assert permission != "MISSING", f"{route} has no access check"
        assert matrix[route] == _expected(permission), route


@pytest.mark.django_db
def test_bearer_token_needs_the_scope(api_client, user_for):
    auditor = user_for("auditor")
    full = api_client(auditor)
    assert full.get("/api/v1/audit/entries").status_code == 200
    assert full.get("/api/v1/events").status_code == 200
    narrow = api_client(auditor, ("parties:read",))
    assert narrow.get("/api/v1/audit/entries").status_code == 403
    assert narrow.get("/api/v1/events").status_code == 403
    # Own notifications need no scope beyond a valid token.
    assert narrow.get("/api/v1/notifications").status_code == 200
    assert Client().get("/api/v1/audit/entries").status_code == 401
