"""Report pages: the list of reports, then one page per report with its filter form
and its downloads (``?format=csv|xlsx|pdf``). Everything needs ``ledger.view``.

The filters are GET parameters with the names the API uses, so a page's
address and the API call for the same report differ only by their prefix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.back.ledger import reports
from comptoir.back.ledger.models import Account, FiscalYear, Journal, Period
from comptoir.core.identity.access import page_access, page_company
from comptoir.core.kernel.errors import DomainError
from comptoir.core.web.forms import apply_domain_error

VIEW = "ledger.view"
# A page shows this many lines at most; the downloads hold every line.
PAGE_MAX_LINES = 2000
MAX_PARTY_CHOICES = 1000
EMPTY = [("", "—")]


# --------------------------------------------------------------------------- filter forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _fiscal_year_choices(company: Any) -> list[tuple[Any, str]]:
    years = FiscalYear.objects.filter(company=company).order_by("-start")
    return [*EMPTY, *((fy.pk, fy.name) for fy in years)]


def _period_choices(company: Any) -> list[tuple[Any, str]]:
    periods = Period.objects.filter(company=company).order_by("-start")
    return [*EMPTY, *((p.pk, p.name) for p in periods)]


class ReportForm(forms.Form):
    """A report's filters; ``company`` fills the choices."""

    def __init__(self, *args: Any, company: Any, **kwargs: Any) -> None:
        self.company = company
        super().__init__(*args, **kwargs)


class PeriodRangeForm(ReportForm):
    fiscal_year = forms.TypedChoiceField(
        label=gettext_lazy("Fiscal year"), coerce=int, required=False, empty_value=None
    )
    period_from = forms.TypedChoiceField(
        label=gettext_lazy("From period"), coerce=int, required=False, empty_value=None
    )
    period_to = forms.TypedChoiceField(
        label=gettext_lazy("To period"), coerce=int, required=False, empty_value=None
    )
    comparative = forms.BooleanField(label=gettext_lazy("Compare with last year"), required=False)

    def __init__(self, *args: Any, company: Any, **kwargs: Any) -> None:
        super().__init__(*args, company=company, **kwargs)
        self.fields["fiscal_year"].choices = _fiscal_year_choices(company)  # type: ignore[attr-defined]
        periods = _period_choices(company)
        self.fields["period_from"].choices = periods  # type: ignore[attr-defined]
        self.fields["period_to"].choices = periods  # type: ignore[attr-defined]


class TrialBalanceForm(PeriodRangeForm):
    # The API's name for it; Django's own ``prefix`` attribute stays None (fields are
    # taken off the class).
    prefix = forms.CharField(  # type: ignore[assignment]
        label=gettext_lazy("Accounts starting with"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("A class (6) or prefixes separated by commas (401,411)."),
    )
    accounts = forms.CharField(required=False, max_length=10000, widget=forms.HiddenInput)


class IncomeStatementForm(PeriodRangeForm):
    all_lines = forms.BooleanField(label=gettext_lazy("Show empty lines"), required=False)


class DateRangeForm(ReportForm):
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput())


class GeneralLedgerForm(DateRangeForm):
    account = forms.CharField(label=gettext_lazy("Account"), required=False, max_length=20)
    account_to = forms.CharField(label=gettext_lazy("To account"), required=False, max_length=20)
    prefix = forms.CharField(  # type: ignore[assignment]
        label=gettext_lazy("Accounts starting with"), required=False, max_length=200
    )

    def __init__(self, *args: Any, company: Any, **kwargs: Any) -> None:
        super().__init__(*args, company=company, **kwargs)
        self.fields["account"].widget.attrs["list"] = "report-accounts"
        self.fields["account_to"].widget.attrs["list"] = "report-accounts"


