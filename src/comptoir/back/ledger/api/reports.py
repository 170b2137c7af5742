"""Financial reports over the API: ``/api/v1/ledger/reports/...`` (``ledger.view``).

Each operation answers JSON by default; ``format=csv|xlsx|pdf`` answers the
same report as a file. Amounts are decimal strings in the company currency.
Periods, fiscal years and parties are named by id (an unknown one is a 404);
accounts and journals by code (an unknown one is a 422 naming the field).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from comptoir.back.ledger import reports
from comptoir.core.identity.access import access, api_company
from comptoir.core.kernel.api import ERRORS

router = Router()

VIEW = "ledger.view"
# A JSON answer holds at most this many lines (``truncated`` says so; the totals still
# cover every line); the files hold them all.
API_MAX_LINES = 50_000
Format = Literal["json", "csv", "xlsx", "pdf"]
FORMAT_HELP = "json (default), or csv, xlsx, pdf to download the report as a file"
# The files ``format`` answers with, besides the JSON body.
FILES: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The report: JSON, or the file ``format`` asks for.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}
                },
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


# --------------------------------------------------------------------------- shapes


class FiscalYearRef(Schema):
    id: int
    name: str
    start: dt.date
    end: dt.date


class PeriodRef(Schema):
    id: int
    name: str
    start: dt.date
    end: dt.date


class TrialBalanceRowOut(Schema):
    account_id: int
    code: str
    name: str
    type: str
    opening_debit: Decimal
    opening_credit: Decimal
    debit: Decimal
    credit: Decimal
    closing_debit: Decimal
    closing_credit: Decimal
    balance: Decimal
    comparative: Decimal | None = None


class TrialBalanceTotalsOut(Schema):
    opening_debit: Decimal
    opening_credit: Decimal
    debit: Decimal
    credit: Decimal
    closing_debit: Decimal
    closing_credit: Decimal
    comparative: Decimal | None = None
    balanced: bool


class TrialBalanceOut(Schema):
    currency: str
    fiscal_year: FiscalYearRef
    period_from: PeriodRef
    period_to: PeriodRef
    comparative_fiscal_year: FiscalYearRef | None = None
    prefixes: list[str]
    accounts: list[str]
    rows: list[TrialBalanceRowOut]
    totals: TrialBalanceTotalsOut

    @staticmethod
    def resolve_currency(obj: Any) -> str:
        return str(obj.company.currency)


class LedgerLineOut(Schema):
    line_id: int
    date: dt.date
    entry_id: int
    entry_number: str
    journal_code: str
    label: str
    party_id: int | None
    party_name: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    reconcile_ref: str


class AccountLedgerOut(Schema):
    account_id: int
    code: str
    name: str
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal
    lines: list[LedgerLineOut]


class GeneralLedgerOut(Schema):
    currency: str
    fiscal_year: FiscalYearRef
    date_from: dt.date
    date_to: dt.date
    accounts: list[AccountLedgerOut]
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal

    truncated: bool

    @staticmethod
    def resolve_currency(obj: Any) -> str:
        return str(obj.company.currency)


class JournalLineOut(Schema):
    line_id: int
    account_code: str
    account_name: str
    party_name: str
    label: str
    debit: Decimal
    credit: Decimal


class JournalEntryOut(Schema):
    entry_id: int
    number: str
    date: dt.date
    label: str
    ref: str
    debit: Decimal
    credit: Decimal
    lines: list[JournalLineOut]


class JournalSectionOut(Schema):
    journal_id: int
    code: str
    name: str
    debit: Decimal
    credit: Decimal
    entries: list[JournalEntryOut]


class JournalReportOut(Schema):
    currency: str
    fiscal_year: FiscalYearRef
    date_from: dt.date
    date_to: dt.date
    journals: list[JournalSectionOut]
    debit: Decimal
    credit: Decimal

    truncated: bool

    @staticmethod
    def resolve_currency(obj: Any) -> str:
        return str(obj.company.currency)


class PartnerLineOut(Schema):
    line_id: int
    date: dt.date
    entry_id: int
    entry_number: str
    journal_code: str
    account_code: str
    label: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    reconcile_ref: str


class PartnerSectionOut(Schema):
    party_id: int | None
    party_name: str
    account_type: str
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal
    lines: list[PartnerLineOut]


class PartnerLedgerOut(Schema):
    currency: str
    fiscal_year: FiscalYearRef
    date_from: dt.date
    date_to: dt.date
    account_types: list[str]
    sections: list[PartnerSectionOut]
    debit: Decimal
    credit: Decimal

    truncated: bool

    @staticmethod
    def resolve_currency(obj: Any) -> str:
        return str(obj.company.currency)


class StatementLineOut(Schema):
    code: str
    label: str
    amount: Decimal
    comparative: Decimal | None = None
    accounts: list[str]
    result: bool


class StatementGroupOut(Schema):
    label: str
    section: str
    total: Decimal
    comparative: Decimal | None = None
    lines: list[StatementLineOut]


class StatementBlockOut(Schema):
    key: str
    label: str
    total: Decimal
    comparative: Decimal | None = None


class StatementOut(Schema):
    currency: str
    chart: str
    fiscal_year: FiscalYearRef
    period_from: PeriodRef
    period_to: PeriodRef
    comparative_fiscal_year: FiscalYearRef | None = None
    groups: list[StatementGroupOut]
    blocks: list[StatementBlockOut]
    result: Decimal
    comparative_result: Decimal | None = None
    unmapped: list[str]

    @staticmethod
    def resolve_currency(obj: Any) -> str:
        return str(obj.company.currency)


class BalanceSheetOut(StatementOut):
    """Sections ``asset`` and ``liability`` (equity included); ``balanced`` is true when
    assets equal equity and liabilities, the result of the year to date included."""

    balanced: bool


class IncomeStatementOut(StatementOut):
    """Sections ``revenue`` and ``expense``; each block is a group (operating,
    financial…) whose total is its revenue minus its expense; ``result`` is the
    period's revenue minus expense."""


