"""The Beancount file: a second bookkeeping program must agree with ours, to the cent.

``bean-check`` (shipped by the ``beancount`` package of the dev extra) reads
the export of a French and of a Romanian ledger, with accents in every name
and a line in a foreign currency, and finds nothing wrong; beancount's own
loader adds the postings up per account and gets our balances.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum

from comptoir.back.ledger import services
from comptoir.back.ledger.domain import LineDraft
from comptoir.back.ledger.exports import ascii_words, beancount_account, beancount_export
from comptoir.back.ledger.models import Account, Balance, Entry
from comptoir.core.companies.models import Company
from comptoir.core.kernel.errors import Conflict
from comptoir.core.parties import services as parties

pytestmark = pytest.mark.django_db

# beancount is in the dev extra: CI installs it, and these tests fail rather than skip without it.
from beancount import loader  # noqa: E402


def bean_check() -> str:
    found = Path(sys.executable).with_name("bean-check")
    return str(found) if found.exists() else (shutil.which("bean-check") or "bean-check")


def check(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "books.beancount"
    path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [bean_check(), str(path)], capture_output=True, text=True, timeout=120, check=False
    )


def beancount_balances(text: str) -> dict[str, Decimal]:
    """Per account, the sum of the postings, as beancount's loader reads them."""
    entries, errors, _options = loader.load_string(text)
    assert not errors, errors
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        for posting in getattr(entry, "postings", None) or ():
            totals[posting.account] += posting.units.number
    return dict(totals)