class JournalReportForm(DateRangeForm):
    journal = forms.ChoiceField(label=gettext_lazy("Journal"), required=False)

    def __init__(self, *args: Any, company: Any, **kwargs: Any) -> None:
        super().__init__(*args, company=company, **kwargs)
        journals = Journal.objects.filter(company=company).order_by("code")
        self.fields["journal"].choices = [  # type: ignore[attr-defined]
            ("", _("Every journal")),
            *((j.code, f"{j.code} · {j.name}") for j in journals),
        ]


class PartnerLedgerForm(DateRangeForm):
    party = forms.IntegerField(label=gettext_lazy("Party"), required=False, min_value=1)
    account_type = forms.ChoiceField(
        label=gettext_lazy("Accounts"),
        required=False,
        choices=[
            ("", gettext_lazy("Receivable and payable")),
            (Account.Type.RECEIVABLE.value, gettext_lazy("Receivable")),
            (Account.Type.PAYABLE.value, gettext_lazy("Payable")),
        ],
    )

    def __init__(self, *args: Any, company: Any, **kwargs: Any) -> None:
        super().__init__(*args, company=company, **kwargs)
        from django.db.models import Q

        from comptoir.core.parties.models import Party

        parties = Party.objects.filter(company=company).filter(
            Q(is_customer=True) | Q(is_supplier=True)
        )
        choices: list[tuple[Any, str]] = [("", _("Every party"))]
        choices += list(parties.order_by("name").values_list("pk", "name")[:MAX_PARTY_CHOICES])
        chosen = self.data.get("party") if self.is_bound else None
        if chosen and chosen.isdigit() and int(chosen) not in {c[0] for c in choices}:
            extra = Party.objects.filter(company=company, pk=int(chosen)).first()
            if extra is not None:
                choices.append((extra.pk, extra.name))
        self.fields["party"].widget = forms.Select(choices=choices)


class BalanceSheetForm(ReportForm):
    period = forms.TypedChoiceField(
        label=gettext_lazy("At the end of"), coerce=int, required=False, empty_value=None
    )
    comparative = forms.BooleanField(label=gettext_lazy("Compare with last year"), required=False)
    all_lines = forms.BooleanField(label=gettext_lazy("Show empty lines"), required=False)

    def __init__(self, *args: Any, company: Any, **kwargs: Any) -> None:
        super().__init__(*args, company=company, **kwargs)
        self.fields["period"].choices = _period_choices(company)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- the page machine


def _query_without(request: HttpRequest, *names: str) -> QueryDict:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query


def _downloads(request: HttpRequest) -> list[tuple[str, str]]:
    query = _query_without(request, "format")
    links = []
    for fmt in reports.DOWNLOAD_FORMATS:
        query["format"] = fmt
        links.append((fmt.upper(), f"{request.path}?{query.urlencode()}"))
    return links


def _report_page(
    request: HttpRequest,
    *,
    form_class: type[ReportForm],
    compute: Callable[[Any, dict[str, Any], bool], Any],
    table: Callable[[Any], reports.ReportTable],
    shown: Callable[[Any], dict[str, Any]],
    template: str,
    title: str,
    extra: Callable[[Any, Any], dict[str, Any]] | None = None,
) -> HttpResponse:
    """Read the filters, compute the report, answer the page or the download.

    ``compute(company, cleaned, for_download)`` returns the report;
    ``shown(report)`` gives the filter values in force (defaults made visible);
    ``extra(company, report)`` adds to the template's context.
    """
    company = page_company(request)
    bound = form_class(request.GET, company=company)
    fmt = request.GET.get("format", "")
    report = None
    download_error = ""
    if bound.is_valid():
        try:
            report = compute(company, bound.cleaned_data, fmt in reports.DOWNLOAD_FORMATS)
        except DomainError as exc:
            apply_domain_error(bound, exc)
    if report is not None and fmt in reports.DOWNLOAD_FORMATS:
        try:
            # A CSV download streams: a response all the same for the page machinery.
            return cast(
                HttpResponse,
                reports.report_download(table=table(report), company=company, fmt=fmt),
            )
        except DomainError as exc:
            download_error = exc.message
    form = bound
    if report is not None:
        form = form_class(initial={**bound.cleaned_data, **shown(report)}, company=company)
    return render(
        request,
        template,
        {
            "title": title,
            "form": form,
            "report": report,
            "currency": company.currency,
            "downloads": _downloads(request) if report is not None else [],
            "max_lines": PAGE_MAX_LINES,
            "download_error": download_error,
            **(extra(company, report) if extra is not None else {}),
        },
    )


