"""The database itself keeps the books: raw SQL cannot alter a posted entry or its lines.

Run on SQLite by default and on PostgreSQL with ``DATABASE_URL``: the triggers
differ by engine, the guarantee does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from comptoir.back.ledger.models import Account, Entry, Line

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 10)


@pytest.fixture
def posted(books: Any, post: Callable[..., Entry]) -> Entry:
    return post(
        books, "VE", MARCH, ("411", "120", 0), ("706", 0, "100"), ("44571", 0, "20"), label="F1"
    )


def refused(sql: str, params: list[Any]) -> str:
    """Run ``sql`` and answer the database's refusal (the test fails if it accepts)."""
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    return str(error.value)


def snapshot(entry: Entry) -> tuple[Any, ...]:
    fresh = Entry.objects.get(pk=entry.pk)
    lines = tuple(
        Line.objects.filter(entry_id=entry.pk)
        .order_by("pk")
        .values_list("pk", "account_id", "debit", "credit", "date", "label")
    )
    return (fresh.date, fresh.number, fresh.hash, fresh.state, lines)


def test_raw_sql_cannot_change_the_amount_of_a_posted_line(posted: Entry) -> None:
    before = snapshot(posted)
    line = posted.lines.order_by("pk").first()
    assert line is not None

    message = refused("UPDATE ledger_line SET debit = debit + 1 WHERE id = %s", [line.pk])

    assert "entry_posted" in message
    assert snapshot(posted) == before


def test_raw_sql_cannot_move_a_posted_line_to_another_account(posted: Entry) -> None:
    before = snapshot(posted)
    other = Account.objects.get(company=posted.company, code="707")
    line = posted.lines.get(account__code="706")

    refused("UPDATE ledger_line SET account_id = %s WHERE id = %s", [other.pk, line.pk])

    assert snapshot(posted) == before


def test_raw_sql_cannot_delete_a_posted_line(posted: Entry) -> None:
    before = snapshot(posted)
    line = posted.lines.order_by("pk").first()
    assert line is not None

    refused("DELETE FROM ledger_line WHERE id = %s", [line.pk])

    assert snapshot(posted) == before


def test_raw_sql_cannot_delete_a_posted_entry(posted: Entry) -> None:
    before = snapshot(posted)

    refused("DELETE FROM ledger_entry WHERE id = %s", [posted.pk])

    assert snapshot(posted) == before


def test_raw_sql_cannot_redate_a_posted_entry(posted: Entry) -> None:
    before = snapshot(posted)

    message = refused(
        "UPDATE ledger_entry SET date = %s WHERE id = %s", [dt.date(2026, 3, 11), posted.pk]
    )

    assert "entry_posted" in message
    assert snapshot(posted) == before


def test_raw_sql_cannot_add_a_line_to_a_posted_entry(posted: Entry) -> None:
    before = snapshot(posted)
    account = Account.objects.get(company=posted.company, code="411")

    refused(
        "INSERT INTO ledger_line (entry_id, company_id, journal_id, date, posted, account_id, "
        "label, debit, credit, currency, tax_role, reconcile_ref) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            posted.pk,
            posted.company_id,
            posted.journal_id,
            posted.date,
            False,
            account.pk,
            "ajout",
            Decimal("10.00"),
            Decimal("0"),
            "",
            "",
            "",
        ],
    )

    assert snapshot(posted) == before


def test_the_orm_is_refused_too(posted: Entry) -> None:
    before = snapshot(posted)

    with pytest.raises(DatabaseError), transaction.atomic():
        Line.objects.filter(entry=posted).update(label="changé")
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(pk=posted.pk).update(label="changé")

    assert snapshot(posted) == before


def test_the_lettering_of_a_posted_line_can_change(posted: Entry) -> None:
    line = posted.lines.get(account__code="411")

    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_line SET reconcile_ref = %s WHERE id = %s", ["A1", line.pk])

    line.refresh_from_db()
    assert line.reconcile_ref == "A1"
    assert line.debit == Decimal("120.00")


def test_a_draft_stays_free_to_change(books: Any, accountant: Any) -> None:
    from comptoir.back.ledger import services
    from comptoir.back.ledger.tests.conftest import lines

    draft = services.entry_create(
        actor=accountant,
        company=books,
        journal="OD",
        date=MARCH,
        lines=lines(("471", "50", 0), ("512", 0, "50")),
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_line SET label = %s WHERE entry_id = %s", ["x", draft.pk])
        cursor.execute("DELETE FROM ledger_line WHERE entry_id = %s", [draft.pk])
        cursor.execute("DELETE FROM ledger_entry WHERE id = %s", [draft.pk])
    assert not Entry.objects.filter(pk=draft.pk).exists()
