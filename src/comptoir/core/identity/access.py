"""Who may do what: one check for pages and API operations alike.

An API operation declares ``auth=access("parties.view")``; a page view is
wrapped in ``@page_access("parties.view")``. Both record the permission on
the route so the permission-matrix test can read it, and both check, in
this order: authenticated (session or bearer token), the role grants the
permission, the token carries the scope, the company is one of the user's.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from comptoir.core.companies.models import Company
from comptoir.core.identity.models import ApiToken, User
from comptoir.core.identity.roles import scope_for
from comptoir.core.kernel.errors import Forbidden, NotAuthenticated, RateLimited

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
COMPANY_HEADER = "X-Company"
# Set on the session of a user whose role requires two-factor authentication
# but who has not enrolled yet: such a session may only reach the profile
# page (to enrol) and log out.
TOTP_ENROLL_SESSION_KEY = "comptoir_totp_enroll"


def must_enroll(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(TOTP_ENROLL_SESSION_KEY))


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# Resolved tokens, per process, for a few seconds: a hot API client then costs
# no query for authentication. A revoked token stops working in this process
# at once and in the others within COMPTOIR_TOKEN_CACHE_SECONDS.
_token_cache: dict[str, tuple[float, ApiToken]] = {}


def forget_token(key_hash: str) -> None:
    _token_cache.pop(key_hash, None)


def token_lookup(secret: str) -> ApiToken:
    """The live token for ``secret``, with its user, permissions and companies resolved."""
    key = hash_token(secret)
    ttl = settings.COMPTOIR_TOKEN_CACHE_SECONDS
    hit = _token_cache.get(key)
    token = hit[1] if hit is not None and hit[0] > time.monotonic() else None
    if token is None:
        token = ApiToken.objects.select_related("user").filter(key_hash=key).first()
        if token is not None and ttl > 0:
            token.user.permission_set()
            allowed_companies(token.user)
            if len(_token_cache) > 10_000:
                _token_cache.clear()
            _token_cache[key] = (time.monotonic() + ttl, token)
    if token is None or not token.is_usable() or not token.user.is_active:
        forget_token(key)
        raise NotAuthenticated(_("Invalid, expired or revoked API token."), code="token_invalid")
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    # Each request gets its own copies: views may set attributes on them.
    own = copy.copy(token)
    own.user = copy.copy(token.user)
    return own


def allowed_companies(user: User) -> list[Company]:
    cached: list[Company] | None = getattr(user, "_comptoir_companies", None)
    if cached is None:
        cached = list(user.companies.order_by("code"))
        user._comptoir_companies = cached  # type: ignore[attr-defined]
    return cached


def current_company(user: User, requested_code: str | None = None) -> Company | None:
    """The company the user works in now: the requested one, else their current one."""
    companies = allowed_companies(user)
    if requested_code:
        for company in companies:
            if company.code == requested_code:
                return company
        raise Forbidden(
            _("You have no access to company %(code)s.") % {"code": requested_code},
            code="company_forbidden",
        )
    for company in companies:
        if company.pk == user.current_company_id:
            return company
    return companies[0] if companies else None


_local_counts: dict[tuple[int, int], int] = {}


def _check_rate(user: User) -> None:
    """A fixed one-minute window per user: in Redis when configured, else per process."""
    limit = settings.COMPTOIR_API_RATE_LIMIT
    if limit <= 0:
        return
    minute = int(time.time() // 60)
    if settings.REDIS_URL:
        key = f"rate:{user.pk}:{minute}"
        cache.add(key, 0, timeout=70)
        count = cache.incr(key)
    else:
        if len(_local_counts) > 10_000:
            _local_counts.clear()
        count = _local_counts.get((user.pk, minute), 0) + 1
        _local_counts[(user.pk, minute)] = count
    if count > limit:
        raise RateLimited(_("Too many requests; try again in a minute."))


class Access(HttpBearer):
    """Session cookie or ``Authorization: Bearer <token>``, then the permission."""

    def __init__(self, permission: str | None = None) -> None:
        super().__init__()
        self.permission = permission

    def __call__(self, request: HttpRequest) -> User:
        header = request.headers.get("Authorization", "")
        token: ApiToken | None = None
        if header.lower().startswith("bearer "):
            token = token_lookup(header[7:].strip())
            user = token.user
        elif request.user.is_authenticated:
            if request.method not in SAFE_METHODS and check_csrf(request):
                raise Forbidden(_("CSRF check failed."), code="csrf_failed")
            if must_enroll(request):
                raise Forbidden(
                    _("Set up two-factor authentication on your profile page first."),
                    code="totp_setup_required",
                )
            user = request.user  # type: ignore[assignment]
        else:
            raise NotAuthenticated(_("Log in or send an API token."))
        if self.permission:
            if not user.has_perm(self.permission):
                raise Forbidden(
                    _("Your roles do not allow %(perm)s.") % {"perm": self.permission},
                    code="permission_denied",
                )
            if token is not None and scope_for(self.permission) not in token.scopes:
                raise Forbidden(
                    _("The token lacks the scope %(scope)s.")
                    % {"scope": scope_for(self.permission)},
                    code="scope_missing",
                )
        _check_rate(user)
        request.api_token = token  # type: ignore[attr-defined]
        request.company = current_company(  # type: ignore[attr-defined]
            user, request.headers.get(COMPANY_HEADER)
        )
        request.user = user
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover
        raise NotImplementedError  # __call__ does the work


def api_company(request: HttpRequest) -> Company:
    """The company an API call works for (set by ``access``); 403 ``no_company`` if none."""
    company = getattr(request, "company", None)
    if company is None:
        raise Forbidden(_("You have access to no company."), code="no_company")
    return company


def page_company(request: HttpRequest) -> Company:
    """The company a page works for (the user's current one); 403 if the user has none."""
    from django.core.exceptions import PermissionDenied

    company = getattr(request, "company", None)
    if company is None:
        raise PermissionDenied(_("You have access to no company."))
    return company


def access(permission: str | None = None) -> Access:
    """The ``auth=`` of an API operation that needs ``permission``."""
    return Access(permission)


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def page_access(
    permission: str | None, *, enrolling: bool = False
) -> Callable[[ViewFunc], ViewFunc]:
    """Guard a page: logged in, and holding ``permission`` when one is named.

    ``enrolling=True`` marks the few pages a user who still has to set up
    two-factor authentication may reach (profile, logout).
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not enrolling and must_enroll(request):
                from django.shortcuts import redirect

                return redirect("identity:profile")
            if permission and not request.user.has_perm(permission):
                from django.core.exceptions import PermissionDenied

                raise PermissionDenied(permission)
            return view(request, *args, **kwargs)

        wrapped.comptoir_permission = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
