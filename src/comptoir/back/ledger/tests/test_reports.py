"""Financial reports in business words, on the French and the Romanian books.

The French company (Atelier Dupont SAS) brings 10,000 of capital in January,
sells to Boulangerie Martin (1,000 + 200 VAT, paid on the 25th), buys goods
from Grossiste Lefèvre (500 + 100 VAT, paid in February), sells to Café du
Port in February (2,000 + 400 VAT, still owed) and books February's
salaries (1,500). The Romanian company does the same kind of month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.back.ledger import reports, services
from comptoir.back.ledger.domain import LineDraft
from comptoir.back.ledger.models import Account, Entry, FiscalYear, Period
from comptoir.back.ledger.services import chart_rows
from comptoir.core.companies.models import Company
from comptoir.core.kernel.errors import NotFound, ValidationFailed
from comptoir.core.parties.services import party_create

D = Decimal
JAN = dt.date(2026, 1, 1)


def entry(
    actor: Any,
    company: Company,
    journal: str,
    date: dt.date,
    *spec: tuple[str, Any, Any] | tuple[str, Any, Any, Any],
    label: str = "",
) -> Entry:
    """Post an entry; a line is (account, debit, credit) or (account, debit, credit, party)."""
    drafts = [
        LineDraft(
            account=item[0],
            debit=D(str(item[1])),
            credit=D(str(item[2])),
            party=item[3].pk if len(item) > 3 else None,
            label=label,
        )
        for item in spec
    ]
    return services.entry_create(
        actor=actor,
        company=company,
        journal=journal,
        date=date,
        lines=drafts,
        label=label,
        post=True,
    )


def period(company: Company, name: str) -> Period:
    return Period.objects.get(company=company, name=name)


@dataclass
class Books:
    company: Company
    actor: Any
    customer_a: Any
    customer_b: Any
    supplier: Any
    entries: dict[str, Entry]


def french_months(company: Company, actor: Any) -> Books:
    martin = party_create(actor=actor, company=company, name="Boulangerie Martin", is_customer=True)
    port = party_create(actor=actor, company=company, name="Café du Port", is_customer=True)
    lefevre = party_create(actor=actor, company=company, name="Grossiste Lefèvre", is_supplier=True)
    done = {
        "capital": entry(
            actor,
            company,
            "BQ",
            dt.date(2026, 1, 2),
            ("512", 10000, 0),
            ("101", 0, 10000),
            label="Apport en capital",
        ),
        "sale_martin": entry(
            actor,
            company,
            "VE",
            dt.date(2026, 1, 10),
            ("411", 1200, 0, martin),
            ("706", 0, 1000),
            ("44571", 0, 200),
            label="Facture Martin",
        ),
        "purchase": entry(
            actor,
            company,
            "AC",
            dt.date(2026, 1, 12),
            ("607", 500, 0),
            ("44566", 100, 0),
            ("401", 0, 600, lefevre),
            label="Facture Lefèvre",
        ),
        "martin_pays": entry(
            actor,
            company,
            "BQ",
            dt.date(2026, 1, 25),
            ("512", 1200, 0),
            ("411", 0, 1200, martin),
            label="Règlement Martin",
        ),
        "sale_port": entry(
            actor,
            company,
            "VE",
            dt.date(2026, 2, 5),
            ("411", 2400, 0, port),
            ("706", 0, 2000),
            ("44571", 0, 400),
            label="Facture Café du Port",
        ),
        "pay_lefevre": entry(
            actor,
            company,
            "BQ",
            dt.date(2026, 2, 15),
            ("401", 600, 0, lefevre),
            ("512", 0, 600),
            label="Règlement Lefèvre",
        ),
        "salaries": entry(
            actor,
            company,
            "OD",
            dt.date(2026, 2, 28),
            ("641", 1500, 0),
            ("421", 0, 1500),
            label="Salaires février",
        ),
    }
    return Books(company, actor, martin, port, lefevre, done)


@pytest.fixture
def fr(books: Company, accountant: Any) -> Books:
    return french_months(books, accountant)


@pytest.fixture
def ro(books_ro: Company) -> Books:
    from comptoir.core.identity.models import User

    actor = User.objects.get(username="contabil")  # the ledger conftest's Romanian accountant
    client = party_create(actor=actor, company=books_ro, name="Brutăria Ionescu", is_customer=True)
    other = party_create(actor=actor, company=books_ro, name="Cafeneaua Veche", is_customer=True)
    supplier = party_create(actor=actor, company=books_ro, name="Angro Distrib", is_supplier=True)
    done = {
        "capital": entry(
            actor, books_ro, "BQ", dt.date(2026, 1, 3), ("5121", 20000, 0), ("1012", 0, 20000)
        ),
        "sale": entry(
            actor,
            books_ro,
            "VE",
            dt.date(2026, 1, 14),
            ("4111", 2380, 0, client),
            ("704", 0, 2000),
            ("4427", 0, 380),
        ),
        "purchase": entry(
            actor,
            books_ro,
            "AC",
            dt.date(2026, 1, 16),
            ("607", 1000, 0),
            ("4426", 190, 0),
            ("401", 0, 1190, supplier),
        ),
        "salaries": entry(
            actor, books_ro, "OD", dt.date(2026, 1, 31), ("641", 3000, 0), ("421", 0, 3000)
        ),
    }
    return Books(books_ro, actor, client, other, supplier, done)


def row(report: reports.TrialBalance, code: str) -> reports.TrialBalanceRow:
    return next(r for r in report.rows if r.code == code)


def line(report: reports.Statement, code: str) -> reports.StatementLine:
    return next(ln for g in report.groups for ln in g.lines if ln.code == code)


# --------------------------------------------------------------------------- trial balance


def test_the_trial_balance_of_two_months_balances_and_shows_each_account(fr: Books) -> None:
    tb = reports.trial_balance(
        company=fr.company,
        period_from_id=period(fr.company, "2026-01").pk,
        period_to_id=period(fr.company, "2026-02").pk,
    )

    assert tb.totals.debit == tb.totals.credit == D("17500.00")
    assert tb.totals.closing_debit == tb.totals.closing_credit
    assert tb.totals.balanced
    bank = row(tb, "512")
    assert (bank.debit, bank.credit, bank.closing_debit) == (D("11200"), D("600"), D("10600"))
    assert row(tb, "411").closing_debit == D("2400")
    assert row(tb, "706").closing_credit == D("3000")
    supplier = row(tb, "401")
    assert (supplier.debit, supplier.credit, supplier.balance) == (D("600"), D("600"), D("0"))
    assert [r.code for r in tb.rows] == sorted(r.code for r in tb.rows)


def test_february_opens_with_january_closing(fr: Books) -> None:
    feb = period(fr.company, "2026-02")
    tb = reports.trial_balance(company=fr.company, period_from_id=feb.pk, period_to_id=feb.pk)

    bank = row(tb, "512")
    assert bank.opening_debit == D("11200")
    assert bank.credit == D("600")
    assert bank.closing_debit == D("10600")
    assert tb.totals.opening_debit == tb.totals.opening_credit == D("11800")
    # The salaries are February's only: no opening.
    assert row(tb, "641").opening_debit == 0 and row(tb, "641").debit == D("1500")


def test_the_trial_balance_filters_on_a_class_or_on_exact_accounts(fr: Books) -> None:
    feb = period(fr.company, "2026-02").pk
    expenses = reports.trial_balance(company=fr.company, period_to_id=feb, prefix="6")
    assert [r.code for r in expenses.rows] == ["607", "641"]

    some = reports.trial_balance(company=fr.company, period_to_id=feb, prefix="401, 411")
    assert [r.code for r in some.rows] == ["401", "411"]

    exact = reports.trial_balance(company=fr.company, period_to_id=feb, accounts="512,101")
    assert [r.code for r in exact.rows] == ["101", "512"]


def test_a_reversal_takes_an_entry_out_of_the_balances(fr: Books) -> None:
    services.entry_reverse(
        actor=fr.actor, company=fr.company, entry=fr.entries["salaries"], date=dt.date(2026, 2, 28)
    )
    tb = reports.trial_balance(company=fr.company, period_to_id=period(fr.company, "2026-02").pk)

    salaries = row(tb, "641")
    assert salaries.debit == salaries.credit == D("1500")
    assert salaries.balance == 0
    assert tb.totals.balanced
    result = reports.income_statement(
        company=fr.company, period_to_id=period(fr.company, "2026-02").pk
    )
    assert result.result == D("2500")


def test_the_comparative_column_shows_the_same_months_of_last_year(
    fr: Books, accountant: Any
) -> None:
    services.fiscal_year_create(actor=accountant, company=fr.company, year=2025)
    entry(accountant, fr.company, "VE", dt.date(2025, 2, 3), ("411", 600, 0), ("706", 0, 600))
    entry(accountant, fr.company, "VE", dt.date(2025, 6, 3), ("411", 50, 0), ("706", 0, 50))

    tb = reports.trial_balance(
        company=fr.company,
        period_from_id=period(fr.company, "2026-01").pk,
        period_to_id=period(fr.company, "2026-02").pk,
        comparative=True,
    )

    assert tb.comparative_fiscal_year is not None and tb.comparative_fiscal_year.name == "2025"
    assert row(tb, "706").comparative == D("-600")  # June 2025 is outside January-February
    assert row(tb, "512").comparative == 0
    assert tb.totals.comparative == 0


def test_without_a_previous_year_the_comparison_is_empty(fr: Books) -> None:
    tb = reports.trial_balance(company=fr.company, comparative=True)
    assert tb.comparative_requested and tb.comparative_fiscal_year is None
    assert all(r.comparative is None for r in tb.rows)


def test_the_trial_balance_reads_the_balances_not_the_lines(
    fr: Books, django_assert_max_num_queries: Any
) -> None:
    feb = period(fr.company, "2026-02").pk
    with CaptureQueriesContext(connection) as queries:
        reports.trial_balance(company=fr.company, period_to_id=feb, comparative=True)
    assert len(queries) <= 8  # the fiscal years, their periods, balances and accounts
    assert not [q for q in queries if "ledger_line" in q["sql"]]

    # More activity, same number of queries.
    for day in range(1, 20):
        entry(fr.actor, fr.company, "OD", dt.date(2026, 2, day), ("626", 10, 0), ("512", 0, 10))
    with django_assert_max_num_queries(len(queries)):
        reports.trial_balance(company=fr.company, period_to_id=feb, comparative=True)


def test_the_statements_read_the_balances_not_the_lines(fr: Books) -> None:
    with CaptureQueriesContext(connection) as queries:
        reports.balance_sheet(company=fr.company, period_id=period(fr.company, "2026-02").pk)
        reports.income_statement(company=fr.company)
    assert not [q for q in queries if "ledger_line" in q["sql"]]
    assert len(queries) <= 12


# --------------------------------------------------------------------------- general ledger


def test_the_bank_account_ledger_runs_its_balance_line_by_line(fr: Books) -> None:
    gl = reports.general_ledger(
        company=fr.company,
        account="512",
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 2, 28),
    )

    (bank,) = gl.accounts
    assert bank.opening == 0
    assert [(ln.debit, ln.credit, ln.balance) for ln in bank.lines] == [
        (D("10000"), D("0"), D("10000")),
        (D("1200"), D("0"), D("11200")),
        (D("0"), D("600"), D("10600")),
    ]
    assert bank.closing == D("10600")
    assert bank.lines[0].entry_number == fr.entries["capital"].number
    assert bank.lines[2].party_name == ""


def test_the_ledger_from_mid_january_opens_with_what_came_before(fr: Books) -> None:
    gl = reports.general_ledger(
        company=fr.company,
        account="512",
        date_from=dt.date(2026, 1, 20),
        date_to=dt.date(2026, 2, 28),
    )
    (bank,) = gl.accounts
    assert bank.opening == D("10000")  # the capital, brought on 2 January
    assert [ln.balance for ln in bank.lines] == [D("11200"), D("10600")]

    from_february = reports.general_ledger(
        company=fr.company, account="512", date_from=dt.date(2026, 2, 1)
    )
    assert from_february.accounts[0].opening == D("11200")


def test_the_ledger_of_a_class_shows_each_account_with_its_party(fr: Books) -> None:
    gl = reports.general_ledger(
        company=fr.company,
        prefix="4",
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 2, 28),
    )
    codes = [a.code for a in gl.accounts]
    assert codes == ["401", "411", "421", "44566", "44571"]
    customers = next(a for a in gl.accounts if a.code == "411")
    assert [ln.party_name for ln in customers.lines] == [
        "Boulangerie Martin",
        "Boulangerie Martin",
        "Café du Port",
    ]
    assert customers.closing == D("2400")
    assert gl.debit == sum((a.debit for a in gl.accounts), D(0))


def test_the_page_cut_keeps_the_totals_whole(fr: Books) -> None:
    gl = reports.general_ledger(
        company=fr.company, prefix="4", date_from=JAN, date_to=dt.date(2026, 2, 28), max_lines=2
    )
    assert gl.truncated
    assert sum(len(a.lines) for a in gl.accounts) == 2
    assert next(a for a in gl.accounts if a.code == "411").closing == D("2400")


def test_the_general_ledger_stays_within_one_fiscal_year(fr: Books, accountant: Any) -> None:
    services.fiscal_year_create(actor=accountant, company=fr.company, year=2027)
    with pytest.raises(ValidationFailed) as refused:
        reports.general_ledger(
            company=fr.company,
            account="512",
            date_from=dt.date(2026, 12, 1),
            date_to=dt.date(2027, 1, 31),
        )
    assert refused.value.code == "date_outside_fiscal_year"
    assert "date_to" in refused.value.fields


def test_an_unknown_account_is_refused_by_name(fr: Books) -> None:
    with pytest.raises(ValidationFailed) as refused:
        reports.general_ledger(company=fr.company, account="999999")
    assert refused.value.fields.keys() == {"account"}


def test_dates_in_the_wrong_order_are_refused(fr: Books) -> None:
    with pytest.raises(ValidationFailed) as refused:
        reports.general_ledger(
            company=fr.company, date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 1, 1)
        )
    assert refused.value.code == "date_order"


def test_the_general_ledger_reads_few_queries_whatever_the_lines(
    fr: Books, django_assert_max_num_queries: Any
) -> None:
    with CaptureQueriesContext(connection) as queries:
        reports.general_ledger(company=fr.company, prefix="4", date_from=dt.date(2026, 1, 15))
    for day in range(1, 20):
        entry(fr.actor, fr.company, "VE", dt.date(2026, 2, day), ("411", 12, 0), ("706", 0, 12))
    with django_assert_max_num_queries(len(queries)):
        reports.general_ledger(company=fr.company, prefix="4", date_from=dt.date(2026, 1, 15))


# --------------------------------------------------------------------------- journal report


def test_the_sales_journal_lists_its_entries_in_number_order(fr: Books) -> None:
    report = reports.journal_report(
        company=fr.company, journal="ve", date_from=JAN, date_to=dt.date(2026, 2, 28)
    )
    (sales,) = report.journals
    assert sales.code == "VE"
    assert [e.number for e in sales.entries] == [
        fr.entries["sale_martin"].number,
        fr.entries["sale_port"].number,
    ]
    assert sales.debit == sales.credit == D("3600")
    assert [ln.account_code for ln in sales.entries[0].lines] == ["411", "706", "44571"]
    assert sales.entries[0].lines[0].party_name == "Boulangerie Martin"


def test_every_journal_has_its_totals(fr: Books) -> None:
    report = reports.journal_report(company=fr.company, date_from=JAN, date_to=dt.date(2026, 2, 28))
    totals = {j.code: (j.debit, j.credit) for j in report.journals}
    assert totals == {
        "AC": (D("600"), D("600")),
        "BQ": (D("11800"), D("11800")),
        "OD": (D("1500"), D("1500")),
        "VE": (D("3600"), D("3600")),
    }
    assert report.debit == report.credit == D("17500")


def test_an_unknown_journal_is_refused_by_name(fr: Books) -> None:
    with pytest.raises(ValidationFailed) as refused:
        reports.journal_report(company=fr.company, journal="ZZ")
    assert refused.value.fields.keys() == {"journal"}


# --------------------------------------------------------------------------- partner ledger


def test_the_partner_ledger_follows_each_customer_and_supplier(fr: Books) -> None:
    report = reports.partner_ledger(company=fr.company, date_from=JAN, date_to=dt.date(2026, 2, 28))
    by_party = {(s.party_name, s.account_type): s for s in report.sections}

    martin = by_party[("Boulangerie Martin", "receivable")]
    assert [ln.balance for ln in martin.lines] == [D("1200"), D("0")]
    assert martin.closing == 0
    port = by_party[("Café du Port", "receivable")]
    assert port.closing == D("2400")
    lefevre = by_party[("Grossiste Lefèvre", "payable")]
    assert [ln.balance for ln in lefevre.lines] == [D("-600"), D("0")]
    # Receivables come before payables.
    assert [s.account_type for s in report.sections] == ["receivable", "receivable", "payable"]


def test_the_partner_ledger_of_february_opens_with_what_each_party_owed(fr: Books) -> None:
    report = reports.partner_ledger(
        company=fr.company, account_type="payable", date_from=dt.date(2026, 2, 1)
    )
    (lefevre,) = report.sections
    assert lefevre.party_name == "Grossiste Lefèvre"
    assert lefevre.opening == D("-600")
    assert lefevre.closing == 0


def test_the_partner_ledger_of_one_customer(fr: Books) -> None:
    report = reports.partner_ledger(company=fr.company, party_id=fr.customer_b.pk, date_from=JAN)
    assert [s.party_name for s in report.sections] == ["Café du Port"]
    assert report.debit == D("2400")


def test_a_party_of_another_company_is_not_found(fr: Books, company_ro: Company) -> None:
    stranger = party_create(actor=fr.actor, company=company_ro, name="Străin SRL")
    with pytest.raises(NotFound):
        reports.partner_ledger(company=fr.company, party_id=stranger.pk)


# --------------------------------------------------------------------------- statements


def test_the_french_balance_sheet_balances_with_the_result_in_equity(fr: Books) -> None:
    bs = reports.balance_sheet(company=fr.company, period_id=period(fr.company, "2026-02").pk)

    assert line(bs, "CF").amount == D("10600")  # disponibilités
    assert line(bs, "BX").amount == D("2400")  # clients
    assert line(bs, "BZ").amount == D("100")  # TVA déductible
    assert line(bs, "DA").amount == D("10000")  # capital
    assert line(bs, "DI").amount == D("1000")  # résultat: 3,000 of sales - 2,000 of costs
    assert line(bs, "DY").amount == D("2100")  # TVA collectée 600 + salaires dus 1,500
    assert line(bs, "DX").amount == 0  # Lefèvre is paid
    assert bs.total("asset") == bs.total("liability") == D("13100")
    assert bs.balanced
    assert bs.result == D("1000")
    assert line(bs, "CF").accounts == ("512",)


def test_the_balance_sheet_at_january_shows_january(fr: Books) -> None:
    bs = reports.balance_sheet(company=fr.company, period_id=period(fr.company, "2026-01").pk)
    assert line(bs, "CF").amount == D("11200")
    assert line(bs, "DX").amount == D("600")
    assert bs.result == D("500")
    assert bs.balanced


def test_a_bank_overdraft_is_a_debt_not_cash(fr: Books) -> None:
    entry(fr.actor, fr.company, "BQ", dt.date(2026, 2, 20), ("607", 12000, 0), ("512", 0, 12000))
    bs = reports.balance_sheet(company=fr.company, period_id=period(fr.company, "2026-02").pk)
    assert line(bs, "CF").amount == 0
    assert line(bs, "DU").amount == D("1400")
    assert bs.balanced


def test_the_french_income_statement_gives_the_result(fr: Books) -> None:
    pl = reports.income_statement(
        company=fr.company,
        period_from_id=period(fr.company, "2026-01").pk,
        period_to_id=period(fr.company, "2026-02").pk,
    )
    assert line(pl, "FI").amount == D("3000")  # prestations de services
    assert line(pl, "FS").amount == D("500")  # achats de marchandises
    assert line(pl, "FY").amount == D("1500")  # salaires
    assert pl.total("revenue") - pl.total("expense") == pl.result == D("1000")
    operating = pl.blocks[0]
    assert operating.label == "Exploitation" and operating.total == D("1000")
    assert [b.label for b in pl.blocks] == [
        "Exploitation",
        "Financier",
        "Exceptionnel",
        "Participation et impôts",
    ]


def test_the_income_statement_of_february_alone(fr: Books) -> None:
    feb = period(fr.company, "2026-02").pk
    pl = reports.income_statement(company=fr.company, period_from_id=feb, period_to_id=feb)
    assert line(pl, "FI").amount == D("2000")
    assert line(pl, "FS").amount == 0
    assert pl.result == D("500")


def test_the_romanian_statements(ro: Books) -> None:
    jan = period(ro.company, "2026-01").pk
    bs = reports.balance_sheet(company=ro.company, period_id=jan)
    assert bs.chart == "ro_pcg"
    assert line(bs, "B.IV").amount == D("20000")  # casa și conturi la bănci
    assert line(bs, "B.II").amount == D("2570")  # clienți 2,380 + TVA deductibilă 190
    assert line(bs, "J.I").amount == D("20000")  # capital
    assert line(bs, "J.VI").amount == D("-2000")  # pierdere: 2,000 of revenue - 4,000 of costs
    assert line(bs, "D.4").amount == D("1190")  # furnizori
    assert line(bs, "D.8").amount == D("3380")  # TVA colectată 380 + salarii 3,000
    assert bs.balanced
    assert bs.total("asset") == D("22570")

    pl = reports.income_statement(company=ro.company, period_from_id=jan, period_to_id=jan)
    assert line(pl, "02").amount == D("2000")  # producția vândută (704)
    assert line(pl, "20").amount == D("1000")  # cheltuieli privind mărfurile
    assert line(pl, "23").amount == D("3000")  # salarii
    assert pl.result == D("-2000")


def test_the_romanian_trial_balance_and_partner_ledger(ro: Books) -> None:
    tb = reports.trial_balance(company=ro.company, period_to_id=period(ro.company, "2026-01").pk)
    assert tb.totals.debit == tb.totals.credit == D("26570")
    assert row(tb, "4111").closing_debit == D("2380")

    partners = reports.partner_ledger(company=ro.company, date_from=JAN)
    assert {(s.party_name, s.closing) for s in partners.sections} == {
        ("Brutăria Ionescu", D("2380")),
        ("Angro Distrib", D("-1190")),
    }


def test_the_year_end_close_leaves_last_year_statements_as_they_were(
    books: Company, accountant: Any
) -> None:
    from comptoir.back.ledger import closing

    services.fiscal_year_create(actor=accountant, company=books, year=2025)
    entry(accountant, books, "BQ", dt.date(2025, 3, 1), ("512", 5000, 0), ("101", 0, 5000))
    entry(
        accountant,
        books,
        "VE",
        dt.date(2025, 4, 1),
        ("411", 1200, 0),
        ("706", 0, 1000),
        ("44571", 0, 200),
    )
    entry(accountant, books, "AC", dt.date(2025, 5, 1), ("607", 300, 0), ("401", 0, 300))
    fy2025 = FiscalYear.objects.get(company=books, name="2025")
    closing.fiscal_year_close(actor=accountant, company=books, fiscal_year=fy2025)

    dec = period(books, "2025-12").pk
    pl = reports.income_statement(company=books, fiscal_year_id=fy2025.pk)
    assert pl.result == D("700")
    assert line(pl, "FI").amount == D("1000")
    bs = reports.balance_sheet(company=books, period_id=dec)
    assert line(bs, "DI").amount == D("700")
    assert bs.balanced

    # The new year opens with the balance-sheet accounts carried forward.
    jan = period(books, "2026-01").pk
    opened = reports.balance_sheet(company=books, period_id=jan)
    assert opened.balanced
    assert line(opened, "CF").amount == D("5000")
    assert line(opened, "BX").amount == D("1200")
    assert line(opened, "DI").amount == D("700")  # carried on 120 until allocated
    assert opened.result == 0
    march = period(books, "2026-03").pk
    tb = reports.trial_balance(company=books, period_to_id=march, comparative=True)
    assert row(tb, "512").debit == D("5000")  # the opening entry, in January
    assert row(tb, "512").comparative == D("5000")  # January to March 2025: the capital
    assert "706" not in {r.code for r in tb.rows}  # the sale came in April


def test_the_generic_chart_balance_sheet(company: Company, accountant: Any) -> None:
    other = Company.objects.create(code="acme", name="Acme Ltd", country="GB", currency="GBP")
    services.ledger_setup(actor=accountant, company=other, chart="generic", year=2026)
    entry(accountant, other, "BQ", dt.date(2026, 3, 1), ("1100", 900, 0), ("3000", 0, 900))
    entry(
        accountant,
        other,
        "VE",
        dt.date(2026, 3, 2),
        ("1200", 120, 0),
        ("4100", 0, 100),
        ("2100", 0, 20),
    )
    bs = reports.balance_sheet(company=other, period_id=period(other, "2026-03").pk)
    assert bs.chart == "generic"
    assert line(bs, "CA6").amount == D("900")
    assert line(bs, "EQ3").amount == D("100")
    assert bs.balanced


def test_a_period_of_another_fiscal_year_is_refused(fr: Books, accountant: Any) -> None:
    services.fiscal_year_create(actor=accountant, company=fr.company, year=2025)
    fy2026 = FiscalYear.objects.get(company=fr.company, name="2026")
    with pytest.raises(ValidationFailed) as refused:
        reports.trial_balance(
            company=fr.company,
            fiscal_year_id=fy2026.pk,
            period_from_id=period(fr.company, "2025-03").pk,
        )
    assert refused.value.fields.keys() == {"period_from"}


def test_periods_in_the_wrong_order_are_refused(fr: Books) -> None:
    with pytest.raises(ValidationFailed) as refused:
        reports.income_statement(
            company=fr.company,
            period_from_id=period(fr.company, "2026-03").pk,
            period_to_id=period(fr.company, "2026-01").pk,
        )
    assert refused.value.code == "period_order"


def test_a_fiscal_year_of_another_company_is_not_found(fr: Books, books_ro: Company) -> None:
    theirs = FiscalYear.objects.get(company=books_ro)
    with pytest.raises(NotFound):
        reports.trial_balance(company=fr.company, fiscal_year_id=theirs.pk)
    their_period = Period.objects.filter(company=books_ro).first()
    assert their_period is not None
    with pytest.raises(NotFound):
        reports.balance_sheet(company=fr.company, period_id=their_period.pk)


# --------------------------------------------------------------------------- the mappings


@pytest.mark.parametrize("chart", ["fr_pcg", "ro_pcg", "generic"])
def test_every_account_of_the_chart_lands_on_exactly_one_statement_line(chart: str) -> None:
    for account in chart_rows(chart):
        code, kind = account["code"], account["type"]
        for balance in (D("1"), D("-1")):
            found = reports.mapping_lines(chart, code, balance)
            if kind == Account.Type.OFF_BALANCE:
                assert found == (), f"{chart} {code}: off-balance lands on {found}"
                continue
            assert len(found) == 1, f"{chart} {code} ({balance}): {[f.code for f in found]}"
            expected = "income_statement" if kind in ("revenue", "expense") else "balance_sheet"
            assert found[0].statement == expected, f"{chart} {code} lands on {found[0].code}"


@pytest.mark.parametrize("chart", ["fr_pcg", "ro_pcg", "generic"])
def test_each_balance_sheet_has_one_line_for_the_result(chart: str) -> None:
    rows = reports.statement_mapping(chart, "balance_sheet")
    assert len({r.code for r in rows if r.result}) == 1


@pytest.mark.parametrize(
    ("chart", "code", "balance", "expected"),
    [
        ("fr_pcg", "512", D("1"), "CF"),
        ("fr_pcg", "512", D("-1"), "DU"),
        ("fr_pcg", "411", D("1"), "BX"),
        ("fr_pcg", "411", D("-1"), "DW"),
        ("fr_pcg", "491", D("-1"), "BX"),
        ("fr_pcg", "401", D("-1"), "DX"),
        ("fr_pcg", "4091", D("1"), "BV"),
        ("fr_pcg", "44571", D("-1"), "DY"),
        ("fr_pcg", "44566", D("1"), "BZ"),
        ("fr_pcg", "28183", D("-1"), "AR"),
        ("fr_pcg", "120", D("-1"), "DI"),
        ("fr_pcg", "707", D("-1"), "FC"),
        ("fr_pcg", "6611", D("1"), "GR"),
        ("fr_pcg", "695", D("1"), "HK"),
        ("ro_pcg", "5121", D("1"), "B.IV"),
        ("ro_pcg", "5191", D("-1"), "D.2"),
        ("ro_pcg", "4427", D("-1"), "D.8"),
        ("ro_pcg", "4111", D("1"), "B.II"),
        ("ro_pcg", "2813", D("-1"), "A.II"),
        ("ro_pcg", "121", D("-1"), "J.VI"),
        ("ro_pcg", "7814", D("-1"), "29"),
        ("ro_pcg", "691", D("1"), "63"),
    ],
)
def test_accounts_land_where_an_accountant_expects_them(
    chart: str, code: str, balance: Decimal, expected: str
) -> None:
    found = reports.mapping_line(chart, code, balance)
    assert found is not None and found.code == expected


# --------------------------------------------------------------------------- properties

amounts = st.integers(min_value=1, max_value=500_000).map(lambda cents: D(cents) / 100)
ACCOUNTS = ["512", "411", "401", "607", "706", "44571", "44566", "641", "421", "101", "2183"]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    postings=st.lists(
        st.tuples(
            st.sampled_from(ACCOUNTS),
            st.sampled_from(ACCOUNTS),
            amounts,
            st.integers(min_value=1, max_value=12),
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_after_any_postings_and_reversals_the_books_hold(
    books: Company, accountant: Any, postings: list[tuple[str, str, Decimal, int, bool]]
) -> None:
    for debit, credit, amount, month, reverse in postings:
        if debit == credit:
            continue
        posted = entry(
            accountant,
            books,
            "OD",
            dt.date(2026, month, 10),
            (debit, amount, 0),
            (credit, 0, amount),
        )
        if reverse:
            services.entry_reverse(actor=accountant, company=books, entry=posted)
    last = period(books, "2026-12").pk
    tb = reports.trial_balance(company=books, period_to_id=last)
    assert tb.totals.balanced
    bs = reports.balance_sheet(company=books, period_id=last)
    assert bs.balanced
    pl = reports.income_statement(company=books, period_to_id=last)
    assert pl.result == bs.result


def test_the_ledger_of_a_range_of_accounts_takes_their_sub_accounts(fr: Books) -> None:
    entry(fr.actor, fr.company, "BQ", dt.date(2026, 2, 20), ("5121", 300, 0), ("512", 0, 300))
    gl = reports.general_ledger(company=fr.company, account="411", account_to="512", date_from=JAN)
    assert [a.code for a in gl.accounts] == ["411", "421", "44566", "44571", "512", "5121"]

    with pytest.raises(ValidationFailed) as refused:
        reports.general_ledger(company=fr.company, account="512", account_to="411")
    assert refused.value.fields.keys() == {"account_to"}
