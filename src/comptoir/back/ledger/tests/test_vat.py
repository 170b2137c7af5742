"""The VAT return: its boxes from the posted tax lines, the drill-down, the settlement entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from comptoir.back.ledger import services, vat
from comptoir.back.ledger.domain import LineDraft
from comptoir.back.ledger.models import Entry, Line, VatReturn
from comptoir.back.ledger.vat import FormBox, evaluate_totals, parse_formula
from comptoir.core.companies.models import Company
from comptoir.core.kernel.errors import Conflict, NotFound, ValidationFailed

D = Decimal
JAN = (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
FEB = (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
MAR = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def line(account: str, debit: str = "0", credit: str = "0", tax: str = "", role: str = "") -> Any:
    return LineDraft(
        account=account, debit=D(debit), credit=D(credit), tax=tax or None, tax_role=role
    )


def book(actor: Any, company: Company, journal: str, date: dt.date, *lines: Any) -> Entry:
    return services.entry_create(
        actor=actor, company=company, journal=journal, date=date, lines=list(lines), post=True
    )


def balance(company: Company, code: str, start: dt.date, end: dt.date) -> Decimal:
    """Debit - credit of the account's posted lines between the dates."""
    totals = Line.objects.filter(
        company=company, account__code=code, posted=True, date__gte=start, date__lte=end
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or D(0)) - (totals["c"] or D(0))


def sell(
    actor: Any, company: Company, date: dt.date, base: str, vat_amount: str, tax: str
) -> Entry:
    total = str(D(base) + D(vat_amount))
    return book(
        actor,
        company,
        "VE",
        date,
        line("411", debit=total),
        line("706", credit=base, tax=tax, role="base"),
        line("44571", credit=vat_amount, tax=tax, role="tax"),
    )


def buy(actor: Any, company: Company, date: dt.date, base: str, vat_amount: str) -> Entry:
    total = str(D(base) + D(vat_amount))
    return book(
        actor,
        company,
        "AC",
        date,
        line("607", debit=base, tax="fr-vat-20-purchase", role="base"),
        line("44566", debit=vat_amount, tax="fr-vat-20-purchase", role="tax"),
        line("401", credit=total),
    )


# --------------------------------------------------------------------------- the formulas


def test_a_formula_adds_and_subtracts_boxes() -> None:
    assert parse_formula("08b_fr+09b - 9Bb") == [(1, "08b_fr"), (1, "09b"), (-1, "9Bb")]
    assert parse_formula("-22") == [(-1, "22")]


@pytest.mark.parametrize("formula", ["", "08 09", "08+", "08*2", "(08)"])
def test_anything_else_is_not_a_formula(formula: str) -> None:
    with pytest.raises(ValueError, match=r"formula|box|empty"):
        layout = (FormBox("08", "", "base"), FormBox("T", "", "total", formula))
        evaluate_totals(layout, {})


def test_totals_use_totals_and_a_difference_is_never_negative() -> None:
    layout = (
        FormBox("16", "due", "base"),
        FormBox("23", "deductible", "total", "20+22"),
        FormBox("20", "deductible", "base"),
        FormBox("22", "carried", "carry"),
        FormBox("25", "credit", "total", "23-16"),
        FormBox("28", "net due", "total", "16-23"),
    )
    boxes = evaluate_totals(layout, {"16": D("100"), "20": D("30"), "22": D("20")})
    assert boxes == {"16": D(100), "20": D(30), "22": D(20), "23": D(50), "25": D(0), "28": D(50)}


def test_a_total_that_depends_on_itself_is_a_mistake_in_the_layout() -> None:
    layout = (
        FormBox("A", "", "total", "B"),
        FormBox("B", "", "total", "A+C"),
        FormBox("C", "", "base"),
    )
    with pytest.raises(ValueError, match="itself"):
        evaluate_totals(layout, {})


