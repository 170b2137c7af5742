"""The report pages: filters, drill-down links, downloads, and who may see them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pypdf
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.back.ledger import reports
from comptoir.back.ledger.models import Period
from comptoir.back.ledger.tests.test_reports import Books, entry, french_months
from comptoir.core.companies.models import Company

PAGES = (
    "report_index",
    "trial_balance",
    "general_ledger",
    "journal_report",
    "partner_ledger",
    "balance_sheet",
    "income_statement",
)
REPORT_PAGES = PAGES[1:]
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@pytest.fixture
def fr(books: Company, accountant: Any) -> Books:
    return french_months(books, accountant)


@pytest.fixture
def browser(page_client: Any, accountant: Any) -> Client:
    return page_client(accountant)


def url(name: str) -> str:
    return reverse(f"ledger:{name}")


def period_id(company: Company, name: str) -> int:
    return Period.objects.get(company=company, name=name).pk


@pytest.mark.parametrize("name", PAGES)
def test_the_accountant_sees_every_report(fr: Books, browser: Client, name: str) -> None:
    answer = browser.get(url(name), {"date_from": "2026-01-01"} if "ledger" in name else {})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("name", PAGES)
def test_a_salesperson_may_not_see_the_reports(
    fr: Books, page_client: Any, user_for: Any, name: str
) -> None:
    assert page_client(user_for("sales")).get(url(name)).status_code == 403


def test_the_settlement_officer_reads_the_reports(
    fr: Books, page_client: Any, user_for: Any
) -> None:
    assert page_client(user_for("settlement")).get(url("trial_balance")).status_code == 200


def test_the_index_links_every_report(fr: Books, browser: Client) -> None:
    html = browser.get(url("report_index")).content.decode()
    for name in REPORT_PAGES:
        assert f'href="{url(name)}"' in html


def test_the_trial_balance_rows_open_the_account_ledger(fr: Books, browser: Client) -> None:
    feb = period_id(fr.company, "2026-02")
    html = browser.get(url("trial_balance"), {"period_to": feb}).content.decode()
    assert 'data-account="512"' in html
    assert (
        f"{url('general_ledger')}?account=512&amp;date_from=2026-01-01&amp;date_to=2026-02-28"
        in html
    )
    # The defaults are made visible in the form: the fiscal year and the first period.
    assert f'<option value="{period_id(fr.company, "2026-01")}" selected>' in html


def test_the_account_ledger_links_each_line_to_its_entry(fr: Books, browser: Client) -> None:
    html = browser.get(
        url("general_ledger"),
        {"account": "512", "date_from": "2026-01-01", "date_to": "2026-02-28"},
    ).content.decode()
    for key in ("capital", "martin_pays", "pay_lefevre"):
        posted = fr.entries[key]
        assert f'href="{reverse("ledger:entry_detail", args=[posted.pk])}"' in html
        assert posted.number in html


def test_the_statement_lines_open_the_trial_balance_of_their_accounts(
    fr: Books, browser: Client
) -> None:
    feb = period_id(fr.company, "2026-02")
    html = browser.get(url("balance_sheet"), {"period": feb}).content.decode()
    assert 'data-line="CF"' in html
    assert "accounts=512" in html
    assert 'data-balanced="true"' in html
    fy = fr.entries["capital"].fiscal_year_id
    link = f"{url('trial_balance')}?fiscal_year={fy}&amp;period_to={feb}&amp;accounts=512"
    assert link in html
    # Following the link shows the account behind the line.
    answer = browser.get(
        url("trial_balance"), {"fiscal_year": fy, "period_to": feb, "accounts": "512"}
    )
    assert b'data-account="512"' in answer.content
    assert b'data-account="411"' not in answer.content


def test_the_income_statement_page_shows_the_result(fr: Books, browser: Client) -> None:
    html = browser.get(
        url("income_statement"), {"period_to": period_id(fr.company, "2026-02")}
    ).content.decode()
    assert "Exploitation" in html
    assert 'data-line="FI"' in html
    assert "data-result" in html


def test_the_partner_ledger_page_filters_on_a_customer(fr: Books, browser: Client) -> None:
    html = browser.get(
        url("partner_ledger"), {"party": fr.customer_b.pk, "date_from": "2026-01-01"}
    ).content.decode()
    assert "Café du Port" in html
    assert "Boulangerie Martin</a>" not in html


def test_the_journal_page_shows_its_entries(fr: Books, browser: Client) -> None:
    html = browser.get(
        url("journal_report"), {"journal": "VE", "date_from": "2026-01-01"}
    ).content.decode()
    assert fr.entries["sale_port"].number in html
    assert fr.entries["capital"].number not in html


def test_bad_filters_show_on_the_form(fr: Books, browser: Client) -> None:
    answer = browser.get(url("general_ledger"), {"account": "99999"})
    assert answer.status_code == 200
    assert b'data-field="account"' in answer.content

    answer = browser.get(
        url("income_statement"),
        {
            "period_from": period_id(fr.company, "2026-05"),
            "period_to": period_id(fr.company, "2026-02"),
        },
    )
    assert b'data-field="period_to"' in answer.content

    answer = browser.get(url("journal_report"), {"date_from": "not a date"})
    assert b'data-field="date_from"' in answer.content


def test_a_company_without_books_sees_why(company_ro: Company, make_user: Any) -> None:
    user = make_user("compta", roles=("accountant",), companies=(company_ro,))
    client = Client()
    client.force_login(user)
    answer = client.get(url("trial_balance"))
    assert answer.status_code == 200
    assert "no ledger" in answer.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
@pytest.mark.parametrize("name", REPORT_PAGES)
def test_each_report_downloads(fr: Books, browser: Client, name: str, fmt: str) -> None:
    params = {"format": fmt}
    if "ledger" in name or name == "journal_report":
        params["date_from"] = "2026-01-01"
    answer = browser.get(url(name), params)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith(CONTENT_TYPES[fmt])
    assert "attachment" in answer["Content-Disposition"]
    body = (
        b"".join(answer.streaming_content)  # type: ignore[attr-defined]
        if answer.streaming
        else answer.content
    )
    if fmt == "pdf":
        assert body.startswith(b"%PDF")
    elif fmt == "xlsx":
        assert body.startswith(b"PK")
    else:
        assert body.decode("utf-8-sig").count("\n") > 2


def test_the_pdf_balance_sheet_names_the_company_and_its_lines(fr: Books, browser: Client) -> None:
    answer = browser.get(url("balance_sheet"), {"format": "pdf"})
    assert answer.content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(answer.content)).pages)
    assert "Atelier Dupont SAS" in text
    assert "Disponibilités" in text


def test_the_download_links_keep_the_filters(fr: Books, browser: Client) -> None:
    html = browser.get(url("journal_report"), {"journal": "VE"}).content.decode()
    assert "?journal=VE&amp;format=csv" in html
    assert "?journal=VE&amp;format=pdf" in html


def test_a_pdf_too_long_to_read_is_refused_politely(
    fr: Books, browser: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reports, "PDF_MAX_ROWS", 3)
    answer = browser.get(url("journal_report"), {"format": "pdf", "date_from": "2026-01-01"})
    assert answer.status_code == 200
    assert b"data-download-error" in answer.content


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("trial_balance", {}),
        ("balance_sheet", {}),
        ("income_statement", {}),
        ("general_ledger", {"prefix": "4", "date_from": "2026-01-01"}),
        ("journal_report", {"date_from": "2026-01-01"}),
        ("partner_ledger", {"date_from": "2026-01-01"}),
    ],
)
def test_the_pages_query_count_does_not_grow_with_the_books(
    fr: Books,
    browser: Client,
    django_assert_max_num_queries: Any,
    name: str,
    params: dict[str, str],
) -> None:
    with CaptureQueriesContext(connection) as before:
        browser.get(url(name), params)
    for day in range(1, 25):
        entry(
            fr.actor,
            fr.company,
            "VE",
            dt.date(2026, 2, day),
            ("411", 12, 0, fr.customer_a if day % 2 else fr.customer_b),
            ("706", 0, 10),
            ("44571", 0, 2),
        )
    with django_assert_max_num_queries(len(before)):
        browser.get(url(name), params)
