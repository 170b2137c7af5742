"""Atelier Dupont SAS keeps its 2026 books: a quarter of activity, its CA3 returns and their
settlement, a mistake reversed, months closed, then the year-end close and the 2027 opening."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from comptoir.back.ledger import closing, services, vat
from comptoir.back.ledger.domain import LineDraft
from comptoir.back.ledger.models import Account, Entry, FiscalYear, Line
from comptoir.core.companies.models import Company
from comptoir.core.kernel.errors import Conflict
from comptoir.core.parties.services import party_create

D = Decimal


def line(account: str, debit: str = "0", credit: str = "0", **extra: Any) -> LineDraft:
    return LineDraft(account=account, debit=D(debit), credit=D(credit), **extra)


class Books:
    """What Atelier Dupont's accountant does, in the words of the trade."""

    def __init__(self, company: Company, accountant: Any) -> None:
        self.company = company
        self.accountant = accountant
        self.customer = party_create(
            actor=accountant, company=company, name="Boulangerie Martin", is_customer=True
        )
        self.supplier = party_create(
            actor=accountant, company=company, name="Bois du Jura SARL", is_supplier=True
        )
        self.german_supplier = party_create(
            actor=accountant, company=company, name="Holz GmbH", is_supplier=True, country="DE"
        )

    def post(self, journal: str, date: dt.date, *lines: LineDraft, label: str = "") -> Entry:
        return services.entry_create(
            actor=self.accountant,
            company=self.company,
            journal=journal,
            date=date,
            lines=list(lines),
            label=label,
            post=True,
        )

    def invoice(self, date: dt.date, base: str, rate_tax: str, vat_amount: str) -> Entry:
        total = str(D(base) + D(vat_amount))
        return self.post(
            "VE",
            date,
            line("411", debit=total, party=self.customer.pk),
            line("706", credit=base, tax=rate_tax, tax_role="base"),
            line("44571", credit=vat_amount, tax=rate_tax, tax_role="tax"),
            label="Facture",
        )

    def supplier_bill(self, date: dt.date, base: str, vat_amount: str) -> Entry:
        total = str(D(base) + D(vat_amount))
        return self.post(
            "AC",
            date,
            line("601", debit=base, tax="fr-vat-20-purchase", tax_role="base"),
            line("44566", debit=vat_amount, tax="fr-vat-20-purchase", tax_role="tax"),
            line("401", credit=total, party=self.supplier.pk),
            label="Facture fournisseur",
        )

    def intra_eu_acquisition(self, date: dt.date, base: str) -> Entry:
        due = str(D(base) / 5)
        return self.post(
            "AC",
            date,
            line("601", debit=base, tax="fr-vat-20-intra-goods", tax_role="base"),
            line("445662", debit=due, tax="fr-vat-20-intra-goods", tax_role="deductible"),
            line("4452", credit=due, tax="fr-vat-20-intra-goods", tax_role="tax"),
            line("401", credit=base, party=self.german_supplier.pk),
            label="Acquisition intracommunautaire",
        )

    def vat_return(self, start: dt.date, end: dt.date) -> Any:
        draft = vat.vat_return_create(
            actor=self.accountant, company=self.company, start=start, end=end
        )
        return vat.vat_return_post(actor=self.accountant, company=self.company, vat_return=draft)

    def balance(self, code: str, start: dt.date, end: dt.date) -> Decimal:
        totals = Line.objects.filter(
            company=self.company, account__code=code, posted=True, date__gte=start, date__lte=end
        ).aggregate(d=Sum("debit"), c=Sum("credit"))
        return (totals["d"] or D(0)) - (totals["c"] or D(0))

    def balances(self, year: FiscalYear) -> dict[str, Decimal]:
        rows = (
            Line.objects.filter(
                company=self.company, posted=True, date__gte=year.start, date__lte=year.end
            )
            .values("account__code")
            .annotate(d=Sum("debit"), c=Sum("credit"))
        )
        return {r["account__code"]: r["d"] - r["c"] for r in rows if r["d"] != r["c"]}


JAN_1, JAN_31 = dt.date(2026, 1, 1), dt.date(2026, 1, 31)
FEB_1, FEB_28 = dt.date(2026, 2, 1), dt.date(2026, 2, 28)
MAR_1, MAR_31 = dt.date(2026, 3, 1), dt.date(2026, 3, 31)


@pytest.fixture
def dupont(books: Company, accountant: Any) -> Books:
    return Books(books, accountant)


