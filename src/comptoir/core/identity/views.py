"""Identity pages: log in and out, the profile (language, API tokens, two-factor),
and the administration of users and roles."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.core.identity import selectors, services
from comptoir.core.identity.access import TOTP_ENROLL_SESSION_KEY, allowed_companies, page_access
from comptoir.core.identity.forms import (
    LanguageForm,
    LoginForm,
    RoleForm,
    TokenForm,
    TotpCodeForm,
    UserCreateForm,
    UserEditForm,
)
from comptoir.core.identity.models import Role, User
from comptoir.core.identity.schemas import RoleFilter, UserFilter
from comptoir.core.kernel.errors import DomainError, NotFound, RateLimited
from comptoir.core.web.forms import apply_domain_error
from comptoir.core.web.lists import Column, FilterField, ListSpec, detail_fields, list_page

# --------------------------------------------------------------------------- login


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_language(response: HttpResponse, language: str) -> HttpResponse:
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


@sensitive_post_parameters("password", "totp_code")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """The login page (public). Locked accounts are told so, without saying more."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request, next_url))
    form = LoginForm(request.POST or None)
    locked = False
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_check(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                totp_code=form.cleaned_data["totp_code"] or None,
                remote_addr=request.META.get("REMOTE_ADDR", ""),
                allow_enrollment=True,
            )
        except DomainError as exc:
            locked = isinstance(exc, RateLimited)
            status = exc.status
            if exc.code in ("totp_required", "totp_invalid"):
                form.add_error("totp_code", exc.message)
            else:
                form.add_error(None, exc.message)
        else:
            login(request, user)
            if not user.totp_enabled and user.requires_totp():
                request.session[TOTP_ENROLL_SESSION_KEY] = True
                messages.warning(
                    request,
                    _("Your role requires two-factor authentication. Set it up to continue."),
                )
                response = redirect("identity:profile")
            else:
                response = redirect(_safe_next(request, next_url))
            return _with_language(response, user.language)
    return render(
        request,
        "identity/login.html",
        {"form": form, "next": next_url, "locked": locked, "title": _("Log in")},
        status=status,
    )


@require_POST
@page_access(None, enrolling=True)
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --------------------------------------------------------------------------- profile


