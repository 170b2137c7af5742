"""Identity API: API tokens (``/auth``), users and roles (``/identity``)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from comptoir.core.identity import selectors, services
from comptoir.core.identity.access import access, allowed_companies
from comptoir.core.identity.models import ApiToken, User
from comptoir.core.identity.roles import SCOPES
from comptoir.core.identity.schemas import (
    MeOut,
    RoleFilter,
    RoleListOut,
    RoleOut,
    RolePatch,
    TokenCreatedOut,
    TokenIn,
    TokenListOut,
    TokenOut,
    TokenRequestIn,
    UserFilter,
    UserIn,
    UserListOut,
    UserOut,
    UserPatch,
)
from comptoir.core.kernel.api import ERRORS, idempotent
from comptoir.core.kernel.errors import NotFound, ValidationFailed
from comptoir.core.kernel.pagination import keyset_page

auth_router = Router()
users_router = Router()


def _expiry(days: int | None) -> dt.datetime | None:
    return timezone.now() + dt.timedelta(days=days) if days else None


def _created(token: ApiToken, secret: str) -> dict[str, Any]:
    return TokenCreatedOut(
        token=secret,
        id=token.pk,
        name=token.name,
        scopes=list(token.scopes),
        expires_at=token.expires_at,
    ).model_dump(mode="json")


def _remote_addr(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


# --------------------------------------------------------------------------- /auth


@auth_router.post(
    "/token",
    auth=None,
    response={201: TokenCreatedOut, **ERRORS},
    operation_id="auth_token_create",
    summary="Log in and get an API token",
)
def auth_token_create(request: HttpRequest, payload: TokenRequestIn) -> Status[Any]:
    """Exchange a username, password (and TOTP code when needed) for a bearer token.

    The secret is returned once. Without ``scopes`` the token gets every scope
    the user's roles allow. Too many failures lock the username (429).
    """
    user = services.login_check(
        username=payload.username,
        password=payload.password,
        totp_code=payload.totp_code,
        remote_addr=_remote_addr(request),
    )
    scopes = payload.scopes if payload.scopes is not None else services.scopes_of(user)
    token, secret = services.token_create(
        actor=user,
        user=user,
        name=payload.name,
        scopes=scopes,
        expires_at=_expiry(payload.expires_in_days),
    )
    return Status(201, _created(token, secret))


@auth_router.get(
    "/me",
    auth=access(None),
    response={200: MeOut, **ERRORS},
    operation_id="identity_me_read",
    summary="Who am I",
)
def me_read(request: HttpRequest) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    token: ApiToken | None = getattr(request, "api_token", None)
    company = getattr(request, "company", None)
    ref = lambda c: {"id": c.pk, "code": c.code, "name": c.name}  # noqa: E731
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "language": user.language,
        "totp_enabled": user.totp_enabled,
        "roles": sorted(user.roles.values_list("code", flat=True)),
        "permissions": sorted(user.permission_set()),
        "scopes": sorted(token.scopes) if token is not None else None,
        "companies": [ref(c) for c in allowed_companies(user)],
        "company": ref(company) if company is not None else None,
    }


@auth_router.get(
    "/tokens",
    auth=access(None),
    response={200: TokenListOut, **ERRORS},
    operation_id="identity_token_list",
    summary="List my API tokens",
)
def token_list(request: HttpRequest, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
    page = keyset_page(
        selectors.token_list(user=request.user),  # type: ignore[arg-type]
        ordering="-pk",
        cursor=cursor,
        limit=limit,
    )
    return page.as_answer()


@auth_router.post(
    "/tokens",
    auth=access(None),
    response={201: TokenCreatedOut, **ERRORS},
    operation_id="identity_token_create",
    summary="Create an API token for myself",
)
@idempotent
def token_create(request: HttpRequest, payload: TokenIn) -> Status[Any]:
    """A new token for the caller. Its scopes cannot exceed the calling token's."""
    user: User = request.user  # type: ignore[assignment]
    allowed = set(services.scopes_of(user))
    caller: ApiToken | None = getattr(request, "api_token", None)
    if caller is not None:
        allowed &= set(caller.scopes)
    scopes = payload.scopes if payload.scopes is not None else sorted(allowed)
    excess = sorted((set(scopes) & set(SCOPES)) - allowed)
    if excess:
        message = _("You cannot grant scopes you do not hold: %(scopes)s.") % {
            "scopes": ", ".join(excess)
        }
        raise ValidationFailed(message, code="scope_not_held", fields={"scopes": message})
    token, secret = services.token_create(
        actor=user,
        user=user,
        name=payload.name,
        scopes=scopes,
        expires_at=_expiry(payload.expires_in_days),
    )
    return Status(201, _created(token, secret))


