"""The exports and the integrity check through the API and the pages, by role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from comptoir.back.ledger.models import Entry
from comptoir.core.companies.models import Company

pytestmark = pytest.mark.django_db

API = "/api/v1/ledger"


@pytest.fixture
def person(accountant: Any, user_for: Callable[[str], Any]) -> Callable[[str], Any]:
    """A user of Atelier Dupont with ``role`` (the books' accountant for "accountant")."""
    return lambda role: accountant if role == "accountant" else user_for(role)


@pytest.fixture
def booked(books: Company, post: Callable[..., Entry]) -> Company:
    post(books, "VE", dt.date(2026, 3, 2), ("411", "240", 0), ("706", 0, "200"), ("44571", 0, "40"))
    post(books, "BQ", dt.date(2026, 3, 9), ("512", "240", 0), ("411", 0, "240"))
    return books


@pytest.mark.parametrize("role", ["accountant", "auditor"])
def test_the_books_people_download_the_fec_and_beancount_by_api(
    role: str, booked: Company, person: Callable[[str], Any], api_client: Any
) -> None:
    client = api_client(person(role))
    fec = client.get(f"{API}/exports/fec", {"fiscal_year": 2026})
    assert fec.status_code == 200
    assert fec["Content-Disposition"] == 'attachment; filename="303265045FEC20261231.txt"'
    assert fec["Content-Type"].startswith("text/plain")
    assert fec.content.decode().count("\r\n") == 5
    bean = client.get(f"{API}/exports/beancount")
    assert bean.status_code == 200
    assert 'filename="dupont-all.beancount"' in bean["Content-Disposition"]
    assert b'option "operating_currency" "EUR"' in bean.content
    check = client.get(f"{API}/integrity")
    assert check.status_code == 200
    body = check.json()
    assert body["ok"] is True and body["entries"] == 2
    sales = next(j for j in body["journals"] if j["journal"] == "VE")
    assert sales == {
        "company": "dupont",
        "journal": "VE",
        "name": "Ventes",
        "entries": 1,
        "last_number": "VE-2026-000001",
        "ok": True,
        "problems": 0,
        "first_problem": None,
    }


def test_sales_people_do_not_see_the_books(
    booked: Company, user_for: Callable[[str], Any], api_client: Any, page_client: Any
) -> None:
    seller = user_for("sales")
    client = api_client(seller)
    for url in ("/exports/fec?fiscal_year=2026", "/exports/beancount", "/integrity"):
        assert client.get(API + url).status_code == 403
    pages = page_client(seller)
    for url in ("exports/", "exports/fec/?fiscal_year=2026", "exports/beancount/", "integrity/"):
        assert pages.get(f"/ledger/{url}").status_code == 403


def test_api_refusals_name_their_reason(
    booked: Company,
    books_ro: Company,
    accountant: Any,
    make_user: Callable[..., Any],
    api_client: Any,
) -> None:
    french = api_client(accountant)
    unknown = french.get(f"{API}/exports/fec", {"fiscal_year": 2031})
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "fiscal_year_unknown"
    assert "fiscal_year" in unknown.json()["fields"]
    romanian = api_client(make_user("ro-acc", roles=("accountant",), companies=(books_ro,)))
    refused = romanian.get(f"{API}/exports/fec", {"fiscal_year": 2026})
    assert refused.status_code == 422
    assert refused.json()["code"] == "fec_not_french"
    assert "company" in refused.json()["fields"]
    assert romanian.get(f"{API}/exports/beancount", {"fiscal_year": 2026}).status_code == 200


@pytest.mark.parametrize("role", ["accountant", "auditor"])
def test_the_exports_page_and_its_downloads(
    role: str, booked: Company, person: Callable[[str], Any], page_client: Any
) -> None:
    pages = page_client(person(role))
    index = pages.get("/ledger/exports/")
    assert index.status_code == 200
    html = index.content.decode()
    assert "Download the FEC" in html and 'value="2026"' in html
    fec = pages.get("/ledger/exports/fec/", {"fiscal_year": "2026"})
    assert fec.status_code == 200
    assert fec["Content-Disposition"] == 'attachment; filename="303265045FEC20261231.txt"'
    bean = pages.get("/ledger/exports/beancount/", {"fiscal_year": "2026"})
    assert bean.status_code == 200
    assert 'filename="dupont-2026.beancount"' in bean["Content-Disposition"]


def test_a_refused_download_comes_back_to_the_page_with_the_reason(
    booked: Company, accountant: Any, page_client: Any
) -> None:
    pages = page_client(accountant)
    answer = pages.get("/ledger/exports/fec/", {"fiscal_year": "1990"}, follow=True)
    assert answer.redirect_chain[-1][0] == "/ledger/exports/"
    assert "This company has no fiscal year 1990." in answer.content.decode()


def test_the_exports_page_of_a_romanian_company_offers_no_fec(
    books_ro: Company, make_user: Callable[..., Any], page_client: Any
) -> None:
    pages = page_client(make_user("ro-aud", roles=("auditor",), companies=(books_ro,)))
    html = pages.get("/ledger/exports/").content.decode()
    assert "The FEC is a French file" in html
    assert "Download the FEC" not in html
    assert "Download the Beancount file" in html


def test_the_integrity_page_shows_each_journal(
    booked: Company, user_for: Callable[[str], Any], page_client: Any
) -> None:
    pages = page_client(user_for("auditor"))
    answer = pages.get("/ledger/integrity/")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'data-ok="true"' in html
    assert 'data-journal="VE"' in html and 'data-journal="BQ"' in html
    assert html.count("Intact") == 6


def test_a_company_without_books_sees_an_empty_exports_page(
    company: Company, user_for: Callable[[str], Any], page_client: Any
) -> None:
    pages = page_client(user_for("accountant"))
    assert "no ledger yet" in pages.get("/ledger/exports/").content.decode()
    assert pages.get("/ledger/integrity/").status_code == 200
