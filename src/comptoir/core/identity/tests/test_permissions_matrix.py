"""This app's rows of the permission matrix match the routes and the roles.

Every page and operation of identity and companies has a row; calling it as
each seeded role answers 403 exactly where the row says ``-``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from comptoir.core.companies.api import router as companies_router
from comptoir.core.identity.api import auth_router, users_router
from comptoir.core.identity.models import Role
from comptoir.core.identity.roles import ROLE_CODES, SCOPES
from comptoir.core.identity.services import token_create

ROOT = Path(__file__).resolve().parents[2]
CSV_FILES = [ROOT / "identity" / "permissions.csv", ROOT / "companies" / "permissions.csv"]


def _matrix() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for path in CSV_FILES:
        with path.open() as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == ["route", *ROLE_CODES]
            for row in reader:
                route = row.pop("route")
                assert route not in rows, route
                assert set(row.values()) <= {"Y", "-"}, route
                rows[route] = row
    return rows


def _pages() -> dict[str, URLPattern]:
    found = {}
    resolver = get_resolver()
    for namespace in ("identity", "companies"):
        for pattern in resolver.namespace_dict[namespace][1].url_patterns:
            found[f"page:{namespace}:{pattern.name}"] = pattern
    return found


def _operations() -> dict[str, tuple[str, str, object]]:
    found = {}
    for prefix, router in (
        ("/api/v1/auth", auth_router),
        ("/api/v1/identity", users_router),
        ("/api/v1/companies", companies_router),
    ):
        for path, view in router.path_operations.items():
            for op in view.operations:
                for method in op.methods:
                    found[f"api:{op.operation_id}"] = (method, prefix + path, op)
    return found


def test_every_route_has_a_row_and_no_row_is_stale():
    routes = set(_pages()) | set(_operations())
    assert routes == set(_matrix())


def _expected(permission: str | None) -> dict[str, str]:
    from comptoir.core.identity.roles import ROLES

    return {
        r.code: "Y" if permission is None or permission in r.permissions else "-" for r in ROLES
    }


def test_rows_follow_the_declared_permissions():
    matrix = _matrix()
    for name, pattern in _pages().items():
        permission = getattr(pattern.callback, "comptoir_permission", None)
        assert matrix[name] == _expected(permission), name
    for name, (_m, _p, op) in _operations().items():
        auth = op.auth_callbacks[0] if op.auth_callbacks else None
        assert matrix[name] == _expected(getattr(auth, "permission", None)), name


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_CODES)
def test_calling_each_route_as_each_role(role, make_user, company, admin_user):
    user = make_user(f"u-{role}", roles=(role,), companies=(company,))
    _token, secret = token_create(actor=user, user=user, name="matrix", scopes=list(SCOPES))
    # A second token for the revoke operations, so the caller's stays valid.
    spare, _spare_secret = token_create(
        actor=user, user=user, name="spare", scopes=["parties:read"]
    )
    role_id = Role.objects.get(code="sales").pk
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    page = Client()
    page.force_login(user)
    ids = {
        "pk": admin_user.pk,
        "user_id": admin_user.pk,
        "role_id": role_id,
        "company_id": company.pk,
        "token_id": spare.pk,
    }
    matrix = _matrix()
    for name, pattern in _pages().items():
        kwargs = {k: ids[k] for k in pattern.pattern.converters}
        if "pk" in kwargs:
            kwargs["pk"] = {
                "page:identity:token_revoke": spare.pk,
                "page:identity:role_detail": role_id,
                "page:identity:role_edit": role_id,
                "page:companies:company_detail": company.pk,
                "page:companies:company_edit": company.pk,
            }.get(name, admin_user.pk)
        url = reverse(name.removeprefix("page:"), kwargs=kwargs)
        method = (
            "post"
            if name.endswith(
                (
                    "logout",
                    "_revoke",
                    "totp_setup",
                    "totp_enable",
                    "totp_disable",
                    "profile_language",
                    "token_create",
                )
            )
            else "get"
        )
        status = getattr(page, method)(url).status_code
        if name == "page:identity:logout":
            page.force_login(user)
        assert (status == 403) == (matrix[name][role] == "-"), (name, status)
    for name, (method, path, _op) in _operations().items():
        url = path
        for key, value in ids.items():
            url = url.replace("{" + key + "}", str(value))
        status = getattr(api, method.lower())(url, {}, content_type="application/json").status_code
        assert (status == 403) == (matrix[name][role] == "-"), (name, status)