def _profile(request: HttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    allowed = services.scopes_of(user)
    context: dict[str, Any] = {
        "title": _("Profile"),
        "language_form": LanguageForm(initial={"language": user.language}),
        "token_form": TokenForm(allowed_scopes=allowed, initial={"scopes": allowed}),
        "tokens": list(selectors.token_list(user=user)),
        "totp_form": TotpCodeForm(),
        "totp_pending": bool(user.totp_secret) and not user.totp_enabled,
        "totp_required": user.requires_totp(),
        "must_enroll": bool(request.session.get(TOTP_ENROLL_SESSION_KEY)),
        "now": timezone.now(),
    }
    context.update(extra)
    return render(request, "identity/profile.html", context, status=status)


@page_access(None, enrolling=True)
def profile(request: HttpRequest) -> HttpResponse:
    return _profile(request)


@require_POST
@page_access(None, enrolling=True)
def profile_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_language(actor=request.user, language=form.cleaned_data["language"])  # type: ignore[arg-type]
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Language saved."))
            return _with_language(redirect("identity:profile"), form.cleaned_data["language"])
    return _profile(request, status=422, language_form=form)


@require_POST
@page_access(None, enrolling=True)
def token_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    allowed = services.scopes_of(user)
    form = TokenForm(request.POST, allowed_scopes=allowed)
    if form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        try:
            token, secret = services.token_create(
                actor=user,
                user=user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            # The secret is shown on this answer only; it is not stored anywhere.
            return _profile(request, new_token=token, new_secret=secret)
    return _profile(request, status=422, token_form=form)


@require_POST
@page_access(None, enrolling=True)
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not selectors.token_list(user=user).filter(pk=pk).exists():
        raise Http404
    services.token_revoke(actor=user, token_id=pk)
    messages.success(request, _("Token revoked."))
    return redirect("identity:profile")


@require_POST
@page_access(None, enrolling=True)
def totp_setup(request: HttpRequest) -> HttpResponse:
    try:
        setup = services.totp_setup(actor=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("identity:profile")
    return _profile(request, totp_secret=setup["secret"], totp_uri=setup["uri"], totp_pending=True)


@require_POST
@page_access(None, enrolling=True)
def totp_enable(request: HttpRequest) -> HttpResponse:
    form = TotpCodeForm(request.POST)
    if form.is_valid():
        try:
            services.totp_enable(actor=request.user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            request.session.pop(TOTP_ENROLL_SESSION_KEY, None)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("identity:profile")
    return _profile(request, status=422, totp_form=form)


@require_POST
@page_access(None, enrolling=True)
def totp_disable(request: HttpRequest) -> HttpResponse:
    form = TotpCodeForm(request.POST)
    if form.is_valid():
        try:
            services.totp_disable(actor=request.user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("identity:profile")
    return _profile(request, status=422, totp_form=form)


# --------------------------------------------------------------------------- users


def _user_roles(user: User) -> str:
    return ", ".join(r.name for r in user.roles.all())


def _user_companies(user: User) -> str:
    return ", ".join(c.code for c in user.companies.all())


USER_LIST = ListSpec(
    title=gettext_lazy("Users"),
    columns=(
        Column("username", gettext_lazy("Username"), sortable=True, link=True),
        Column("first_name", gettext_lazy("First name")),
        Column("last_name", gettext_lazy("Last name")),
        Column("email", gettext_lazy("Email")),
        Column("roles", gettext_lazy("Roles"), accessor=_user_roles),
        Column("companies", gettext_lazy("Companies"), accessor=_user_companies),
        Column("is_active", gettext_lazy("Active")),
        Column("last_login", gettext_lazy("Last login"), sortable=True),
    ),
    filter_schema=UserFilter,
    orderings=("username", "last_login", "date_joined"),
    default_ordering="username",
    detail_url=lambda u: reverse("identity:user_detail", args=[u.pk]),
    create_permission="identity.change",
    export_name="users",
)


def _role_choices() -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in Role.objects.order_by("name")]


def _company_choices(user: User) -> list[tuple[str, str]]:
    from comptoir.core.companies.models import Company

    companies = Company.objects.order_by("code") if user.is_superuser else allowed_companies(user)
    return [(c.code, f"{c.code} — {c.name}") for c in companies]


@page_access("identity.view")
def user_list(request: HttpRequest) -> HttpResponse:
    active = (("true", _("Yes")), ("false", _("No")))
    companies = allowed_companies(request.user)  # type: ignore[arg-type]
    spec = dataclasses.replace(
        USER_LIST,
        create_url=reverse("identity:user_create"),
        filters=(
            FilterField("q", _("Search")),
            FilterField("role", _("Role"), tuple(_role_choices())),
            FilterField("company", _("Company"), tuple((c.code, c.name) for c in companies)),
            FilterField("is_active", _("Active"), active),
        ),
    )
    return list_page(request, spec, selectors.user_list(actor=request.user))  # type: ignore[arg-type]


def _get_user(request: HttpRequest, pk: int) -> User:
    try:
        return selectors.user_get(actor=request.user, user_id=pk)  # type: ignore[arg-type]
    except NotFound:
        raise Http404 from None


@page_access("identity.view")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _get_user(request, pk)
    fields = detail_fields(
        user,
        [
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "language",
            "totp_enabled",
            "last_login",
            "date_joined",
        ],
    )
    return render(
        request,
        "identity/user_detail.html",
        {
            "object": user,
            "fields": fields,
            "roles": list(user.roles.all()),
            "user_companies": list(user.companies.all()),
            "edit_url": reverse("identity:user_edit", args=[user.pk])
            if request.user.has_perm("identity.change")
            else None,
        },
    )


@sensitive_post_parameters("password")
@page_access("identity.change")
def user_create(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    form = UserCreateForm(
        request.POST or None,
        role_choices=_role_choices(),
        company_choices=_company_choices(actor),
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("User created."))
            return redirect("identity:user_detail", pk=user.pk)
    return render(
        request,
        "web/form.html",
        {"form": form, "title": _("New user"), "cancel_url": reverse("identity:user_list")},
        status=422 if form.errors else 200,
    )


@sensitive_post_parameters("password")
@page_access("identity.change")
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    user = _get_user(request, pk)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "language": user.language,
        "is_active": user.is_active,
        "roles": [r.code for r in user.roles.all()],
        "companies": [c.code for c in user.companies.all()],
    }
    form = UserEditForm(
        request.POST or None,
        initial=initial,
        role_choices=_role_choices(),
        company_choices=_company_choices(actor),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["password"] = data.get("password") or None
        try:
            services.user_update(actor=actor, user_id=user.pk, **data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("User saved."))
            return redirect("identity:user_detail", pk=user.pk)
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": _("Edit %(user)s") % {"user": user.username},
            "cancel_url": reverse("identity:user_detail", args=[user.pk]),
        },
        status=422 if form.errors else 200,
    )


# --------------------------------------------------------------------------- roles


ROLE_LIST = ListSpec(
    title=gettext_lazy("Roles"),
    columns=(
        Column("code", gettext_lazy("Code"), sortable=True, link=True),
        Column("name", gettext_lazy("Name"), sortable=True),
        Column("requires_totp", gettext_lazy("Requires two-factor")),
        Column("permissions", gettext_lazy("Permissions"), accessor=lambda r: len(r.permissions)),
    ),
    filter_schema=RoleFilter,
    filters=(FilterField("q", gettext_lazy("Search")),),
    orderings=("code", "name"),
    default_ordering="code",
    detail_url=lambda r: reverse("identity:role_detail", args=[r.pk]),
    export_name="roles",
)


@page_access("identity.view")
def role_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, ROLE_LIST, selectors.role_list())


def _get_role(pk: int) -> Role:
    try:
        return selectors.role_get(role_id=pk)
    except NotFound:
        raise Http404 from None


@page_access("identity.view")
def role_detail(request: HttpRequest, pk: int) -> HttpResponse:
    role = _get_role(pk)
    actor: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "identity/role_detail.html",
        {
            "object": role,
            "fields": detail_fields(role, ["code", "name", "requires_totp"]),
            "permissions": sorted(role.permissions),
            "members": list(
                selectors.user_list(actor=actor).filter(roles=role).order_by("username")[:200]
            ),
            "edit_url": reverse("identity:role_edit", args=[role.pk])
            if request.user.has_perm("identity.change")
            else None,
        },
    )


@page_access("identity.change")
def role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    role = _get_role(pk)
    form = RoleForm(
        request.POST or None,
        initial={
            "name": role.name,
            "permissions": list(role.permissions),
            "requires_totp": role.requires_totp,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.role_update(actor=request.user, role_id=role.pk, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Role saved."))
            return redirect("identity:role_detail", pk=role.pk)
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": _("Edit role %(role)s") % {"role": role.name},
            "cancel_url": reverse("identity:role_detail", args=[role.pk]),
        },
        status=422 if form.errors else 200,
    )
