"""Pages: download the books (FEC, Beancount) and check their integrity."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from comptoir.back.ledger.exports import (
    beancount_export,
    check_fec_company,
    fec_export,
)
from comptoir.back.ledger.integrity import ledger_verify
from comptoir.back.ledger.models import Entry, FiscalYear, LedgerSettings
from comptoir.core.identity.access import page_access, page_company
from comptoir.core.kernel.errors import DomainError

VIEW = "ledger.view"


def _attachment(content: bytes | str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@page_access(VIEW)
def export_index(request: HttpRequest) -> HttpResponse:
    """Choose a fiscal year; download its FEC (French companies) or a Beancount file."""
    company = page_company(request)
    has_books = LedgerSettings.objects.filter(company=company).exists()
    years = list(FiscalYear.objects.filter(company=company).order_by("-start"))
    counts = dict(
        Entry.objects.filter(company=company, state=Entry.State.POSTED)
        .values_list("fiscal_year_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    fec_refusal = ""
    try:
        check_fec_company(company)
    except DomainError as exc:
        fec_refusal = exc.message
    return render(
        request,
        "ledger/exports/index.html",
        {
            "title": _("Exports and integrity"),
            "company": company,
            "has_books": has_books,
            "years": [(year, counts.get(year.pk, 0)) for year in years],
            "fec_refusal": fec_refusal,
        },
    )


@page_access(VIEW)
def fec_download(request: HttpRequest) -> HttpResponse:
    """The FEC of ``?fiscal_year=YYYY``; back to the exports page with the reason if refused."""
    company = page_company(request)
    year = request.GET.get("fiscal_year", "").strip()
    if not year:
        messages.error(request, _("Choose a fiscal year."))
        return redirect("ledger:export_index")
    try:
        filename, content = fec_export(company, year)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ledger:export_index")
    return _attachment(content, filename)


@page_access(VIEW)
def beancount_download(request: HttpRequest) -> HttpResponse:
    """The books as a Beancount file: every year, or ``?fiscal_year=YYYY``."""
    company = page_company(request)
    year = request.GET.get("fiscal_year", "").strip() or None
    try:
        filename, text = beancount_export(company, year)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ledger:export_index")
    return _attachment(text, filename)


@page_access(VIEW)
def integrity_check(request: HttpRequest) -> HttpResponse:
    """Recompute every hash chain of the company; show the first broken link per journal."""
    company = page_company(request)
    report = ledger_verify(company)
    return render(
        request,
        "ledger/exports/integrity.html",
        {"title": _("Integrity of the books"), "company": company, "report": report},
    )


urlpatterns = [
    path("exports/", export_index, name="export_index"),
    path("exports/fec/", fec_download, name="fec_download"),
    path("exports/beancount/", beancount_download, name="beancount_download"),
    path("integrity/", integrity_check, name="integrity_check"),
]
