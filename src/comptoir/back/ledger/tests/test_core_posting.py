"""Posting in business words: numbers, hashes, balances and the rules that refuse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from comptoir.back.ledger import services
from comptoir.back.ledger.models import Balance, Entry, Line
from comptoir.back.ledger.tests.conftest import lines
from comptoir.core.kernel.errors import Conflict, ValidationFailed

JAN = dt.date(2026, 1, 15)


def test_a_sale_posts_with_the_next_number_and_a_chained_hash(books, post):
    first = post(
        books, "VE", JAN, ("411", "120.00", 0), ("706", 0, "100.00"), ("44571", 0, "20.00")
    )
    second = post(books, "VE", JAN, ("411", "60.00", 0), ("706", 0, "50.00"), ("44571", 0, "10.00"))
    assert (first.number, second.number) == ("VE-2026-000001", "VE-2026-000002")
    assert second.previous_hash == first.hash != ""
    assert Line.objects.filter(entry=first, posted=True).count() == 3
    receivable = Balance.objects.get(account__code="411", period__name="2026-01")
    assert receivable.debit == Decimal("180.00") and receivable.credit == 0


def test_an_unbalanced_entry_is_refused_with_the_difference(books, accountant):
    with pytest.raises(ValidationFailed) as refused:
        services.entry_create(
            actor=accountant,
            company=books,
            journal="OD",
            date=JAN,
            lines=lines(("512", "100", 0), ("706", 0, "99.99")),
            post=True,
        )
    assert refused.value.code == "entry_unbalanced"
    assert "0.01" in refused.value.message
    assert not Entry.objects.filter(company=books).exists()


def test_a_posted_entry_is_reversed_not_changed(books, post, accountant):
    sale = post(books, "VE", JAN, ("411", "120", 0), ("706", 0, "100"), ("44571", 0, "20"))
    with pytest.raises(Conflict) as refused:
        services.entry_update(actor=accountant, company=books, entry=sale, label="changed")
    assert refused.value.code == "entry_posted"
    reversal = services.entry_reverse(actor=accountant, company=books, entry=sale)
    assert reversal.reversal_of == sale and reversal.is_posted
    assert Balance.objects.get(account__code="411", period__name="2026-01").debit == Decimal("120")
    assert Balance.objects.get(account__code="411", period__name="2026-01").credit == Decimal("120")


def test_the_database_refuses_to_change_a_posted_line(books, post):
    from django.db import DatabaseError, connection, transaction

    sale = post(books, "VE", JAN, ("411", "120", 0), ("706", 0, "100"), ("44571", 0, "20"))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_line SET debit = 999 WHERE entry_id = %s AND debit > 0", [sale.pk]
        )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_entry WHERE id = %s", [sale.pk])
    assert Line.objects.filter(entry=sale, debit=Decimal("120")).exists()


def test_a_closed_period_takes_no_entry(books, post, accountant):
    from comptoir.back.ledger.models import Period

    Period.objects.filter(company=books, name="2026-01").update(state="closed")
    with pytest.raises(Conflict) as refused:
        post(books, "OD", JAN, ("512", "10", 0), ("706", 0, "10"))
    assert refused.value.code == "period_locked"


def test_a_romanian_company_gets_its_chart_and_21_percent_vat(books_ro):
    from comptoir.back.ledger.models import Account, Tax

    assert Account.objects.filter(company=books_ro, code="4427").exists()
    rates = set(
        Tax.objects.filter(company=books_ro, scope="sale", kind="standard").values_list(
            "rate", flat=True
        )
    )
    assert Decimal("21") in rates and Decimal("11") in rates
