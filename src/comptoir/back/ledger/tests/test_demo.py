"""The demo's books: months of posted activity that every report can show.

``comptoir demo`` loads the French company (and ``--country RO`` the
Romanian one); the ledger adds its books through the demo's extension hook.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from comptoir.back.ledger import demo as ledger_demo
from comptoir.back.ledger import integrity, reports
from comptoir.back.ledger.models import (
    Balance,
    Entry,
    FiscalYear,
    Journal,
    Line,
    Period,
    VatReturn,
)
from comptoir.back.ledger.tests.test_properties import assert_books_sound
from comptoir.core import demo as core_demo
from comptoir.core.companies.models import Company


@pytest.fixture
def demo_fr(db: Any) -> Company:
    company, _logins, created = core_demo.load_demo(country="FR")
    assert created
    return company


@pytest.fixture
def demo_ro(db: Any) -> Company:
    company, _logins, created = core_demo.load_demo(country="RO")
    assert created
    return company


def assert_reports_show_the_books(company: Company) -> None:
    """Every table the reports read has rows; the trial balance of the year balances."""
    assert FiscalYear.objects.filter(company=company).exists()
    assert Period.objects.filter(company=company).exists()
    assert Journal.objects.filter(company=company).count() >= 6
    assert Balance.objects.filter(company=company).count() > 20
    last = ledger_demo.months_before(timezone.localdate())[-1][1]
    fiscal_year = FiscalYear.objects.get(company=company, start__lte=last, end__gte=last)
    trial = reports.trial_balance(company=company, fiscal_year_id=fiscal_year.pk)
    assert trial.rows
    assert trial.totals.debit == trial.totals.credit > 0
    assert trial.totals.closing_debit == trial.totals.closing_credit


def counts(company: Company) -> dict[str, int]:
    return {
        "entries": Entry.objects.filter(company=company).count(),
        "lines": Line.objects.filter(company=company).count(),
        "balances": Balance.objects.filter(company=company).count(),
        "vat_returns": VatReturn.objects.filter(company=company).count(),
    }


def journals_used(company: Company) -> set[str]:
    return set(
        Entry.objects.filter(company=company, state="posted")
        .values_list("journal__code", flat=True)
        .distinct()
    )


def months_of_activity(company: Company) -> set[tuple[int, int]]:
    return {
        (d.year, d.month)
        for d in Entry.objects.filter(company=company, source="demo").values_list("date", flat=True)
    }


def test_the_month_helper_counts_back_full_months() -> None:
    assert ledger_demo.months_before(dt.date(2026, 2, 10), 3) == [
        (dt.date(2025, 11, 1), dt.date(2025, 11, 30)),
        (dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
    ]


def test_the_french_demo_has_six_months_of_posted_books(demo_fr: Company) -> None:
    company = demo_fr
    # Every entry is posted, in the sales, purchases, bank and miscellaneous journals.
    assert not Entry.objects.filter(company=company, state="draft").exists()
    assert {"VE", "AC", "BQ", "OD"} <= journals_used(company)
    expected = {
        (start.year, start.month) for start, _end in ledger_demo.months_before(timezone.localdate())
    }
    assert expected <= months_of_activity(company)
    assert Entry.objects.filter(company=company, state="posted").count() > 150

    # Customers owe on 411, suppliers are owed on 401, each line naming its party.
    receivable = Line.objects.filter(company=company, account__code="411")
    assert receivable.exists() and not receivable.filter(party__isnull=True).exists()
    payable = Line.objects.filter(company=company, account__code="401")
    assert payable.exists() and not payable.filter(party__isnull=True).exists()

    # Sales at 20 %, 10 % and 5.5 %; an intra-EU purchase with both VAT lines.
    rates = set(
        Line.objects.filter(company=company, tax_role="base", tax__scope="sale").values_list(
            "tax__rate", flat=True
        )
    )
    assert {Decimal("20"), Decimal("10"), Decimal("5.5")} <= rates
    reverse = Line.objects.filter(company=company, tax__kind="reverse_charge")
    assert set(reverse.values_list("tax_role", flat=True)) == {"base", "tax", "deductible"}
    assert set(reverse.values_list("account__code", flat=True)) >= {"4452", "445662"}

    # Payroll: wages and social charges against staff and social bodies.
    assert Line.objects.filter(company=company, account__code__in=["641", "645"]).count() >= 12
    assert Line.objects.filter(company=company, account__code__in=["421", "431"]).exists()

    # One purchase keyed twice, reversed.
    reversal = Entry.objects.get(company=company, reversal_of__isnull=False)
    assert reversal.journal.code == "AC"

    # The VAT returns: every month but the last posted with its settlement entry.
    returns = list(VatReturn.objects.filter(company=company).order_by("start"))
    assert [r.state for r in returns] == ["posted"] * 5 + ["draft"]
    assert all(r.form == "ca3" for r in returns)
    assert all(r.settlement_entry_id for r in returns[:5])
    assert all(r.net_due > 0 for r in returns[:5])

    assert_books_sound(company)
    assert integrity.ledger_verify(company).ok
    assert_reports_show_the_books(company)


def test_the_romanian_demo_uses_the_romanian_chart_and_the_rates_of_the_day(
    demo_ro: Company,
) -> None:
    company = demo_ro
    assert {"VE", "AC", "BQ", "OD"} <= journals_used(company)
    assert Line.objects.filter(company=company, account__code="4111").exists()
    assert not Line.objects.filter(company=company, account__code="411").exists()
    # Every tax line applies on its date: 21 % and 11 % from 2025-08-01, 19 % and 9 % before.
    taxed = Line.objects.filter(company=company, tax__isnull=False).select_related("tax")
    assert taxed.exists()
    for line in taxed:
        assert not line.tax.valid_from or line.tax.valid_from <= line.date
        assert not line.tax.valid_to or line.date <= line.tax.valid_to
    cutover = dt.date(2025, 8, 1)
    later = {ln.tax.rate for ln in taxed if ln.date >= cutover and ln.tax.scope == "sale"}
    assert later <= {Decimal("21"), Decimal("11"), Decimal("0")}
    # Payroll: CAS, CASS, income tax and the work insurance contribution.
    payroll = set(
        Line.objects.filter(company=company, entry__journal__code="OD").values_list(
            "account__code", flat=True
        )
    )
    assert {"641", "646", "421", "4315", "4316", "444", "436"} <= payroll
    returns = VatReturn.objects.filter(company=company)
    assert returns.filter(form="d300", state="posted").count() == 5
    assert_books_sound(company)
    assert integrity.ledger_verify(company).ok
    assert_reports_show_the_books(company)


def test_loading_the_demo_again_changes_nothing(demo_fr: Company) -> None:
    before = counts(demo_fr)
    assert ledger_demo.load_ledger_demo(demo_fr) is False
    company, _logins, created = core_demo.load_demo(country="FR")
    assert (company, created) == (demo_fr, False)
    assert counts(demo_fr) == before


def test_a_demo_loaded_before_the_ledger_gets_its_books_on_the_next_run(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core_demo, "DEMO_EXTENSIONS", [])
    company, _logins, _created = core_demo.load_demo(country="FR")
    assert not Entry.objects.filter(company=company).exists()
    monkeypatch.setattr(core_demo, "DEMO_EXTENSIONS", [ledger_demo.load_ledger_demo])
    core_demo.load_demo(country="FR")
    assert Entry.objects.filter(company=company, state="posted").count() > 150
