"""Closing and VAT returns through the API: who may do what, and the answers they get."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from comptoir.back.ledger import services
from comptoir.back.ledger.models import FiscalYear, Period, VatReturn
from comptoir.core.companies.models import Company

API = "/api/v1/ledger"
JSON = "application/json"


def sale(date: str, base: str, vat: str) -> dict[str, Any]:
    total = str(Decimal(base) + Decimal(vat))
    return {
        "journal": "VE",
        "date": date,
        "post": True,
        "lines": [
            {"account": "411", "debit": total},
            {"account": "706", "credit": base, "tax": "fr-vat-20-sale", "tax_role": "base"},
            {"account": "44571", "credit": vat, "tax": "fr-vat-20-sale", "tax_role": "tax"},
        ],
    }


@pytest.fixture
def client_for(
    books: Company, accountant: Any, user_for: Callable, api_client: Callable
) -> Callable[[str], Client]:
    """An API client for a user of ``role`` in the French company (one user per role)."""
    users = {"accountant": accountant}

    def make(role: str) -> Client:
        if role not in users:
            users[role] = user_for(role)
        return api_client(users[role])

    return make


def test_the_accountant_closes_a_period_and_nobody_posts_into_it(
    client_for: Callable[[str], Client], books: Company
) -> None:
    accountant = client_for("accountant")
    may = Period.objects.get(company=books, name="2026-05")
    answer = accountant.post(f"{API}/periods/{may.pk}/close")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["state"] == "closed"
    refused = accountant.post(f"{API}/entries", sale("2026-05-10", "100", "20"), content_type=JSON)
    assert refused.status_code == 409 and refused.json()["code"] == "period_locked"
    reopened = accountant.post(f"{API}/periods/{may.pk}/reopen")
    assert reopened.status_code == 200 and reopened.json()["state"] == "open"
    posted = accountant.post(f"{API}/entries", sale("2026-05-10", "100", "20"), content_type=JSON)
    assert posted.status_code == 201, posted.json()


def test_a_period_with_drafts_answers_which_ones(
    client_for: Callable[[str], Client], books: Company
) -> None:
    accountant = client_for("accountant")
    draft = {**sale("2026-05-10", "100", "20"), "post": False}
    assert accountant.post(f"{API}/entries", draft, content_type=JSON).status_code == 201
    may = Period.objects.get(company=books, name="2026-05")
    refused = accountant.post(f"{API}/periods/{may.pk}/close")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "drafts_in_period" and len(body["fields"]["drafts"]) == 1


def test_lock_dates_are_read_and_moved(client_for: Callable[[str], Client]) -> None:
    accountant = client_for("accountant")
    answer = accountant.patch(
        f"{API}/lock-dates", {"hard_lock_date": "2026-02-28"}, content_type=JSON
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json() == {"hard_lock_date": "2026-02-28", "soft_lock_date": None}
    back = accountant.patch(
        f"{API}/lock-dates", {"hard_lock_date": "2026-01-31"}, content_type=JSON
    )
    assert back.status_code == 409 and back.json()["code"] == "lock_date_backwards"
    outside = accountant.patch(
        f"{API}/lock-dates", {"soft_lock_date": "2030-01-31"}, content_type=JSON
    )
    assert outside.status_code == 422 and "soft_lock_date" in outside.json()["fields"]
    refused = accountant.post(f"{API}/entries", sale("2026-02-10", "100", "20"), content_type=JSON)
    assert refused.status_code == 409 and refused.json()["code"] == "period_locked"
    auditor = client_for("auditor")
    assert auditor.get(f"{API}/lock-dates").json()["hard_lock_date"] == "2026-02-28"
    assert auditor.patch(f"{API}/lock-dates", {}, content_type=JSON).status_code == 403


def test_fiscal_years_are_listed_with_their_periods(
    client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    accountant = client_for("accountant")
    created = accountant.post(
        f"{API}/fiscal-years", {"year": 2027}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="fy-2027"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["name"] == "2027" and len(created.json()["periods"]) == 12
    again = accountant.post(
        f"{API}/fiscal-years", {"year": 2027}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="fy-2027"
    )
    assert again.status_code == 201 and again.json() == created.json()
    overlap = accountant.post(f"{API}/fiscal-years", {"year": 2027}, content_type=JSON)
    assert overlap.status_code == 409 and overlap.json()["code"] == "fiscal_year_overlap"
    auditor = client_for("auditor")
    with django_assert_max_num_queries(12):
        listed = auditor.get(f"{API}/fiscal-years")
    assert listed.status_code == 200
    assert [y["name"] for y in listed.json()["items"]] == ["2026", "2027"]
    assert all(len(y["periods"]) == 12 for y in listed.json()["items"])
    read = auditor.get(f"{API}/fiscal-years/{created.json()['id']}")
    assert read.status_code == 200 and read.json()["state"] == "open"


def test_the_accountant_closes_the_year(
    client_for: Callable[[str], Client], books: Company
) -> None:
    accountant = client_for("accountant")
    assert (
        accountant.post(f"{API}/entries", sale("2026-06-10", "1000", "200"), content_type=JSON)
    ).status_code == 201
    year = FiscalYear.objects.get(company=books, name="2026")
    assert client_for("auditor").post(f"{API}/fiscal-years/{year.pk}/close").status_code == 403
    answer = accountant.post(f"{API}/fiscal-years/{year.pk}/close")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["state"] == "closed" and body["closing_entry_id"] is not None
    assert {p["state"] for p in body["periods"]} == {"closed"}
    again = accountant.post(f"{API}/fiscal-years/{year.pk}/close")
    assert again.status_code == 409 and again.json()["code"] == "fiscal_year_closed"
    refused = accountant.post(f"{API}/entries", sale("2026-12-31", "10", "2"), content_type=JSON)
    assert refused.status_code == 409 and refused.json()["code"] == "period_locked"


def test_a_vat_return_is_created_drilled_into_and_posted(
    client_for: Callable[[str], Client], books: Company
) -> None:
    accountant = client_for("accountant")
    for day in ("2026-01-05", "2026-01-20"):
        assert (
            accountant.post(f"{API}/entries", sale(day, "1000", "200"), content_type=JSON)
        ).status_code == 201
    january = {"start": "2026-01-01", "end": "2026-01-31"}
    created = accountant.post(
        f"{API}/vat-returns", january, content_type=JSON, HTTP_IDEMPOTENCY_KEY="ca3-2026-01"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    replayed = accountant.post(
        f"{API}/vat-returns", january, content_type=JSON, HTTP_IDEMPOTENCY_KEY="ca3-2026-01"
    )
    assert replayed.status_code == 201 and replayed.json() == body
    assert body["form"] == "ca3" and body["state"] == "draft"
    boxes = {b["box"]: b for b in body["boxes"]}
    assert Decimal(boxes["08t"]["amount"]) == Decimal("400.00")
    assert boxes["08t"]["label"].startswith("08")
    assert [b["box"] for b in body["boxes"]][:3] == ["A1", "A2", "A3"]  # the form's order

    auditor = client_for("auditor")
    drill = auditor.get(f"{API}/vat-returns/{body['id']}/boxes/08t_fr")
    assert drill.status_code == 200
    lines = drill.json()["items"]
    assert [(ln["account_code"], ln["credit"]) for ln in lines] == [
        ("44571", "200.00"),
        ("44571", "200.00"),
    ]
    assert all(ln["entry_number"].startswith("VE-2026-") for ln in lines)
    assert auditor.get(f"{API}/vat-returns/{body['id']}/boxes/nope").status_code == 404
    assert auditor.post(f"{API}/vat-returns/{body['id']}/post").status_code == 403

    posted = accountant.post(f"{API}/vat-returns/{body['id']}/post")
    assert posted.status_code == 200, posted.json()
    assert posted.json()["state"] == "posted"
    assert Decimal(posted.json()["net_due"]) == Decimal("400.00")
    assert posted.json()["settlement_entry_number"].startswith("OD-2026-")
    again = accountant.post(f"{API}/vat-returns/{body['id']}/post")
    assert again.status_code == 409 and again.json()["code"] == "vat_return_posted"
    listed = auditor.get(f"{API}/vat-returns?state=posted")
    assert [r["id"] for r in listed.json()["items"]] == [body["id"]]


def test_vat_return_errors(client_for: Callable[[str], Client], books: Company) -> None:
    accountant = client_for("accountant")
    no_year = accountant.post(
        f"{API}/vat-returns", {"start": "2025-12-01", "end": "2025-12-31"}, content_type=JSON
    )
    assert no_year.status_code == 422 and "start" in no_year.json()["fields"]
    first = accountant.post(
        f"{API}/vat-returns", {"start": "2026-01-01", "end": "2026-03-31"}, content_type=JSON
    )
    assert first.status_code == 201
    overlap = accountant.post(
        f"{API}/vat-returns", {"start": "2026-03-01", "end": "2026-03-31"}, content_type=JSON
    )
    assert overlap.status_code == 409 and overlap.json()["code"] == "vat_return_overlap"
    deleted = accountant.delete(f"{API}/vat-returns/{first.json()['id']}")
    assert deleted.status_code == 204 and not VatReturn.objects.exists()


def test_another_company_sees_none_of_it(
    books: Company, books_ro: Company, make_user: Callable, api_client: Callable, accountant: Any
) -> None:
    from comptoir.back.ledger import vat

    fr_return = vat.vat_return_create(
        actor=accountant, company=books, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)
    )
    year = FiscalYear.objects.get(company=books, name="2026")
    contabil = api_client(make_user("ro-acc", roles=("accountant",), companies=(books_ro,)))
    assert contabil.get(f"{API}/vat-returns/{fr_return.pk}").status_code == 404
    assert contabil.post(f"{API}/vat-returns/{fr_return.pk}/post").status_code == 404
    assert contabil.get(f"{API}/fiscal-years/{year.pk}").status_code == 404
    assert contabil.post(f"{API}/fiscal-years/{year.pk}/close").status_code == 404
    assert contabil.get(f"{API}/fiscal-years").json()["items"][0]["name"] == "2026"
    assert FiscalYear.objects.get(pk=year.pk).state == "open"


@pytest.mark.parametrize(
    ("role", "status"), [("accountant", 200), ("auditor", 200), ("settlement", 403), ("sales", 403)]
)
def test_who_reads_the_closing(client_for: Callable[[str], Client], role: str, status: int) -> None:
    client = client_for(role)
    for url in ("/fiscal-years", "/vat-returns", "/lock-dates"):
        assert client.get(f"{API}{url}").status_code == status, url


def test_a_token_without_the_closing_scope_is_refused(
    books: Company, accountant: Any, api_client: Callable
) -> None:
    client = api_client(accountant, scopes=("ledger:read", "closing:read"))
    assert client.get(f"{API}/fiscal-years").status_code == 200
    refused = client.patch(f"{API}/lock-dates", {"soft_lock_date": "2026-01-31"}, content_type=JSON)
    assert refused.status_code == 403 and refused.json()["code"] == "scope_missing"
    assert services.settings_for(books).soft_lock_date is None
