"""The auditor's check: every journal's hash chain, numbers and balances, as posted.

To tamper with the books as a careless script would, a test lifts the
database guard inside a savepoint (``DROP TRIGGER`` on SQLite, ``DISABLE
TRIGGER`` on PostgreSQL: both transactional), changes a row with raw SQL,
runs the check, then rolls the savepoint back and proves the guard is back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from comptoir.back.ledger import services
from comptoir.back.ledger.integrity import ledger_verify
from comptoir.back.ledger.models import Balance, Entry, Journal, Line
from comptoir.core.companies.models import Company

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


@contextmanager
def guard_lifted(*, deletes: bool = False) -> Iterator[None]:
    """Run the body without the triggers that protect posted lines, then undo everything."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER ledger_line_update_posted")
                if deletes:
                    cursor.execute("DROP TRIGGER ledger_line_delete_posted")
                    cursor.execute("DROP TRIGGER ledger_entry_delete_posted")
            else:
                # ALTER TABLE waits for no deferred foreign-key check: run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE ledger_line DISABLE TRIGGER ledger_line_guard")
                if deletes:
                    cursor.execute("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_guard")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            yield
            raise Rollback
    except Rollback:
        pass


def raw(sql: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def guard_is_in_place() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN "
                "('ledger_line_update_posted', 'ledger_line_delete_posted', "
                "'ledger_entry_delete_posted')"
            )
            return len(cursor.fetchall()) == 3
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname IN ('ledger_line_guard', "
            "'ledger_entry_guard') AND tgenabled = 'O'"
        )
        return len(cursor.fetchall()) == 2


@pytest.fixture
def january(books: Company, post: Callable[..., Entry]) -> list[Entry]:
    """Three sales, a purchase and a bank receipt of Atelier Dupont."""
    return [
        post(books, "VE", dt.date(2026, 1, 5), ("411", "120", 0), ("706", 0, "120")),
        post(books, "VE", dt.date(2026, 1, 9), ("411", "240", 0), ("706", 0, "240")),
        post(books, "AC", dt.date(2026, 1, 12), ("607", "80", 0), ("401", 0, "80")),
        post(books, "VE", dt.date(2026, 1, 20), ("411", "36", 0), ("706", 0, "36")),
        post(books, "BQ", dt.date(2026, 1, 31), ("512", "120", 0), ("411", 0, "120")),
    ]


def test_a_clean_ledger_has_every_chain_intact(
    books: Company, books_ro: Company, january: list[Entry], accountant: Any
) -> None:
    services.entry_reverse(actor=accountant, company=books, entry=january[1])
    report = ledger_verify()
    assert report.ok, [str(p) for p in report.first_problems]
    assert report.entries == 6
    by_journal = {(j.company, j.journal): j for j in report.journals}
    assert by_journal[("dupont", "VE")].entries == 4
    assert by_journal[("dupont", "VE")].last_number == "VE-2026-000004"
    assert by_journal[("carpati", "VE")].entries == 0
    assert {b.company for b in report.balances} == {"dupont", "carpati"}
    assert "every hash chain is intact" in report.summary()
    assert ledger_verify(books_ro).entries == 0


def test_a_changed_amount_is_named_as_the_first_broken_link(
    books: Company, january: list[Entry]
) -> None:
    second = january[1]
    line = second.lines.get(account__code="706")
    with guard_lifted():
        raw("UPDATE ledger_line SET credit = 2400 WHERE id = %s", line.pk)
        report = ledger_verify(books)
        assert not report.ok
        sales = next(j for j in report.journals if j.journal == "VE")
        first = sales.first_problem
        assert first is not None
        assert (first.code, first.number, first.journal) == (
            "hash_mismatch",
            "VE-2026-000002",
            "VE",
        )
        assert "VE-2026-000002" in first.message
        assert {p.code for p in sales.problems} == {"hash_mismatch", "entry_unbalanced"}
        others = [j for j in report.journals if j.journal != "VE"]
        assert all(j.ok for j in others), "one journal's break is not another's"
        balances = report.balances[0]
        assert balances.mismatches == 1
        assert "706" in balances.problems[0].message
    # The savepoint rolled back: the guard and the amount are as they were.
    assert guard_is_in_place()
    assert Line.objects.get(pk=line.pk).credit == 240
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("UPDATE ledger_line SET credit = 2400 WHERE id = %s", line.pk)
    assert ledger_verify(books).ok


