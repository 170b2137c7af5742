"""The reports over the API: figures as decimal strings, bad input named, files on demand."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pypdf
import pytest
from django.test import Client

from comptoir.back.ledger.models import FiscalYear, Period
from comptoir.back.ledger.tests.test_reports import Books, french_months
from comptoir.core.companies.models import Company

BASE = "/api/v1/ledger/reports"
D = Decimal


@pytest.fixture
def fr(books: Company, accountant: Any) -> Books:
    return french_months(books, accountant)


@pytest.fixture
def client(api_client: Any, accountant: Any) -> Client:
    return api_client(accountant)


def period_id(company: Company, name: str) -> int:
    return Period.objects.get(company=company, name=name).pk


def test_the_trial_balance_answers_amounts_as_strings(fr: Books, client: Client) -> None:
    feb = period_id(fr.company, "2026-02")
    answer = client.get(f"{BASE}/trial-balance", {"period_to": feb})

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["currency"] == "EUR"
    assert body["period_from"]["name"] == "2026-01" and body["period_to"]["name"] == "2026-02"
    bank = next(r for r in body["rows"] if r["code"] == "512")
    assert D(bank["closing_debit"]) == D("10600") and isinstance(bank["closing_debit"], str)
    assert body["totals"]["balanced"] is True
    assert D(body["totals"]["debit"]) == D(body["totals"]["credit"]) == D("17500")


def test_the_trial_balance_of_a_class_with_last_year(fr: Books, client: Client) -> None:
    answer = client.get(f"{BASE}/trial-balance", {"prefix": "6", "comparative": "true"})
    assert answer.status_code == 200
    body = answer.json()
    assert {r["code"] for r in body["rows"]} == {"607", "641"}
    assert body["comparative_fiscal_year"] is None


def test_the_general_ledger_of_the_bank(fr: Books, client: Client) -> None:
    answer = client.get(
        f"{BASE}/general-ledger",
        {"account": "512", "date_from": "2026-01-20", "date_to": "2026-02-28"},
    )
    assert answer.status_code == 200, answer.content
    (bank,) = answer.json()["accounts"]
    assert D(bank["opening"]) == D("10000")
    assert [D(ln["balance"]) for ln in bank["lines"]] == [D("11200"), D("10600")]
    assert bank["lines"][0]["entry_number"] == fr.entries["martin_pays"].number


def test_the_journal_report(fr: Books, client: Client) -> None:
    answer = client.get(f"{BASE}/journal", {"journal": "VE", "date_from": "2026-01-01"})
    assert answer.status_code == 200, answer.content
    (sales,) = answer.json()["journals"]
    assert [e["number"] for e in sales["entries"]] == [
        fr.entries["sale_martin"].number,
        fr.entries["sale_port"].number,
    ]
    assert D(sales["debit"]) == D("3600")


def test_the_partner_ledger_of_one_customer(fr: Books, client: Client) -> None:
    answer = client.get(
        f"{BASE}/partner-ledger",
        {"party": fr.customer_a.pk, "account_type": "receivable", "date_from": "2026-01-01"},
    )
    assert answer.status_code == 200, answer.content
    (martin,) = answer.json()["sections"]
    assert martin["party_name"] == "Boulangerie Martin"
    assert [D(ln["balance"]) for ln in martin["lines"]] == [D("1200"), D("0")]


def test_the_balance_sheet_balances(fr: Books, client: Client) -> None:
    answer = client.get(f"{BASE}/balance-sheet", {"period": period_id(fr.company, "2026-02")})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["chart"] == "fr_pcg"
    assert body["balanced"] is True
    totals = {b["key"]: D(b["total"]) for b in body["blocks"]}
    assert totals == {"asset": D("13100"), "liability": D("13100")}
    assert D(body["result"]) == D("1000")
    cash = next(ln for g in body["groups"] for ln in g["lines"] if ln["code"] == "CF")
    assert cash["accounts"] == ["512"]


def test_the_income_statement(fr: Books, client: Client) -> None:
    answer = client.get(f"{BASE}/income-statement", {"period_to": period_id(fr.company, "2026-02")})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert D(body["result"]) == D("1000")
    assert body["blocks"][0]["label"] == "Exploitation"


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("trial-balance", {"period_from": "abc"}, "period_from"),
        ("trial-balance", {"prefix": "6;DROP"}, "prefix"),
        ("general-ledger", {"account": "99999"}, "account"),
        ("general-ledger", {"date_from": "2026-02-30"}, "date_from"),
        ("general-ledger", {"date_from": "2026-03-01", "date_to": "2026-02-01"}, "date_to"),
        ("general-ledger", {"date_from": "1999-01-01"}, "date_from"),
        ("journal", {"journal": "ZZ"}, "journal"),
        ("partner-ledger", {"account_type": "revenue"}, "account_type"),
        ("balance-sheet", {"format": "docx"}, "format"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    fr: Books, client: Client, path: str, params: dict[str, str], field: str
) -> None:
    answer = client.get(f"{BASE}/{path}", params)
    assert answer.status_code == 422, answer.content
    assert field in answer.json()["fields"]


def test_periods_out_of_order_are_refused(fr: Books, client: Client) -> None:
    answer = client.get(
        f"{BASE}/income-statement",
        {
            "period_from": period_id(fr.company, "2026-05"),
            "period_to": period_id(fr.company, "2026-02"),
        },
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "period_order"


def test_unknown_ids_are_not_found(fr: Books, client: Client, books_ro: Company) -> None:
    theirs = FiscalYear.objects.get(company=books_ro)
    assert client.get(f"{BASE}/trial-balance", {"fiscal_year": theirs.pk}).status_code == 404
    assert client.get(f"{BASE}/balance-sheet", {"period": 999999}).status_code == 404
    assert client.get(f"{BASE}/partner-ledger", {"party": 999999}).status_code == 404


def test_a_company_without_books_is_told_so(
    company_ro: Company, make_user: Any, api_client: Any
) -> None:
    user = make_user("compta", roles=("accountant",), companies=(company_ro,))
    answer = api_client(user).get(f"{BASE}/trial-balance")
    assert answer.status_code == 409
    assert answer.json()["code"] == "ledger_not_set_up"


@pytest.mark.parametrize(
    "path",
    [
        "trial-balance",
        "general-ledger",
        "journal",
        "partner-ledger",
        "balance-sheet",
        "income-statement",
    ],
)
def test_a_salesperson_may_not_read_the_books(
    fr: Books, api_client: Any, user_for: Any, path: str
) -> None:
    answer = api_client(user_for("sales")).get(f"{BASE}/{path}")
    assert answer.status_code == 403


def test_the_auditor_reads_the_books(fr: Books, api_client: Any, user_for: Any) -> None:
    assert api_client(user_for("auditor")).get(f"{BASE}/balance-sheet").status_code == 200


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("pdf", "application/pdf"),
    ],
)
def test_every_report_downloads_as_a_file(
    fr: Books, client: Client, fmt: str, content_type: str
) -> None:
    for path in (
        "trial-balance",
        "general-ledger",
        "journal",
        "partner-ledger",
        "balance-sheet",
        "income-statement",
    ):
        answer = client.get(
            f"{BASE}/{path}",
            {"format": fmt, "date_from": "2026-01-01"}
            if path in ("general-ledger", "journal", "partner-ledger")
            else {"format": fmt},
        )
        assert answer.status_code == 200, (path, answer.content[:200])
        assert answer["Content-Type"].startswith(content_type), path
        assert f".{fmt}" in answer["Content-Disposition"]


def test_the_csv_trial_balance_holds_the_figures(fr: Books, client: Client) -> None:
    answer = client.get(f"{BASE}/trial-balance", {"format": "csv"})
    text = b"".join(answer.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    lines = text.splitlines()
    assert lines[0].startswith("Account,Name,Opening debit")
    bank = next(ln for ln in lines if ln.startswith("512,"))
    assert "10600" in bank
    assert lines[-1].startswith("Total,")


def test_the_xlsx_balance_sheet_holds_numbers(fr: Books, client: Client) -> None:
    from openpyxl import load_workbook

    answer = client.get(f"{BASE}/balance-sheet", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    cells = {row[2]: row[4] for row in sheet.iter_rows(values_only=True) if row[2]}
    assert cells["CF"] == 10600


def test_the_pdf_names_the_company(fr: Books, client: Client) -> None:
    answer = client.get(f"{BASE}/trial-balance", {"format": "pdf"})
    assert answer.content.startswith(b"%PDF")
    text = "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(answer.content)).pages
    )
    assert "Atelier Dupont SAS" in text
    assert "Trial balance" in text


def test_a_date_outside_every_fiscal_year_is_refused(fr: Books, client: Client) -> None:
    answer = client.get(f"{BASE}/journal", {"date_to": dt.date(2031, 1, 1).isoformat()})
    assert answer.status_code == 422
    assert "date_to" in answer.json()["fields"]


PATHS = (
    "trial-balance",
    "general-ledger",
    "journal",
    "partner-ledger",
    "balance-sheet",
    "income-statement",
)
ODD_VALUES = (
    "",
    "0",
    "-1",
    "99999999999999999999",
    "2026-02-29",
    "0001-01-01",
    "9999-12-31",
    "6,,7",
    "x" * 300,
    "true",
    "é",
)


@pytest.mark.parametrize("path", PATHS)
def test_odd_query_values_never_break_a_report(fr: Books, client: Client, path: str) -> None:
    names = (
        "fiscal_year",
        "period_from",
        "period_to",
        "period",
        "party",
        "account",
        "prefix",
        "accounts",
        "journal",
        "date_from",
        "date_to",
        "account_type",
        "comparative",
    )
    for name in names:
        for value in ODD_VALUES:
            answer = client.get(f"{BASE}/{path}", {name: value})
            assert answer.status_code in (200, 404, 422), (path, name, value, answer.content[:300])
            assert "code" in answer.json() or answer.status_code == 200


def test_a_long_json_ledger_is_cut_but_its_totals_are_whole(
    fr: Books, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from comptoir.back.ledger.api import reports as api_reports

    monkeypatch.setattr(api_reports, "API_MAX_LINES", 2)
    body = client.get(f"{BASE}/general-ledger", {"prefix": "4", "date_from": "2026-01-01"}).json()
    assert body["truncated"] is True
    assert sum(len(a["lines"]) for a in body["accounts"]) == 2
    customers = next(a for a in body["accounts"] if a["code"] == "411")
    assert D(customers["closing"]) == D("2400")
    csv = client.get(
        f"{BASE}/general-ledger", {"prefix": "4", "date_from": "2026-01-01", "format": "csv"}
    )
    text = b"".join(csv.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    labels = [ln["label"] for a in body["accounts"] for ln in a["lines"]]
    assert "Facture Café du Port" not in labels
    assert text.count("Facture Café du Port") == 2  # the file holds every line: 411 and 44571
