"""Product, unit and category pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.core.identity.access import page_access
from comptoir.core.kernel.errors import DomainError, NotFound
from comptoir.core.products import selectors, services
from comptoir.core.products.forms import CategoryForm, ProductForm, UnitForm
from comptoir.core.products.models import ProductKind, UnitCategory
from comptoir.core.products.schemas import CategoryFilter, ProductFilter, UnitFilter
from comptoir.core.web.forms import apply_domain_error
from comptoir.core.web.lists import Column, FilterField, ListSpec, detail_fields, list_page

PRODUCTS = ListSpec(
    title=gettext_lazy("Products"),
    columns=(
        Column("sku", gettext_lazy("SKU"), sortable=True, link=True),
        Column("name", gettext_lazy("Name"), sortable=True, link=True),
        Column("kind", gettext_lazy("Kind")),
        Column("category__name", gettext_lazy("Category")),
        Column("unit__code", gettext_lazy("Unit")),
        Column("sale_price", gettext_lazy("Sale price"), sortable=True),
        Column("currency", gettext_lazy("Currency")),
        Column("active", gettext_lazy("Active")),
    ),
    filter_schema=ProductFilter,
    filters=(
        FilterField("q", gettext_lazy("Name, SKU or barcode")),
        FilterField("kind", gettext_lazy("Kind"), tuple(ProductKind.choices)),
        FilterField(
            "active",
            gettext_lazy("Active"),
            (("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))),
        ),
    ),
    orderings=("name", "sku", "sale_price", "created_at"),
    default_ordering="name",
    detail_url=lambda p: reverse("products:product_detail", args=[p.pk]),
    create_url=reverse_lazy("products:product_create"),  # type: ignore[arg-type]
    create_permission="products.change",
    export_name="products",
)

UNITS = ListSpec(
    title=gettext_lazy("Units of measure"),
    columns=(
        Column("code", gettext_lazy("Code"), sortable=True, link=True),
        Column("name", gettext_lazy("Name"), sortable=True),
        Column("category", gettext_lazy("Category"), sortable=True),
        Column("factor", gettext_lazy("Factor")),
        Column("rounding", gettext_lazy("Rounding")),
    ),
    filter_schema=UnitFilter,
    filters=(
        FilterField("q", gettext_lazy("Code or name")),
        FilterField("category", gettext_lazy("Category"), tuple(UnitCategory.choices)),
    ),
    orderings=("code", "name", "category"),
    default_ordering="code",
    detail_url=lambda u: reverse("products:unit_detail", args=[u.pk]),
    create_url=reverse_lazy("products:unit_create"),  # type: ignore[arg-type]
    create_permission="products.change",
    export_name="units",
)

CATEGORIES = ListSpec(
    title=gettext_lazy("Product categories"),
    columns=(
        Column("name", gettext_lazy("Name"), sortable=True),
        Column("parent__name", gettext_lazy("Parent")),
    ),
    filter_schema=CategoryFilter,
    filters=(FilterField("q", gettext_lazy("Name")),),
    orderings=("name",),
    default_ordering="name",
    create_url=reverse_lazy("products:category_create"),  # type: ignore[arg-type]
    create_permission="products.change",
    export_name="product-categories",
)


def _company(request: HttpRequest) -> Any:
    company = getattr(request, "company", None)
    if company is None:
        raise Http404(_("You work for no company yet."))
    return company


def _get(getter: Any, **kwargs: Any) -> Any:
    try:
        return getter(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _form_page(request: HttpRequest, form: Any, title: str, cancel_url: str) -> HttpResponse:
    return render(
        request, "web/form.html", {"form": form, "title": title, "cancel_url": cancel_url}
    )


# Products --------------------------------------------------------------------


@page_access("products.view")
def product_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, PRODUCTS, selectors.product_list(company=_company(request)))


@page_access("products.view")
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = _get(selectors.product_get, company=_company(request), pk=pk)
    can_change = request.user.has_perm("products.change")
    return render(
        request,
        "products/product_detail.html",
        {
            "object": product,
            "fields": detail_fields(
                product,
                [
                    "kind",
                    "sku",
                    "barcode",
                    "category",
                    "unit",
                    "sale_price",
                    "purchase_price",
                    "currency",
                    "active",
                    "description",
                ],
            ),
            "edit_url": reverse("products:product_edit", args=[pk]) if can_change else None,
            "can_change": can_change,
        },
    )


def _product_data(form: ProductForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@page_access("products.change")
def product_create(request: HttpRequest) -> HttpResponse:
    company = _company(request)
    form = ProductForm(
        request.POST or None, company=company, initial={"currency": company.currency}
    )
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(
                actor=request.user, company=company, **_product_data(form)
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Product created."))
            return redirect(product.get_absolute_url())
    return _form_page(request, form, _("New product"), reverse("products:product_list"))


@page_access("products.change")
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company(request)
    product = _get(selectors.product_get, company=company, pk=pk)
    initial = {
        "name": product.name,
        "kind": product.kind,
        "sku": product.sku,
        "barcode": product.barcode,
        "category": product.category_id,
        "unit": product.unit_id,
        "sale_price": product.sale_price,
        "purchase_price": product.purchase_price,
        "currency": product.currency,
        "description": product.description,
        "active": product.active,
    }
    form = ProductForm(request.POST or None, company=company, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(actor=request.user, product=product, **_product_data(form))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Product saved."))
            return redirect(product.get_absolute_url())
    return _form_page(
        request, form, _("Edit %(name)s") % {"name": product}, product.get_absolute_url()
    )


@page_access("products.change")
@require_POST
def product_archive(request: HttpRequest, pk: int) -> HttpResponse:
    product = _get(selectors.product_get, company=_company(request), pk=pk)
    services.product_archive(actor=request.user, product=product)
    messages.success(request, _("Product archived."))
    return redirect(product.get_absolute_url())


# Units -----------------------------------------------------------------------


@page_access("products.view")
def unit_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, UNITS, selectors.unit_list(company=_company(request)))


@page_access("products.view")
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _get(selectors.unit_get, company=_company(request), pk=pk)
    can_change = request.user.has_perm("products.change")
    return render(
        request,
        "web/detail.html",
        {
            "object": unit,
            "fields": detail_fields(unit, ["code", "name", "category", "factor", "rounding"]),
            "edit_url": reverse("products:unit_edit", args=[pk]) if can_change else None,
        },
    )


@page_access("products.change")
def unit_create(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(
                actor=request.user, company=_company(request), **form.cleaned_data
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Unit created."))
            return redirect(unit.get_absolute_url())
    return _form_page(request, form, _("New unit of measure"), reverse("products:unit_list"))


@page_access("products.change")
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _get(selectors.unit_get, company=_company(request), pk=pk)
    initial = {n: getattr(unit, n) for n in ("code", "name", "category", "factor", "rounding")}
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Unit saved."))
            return redirect(unit.get_absolute_url())
    return _form_page(request, form, _("Edit %(name)s") % {"name": unit}, unit.get_absolute_url())


# Categories ------------------------------------------------------------------


@page_access("products.view")
def category_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, CATEGORIES, selectors.category_list(company=_company(request)))


@page_access("products.change")
def category_create(request: HttpRequest) -> HttpResponse:
    company = _company(request)
    form = CategoryForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_create(actor=request.user, company=company, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Category created."))
            return redirect("products:category_list")
    return _form_page(request, form, _("New product category"), reverse("products:category_list"))
