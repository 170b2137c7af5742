"""``comptoir bench ledger``: how fast the general ledger reads and posts.

On the database of ``DATABASE_URL`` (PostgreSQL is the one that counts;
SQLite works too), after ``comptoir init``, the bench sets up a throwaway
company ``bench-ledger`` (French chart, journals, the current fiscal year
with its 12 monthly periods) and in one run:

1. **generates** ``--lines`` / 10 move lines (100,000 by default), as posted
   5-line balanced entries spread over the 12 periods, 4 journals and about
   ``--accounts`` accounts, numbered without gaps and hash-chained per journal.
   It is a bulk load (``COPY`` on PostgreSQL, ``executemany`` on SQLite) with
   the ledger's triggers set aside for the load (``session_replication_role
   = replica`` on PostgreSQL; dropped and re-created on SQLite); the
   per-account per-period ``Balance`` rows are filled with one ``INSERT …
   SELECT … GROUP BY``. Run the bench on a bench database, not on live books;
2. **times** (median of ``--repeat`` warm runs) the trial balance of the year,
   the general ledger of the busiest account for one month and the balance
   sheet, through ``comptoir.back.ledger.reports``;
3. grows the ledger to ``--lines`` (1,000,000 by default) and times them again,
   together with the **raw baseline**: a plain ``SELECT account_id, SUM(debit),
   SUM(credit) FROM ledger_line GROUP BY account_id`` over every line;
4. **posts** balanced 5-line entries through ``services.entry_create(post=True)``,
   one entry per transaction, for ``--seconds``, and counts the SQL statements
   of a sample of entries; then inserts the same rows with plain SQL (the
   entry and its 5 lines, one transaction per entry) for the same time: the
   raw baseline of posting.

Each figure is printed with its ratio to its baseline, and ``targets`` says
which of the issue's targets are met. The bench company's rows are deleted
at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

BENCH_COMPANY = "bench-ledger"
LINES_PER_ENTRY = 5
JOURNALS = ("VE", "AC", "BQ", "OD")
POST_JOURNAL = "OD"
BATCH_ENTRIES = 10_000
TARGETS = {
    "trial_balance_ms_1m": 100,
    "trial_balance_ratio_1m_100k": 2,
    "post_vs_raw": 0.25,
    "queries_per_entry": 30,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lines", type=int, default=1_000_000, help="move lines at the end of the load"
    )
    parser.add_argument(
        "--first-lines",
        type=int,
        default=None,
        help="move lines of the first measure (default: a tenth of --lines)",
    )
    parser.add_argument("--accounts", type=int, default=200, help="accounts the lines spread over")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each report")
    parser.add_argument(
        "--sample", type=int, default=20, help="posted entries whose SQL statements are counted"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the bench company's books at the end"
    )


# -- the reports, as the pages and the API call them ------------------------------


def report_trial_balance(books: Books) -> Any:
    """The trial balance of the whole fiscal year."""
    from comptoir.back.ledger import reports

    return reports.trial_balance(
        company=books.company,
        fiscal_year_id=books.fiscal_year.pk,
        period_from_id=books.periods[0].pk,
        period_to_id=books.periods[-1].pk,
    )


def report_general_ledger(books: Books, account_code: str, month: Any) -> Any:
    """The general ledger of one account over one month."""
    from comptoir.back.ledger import reports

    return reports.general_ledger(
        company=books.company, account=account_code, date_from=month.start, date_to=month.end
    )


def report_balance_sheet(books: Books) -> Any:
    """The balance sheet at the end of the fiscal year."""
    from comptoir.back.ledger import reports

    return reports.balance_sheet(company=books.company, period_id=books.periods[-1].pk)


def group_by_baseline() -> list[tuple[Any, ...]]:
    """The raw floor of a trial balance: one ``GROUP BY`` over every line."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT account_id, SUM(debit), SUM(credit) FROM ledger_line GROUP BY account_id"
        )
        return cursor.fetchall()


# -- timing ---------------------------------------------------------------------


