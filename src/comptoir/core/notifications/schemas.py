"""API shapes of notifications and the filter shared by the API and the page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import FilterLookup, FilterSchema, Schema


class NotificationFilter(FilterSchema):
    kind: Annotated[str | None, FilterLookup("kind")] = None
    unread: Annotated[bool | None, FilterLookup("read_at__isnull")] = None


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    read_at: dt.datetime | None
    created_at: dt.datetime


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    next: str | None = None


class ReadAllOut(Schema):
    marked: int


class PreferenceOut(Schema):
    kind: str
    in_app: bool
    email: bool


class PreferenceIn(Schema):
    kind: str
    in_app: bool = True
    email: bool = False


class PreferencesOut(Schema):
    items: list[PreferenceOut]