@auth_router.delete(
    "/tokens/{token_id}",
    auth=access(None),
    response={200: TokenOut, **ERRORS},
    operation_id="identity_token_revoke",
    summary="Revoke one of my API tokens",
)
def token_revoke(request: HttpRequest, token_id: int) -> ApiToken:
    user: User = request.user  # type: ignore[assignment]
    if not selectors.token_list(user=user).filter(pk=token_id).exists():
        raise NotFound(_("No such token."), code="token_not_found")
    return services.token_revoke(actor=user, token_id=token_id)


# --------------------------------------------------------------------------- /identity


USER_ORDERINGS = ("username", "date_joined", "last_login")


@users_router.get(
    "/users",
    auth=access("identity.view"),
    response={200: UserListOut, **ERRORS},
    operation_id="identity_user_list",
    summary="List users",
)
def user_list(
    request: HttpRequest,
    filters: Query[UserFilter],
    cursor: str | None = None,
    limit: int = 50,
    ordering: str = "username",
) -> dict[str, Any]:
    users = filters.filter(selectors.user_list(actor=request.user))  # type: ignore[arg-type]
    page = keyset_page(users, ordering=ordering, allowed=USER_ORDERINGS, cursor=cursor, limit=limit)
    return page.as_answer()


@users_router.get(
    "/users/{user_id}",
    auth=access("identity.view"),
    response={200: UserOut, **ERRORS},
    operation_id="identity_user_read",
    summary="Read a user",
)
def user_read(request: HttpRequest, user_id: int) -> User:
    return selectors.user_get(actor=request.user, user_id=user_id)  # type: ignore[arg-type]


@users_router.post(
    "/users",
    auth=access("identity.change"),
    response={201: UserOut, **ERRORS},
    operation_id="identity_user_create",
    summary="Create a user",
)
@idempotent
def user_create(request: HttpRequest, payload: UserIn) -> Status[Any]:
    user = services.user_create(actor=request.user, **payload.dict())  # type: ignore[arg-type]
    user = selectors.user_get(actor=request.user, user_id=user.pk)  # type: ignore[arg-type]
    return Status(201, UserOut.from_orm(user).model_dump(mode="json"))


@users_router.patch(
    "/users/{user_id}",
    auth=access("identity.change"),
    response={200: UserOut, **ERRORS},
    operation_id="identity_user_update",
    summary="Change a user",
)
def user_update(request: HttpRequest, user_id: int, payload: UserPatch) -> User:
    changes = payload.dict(exclude_unset=True)
    services.user_update(actor=request.user, user_id=user_id, **changes)  # type: ignore[arg-type]
    return selectors.user_get(actor=request.user, user_id=user_id)  # type: ignore[arg-type]


@users_router.get(
    "/roles",
    auth=access("identity.view"),
    response={200: RoleListOut, **ERRORS},
    operation_id="identity_role_list",
    summary="List roles",
)
def role_list(
    request: HttpRequest,
    filters: Query[RoleFilter],
    cursor: str | None = None,
    limit: int = 50,
    ordering: str = "code",
) -> dict[str, Any]:
    roles = filters.filter(selectors.role_list())
    page = keyset_page(
        roles, ordering=ordering, allowed=("code", "name"), cursor=cursor, limit=limit
    )
    return page.as_answer()


@users_router.get(
    "/roles/{role_id}",
    auth=access("identity.view"),
    response={200: RoleOut, **ERRORS},
    operation_id="identity_role_read",
    summary="Read a role",
)
def role_read(request: HttpRequest, role_id: int) -> Any:
    return selectors.role_get(role_id=role_id)


@users_router.patch(
    "/roles/{role_id}",
    auth=access("identity.change"),
    response={200: RoleOut, **ERRORS},
    operation_id="identity_role_update",
    summary="Change a role",
)
def role_update(request: HttpRequest, role_id: int, payload: RolePatch) -> Any:
    changes = payload.dict(exclude_unset=True)
    return services.role_update(actor=request.user, role_id=role_id, **changes)  # type: ignore[arg-type]
