"""API schemas and the filters shared by the API and the list pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import Q
from ninja import Field, FilterSchema, Schema
from ninja.filter_schema import FilterLookup

from comptoir.core.kernel.api import PageOut

UnitCategoryIn = Literal["unit", "weight", "length", "volume", "time", "area"]
KindIn = Literal["goods", "service", "consumable"]


class UnitOut(Schema):
    id: int
    code: str
    name: str
    category: str
    factor: Decimal
    rounding: Decimal


class UnitIn(Schema):
    code: str = Field(..., min_length=1, max_length=20)
    name: str = Field(..., min_length=1, max_length=100)
    category: UnitCategoryIn
    factor: Decimal = Field(Decimal(1), gt=0)
    rounding: Decimal = Field(Decimal(1), gt=0)


class UnitPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=20)
    name: str | None = Field(None, min_length=1, max_length=100)
    category: UnitCategoryIn | None = None
    factor: Decimal | None = Field(None, gt=0)
    rounding: Decimal | None = Field(None, gt=0)


class UnitPageOut(PageOut):
    items: list[UnitOut]


class UnitFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["code__icontains", "name__icontains"])] = None
    category: Annotated[UnitCategoryIn | None, FilterLookup("category")] = None


class ConvertOut(Schema):
    quantity: Decimal
    from_unit: str
    to_unit: str
    result: Decimal


class CategoryOut(Schema):
    id: int
    name: str
    parent_id: int | None = None


class CategoryIn(Schema):
    name: str = Field(..., min_length=1, max_length=150)
    parent_id: int | None = None


class CategoryPageOut(PageOut):
    items: list[CategoryOut]


class CategoryFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup("name__icontains")] = None
    parent_id: Annotated[int | None, FilterLookup("parent_id")] = None


class ProductOut(Schema):
    id: int
    kind: str
    name: str
    description: str
    sku: str
    barcode: str
    category_id: int | None = None
    unit_id: int
    unit_code: str = Field(..., alias="unit.code")
    sale_price: Decimal
    purchase_price: Decimal
    currency: str
    active: bool


class ProductIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: KindIn = "goods"
    description: str = ""
    sku: str = Field("", max_length=64)
    barcode: str = Field("", max_length=32)
    category_id: int | None = None
    unit_id: int | None = None
    sale_price: Decimal = Decimal(0)
    purchase_price: Decimal = Decimal(0)
    currency: str = Field("", max_length=3, description="ISO 4217; the company's by default")
    active: bool = True


class ProductPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: KindIn | None = None
    description: str | None = None
    sku: str | None = Field(None, max_length=64)
    barcode: str | None = Field(None, max_length=32)
    category_id: int | None = None
    unit_id: int | None = None
    sale_price: Decimal | None = None
    purchase_price: Decimal | None = None
    currency: str | None = Field(None, max_length=3)
    active: bool | None = None


class ProductPageOut(PageOut):
    items: list[ProductOut]


class ProductFilter(FilterSchema):
    q: str | None = None
    kind: Annotated[KindIn | None, FilterLookup("kind")] = None
    category: Annotated[int | None, FilterLookup("category_id")] = None
    active: Annotated[bool | None, FilterLookup("active")] = None

    def filter_q(self, value: str | None) -> Q:
        if not value:
            return Q()
        cond = Q()
        for word in value.split():
            cond &= Q(name__icontains=word) | Q(sku__icontains=word) | Q(barcode__istartswith=word)
        return cond
