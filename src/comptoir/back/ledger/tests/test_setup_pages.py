"""The set-up pages: the chart of accounts, the journals and the taxes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.back.ledger.models import Account, Entry, Journal, Tax
from comptoir.core.companies.models import Company

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(books: Company, accountant: Any, page_client: Callable[..., Client]) -> Client:
    return page_client(accountant)


def test_the_chart_lists_accounts_with_their_balance_in_few_queries(
    client: Client,
    books: Company,
    post: Callable[..., Entry],
    django_assert_max_num_queries: Any,
) -> None:
    post(books, "VE", dt.date(2026, 3, 10), ("411", "1234.5", 0), ("706", 0, "1234.5"))
    with django_assert_max_num_queries(10):
        answer = client.get(reverse("ledger:account_list"))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert page.count("<tr>") >= 50
    customers = client.get(reverse("ledger:account_list"), {"q": "411"}).content.decode()
    assert "1,234.50" in customers

    receivables = client.get(reverse("ledger:account_list"), {"type": "receivable"})
    assert "Clients" in receivables.content.decode()
    assert "Capital" not in receivables.content.decode()
    by_code = client.get(reverse("ledger:account_list"), {"q": "4457"}).content.decode()
    assert "TVA collectée" in by_code
    assert "Banques" not in by_code


def test_an_account_is_created_and_a_taken_code_is_shown_on_its_field(
    client: Client, books: Company
) -> None:
    assert client.get(reverse("ledger:account_create")).status_code == 200
    answer = client.post(
        reverse("ledger:account_create"),
        {"code": "4111", "name": "Clients export", "type": "receivable", "reconcilable": "on"},
    )
    assert answer.status_code == 302
    assert Account.objects.get(company=books, code="4111").reconcilable

    taken = client.post(
        reverse("ledger:account_create"), {"code": "4111", "name": "Doublon", "type": "receivable"}
    )
    assert taken.status_code == 200
    assert 'data-field="code"' in taken.content.decode()


def test_an_account_is_deprecated_restored_and_an_unused_one_deleted(
    client: Client, books: Company, post: Callable[..., Entry]
) -> None:
    post(books, "VE", dt.date(2026, 3, 10), ("411", "10", 0), ("706", 0, "10"))
    used = Account.objects.get(company=books, code="706")
    page = client.get(reverse("ledger:account_edit", args=[used.pk])).content.decode()
    assert reverse("ledger:account_deprecate", args=[used.pk]) in page
    assert reverse("ledger:account_delete", args=[used.pk]) not in page
    assert "disabled" in page  # code and type are fixed

    client.post(reverse("ledger:account_deprecate", args=[used.pk]))
    used.refresh_from_db()
    assert used.deprecated
    client.post(reverse("ledger:account_restore", args=[used.pk]))
    used.refresh_from_db()
    assert not used.deprecated

    renamed = client.post(
        reverse("ledger:account_edit", args=[used.pk]),
        {"code": "9999", "name": "Prestations de services", "type": "expense"},
    )
    assert renamed.status_code == 302
    used.refresh_from_db()
    assert (used.code, used.type) == ("706", "revenue")  # the disabled fields did not move

    spare = Account.objects.get(company=books, code="4457")
    client.post(reverse("ledger:account_delete", args=[spare.pk]))
    assert not Account.objects.filter(pk=spare.pk).exists()


def test_a_bank_journal_needs_its_account(client: Client, books: Company) -> None:
    assert client.get(reverse("ledger:journal_list")).status_code == 200
    assert client.get(reverse("ledger:journal_create")).status_code == 200
    missing = client.post(
        reverse("ledger:journal_create"), {"code": "BQ2", "name": "Banque 2", "kind": "bank"}
    )
    assert missing.status_code == 200
    assert 'data-field="account"' in missing.content.decode()

    bank = Account.objects.get(company=books, code="5121")
    answer = client.post(
        reverse("ledger:journal_create"),
        {"code": "BQ2", "name": "Banque 2", "kind": "bank", "account": bank.pk, "active": "on"},
    )
    assert answer.status_code == 302
    journal = Journal.objects.get(company=books, code="BQ2")
    assert journal.account_id == bank.pk

    edited = client.post(
        reverse("ledger:journal_edit", args=[journal.pk]),
        {"code": "ZZ", "name": "Banque secondaire", "kind": "misc", "account": bank.pk},
    )
    assert edited.status_code == 302
    journal.refresh_from_db()
    assert (journal.code, journal.kind, journal.name, journal.active) == (
        "BQ2",
        "bank",
        "Banque secondaire",
        False,
    )


def test_the_taxes_show_their_rates_dates_and_boxes(client: Client, books_ro: Company) -> None:
    answer = client.get(reverse("ledger:tax_list"))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "fr-vat-20-sale" in page
    assert "08b_fr / 08t_fr" in page
    assert "2014-01-01 → …" in page
    assert "ro-vat-21-sale" not in page  # the Romanian company's taxes stay there


def test_a_tax_is_created_and_edited(client: Client, books: Company) -> None:
    assert client.get(reverse("ledger:tax_create")).status_code == 200
    account = Account.objects.get(company=books, code="44571")
    data = {
        "code": "fr-vat-8-5-sale",
        "name": "TVA DOM 8,5 %",
        "rate": "8.5",
        "scope": "sale",
        "kind": "standard",
        "account": account.pk,
        "base_box": "10b",
        "tax_box": "10t",
        "active": "on",
    }
    assert client.post(reverse("ledger:tax_create"), data).status_code == 302
    tax = Tax.objects.get(company=books, code="fr-vat-8-5-sale")

    bad = client.post(
        reverse("ledger:tax_edit", args=[tax.pk]),
        {**data, "valid_from": "2026-06-01", "valid_to": "2026-01-01"},
    )
    assert bad.status_code == 200
    assert 'data-field="valid_to"' in bad.content.decode()
    good = client.post(
        reverse("ledger:tax_edit", args=[tax.pk]), {**data, "valid_to": "2026-12-31"}
    )
    assert good.status_code == 302
    tax.refresh_from_db()
    assert tax.valid_to == dt.date(2026, 12, 31)


def test_the_setup_pages_are_for_the_books_roles(
    books: Company, user_for: Callable[[str], Any], page_client: Callable[..., Client]
) -> None:
    sales = page_client(user_for("sales"))
    for name in ("account_list", "journal_list", "tax_list"):
        assert sales.get(reverse(f"ledger:{name}")).status_code == 403
    auditor = page_client(user_for("auditor"))
    assert auditor.get(reverse("ledger:account_list")).status_code == 200
    assert auditor.get(reverse("ledger:account_create")).status_code == 403
    account = Account.objects.get(company=books, code="411")
    assert auditor.post(reverse("ledger:account_deprecate", args=[account.pk])).status_code == 403


def test_a_company_without_books_sees_empty_lists(
    company_ro: Company, make_user: Callable[..., Any], page_client: Callable[..., Client]
) -> None:
    client = page_client(make_user("nou2", roles=("accountant",), companies=(company_ro,)))
    answer = client.get(reverse("ledger:account_list"))
    assert answer.status_code == 200
    assert "no books yet" in answer.content.decode()
    assert client.get(reverse("ledger:entry_create")).status_code == 200
