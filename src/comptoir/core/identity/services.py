"""Write side of identity: roles, users, tokens, logins. One transaction each."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.core.audit.services import audit_record
from comptoir.core.companies.models import Company
from comptoir.core.identity.access import allowed_companies, forget_token, hash_token
from comptoir.core.identity.models import ApiToken, LoginFailure, Role, User
from comptoir.core.identity.roles import PERMISSIONS, ROLES, SCOPES, scope_for
from comptoir.core.kernel.errors import (
    Conflict,
    Forbidden,
    NotAuthenticated,
    NotFound,
    RateLimited,
    ValidationFailed,
)

TOKEN_PREFIX = "cpt_"  # noqa: S105 (a marker, not a secret)
TOTP_ISSUER = "Comptoir"
ADMIN_PERMISSION = "identity.change"


# --------------------------------------------------------------------------- helpers


def _require(actor: User, permission: str) -> None:
    if not actor.has_perm(permission):
        raise Forbidden(
            _("Your roles do not allow %(perm)s.") % {"perm": permission},
            code="permission_denied",
        )


def _user_snapshot(user: User) -> dict[str, Any]:
    """What the audit trail keeps of a user: never the password hash or TOTP secret."""
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": user.is_active,
        "language": user.language,
        "totp_enabled": user.totp_enabled,
        "roles": sorted(user.roles.values_list("code", flat=True)),
        "companies": sorted(user.companies.values_list("code", flat=True)),
    }


def _token_snapshot(token: ApiToken) -> dict[str, Any]:
    return {
        "user": token.user_id,
        "name": token.name,
        "prefix": token.prefix,
        "scopes": list(token.scopes),
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def _forget_cached_permissions(user: User) -> None:
    for attr in ("_comptoir_perms", "_comptoir_companies", "_perm_cache", "_user_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)


def _visible_user(actor: User, user_id: int) -> User:
    from comptoir.core.identity.selectors import user_list

    user = user_list(actor=actor).filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such user."), code="user_not_found")
    return user


def _roles_from_codes(codes: Iterable[str]) -> list[Role]:
    codes = sorted(set(codes))
    roles = list(Role.objects.filter(code__in=codes))
    unknown = set(codes) - {r.code for r in roles}
    if unknown:
        raise ValidationFailed(
            _("Unknown roles: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
            fields={
                "roles": _("Unknown roles: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
            },
        )
    return roles


def _grantable_companies(actor: User) -> list[Company]:
    """An administrator grants access only to companies they work for themselves."""
    if actor.is_superuser:
        return list(Company.objects.order_by("code"))
    return allowed_companies(actor)


def _companies_from_codes(actor: User, codes: Iterable[str]) -> list[Company]:
    codes = sorted(set(codes))
    grantable = {c.code: c for c in _grantable_companies(actor)}
    unknown = [c for c in codes if c not in grantable]
    if unknown:
        message = _("Unknown companies: %(codes)s.") % {"codes": ", ".join(unknown)}
        raise ValidationFailed(message, fields={"companies": message})
    return [grantable[c] for c in codes]


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            _("The password is too weak."),
            code="password_invalid",
            fields={"password": exc.messages},
        ) from None


def _check_email(email: str) -> None:
    if not email:
        return
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed(
            _("Enter a valid email address."), fields={"email": _("Enter a valid email address.")}
        ) from None


def _keeps_own_admin(actor: User, user: User, roles: list[Role]) -> None:
    """An administrator may not take away their own right to administer."""
    if actor.pk != user.pk or actor.is_superuser:
        return
    if not any(ADMIN_PERMISSION in r.permissions for r in roles):
        raise Conflict(
            _("You cannot remove your own administration rights."),
            code="self_lockout",
            fields={"roles": _("You cannot remove your own administration rights.")},
        )


# --------------------------------------------------------------------------- roles


@transaction.atomic
def roles_sync() -> None:
    """Create the seeded roles; give existing ones any permission added since."""
    for spec in ROLES:
        role, created = Role.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "permissions": sorted(spec.permissions)}
        )
        if not created:
            missing = set(spec.permissions) - set(role.permissions)
            if missing:
                role.permissions = sorted(set(role.permissions) | missing)
                role.save(update_fields=["permissions"])


@transaction.atomic
def role_update(
    *,
    actor: User,
    role_id: int,
    name: str | None = None,
    permissions: list[str] | None = None,
    requires_totp: bool | None = None,
) -> Role:
    """Rename a role, change its permission set or its two-factor requirement."""
    _require(actor, ADMIN_PERMISSION)
    role = Role.objects.select_for_update().filter(pk=role_id).first()
    if role is None:
        raise NotFound(_("No such role."), code="role_not_found")
    before = {
        "name": role.name,
        "permissions": role.permissions,
        "requires_totp": role.requires_totp,
    }
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationFailed(_("A role needs a name."), fields={"name": _("Required.")})
        role.name = name
    if permissions is not None:
        unknown = sorted(set(permissions) - set(PERMISSIONS))
        if unknown:
            message = _("Unknown permissions: %(perms)s.") % {"perms": ", ".join(unknown)}
            raise ValidationFailed(message, fields={"permissions": message})
        new_permissions = sorted(set(permissions))
        other_admin_roles = [
            r for r in actor.roles.exclude(pk=role.pk) if ADMIN_PERMISSION in r.permissions
        ]
        if (
            ADMIN_PERMISSION in role.permissions
            and ADMIN_PERMISSION not in new_permissions
            and not actor.is_superuser
            and actor.roles.filter(pk=role.pk).exists()
            and not other_admin_roles
        ):
            raise Conflict(
                _("You cannot remove your own administration rights."),
                code="self_lockout",
                fields={"permissions": _("You cannot remove your own administration rights.")},
            )
        role.permissions = new_permissions
    if requires_totp is not None:
        role.requires_totp = bool(requires_totp)
    role.save()
    audit_record(
        actor=actor,
        action="role.update",
        obj=role,
        before=before,
        after={
            "name": role.name,
            "permissions": role.permissions,
            "requires_totp": role.requires_totp,
        },
    )
    return role


# --------------------------------------------------------------------------- users


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    roles: Iterable[str] = (),
    companies: Iterable[str] = (),
    language: str = "",
) -> User:
    """Create a login. ``roles`` and ``companies`` are codes."""
    _require(actor, ADMIN_PERMISSION)
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(_("A user needs a username."), fields={"username": _("Required.")})
    try:
        User.username_validator(username)
    except DjangoValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={"username": exc.messages}) from None
    _check_email(email)
    role_objs = _roles_from_codes(roles)
    company_objs = _companies_from_codes(actor, companies)
    candidate = User(username=username, email=email, first_name=first_name, last_name=last_name)
    _check_password(password, candidate)
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(
            _("The username %(name)s is taken.") % {"name": username},
            code="username_taken",
            fields={"username": _("This username is taken.")},
        )
    _check_language(language)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                password=password,
                email=email,
                first_name=first_name,
                last_name=last_name,
                language=language,
            )
    except IntegrityError:
        raise Conflict(
            _("The username %(name)s is taken.") % {"name": username},
            code="username_taken",
            fields={"username": _("This username is taken.")},
        ) from None
    user.roles.set(role_objs)
    user.companies.set(company_objs)
    if company_objs:
        user.current_company = company_objs[0]
        user.save(update_fields=["current_company"])
    audit_record(actor=actor, action="user.create", obj=user, after=_user_snapshot(user))
    return user


def _check_language(language: str | None) -> None:
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationFailed(
            _("Unknown language."), fields={"language": _("Choose one of the offered languages.")}
        )


@transaction.atomic
def user_update(
    *,
    actor: User,
    user_id: int,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    is_active: bool | None = None,
    language: str | None = None,
    password: str | None = None,
    roles: Iterable[str] | None = None,
    companies: Iterable[str] | None = None,
) -> User:
    """Change what an administrator may change about a user; ``None`` keeps a value."""
    _require(actor, ADMIN_PERMISSION)
    user = _visible_user(actor, user_id)
    before = _user_snapshot(user)
    if email is not None:
        _check_email(email)
        user.email = email
    if first_name is not None:
        user.first_name = first_name
    if last_name is not None:
        user.last_name = last_name
    if language is not None:
        _check_language(language)
        user.language = language
    if is_active is not None:
        if not is_active and user.pk == actor.pk:
            raise Conflict(
                _("You cannot deactivate yourself."),
                code="self_lockout",
                fields={"is_active": _("You cannot deactivate yourself.")},
            )
        user.is_active = is_active
    if password:
        _check_password(password, user)
        user.set_password(password)
    user.save()
    if roles is not None:
        _set_roles(actor, user, list(roles))
    if companies is not None:
        _set_companies(actor, user, list(companies))
    _forget_cached_permissions(user)
    audit_record(
        actor=actor, action="user.update", obj=user, before=before, after=_user_snapshot(user)
    )
    return user


def _set_roles(actor: User, user: User, codes: list[str]) -> None:
    role_objs = _roles_from_codes(codes)
    _keeps_own_admin(actor, user, role_objs)
    user.roles.set(role_objs)
    _forget_cached_permissions(user)


def _set_companies(actor: User, user: User, codes: list[str]) -> None:
    wanted = _companies_from_codes(actor, codes)
    grantable_ids = {c.pk for c in _grantable_companies(actor)}
    # Companies the administrator cannot see stay as they are.
    kept = [c for c in user.companies.all() if c.pk not in grantable_ids]
    final = kept + wanted
    user.companies.set(final)
    if user.current_company_id not in {c.pk for c in final}:
        user.current_company = final[0] if final else None
        user.save(update_fields=["current_company"])
    _forget_cached_permissions(user)


@transaction.atomic
def user_set_roles(*, actor: User, user_id: int, roles: Iterable[str]) -> User:
    _require(actor, ADMIN_PERMISSION)
    user = _visible_user(actor, user_id)
    before = _user_snapshot(user)
    _set_roles(actor, user, list(roles))
    audit_record(
        actor=actor, action="user.update", obj=user, before=before, after=_user_snapshot(user)
    )
    return user


@transaction.atomic
def user_set_companies(*, actor: User, user_id: int, companies: Iterable[str]) -> User:
    _require(actor, ADMIN_PERMISSION)
    user = _visible_user(actor, user_id)
    before = _user_snapshot(user)
    _set_companies(actor, user, list(companies))
    audit_record(
        actor=actor, action="user.update", obj=user, before=before, after=_user_snapshot(user)
    )
    return user


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> User:
    """The user's own choice of language for the pages."""
    _check_language(language)
    before = {"language": actor.language}
    User.objects.filter(pk=actor.pk).update(language=language)
    actor.language = language
    audit_record(
        actor=actor,
        action="user.set_language",
        obj=actor,
        before=before,
        after={"language": language},
    )
    return actor


