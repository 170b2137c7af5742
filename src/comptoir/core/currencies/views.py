"""Currency and exchange-rate pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core.currencies import selectors, services
from comptoir.core.currencies.forms import RateForm, RateImportForm
from comptoir.core.currencies.models import RateSource
from comptoir.core.currencies.schemas import CurrencyFilter, RateFilter
from comptoir.core.identity.access import page_access
from comptoir.core.kernel.errors import DomainError
from comptoir.core.web.forms import apply_domain_error
from comptoir.core.web.lists import Column, FilterField, ListSpec, list_page

CURRENCIES = ListSpec(
    title=gettext_lazy("Currencies"),
    columns=(
        Column("code", gettext_lazy("Code"), sortable=True),
        Column("name", gettext_lazy("Name"), sortable=True),
        Column("minor_units", gettext_lazy("Minor units")),
        Column("active", gettext_lazy("Active")),
    ),
    filter_schema=CurrencyFilter,
    filters=(
        FilterField("q", gettext_lazy("Code or name")),
        FilterField(
            "active",
            gettext_lazy("Active"),
            (("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))),
        ),
    ),
    orderings=("code", "name"),
    default_ordering="code",
    export_name="currencies",
)

RATES = ListSpec(
    title=gettext_lazy("Exchange rates"),
    columns=(
        Column("date", gettext_lazy("Date"), sortable=True),
        Column("base", gettext_lazy("Base"), sortable=True),
        Column("quote", gettext_lazy("Quote"), sortable=True),
        Column("rate", gettext_lazy("Rate")),
        Column("source", gettext_lazy("Source")),
    ),
    filter_schema=RateFilter,
    filters=(
        FilterField("base", gettext_lazy("Base")),
        FilterField("quote", gettext_lazy("Quote")),
        FilterField("date_from", gettext_lazy("From")),
        FilterField("date_to", gettext_lazy("To")),
        FilterField("source", gettext_lazy("Source"), tuple(RateSource.choices)),
    ),
    orderings=("date", "base", "quote"),
    default_ordering="-date",
    create_url=reverse_lazy("currencies:rate_create"),  # type: ignore[arg-type]
    create_permission="currencies.change",
    export_name="exchange-rates",
)


@page_access("currencies.view")
def currency_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, CURRENCIES, selectors.currency_list())


@page_access("currencies.view")
def rate_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        RATES,
        selectors.rate_list(),
        template="currencies/rate_list.html",
        extra={"can_import": request.user.has_perm("currencies.change")},
    )


@page_access("currencies.change")
def rate_create(request: HttpRequest) -> HttpResponse:
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_set(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Rate saved."))
            return redirect("currencies:rate_list")
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": _("New exchange rate"),
            "cancel_url": reverse("currencies:rate_list"),
        },
    )


@page_access("currencies.change")
def rate_import(request: HttpRequest) -> HttpResponse:
    form = RateImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.rates_import(
                actor=request.user,
                content=form.cleaned_data["file"].read(),
                source=form.cleaned_data["source"] or None,
                company=getattr(request, "company", None),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(source)s rates imported: %(created)s new, %(updated)s corrected, "
                    "%(days)s days."
                )
                % {
                    "source": result.source.upper(),
                    "created": result.created,
                    "updated": result.updated,
                    "days": len(result.dates),
                },
            )
            return redirect("currencies:rate_list")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": _("Import a rates file"),
            "cancel_url": reverse("currencies:rate_list"),
        },
        status=status,
    )
