"""Pages of closing: fiscal years and their periods, lock dates, the year-end close,
VAT returns with their boxes, drill-down and settlement.

Reading needs ``closing.view``; every change needs ``closing.change``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from babel.dates import format_date
from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy, to_locale
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.back.ledger import closing, services, vat
from comptoir.back.ledger.api.closing import VatReturnFilter
from comptoir.back.ledger.models import FiscalYear, LedgerSettings, Period, VatReturn
from comptoir.core.identity.access import page_access, page_company
from comptoir.core.kernel.errors import DomainError, NotFound
from comptoir.core.kernel.pagination import keyset_page
from comptoir.core.web.forms import apply_domain_error
from comptoir.core.web.lists import Column, FilterField, ListSpec, list_page

VIEW = "closing.view"
CHANGE = "closing.change"
BOX_LINES_PER_PAGE = 200


def _settings(company: Any) -> LedgerSettings | None:
    return LedgerSettings.objects.filter(company=company).first()


def _refused(request: HttpRequest, exc: DomainError) -> None:
    """A refusal told on the next page: the message and each reason."""
    reasons = [reason for values in exc.fields.values() for reason in values]
    messages.error(request, " ".join([exc.message, *reasons]))


# --------------------------------------------------------------------------- forms


class FiscalYearForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Calendar year"),
        required=False,
        min_value=1900,
        max_value=2999,
        help_text=gettext_lazy("Or give a start and an end for a year that is not calendar."),
    )
    start = forms.DateField(
        label=gettext_lazy("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("End"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=20)


class LockDatesForm(forms.Form):
    hard_lock_date = forms.DateField(
        label=gettext_lazy("Lock date for everyone"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Nobody posts on or before it. It only moves forward."),
    )
    soft_lock_date = forms.DateField(
        label=gettext_lazy("Lock date except closing accountants"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Only the accountants who close the books post on or before it."),
    )


def _return_periods(company: Any) -> list[tuple[str, str]]:
    """Months and quarters of the open fiscal years: ``("2026-01", "January 2026")``…"""
    choices: list[tuple[str, str]] = []
    years = FiscalYear.objects.filter(company=company, state=FiscalYear.State.OPEN)
    for year in years.prefetch_related("periods"):
        periods = sorted(year.periods.all(), key=lambda p: p.start)
        for p in periods:
            choices.append((f"{p.start:%Y-%m-%d}/{p.end:%Y-%m-%d}", _month_name(p.start)))
        for first in range(0, len(periods), 3):
            quarter = periods[first : first + 3]
            if len(quarter) == 3:
                choices.append(
                    (
                        f"{quarter[0].start:%Y-%m-%d}/{quarter[-1].end:%Y-%m-%d}",
                        _("%(first)s to %(last)s (quarter)")
                        % {
                            "first": _month_name(quarter[0].start),
                            "last": _month_name(quarter[-1].start),
                        },
                    )
                )
    return choices


def _month_name(date: dt.date) -> str:
    locale = to_locale(get_language() or "en")
    return str(format_date(date, "LLLL yyyy", locale=locale)).capitalize()


class VatReturnForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Period"))

    def __init__(self, *args: Any, periods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["period"]).choices = periods

    def dates(self) -> tuple[dt.date, dt.date]:
        start, end = self.cleaned_data["period"].split("/")
        return dt.date.fromisoformat(start), dt.date.fromisoformat(end)


# --------------------------------------------------------------------------- fiscal years


@page_access(VIEW)
def fiscal_year_list(request: HttpRequest) -> HttpResponse:
    company = page_company(request)
    years = list(
        closing.fiscal_year_list(company=company)
        .select_related("closing_entry")
        .prefetch_related(Prefetch("periods", queryset=Period.objects.order_by("start")))
        .order_by("-start")
    )
    settings = _settings(company)
    lock_form = LockDatesForm(
        initial={
            "hard_lock_date": settings.hard_lock_date if settings else None,
            "soft_lock_date": settings.soft_lock_date if settings else None,
        }
    )
    return render(
        request,
        "ledger/closing/fiscal_years.html",
        {
            "title": _("Fiscal years and closing"),
            "years": years,
            "settings": settings,
            "lock_form": lock_form,
            "can_change": request.user.has_perm(CHANGE),
        },
    )


@page_access(CHANGE)
def fiscal_year_create(request: HttpRequest) -> HttpResponse:
    company = page_company(request)
    form = FiscalYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fy = services.fiscal_year_create(
                actor=request.user,
                company=company,
                year=data["year"],
                start=data["start"],
                end=data["end"],
                name=data["name"] or "",
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The fiscal year %(name)s was created.") % {"name": fy})
            return redirect("ledger:fiscal_year_list")
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": _("New fiscal year"),
            "cancel_url": reverse("ledger:fiscal_year_list"),
        },
    )


@page_access(CHANGE)
def fiscal_year_close(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what closing will post; POST: close."""
    company = page_company(request)
    try:
        fiscal_year = closing.fiscal_year_get(company=company, fiscal_year_id=pk)
    except NotFound:
        raise Http404(_("No such fiscal year.")) from None
    if request.method == "POST":
        try:
            closing.fiscal_year_close(actor=request.user, company=company, fiscal_year=fiscal_year)
        except DomainError as exc:
            _refused(request, exc)
            return redirect("ledger:fiscal_year_close", pk=pk)
        messages.success(
            request, _("The fiscal year %(name)s is closed.") % {"name": fiscal_year.name}
        )
        return redirect("ledger:fiscal_year_list")
    plan = None
    problem = None
    try:
        closing.check_closable(company, fiscal_year)
        plan = closing.closing_plan(company=company, fiscal_year=fiscal_year)
    except DomainError as exc:
        problem = exc
    return render(
        request,
        "ledger/closing/fiscal_year_close.html",
        {
            "title": _("Close the fiscal year %(name)s") % {"name": fiscal_year.name},
            "fiscal_year": fiscal_year,
            "plan": plan,
            "problem": problem,
            "currency": company.currency,
        },
    )


