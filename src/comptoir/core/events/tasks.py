"""Background work of the events app: delivery, retry and the scheduler."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from comptoir.core.events import bus
from comptoir.core.events.models import Schedule

logger = logging.getLogger(__name__)

# The periodic jobs every installation has. ``schedules_sync`` writes them
# into the schedule table (``comptoir init``); an admin may change the pace.
DEFAULT_SCHEDULES: dict[str, tuple[str, int]] = {
    "outbox-retry": ("comptoir.core.events.tasks.outbox_retry", 30),
    "rates-import-drop-folder": ("comptoir.core.currencies.tasks.rates_import_drop_folder", 300),
    "attachment-orphans-sweep": ("comptoir.core.timeline.tasks.attachment_orphans_sweep", 3600),
}


@task()
def deliver_event(event_id: int) -> bool:
    return bus.deliver(event_id)


@task()
def outbox_retry() -> int:
    """Deliver events whose delivery did not happen or failed."""
    return bus.deliver_pending(older_than=timedelta(seconds=5))


def schedules_sync() -> None:
    for name, (path, every) in DEFAULT_SCHEDULES.items():
        Schedule.objects.get_or_create(
            name=name,
            defaults={"task": path, "every_seconds": every, "next_run_at": timezone.now()},
        )


def run_due_schedules() -> list[str]:
    """Enqueue each due schedule once, even with several workers running."""
    started: list[str] = []
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Schedule.objects.select_for_update(skip_locked=True)
            .filter(enabled=True, next_run_at__lte=now)
            .order_by("pk")
        )
        for schedule in due:
            schedule.last_run_at = now
            schedule.next_run_at = now + timedelta(seconds=schedule.every_seconds)
            schedule.save(update_fields=["last_run_at", "next_run_at"])
            started.append(schedule.task)
    for path in started:
        try:
            import_string(path).enqueue()
        except Exception:
            logger.exception("could not start scheduled task %s", path)
    return started
