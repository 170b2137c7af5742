"""Company pages: list, detail, create, edit."""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core.audit.services import snapshot
from comptoir.core.companies import selectors, services
from comptoir.core.companies.forms import CompanyForm
from comptoir.core.companies.models import Company
from comptoir.core.companies.schemas import CompanyFilter
from comptoir.core.identity.access import page_access
from comptoir.core.kernel.errors import DomainError, NotFound
from comptoir.core.web.forms import apply_domain_error
from comptoir.core.web.lists import Column, FilterField, ListSpec, detail_fields, list_page

COMPANY_LIST = ListSpec(
    title=gettext_lazy("Companies"),
    columns=(
        Column("code", gettext_lazy("Code"), sortable=True, link=True),
        Column("name", gettext_lazy("Name"), sortable=True),
        Column("country", gettext_lazy("Fiscal country")),
        Column("currency", gettext_lazy("Currency")),
        Column("vat_number", gettext_lazy("VAT number")),
        Column("national_id", gettext_lazy("National id")),
    ),
    filter_schema=CompanyFilter,
    filters=(
        FilterField("q", gettext_lazy("Search")),
        FilterField("country", gettext_lazy("Fiscal country")),
        FilterField("currency", gettext_lazy("Currency")),
    ),
    orderings=("code", "name", "created_at"),
    default_ordering="code",
    detail_url=lambda c: reverse("companies:company_detail", args=[c.pk]),
    create_permission="companies.change",
    export_name="companies",
)

DETAIL_FIELDS = [
    "code",
    "name",
    "legal_name",
    "country",
    "currency",
    "locale",
    "vat_number",
    "national_id",
    "trade_register",
    "share_capital",
    "street",
    "postal_code",
    "city",
    "email",
    "is_demo",
]


def _get(request: HttpRequest, pk: int) -> Company:
    try:
        return selectors.company_get(request.user, pk)  # type: ignore[arg-type]
    except NotFound:
        raise Http404 from None


@page_access("companies.view")
def company_list(request: HttpRequest) -> HttpResponse:
    spec = dataclasses.replace(COMPANY_LIST, create_url=reverse("companies:company_create"))
    return list_page(request, spec, selectors.company_list(request.user))  # type: ignore[arg-type]


@page_access("companies.view")
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = _get(request, pk)
    return render(
        request,
        "companies/company_detail.html",
        {
            "object": company,
            "fields": detail_fields(company, DETAIL_FIELDS),
            "edit_url": reverse("companies:company_edit", args=[company.pk])
            if request.user.has_perm("companies.change")
            else None,
        },
    )


def _form_page(request: HttpRequest, form: CompanyForm, title: str, cancel: str) -> HttpResponse:
    return render(
        request,
        "companies/company_form.html",
        {"form": form, "title": title, "cancel_url": cancel},
        status=422 if form.errors else 200,
    )


@page_access("companies.change")
def company_create(request: HttpRequest) -> HttpResponse:
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Company created."))
            return redirect("companies:company_detail", pk=company.pk)
    return _form_page(request, form, _("New company"), reverse("companies:company_list"))


@page_access("companies.change")
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = _get(request, pk)
    initial = {k: v for k, v in snapshot(company).items() if k in CompanyForm.base_fields}
    form = CompanyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update(actor=request.user, company_id=company.pk, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Company saved."))
            return redirect("companies:company_detail", pk=company.pk)
    return _form_page(
        request,
        form,
        _("Edit %(company)s") % {"company": company.name},
        reverse("companies:company_detail", args=[company.pk]),
    )