# --------------------------------------------------------------------------- periods


def _period_command(request: HttpRequest, pk: int, command: Any, done: str) -> HttpResponse:
    company = page_company(request)
    try:
        period = closing.period_get(company=company, period_id=pk)
    except NotFound:
        raise Http404(_("No such period.")) from None
    try:
        command(actor=request.user, company=company, period=period)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, done % {"name": period.name})
    return redirect("ledger:fiscal_year_list")


@require_POST
@page_access(CHANGE)
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _period_command(request, pk, closing.period_close, _("The period %(name)s is closed."))


@require_POST
@page_access(CHANGE)
def period_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _period_command(
        request, pk, closing.period_reopen, _("The period %(name)s is open again.")
    )


@page_access(CHANGE)
def lock_dates_edit(request: HttpRequest) -> HttpResponse:
    company = page_company(request)
    settings = _settings(company)
    initial = {
        "hard_lock_date": settings.hard_lock_date if settings else None,
        "soft_lock_date": settings.soft_lock_date if settings else None,
    }
    form = LockDatesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            closing.lock_dates_set(
                actor=request.user,
                company=company,
                hard_lock_date=form.cleaned_data["hard_lock_date"],
                soft_lock_date=form.cleaned_data["soft_lock_date"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The lock dates were saved."))
            return redirect("ledger:fiscal_year_list")
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": _("Lock dates"),
            "cancel_url": reverse("ledger:fiscal_year_list"),
        },
    )


# --------------------------------------------------------------------------- VAT returns


def vat_return_list_spec() -> ListSpec:
    return ListSpec(
        title=gettext_lazy("VAT returns"),
        columns=(
            Column("start", gettext_lazy("From"), sortable=True, link=True),
            Column("end", gettext_lazy("To")),
            Column("form", gettext_lazy("Form")),
            Column("state", gettext_lazy("State")),
            Column("net_due", gettext_lazy("VAT payable")),
            Column("credit_carried", gettext_lazy("Credit carried forward")),
            Column(
                "settlement_entry",
                gettext_lazy("Settlement entry"),
                accessor=lambda r: r.settlement_entry.number if r.settlement_entry_id else None,
            ),
        ),
        filter_schema=VatReturnFilter,
        filters=(FilterField("state", gettext_lazy("State"), tuple(VatReturn.State.choices)),),
        orderings=("start",),
        default_ordering="-start",
        detail_url=lambda r: reverse("ledger:vat_return_detail", args=[r.pk]),
        create_url=reverse("ledger:vat_return_create"),
        create_permission=CHANGE,
        export_name="vat-returns",
    )


@page_access(VIEW)
def vat_return_list(request: HttpRequest) -> HttpResponse:
    queryset = vat.vat_return_list(company=page_company(request))
    return list_page(request, vat_return_list_spec(), queryset)


@page_access(CHANGE)
def vat_return_create(request: HttpRequest) -> HttpResponse:
    company = page_company(request)
    form = VatReturnForm(request.POST or None, periods=_return_periods(company))
    if request.method == "POST" and form.is_valid():
        start, end = form.dates()
        try:
            created = vat.vat_return_create(
                actor=request.user, company=company, start=start, end=end
            )
        except DomainError as exc:
            # The dates are the period chosen: their reasons are the period's.
            exc.fields.pop("start", None)
            exc.fields.pop("end", None)
            form.add_error("period", exc.message)
            if exc.fields:
                apply_domain_error(form, exc)
        else:
            messages.success(request, _("The VAT return was computed."))
            return redirect("ledger:vat_return_detail", pk=created.pk)
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": _("New VAT return"),
            "cancel_url": reverse("ledger:vat_return_list"),
        },
    )