def test_a_balanced_forgery_still_breaks_the_hash(books: Company, january: list[Entry]) -> None:
    """Both sides changed together: balanced, but not what was posted."""
    first = january[0]
    with guard_lifted():
        raw(
            "UPDATE ledger_line SET debit = debit + 1000 WHERE entry_id = %s AND debit > 0",
            first.pk,
        )
        raw(
            "UPDATE ledger_line SET credit = credit + 1000 WHERE entry_id = %s AND credit > 0",
            first.pk,
        )
        report = ledger_verify(books)
        sales = next(j for j in report.journals if j.journal == "VE")
        assert [(p.code, p.number) for p in sales.problems] == [("hash_mismatch", first.number)]
    assert ledger_verify(books).ok


def test_a_deleted_entry_breaks_the_chain_and_the_numbering(
    books: Company, january: list[Entry]
) -> None:
    second = january[1]
    with guard_lifted(deletes=True):
        raw("DELETE FROM ledger_line WHERE entry_id = %s", second.pk)
        raw("DELETE FROM ledger_entry WHERE id = %s", second.pk)
        sales = next(j for j in ledger_verify(books).journals if j.journal == "VE")
        assert sales.first_problem is not None
        assert sales.first_problem.number == "VE-2026-000003"
        assert [p.code for p in sales.problems] == ["number_gap", "chain_broken"]
    assert guard_is_in_place()
    assert ledger_verify(books).ok


def test_a_removed_last_entry_shows_in_the_journal_last_hash(
    books: Company, january: list[Entry]
) -> None:
    last = january[3]
    with guard_lifted(deletes=True):
        raw("DELETE FROM ledger_line WHERE entry_id = %s", last.pk)
        raw("DELETE FROM ledger_entry WHERE id = %s", last.pk)
        sales = next(j for j in ledger_verify(books).journals if j.journal == "VE")
        assert [p.code for p in sales.problems] == ["last_hash_mismatch"]
        assert sales.last_number == "VE-2026-000002"


def test_a_balance_out_of_step_with_the_lines(books: Company, january: list[Entry]) -> None:
    with transaction.atomic():
        Balance.objects.filter(company=books, account__code="607").update(debit=81)
        report = ledger_verify(books)
        assert all(j.ok for j in report.journals)
        assert not report.ok
        problem = report.balances[0].problems[0]
        assert problem.code == "balance_mismatch"
        assert "607" in problem.message and "2026-01" in problem.message
        transaction.set_rollback(True)


def test_a_journal_whose_last_hash_was_rewritten(books: Company, january: list[Entry]) -> None:
    with transaction.atomic():
        Journal.objects.filter(company=books, code="AC").update(last_hash="0" * 64)
        purchases = next(j for j in ledger_verify(books).journals if j.journal == "AC")
        assert [p.code for p in purchases.problems] == ["last_hash_mismatch"]
        transaction.set_rollback(True)


def test_postings_interleaved_across_fiscal_years_keep_one_chain(
    books: Company, accountant: Any, post: Callable[..., Entry]
) -> None:
    """A late 2025 entry posted after 2026's: the chain follows the order of posting."""
    post(books, "OD", dt.date(2026, 2, 1), ("6411", "100", 0), ("421", 0, "100"))
    services.fiscal_year_create(actor=accountant, company=books, year=2025)
    late = post(books, "OD", dt.date(2025, 12, 31), ("6411", "50", 0), ("421", 0, "50"))
    post(books, "OD", dt.date(2026, 2, 2), ("6411", "70", 0), ("421", 0, "70"))
    assert late.number == "OD-2025-000001"
    report = ledger_verify(books)
    assert report.ok, [str(p) for p in report.first_problems]
    misc = next(j for j in report.journals if j.journal == "OD")
    assert misc.entries == 3 and misc.last_number == "OD-2026-000002"
