"""API schemas of identity, and the filters shared by the API and the pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, FilterLookup, FilterSchema, Schema

from comptoir.core.identity.models import ApiToken, Role, User
from comptoir.core.kernel.api import PageOut


class UserFilter(FilterSchema):
    q: Annotated[
        str | None,
        FilterLookup(
            [
                "username__icontains",
                "first_name__icontains",
                "last_name__icontains",
                "email__icontains",
            ]
        ),
    ] = None
    role: Annotated[str | None, FilterLookup("roles__code")] = None
    company: Annotated[str | None, FilterLookup("companies__code")] = None
    is_active: Annotated[bool | None, FilterLookup("is_active")] = None


class RoleFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["code__icontains", "name__icontains"])] = None
    requires_totp: Annotated[bool | None, FilterLookup("requires_totp")] = None


# --------------------------------------------------------------------------- tokens


class TokenRequestIn(Schema):
    username: str
    password: str
    totp_code: str | None = None
    name: str = Field("api", max_length=100)
    scopes: list[str] | None = None
    expires_in_days: int | None = Field(None, ge=1, le=3650)


class TokenIn(Schema):
    name: str = Field(..., max_length=100)
    scopes: list[str] | None = None
    expires_in_days: int | None = Field(None, ge=1, le=3650)


class TokenCreatedOut(Schema):
    """The secret is in ``token``; it is shown this once and never again."""

    token: str
    id: int
    name: str
    scopes: list[str]
    expires_at: dt.datetime | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    expires_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    last_used_at: dt.datetime | None = None
    created_at: dt.datetime
    active: bool

    @staticmethod
    def resolve_active(obj: ApiToken | dict[str, Any]) -> bool:
        if isinstance(obj, dict):
            return bool(obj["active"])
        return obj.is_usable()


class TokenListOut(PageOut):
    items: list[TokenOut]


# --------------------------------------------------------------------------- users


class CompanyRef(Schema):
    id: int
    code: str
    name: str


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    language: str
    totp_enabled: bool
    roles: list[str]
    permissions: list[str]
    scopes: list[str] | None = None
    companies: list[CompanyRef]
    company: CompanyRef | None = None


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    is_active: bool
    language: str
    totp_enabled: bool
    roles: list[str]
    companies: list[str]
    last_login: dt.datetime | None = None
    date_joined: dt.datetime

    # Resolvers also receive the plain dict an idempotent replay answers with.
    @staticmethod
    def resolve_roles(obj: User | dict[str, Any]) -> list[str]:
        if isinstance(obj, dict):
            return list(obj["roles"])
        return sorted(r.code for r in obj.roles.all())

    @staticmethod
    def resolve_companies(obj: User | dict[str, Any]) -> list[str]:
        if isinstance(obj, dict):
            return list(obj["companies"])
        return sorted(c.code for c in obj.companies.all())


class UserListOut(PageOut):
    items: list[UserOut]


class UserIn(Schema):
    username: str = Field(..., max_length=150)
    password: str
    email: str = ""
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    language: str = ""
    roles: list[str] = []
    companies: list[str] = []


class UserPatch(Schema):
    email: str | None = None
    first_name: str | None = Field(None, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    language: str | None = None
    is_active: bool | None = None
    password: str | None = None
    roles: list[str] | None = None
    companies: list[str] | None = None


# --------------------------------------------------------------------------- roles


class RoleOut(Schema):
    id: int
    code: str
    name: str
    permissions: list[str]
    requires_totp: bool

    @staticmethod
    def resolve_permissions(obj: Role | dict[str, Any]) -> list[str]:
        if isinstance(obj, dict):
            return sorted(obj["permissions"])
        return sorted(obj.permissions)


class RoleListOut(PageOut):
    items: list[RoleOut]


class RolePatch(Schema):
    name: str | None = Field(None, max_length=100)
    permissions: list[str] | None = None
    requires_totp: bool | None = None