@pytest.mark.parametrize("form", ["ca3", "d300"])
def test_the_shipped_layouts_read_and_add_up(form: str) -> None:
    layout = vat.form_layout(form)
    assert len(layout) > 20
    assert {b.kind for b in layout} == {"base", "tax", "total", "carry"}


# --------------------------------------------------------------------------- the return


@pytest.fixture
def january(books: Company, accountant: Any) -> Company:
    """A French month: sales at 20 % and 5.5 %, a purchase at 20 %, an intra-EU acquisition."""
    sell(accountant, books, dt.date(2026, 1, 5), "1000.00", "200.00", "fr-vat-20-sale")
    sell(accountant, books, dt.date(2026, 1, 12), "200.00", "11.00", "fr-vat-5-5-sale")
    buy(accountant, books, dt.date(2026, 1, 15), "500.00", "100.00")
    book(
        accountant,
        books,
        "AC",
        dt.date(2026, 1, 20),
        line("607", debit="1000.00", tax="fr-vat-20-intra-goods", role="base"),
        line("445662", debit="200.00", tax="fr-vat-20-intra-goods", role="deductible"),
        line("4452", credit="200.00", tax="fr-vat-20-intra-goods", role="tax"),
        line("401", credit="1000.00"),
    )
    return books


def test_the_ca3_of_a_month_adds_up_every_box(january: Company, accountant: Any) -> None:
    result = vat.vat_return_compute(company=january, start=JAN[0], end=JAN[1])
    boxes = result.amounts
    assert boxes["08b"] == D("2000.00")  # French sales and intra-EU acquisition at 20 %
    assert boxes["08t"] == D("400.00")
    assert boxes["09b"] == D("200.00") and boxes["09t"] == D("11.00")
    assert boxes["A1"] == D("1200.00")  # sales made in France
    assert boxes["B2"] == D("1000.00")  # intra-EU acquisitions
    assert boxes["16"] == D("411.00")  # VAT due
    assert boxes["17"] == D("200.00")  # of which intra-EU
    assert boxes["20"] == D("300.00")  # deductible: the purchase and the reverse charge
    assert boxes["23"] == D("300.00")
    assert boxes["28"] == D("111.00") and boxes["32"] == D("111.00")
    assert boxes["25"] == boxes["27"] == D("0")
    assert result.net_due == D("111.00") and result.credit_carried == D("0")


def test_a_line_outside_the_dates_or_a_draft_is_not_counted(
    january: Company, accountant: Any
) -> None:
    sell(accountant, january, dt.date(2026, 2, 1), "50.00", "10.00", "fr-vat-20-sale")
    services.entry_create(
        actor=accountant,
        company=january,
        journal="VE",
        date=dt.date(2026, 1, 30),
        lines=[
            line("411", debit="120"),
            line("706", credit="100", tax="fr-vat-20-sale", role="base"),
            line("44571", credit="20", tax="fr-vat-20-sale", role="tax"),
        ],
    )
    result = vat.vat_return_compute(company=january, start=JAN[0], end=JAN[1])
    assert result.amounts["08t_fr"] == D("200.00")


def test_a_credit_note_lowers_the_box_of_the_sale(january: Company, accountant: Any) -> None:
    book(
        accountant,
        january,
        "VE",
        dt.date(2026, 1, 28),
        line("706", debit="100.00", tax="fr-vat-20-sale", role="base"),
        line("44571", debit="20.00", tax="fr-vat-20-sale", role="tax"),
        line("411", credit="120.00"),
    )
    result = vat.vat_return_compute(company=january, start=JAN[0], end=JAN[1])
    assert result.amounts["08b_fr"] == D("900.00")
    assert result.amounts["08t_fr"] == D("180.00")