def _max_lines(query: ReportQuery) -> int | None:
    return API_MAX_LINES if query.format == "json" else None


def _answer(report: Any, table: reports.ReportTable, request: HttpRequest, fmt: str) -> Any:
    if fmt == "json":
        return report
    return reports.report_download(table=table, company=api_company(request), fmt=fmt)


# --------------------------------------------------------------------------- query parameters


class ReportQuery(Schema):
    format: Format = Field("json", description=FORMAT_HELP)


class PeriodRangeQuery(ReportQuery):
    fiscal_year: int | None = Field(None, description="a fiscal year id; the current one if none")
    period_from: int | None = Field(None, description="a period id; the year's first if none")
    period_to: int | None = Field(None, description="a period id; today's if none")
    comparative: bool = Field(False, description="add the same range of the previous year")


class IncomeStatementQuery(PeriodRangeQuery):
    all_lines: bool = Field(False, description="files: keep the lines without an amount")


class TrialBalanceQuery(PeriodRangeQuery):
    prefix: str = Field("", max_length=200, description="account prefixes, comma-separated")
    accounts: str = Field("", max_length=10000, description="exact account codes, comma-separated")


class DateRangeQuery(ReportQuery):
    date_from: dt.date | None = Field(None, description="the start of the current year if none")
    date_to: dt.date | None = Field(None, description="today (within the year) if none")


class GeneralLedgerQuery(DateRangeQuery):
    account: str = Field("", max_length=20, description="one account code (or a range's first)")
    account_to: str = Field("", max_length=20, description="the last account code of a range")
    prefix: str = Field("", max_length=200, description="account prefixes, comma-separated")


class JournalReportQuery(DateRangeQuery):
    journal: str = Field("", max_length=10, description="a journal code; every journal if empty")


class PartnerLedgerQuery(DateRangeQuery):
    party: int | None = Field(None, description="a party id; every party if none")
    account_type: Literal["", "receivable", "payable"] = Field(
        "", description="receivable or payable accounts; both if empty"
    )


class BalanceSheetQuery(ReportQuery):
    period: int | None = Field(None, description="a period id; today's if none")
    comparative: bool = Field(False, description="add the same date of the previous year")
    all_lines: bool = Field(False, description="files: keep the lines without an amount")


# --------------------------------------------------------------------------- operations


