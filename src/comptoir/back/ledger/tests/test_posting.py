"""Posting entries, in the words of the books: numbers, immutability, refusals, reversals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from comptoir.back.ledger import services
from comptoir.back.ledger.domain import LineDraft
from comptoir.back.ledger.models import Account, Balance, Entry, LedgerSettings, Line, Period
from comptoir.back.ledger.tests.conftest import lines
from comptoir.core.audit.models import AuditEntry
from comptoir.core.companies.models import Company
from comptoir.core.kernel.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 10)
INVOICE = (("411", "120", 0), ("706", 0, "100"), ("44571", 0, "20"))


def balance_of(company: Company, code: str) -> Decimal:
    totals = Balance.objects.filter(company=company, account__code=code).aggregate(
        debit=Sum("debit"), credit=Sum("credit")
    )
    return (totals["debit"] or Decimal(0)) - (totals["credit"] or Decimal(0))


def test_invoices_post_with_the_next_number_of_the_sales_journal(
    books: Company, post: Callable[..., Entry]
) -> None:
    first = post(books, "VE", MARCH, *INVOICE, label="Facture 1")
    second = post(books, "VE", MARCH, *INVOICE, label="Facture 2")

    assert first.number == "VE-2026-000001"
    assert second.number == "VE-2026-000002"
    assert first.state == second.state == Entry.State.POSTED
    # The hash chain: each entry carries the hash of the one before it in its journal.
    assert first.previous_hash == ""
    assert second.previous_hash == first.hash
    assert len(second.hash) == 64
    # The balances the reports read move at posting.
    assert balance_of(books, "411") == Decimal("240.00")
    assert balance_of(books, "706") == Decimal("-200.00")
    assert balance_of(books, "44571") == Decimal("-40.00")
    assert Line.objects.filter(entry=first, posted=True).count() == 3


def test_a_draft_has_no_number_until_it_is_posted(books: Company, accountant: Any) -> None:
    draft = services.entry_create(
        actor=accountant, company=books, journal="OD", date=MARCH, lines=lines(*INVOICE)
    )
    assert draft.state == Entry.State.DRAFT
    assert draft.number == ""
    assert balance_of(books, "411") == 0

    posted = services.entry_post(actor=accountant, company=books, entry=draft)

    assert posted.number == "OD-2026-000001"
    assert balance_of(books, "411") == Decimal("120.00")
    assert AuditEntry.objects.filter(action="entry.post", object_id=str(draft.pk)).exists()


def test_a_posted_entry_cannot_be_changed_deleted_or_posted_again(
    books: Company, post: Callable[..., Entry], accountant: Any
) -> None:
    entry = post(books, "VE", MARCH, *INVOICE)

    with pytest.raises(Conflict) as changed:
        services.entry_update(actor=accountant, company=books, entry=entry, label="Autre")
    with pytest.raises(Conflict) as deleted:
        services.entry_delete(actor=accountant, company=books, entry=entry)
    with pytest.raises(Conflict) as reposted:
        services.entry_post(actor=accountant, company=books, entry=entry)

    assert changed.value.code == deleted.value.code == reposted.value.code == "entry_posted"
    entry.refresh_from_db()
    assert entry.label == ""
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_an_unbalanced_entry_is_refused_with_the_difference(
    books: Company, accountant: Any
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.entry_create(
            actor=accountant,
            company=books,
            journal="VE",
            date=MARCH,
            lines=lines(("411", "120.50", 0), ("706", 0, "100"), ("44571", 0, "20")),
            post=True,
        )
    assert refused.value.code == "entry_unbalanced"
    assert refused.value.fields["difference"] == ["0.50"]
    assert not Entry.objects.filter(company=books).exists()


def test_a_deprecated_account_takes_no_new_line(books: Company, accountant: Any) -> None:
    account = Account.objects.get(company=books, code="706")
    services.account_deprecate(actor=accountant, company=books, account=account)

    with pytest.raises(ValidationFailed) as refused:
        services.entry_create(
            actor=accountant, company=books, journal="VE", date=MARCH, lines=lines(*INVOICE)
        )
    assert refused.value.code == "account_deprecated"
    assert list(refused.value.fields) == ["lines.1.account"]


def test_an_account_of_another_company_is_unknown_here(
    books: Company, books_ro: Company, accountant: Any
) -> None:
    romanian = Account.objects.get(company=books_ro, code="4111")
    with pytest.raises(ValidationFailed) as refused:
        services.entry_create(
            actor=accountant,
            company=books,
            journal="VE",
            date=MARCH,
            lines=[
                LineDraft(account=romanian.pk, debit=Decimal("120")),
                LineDraft(account="706", credit=Decimal("120")),
            ],
        )
    assert refused.value.code == "account_unknown"
    assert list(refused.value.fields) == ["lines.0.account"]


def test_a_tax_outside_its_dates_is_refused(books_ro: Company, make_user: Any) -> None:
    contabil = make_user("contabila", roles=("accountant",), companies=(books_ro,))
    # 19 % ended on 2025-07-31: an invoice of 2026 carries 21 %.
    with pytest.raises(ValidationFailed) as refused:
        services.entry_create(
            actor=contabil,
            company=books_ro,
            journal="VE",
            date=MARCH,
            lines=[
                LineDraft(account="4111", debit=Decimal("119")),
                LineDraft(
                    account="704", credit=Decimal("100"), tax="ro-vat-19-sale", tax_role="base"
                ),
                LineDraft(
                    account="4427", credit=Decimal("19"), tax="ro-vat-19-sale", tax_role="tax"
                ),
            ],
        )
    assert refused.value.code == "tax_not_valid"
    assert list(refused.value.fields) == ["lines.1.tax"]

    posted = services.entry_create(
        actor=contabil,
        company=books_ro,
        journal="VE",
        date=MARCH,
        lines=[
            LineDraft(account="4111", debit=Decimal("121")),
            LineDraft(account="704", credit=Decimal("100"), tax="ro-vat-21-sale", tax_role="base"),
            LineDraft(account="4427", credit=Decimal("21"), tax="ro-vat-21-sale", tax_role="tax"),
        ],
        post=True,
    )
    assert posted.number == "VE-2026-000001"


def test_posting_into_a_closed_period_or_before_the_lock_date_is_refused(
    books: Company, accountant: Any, post: Callable[..., Entry]
) -> None:
    Period.objects.filter(company=books, name="2026-02").update(state=Period.State.CLOSED)
    with pytest.raises(Conflict) as closed:
        post(books, "VE", dt.date(2026, 2, 14), *INVOICE)
    assert closed.value.code == "period_locked"
    assert list(closed.value.fields) == ["date"]

    LedgerSettings.objects.filter(company=books).update(hard_lock_date=dt.date(2026, 3, 31))
    draft = services.entry_create(
        actor=accountant, company=books, journal="VE", date=MARCH, lines=lines(*INVOICE)
    )
    with pytest.raises(Conflict) as locked:
        services.entry_post(actor=accountant, company=books, entry=draft)
    assert locked.value.code == "period_locked"

    assert post(books, "VE", dt.date(2026, 4, 1), *INVOICE).number == "VE-2026-000001"


def test_a_reversal_nets_to_zero_and_is_linked_both_ways(
    books: Company, post: Callable[..., Entry], accountant: Any
) -> None:
    original = post(books, "VE", MARCH, *INVOICE, label="Facture 7")

    reversal = services.entry_reverse(actor=accountant, company=books, entry=original)

    assert reversal.number == "VE-2026-000002"
    assert reversal.reversal_of_id == original.pk
    assert reversal.ref == original.number
    assert reversal.date == original.date
    original.refresh_from_db()
    assert original.reversed_by == reversal
    both = Line.objects.filter(entry__in=[original, reversal])
    for code in ("411", "706", "44571"):
        moved = both.filter(account__code=code).aggregate(d=Sum("debit"), c=Sum("credit"))
        assert moved["d"] == moved["c"], code
        assert balance_of(books, code) == 0
    # A second reversal, or the reversal of a reversal, is refused.
    with pytest.raises(Conflict) as twice:
        services.entry_reverse(actor=accountant, company=books, entry=original)
    assert twice.value.code == "entry_reversed"
    with pytest.raises(Conflict) as mirror:
        services.entry_reverse(actor=accountant, company=books, entry=reversal)
    assert mirror.value.code == "entry_is_reversal"


def test_each_journal_and_year_counts_on_its_own(
    books: Company, post: Callable[..., Entry]
) -> None:
    sale = post(books, "VE", MARCH, *INVOICE)
    purchase = post(books, "AC", MARCH, ("607", "100", 0), ("44566", "20", 0), ("401", 0, "120"))
    another_sale = post(books, "VE", dt.date(2026, 12, 31), *INVOICE)

    assert [sale.number, purchase.number, another_sale.number] == [
        "VE-2026-000001",
        "AC-2026-000001",
        "VE-2026-000002",
    ]