def test_each_box_drills_down_to_its_lines(january: Company, accountant: Any) -> None:
    vr = vat.vat_return_create(actor=accountant, company=january, start=JAN[0], end=JAN[1])
    sale_tax = vat.vat_return_box_lines(company=january, vat_return=vr, box="08t_fr")
    assert [(ln.account.code, ln.credit) for ln in sale_tax] == [("44571", D("200.00"))]
    deductible = vat.vat_return_box_lines(company=january, vat_return=vr, box="20")
    assert sorted(ln.account.code for ln in deductible) == ["44566", "445662"]
    line_08 = vat.vat_return_box_lines(company=january, vat_return=vr, box="08t")
    assert sorted(ln.account.code for ln in line_08) == ["4452", "44571"]
    computed = vat.vat_return_compute(company=january, start=JAN[0], end=JAN[1])
    assert sorted(computed.lines["20"]) == sorted(ln.pk for ln in deductible)
    with pytest.raises(NotFound):
        vat.vat_return_box_lines(company=january, vat_return=vr, box="99")


def test_posting_the_return_settles_the_vat_accounts_into_vat_payable(
    january: Company, accountant: Any
) -> None:
    vr = vat.vat_return_create(actor=accountant, company=january, start=JAN[0], end=JAN[1])
    assert vr.state == "draft" and vr.boxes["28"] == "111.00"
    vr = vat.vat_return_post(actor=accountant, company=january, vat_return=vr)
    assert vr.state == "posted" and vr.net_due == D("111.00") and vr.credit_carried == 0
    entry = vr.settlement_entry
    assert entry is not None and entry.is_posted
    assert entry.journal.code == "OD" and entry.date == JAN[1] and entry.source == "vat"
    for code in ("44571", "4452", "44566", "445662"):
        assert balance(january, code, *JAN) == 0, code
    assert balance(january, "44551", *JAN) == D("-111.00")  # owed to the Treasury


def test_a_vat_credit_is_carried_into_the_next_return(january: Company, accountant: Any) -> None:
    vat.vat_return_post(
        actor=accountant,
        company=january,
        vat_return=vat.vat_return_create(
            actor=accountant, company=january, start=JAN[0], end=JAN[1]
        ),
    )
    buy(accountant, january, dt.date(2026, 2, 10), "1000.00", "200.00")  # no sale in February
    february = vat.vat_return_create(actor=accountant, company=january, start=FEB[0], end=FEB[1])
    assert february.boxes["25"] == "200.00" and february.boxes["27"] == "200.00"
    assert february.boxes["28"] == "0"
    february = vat.vat_return_post(actor=accountant, company=january, vat_return=february)
    assert february.credit_carried == D("200.00") and february.net_due == 0
    assert balance(january, "44567", *FEB) == D("200.00")
    assert balance(january, "44566", *FEB) == 0

    sell(accountant, january, dt.date(2026, 3, 3), "500.00", "100.00", "fr-vat-20-sale")
    march = vat.vat_return_create(actor=accountant, company=january, start=MAR[0], end=MAR[1])
    assert march.boxes["22"] == "200.00"  # the credit of line 27 in February
    assert march.boxes["16"] == "100.00" and march.boxes["23"] == "200.00"
    assert march.boxes["27"] == "100.00" and march.boxes["28"] == "0"
    march = vat.vat_return_post(actor=accountant, company=january, vat_return=march)
    assert (march.credit_used, march.credit_carried, march.net_due) == (D(200), D(100), D(0))
    assert balance(january, "44567", FEB[0], MAR[1]) == D("100.00")
    assert balance(january, "44571", *MAR) == 0


def test_a_return_with_nothing_to_settle_posts_no_entry(books: Company, accountant: Any) -> None:
    vr = vat.vat_return_create(actor=accountant, company=books, start=JAN[0], end=JAN[1])
    vr = vat.vat_return_post(actor=accountant, company=books, vat_return=vr)
    assert vr.state == "posted" and vr.settlement_entry is None and vr.net_due == 0