def median_ms(call: Callable[[], Any], repeat: int) -> float:
    """The median wall time of ``repeat`` calls, after one warm-up call, in ms."""
    call()
    times = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 3)


def _ratio(value: float | None, base: float | None) -> float | None:
    if value is None or not base:
        return None
    return round(value / base, 3)


# -- the books ------------------------------------------------------------------


@dataclass
class Books:
    """The bench company's ledger and where each journal's chain stands."""

    company: Any
    fiscal_year: Any
    periods: list[Any]
    accounts: list[tuple[int, str]]
    journals: dict[str, Any]
    next_seq: dict[str, int] = field(default_factory=dict)
    last_hash: dict[str, str] = field(default_factory=dict)
    lines: int = 0
    entries: int = 0


def prepare_books(accounts: int) -> Books:
    """A fresh ``bench-ledger`` company with its ledger set up."""
    from comptoir.back.ledger import services
    from comptoir.back.ledger.models import Account, FiscalYear, Journal, Period
    from comptoir.core.companies.models import Company

    existing = Company.objects.filter(code=BENCH_COMPANY).first()
    if existing is not None:
        cleanup(existing, delete_company=False)
        company = existing
    else:
        company = Company.objects.create(
            code=BENCH_COMPANY,
            name="Bench Ledger SAS",
            legal_name="Bench Ledger SAS",
            country="FR",
            currency="EUR",
        )
    year = dt.date.today().year
    services.ledger_setup(actor=None, company=company, chart="fr_pcg", year=year)
    fiscal_year = FiscalYear.objects.get(company=company, start=dt.date(year, 1, 1))
    chosen = list(
        Account.objects.filter(company=company, deprecated=False)
        .exclude(type="off_balance")
        .order_by("code")
        .values_list("pk", "code")
    )
    if len(chosen) > accounts:
        step = len(chosen) / accounts
        chosen = [chosen[int(i * step)] for i in range(accounts)]
    return Books(
        company=company,
        fiscal_year=fiscal_year,
        periods=list(Period.objects.filter(fiscal_year=fiscal_year).order_by("start")),
        accounts=chosen,
        journals={j.code: j for j in Journal.objects.filter(company=company, code__in=JOURNALS)},
        next_seq={code: 1 for code in JOURNALS},
        last_hash={code: "" for code in JOURNALS},
    )