@router.get(
    "/reports/trial-balance",
    response={200: TrialBalanceOut, **ERRORS},
    auth=access(VIEW),
    openapi_extra=FILES,
    operation_id="ledger_trial_balance_read",
    summary="Trial balance",
)
def trial_balance_read(request: HttpRequest, query: Query[TrialBalanceQuery]) -> Any:
    """Opening, movements and closing balance of every account with figures over a range of
    periods of one fiscal year (default: the current one, from its start to today's period),
    read from the per-period balances. ``comparative`` adds the closing balance (debit -
    credit) of the same range of the previous fiscal year."""
    report = reports.trial_balance(
        company=api_company(request),
        fiscal_year_id=query.fiscal_year,
        period_from_id=query.period_from,
        period_to_id=query.period_to,
        prefix=query.prefix,
        accounts=query.accounts,
        comparative=query.comparative,
    )
    return _answer(report, reports.trial_balance_table(report), request, query.format)


@router.get(
    "/reports/general-ledger",
    response={200: GeneralLedgerOut, **ERRORS},
    auth=access(VIEW),
    openapi_extra=FILES,
    operation_id="ledger_general_ledger_read",
    summary="General ledger",
)
def general_ledger_read(request: HttpRequest, query: Query[GeneralLedgerQuery]) -> Any:
    """The posted lines of an account (or of the accounts under prefixes; all accounts when
    neither is given) between two dates of one fiscal year, each account from its opening
    balance, each line with the running balance."""
    report = reports.general_ledger(
        company=api_company(request),
        account=query.account,
        account_to=query.account_to,
        prefix=query.prefix,
        date_from=query.date_from,
        date_to=query.date_to,
        max_lines=_max_lines(query),
    )
    return _answer(report, reports.general_ledger_table(report), request, query.format)


@router.get(
    "/reports/journal",
    response={200: JournalReportOut, **ERRORS},
    auth=access(VIEW),
    openapi_extra=FILES,
    operation_id="ledger_journal_report_read",
    summary="Journal report",
)
def journal_report_read(request: HttpRequest, query: Query[JournalReportQuery]) -> Any:
    """The posted entries of a journal (or of every journal) between two dates, with their
    lines, in number order, and each journal's totals."""
    report = reports.journal_report(
        company=api_company(request),
        journal=query.journal,
        date_from=query.date_from,
        date_to=query.date_to,
        max_lines=_max_lines(query),
    )
    return _answer(report, reports.journal_report_table(report), request, query.format)


@router.get(
    "/reports/partner-ledger",
    response={200: PartnerLedgerOut, **ERRORS},
    auth=access(VIEW),
    openapi_extra=FILES,
    operation_id="ledger_partner_ledger_read",
    summary="Partner ledger",
)
def partner_ledger_read(request: HttpRequest, query: Query[PartnerLedgerQuery]) -> Any:
    """Receivable and payable lines per party between two dates, each party from its
    opening balance in the fiscal year, with a running balance."""
    report = reports.partner_ledger(
        company=api_company(request),
        party_id=query.party,
        account_type=query.account_type,
        date_from=query.date_from,
        date_to=query.date_to,
        max_lines=_max_lines(query),
    )
    return _answer(report, reports.partner_ledger_table(report), request, query.format)


@router.get(
    "/reports/balance-sheet",
    response={200: BalanceSheetOut, **ERRORS},
    auth=access(VIEW),
    openapi_extra=FILES,
    operation_id="ledger_balance_sheet_read",
    summary="Balance sheet",
)
def balance_sheet_read(request: HttpRequest, query: Query[BalanceSheetQuery]) -> Any:
    """Assets, equity and liabilities at the end of a period (default: today's), in the
    chart's official presentation (French bilan, Romanian F10), the result of the year to
    date in equity. ``comparative`` adds the same date of the previous fiscal year."""
    report = reports.balance_sheet(
        company=api_company(request), period_id=query.period, comparative=query.comparative
    )
    table = reports.statement_table(report, all_lines=query.all_lines)
    return _answer(report, table, request, query.format)


@router.get(
    "/reports/income-statement",
    response={200: IncomeStatementOut, **ERRORS},
    auth=access(VIEW),
    openapi_extra=FILES,
    operation_id="ledger_income_statement_read",
    summary="Income statement",
)
def income_statement_read(request: HttpRequest, query: Query[IncomeStatementQuery]) -> Any:
    """Revenue and expense over a range of periods of one fiscal year in the chart's
    presentation (French compte de résultat, Romanian F20), by group, and the result."""
    report = reports.income_statement(
        company=api_company(request),
        fiscal_year_id=query.fiscal_year,
        period_from_id=query.period_from,
        period_to_id=query.period_to,
        comparative=query.comparative,
    )
    table = reports.statement_table(report, all_lines=query.all_lines)
    return _answer(report, table, request, query.format)
