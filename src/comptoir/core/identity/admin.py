"""Django admin: open to role administrators, every change audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from comptoir.core.identity.models import ApiToken, LoginFailure, Role, User

ADMIN_PERMISSION = "identity.change"


def admin_site_has_permission(request: HttpRequest) -> bool:
    """Only active users holding the administrator's permission reach /admin/."""
    user = request.user
    return bool(user.is_active and (user.is_superuser or user.has_perm(ADMIN_PERMISSION)))


class RoleAdminMixin:
    """Model permissions from the roles (not Django's per-model permissions)."""

    admin_permission = ADMIN_PERMISSION
    read_only = False

    def _allowed(self, request: HttpRequest) -> bool:
        return admin_site_has_permission(request) and request.user.has_perm(self.admin_permission)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return not self.read_only and self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self.read_only and self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self.read_only and self._allowed(request)

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        from comptoir.core.audit.services import audit_record, snapshot

        with transaction.atomic():
            before = None
            if change and obj.pk:
                old = type(obj)._default_manager.filter(pk=obj.pk).first()
                before = _redact(snapshot(old)) if old is not None else None
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            label = obj._meta.model_name
            audit_record(
                actor=request.user,
                action=f"admin.{label}.{'update' if change else 'create'}",
                obj=obj,
                before=before,
                after=_redact(snapshot(obj)),
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        from comptoir.core.audit.services import audit_record, snapshot

        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=f"admin.{obj._meta.model_name}.delete",
                obj=obj,
                before=_redact(snapshot(obj)),
            )
            super().delete_model(request, obj)  # type: ignore[misc]


_SECRET_FIELDS = {"password", "totp_secret", "key_hash"}


def _redact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: ("***" if k in _SECRET_FIELDS and v else v) for k, v in data.items()}


@admin.register(Role)
class RoleAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "requires_totp")
    search_fields = ("code", "name")
    readonly_fields = ("code",)


@admin.register(User)
class UserAdmin(RoleAdminMixin, DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "totp_enabled")
    list_filter = ("is_active", "roles", "companies")
    filter_horizontal = ("roles", "companies")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
        (_("Access"), {"fields": ("is_active", "roles", "companies", "current_company")}),
        (_("Two-factor"), {"fields": ("totp_enabled",)}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined", "totp_enabled")


@admin.register(ApiToken)
class ApiTokenAdmin(RoleAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ("name", "user", "prefix", "expires_at", "revoked_at", "last_used_at")
    search_fields = ("name", "prefix", "user__username")
    exclude = ("key_hash",)


@admin.register(LoginFailure)
class LoginFailureAdmin(RoleAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ("username", "remote_addr", "at")
    search_fields = ("username", "remote_addr")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Clearing failures is how an administrator unlocks an account.
        return self._allowed(request)
