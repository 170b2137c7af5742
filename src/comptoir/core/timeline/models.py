"""The timeline of a record: notes, events, calls, emails and attached files."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core.kernel.models import CompanyOwned


class TimelineEntry(CompanyOwned):
    """One thing that happened to a record (a party, a product, an invoice…)."""

    class Kind(models.TextChoices):
        EVENT = "event", _("Event")
        NOTE = "note", _("Note")
        ATTACHMENT = "attachment", _("Attachment")
        EMAIL = "email", _("Email")
        CALL = "call", _("Call")

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    attachment = models.ForeignKey(
        "timeline.Attachment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The outbox event an "event" entry reports: written once per event.
    source_event_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"], name="timeline_target_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_event_id", "target_type", "target_id"],
                condition=models.Q(source_event_id__isnull=False),
                name="timeline_event_once",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["event", "note", "attachment", "email", "call"]),
                name="timeline_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attachment(CompanyOwned):
    """A file attached to a record. Its type is sniffed from its bytes, never trusted."""

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(max_length=64, db_index=True)
    path = models.CharField(max_length=500, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("attachment")
        indexes = [models.Index(fields=["target_type", "target_id"], name="attachment_target")]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gte=0), name="attachment_size_positive")
        ]

    def __str__(self) -> str:
        return self.filename
