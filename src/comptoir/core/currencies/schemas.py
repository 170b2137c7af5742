"""API schemas and the filters shared by the API and the list pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import Q
from ninja import Field, FilterSchema, Schema
from ninja.filter_schema import FilterLookup

from comptoir.core.kernel.api import PageOut


class CurrencyOut(Schema):
    code: str
    name: str
    minor_units: int
    active: bool


class CurrencyPageOut(PageOut):
    items: list[CurrencyOut]


class CurrencyFilter(FilterSchema):
    q: str | None = None
    active: Annotated[bool | None, FilterLookup("active")] = None

    def filter_q(self, value: str | None) -> Q:
        if not value:
            return Q()
        value = value.strip()
        if len(value) == 3 and value.isalpha():  # a code: that one, or names starting so
            return Q(code__iexact=value) | Q(name__istartswith=value)
        return Q(code__iexact=value) | Q(name__icontains=value)


class RateOut(Schema):
    id: int
    base: str
    quote: str
    date: dt.date
    rate: Decimal
    source: str


class RatePageOut(PageOut):
    items: list[RateOut]


class RateIn(Schema):
    base: str = Field(..., min_length=3, max_length=3)
    quote: str = Field(..., min_length=3, max_length=3)
    date: dt.date
    rate: Decimal = Field(..., gt=0)


class RateFilter(FilterSchema):
    base: str | None = None
    quote: str | None = None
    date_from: Annotated[dt.date | None, FilterLookup("date__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("date__lte")] = None
    source: Annotated[Literal["ecb", "bnr", "manual"] | None, FilterLookup("source")] = None

    def filter_base(self, value: str | None) -> Q:
        return Q(base=value.upper()) if value else Q()

    def filter_quote(self, value: str | None) -> Q:
        return Q(quote=value.upper()) if value else Q()


class ImportOut(Schema):
    source: str
    created: int
    updated: int
    dates: list[dt.date]


class ConvertOut(Schema):
    amount: Decimal
    from_currency: str
    to_currency: str
    date: dt.date
    rate: Decimal
    result: Decimal
