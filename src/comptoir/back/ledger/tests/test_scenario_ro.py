"""Carpați Trading SRL keeps its 2026 books: sales at 21 % and 11 %, purchases, an intra-EU
acquisition with reverse charge, its D300 returns (a credit carried forward), the year-end close."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from comptoir.back.ledger import closing, services, vat
from comptoir.back.ledger.domain import LineDraft
from comptoir.back.ledger.models import Entry, FiscalYear, Line
from comptoir.core.companies.models import Company
from comptoir.core.identity.models import User
from comptoir.core.kernel.errors import Conflict, ValidationFailed

D = Decimal
JAN_1, JAN_31 = dt.date(2026, 1, 1), dt.date(2026, 1, 31)
FEB_1, FEB_28 = dt.date(2026, 2, 1), dt.date(2026, 2, 28)
MAR_1, MAR_31 = dt.date(2026, 3, 1), dt.date(2026, 3, 31)


def line(account: str, debit: str = "0", credit: str = "0", **extra: Any) -> LineDraft:
    return LineDraft(account=account, debit=D(debit), credit=D(credit), **extra)


@pytest.fixture
def contabil(books_ro: Company) -> User:
    return User.objects.get(username="contabil")


@pytest.fixture
def book(books_ro: Company, contabil: User) -> Callable[..., Entry]:
    def post(journal: str, date: dt.date, *lines: LineDraft) -> Entry:
        return services.entry_create(
            actor=contabil,
            company=books_ro,
            journal=journal,
            date=date,
            lines=list(lines),
            post=True,
        )

    return post


def sale(book: Callable[..., Entry], date: dt.date, base: str, vat_amount: str, tax: str) -> Entry:
    return book(
        "VE",
        date,
        line("4111", debit=str(D(base) + D(vat_amount))),
        line("704", credit=base, tax=tax, tax_role="base"),
        line("4427", credit=vat_amount, tax=tax, tax_role="tax"),
    )


def purchase(book: Callable[..., Entry], date: dt.date, base: str, vat_amount: str) -> Entry:
    return book(
        "AC",
        date,
        line("628", debit=base, tax="ro-vat-21-purchase", tax_role="base"),
        line("4426", debit=vat_amount, tax="ro-vat-21-purchase", tax_role="tax"),
        line("401", credit=str(D(base) + D(vat_amount))),
    )


def balance(company: Company, code: str, start: dt.date, end: dt.date) -> Decimal:
    totals = Line.objects.filter(
        company=company, account__code=code, posted=True, date__gte=start, date__lte=end
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or D(0)) - (totals["c"] or D(0))


def test_the_old_19_percent_rate_is_refused_in_2026(book: Callable[..., Entry]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        sale(book, dt.date(2026, 1, 10), "1000.00", "190.00", "ro-vat-19-sale")
    assert refused.value.code == "tax_not_valid" and "lines.1.tax" in refused.value.fields


def test_a_month_with_its_d300_and_settlement(
    books_ro: Company, contabil: User, book: Callable[..., Entry]
) -> None:
    sale(book, dt.date(2026, 1, 6), "1000.00", "210.00", "ro-vat-21-sale")
    sale(book, dt.date(2026, 1, 9), "500.00", "55.00", "ro-vat-11-sale")
    purchase(book, dt.date(2026, 1, 12), "400.00", "84.00")
    book(
        "AC",
        dt.date(2026, 1, 20),
        line("371", debit="2000.00", tax="ro-vat-21-intra-goods", tax_role="base"),
        line("4426", debit="420.00", tax="ro-vat-21-intra-goods", tax_role="deductible"),
        line("4427", credit="420.00", tax="ro-vat-21-intra-goods", tax_role="tax"),
        line("401", credit="2000.00"),
    )
    draft = vat.vat_return_create(actor=contabil, company=books_ro, start=JAN_1, end=JAN_31)
    boxes = draft.boxes
    assert draft.form == "d300"
    assert (boxes["9b"], boxes["9t"]) == ("1000.00", "210.00")  # 21 %
    assert (boxes["10b"], boxes["10t"]) == ("500.00", "55.00")  # 11 %
    assert (boxes["5_1b"], boxes["5_1t"], boxes["5t"]) == ("2000.00", "420.00", "420.00")
    assert (boxes["20b"], boxes["20t"]) == ("2000.00", "420.00")  # the deductible mirror
    assert (boxes["24b"], boxes["24t"]) == ("400.00", "84.00")
    assert boxes["19t"] == "685.00"  # VAT collected
    assert boxes["31t"] == "504.00"  # VAT deductible
    assert boxes["38t"] == "181.00" and boxes["45t"] == "181.00" and boxes["46t"] == "0"

    posted = vat.vat_return_post(actor=contabil, company=books_ro, vat_return=draft)
    assert posted.net_due == D("181.00")
    assert posted.settlement_entry is not None and posted.settlement_entry.journal.code == "OD"
    assert balance(books_ro, "4427", JAN_1, JAN_31) == 0
    assert balance(books_ro, "4426", JAN_1, JAN_31) == 0
    assert balance(books_ro, "4423", JAN_1, JAN_31) == D("-181.00")  # TVA de plată


def test_a_negative_vat_is_carried_to_the_next_d300(
    books_ro: Company, contabil: User, book: Callable[..., Entry]
) -> None:
    purchase(book, dt.date(2026, 2, 5), "1000.00", "210.00")
    february = vat.vat_return_post(
        actor=contabil,
        company=books_ro,
        vat_return=vat.vat_return_create(actor=contabil, company=books_ro, start=FEB_1, end=FEB_28),
    )
    assert february.boxes["37t"] == "210.00" and february.boxes["46t"] == "210.00"
    assert february.credit_carried == D("210.00")
    assert balance(books_ro, "4424", FEB_1, FEB_28) == D("210.00")  # TVA de recuperat

    sale(book, dt.date(2026, 3, 2), "500.00", "105.00", "ro-vat-21-sale")
    march = vat.vat_return_create(actor=contabil, company=books_ro, start=MAR_1, end=MAR_31)
    assert march.boxes["42t"] == "210.00"  # row 46 of the previous return
    assert march.boxes["45t"] == "0" and march.boxes["46t"] == "105.00"
    march = vat.vat_return_post(actor=contabil, company=books_ro, vat_return=march)
    assert (march.credit_used, march.credit_carried) == (D("210.00"), D("105.00"))
    assert balance(books_ro, "4424", FEB_1, MAR_31) == D("105.00")
    assert balance(books_ro, "4427", MAR_1, MAR_31) == 0


def test_the_year_end_close_carries_the_balance_sheet_and_the_profit_on_121(
    books_ro: Company, contabil: User, book: Callable[..., Entry]
) -> None:
    book("BQ", dt.date(2026, 1, 5), line("5121", debit="50000"), line("1012", credit="50000"))
    sale(book, dt.date(2026, 4, 6), "10000.00", "2100.00", "ro-vat-21-sale")
    purchase(book, dt.date(2026, 4, 8), "3000.00", "630.00")
    book(
        "OD",
        dt.date(2026, 4, 30),
        line("641", debit="4000"),
        line("646", debit="90"),
        line("421", credit="4000"),
        line("436", credit="90"),
    )
    year = FiscalYear.objects.get(company=books_ro, name="2026")
    closed = closing.fiscal_year_close(actor=contabil, company=books_ro, fiscal_year=year)
    assert closed.closing_entry is not None
    after = {
        code: balance(books_ro, code, year.start, year.end)
        for code in ("704", "628", "641", "646", "121", "5121", "4111", "401", "4427", "4426")
    }
    assert after["704"] == after["628"] == after["641"] == after["646"] == 0
    assert after["121"] == D("-2910.00")  # profit: 10 000 - 3 000 - 4 000 - 90
    year_2027 = FiscalYear.objects.get(company=books_ro, start=dt.date(2027, 1, 1))
    for code, amount in after.items():
        assert balance(books_ro, code, year_2027.start, year_2027.end) == amount, code
    with pytest.raises(Conflict) as refused:
        sale(book, dt.date(2026, 12, 30), "10.00", "2.10", "ro-vat-21-sale")
    assert refused.value.code == "period_locked"
