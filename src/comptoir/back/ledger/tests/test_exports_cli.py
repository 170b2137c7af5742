"""``comptoir ledger``: the exports and the hash check from the command line.

The commands run in this process, on the test database (``comptoir.cli.main``
is what the ``comptoir`` script calls); exit codes are what a script sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from comptoir.back.ledger.models import Entry
from comptoir.cli import main
from comptoir.core.companies.models import Company

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(books: Company, post: Callable[..., Entry]) -> list[Entry]:
    return [
        post(books, "VE", dt.date(2026, 2, 1), ("411", "120", 0), ("706", 0, "120")),
        post(books, "VE", dt.date(2026, 2, 2), ("411", "60", 0), ("706", 0, "60")),
    ]


def test_verify_says_all_is_well_and_exits_0(
    sales: list[Entry], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ledger", "verify"]) == 0
    out = capsys.readouterr().out
    assert "dupont VE: 2 entries, intact (last VE-2026-000002)" in out
    assert "every hash chain is intact" in out


def test_verify_names_the_first_broken_link_and_exits_1(
    books: Company, sales: list[Entry], capsys: pytest.CaptureFixture[str]
) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER ledger_line_update_posted")
            else:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE ledger_line DISABLE TRIGGER ledger_line_guard")
            cursor.execute(
                "UPDATE ledger_line SET label = 'changed' WHERE entry_id = %s", [sales[0].pk]
            )
        assert main(["ledger", "verify", "--company", "dupont"]) == 1
        transaction.set_rollback(True)
    captured = capsys.readouterr()
    assert "dupont VE: 2 entries, BROKEN" in captured.out
    assert "first broken link: dupont VE VE-2026-000001" in captured.err
    assert "[hash_mismatch]" in captured.err


def test_export_fec_writes_the_file(
    sales: list[Entry], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "fec.txt"
    code = main(
        ["ledger", "export-fec", "--company", "dupont", "--year", "2026", "--output", str(target)]
    )
    assert code == 0
    assert "303265045FEC20261231.txt written to" in capsys.readouterr().out
    records = target.read_bytes().decode("utf-8").split("\r\n")
    assert records[0].startswith("JournalCode\tJournalLib\tEcritureNum")
    assert len(records) == 1 + 4


def test_export_beancount_writes_the_file(
    sales: list[Entry], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "books.beancount"
    code = main(["ledger", "export-beancount", "--company", "dupont", "--output", str(target)])
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert 'option "operating_currency" "EUR"' in text
    assert text.count("* ") >= 2
    assert "dupont-all.beancount written to" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["ledger", "export-fec", "--company", "nobody", "--year", "2026", "--output", "x"],
            "No company with the code 'nobody'",
        ),
        (
            ["ledger", "export-fec", "--company", "dupont", "--year", "1999", "--output", "x"],
            "This company has no fiscal year 1999",
        ),
        (
            ["ledger", "export-fec", "--company", "carpati", "--year", "2026", "--output", "x"],
            "The FEC is a French file",
        ),
        (["ledger", "verify", "--company", "nobody"], "No company with the code 'nobody'"),
    ],
)
def test_an_unknown_company_or_year_is_a_clear_error(
    books: Company,
    books_ro: Company,
    argv: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x").exists(), "nothing written"


def test_missing_arguments_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["ledger", "export-fec", "--company", "dupont"])
    assert stopped.value.code == 2
    assert "--year" in capsys.readouterr().err


def test_beancount_of_a_company_without_books(
    company_ro: Company, tmp_path: Path, capsys: pytest.CaptureFixture[str], db: Any
) -> None:
    target = tmp_path / "b.beancount"
    argv = ["ledger", "export-beancount", "--company", "carpati", "--output", str(target)]
    assert main(argv) == 1
    assert "no ledger yet" in capsys.readouterr().err