def our_balances(company: Company) -> dict[str, Decimal]:
    """Per account, debit - credit from the balances kept at posting (the trial balance)."""
    rows = (
        Balance.objects.filter(company=company)
        .values("account_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    accounts = Account.objects.in_bulk([r["account_id"] for r in rows])
    return {
        beancount_account(accounts[r["account_id"]], company.country): r["d"] - r["c"] for r in rows
    }


@pytest.fixture
def french_books(books: Company, accountant: Any, post: Callable[..., Entry]) -> Company:
    client = parties.party_create(actor=accountant, company=books, name='Café "Élysée" & Fils')
    supplier = parties.party_create(actor=accountant, company=books, name="Œuvres Müller GmbH")
    services.entry_create(
        actor=accountant,
        company=books,
        journal="VE",
        date=dt.date(2026, 1, 15),
        label="Facture n° 1 — prestations d'été",
        ref="FAC-1",
        lines=[
            LineDraft(account="411", debit=Decimal("1200.00"), party=client.pk),
            LineDraft(account="706", credit=Decimal("1000.00"), label="Conseil\\stratégie"),
            LineDraft(account="44571", credit=Decimal("200.00")),
        ],
        post=True,
    )
    services.entry_create(
        actor=accountant,
        company=books,
        journal="AC",
        date=dt.date(2026, 2, 3),
        label="Achat en francs suisses",
        lines=[
            LineDraft(account="607", debit=Decimal("1050.40")),
            LineDraft(
                account="401",
                credit=Decimal("1050.40"),
                party=supplier.pk,
                currency="CHF",
                amount_currency=Decimal("-980.00"),
            ),
        ],
        post=True,
    )
    paid = post(books, "BQ", dt.date(2026, 2, 10), ("512", "1200", 0), ("411", 0, "1200"))
    services.entry_reverse(actor=accountant, company=books, entry=paid)
    post(books, "OD", dt.date(2026, 3, 31), ("6411", "2500", 0), ("421", 0, "2500"))
    return books


@pytest.fixture
def romanian_books(books_ro: Company, make_user: Callable[..., Any]) -> Company:
    user = make_user("contabila", roles=("accountant",), companies=(books_ro,))
    client = parties.party_create(actor=user, company=books_ro, name="Fabrica de Pâine Brașov")

    def post(journal: str, date: dt.date, *spec: tuple[str, str, str], label: str = "") -> Entry:
        return services.entry_create(
            actor=user,
            company=books_ro,
            journal=journal,
            date=date,
            label=label,
            lines=[
                LineDraft(
                    account=a,
                    debit=Decimal(d),
                    credit=Decimal(c),
                    party=client.pk if a == "4111" else None,
                )
                for a, d, c in spec
            ],
            post=True,
        )

    post(
        "VE",
        dt.date(2026, 4, 2),
        ("4111", "2380", "0"),
        ("704", "0", "2000"),
        ("4427", "0", "380"),
        label="Factură servicii — Fabrica de Pâine",
    )
    post("BQ", dt.date(2026, 4, 20), ("5121", "2380", "0"), ("4111", "0", "2380"), label="Încasare")
    services.entry_create(
        actor=user,
        company=books_ro,
        journal="AC",
        date=dt.date(2026, 5, 5),
        label="Marfă în euro",
        lines=[
            LineDraft(account="371", debit=Decimal("4975.50")),
            LineDraft(
                account="401", credit=Decimal("4975.50"), currency="EUR", amount_currency=-1000
            ),
        ],
        post=True,
    )
    return books_ro


def test_bean_check_accepts_the_french_books(french_books: Company, tmp_path: Path) -> None:
    name, text = beancount_export(french_books)
    assert name == "dupont-all.beancount"
    assert 'option "operating_currency" "EUR"' in text
    assert 'option "title" "Atelier Dupont SAS"' in text
    result = check(text, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_bean_check_accepts_the_romanian_books(romanian_books: Company, tmp_path: Path) -> None:
    _name, text = beancount_export(romanian_books)
    assert 'option "operating_currency" "RON"' in text
    assert "Assets:RO:4111-Clienti " in text, "ț becomes t"
    result = check(text, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_beancount_balances_equal_our_trial_balance(
    french_books: Company, romanian_books: Company
) -> None:
    for company in (french_books, romanian_books):
        _name, text = beancount_export(company)
        theirs = beancount_balances(text)
        ours = our_balances(company)
        assert theirs == ours
        assert sum(ours.values()) == 0


def test_a_broken_balance_is_caught_by_bean_check(french_books: Company, tmp_path: Path) -> None:
    """The check can fail: the assertions are read, to the cent."""
    _name, text = beancount_export(french_books)
    tampered = text.replace(
        "balance Expenses:FR:607-Achats-de-marchandises  1050.40 ~ 0.00 EUR",
        "balance Expenses:FR:607-Achats-de-marchandises  1050.41 ~ 0.00 EUR",
    )
    assert tampered != text
    result = check(tampered, tmp_path)
    assert result.returncode != 0
    assert "Balance failed for 'Expenses:FR:607" in result.stdout + result.stderr


def test_each_entry_is_a_transaction_with_its_number_journal_and_hash(
    french_books: Company,
) -> None:
    _name, text = beancount_export(french_books)
    entries, errors, _options = loader.load_string(text)
    assert not errors
    transactions = [e for e in entries if type(e).__name__ == "Transaction"]
    posted = Entry.objects.filter(company=french_books, state="posted").order_by("posted_at")
    assert [t.meta["number"] for t in transactions] == [e.number for e in posted]
    sale = transactions[0]
    first = posted.first()
    assert first is not None
    assert sale.flag == "*"
    assert sale.payee == 'Café "Élysée" & Fils'
    assert sale.narration == "Facture n° 1 — prestations d'été"
    assert sale.meta["journal"] == "VE"
    assert sale.meta["hash"] == first.hash
    assert sale.postings[1].meta["label"] == "Conseil\\stratégie"
    purchase = transactions[1]
    payable = purchase.postings[1]
    assert payable.units.currency == "EUR", "postings are in company currency"
    assert payable.units.number == Decimal("-1050.40")
    assert payable.meta["currency"] == "CHF"
    assert payable.meta["amount_currency"] == Decimal("-980.00")
    assert payable.price is None and payable.cost is None


def test_one_fiscal_year_only(
    french_books: Company, accountant: Any, post: Callable[..., Entry]
) -> None:
    services.fiscal_year_create(actor=accountant, company=french_books, year=2027)
    post(french_books, "VE", dt.date(2027, 1, 5), ("411", "50", 0), ("706", 0, "50"))
    name, text = beancount_export(french_books, 2027)
    assert name == "dupont-2027.beancount"
    assert beancount_balances(text) == {
        "Assets:FR:411-Clients": Decimal("50.00"),
        "Income:FR:706-Prestations-de-services": Decimal("-50.00"),
    }
    assert "2027-01-06 balance Assets:FR:411-Clients  50.00 ~ 0.00 EUR" in text


def test_a_company_without_books_has_no_beancount_file(company_ro: Company) -> None:
    with pytest.raises(Conflict) as refused:
        beancount_export(company_ro)
    assert refused.value.code == "ledger_not_set_up"


def test_account_names_follow_beancount_rules() -> None:
    assert ascii_words("Clienți incerți sau în litigiu") == "Clienti-incerti-sau-in-litigiu"
    assert ascii_words("Écarts de réévaluation") == "Ecarts-de-reevaluation"
    assert ascii_words("Œuvres & co. — été") == "OEuvres-co-ete"
    bank = Account(code="512", name="Banques", type="bank")
    assert beancount_account(bank, "FR") == "Assets:FR:512-Banques"
    vat = Account(code="4427", name="TVA colectată", type="tax")
    assert beancount_account(vat, "RO") == "Liabilities:RO:4427-TVA-colectata"
    memo = Account(code="8031", name="Imobilizări corporale luate cu chirie", type="off_balance")
    assert beancount_account(memo, "RO") == (
        "Equity:RO:Off-Balance:8031-Imobilizari-corporale-luate-cu-chirie"
    )
    lettered = Account(pk=7, code="x.1", name="", type="revenue")
    assert beancount_account(lettered, "FR") == "Income:FR:A-x-1"
