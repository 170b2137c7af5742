"""Kernel tables: the base every business record inherits, and API idempotency."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class CompanyOwned(Timestamped):
    """A business record: it belongs to exactly one company."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class IdempotencyKey(models.Model):
    """The answer given to a creating POST, replayed when the same key comes back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    operation = models.CharField(max_length=200)
    body_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="kernel_idempotency_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"
