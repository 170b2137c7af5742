"""API shapes of the audit trail and the filter shared by the API and the page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import FilterLookup, FilterSchema, Schema


class AuditFilter(FilterSchema):
    actor: Annotated[str | None, FilterLookup("actor__username")] = None
    action: Annotated[str | None, FilterLookup("action__startswith")] = None
    object_type: Annotated[str | None, FilterLookup("object_type")] = None
    object_id: Annotated[str | None, FilterLookup("object_id")] = None
    date_from: Annotated[dt.date | None, FilterLookup("at__date__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("at__date__lte")] = None


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    actor: str | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.username if obj.actor_id else None


class AuditEntryPageOut(Schema):
    items: list[AuditEntryOut]
    next: str | None = None
