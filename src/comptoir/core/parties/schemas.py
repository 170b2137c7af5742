"""API shapes of parties, and the one filter the API and the list page share."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.db.models import Q
from ninja import Field, FilterLookup, FilterSchema, Schema

from comptoir.core.kernel.api import PageOut

KindLiteral = Literal["organisation", "person"]
AddressKindLiteral = Literal["billing", "shipping", "other"]


class PartyIn(Schema):
    kind: KindLiteral = "organisation"
    name: str = Field(..., min_length=1, max_length=200)
    parent_id: int | None = None
    is_customer: bool = False
    is_supplier: bool = False
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    website: str = Field("", max_length=200)
    vat_number: str = Field("", max_length=40)
    national_id: str = Field("", max_length=40)
    country: str = Field("", max_length=2, description="ISO 3166 alpha-2; the company's if empty")
    language: str = Field("", max_length=10)
    tags: list[str] = []
    notes: str = ""
    allow_duplicate: bool = Field(
        False, description="Create even if another party has the same VAT number or name."
    )


class PartyPatch(Schema):
    kind: KindLiteral | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    parent_id: int | None = None
    is_customer: bool | None = None
    is_supplier: bool | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    website: str | None = Field(None, max_length=200)
    vat_number: str | None = Field(None, max_length=40)
    national_id: str | None = Field(None, max_length=40)
    country: str | None = Field(None, max_length=2)
    language: str | None = Field(None, max_length=10)
    tags: list[str] | None = None
    notes: str | None = None
    active: bool | None = None
    allow_duplicate: bool = False


class PartyOut(Schema):
    id: int
    kind: str
    name: str
    parent_id: int | None
    is_customer: bool
    is_supplier: bool
    email: str
    phone: str
    website: str
    vat_number: str
    national_id: str
    country: str
    language: str
    city: str
    tags: list[str]
    notes: str
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_tags(obj: object) -> list[str]:
        if isinstance(obj, dict):  # an answer replayed by @idempotent
            return list(obj.get("tags", []))
        return [t.name for t in obj.tags.all()]  # type: ignore[attr-defined]


class PartyPage(PageOut):
    items: list[PartyOut]


class ContactIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    language: str = Field("", max_length=10)
    notes: str = ""
    allow_duplicate: bool = False


class AddressIn(Schema):
    kind: AddressKindLiteral = "billing"
    street: str = Field("", max_length=200)
    street2: str = Field("", max_length=200)
    postal_code: str = Field("", max_length=20)
    city: str = Field("", max_length=100)
    region: str = Field("", max_length=100)
    country: str = Field("", max_length=2, description="ISO 3166 alpha-2; the party's if empty")
    is_default: bool = False


class AddressPatch(Schema):
    kind: AddressKindLiteral | None = None
    street: str | None = Field(None, max_length=200)
    street2: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=100)
    region: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=2)
    is_default: bool | None = None


class AddressOut(Schema):
    id: int
    party_id: int
    kind: str
    street: str
    street2: str
    postal_code: str
    city: str
    region: str
    country: str
    is_default: bool


class AddressList(Schema):
    items: list[AddressOut]
    next: str | None = None


class BankAccountIn(Schema):
    iban: str = Field(..., max_length=50)
    bic: str = Field("", max_length=20, description="Looked up from the IBAN when empty")
    bank_name: str = Field("", max_length=200)


class BankAccountOut(Schema):
    id: int
    party_id: int
    iban: str
    bic: str
    bank_name: str


class BankAccountList(Schema):
    items: list[BankAccountOut]
    next: str | None = None


class TagIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)


class TagOut(Schema):
    id: int
    name: str


class TagList(Schema):
    items: list[TagOut]
    next: str | None = None


class PartyFilter(FilterSchema):
    """Filters of the party list: the same on the page and in the API."""

    q: Annotated[
        str | None,
        FilterLookup(["name__icontains", "email__icontains", "vat_number__icontains"]),
    ] = Field(None, description="Part of the name, email or VAT number")
    kind: KindLiteral | None = None
    role: Literal["customer", "supplier"] | None = Field(None, description="customer or supplier")
    country: str | None = Field(None, description="ISO 3166 alpha-2")
    tag: str | None = Field(None, description="A tag name")
    active: bool | None = None

    def filter_role(self, value: str | None) -> Q:
        if value == "customer":
            return Q(is_customer=True)
        if value == "supplier":
            return Q(is_supplier=True)
        return Q()

    def filter_country(self, value: str | None) -> Q:
        return Q(country=value.strip().upper()) if value else Q()

    def filter_tag(self, value: str | None) -> Q:
        if not value:
            return Q()
        from comptoir.core.parties.models import Party

        through = Party.tags.through.objects.filter(tag__name__iexact=value.strip())
        return Q(pk__in=through.values("party_id"))