# --------------------------------------------------------------------------- pages


REPORTS: tuple[tuple[str, Any, Any], ...] = (
    (
        "ledger:trial_balance",
        gettext_lazy("Trial balance"),
        gettext_lazy("Opening, movements and closing balance of every account over periods."),
    ),
    (
        "ledger:general_ledger",
        gettext_lazy("General ledger"),
        gettext_lazy("Every line of an account, with its running balance."),
    ),
    (
        "ledger:journal_report",
        gettext_lazy("Journal report"),
        gettext_lazy("The entries of a journal in number order, with their lines."),
    ),
    (
        "ledger:partner_ledger",
        gettext_lazy("Partner ledger"),
        gettext_lazy("What each customer owes and what is owed to each supplier."),
    ),
    (
        "ledger:balance_sheet",
        gettext_lazy("Balance sheet"),
        gettext_lazy("Assets, equity and liabilities at the end of a period."),
    ),
    (
        "ledger:income_statement",
        gettext_lazy("Income statement"),
        gettext_lazy("Revenue, expenses and the result over periods."),
    ),
)


@page_access(VIEW)
def report_index(request: HttpRequest) -> HttpResponse:
    page_company(request)
    return render(
        request,
        "ledger/reports/index.html",
        {
            "title": _("Financial reports"),
            "reports": [(reverse(name), label, help) for name, label, help in REPORTS],
        },
    )


@page_access(VIEW)
def trial_balance(request: HttpRequest) -> HttpResponse:
    def compute(company: Any, data: dict[str, Any], _download: bool) -> reports.TrialBalance:
        return reports.trial_balance(
            company=company,
            fiscal_year_id=data.get("fiscal_year"),
            period_from_id=data.get("period_from"),
            period_to_id=data.get("period_to"),
            prefix=data.get("prefix") or "",
            accounts=data.get("accounts") or "",
            comparative=bool(data.get("comparative")),
        )

    def shown(report: reports.TrialBalance) -> dict[str, Any]:
        return {
            "fiscal_year": report.fiscal_year.pk,
            "period_from": report.period_from.pk,
            "period_to": report.period_to.pk,
        }

    return _report_page(
        request,
        form_class=TrialBalanceForm,
        compute=compute,
        table=reports.trial_balance_table,
        shown=shown,
        template="ledger/reports/trial_balance.html",
        title=_("Trial balance"),
    )


def _dates_shown(report: Any) -> dict[str, dt.date]:
    return {"date_from": report.date_from, "date_to": report.date_to}


@page_access(VIEW)
def general_ledger(request: HttpRequest) -> HttpResponse:
    def compute(company: Any, data: dict[str, Any], download: bool) -> reports.GeneralLedger:
        return reports.general_ledger(
            company=company,
            account=data.get("account") or "",
            account_to=data.get("account_to") or "",
            prefix=data.get("prefix") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            max_lines=None if download else PAGE_MAX_LINES,
        )

    return _report_page(
        request,
        form_class=GeneralLedgerForm,
        compute=compute,
        table=reports.general_ledger_table,
        shown=_dates_shown,
        template="ledger/reports/general_ledger.html",
        title=_("General ledger"),
        extra=lambda company, _report: {
            "accounts": list(
                Account.objects.filter(company=company).order_by("code").values_list("code", "name")
            )
        },
    )


