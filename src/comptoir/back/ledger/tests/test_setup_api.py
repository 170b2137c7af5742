"""The set-up API: settings, accounts, journals and taxes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from comptoir.back.ledger.models import Account, Entry, Journal, Tax
from comptoir.core.companies.models import Company

pytestmark = pytest.mark.django_db

BASE = "/api/v1/ledger"


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return client.generic(
        method, url, json.dumps(body) if body is not None else b"", content_type="application/json"
    )


@pytest.fixture
def books_api(books: Company, accountant: Any, api_client: Callable[..., Client]) -> Client:
    return api_client(accountant)


def test_the_settings_tell_the_chart_and_the_lock_dates(
    books_api: Client, company_ro: Company, make_user: Callable[..., Any], api_client: Any
) -> None:
    answer = books_api.get(f"{BASE}/settings")
    assert answer.status_code == 200
    assert answer.json() == {
        "chart": "fr_pcg",
        "chart_name": "French PCG",
        "currency": "EUR",
        "hard_lock_date": None,
        "soft_lock_date": None,
    }
    newcomer = api_client(make_user("nou", roles=("accountant",), companies=(company_ro,)))
    not_set_up = newcomer.get(f"{BASE}/settings")
    assert not_set_up.status_code == 409
    assert not_set_up.json()["code"] == "ledger_not_set_up"


def test_accounts_are_created_read_changed_deprecated_and_listed(books_api: Client) -> None:
    created = send(
        books_api,
        "POST",
        f"{BASE}/accounts",
        {"code": "4111", "name": "Clients export", "type": "receivable", "reconcilable": True},
    )
    assert created.status_code == 201, created.content
    account = created.json()
    assert account["reconcilable"] is True

    again = send(
        books_api,
        "POST",
        f"{BASE}/accounts",
        {"code": "4111", "name": "Doublon", "type": "receivable"},
    )
    assert again.status_code == 409
    assert again.json()["code"] == "account_exists"
    assert list(again.json()["fields"]) == ["code"]

    changed = send(
        books_api, "PATCH", f"{BASE}/accounts/{account['id']}", {"name": "Clients hors UE"}
    )
    assert changed.status_code == 200
    assert changed.json()["name"] == "Clients hors UE"
    assert changed.json()["balance"] == "0.00"

    deprecated = send(books_api, "PATCH", f"{BASE}/accounts/{account['id']}", {"deprecated": True})
    assert deprecated.json()["deprecated"] is True
    assert Account.objects.get(pk=account["id"]).deprecated
    restored = send(books_api, "PATCH", f"{BASE}/accounts/{account['id']}", {"deprecated": False})
    assert restored.json()["deprecated"] is False

    listed = books_api.get(f"{BASE}/accounts", {"code": "411", "type": "receivable"})
    assert [a["code"] for a in listed.json()["items"]] == ["411", "4111"]
    assert listed.json()["items"][0]["balance"] is None
    read = books_api.get(f"{BASE}/accounts/{account['id']}")
    assert read.json()["code"] == "4111"


def test_an_unknown_account_type_answers_422_naming_type(books_api: Client) -> None:
    answer = send(
        books_api, "POST", f"{BASE}/accounts", {"code": "4112", "name": "X", "type": "treasure"}
    )
    assert answer.status_code == 422
    assert list(answer.json()["fields"]) == ["type"]


def test_a_used_account_keeps_its_code_and_lists_its_balance(
    books_api: Client, books: Company, post: Callable[..., Entry]
) -> None:
    post(books, "VE", dt.date(2026, 3, 10), ("411", "120", 0), ("706", 0, "120"))
    post(books, "VE", dt.date(2026, 5, 10), ("411", "30.5", 0), ("706", 0, "30.5"))
    account = Account.objects.get(company=books, code="411")

    answer = send(books_api, "PATCH", f"{BASE}/accounts/{account.pk}", {"code": "4110"})
    assert answer.status_code == 409
    assert answer.json()["code"] == "account_used"
    assert list(answer.json()["fields"]) == ["code"]

    listed = books_api.get(f"{BASE}/accounts", {"code": "41", "with_balance": True})
    by_code = {a["code"]: a for a in listed.json()["items"]}
    assert by_code["411"]["debit"] == "150.50"
    assert by_code["411"]["balance"] == "150.50"
    read = books_api.get(f"{BASE}/accounts/{account.pk}")
    assert read.json()["balance"] == "150.50"


def test_journals_are_created_read_changed_and_listed(books_api: Client) -> None:
    missing = send(
        books_api, "POST", f"{BASE}/journals", {"code": "BQ2", "name": "Banque 2", "kind": "bank"}
    )
    assert missing.status_code == 422
    assert list(missing.json()["fields"]) == ["account"]

    created = send(
        books_api,
        "POST",
        f"{BASE}/journals",
        {"code": "BQ2", "name": "Banque 2", "kind": "bank", "account": "5121"},
    )
    assert created.status_code == 201, created.content
    journal = created.json()
    assert journal["account_code"] == "5121"

    archived = send(books_api, "PATCH", f"{BASE}/journals/{journal['id']}", {"active": False})
    assert archived.status_code == 200
    assert archived.json()["active"] is False
    assert books_api.get(f"{BASE}/journals/{journal['id']}").json()["name"] == "Banque 2"

    banks = books_api.get(f"{BASE}/journals", {"kind": "bank"})
    assert [j["code"] for j in banks.json()["items"]] == ["BQ", "BQ2"]
    live = books_api.get(f"{BASE}/journals", {"active": True})
    assert "BQ2" not in [j["code"] for j in live.json()["items"]]


def test_taxes_are_created_read_changed_and_listed_by_date(
    books_api: Client, books: Company
) -> None:
    created = send(
        books_api,
        "POST",
        f"{BASE}/taxes",
        {
            "code": "fr-vat-8-5-sale",
            "name": "TVA DOM 8,5 %",
            "rate": "8.5",
            "scope": "sale",
            "account": "44571",
            "valid_from": "2026-01-01",
            "base_box": "10b",
            "tax_box": "10t",
        },
    )
    assert created.status_code == 201, created.content
    tax = created.json()
    assert (tax["rate"], tax["account_code"]) == ("8.5000", "44571")

    bad_dates = send(books_api, "PATCH", f"{BASE}/taxes/{tax['id']}", {"valid_to": "2025-12-31"})
    assert bad_dates.status_code == 422
    assert list(bad_dates.json()["fields"]) == ["valid_to"]
    ended = send(books_api, "PATCH", f"{BASE}/taxes/{tax['id']}", {"valid_to": "2026-06-30"})
    assert ended.status_code == 200
    assert ended.json()["valid_to"] == "2026-06-30"

    july = books_api.get(f"{BASE}/taxes", {"valid_on": "2026-07-01", "scope": "sale"})
    codes = [t["code"] for t in july.json()["items"]]
    assert "fr-vat-20-sale" in codes
    assert "fr-vat-8-5-sale" not in codes
    assert books_api.get(f"{BASE}/taxes/{tax['id']}").json()["code"] == "fr-vat-8-5-sale"

    too_high = send(
        books_api,
        "POST",
        f"{BASE}/taxes",
        {"code": "x", "name": "x", "rate": "120", "scope": "sale", "account": "44571"},
    )
    assert too_high.status_code == 422
    assert list(too_high.json()["fields"]) == ["rate"]


def test_an_account_of_another_company_is_refused_naming_the_field(
    books_api: Client, books_ro: Company
) -> None:
    romanian_only = Account.objects.filter(company=books_ro).exclude(
        code__in=Account.objects.filter(company__code="dupont").values("code")
    )
    code = romanian_only.filter(type="tax").values_list("code", flat=True).first()
    assert code
    answer = send(
        books_api,
        "POST",
        f"{BASE}/taxes",
        {"code": "autre", "name": "Autre", "rate": "20", "scope": "sale", "account": code},
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "account_unknown"
    assert list(answer.json()["fields"]) == ["account"]


def test_another_company_s_records_are_404(books_api: Client, books_ro: Company) -> None:
    account = Account.objects.filter(company=books_ro).first()
    journal = Journal.objects.filter(company=books_ro).first()
    tax = Tax.objects.filter(company=books_ro).first()
    assert account and journal and tax
    for url in (
        f"{BASE}/accounts/{account.pk}",
        f"{BASE}/journals/{journal.pk}",
        f"{BASE}/taxes/{tax.pk}",
    ):
        assert books_api.get(url).status_code == 404
        assert send(books_api, "PATCH", url, {"name": "x"}).status_code == 404


def test_reading_is_for_the_books_roles_and_writing_for_accountants(
    books: Company, user_for: Callable[[str], Any], api_client: Callable[..., Client]
) -> None:
    for role, reads, writes in (
        ("sales", 403, 403),
        ("auditor", 200, 403),
        ("settlement", 200, 403),
        ("admin", 200, 201),
    ):
        client = api_client(user_for(role))
        assert client.get(f"{BASE}/accounts").status_code == reads, role
        body = {"code": f"47{len(role)}", "name": role, "type": "asset"}
        assert send(client, "POST", f"{BASE}/accounts", body).status_code == writes, role


def test_the_account_list_runs_a_fixed_number_of_queries(
    books_api: Client,
    books: Company,
    post: Callable[..., Entry],
    django_assert_max_num_queries: Any,
) -> None:
    post(books, "VE", dt.date(2026, 3, 10), ("411", "120", 0), ("706", 0, "120"))
    with django_assert_max_num_queries(8):
        answer = books_api.get(f"{BASE}/accounts", {"limit": 300, "with_balance": True})
    assert len(answer.json()["items"]) > 200