def _get_return(request: HttpRequest, pk: int) -> VatReturn:
    try:
        return vat.vat_return_get(company=page_company(request), vat_return_id=pk)
    except NotFound:
        raise Http404(_("No such VAT return.")) from None


@page_access(VIEW)
def vat_return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vat_return = _get_return(request, pk)
    company = page_company(request)
    previous = (
        VatReturn.objects.filter(company=company, state="posted", end__lt=vat_return.start)
        .order_by("-end")
        .first()
    )
    return render(
        request,
        "ledger/closing/vat_return_detail.html",
        {
            "title": str(vat_return),
            "vat_return": vat_return,
            "boxes": vat.vat_return_boxes(vat_return),
            "mismatch": vat.vat_return_mismatch(vat_return),
            "previous": previous,
            "currency": company.currency,
            "can_change": request.user.has_perm(CHANGE) and vat_return.state == "draft",
        },
    )


@page_access(VIEW)
def vat_return_box(request: HttpRequest, pk: int, box: str) -> HttpResponse:
    vat_return = _get_return(request, pk)
    company = page_company(request)
    try:
        lines = vat.vat_return_box_lines(company=company, vat_return=vat_return, box=box)
    except NotFound:
        raise Http404(_("No such box on this form.")) from None
    row = next(r for r in vat.vat_return_boxes(vat_return) if r.box == box)
    page = keyset_page(
        lines,
        ordering="pk",
        allowed=("pk",),
        cursor=request.GET.get("cursor") or None,
        limit=BOX_LINES_PER_PAGE,
    )
    return render(
        request,
        "ledger/closing/vat_return_box.html",
        {
            "title": row.label,
            "vat_return": vat_return,
            "row": row,
            "lines": page.items,
            "next_url": "?" + urlencode({"cursor": page.next}) if page.next else None,
            "currency": company.currency,
        },
    )


def _return_command(request: HttpRequest, pk: int, command: Any, done: str) -> HttpResponse:
    vat_return = _get_return(request, pk)
    try:
        command(actor=request.user, company=page_company(request), vat_return=vat_return)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, done)
    return redirect("ledger:vat_return_detail", pk=pk)


@require_POST
@page_access(CHANGE)
def vat_return_post(request: HttpRequest, pk: int) -> HttpResponse:
    return _return_command(
        request, pk, vat.vat_return_post, _("The VAT return and its settlement entry are posted.")
    )


@require_POST
@page_access(CHANGE)
def vat_return_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    return _return_command(
        request, pk, vat.vat_return_refresh, _("The VAT return was computed again.")
    )


@require_POST
@page_access(CHANGE)
def vat_return_delete(request: HttpRequest, pk: int) -> HttpResponse:
    vat_return = _get_return(request, pk)
    try:
        vat.vat_return_delete(
            actor=request.user, company=page_company(request), vat_return=vat_return
        )
    except DomainError as exc:
        _refused(request, exc)
        return redirect("ledger:vat_return_detail", pk=pk)
    messages.success(request, _("The draft VAT return was deleted."))
    return redirect("ledger:vat_return_list")


urlpatterns = [
    path("fiscal-years/", fiscal_year_list, name="fiscal_year_list"),
    path("fiscal-years/new/", fiscal_year_create, name="fiscal_year_create"),
    path("fiscal-years/<int:pk>/close/", fiscal_year_close, name="fiscal_year_close"),
    path("periods/<int:pk>/close/", period_close, name="period_close"),
    path("periods/<int:pk>/reopen/", period_reopen, name="period_reopen"),
    path("lock-dates/", lock_dates_edit, name="lock_dates_edit"),
    path("vat-returns/", vat_return_list, name="vat_return_list"),
    path("vat-returns/new/", vat_return_create, name="vat_return_create"),
    path("vat-returns/<int:pk>/", vat_return_detail, name="vat_return_detail"),
    path("vat-returns/<int:pk>/boxes/<str:box>/", vat_return_box, name="vat_return_box"),
    path("vat-returns/<int:pk>/post/", vat_return_post, name="vat_return_post"),
    path("vat-returns/<int:pk>/refresh/", vat_return_refresh, name="vat_return_refresh"),
    path("vat-returns/<int:pk>/delete/", vat_return_delete, name="vat_return_delete"),
]
