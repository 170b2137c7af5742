"""``comptoir bench ledger`` with tiny sizes: it measures, reports, and leaves no trace.

The bench sets the ledger's triggers aside while it bulk-loads and cleans
up; these tests check that it answers every figure and target, that the
bench company is gone afterwards, and that the triggers guard the books
again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from comptoir.back.ledger.models import Entry, Line
from comptoir.bench import ledger as bench
from comptoir.core.companies.models import Company

FIGURES = {
    "trial_balance_ms_100k",
    "trial_balance_ms_1m",
    "trial_balance_ratio_1m_100k",
    "group_by_ms_1m",
    "trial_balance_vs_group_by",
    "general_ledger_ms",
    "balance_sheet_ms",
    "post_entries_per_s",
    "raw_entries_per_s",
    "post_vs_raw",
    "queries_per_entry",
}


def check_report(report: dict[str, Any], *, lines: int) -> None:
    assert set(report) >= FIGURES
    assert report["bench"] == "ledger"
    assert report["lines_100k"] == lines // 10
    assert report["lines_1m"] == lines
    for key in FIGURES:
        assert report[key] is not None and report[key] >= 0, key
    assert report["post_entries"] > 0 and report["raw_entries"] > 0
    assert 10 <= report["queries_per_entry"] <= 60
    assert set(report["targets"]) == {
        "trial_balance_ms_1m",
        "trial_balance_ratio_1m_100k",
        "post_vs_raw",
        "queries_per_entry",
    }
    for name, target in report["targets"].items():
        assert isinstance(target["pass"], bool), name


def test_the_bench_measures_then_deletes_its_books_and_restores_the_triggers(
    books: Company, post: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("comptoir.cli.init", lambda **_kwargs: None)  # the test database is ready
    args = argparse.Namespace(
        lines=2000, first_lines=None, accounts=40, repeat=1, sample=2, seconds=0.3, keep=False
    )
    report = bench.run(args)
    check_report(report, lines=2000)
    assert report["database"] == connection.vendor

    assert not Company.objects.filter(code=bench.BENCH_COMPANY).exists()
    assert not Entry.objects.exclude(company=books).exists()
    # The triggers are back: a posted line cannot be changed, even by raw SQL.
    entry = post(books, "OD", dt.date(2026, 3, 1), ("641", "100", 0), ("421", 0, "100"))
    line = Line.objects.filter(entry=entry).first()
    assert line is not None
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_line SET debit = 1 WHERE id = %s", [line.pk])
    line.refresh_from_db()
    assert line.debit == 100


def test_the_bench_runs_from_the_command_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="comptoir.settings",
        COMPTOIR_DATA_DIR=str(tmp_path),
        PYTHONUNBUFFERED="1",
    )
    result = subprocess.run(
        [
            *(sys.executable, "-m", "comptoir.cli", "bench", "ledger", "--json"),
            *("--lines", "1000", "--seconds", "0.3", "--repeat", "1", "--sample", "2"),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    check_report(report, lines=1000)
    assert report["database"] == "sqlite"
    assert report["kept"] is False