def _cents(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def _random_entry(
    rng: random.Random, accounts: list[tuple[int, str]]
) -> list[tuple[int, str, int, int]]:
    """(account id, code, debit cents, credit cents) of a balanced 5-line entry."""
    rows: list[tuple[int, str, int, int]] = []
    net = 0
    for _ in range(LINES_PER_ENTRY - 1):
        account_id, code = rng.choice(accounts)
        amount = rng.randrange(100, 1_000_000)
        if rng.random() < 0.5:
            rows.append((account_id, code, amount, 0))
            net += amount
        else:
            rows.append((account_id, code, 0, amount))
            net -= amount
    if net == 0:
        account_id, code, debit, _credit = rows[0]
        rows[0] = (account_id, code, debit + 100, 0) if debit else (account_id, code, 100, 0)
        net = sum(d - c for _a, _c, d, c in rows)
    account_id, code = rng.choice(accounts)
    rows.append((account_id, code, 0, net) if net > 0 else (account_id, code, -net, 0))
    return rows


@dataclass
class _Batch:
    entries: list[tuple[Any, ...]]
    lines: list[tuple[Any, ...]]


ENTRY_COLUMNS = (
    "id",
    "company_id",
    "journal_id",
    "date",
    "period_id",
    "fiscal_year_id",
    "state",
    "number",
    "sequence_no",
    "ref",
    "label",
    "currency",
    "source",
    "source_id",
    "reversal_of_id",
    "posted_at",
    "posted_by_id",
    "created_by_id",
    "previous_hash",
    "hash",
    "created_at",
    "updated_at",
)
LINE_COLUMNS = (
    "id",
    "entry_id",
    "company_id",
    "journal_id",
    "date",
    "posted",
    "account_id",
    "party_id",
    "label",
    "debit",
    "credit",
    "currency",
    "amount_currency",
    "tax_id",
    "tax_role",
    "reconcile_ref",
)


def _check_columns() -> None:
    """Fail loudly if the tables gained a column this bulk load does not fill."""
    from comptoir.back.ledger.models import Entry, Line

    for model, columns in ((Entry, ENTRY_COLUMNS), (Line, LINE_COLUMNS)):
        actual = {str(f.column) for f in model._meta.concrete_fields}
        if actual != set(columns):
            raise RuntimeError(
                f"{model._meta.db_table} columns changed: {sorted(actual ^ set(columns))}; "
                "update comptoir.bench.ledger"
            )


def _batches(
    books: Books, count: int, rng: random.Random, first_entry_id: int, first_line_id: int
) -> Iterator[_Batch]:
    """``count`` posted entries in batches, numbered and chained per journal."""
    from django.db import connection

    from comptoir.back.ledger.domain import HashedEntry, HashedLine, entry_hash

    company = books.company
    year = books.fiscal_year.end.year
    now: Any = dt.datetime.now(dt.UTC)
    if connection.vendor == "sqlite":  # as Django writes it: naive UTC
        now = now.replace(tzinfo=None).isoformat(sep=" ")
    entry_id, line_id = first_entry_id, first_line_id
    done = 0
    while done < count:
        size = min(BATCH_ENTRIES, count - done)
        # Date order inside the batch and each journal: numbers follow the dates.
        plan = []
        for _ in range(size):
            period = rng.choice(books.periods)
            day = period.start + dt.timedelta(
                days=rng.randrange((period.end - period.start).days + 1)
            )
            plan.append((day, rng.choice(JOURNALS)))
        plan.sort()
        batch = _Batch(entries=[], lines=[])
        period_of = {p.start.month: p for p in books.periods}
        for day, code in plan:
            journal = books.journals[code]
            period = period_of[day.month]
            seq = books.next_seq[code]
            number = f"{code}-{year}-{seq:06d}"
            label = f"Bench {code} {seq}"
            rows = _random_entry(rng, books.accounts)
            previous = books.last_hash[code]
            digest = entry_hash(
                previous,
                HashedEntry(
                    company_id=company.pk,
                    journal_code=code,
                    number=number,
                    date=day,
                    currency="EUR",
                    label=label,
                    ref="",
                    lines=[
                        HashedLine(
                            account_code=acc_code,
                            party_id=None,
                            label=label,
                            debit=Decimal(debit).scaleb(-2),
                            credit=Decimal(credit).scaleb(-2),
                        )
                        for _acc, acc_code, debit, credit in rows
                    ],
                ),
            )
            batch.entries.append(
                (
                    entry_id,
                    company.pk,
                    journal.pk,
                    day,
                    period.pk,
                    books.fiscal_year.pk,
                    "posted",
                    number,
                    seq,
                    "",
                    label,
                    "EUR",
                    "bench",
                    "",
                    None,
                    now,
                    None,
                    None,
                    previous,
                    digest,
                    now,
                    now,
                )
            )
            for account_id, _code, debit, credit in rows:
                batch.lines.append(
                    (
                        line_id,
                        entry_id,
                        company.pk,
                        journal.pk,
                        day,
                        True,
                        account_id,
                        None,
                        label,
                        _cents(debit),
                        _cents(credit),
                        "",
                        None,
                        None,
                        "",
                        "",
                    )
                )
                line_id += 1
            books.next_seq[code] = seq + 1
            books.last_hash[code] = digest
            entry_id += 1
        done += size
        yield batch


def _copy_text(rows: list[tuple[Any, ...]]) -> bytes:
    """Rows in PostgreSQL's COPY text format (the values here hold no tab or newline)."""
    out = io.StringIO()
    for row in rows:
        out.write(
            "\t".join(
                "\\N"
                if v is None
                else ("t" if v else "f")
                if isinstance(v, bool)
                else v.isoformat()
                if isinstance(v, (dt.date, dt.datetime))
                else str(v)
                for v in row
            )
        )
        out.write("\n")
    return out.getvalue().encode()


def _reserve_ids(table: str, count: int) -> int:
    """The first of ``count`` fresh ids of ``table`` (ids above every existing one)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT setval(%s, GREATEST(nextval(%s), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table})) + %s - 1)",  # noqa: E501, S608
                [sequence, sequence, count],
            )
            last = cursor.fetchone()[0]
            return int(last) - count + 1
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0]) + 1


def _sqlite_triggers(drop: bool) -> None:
    from django.db import connection

    from comptoir.back.ledger import triggers

    statements = triggers.SQLITE_DROP if drop else triggers.sqlite_statements()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def load(books: Books, entries: int, seed: int) -> float:
    """Bulk-load ``entries`` posted entries into the books; seconds taken."""
    from django.db import connection, transaction

    started = time.perf_counter()
    rng = random.Random(seed)
    first_entry = _reserve_ids("ledger_entry", entries)
    first_line = _reserve_ids("ledger_line", entries * LINES_PER_ENTRY)
    vendor = connection.vendor
    entry_sql = (
        f"INSERT INTO ledger_entry ({', '.join(ENTRY_COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(ENTRY_COLUMNS))})"
    )
    line_sql = (
        f"INSERT INTO ledger_line ({', '.join(LINE_COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(LINE_COLUMNS))})"
    )
    with transaction.atomic():
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            _sqlite_triggers(drop=True)
        for batch in _batches(books, entries, rng, first_entry, first_line):
            if vendor == "postgresql":
                raw = connection.connection.cursor()
                with raw.copy(f"COPY ledger_entry ({', '.join(ENTRY_COLUMNS)}) FROM STDIN") as copy:
                    copy.write(_copy_text(batch.entries))
                with raw.copy(f"COPY ledger_line ({', '.join(LINE_COLUMNS)}) FROM STDIN") as copy:
                    copy.write(_copy_text(batch.lines))
                raw.close()
            else:
                with connection.cursor() as cursor:
                    cursor.executemany(entry_sql, batch.entries)
                    cursor.executemany(line_sql, batch.lines)
        _add_balances(books, first_entry, first_entry + entries - 1)
        _sync_numbering(books)
        if vendor == "sqlite":
            _sqlite_triggers(drop=False)
        else:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")
    with connection.cursor() as cursor:
        for table in ("ledger_entry", "ledger_line", "ledger_balance"):
            cursor.execute(f"ANALYZE {table}")
    books.entries += entries
    books.lines += entries * LINES_PER_ENTRY
    return round(time.perf_counter() - started, 2)


def _add_balances(books: Books, first_entry: int, last_entry: int) -> None:
    """Add the loaded entries' lines to ``Balance`` in one ``INSERT … SELECT … GROUP BY``."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_balance (company_id, account_id, period_id, debit, credit) "
            "SELECT l.company_id, l.account_id, e.period_id, SUM(l.debit), SUM(l.credit) "
            "FROM ledger_line l JOIN ledger_entry e ON e.id = l.entry_id "
            "WHERE l.entry_id BETWEEN %s AND %s AND l.company_id = %s "
            "GROUP BY l.company_id, l.account_id, e.period_id "
            "ON CONFLICT (account_id, period_id) DO UPDATE SET "
            "debit = ledger_balance.debit + excluded.debit, "
            "credit = ledger_balance.credit + excluded.credit",
            [first_entry, last_entry, books.company.pk],
        )


