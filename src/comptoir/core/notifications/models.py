"""In-app notifications and each user's choice of channel per kind."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.kernel.models import CompanyOwned, Timestamped


class Notification(CompanyOwned):
    """Something a user should know, shown under the bell until read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.SlugField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notification")
        indexes = [
            models.Index(fields=["user", "company", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def created(self):  # type: ignore[no-untyped-def]
        return self.created_at


class Preference(Timestamped):
    """How a user wants to hear about one kind of notification."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.SlugField(_("kind"), max_length=50)
    in_app = models.BooleanField(_("in the application"), default=True)
    email = models.BooleanField(_("by email"), default=False)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("notification preference")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"