def test_a_quarter_then_the_year_end(dupont: Books) -> None:
    # The partners pay in the capital.
    dupont.post("BQ", dt.date(2026, 1, 2), line("512", debit="20000"), line("101", credit="20000"))

    # January: furniture at 20 %, a book at 5.5 %, wood bought in France and in Germany.
    dupont.invoice(dt.date(2026, 1, 8), "3000.00", "fr-vat-20-sale", "600.00")
    dupont.invoice(dt.date(2026, 1, 15), "100.00", "fr-vat-5-5-sale", "5.50")
    dupont.supplier_bill(dt.date(2026, 1, 10), "1000.00", "200.00")
    dupont.intra_eu_acquisition(dt.date(2026, 1, 20), "2000.00")
    # A bill booked twice by mistake, and reversed: it counts for nothing.
    twice = dupont.supplier_bill(dt.date(2026, 1, 11), "1000.00", "200.00")
    reversal = services.entry_reverse(actor=dupont.accountant, company=dupont.company, entry=twice)
    assert reversal.reversal_of == twice
    assert sum(ln.debit - ln.credit for ln in reversal.lines.all()) == 0

    january = dupont.vat_return(JAN_1, JAN_31)
    assert january.boxes["A1"] == "3100.00"  # sales made in France
    assert january.boxes["B2"] == "2000.00"  # goods acquired in the EU
    assert january.boxes["08b"] == "5000.00" and january.boxes["08t"] == "1000.00"
    assert january.boxes["09b"] == "100.00" and january.boxes["09t"] == "5.50"
    assert january.boxes["16"] == "1005.50" and january.boxes["17"] == "400.00"
    assert january.boxes["20"] == "600.00"  # the French bill and the reverse charge
    assert january.boxes["28"] == "405.50" and january.net_due == D("405.50")
    for code in ("44571", "4452", "44566", "445662"):
        assert dupont.balance(code, JAN_1, JAN_31) == 0, code
    assert dupont.balance("44551", JAN_1, JAN_31) == D("-405.50")

    # The VAT is paid in February; January is closed and takes no more posting.
    dupont.post(
        "BQ", dt.date(2026, 2, 15), line("44551", debit="405.50"), line("512", credit="405.50")
    )
    closing.period_close(
        actor=dupont.accountant,
        company=dupont.company,
        period=services.period_for(dupont.company, JAN_1),
    )
    with pytest.raises(Conflict) as refused:
        dupont.invoice(dt.date(2026, 1, 30), "10.00", "fr-vat-20-sale", "2.00")
    assert refused.value.code == "period_locked"

    # February: a big purchase and no sale, a VAT credit carried forward.
    dupont.supplier_bill(dt.date(2026, 2, 3), "5000.00", "1000.00")
    february = dupont.vat_return(FEB_1, FEB_28)
    assert february.boxes["25"] == "1000.00" and february.boxes["27"] == "1000.00"
    assert february.credit_carried == D("1000.00") and february.net_due == 0
    assert dupont.balance("44567", FEB_1, FEB_28) == D("1000.00")

    # March: the credit is used against the VAT collected.
    dupont.invoice(dt.date(2026, 3, 9), "4000.00", "fr-vat-20-sale", "800.00")
    march = dupont.vat_return(MAR_1, MAR_31)
    assert march.boxes["22"] == "1000.00" and march.boxes["27"] == "200.00"
    assert march.boxes["28"] == "0" and march.credit_carried == D("200.00")
    assert dupont.balance("44567", FEB_1, MAR_31) == D("200.00")

    # December: salaries, then the year-end close.
    dupont.post(
        "OD",
        dt.date(2026, 12, 31),
        line("641", debit="2500"),
        line("645", debit="1000"),
        line("421", credit="2500"),
        line("431", credit="1000"),
        label="Salaires de décembre",
    )
    year = FiscalYear.objects.get(company=dupont.company, name="2026")
    closing_balances = dupont.balances(year)
    revenue = -sum(v for k, v in closing_balances.items() if k.startswith("7"))
    expenses = sum(v for k, v in closing_balances.items() if k.startswith("6"))
    assert (revenue, expenses) == (D("7100.00"), D("11500.00"))

    closed = closing.fiscal_year_close(
        actor=dupont.accountant, company=dupont.company, fiscal_year=year
    )
    after = dupont.balances(closed)
    assert after["129"] == D("4400.00")  # a loss, left on 129 until the shareholders decide
    income_statement = Account.objects.filter(
        company=dupont.company, type__in=("revenue", "expense")
    ).values_list("code", flat=True)
    assert not set(after) & set(income_statement)

    year_2027 = FiscalYear.objects.get(company=dupont.company, name="2027")
    assert dupont.balances(year_2027) == after  # the new year opens where the old one ended
    opening = closing.opening_entry_of(company=dupont.company, fiscal_year=closed)
    assert (
        opening is not None
        and opening.journal.code == "AN"
        and opening.number.startswith("AN-2027-")
    )
    by_party = {
        (ln.account.code, ln.party_id): ln.credit - ln.debit
        for ln in opening.lines.select_related("account")
        if ln.account.code == "401"
    }
    assert by_party == {
        ("401", dupont.supplier.pk): D("7200.00"),
        ("401", dupont.german_supplier.pk): D("2000.00"),
    }
    # 2027 starts open for business.
    assert dupont.invoice(dt.date(2027, 1, 5), "100.00", "fr-vat-20-sale", "20.00").is_posted