def _sync_numbering(books: Books) -> None:
    """Journals and their sequences continue where the load stopped."""
    from comptoir.back.ledger.models import Journal
    from comptoir.core.numbering.models import Sequence

    year = books.fiscal_year.end.year
    for code, journal in books.journals.items():
        Journal.objects.filter(pk=journal.pk).update(last_hash=books.last_hash[code])
        Sequence.objects.update_or_create(
            company=books.company,
            code=f"journal-{code.lower()}",
            fiscal_year=year,
            defaults={
                "pattern": f"{code}-{{year}}-{{seq:06d}}",
                "next_value": books.next_seq[code],
            },
        )


# -- measures -------------------------------------------------------------------


def time_reports(books: Books, repeat: int) -> dict[str, float]:
    from django.db.models import Count

    from comptoir.back.ledger.models import Account, Line

    busiest = (
        Line.objects.filter(company=books.company)
        .values("account_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    code = Account.objects.get(pk=busiest["account_id"]).code if busiest else None
    month = books.periods[len(books.periods) // 2]
    result = {"trial_balance_ms": median_ms(lambda: report_trial_balance(books), repeat)}
    if code is not None:
        result["general_ledger_ms"] = median_ms(
            lambda: report_general_ledger(books, code, month), repeat
        )
    result["balance_sheet_ms"] = median_ms(lambda: report_balance_sheet(books), repeat)
    result["group_by_ms"] = median_ms(group_by_baseline, repeat)
    return result


def _post_drafts(books: Books, rng: random.Random) -> tuple[dt.date, list[Any]]:
    from comptoir.back.ledger.domain import LineDraft

    period = rng.choice(books.periods)
    day = period.start + dt.timedelta(days=rng.randrange((period.end - period.start).days + 1))
    drafts = [
        LineDraft(
            account=code,
            debit=Decimal(debit).scaleb(-2),
            credit=Decimal(credit).scaleb(-2),
            label="Bench posting",
        )
        for _id, code, debit, credit in _random_entry(rng, books.accounts)
    ]
    return day, drafts


def measure_posting(books: Books, seconds: float, sample: int) -> dict[str, Any]:
    """Entries/s posted through the service, and SQL statements per entry."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comptoir.back.ledger import services

    rng = random.Random(7)
    pool = [_post_drafts(books, rng) for _ in range(500)]

    def post(i: int) -> None:
        day, drafts = pool[i % len(pool)]
        services.entry_create(
            actor=None,
            company=books.company,
            journal=POST_JOURNAL,
            date=day,
            lines=drafts,
            label="Bench posting",
            source="bench",
            post=True,
        )

    post(0)  # warm up
    counts = []
    for i in range(max(1, sample)):
        with CaptureQueriesContext(connection) as captured:
            post(i)
        counts.append(len(captured))
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        post(done)
        done += 1
    elapsed = time.perf_counter() - started
    return {
        "post_entries": done,
        "post_entries_per_s": round(done / elapsed, 1) if elapsed else None,
        "queries_per_entry": max(counts),
        "queries_per_entry_mean": round(statistics.mean(counts), 1),
    }


def measure_raw(books: Books, seconds: float) -> dict[str, Any]:
    """Entries/s of the same rows inserted with plain SQL, one transaction per entry.

    The entry goes in as a draft (the database refuses an entry written as
    posted) with its 5 lines; the bench deletes them with the rest.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    rng = random.Random(7)
    pool = [_post_drafts(books, rng) for _ in range(500)]
    journal = books.journals[POST_JOURNAL]
    periods = {p.start.month: p for p in books.periods}
    company_id = books.company.pk
    entry_sql = (
        "INSERT INTO ledger_entry (company_id, journal_id, date, period_id, fiscal_year_id, "
        "state, number, ref, label, currency, source, source_id, previous_hash, hash, "
        "created_at, updated_at) VALUES "
        "(%s, %s, %s, %s, %s, 'draft', '', '', 'Bench raw', 'EUR', 'bench', '', '', '', %s, %s) "
        "RETURNING id"
    )
    line_sql = (
        "INSERT INTO ledger_line (entry_id, company_id, journal_id, date, posted, account_id, "  # noqa: S608
        "label, debit, credit, currency, tax_role, reconcile_ref) VALUES "
        + ", ".join(["(%s, %s, %s, %s, %s, %s, 'Bench raw', %s, %s, '', '', '')"] * LINES_PER_ENTRY)
    )
    codes = dict((code, pk) for pk, code in books.accounts)
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        day, drafts = pool[done % len(pool)]
        period = periods[day.month]
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                entry_sql, [company_id, journal.pk, day, period.pk, period.fiscal_year_id, now, now]
            )
            entry_id = cursor.fetchone()[0]
            params: list[Any] = []
            for draft in drafts:
                params += [
                    entry_id,
                    company_id,
                    journal.pk,
                    day,
                    False,
                    codes[draft.account],
                    draft.debit,
                    draft.credit,
                ]
            cursor.execute(line_sql, params)
        done += 1
    elapsed = time.perf_counter() - started
    return {"raw_entries": done, "raw_entries_per_s": round(done / elapsed, 1) if elapsed else None}


# -- cleaning up ----------------------------------------------------------------


def cleanup(company: Any, *, delete_company: bool = True) -> None:
    """Delete the bench company's books (posted ones too: the triggers are set aside)."""
    from django.db import connection, transaction

    from comptoir.back.ledger.models import (
        Account,
        Balance,
        FiscalYear,
        Journal,
        LedgerSettings,
        Period,
        Tax,
    )
    from comptoir.core.audit.models import AuditEntry
    from comptoir.core.events.models import OutboxEvent
    from comptoir.core.numbering.models import Sequence

    with transaction.atomic():
        _delete_other_ledger_rows(company)
        FiscalYear.objects.filter(company=company).update(closing_entry=None)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = replica")
            else:
                _sqlite_triggers(drop=True)
            cursor.execute("DELETE FROM ledger_line WHERE company_id = %s", [company.pk])
            cursor.execute(
                "UPDATE ledger_entry SET reversal_of_id = NULL WHERE company_id = %s "
                "AND reversal_of_id IS NOT NULL",
                [company.pk],
            )
            cursor.execute("DELETE FROM ledger_entry WHERE company_id = %s", [company.pk])
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = origin")
            else:
                _sqlite_triggers(drop=False)
        Balance.objects.filter(company=company).delete()
        Tax.objects.filter(company=company).delete()
        Journal.objects.filter(company=company).delete()
        Period.objects.filter(company=company).delete()
        FiscalYear.objects.filter(company=company).delete()
        Account.objects.filter(company=company).delete()
        LedgerSettings.objects.filter(company=company).delete()
        Sequence.objects.filter(company=company).delete()
        events = list(OutboxEvent.objects.filter(company=company).values_list("pk", flat=True))
        _delete_delivery_tasks(events)
        OutboxEvent.objects.filter(pk__in=events).delete()
        AuditEntry.objects.filter(company=company).delete()
        if delete_company:
            company.delete()


def _delete_other_ledger_rows(company: Any) -> None:
    """Rows of the ledger's other tables (VAT returns…) that point at the books, if any."""
    from django.apps import apps

    from comptoir.back.ledger import models as ledger

    known = {
        ledger.Account,
        ledger.Balance,
        ledger.Entry,
        ledger.FiscalYear,
        ledger.Journal,
        ledger.Line,
        ledger.Period,
        ledger.Tax,
        ledger.LedgerSettings,
    }
    others = [
        model
        for model in apps.get_app_config("ledger").get_models()
        if model not in known and any(f.name == "company" for f in model._meta.fields)
    ]
    for model in reversed(others):
        model._default_manager.filter(company=company).delete()


def _delete_delivery_tasks(event_ids: list[int]) -> None:
    """The queued deliveries of the bench's events (the database task backend only)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover
        return
    from django.db import DatabaseError

    for start in range(0, len(event_ids), 500):
        chunk = event_ids[start : start + 500]
        try:
            DBTaskResult.objects.filter(
                task_path__endswith="deliver_event", args_kwargs__args__0__in=chunk
            ).delete()
        except DatabaseError:  # pragma: no cover - the table may not exist (other backend)
            return


# -- the bench ------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    total = int(getattr(args, "lines", 1_000_000))
    first = getattr(args, "first_lines", None)
    first = int(first) if first else max(LINES_PER_ENTRY, total // 10)
    accounts = int(getattr(args, "accounts", 200))
    repeat = int(getattr(args, "repeat", 7))
    sample = int(getattr(args, "sample", 20))
    seconds = float(getattr(args, "seconds", 10.0))
    keep = bool(getattr(args, "keep", False))
    if total < first:
        raise ValueError("--lines must be at least --first-lines")

    from comptoir.cli import init, setup_django

    setup_django()
    init(interactive=False, verbosity=0, create_admin=False)
    from django.db import connection

    _check_columns()
    books = prepare_books(accounts)
    try:
        entries_first = first // LINES_PER_ENTRY
        entries_total = total // LINES_PER_ENTRY
        load_first_s = load(books, entries_first, seed=1)
        small = time_reports(books, repeat)
        lines_small = books.lines
        load_rest_s = load(books, entries_total - entries_first, seed=2)
        large = time_reports(books, repeat)
        lines_large = books.lines
        posting = measure_posting(books, seconds, sample)
        raw = measure_raw(books, seconds)
    finally:
        if not keep:
            cleanup(books.company)
    post_vs_raw = _ratio(posting["post_entries_per_s"], raw["raw_entries_per_s"])
    ratio_tb = _ratio(large["trial_balance_ms"], small["trial_balance_ms"])
    result: dict[str, Any] = {
        "bench": "ledger",
        "database": connection.vendor,
        "cpus": os.cpu_count(),
        "lines_100k": lines_small,
        "lines_1m": lines_large,
        "accounts": len(books.accounts),
        "periods": len(books.periods),
        "load_s_100k": load_first_s,
        "load_s_1m": load_rest_s,
        "trial_balance_ms_100k": small["trial_balance_ms"],
        "trial_balance_ms_1m": large["trial_balance_ms"],
        "trial_balance_ratio_1m_100k": ratio_tb,
        "group_by_ms_100k": small["group_by_ms"],
        "group_by_ms_1m": large["group_by_ms"],
        "trial_balance_vs_group_by": _ratio(large["trial_balance_ms"], large["group_by_ms"]),
        "general_ledger_ms_100k": small.get("general_ledger_ms"),
        "general_ledger_ms": large.get("general_ledger_ms"),
        "general_ledger_vs_group_by": _ratio(large.get("general_ledger_ms"), large["group_by_ms"]),
        "balance_sheet_ms_100k": small["balance_sheet_ms"],
        "balance_sheet_ms": large["balance_sheet_ms"],
        "balance_sheet_vs_group_by": _ratio(large["balance_sheet_ms"], large["group_by_ms"]),
        "seconds": seconds,
        **posting,
        **raw,
        "post_vs_raw": post_vs_raw,
        "targets": {
            "trial_balance_ms_1m": {
                "target": f"<= {TARGETS['trial_balance_ms_1m']} ms",
                "value": large["trial_balance_ms"],
                "pass": large["trial_balance_ms"] <= TARGETS["trial_balance_ms_1m"],
            },
            "trial_balance_ratio_1m_100k": {
                "target": f"< {TARGETS['trial_balance_ratio_1m_100k']}",
                "value": ratio_tb,
                "pass": ratio_tb is not None and ratio_tb < TARGETS["trial_balance_ratio_1m_100k"],
            },
            "post_vs_raw": {
                "target": f">= {TARGETS['post_vs_raw']}",
                "value": post_vs_raw,
                "pass": post_vs_raw is not None and post_vs_raw >= TARGETS["post_vs_raw"],
            },
            "queries_per_entry": {
                "target": f"<= {TARGETS['queries_per_entry']}",
                "value": posting["queries_per_entry"],
                "pass": posting["queries_per_entry"] <= TARGETS["queries_per_entry"],
            },
        },
        "kept": keep,
    }
    return result
