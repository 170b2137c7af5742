"""Opening balances from a CSV file: all rows or none, with a report of every bad row."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from comptoir.back.ledger import imports
from comptoir.back.ledger.models import Account, Balance, Entry, Line
from comptoir.core.companies.models import Company
from comptoir.core.kernel.errors import Conflict, ValidationFailed
from comptoir.core.parties.models import Party

pytestmark = pytest.mark.django_db

GOOD = (
    "account;party;debit;credit;label\n"
    "512;;15 000,00;;Banque\n"
    "411;Leroy SARL;2 400,00;;Client Leroy\n"
    "401;;;1 800,00;Fournisseurs\n"
    "101;;;15 600,00;Capital\n"
)
BAD = (
    "account,party,debit,credit,label\n"
    "512,,15000.00,,Banque\n"
    "9999,,100,,Compte inconnu\n"
    "411,Inconnu SA,abc,,Client\n"
    "706,,,50,Produit\n"
    "101,,10,10,Les deux\n"
)


@pytest.fixture
def leroy(books: Company) -> Party:
    return Party.objects.create(company=books, name="Leroy SARL", is_customer=True)


def test_a_good_file_becomes_one_posted_opening_entry(
    books: Company, accountant: Any, leroy: Party
) -> None:
    result = imports.opening_import_csv(
        actor=accountant, company=books, data=GOOD.encode("utf-8-sig")
    )

    entry = result.entry
    assert entry.number == "AN-2026-000001"
    assert entry.date == dt.date(2026, 1, 1)
    assert entry.source == "import"
    assert (result.rows, result.debit, result.credit) == (4, Decimal("17400"), Decimal("17400"))
    customer = Line.objects.get(entry=entry, account__code="411")
    assert (customer.party_id, customer.debit, customer.label) == (
        leroy.pk,
        Decimal("2400.00"),
        "Client Leroy",
    )
    bank = Balance.objects.get(company=books, account__code="512")
    assert bank.debit == Decimal("15000.00")


def test_a_file_with_bad_rows_imports_nothing_and_reports_each_row(
    books: Company, accountant: Any
) -> None:
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.opening_import_csv(actor=accountant, company=books, data=BAD.encode())

    error = rejected.value
    assert error.status == 422
    assert error.code == "import_rejected"
    assert sorted(error.fields) == [
        "rows.2.account",
        "rows.3.debit",
        "rows.3.party",
        "rows.4.account",
        "rows.5.credit",
    ]
    assert [r.row for r in error.rejected] == [2, 3, 4, 5]
    assert error.rejected[0].values["account"] == "9999"
    assert "income or expense" in error.fields["rows.4.account"][0]
    assert not Entry.objects.filter(company=books).exists()


def test_an_unbalanced_file_imports_nothing(books: Company, accountant: Any) -> None:
    text = "account,debit,credit\n512,100,\n101,,90\n"
    with pytest.raises(ValidationFailed) as refused:
        imports.opening_import_csv(actor=accountant, company=books, data=text.encode())
    assert refused.value.code == "entry_unbalanced"
    assert refused.value.fields["difference"] == ["10"]
    assert not Entry.objects.filter(company=books).exists()


def test_a_file_without_the_columns_is_refused(books: Company, accountant: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        imports.opening_import_csv(actor=accountant, company=books, data=b"compte,montant\n512,1\n")
    assert refused.value.code == "import_columns"
    assert list(refused.value.fields) == ["file"]


def test_opening_balances_are_imported_once_per_year(
    books: Company, accountant: Any, leroy: Party
) -> None:
    imports.opening_import_csv(actor=accountant, company=books, data=GOOD.encode())
    with pytest.raises(Conflict) as twice:
        imports.opening_import_csv(actor=accountant, company=books, data=GOOD.encode())
    assert twice.value.code == "opening_imported"


def test_amounts_are_read_as_people_write_them() -> None:
    assert imports.parse_amount("1 234,56") == Decimal("1234.56")
    assert imports.parse_amount("1.234,56") == Decimal("1234.56")
    assert imports.parse_amount("1,234.56") == Decimal("1234.56")
    assert imports.parse_amount("\u00a01234.5") == Decimal("1234.5")
    assert imports.parse_amount("") == 0
    for bad in ("abc", "1e5x", "NaN", "Infinity"):
        with pytest.raises(ValueError):
            imports.parse_amount(bad)


def test_the_sample_file_imports_as_is(books: Company, accountant: Any) -> None:
    sample = imports.sample_csv("fr_pcg")
    result = imports.opening_import_csv(actor=accountant, company=books, data=sample.encode())
    assert result.rows == 4


def test_the_romanian_sample_imports_too(books_ro: Company, make_user: Any) -> None:
    contabil = make_user("contabil4", roles=("accountant",), companies=(books_ro,))
    result = imports.opening_import_csv(
        actor=contabil, company=books_ro, data=imports.sample_csv("ro_pcg").encode()
    )
    assert result.entry.number == "AN-2026-000001"
    assert result.entry.currency == "RON"


# --------------------------------------------------------------------------- the API


@pytest.fixture
def books_api(books: Company, accountant: Any, api_client: Callable[..., Client]) -> Client:
    return api_client(accountant)


URL = "/api/v1/ledger/entries/import-opening"


def test_the_api_takes_a_csv_upload(books_api: Client, leroy: Party) -> None:
    upload = SimpleUploadedFile("ouverture.csv", GOOD.encode(), content_type="text/csv")
    answer = books_api.post(URL, {"file": upload, "date": "2026-01-02"})
    assert answer.status_code == 201, answer.content
    assert answer.json()["number"] == "AN-2026-000001"
    assert answer.json()["date"] == "2026-01-02"
    assert answer.json()["rows"] == 4


def test_the_api_takes_json_rows(books_api: Client) -> None:
    rows = [
        {"account": "512", "debit": "1000.00"},
        {"account": "101", "credit": 1000, "label": "Capital"},
    ]
    answer = books_api.post(URL, json.dumps({"rows": rows}), content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["debit"] == "1000.00"


def test_the_api_reports_each_bad_row_and_imports_nothing(books_api: Client) -> None:
    upload = SimpleUploadedFile("ouverture.csv", BAD.encode(), content_type="text/csv")
    answer = books_api.post(URL, {"file": upload})
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "import_rejected"
    assert "rows.2.account" in body["fields"]
    assert "rows.3.party" in body["fields"]
    assert not Entry.objects.exists()

    rows = [{"account": "512", "debit": "x"}, {"account": "101", "credit": "1"}]
    answer = books_api.post(URL, json.dumps({"rows": rows}), content_type="application/json")
    assert answer.status_code == 422
    assert list(answer.json()["fields"]) == ["rows.1.debit"]

    not_rows = books_api.post(URL, json.dumps({"rows": [1]}), content_type="application/json")
    assert not_rows.status_code == 422
    assert "rows.1.account" in not_rows.json()["fields"]
    garbage = books_api.post(URL, b"{", content_type="application/json")
    assert garbage.status_code == 400


def test_only_accountants_import(
    books: Company, user_for: Callable[[str], Any], api_client: Callable[..., Client]
) -> None:
    auditor = api_client(user_for("auditor"))
    answer = auditor.post(URL, json.dumps({"rows": []}), content_type="application/json")
    assert answer.status_code == 403


# --------------------------------------------------------------------------- the page


def test_the_page_imports_a_good_file(
    books: Company, accountant: Any, page_client: Callable[..., Client], leroy: Party
) -> None:
    client = page_client(accountant)
    assert client.get(reverse("ledger:opening_import")).status_code == 200
    upload = SimpleUploadedFile("ouverture.csv", GOOD.encode(), content_type="text/csv")
    answer = client.post(reverse("ledger:opening_import"), {"file": upload})
    entry = Entry.objects.get(company=books)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("ledger:entry_detail", args=[entry.pk])


def test_the_page_shows_the_rejected_rows(
    books: Company, accountant: Any, page_client: Callable[..., Client]
) -> None:
    client = page_client(accountant)
    upload = SimpleUploadedFile("ouverture.csv", BAD.encode(), content_type="text/csv")
    answer = client.post(reverse("ledger:opening_import"), {"file": upload})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "data-import-report" in page
    for row in (2, 3, 4, 5):
        assert f'data-row="{row}"' in page
    assert 'data-row="1"' not in page
    assert "9999" in page
    assert not Entry.objects.exists()
    assert Account.objects.filter(company=books, code="512").exists()


def test_the_sample_file_is_downloadable(
    books: Company, accountant: Any, page_client: Callable[..., Client]
) -> None:
    answer = page_client(accountant).get(reverse("ledger:opening_import_sample"))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    assert answer.content.decode().splitlines()[0] == "account,party,debit,credit,label"
