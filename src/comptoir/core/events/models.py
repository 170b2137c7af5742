"""The transactional outbox, handler bookkeeping and the schedule table."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    """A domain event written in the same transaction as the change it reports."""

    name = models.CharField(_("event"), max_length=100, db_index=True)
    company = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox event")

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}"


class HandlerRun(models.Model):
    """Proof that a handler has processed an event: the idempotency key."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="runs")
    handler = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "handler"], name="events_handler_once")
        ]

    def __str__(self) -> str:
        return f"{self.handler} ← #{self.event_id}"


class Schedule(models.Model):
    """A periodic job the worker runs: the dotted path of a task, every N seconds."""

    name = models.SlugField(_("name"), max_length=100, unique=True)
    task = models.CharField(_("task"), max_length=200)
    every_seconds = models.PositiveIntegerField(_("every (seconds)"))
    enabled = models.BooleanField(_("enabled"), default=True)
    next_run_at = models.DateTimeField(_("next run"), db_index=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("schedule")
        constraints = [
            models.CheckConstraint(condition=models.Q(every_seconds__gt=0), name="schedule_every")
        ]

    def __str__(self) -> str:
        return self.name
