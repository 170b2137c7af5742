"""Writes on the schedule table: enable, disable, run now. One transaction each."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.core.audit.services import audit_record, snapshot
from comptoir.core.events.models import Schedule
from comptoir.core.kernel.errors import NotFound


def _get(schedule_id: int) -> Schedule:
    schedule = Schedule.objects.select_for_update().filter(pk=schedule_id).first()
    if schedule is None:
        raise NotFound(_("No such schedule."))
    return schedule


@transaction.atomic
def schedule_set_enabled(
    *, actor: Any, company: Any = None, schedule_id: int, enabled: bool
) -> Schedule:
    """Switch a periodic job on or off."""
    schedule = _get(schedule_id)
    before = snapshot(schedule)
    schedule.enabled = enabled
    schedule.save(update_fields=["enabled"])
    audit_record(
        actor=actor,
        action="schedule.update",
        obj=schedule,
        company=company,
        before=before,
    )
    return schedule


@transaction.atomic
def schedule_run_now(*, actor: Any, company: Any = None, schedule_id: int) -> Schedule:
    """Make a job due now: the worker's next round starts it (once)."""
    schedule = _get(schedule_id)
    before = snapshot(schedule)
    schedule.next_run_at = timezone.now()
    schedule.save(update_fields=["next_run_at"])
    audit_record(
        actor=actor,
        action="schedule.run_now",
        obj=schedule,
        company=company,
        before=before,
        after=snapshot(schedule),
    )
    return schedule
