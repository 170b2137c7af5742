"""Property-based tests of the whole API, generated from its own OpenAPI document.

Schemathesis reads ``/api/v1/openapi.json`` from the in-process WSGI app and, for
every operation, sends generated requests (valid and invalid) as the admin of a
company. Each answer must: not be a 5xx, use a documented status code and content
type, match the documented body schema, and, when it is an error, carry
``{"code", "message", "fields"}``.

Examples are few (``MAX_EXAMPLES`` per operation, plus schemathesis's coverage
cases) and derandomized, so a run is fast and a failure repeats.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from comptoir.core.companies.models import Company
from comptoir.core.identity.models import Role, User

# A deeper run: COMPTOIR_FUZZ_EXAMPLES=200 pytest tests/test_api_schema.py
MAX_EXAMPLES = int(os.environ.get("COMPTOIR_FUZZ_EXAMPLES", "10"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Ids of the records the fixture seeds, by path parameter name. Half of the drawn
# path parameters are swapped for these, so that reads, updates and deletes reach
# real records and not only the 404 branch.
KNOWN: dict[str, Any] = {}


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    known = {name: KNOWN[name] for name in path_parameters or {} if name in KNOWN}
    if not known:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, {**(path_parameters or {}), **known}])


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Keep the test's transaction alive across WSGI calls, as Django's test ``Client`` does.

    The WSGI handler closes "old" connections when a request starts and ends; inside the
    test's transaction that closes PostgreSQL's connection (SQLite's in-memory one survives).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db: Any, keep_connection: None) -> dict[str, str]:
    """``Authorization`` for the admin of a company, with every scope; a few records."""
    from comptoir.core.identity.roles import SCOPES
    from comptoir.core.identity.services import token_create
    from comptoir.core.parties import services as parties
    from comptoir.core.products import services as products

    company = Company.objects.create(
        code="dupont", name="Atelier Dupont SAS", country="FR", currency="EUR", locale="fr"
    )
    user = User.objects.create_user(username="admin", password="correct horse battery")
    role = Role.objects.get(code="admin")
    user.roles.set([role])
    user.companies.set([company])
    user.current_company = company
    user.save(update_fields=["current_company"])
    _token, secret = token_create(actor=user, user=user, name="fuzz", scopes=list(SCOPES))
    # Another token, for the revoke operation to revoke without locking the fuzzer out.
    spare, _secret = token_create(actor=user, user=user, name="spare", scopes=["parties:read"])

    party = parties.party_create(actor=user, company=company, name="Client SARL", country="FR")
    address = parties.address_add(
        actor=user,
        company=company,
        party=party,
        street="1 rue de la Paix",
        city="Paris",
        postal_code="75002",
        country="FR",
    )
    account = parties.bank_account_add(
        actor=user, company=company, party=party, iban="FR1420041010050500013M02606"
    )
    units = products.units_seed(company, actor=user)
    product = products.product_create(actor=user, company=company, name="Chaise")
    books = _books(user, company, party)
    KNOWN.clear()
    KNOWN.update(
        company_id=company.pk,
        user_id=user.pk,
        role_id=role.pk,
        token_id=spare.pk,
        party_id=party.pk,
        address_id=address.pk,
        account_id=account.pk,
        unit_id=units[0].pk,
        product_id=product.pk,
        app_label="parties",
        model="party",
        object_id=party.pk,
        **books,
    )
    return {"Authorization": f"Bearer {secret}"}


def _books(user: User, company: Company, party: Any) -> dict[str, Any]:
    """A ledger with a posted sale, a draft and a VAT return, so ledger reads find records."""
    import datetime as dt
    from decimal import Decimal

    from comptoir.back.ledger import services as ledger
    from comptoir.back.ledger import vat
    from comptoir.back.ledger.domain import LineDraft
    from comptoir.back.ledger.models import FiscalYear, Journal, Period, Tax

    ledger.ledger_setup(actor=user, company=company, year=2026)
    day = dt.date(2026, 3, 10)
    sale = [
        LineDraft(account="411", debit=Decimal("120"), party=party.pk),
        LineDraft(account="706", credit=Decimal("100"), tax="fr-vat-20-sale", tax_role="base"),
        LineDraft(account="44571", credit=Decimal("20"), tax="fr-vat-20-sale", tax_role="tax"),
    ]
    posted = ledger.entry_create(
        actor=user, company=company, journal="VE", date=day, lines=sale, post=True
    )
    ledger.entry_create(actor=user, company=company, journal="VE", date=day, lines=sale)
    vat_return = vat.vat_return_create(
        actor=user, company=company, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)
    )
    return {
        "entry_id": posted.pk,
        "journal_id": Journal.objects.get(company=company, code="OD").pk,
        "tax_id": Tax.objects.filter(company=company).first().pk,  # type: ignore[union-attr]
        "fiscal_year_id": FiscalYear.objects.get(company=company).pk,
        "period_id": Period.objects.get(company=company, name="2026-02").pk,
        "vat_return_id": vat_return.pk,
    }


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_documented(
    case: schemathesis.Case, bearer: dict[str, str]
) -> None:
    response = case.call_and_validate(headers=bearer, checks=CHECKS)
    if response.status_code >= 400:
        where = f"{case.method} {case.formatted_path} -> {response.status_code}"
        assert response.headers.get("content-type", [""])[0].startswith("application/json"), (
            f"{where}: not JSON: {response.text[:120]!r}"
        )
        body = response.json()
        assert isinstance(body, dict), f"{where}: {body!r}"
        assert {"code", "message", "fields"} <= body.keys(), f"{where}: {body!r}"
