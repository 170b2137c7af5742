"""Closing the books: periods, lock dates and the year-end close, in business words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from comptoir.back.ledger import closing, services
from comptoir.back.ledger.domain import LineDraft
from comptoir.back.ledger.models import Entry, FiscalYear, Line, Period
from comptoir.core.companies.models import Company
from comptoir.core.kernel.errors import Conflict, NotFound, ValidationFailed
from comptoir.core.parties.services import party_create

D = Decimal
MAY_10 = dt.date(2026, 5, 10)


def period(company: Company, date: dt.date) -> Period:
    return services.period_for(company, date)


def draft(actor: Any, company: Company, date: dt.date) -> Entry:
    return services.entry_create(
        actor=actor,
        company=company,
        journal="OD",
        date=date,
        lines=[LineDraft(account="471", debit=D(10)), LineDraft(account="512", credit=D(10))],
        label="to check",
    )


def year_balances(company: Company, fiscal_year: FiscalYear) -> dict[str, Decimal]:
    """Debit - credit of every account over the year's posted lines, zeros left out."""
    rows = (
        Line.objects.filter(
            company=company, posted=True, date__gte=fiscal_year.start, date__lte=fiscal_year.end
        )
        .values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    return {r["account__code"]: r["d"] - r["c"] for r in rows if r["d"] != r["c"]}


# --------------------------------------------------------------------------- periods


def test_a_closed_period_takes_no_posting(books: Company, accountant: Any, post: Callable) -> None:
    may = closing.period_close(actor=accountant, company=books, period=period(books, MAY_10))
    assert may.state == "closed"
    with pytest.raises(Conflict) as refused:
        post(books, "OD", MAY_10, ("471", 10, 0), ("512", 0, 10))
    assert refused.value.code == "period_locked"
    post(books, "OD", dt.date(2026, 6, 1), ("471", 10, 0), ("512", 0, 10))  # June is open


def test_a_period_with_drafts_is_not_closed(books: Company, accountant: Any) -> None:
    waiting = draft(accountant, books, MAY_10)
    with pytest.raises(Conflict) as refused:
        closing.period_close(actor=accountant, company=books, period=period(books, MAY_10))
    assert refused.value.code == "drafts_in_period"
    assert str(waiting.pk) in refused.value.fields["drafts"][0]
    assert period(books, MAY_10).state == "open"


def test_a_reopened_period_takes_postings_again(
    books: Company, accountant: Any, post: Callable
) -> None:
    may = closing.period_close(actor=accountant, company=books, period=period(books, MAY_10))
    closing.period_reopen(actor=accountant, company=books, period=may)
    entry = post(books, "OD", MAY_10, ("471", 10, 0), ("512", 0, 10))
    assert entry.is_posted


def test_a_period_of_another_company_is_not_found(
    books: Company, books_ro: Company, accountant: Any
) -> None:
    with pytest.raises(NotFound):
        closing.period_close(actor=accountant, company=books_ro, period=period(books, MAY_10))
    assert period(books, MAY_10).state == "open"


# --------------------------------------------------------------------------- lock dates


def test_the_soft_lock_stops_everyone_but_the_closing_accountants(
    books: Company, accountant: Any, user_for: Callable, post: Callable
) -> None:
    closing.lock_dates_set(actor=accountant, company=books, soft_lock_date=dt.date(2026, 3, 31))
    seller = user_for("sales")
    # An invoice validated by a salesperson would post with them as the actor.
    with pytest.raises(Conflict) as refused:
        post(
            books,
            "VE",
            dt.date(2026, 3, 15),
            ("411", 12, 0),
            ("706", 0, 12),
            actor=seller,
        )
    assert refused.value.code == "period_locked"
    assert post(books, "OD", dt.date(2026, 3, 15), ("471", 10, 0), ("512", 0, 10)).is_posted
    assert post(books, "VE", dt.date(2026, 4, 1), ("411", 12, 0), ("706", 0, 12), actor=seller)


def test_the_hard_lock_stops_everyone(books: Company, accountant: Any, post: Callable) -> None:
    march = closing.period_close(
        actor=accountant, company=books, period=period(books, dt.date(2026, 3, 1))
    )
    closing.lock_dates_set(actor=accountant, company=books, hard_lock_date=dt.date(2026, 3, 31))
    with pytest.raises(Conflict) as refused:
        post(books, "OD", dt.date(2026, 2, 10), ("471", 10, 0), ("512", 0, 10))
    assert refused.value.code == "period_locked"
    with pytest.raises(Conflict) as refused:
        closing.period_reopen(actor=accountant, company=books, period=march)
    assert refused.value.code == "period_locked"


def test_the_hard_lock_only_moves_forward(books: Company, accountant: Any) -> None:
    closing.lock_dates_set(actor=accountant, company=books, hard_lock_date=dt.date(2026, 3, 31))
    for earlier in (dt.date(2026, 2, 28), None):
        with pytest.raises(Conflict) as refused:
            closing.lock_dates_set(actor=accountant, company=books, hard_lock_date=earlier)
        assert refused.value.code == "lock_date_backwards"
    settings = closing.lock_dates_set(
        actor=accountant, company=books, hard_lock_date=dt.date(2026, 4, 30), soft_lock_date=None
    )
    assert settings.hard_lock_date == dt.date(2026, 4, 30) and settings.soft_lock_date is None


def test_a_lock_date_is_inside_a_fiscal_year(books: Company, accountant: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        closing.lock_dates_set(
            actor=accountant, company=books, soft_lock_date=dt.date(2024, 12, 31)
        )
    assert refused.value.code == "lock_date_outside" and "soft_lock_date" in refused.value.fields


def test_the_hard_lock_waits_for_the_drafts_before_it(books: Company, accountant: Any) -> None:
    draft(accountant, books, dt.date(2026, 3, 10))
    with pytest.raises(Conflict) as refused:
        closing.lock_dates_set(actor=accountant, company=books, hard_lock_date=dt.date(2026, 3, 31))
    assert refused.value.code == "drafts_in_period"


# --------------------------------------------------------------------------- year-end close


@pytest.fixture
def year_2026(books: Company, accountant: Any, post: Callable) -> FiscalYear:
    """A French year: capital, a loan, sales to two customers, purchases, salaries."""
    customer_a = party_create(actor=accountant, company=books, name="Client A", is_customer=True)
    customer_b = party_create(actor=accountant, company=books, name="Client B", is_customer=True)
    post(books, "BQ", dt.date(2026, 1, 2), ("512", 10000, 0), ("101", 0, 10000))
    post(books, "BQ", dt.date(2026, 1, 3), ("512", 5000, 0), ("164", 0, 5000))
    for when, party, amount in (
        (dt.date(2026, 2, 1), customer_a, 1200),
        (dt.date(2026, 6, 1), customer_b, 2400),
        (dt.date(2026, 11, 1), customer_a, 600),
    ):
        services.entry_create(
            actor=accountant,
            company=books,
            journal="VE",
            date=when,
            lines=[
                LineDraft(account="411", debit=D(amount), party=party.pk),
                LineDraft(account="706", credit=D(amount) * 5 / 6),
                LineDraft(account="44571", credit=D(amount) / 6),
            ],
            post=True,
        )
    services.entry_create(
        actor=accountant,
        company=books,
        journal="BQ",
        date=dt.date(2026, 3, 1),
        lines=[
            LineDraft(account="512", debit=D(1200)),
            LineDraft(account="411", credit=D(1200), party=customer_a.pk),
        ],
        post=True,
    )
    post(books, "AC", dt.date(2026, 4, 1), ("607", 800, 0), ("44566", 160, 0), ("401", 0, 960))
    post(books, "OD", dt.date(2026, 12, 31), ("641", 1000, 0), ("421", 0, 1000))
    return FiscalYear.objects.get(company=books, name="2026")


def test_the_year_end_close_carries_the_balance_sheet_into_the_new_year(
    books: Company, accountant: Any, year_2026: FiscalYear
) -> None:
    before = year_balances(books, year_2026)
    # Revenue 3 500, expenses 1 800: a profit of 1 700.
    assert before["706"] == D(-3500) and before["607"] + before["641"] == D(1800)
    closed = closing.fiscal_year_close(actor=accountant, company=books, fiscal_year=year_2026)
    assert closed.state == "closed"
    assert set(Period.objects.filter(fiscal_year=closed).values_list("state", flat=True)) == {
        "closed"
    }
    result_entry = closed.closing_entry
    assert result_entry is not None and result_entry.journal.code == "OD"
    assert result_entry.date == dt.date(2026, 12, 31) and result_entry.source == "closing"
    after = year_balances(books, closed)
    assert "706" not in after and "607" not in after and "641" not in after
    assert after["120"] == D(-1700)  # the profit, on 120 until the shareholders allocate it

    year_2027 = FiscalYear.objects.get(company=books, start=dt.date(2027, 1, 1))
    assert year_2027.end == dt.date(2027, 12, 31) and year_2027.state == "open"
    opening = closing.opening_entry_of(company=books, fiscal_year=closed)
    assert opening is not None and opening.journal.code == "AN"
    assert opening.date == dt.date(2027, 1, 1) and opening.source == "opening"
    assert year_balances(books, year_2027) == after


def test_receivables_are_carried_customer_by_customer(
    books: Company, accountant: Any, year_2026: FiscalYear
) -> None:
    closed = closing.fiscal_year_close(actor=accountant, company=books, fiscal_year=year_2026)
    opening = closing.opening_entry_of(company=books, fiscal_year=closed)
    assert opening is not None
    receivables = {
        ln.party.name: ln.debit
        for ln in opening.lines.select_related("party")
        if ln.account.code == "411"
    }
    assert receivables == {"Client A": D(600), "Client B": D(2400)}


def test_a_loss_goes_to_129(books: Company, accountant: Any, post: Callable) -> None:
    post(books, "AC", dt.date(2026, 4, 1), ("607", 800, 0), ("401", 0, 800))
    year = FiscalYear.objects.get(company=books, name="2026")
    closed = closing.fiscal_year_close(actor=accountant, company=books, fiscal_year=year)
    assert year_balances(books, closed) == {"129": D(800), "401": D(-800)}


def test_no_posting_into_a_closed_year(
    books: Company, accountant: Any, year_2026: FiscalYear, post: Callable
) -> None:
    closing.fiscal_year_close(actor=accountant, company=books, fiscal_year=year_2026)
    with pytest.raises(Conflict) as refused:
        post(books, "OD", dt.date(2026, 12, 31), ("471", 10, 0), ("512", 0, 10))
    assert refused.value.code == "period_locked"
    with pytest.raises(Conflict) as refused:
        closing.period_reopen(actor=accountant, company=books, period=period(books, MAY_10))
    assert refused.value.code == "fiscal_year_closed"
    with pytest.raises(Conflict) as refused:
        closing.fiscal_year_close(actor=accountant, company=books, fiscal_year=year_2026)
    assert refused.value.code == "fiscal_year_closed"


def test_a_year_with_drafts_is_not_closed(
    books: Company, accountant: Any, year_2026: FiscalYear
) -> None:
    draft(accountant, books, dt.date(2026, 12, 20))
    with pytest.raises(Conflict) as refused:
        closing.fiscal_year_close(actor=accountant, company=books, fiscal_year=year_2026)
    assert refused.value.code == "drafts_in_period"
    year_2026.refresh_from_db()
    assert year_2026.state == "open" and not FiscalYear.objects.filter(name="2027").exists()


def test_years_are_closed_in_order(books: Company, accountant: Any) -> None:
    later = services.fiscal_year_create(actor=accountant, company=books, year=2027)
    with pytest.raises(Conflict) as refused:
        closing.fiscal_year_close(actor=accountant, company=books, fiscal_year=later)
    assert refused.value.code == "previous_year_open"


def test_december_closed_first_is_the_usual_order(
    books: Company, accountant: Any, year_2026: FiscalYear
) -> None:
    for month in Period.objects.filter(fiscal_year=year_2026):
        closing.period_close(actor=accountant, company=books, period=month)
    closed = closing.fiscal_year_close(actor=accountant, company=books, fiscal_year=year_2026)
    assert closed.closing_entry is not None and closed.closing_entry.is_posted


def test_the_preview_shows_what_the_close_will_post(
    books: Company, accountant: Any, year_2026: FiscalYear
) -> None:
    plan = closing.closing_plan(company=books, fiscal_year=year_2026)
    assert plan.result == D(1700) and plan.next_start == dt.date(2027, 1, 1)
    assert sum(ln.debit - ln.credit for ln in plan.result_lines) == 0
    assert sum(ln.debit - ln.credit for ln in plan.opening_lines) == 0
    assert not Entry.objects.filter(source="closing").exists()


def test_the_romanian_result_stays_on_121(
    books_ro: Company, accountant: Any, post: Callable
) -> None:
    post(books_ro, "VE", dt.date(2026, 3, 1), ("4111", 1210, 0), ("704", 0, 1000), ("4427", 0, 210))
    post(books_ro, "AC", dt.date(2026, 3, 2), ("628", 400, 0), ("401", 0, 400))
    year = FiscalYear.objects.get(company=books_ro, name="2026")
    closed = closing.fiscal_year_close(actor=accountant, company=books_ro, fiscal_year=year)
    balances = year_balances(books_ro, closed)
    assert balances["121"] == D(-600)
    year_2027 = FiscalYear.objects.get(company=books_ro, start=dt.date(2027, 1, 1))
    assert year_balances(books_ro, year_2027) == balances
