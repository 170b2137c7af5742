"""Products API: products, units of measure and categories."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from comptoir.core.identity.access import access
from comptoir.core.kernel.api import ERRORS, idempotent
from comptoir.core.kernel.errors import NotFound
from comptoir.core.kernel.pagination import keyset_page
from comptoir.core.products import domain, selectors, services
from comptoir.core.products.schemas import (
    CategoryFilter,
    CategoryIn,
    CategoryOut,
    CategoryPageOut,
    ConvertOut,
    ProductFilter,
    ProductIn,
    ProductOut,
    ProductPageOut,
    ProductPatch,
    UnitFilter,
    UnitIn,
    UnitOut,
    UnitPageOut,
    UnitPatch,
)

router = Router()


def _company(request: HttpRequest) -> Any:
    company = getattr(request, "company", None)
    if company is None:
        raise NotFound("You work for no company yet.", code="company_missing")
    return company


# Products --------------------------------------------------------------------


@router.get(
    "/products",
    response={200: ProductPageOut, **ERRORS},
    auth=access("products.view"),
    operation_id="products_product_list",
    summary="List products",
)
def product_list(
    request: HttpRequest,
    filters: Query[ProductFilter],
    cursor: str | None = None,
    ordering: str = "name",
    limit: int = 50,
) -> dict[str, Any]:
    qs = selectors.product_list(company=_company(request), filters=filters)
    return keyset_page(
        qs,
        ordering=ordering,
        allowed=("name", "sku", "sale_price", "created_at"),
        cursor=cursor,
        limit=limit,
    ).as_answer()


@router.post(
    "/products",
    response={201: ProductOut, **ERRORS},
    auth=access("products.change"),
    operation_id="products_product_create",
    summary="Create a product",
)
@idempotent
def product_create(request: HttpRequest, payload: ProductIn) -> Status[Any]:
    data = payload.dict()
    data["category"] = data.pop("category_id")
    data["unit"] = data.pop("unit_id")
    product = services.product_create(actor=request.user, company=_company(request), **data)
    return Status(201, ProductOut.from_orm(product))


@router.get(
    "/products/{product_id}",
    response={200: ProductOut, **ERRORS},
    auth=access("products.view"),
    operation_id="products_product_read",
    summary="Read a product",
)
def product_read(request: HttpRequest, product_id: int) -> Any:
    return selectors.product_get(company=_company(request), pk=product_id)


@router.patch(
    "/products/{product_id}",
    response={200: ProductOut, **ERRORS},
    auth=access("products.change"),
    operation_id="products_product_update",
    summary="Change a product",
)
def product_update(request: HttpRequest, product_id: int, payload: ProductPatch) -> Any:
    product = selectors.product_get(company=_company(request), pk=product_id)
    changes = payload.dict(exclude_unset=True)
    if "category_id" in changes:
        changes["category"] = changes.pop("category_id")
    if "unit_id" in changes:
        changes["unit"] = changes.pop("unit_id")
    updated = services.product_update(actor=request.user, product=product, **changes)
    return selectors.product_get(company=updated.company, pk=updated.pk)


@router.post(
    "/products/{product_id}/archive",
    response={200: ProductOut, **ERRORS},
    auth=access("products.change"),
    operation_id="products_product_archive",
    summary="Archive a product",
)
def product_archive(request: HttpRequest, product_id: int) -> Any:
    product = selectors.product_get(company=_company(request), pk=product_id)
    return services.product_archive(actor=request.user, product=product)


# Units -----------------------------------------------------------------------


@router.get(
    "/units",
    response={200: UnitPageOut, **ERRORS},
    auth=access("products.view"),
    operation_id="products_unit_list",
    summary="List units of measure",
)
def unit_list(
    request: HttpRequest,
    filters: Query[UnitFilter],
    cursor: str | None = None,
    ordering: str = "code",
    limit: int = 50,
) -> dict[str, Any]:
    qs = selectors.unit_list(company=_company(request), filters=filters)
    return keyset_page(
        qs, ordering=ordering, allowed=("code", "name", "category"), cursor=cursor, limit=limit
    ).as_answer()


@router.post(
    "/units",
    response={201: UnitOut, **ERRORS},
    auth=access("products.change"),
    operation_id="products_unit_create",
    summary="Create a unit of measure",
)
@idempotent
def unit_create(request: HttpRequest, payload: UnitIn) -> Status[Any]:
    unit = services.unit_create(actor=request.user, company=_company(request), **payload.dict())
    return Status(201, UnitOut.from_orm(unit))


@router.get(
    "/units/convert",
    response={200: ConvertOut, **ERRORS},
    auth=access("products.view"),
    operation_id="products_unit_convert",
    summary="Convert a quantity between two units",
)
def unit_convert(
    request: HttpRequest,
    quantity: Decimal,
    to: str,
    from_: str = Query(..., alias="from"),
) -> dict[str, Any]:
    company = _company(request)
    source = selectors.unit_get(company=company, code=from_)
    target = selectors.unit_get(company=company, code=to)
    return {
        "quantity": quantity,
        "from_unit": source.code,
        "to_unit": target.code,
        "result": domain.convert(quantity, source, target),
    }


@router.get(
    "/units/{unit_id}",
    response={200: UnitOut, **ERRORS},
    auth=access("products.view"),
    operation_id="products_unit_read",
    summary="Read a unit of measure",
)
def unit_read(request: HttpRequest, unit_id: int) -> Any:
    return selectors.unit_get(company=_company(request), pk=unit_id)


@router.patch(
    "/units/{unit_id}",
    response={200: UnitOut, **ERRORS},
    auth=access("products.change"),
    operation_id="products_unit_update",
    summary="Change a unit of measure",
)
def unit_update(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Any:
    unit = selectors.unit_get(company=_company(request), pk=unit_id)
    return services.unit_update(actor=request.user, unit=unit, **payload.dict(exclude_unset=True))


# Categories ------------------------------------------------------------------


@router.get(
    "/categories",
    response={200: CategoryPageOut, **ERRORS},
    auth=access("products.view"),
    operation_id="products_category_list",
    summary="List product categories",
)
def category_list(
    request: HttpRequest,
    filters: Query[CategoryFilter],
    cursor: str | None = None,
    ordering: str = "name",
    limit: int = 50,
) -> dict[str, Any]:
    qs = selectors.category_list(company=_company(request), filters=filters)
    page = keyset_page(qs, ordering=ordering, allowed=("name",), cursor=cursor, limit=limit)
    return page.as_answer()


@router.post(
    "/categories",
    response={201: CategoryOut, **ERRORS},
    auth=access("products.change"),
    operation_id="products_category_create",
    summary="Create a product category",
)
@idempotent
def category_create(request: HttpRequest, payload: CategoryIn) -> Status[Any]:
    category = services.category_create(
        actor=request.user, company=_company(request), name=payload.name, parent=payload.parent_id
    )
    return Status(201, CategoryOut.from_orm(category))
