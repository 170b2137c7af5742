"""API shapes of the timeline."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import FilterLookup, FilterSchema, Schema


class TimelineFilter(FilterSchema):
    kind: Annotated[str | None, FilterLookup("kind")] = None


class AttachmentOut(Schema):
    id: int
    filename: str
    size: int
    content_type: str
    sha256: str
    created_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        from django.urls import reverse

        return reverse("api:timeline_attachment_download", args=[obj.pk])


class TimelineEntryOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    author: str | None
    at: dt.datetime
    attachment: AttachmentOut | None = None

    @staticmethod
    def resolve_author(obj: Any) -> str | None:
        return obj.author.username if obj.author_id else None


class TimelinePageOut(Schema):
    items: list[TimelineEntryOut]
    next: str | None = None


class NoteIn(Schema):
    body: str
