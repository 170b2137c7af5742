"""The readable event feed and the schedule table."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from comptoir.core.events.schemas import EventFeedOut, EventFilter, ScheduleFilter, SchedulePageOut
from comptoir.core.events.selectors import event_feed, schedule_list
from comptoir.core.identity.access import access
from comptoir.core.kernel.api import ERRORS
from comptoir.core.kernel.pagination import keyset_page

router = Router()


@router.get(
    "",
    auth=access("events.view"),
    response={200: EventFeedOut, **ERRORS},
    operation_id="events_event_list",
    summary="Read the event feed",
)
def event_list(
    request: HttpRequest,
    filters: Query[EventFilter],
    after: str | None = None,
    limit: int = 100,
) -> dict[str, Any]:
    """Events of the caller's company with an id above ``after``, oldest first.

    ``next`` is the id of the last event given: pass it as ``after`` to read on.
    """
    company = request.company  # type: ignore[attr-defined]
    items, nxt = event_feed(company=company, after=after, limit=limit, filters=filters)
    return {"items": items, "next": nxt}


@router.get(
    "/schedules",
    auth=access("events.view"),
    response={200: SchedulePageOut, **ERRORS},
    operation_id="events_schedule_list",
    summary="List the periodic jobs",
)
def schedule_list_api(
    request: HttpRequest,
    filters: Query[ScheduleFilter],
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    page = keyset_page(
        filters.filter(schedule_list()),
        ordering="name",
        allowed=("name",),
        cursor=cursor,
        limit=limit,
    )
    return page.as_answer()
