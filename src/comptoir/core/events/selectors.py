"""Reads of the outbox (scoped by company) and of the schedule table."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import FilterSchema

from comptoir.core.events.models import OutboxEvent, Schedule
from comptoir.core.kernel.errors import BadRequest


def event_list(*, company: Any) -> QuerySet[OutboxEvent]:
    """The company's events, oldest first (the order they happened)."""
    if company is None:
        return OutboxEvent.objects.none()
    return OutboxEvent.objects.filter(company=company).order_by("id")


def event_feed(
    *,
    company: Any,
    after: str | int | None = None,
    limit: int = 100,
    filters: FilterSchema | None = None,
) -> tuple[list[OutboxEvent], str | None]:
    """Events with an id greater than ``after``; the cursor to read on from.

    The cursor is the id of the last event returned; when nothing new is
    there it stays ``after`` so a poller can keep asking with it.
    """
    qs = event_list(company=company)
    if filters is not None:
        qs = filters.filter(qs)
    if after not in (None, ""):
        try:
            after_id = int(after)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise BadRequest(
                "The cursor is not one this API gave.", fields={"after": "Not an event id."}
            ) from None
        qs = qs.filter(id__gt=after_id)
    limit = max(1, min(int(limit), 500))
    items = list(qs[:limit])
    if items:
        return items, str(items[-1].pk)
    return items, (str(after) if after not in (None, "") else None)


def schedule_list() -> QuerySet[Schedule]:
    """Every periodic job (the schedule table is installation-wide)."""
    return Schedule.objects.order_by("name")
