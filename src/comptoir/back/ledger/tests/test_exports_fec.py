"""The FEC: what the French tax administration receives from Atelier Dupont's books."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.back.ledger import services
from comptoir.back.ledger.domain import LineDraft
from comptoir.back.ledger.exports import FEC_COLUMNS, fec_export
from comptoir.back.ledger.models import Entry, FiscalYear, Line
from comptoir.core.companies.models import Company
from comptoir.core.kernel.errors import ValidationFailed
from comptoir.core.parties import services as parties

pytestmark = pytest.mark.django_db

OFFICIAL_ORDER = (
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|"
    "CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|"
    "Montantdevise|Idevise"
)


def read_fec(content: bytes) -> list[dict[str, str]]:
    text = content.decode("utf-8")
    records = text.split("\r\n")
    header = records[0].split("\t")
    assert header == list(FEC_COLUMNS)
    rows = [record.split("\t") for record in records[1:]]
    assert all(len(row) == 18 for row in rows), "every record has the 18 fields"
    return [dict(zip(header, row, strict=True)) for row in rows]


def amount(text: str) -> Decimal:
    assert "." not in text and " " not in text, f"{text!r}: comma decimals, no thousands"
    return Decimal(text.replace(",", "."))


@pytest.fixture
def month_of_sales(books: Company, accountant: Any, post: Callable[..., Entry]) -> dict[str, Any]:
    """January 2026: a French sale to a customer, a purchase in dollars, a bank receipt."""
    client = parties.party_create(
        actor=accountant, company=books, name="Café Élysée SARL", is_customer=True
    )
    supplier = parties.party_create(
        actor=accountant, company=books, name="Acme Inc.", is_supplier=True, country="US"
    )
    sale = services.entry_create(
        actor=accountant,
        company=books,
        journal="VE",
        date=dt.date(2026, 1, 15),
        ref="FAC-2026-0001",
        label="Facture Café Élysée",
        lines=[
            LineDraft(account="411", debit=Decimal("14814.82"), party=client.pk),
            LineDraft(account="706", credit=Decimal("12345.68"), label="Prestations\tjanvier"),
            LineDraft(account="44571", credit=Decimal("2469.14"), label="TVA collectée 20 %"),
        ],
        post=True,
    )
    purchase = services.entry_create(
        actor=accountant,
        company=books,
        journal="AC",
        date=dt.date(2026, 1, 20),
        label="Licence Acme",
        lines=[
            LineDraft(account="607", debit=Decimal("920.00")),
            LineDraft(
                account="401",
                credit=Decimal("920.00"),
                party=supplier.pk,
                currency="USD",
                amount_currency=Decimal("-1000.00"),
            ),
        ],
        post=True,
    )
    receipt = post(
        books,
        "BQ",
        dt.date(2026, 1, 31),
        ("512", "14814.82", 0),
        ("411", 0, "14814.82"),
        label="Virement Café Élysée",
    )
    return {
        "client": client,
        "supplier": supplier,
        "sale": sale,
        "purchase": purchase,
        "receipt": receipt,
    }


def test_the_fec_is_named_after_the_siren_and_the_closing_date(
    books: Company, month_of_sales: dict[str, Any]
) -> None:
    name, _content = fec_export(books, 2026)
    assert name == "303265045FEC20261231.txt"
    books.national_id = "303 265 045 00012"  # a SIRET: the SIREN is its first nine digits
    books.save()
    assert fec_export(books, 2026)[0] == "303265045FEC20261231.txt"


def test_the_fec_has_the_official_header_and_one_record_per_posted_line(
    books: Company, month_of_sales: dict[str, Any], accountant: Any
) -> None:
    services.entry_create(  # a draft is not in the books yet
        actor=accountant,
        company=books,
        journal="OD",
        date=dt.date(2026, 1, 31),
        lines=[LineDraft(account="512", debit=Decimal(1)), LineDraft("758", credit=Decimal(1))],
    )
    _name, content = fec_export(books, 2026)
    assert content.decode().split("\r\n")[0] == OFFICIAL_ORDER.replace("|", "\t")
    assert not content.endswith(b"\r\n"), "no empty record at the end"
    rows = read_fec(content)
    assert len(rows) == Line.objects.filter(company=books, posted=True).count() == 7


def test_the_sale_reads_as_the_administration_expects(
    books: Company, month_of_sales: dict[str, Any]
) -> None:
    rows = read_fec(fec_export(books, 2026)[1])
    sale = month_of_sales["sale"]
    client = month_of_sales["client"]
    first = rows[0]
    assert first["JournalCode"] == "VE"
    assert first["JournalLib"] == "Ventes"
    assert first["EcritureNum"] == sale.number == "VE-2026-000001"
    assert first["EcritureDate"] == first["PieceDate"] == "20260115"
    assert first["ValidDate"] == f"{timezone.localdate():%Y%m%d}"
    assert first["CompteNum"] == "411"
    assert first["CompteLib"]
    assert first["CompAuxNum"] == f"C{client.pk:06d}"
    assert first["CompAuxLib"] == "Café Élysée SARL"
    assert first["PieceRef"] == "FAC-2026-0001"
    assert first["EcritureLib"] == "Facture Café Élysée"
    assert first["Debit"] == "14814,82"
    assert first["Credit"] == "0,00"
    assert first["Montantdevise"] == first["Idevise"] == ""
    revenue = rows[1]
    assert revenue["CompteNum"] == "706"
    assert revenue["CompAuxNum"] == revenue["CompAuxLib"] == ""
    assert revenue["EcritureLib"] == "Prestations janvier", "a tab in a label becomes a space"
    assert revenue["Credit"] == "12345,68", "no thousands separator"


def test_a_foreign_currency_line_carries_its_amount_and_currency(
    books: Company, month_of_sales: dict[str, Any]
) -> None:
    rows = read_fec(fec_export(books, 2026)[1])
    supplier = month_of_sales["supplier"]
    payable = next(r for r in rows if r["CompteNum"] == "401")
    assert payable["Montantdevise"] == "1000,00"
    assert payable["Idevise"] == "USD"
    assert payable["CompAuxNum"] == f"F{supplier.pk:06d}"
    assert payable["PieceRef"] == month_of_sales["purchase"].number, "no ref: the entry number"
    expense = next(r for r in rows if r["CompteNum"] == "607")
    assert expense["Montantdevise"] == expense["Idevise"] == ""


def test_debits_equal_credits_and_numbers_follow_in_each_journal(
    books: Company, month_of_sales: dict[str, Any], post: Callable[..., Entry], accountant: Any
) -> None:
    post(books, "VE", dt.date(2026, 1, 10), ("411", "120", 0), ("706", 0, "120"))
    services.entry_reverse(actor=accountant, company=books, entry=month_of_sales["sale"])
    rows = read_fec(fec_export(books, 2026)[1])
    assert sum(amount(r["Debit"]) for r in rows) == sum(amount(r["Credit"]) for r in rows)
    numbers: dict[str, list[str]] = {}
    for row in rows:
        seen = numbers.setdefault(row["JournalCode"], [])
        if not seen or seen[-1] != row["EcritureNum"]:
            seen.append(row["EcritureNum"])
    # In the order of validation, whatever the entry dates: VE 1 (15 Jan), 2 (10 Jan), 3.
    assert numbers["VE"] == ["VE-2026-000001", "VE-2026-000002", "VE-2026-000003"]
    assert numbers["AC"] == ["AC-2026-000001"]


def test_opening_entries_come_first_and_the_closing_entry_stays_out(
    books: Company, post: Callable[..., Entry]
) -> None:
    sale = post(books, "VE", dt.date(2026, 3, 1), ("411", "600", 0), ("706", 0, "600"))
    opening = post(books, "AN", dt.date(2026, 1, 1), ("512", "1000", 0), ("101", 0, "1000"))
    result = post(books, "OD", dt.date(2026, 12, 31), ("706", "600", 0), ("120", 0, "600"))
    FiscalYear.objects.filter(company=books, name="2026").update(closing_entry=result)
    rows = read_fec(fec_export(books, 2026)[1])
    assert [r["EcritureNum"] for r in rows] == [opening.number] * 2 + [sale.number] * 2


def test_only_the_lines_of_the_fiscal_year_asked(
    books: Company, post: Callable[..., Entry], accountant: Any
) -> None:
    services.fiscal_year_create(actor=accountant, company=books, year=2027)
    post(books, "VE", dt.date(2026, 6, 1), ("411", "10", 0), ("706", 0, "10"))
    post(books, "VE", dt.date(2027, 6, 1), ("411", "20", 0), ("706", 0, "20"))
    name, content = fec_export(books, 2027)
    assert name.endswith("FEC20271231.txt")
    rows = read_fec(content)
    assert [r["Debit"] for r in rows] == ["20,00", "0,00"]
    assert rows[0]["EcritureNum"] == "VE-2027-000001"


def test_a_romanian_company_has_no_fec(books_ro: Company) -> None:
    with pytest.raises(ValidationFailed) as refused:
        fec_export(books_ro, 2026)
    assert refused.value.code == "fec_not_french"
    assert "company" in refused.value.fields


def test_a_company_without_siren_has_no_fec(books: Company) -> None:
    books.national_id = ""
    books.save()
    with pytest.raises(ValidationFailed) as refused:
        fec_export(books, 2026)
    assert refused.value.code == "fec_no_siren"
    assert "national_id" in refused.value.fields


def test_a_year_without_books_is_refused(books: Company, company_ro: Company) -> None:
    with pytest.raises(ValidationFailed) as refused:
        fec_export(books, 2019)
    assert refused.value.code == "fiscal_year_unknown"
    assert "fiscal_year" in refused.value.fields
    other = FiscalYear.objects.create(
        company=company_ro, name="2026", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    with pytest.raises(ValidationFailed):
        fec_export(books, other)


def test_the_iso_8859_15_variant_is_the_same_file_in_another_character_set(
    books: Company, month_of_sales: dict[str, Any]
) -> None:
    _name, utf8 = fec_export(books, 2026)
    _name, latin9 = fec_export(books, 2026, encoding="ISO-8859-15")
    assert latin9.decode("iso-8859-15") == utf8.decode("utf-8")


# --------------------------------------------------------------------------- property

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
DEBIT_ACCOUNTS = ("411", "512", "607", "44566")
CREDIT_ACCOUNTS = ("706", "401", "44571", "512")


@st.composite
def balanced_entries(draw: Any) -> tuple[str, list[LineDraft], bool]:
    debits = draw(st.lists(st.tuples(st.sampled_from(DEBIT_ACCOUNTS), amounts), min_size=1))
    credits = draw(st.lists(st.tuples(st.sampled_from(CREDIT_ACCOUNTS), amounts), max_size=3))
    total = sum((a for _c, a in debits), Decimal(0)) - sum((a for _c, a in credits), Decimal(0))
    lines = [LineDraft(account=c, debit=a) for c, a in debits]
    lines += [LineDraft(account=c, credit=a) for c, a in credits]
    if total > 0:
        lines.append(LineDraft(account="706", credit=total))
    elif total < 0:
        lines.append(LineDraft(account="512", debit=-total))
    else:
        lines.append(LineDraft(account="706", credit=Decimal(0)))
    return draw(st.sampled_from(("VE", "AC", "BQ", "OD"))), lines, draw(st.booleans())


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(entries=st.lists(balanced_entries(), min_size=1, max_size=4))
def test_property_the_fec_balances_and_holds_every_posted_line(
    books: Company, accountant: Any, entries: list[tuple[str, list[LineDraft], bool]]
) -> None:
    for journal, lines, reverse in entries:
        entry = services.entry_create(
            actor=accountant,
            company=books,
            journal=journal,
            date=dt.date(2026, 5, 1),
            lines=lines,
            post=True,
        )
        if reverse:
            services.entry_reverse(actor=accountant, company=books, entry=entry)
    rows = read_fec(fec_export(books, 2026)[1])
    assert sum(amount(r["Debit"]) for r in rows) == sum(amount(r["Credit"]) for r in rows)
    assert len(rows) == Line.objects.filter(company=books, posted=True).count()


def test_after_the_year_end_close(
    books: Company, accountant: Any, post: Callable[..., Entry]
) -> None:
    """2026 closed: its FEC leaves the result entry out; 2027's opens with the carried balances."""
    from comptoir.back.ledger import closing
    from comptoir.back.ledger.integrity import ledger_verify

    post(
        books,
        "VE",
        dt.date(2026, 6, 1),
        ("411", "1200", 0),
        ("706", 0, "1000"),
        ("44571", 0, "200"),
    )
    post(books, "OD", dt.date(2026, 6, 30), ("6411", "400", 0), ("421", 0, "400"))
    year = FiscalYear.objects.get(company=books, name="2026")
    closing.fiscal_year_close(actor=accountant, company=books, fiscal_year=year)
    year.refresh_from_db()
    assert year.closing_entry is not None
    rows = read_fec(fec_export(books, 2026)[1])
    assert year.closing_entry.number not in {r["EcritureNum"] for r in rows}
    assert len(rows) == 5
    result = sum(
        amount(r["Credit"]) - amount(r["Debit"]) for r in rows if r["CompteNum"][0] in "67"
    )
    assert result == Decimal("600.00"), "classes 6 and 7 add up to the year's result"
    opening = read_fec(fec_export(books, 2027)[1])
    assert opening and {r["JournalCode"] for r in opening} == {"AN"}
    assert sum(amount(r["Debit"]) for r in opening) == sum(amount(r["Credit"]) for r in opening)
    assert ledger_verify(books).ok
