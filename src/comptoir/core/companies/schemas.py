"""API schemas of companies, and the filter shared by the API and the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, FilterLookup, FilterSchema, Schema

from comptoir.core.kernel.api import PageOut


class CompanyFilter(FilterSchema):
    q: Annotated[
        str | None,
        FilterLookup(["code__icontains", "name__icontains", "legal_name__icontains"]),
    ] = None
    country: Annotated[str | None, FilterLookup("country__iexact")] = None
    currency: Annotated[str | None, FilterLookup("currency__iexact")] = None


class CompanyOut(Schema):
    id: int
    code: str
    name: str
    legal_name: str
    country: str
    currency: str
    locale: str
    vat_number: str
    national_id: str
    trade_register: str
    share_capital: Decimal | None = None
    street: str
    postal_code: str
    city: str
    email: str
    is_demo: bool
    created_at: dt.datetime


class CompanyListOut(PageOut):
    items: list[CompanyOut]


class CompanyIn(Schema):
    code: str = Field(..., max_length=32)
    name: str = Field(..., max_length=200)
    country: str = Field(..., max_length=2)
    currency: str = Field(..., max_length=3)
    locale: str = "en"
    legal_name: str = ""
    vat_number: str = ""
    national_id: str = ""
    trade_register: str = ""
    share_capital: Decimal | None = None
    street: str = ""
    postal_code: str = ""
    city: str = ""
    email: str = ""


class CompanyPatch(Schema):
    code: str | None = Field(None, max_length=32)
    name: str | None = Field(None, max_length=200)
    country: str | None = Field(None, max_length=2)
    currency: str | None = Field(None, max_length=3)
    locale: str | None = None
    legal_name: str | None = None
    vat_number: str | None = None
    national_id: str | None = None
    trade_register: str | None = None
    share_capital: Decimal | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None
