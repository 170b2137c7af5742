"""Fixtures every test may use: companies, a user per role, API clients.

The cast: ``company`` is a French company (Atelier Dupont SAS), ``company_ro``
a Romanian one (Carpați Trading SRL). ``user_for("accountant")`` gives a user
holding that one role in ``company``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from comptoir.core.companies.models import Company
from comptoir.core.identity.models import Role, User


@pytest.fixture
def company(db: Any) -> Company:
    return Company.objects.create(
        code="dupont",
        name="Atelier Dupont SAS",
        legal_name="Atelier Dupont SAS",
        country="FR",
        currency="EUR",
        locale="fr",
        vat_number="FR40303265045",
        national_id="303265045",
    )


@pytest.fixture
def company_ro(db: Any) -> Company:
    return Company.objects.create(
        code="carpati",
        name="Carpați Trading SRL",
        country="RO",
        currency="RON",
        locale="ro",
        vat_number="RO18547290",
        national_id="18547290",
    )


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(
        username: str = "alice",
        *,
        roles: tuple[str, ...] = (),
        companies: tuple[Company, ...] = (),
        password: str = "correct horse battery",
    ) -> User:
        user = User.objects.create_user(username=username, password=password)
        user.roles.set(Role.objects.filter(code__in=roles))
        user.companies.set(companies)
        if companies:
            user.current_company = companies[0]
            user.save(update_fields=["current_company"])
        return user

    return make


@pytest.fixture
def user_for(make_user: Callable[..., User], company: Company) -> Callable[[str], User]:
    def for_role(role: str) -> User:
        return make_user(role, roles=(role,), companies=(company,))

    return for_role


@pytest.fixture
def admin_user(user_for: Callable[[str], User]) -> User:
    return user_for("admin")


@pytest.fixture
def api_client() -> Callable[..., Client]:
    """A client that calls the API with a bearer token for ``user`` and ``scopes``."""
    from comptoir.core.identity.services import token_create

    def make(user: User, scopes: tuple[str, ...] | None = None) -> Client:
        from comptoir.core.identity.roles import SCOPES

        _token, secret = token_create(
            actor=user,
            user=user,
            name="test",
            scopes=list(scopes if scopes is not None else SCOPES),
        )
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make


@pytest.fixture
def page_client() -> Callable[[User], Client]:
    """A browser-like client logged in as ``user``."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
