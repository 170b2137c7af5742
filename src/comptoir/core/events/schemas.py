"""API shapes of the event feed and the schedule table."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import FilterLookup, FilterSchema, Schema


class EventFilter(FilterSchema):
    name: Annotated[str | None, FilterLookup("name")] = None
    pending: Annotated[bool | None, FilterLookup("dispatched_at__isnull")] = None


class EventOut(Schema):
    id: int
    name: str
    created_at: dt.datetime
    payload: dict[str, Any]
    dispatched_at: dt.datetime | None


class EventFeedOut(Schema):
    items: list[EventOut]
    next: str | None = None


class ScheduleFilter(FilterSchema):
    enabled: Annotated[bool | None, FilterLookup("enabled")] = None


class ScheduleOut(Schema):
    id: int
    name: str
    task: str
    every_seconds: int
    enabled: bool
    next_run_at: dt.datetime
    last_run_at: dt.datetime | None


class SchedulePageOut(Schema):
    items: list[ScheduleOut]
    next: str | None = None