@page_access(VIEW)
def journal_report(request: HttpRequest) -> HttpResponse:
    def compute(company: Any, data: dict[str, Any], download: bool) -> reports.JournalReport:
        return reports.journal_report(
            company=company,
            journal=data.get("journal") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            max_lines=None if download else PAGE_MAX_LINES,
        )

    return _report_page(
        request,
        form_class=JournalReportForm,
        compute=compute,
        table=reports.journal_report_table,
        shown=_dates_shown,
        template="ledger/reports/journal_report.html",
        title=_("Journal report"),
    )


@page_access(VIEW)
def partner_ledger(request: HttpRequest) -> HttpResponse:
    def compute(company: Any, data: dict[str, Any], download: bool) -> reports.PartnerLedger:
        return reports.partner_ledger(
            company=company,
            party_id=data.get("party"),
            account_type=data.get("account_type") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            max_lines=None if download else PAGE_MAX_LINES,
        )

    return _report_page(
        request,
        form_class=PartnerLedgerForm,
        compute=compute,
        table=reports.partner_ledger_table,
        shown=_dates_shown,
        template="ledger/reports/partner_ledger.html",
        title=_("Partner ledger"),
    )


def _all_lines(request: HttpRequest) -> bool:
    return request.GET.get("all_lines", "") not in ("", "0", "false", "off")


def _drill_down(_company: Any, report: reports.Statement | None) -> dict[str, Any]:
    """The trial balance behind the statement: a line's accounts are added to it."""
    if report is None:
        return {}
    query = QueryDict(mutable=True)
    query["fiscal_year"] = str(report.fiscal_year.pk)
    if report.kind == "income_statement":
        query["period_from"] = str(report.period_from.pk)
    query["period_to"] = str(report.period_to.pk)
    return {"drill_url": f"{reverse('ledger:trial_balance')}?{query.urlencode()}"}


@page_access(VIEW)
def balance_sheet(request: HttpRequest) -> HttpResponse:
    def compute(company: Any, data: dict[str, Any], _download: bool) -> reports.Statement:
        return reports.balance_sheet(
            company=company,
            period_id=data.get("period"),
            comparative=bool(data.get("comparative")),
        )

    return _report_page(
        request,
        form_class=BalanceSheetForm,
        compute=compute,
        table=lambda report: reports.statement_table(report, all_lines=_all_lines(request)),
        shown=lambda report: {"period": report.period_to.pk},
        template="ledger/reports/statement.html",
        title=_("Balance sheet"),
        extra=_drill_down,
    )


@page_access(VIEW)
def income_statement(request: HttpRequest) -> HttpResponse:
    def compute(company: Any, data: dict[str, Any], _download: bool) -> reports.Statement:
        return reports.income_statement(
            company=company,
            fiscal_year_id=data.get("fiscal_year"),
            period_from_id=data.get("period_from"),
            period_to_id=data.get("period_to"),
            comparative=bool(data.get("comparative")),
        )

    def shown(report: reports.Statement) -> dict[str, Any]:
        return {
            "fiscal_year": report.fiscal_year.pk,
            "period_from": report.period_from.pk,
            "period_to": report.period_to.pk,
        }

    return _report_page(
        request,
        form_class=IncomeStatementForm,
        compute=compute,
        table=lambda report: reports.statement_table(report, all_lines=_all_lines(request)),
        shown=shown,
        template="ledger/reports/statement.html",
        title=_("Income statement"),
        extra=_drill_down,
    )


urlpatterns = [
    path("reports/", report_index, name="report_index"),
    path("reports/trial-balance/", trial_balance, name="trial_balance"),
    path("reports/general-ledger/", general_ledger, name="general_ledger"),
    path("reports/journal/", journal_report, name="journal_report"),
    path("reports/partner-ledger/", partner_ledger, name="partner_ledger"),
    path("reports/balance-sheet/", balance_sheet, name="balance_sheet"),
    path("reports/income-statement/", income_statement, name="income_statement"),
]