@transaction.atomic
def user_switch_company(*, actor: User, code: str) -> None:
    """Make ``code`` the company the user works in."""
    for company in allowed_companies(actor):
        if company.code == code:
            before = actor.current_company_id
            User.objects.filter(pk=actor.pk).update(current_company=company)
            actor.current_company = company
            audit_record(
                actor=actor,
                action="user.switch_company",
                obj=actor,
                company=company,
                before={"current_company": before},
                after={"current_company": company.pk},
            )
            return
    raise Forbidden(
        _("You have no access to company %(code)s.") % {"code": code}, code="company_forbidden"
    )


# --------------------------------------------------------------------------- tokens


def scopes_of(user: User) -> list[str]:
    """Every scope the user's permissions could use."""
    return sorted({scope_for(p) for p in user.permission_set()})


@transaction.atomic
def token_create(
    *,
    actor: User,
    user: User,
    name: str,
    scopes: list[str],
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new API token for ``user``; returns it with its secret, shown only this once."""
    if actor.pk != user.pk:
        _require(actor, ADMIN_PERMISSION)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A token needs a name."), fields={"name": _("Required.")})
    if len(name) > 100:
        raise ValidationFailed(
            _("The name is too long."), fields={"name": _("100 characters at most.")}
        )
    scopes = list(scopes or [])
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        message = _("Unknown scopes: %(scopes)s.") % {"scopes": ", ".join(unknown)}
        raise ValidationFailed(message, code="scope_unknown", fields={"scopes": message})
    if not scopes:
        raise ValidationFailed(
            _("A token needs at least one scope."), fields={"scopes": _("Choose at least one.")}
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(
            _("The expiry must be in the future."),
            fields={"expires_at": _("Must be in the future.")},
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:8],
        key_hash=hash_token(secret),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    audit_record(actor=actor, action="token.create", obj=token, after=_token_snapshot(token))
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """Revoke a token: the caller's own, or anyone's for an administrator."""
    tokens = ApiToken.objects.select_for_update()
    if not actor.has_perm(ADMIN_PERMISSION):
        tokens = tokens.filter(user=actor)
    token = tokens.filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No such token."), code="token_not_found")
    if token.revoked_at is None:
        before = _token_snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        forget_token(token.key_hash)
        audit_record(
            actor=actor,
            action="token.revoke",
            obj=token,
            before=before,
            after=_token_snapshot(token),
        )
    return token


# --------------------------------------------------------------------------- login


def _recent_failures(username: str) -> int:
    since = timezone.now() - dt.timedelta(seconds=settings.COMPTOIR_LOGIN_LOCKOUT_SECONDS)
    return LoginFailure.objects.filter(username__iexact=username, at__gte=since).count()


def _fail(username: str, remote_addr: str) -> None:
    # Outside the caller's transaction on purpose: a failure must stay recorded.
    LoginFailure.objects.create(username=username[:150], remote_addr=(remote_addr or "")[:64])


def _totp_ok(secret: str, code: str | None) -> bool:
    code = (code or "").strip().replace(" ", "")
    if not secret or not code.isdigit():
        return False
    return pyotp.TOTP(secret).verify(code, valid_window=1)


def login_check(
    *,
    username: str,
    password: str,
    totp_code: str | None = None,
    remote_addr: str = "",
    allow_enrollment: bool = False,
) -> User:
    """The user for these credentials, or a domain error saying why not.

    Locked (429 ``account_locked``) after ``COMPTOIR_LOGIN_MAX_FAILURES`` failures
    within ``COMPTOIR_LOGIN_LOCKOUT_SECONDS``. A user with two-factor enabled, or
    holding a role that requires it, must give a TOTP code. A user whose role
    requires two-factor but who has not enrolled yet is let in only with
    ``allow_enrollment`` (the login page, which then sends them to enrol).
    """
    username = (username or "").strip()
    if _recent_failures(username) >= settings.COMPTOIR_LOGIN_MAX_FAILURES:
        raise RateLimited(_("Too many failed logins. Try again later."), code="account_locked")
    user = authenticate(None, username=username, password=password)
    if user is None:
        _fail(username, remote_addr)
        raise NotAuthenticated(_("Wrong username or password."), code="invalid_credentials")
    assert isinstance(user, User)
    if user.totp_enabled:
        if not totp_code:
            raise NotAuthenticated(
                _("Enter the code from your authenticator app."),
                code="totp_required",
                fields={"totp_code": _("Required.")},
            )
        if not _totp_ok(user.totp_secret, totp_code):
            _fail(username, remote_addr)
            raise NotAuthenticated(
                _("The two-factor code is not valid."),
                code="totp_invalid",
                fields={"totp_code": _("Not valid.")},
            )
    elif user.requires_totp() and not allow_enrollment:
        raise NotAuthenticated(
            _("Your role requires two-factor authentication: log in on the web page to set it up."),
            code="totp_required",
            fields={"totp_code": _("Two-factor authentication is not set up yet.")},
        )
    return user


# --------------------------------------------------------------------------- two-factor


@transaction.atomic
def totp_setup(*, actor: User) -> dict[str, str]:
    """A fresh TOTP secret for the actor, to confirm with ``totp_enable``."""
    if actor.totp_enabled:
        raise Conflict(_("Two-factor authentication is already on."), code="totp_already_enabled")
    secret = pyotp.random_base32()
    User.objects.filter(pk=actor.pk).update(totp_secret=secret)
    actor.totp_secret = secret
    uri = pyotp.TOTP(secret).provisioning_uri(name=actor.username, issuer_name=TOTP_ISSUER)
    audit_record(actor=actor, action="user.totp_setup", obj=actor, after={"totp_enabled": False})
    return {"secret": secret, "uri": uri}


@transaction.atomic
def totp_enable(*, actor: User, code: str) -> User:
    """Turn two-factor on once the actor proves their app gives the right codes."""
    if actor.totp_enabled:
        raise Conflict(_("Two-factor authentication is already on."), code="totp_already_enabled")
    if not actor.totp_secret:
        raise Conflict(_("Set up two-factor authentication first."), code="totp_not_set_up")
    if not _totp_ok(actor.totp_secret, code):
        raise ValidationFailed(
            _("The two-factor code is not valid."),
            code="totp_invalid",
            fields={"code": _("Not valid.")},
        )
    User.objects.filter(pk=actor.pk).update(totp_enabled=True)
    actor.totp_enabled = True
    audit_record(
        actor=actor,
        action="user.totp_enable",
        obj=actor,
        before={"totp_enabled": False},
        after={"totp_enabled": True},
    )
    return actor


@transaction.atomic
def totp_disable(*, actor: User, code: str) -> User:
    """Turn two-factor off (needs a current code; refused when a role requires it)."""
    if not actor.totp_enabled:
        raise Conflict(_("Two-factor authentication is off."), code="totp_not_enabled")
    if actor.requires_totp():
        raise Conflict(
            _("One of your roles requires two-factor authentication."),
            code="totp_required_by_role",
        )
    if not _totp_ok(actor.totp_secret, code):
        raise ValidationFailed(
            _("The two-factor code is not valid."),
            code="totp_invalid",
            fields={"code": _("Not valid.")},
        )
    User.objects.filter(pk=actor.pk).update(totp_enabled=False, totp_secret="")
    actor.totp_enabled = False
    actor.totp_secret = ""
    audit_record(
        actor=actor,
        action="user.totp_disable",
        obj=actor,
        before={"totp_enabled": True},
        after={"totp_enabled": False},
    )
    return actor