def test_a_posted_return_cannot_change(january: Company, accountant: Any) -> None:
    vr = vat.vat_return_create(actor=accountant, company=january, start=JAN[0], end=JAN[1])
    vat.vat_return_post(actor=accountant, company=january, vat_return=vr)
    for command in (vat.vat_return_post, vat.vat_return_refresh, vat.vat_return_delete):
        with pytest.raises(Conflict) as refused:
            command(actor=accountant, company=january, vat_return=vr)
        assert refused.value.code == "vat_return_posted"


def test_a_draft_is_computed_again_with_what_was_posted_since(
    january: Company, accountant: Any
) -> None:
    vr = vat.vat_return_create(actor=accountant, company=january, start=JAN[0], end=JAN[1])
    sell(accountant, january, dt.date(2026, 1, 31), "100.00", "20.00", "fr-vat-20-sale")
    vr = vat.vat_return_refresh(actor=accountant, company=january, vat_return=vr)
    assert vr.boxes["08t_fr"] == "220.00" and vr.net_due == D("131.00")


def test_a_return_over_dates_without_a_fiscal_year_is_refused(
    books: Company, accountant: Any
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        vat.vat_return_create(
            actor=accountant, company=books, start=dt.date(2025, 12, 1), end=dt.date(2025, 12, 31)
        )
    assert refused.value.code == "no_fiscal_year" and "start" in refused.value.fields


def test_returns_do_not_overlap(january: Company, accountant: Any) -> None:
    vr = vat.vat_return_create(actor=accountant, company=january, start=JAN[0], end=JAN[1])
    vat.vat_return_post(actor=accountant, company=january, vat_return=vr)
    with pytest.raises(Conflict) as refused:
        vat.vat_return_create(
            actor=accountant, company=january, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)
        )
    assert refused.value.code == "vat_return_overlap"


def test_returns_are_posted_in_order(january: Company, accountant: Any) -> None:
    vat.vat_return_create(actor=accountant, company=january, start=JAN[0], end=JAN[1])
    february = vat.vat_return_create(actor=accountant, company=january, start=FEB[0], end=FEB[1])
    with pytest.raises(Conflict) as refused:
        vat.vat_return_post(actor=accountant, company=january, vat_return=february)
    assert refused.value.code == "vat_return_order"


def test_a_settlement_into_a_closed_period_is_refused(january: Company, accountant: Any) -> None:
    from comptoir.back.ledger import closing

    vr = vat.vat_return_create(actor=accountant, company=january, start=JAN[0], end=JAN[1])
    january_period = services.period_for(january, JAN[0])
    closing.period_close(actor=accountant, company=january, period=january_period)
    with pytest.raises(Conflict) as refused:
        vat.vat_return_post(actor=accountant, company=january, vat_return=vr)
    assert refused.value.code == "period_locked"
    vr.refresh_from_db()
    assert vr.state == "draft"


def test_another_company_does_not_see_the_return(
    january: Company, books_ro: Company, accountant: Any
) -> None:
    vr = vat.vat_return_create(actor=accountant, company=january, start=JAN[0], end=JAN[1])
    with pytest.raises(NotFound):
        vat.vat_return_get(company=books_ro, vat_return_id=vr.pk)
    with pytest.raises(NotFound):
        vat.vat_return_post(actor=accountant, company=books_ro, vat_return=vr)
    assert VatReturn.objects.get(pk=vr.pk).state == "draft"


def test_vat_booked_without_its_tax_shows_as_a_mismatch(january: Company, accountant: Any) -> None:
    book(
        accountant,
        january,
        "OD",
        dt.date(2026, 1, 31),
        line("471", debit="5"),
        line("44571", credit="5"),
    )
    vr = vat.vat_return_create(actor=accountant, company=january, start=JAN[0], end=JAN[1])
    assert vr.net_due == D("116.00")  # the settlement follows the accounts
    assert vat.vat_return_mismatch(vr) == D("-5.00")
