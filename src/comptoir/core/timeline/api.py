"""Timeline API: a record's entries, notes, attachments (upload and download)."""

# No "from __future__ import annotations" here: ninja reads the annotations of
# @idempotent views through the wrapper, whose module cannot resolve NoteIn.

from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from comptoir.core.identity.access import access
from comptoir.core.kernel.api import ERRORS, idempotent
from comptoir.core.kernel.pagination import keyset_page
from comptoir.core.timeline.schemas import (
    AttachmentOut,
    NoteIn,
    TimelineEntryOut,
    TimelineFilter,
    TimelinePageOut,
)
from comptoir.core.timeline.selectors import attachment_get, target_get, timeline_for
from comptoir.core.timeline.services import attachment_add, attachment_open, note_add

router = Router()


def _target(request: HttpRequest, app_label: str, model: str, object_id: str) -> Any:
    return target_get(
        user=request.user,
        company=request.company,  # type: ignore[attr-defined]
        label=f"{app_label}.{model}",
        object_id=object_id,
    )


@router.get(
    "/attachments/{attachment_id}",
    auth=access("timeline.view"),
    response={200: AttachmentOut, **ERRORS},
    operation_id="timeline_attachment_read",
    summary="Read an attachment's details",
)
def attachment_read(request: HttpRequest, attachment_id: int) -> Any:
    return attachment_get(
        user=request.user,
        company=request.company,  # type: ignore[attr-defined]
        attachment_id=attachment_id,
    )


@router.get(
    "/attachments/{attachment_id}/download",
    auth=access("timeline.view"),
    response={200: None, **ERRORS},
    operation_id="timeline_attachment_download",
    url_name="timeline_attachment_download",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file's bytes, with its sniffed content type.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
    summary="Download an attachment",
)
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment, handle = attachment_open(
        user=request.user,
        company=request.company,  # type: ignore[attr-defined]
        attachment_id=attachment_id,
    )
    return download_response(attachment, handle)


@router.get(
    "/{app_label}/{model}/{object_id}",
    auth=access("timeline.view"),
    response={200: TimelinePageOut, **ERRORS},
    operation_id="timeline_entry_list",
    summary="List a record's timeline",
)
def entry_list(
    request: HttpRequest,
    app_label: str,
    model: str,
    object_id: str,
    filters: Query[TimelineFilter],
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """Entries on the record, newest first."""
    target = _target(request, app_label, model, object_id)
    page = keyset_page(
        filters.filter(timeline_for(target)), ordering="-pk", cursor=cursor, limit=limit
    )
    return page.as_answer()


@router.post(
    "/{app_label}/{model}/{object_id}/notes",
    auth=access("timeline.change"),
    response={201: TimelineEntryOut, **ERRORS},
    operation_id="timeline_note_create",
    summary="Write a note on a record",
)
@idempotent
def note_create(
    request: HttpRequest, app_label: str, model: str, object_id: str, payload: NoteIn
) -> Status[Any]:
    target = _target(request, app_label, model, object_id)
    entry = note_add(
        actor=request.user,
        company=request.company,  # type: ignore[attr-defined]
        target=target,
        body=payload.body,
    )
    return Status(201, entry)


@router.post(
    "/{app_label}/{model}/{object_id}/attachments",
    auth=access("timeline.change"),
    response={201: AttachmentOut, **ERRORS},
    operation_id="timeline_attachment_create",
    summary="Attach a file to a record",
)
def attachment_create(
    request: HttpRequest,
    app_label: str,
    model: str,
    object_id: str,
    file: File[UploadedFile],
) -> Status[Any]:
    """Multipart upload in the field ``file``; above the size limit, 413."""
    target = _target(request, app_label, model, object_id)
    attachment = attachment_add(
        actor=request.user,
        company=request.company,  # type: ignore[attr-defined]
        target=target,
        upload=file,
    )
    return Status(201, attachment)


def download_response(attachment: Any, handle: Any) -> FileResponse:
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
