"""The closing pages: fiscal years, lock dates, year-end close, VAT returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from comptoir.back.ledger import services, vat
from comptoir.back.ledger.domain import LineDraft
from comptoir.back.ledger.models import FiscalYear, Period, VatReturn
from comptoir.core.companies.models import Company
from comptoir.core.identity.models import User

D = dt.date


@pytest.fixture
def browser(books: Company, accountant: User, page_client: Callable[[User], Client]) -> Client:
    return page_client(accountant)


def sell(actor: Any, company: Company, date: dt.date) -> None:
    from decimal import Decimal

    services.entry_create(
        actor=actor,
        company=company,
        journal="VE",
        date=date,
        lines=[
            LineDraft(account="411", debit=Decimal("120")),
            LineDraft(account="706", credit=Decimal("100"), tax="fr-vat-20-sale", tax_role="base"),
            LineDraft(account="44571", credit=Decimal("20"), tax="fr-vat-20-sale", tax_role="tax"),
        ],
        post=True,
    )


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_accountant_sees_the_years_and_closes_a_month(
    browser: Client, books: Company, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(15):
        page = browser.get("/ledger/fiscal-years/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-fiscal-year="2026"' in html and 'data-period="2026-12"' in html
    may = Period.objects.get(company=books, name="2026-05")
    done = browser.post(f"/ledger/periods/{may.pk}/close/", follow=True)
    assert done.status_code == 200
    may.refresh_from_db()
    assert may.state == "closed"
    assert 'data-period="2026-05" data-state="closed"' in done.content.decode()
    browser.post(f"/ledger/periods/{may.pk}/reopen/")
    may.refresh_from_db()
    assert may.state == "open"


def test_a_refusal_is_told_on_the_page(browser: Client, books: Company, accountant: User) -> None:
    from decimal import Decimal

    services.entry_create(
        actor=accountant,
        company=books,
        journal="OD",
        date=D(2026, 5, 3),
        lines=[
            LineDraft(account="471", debit=Decimal(5)),
            LineDraft(account="512", credit=Decimal(5)),
        ],
    )
    may = Period.objects.get(company=books, name="2026-05")
    answer = browser.post(f"/ledger/periods/{may.pk}/close/", follow=True)
    assert any("draft" in m.lower() for m in messages_of(answer))
    may.refresh_from_db()
    assert may.state == "open"


def test_lock_dates_are_set_on_their_page(browser: Client, books: Company) -> None:
    answer = browser.post("/ledger/lock-dates/", {"hard_lock_date": "2026-03-31"})
    assert answer.status_code == 302
    assert services.settings_for(books).hard_lock_date == D(2026, 3, 31)
    back = browser.post("/ledger/lock-dates/", {"hard_lock_date": "2026-01-31"})
    assert back.status_code == 200
    assert back.context["form"].errors["hard_lock_date"]


def test_a_fiscal_year_is_created_on_its_page(browser: Client, books: Company) -> None:
    assert browser.get("/ledger/fiscal-years/new/").status_code == 200
    answer = browser.post("/ledger/fiscal-years/new/", {"year": "2027"})
    assert answer.status_code == 302
    assert FiscalYear.objects.filter(company=books, name="2027").exists()
    again = browser.post("/ledger/fiscal-years/new/", {"year": "2027"})
    assert again.status_code == 200 and again.context["form"].errors


def test_closing_the_year_shows_what_it_will_post_then_posts_it(
    browser: Client, books: Company, accountant: User
) -> None:
    sell(accountant, books, D(2026, 6, 1))
    year = FiscalYear.objects.get(company=books, name="2026")
    preview = browser.get(f"/ledger/fiscal-years/{year.pk}/close/")
    assert preview.status_code == 200
    assert preview.context["plan"].result == 100
    html = preview.content.decode()
    assert 'data-result="100' in html and "120 " in html and "411 " in html
    assert FiscalYear.objects.get(pk=year.pk).state == "open"
    done = browser.post(f"/ledger/fiscal-years/{year.pk}/close/")
    assert done.status_code == 302
    year.refresh_from_db()
    assert year.state == "closed" and year.closing_entry is not None
    refused = browser.get(f"/ledger/fiscal-years/{year.pk}/close/")
    assert refused.context["problem"].code == "fiscal_year_closed"


def test_a_vat_return_from_choosing_the_month_to_its_posting(
    browser: Client, books: Company, accountant: User, django_assert_max_num_queries: Any
) -> None:
    sell(accountant, books, D(2026, 1, 10))
    form = browser.get("/ledger/vat-returns/new/")
    choices = dict(form.context["form"].fields["period"].choices)
    assert "2026-01-01/2026-01-31" in choices and "2026-01-01/2026-03-31" in choices
    created = browser.post("/ledger/vat-returns/new/", {"period": "2026-01-01/2026-01-31"})
    assert created.status_code == 302
    vr = VatReturn.objects.get(company=books)
    detail = browser.get(f"/ledger/vat-returns/{vr.pk}/")
    html = detail.content.decode()
    assert 'data-box="08t"' in html and f"/ledger/vat-returns/{vr.pk}/boxes/08t_fr/" in html
    box = browser.get(f"/ledger/vat-returns/{vr.pk}/boxes/08t_fr/")
    assert box.status_code == 200 and len(box.context["lines"]) == 1
    assert "/ledger/entries/" in box.content.decode()
    assert browser.get(f"/ledger/vat-returns/{vr.pk}/boxes/nope/").status_code == 404
    browser.post(f"/ledger/vat-returns/{vr.pk}/post/")
    vr.refresh_from_db()
    assert vr.state == "posted" and vr.settlement_entry is not None
    with django_assert_max_num_queries(15):
        listed = browser.get("/ledger/vat-returns/")
    assert listed.status_code == 200 and vr.settlement_entry.number in listed.content.decode()


def test_the_same_month_twice_is_refused_on_the_form(browser: Client, books: Company) -> None:
    browser.post("/ledger/vat-returns/new/", {"period": "2026-01-01/2026-01-31"})
    again = browser.post("/ledger/vat-returns/new/", {"period": "2026-01-01/2026-03-31"})
    assert again.status_code == 200 and again.context["form"].errors["period"]


@pytest.mark.parametrize(
    ("role", "reads", "writes"),
    [("accountant", 200, 200), ("auditor", 200, 403), ("sales", 403, 403)],
)
def test_who_sees_the_closing_pages(
    books: Company,
    accountant: User,
    user_for: Callable,
    page_client: Callable,
    role: str,
    reads: int,
    writes: int,
) -> None:
    vr = vat.vat_return_create(
        actor=accountant, company=books, start=D(2026, 1, 1), end=D(2026, 1, 31)
    )
    year = FiscalYear.objects.get(company=books, name="2026")
    client = page_client(accountant if role == "accountant" else user_for(role))
    for url in ("/ledger/fiscal-years/", "/ledger/vat-returns/", f"/ledger/vat-returns/{vr.pk}/"):
        assert client.get(url).status_code == reads, url
    for url in (
        "/ledger/lock-dates/",
        "/ledger/vat-returns/new/",
        f"/ledger/fiscal-years/{year.pk}/close/",
    ):
        assert client.get(url).status_code == writes, url
    if role == "auditor":
        page = client.get("/ledger/fiscal-years/").content.decode()
        assert "/ledger/periods/" not in page and "/close/" not in page
