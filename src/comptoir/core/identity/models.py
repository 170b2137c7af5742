"""Users, roles, API tokens and login failures."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.Model):
    """A named permission set (seeded from ``roles.ROLES``, editable by an admin)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    permissions = models.JSONField(_("permissions"), default=list)
    requires_totp = models.BooleanField(_("requires two-factor"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("role")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in; holds roles and works for one or more companies."""

    roles = models.ManyToManyField(Role, blank=True, related_name="users", verbose_name=_("roles"))
    companies = models.ManyToManyField(
        "companies.Company", blank=True, related_name="users", verbose_name=_("companies")
    )
    current_company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current company"),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_enabled = models.BooleanField(_("two-factor enabled"), default=False)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def permission_set(self) -> frozenset[str]:
        """Every permission the user's roles grant (cached on the instance)."""
        cached: frozenset[str] | None = getattr(self, "_comptoir_perms", None)
        if cached is None:
            if not self.is_active:
                cached = frozenset()
            else:
                cached = frozenset(
                    p for perms in self.roles.values_list("permissions", flat=True) for p in perms
                )
            self._comptoir_perms = cached
        return cached

    def has_role(self, code: str) -> bool:
        return self.roles.filter(code=code).exists()

    def requires_totp(self) -> bool:
        return self.roles.filter(requires_totp=True).exists()


class ApiToken(models.Model):
    """A personal API token: only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class LoginFailure(models.Model):
    """One failed login; enough recent ones lock the username out."""

    username = models.CharField(max_length=150, db_index=True)
    remote_addr = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} at {self.at:%Y-%m-%d %H:%M}"
