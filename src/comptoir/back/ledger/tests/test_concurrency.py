"""Eight processes post to one journal at the same moment (PostgreSQL).

The journal row is the queue: each posting locks it, takes the next number
and chains its hash to the previous one. After eight OS processes have each
posted their entries at once, the journal's numbers run 1..n without a gap
or a duplicate, the hash chain verifies and the balances equal the lines.

This needs a real server with row locks: it runs when ``DATABASE_URL``
points to PostgreSQL (as in CI) and is skipped on SQLite.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest

PROCESSES = 8
ENTRIES_EACH = 12
JOURNAL = "OD"

on_postgresql = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not on_postgresql, reason="needs PostgreSQL (DATABASE_URL=postgresql://…)"),
]


def post_entries(
    database_url: str,
    data_dir: str,
    company_id: int,
    user_id: int,
    worker: int,
    start: Any,
    results: Any,
) -> None:
    """One process: set Django up on the test database, wait for the others, post."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "comptoir.test_settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["COMPTOIR_DATA_DIR"] = data_dir
    import django

    django.setup()
    import datetime as dt
    from decimal import Decimal

    from django.db import connection

    from comptoir.back.ledger import services
    from comptoir.back.ledger.domain import LineDraft
    from comptoir.core.companies.models import Company
    from comptoir.core.identity.models import User

    try:
        company = Company.objects.get(pk=company_id)
        user = User.objects.get(pk=user_id)
        connection.ensure_connection()
        start.wait(timeout=60)
        numbers = []
        for i in range(ENTRIES_EACH):
            amount = Decimal(f"{worker + 1}{i:02d}.{i:02d}")
            entry = services.entry_create(
                actor=user,
                company=company,
                journal=JOURNAL,
                date=dt.date(2026, 1 + (worker + i) % 12, 10),
                lines=[
                    LineDraft(account="641", debit=amount, label=f"Wages {worker}/{i}"),
                    LineDraft(account="421", credit=amount, label=f"Wages {worker}/{i}"),
                ],
                label=f"Process {worker}, entry {i}",
                post=True,
            )
            numbers.append(entry.number)
        results.put((worker, numbers, None))
    except Exception as exc:  # reported to the test, which fails with it
        results.put((worker, [], repr(exc)))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_processes_posting_to_one_journal_get_contiguous_numbers_and_one_chain(
    books: Any, accountant: Any
) -> None:
    from django.conf import settings
    from django.db import connection

    from comptoir.back.ledger.models import Entry
    from comptoir.back.ledger.tests.test_properties import assert_books_sound

    db = connection.settings_dict
    url = (
        f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    workers = [
        ctx.Process(
            target=post_entries,
            args=(url, str(Path(settings.DATA_DIR)), books.pk, accountant.pk, n, start, results),
        )
        for n in range(PROCESSES)
    ]
    for process in workers:
        process.start()
    reported = [results.get(timeout=120) for _ in workers]
    for process in workers:
        process.join(timeout=30)
        assert process.exitcode == 0
    errors = [(worker, error) for worker, _numbers, error in reported if error]
    assert not errors

    numbers = [number for _worker, taken, _error in reported for number in taken]
    total = PROCESSES * ENTRIES_EACH
    assert len(numbers) == total
    assert len(set(numbers)) == total, "a number was given twice"
    sequence = sorted(
        Entry.objects.filter(company=books, journal__code=JOURNAL, state="posted").values_list(
            "sequence_no", flat=True
        )
    )
    assert sequence == list(range(1, total + 1))
    assert sorted(numbers) == [f"{JOURNAL}-2026-{n:06d}" for n in range(1, total + 1)]
    # One unbroken chain, balances equal to the lines, numbers without a gap.
    assert_books_sound(books)
