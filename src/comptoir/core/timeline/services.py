"""Writes on the timeline: notes and attachments. One transaction each.

An attachment's bytes are checked (size) before anything is written, its
type is sniffed from the bytes with ``puremagic``, and the file is written
under ``COMPTOIR_ATTACHMENTS_DIR/<company>/<yyyy>/<mm>/<uuid>``. If the
database write fails, the file is removed again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import uuid
from pathlib import Path
from typing import IO, Any

import puremagic
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.core.audit.services import audit_record
from comptoir.core.kernel.errors import NotFound, TooLarge, ValidationFailed
from comptoir.core.timeline.models import Attachment, TimelineEntry

logger = logging.getLogger(__name__)

SNIFF_BYTES = 8192
FALLBACK_TYPE = "application/octet-stream"


def _check_target(company: Any, target: models.Model) -> ContentType:
    if company is None or getattr(target, "company_id", None) != company.pk:
        raise NotFound(_("No such record."))
    return ContentType.objects.get_for_model(target)


@transaction.atomic
def note_add(*, actor: Any, company: Any, target: models.Model, body: str) -> TimelineEntry:
    """Write a note on ``target``'s timeline."""
    ct = _check_target(company, target)
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("Write something first."), fields={"body": _("Required.")})
    if len(body) > 20000:
        raise ValidationFailed(
            _("The note is too long."), fields={"body": _("At most 20,000 characters.")}
        )
    first_line = body.splitlines()[0]
    entry = TimelineEntry.objects.create(
        company=company,
        target_type=ct,
        target_id=str(target.pk),
        kind=TimelineEntry.Kind.NOTE,
        title=first_line[:200],
        body=body,
        author=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, action="timeline.note.create", obj=entry, company=company)
    return entry


def sniff_content_type(head: bytes) -> str:
    """The MIME type the bytes show; ``application/octet-stream`` when unknown."""
    if not head:
        return FALLBACK_TYPE
    try:
        found = puremagic.from_string(head, mime=True)
    except (puremagic.PureError, ValueError):
        return FALLBACK_TYPE
    return found or FALLBACK_TYPE


def _clean_filename(name: str | None) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    return base[:255] or "file"


def _chunks(upload: Any) -> Any:
    if hasattr(upload, "chunks"):
        yield from upload.chunks()
        return
    stream: IO[bytes] = upload
    while True:
        block = stream.read(64 * 1024)
        if not block:
            return
        yield block


def _too_large(limit: int) -> TooLarge:
    return TooLarge(
        _("The file is larger than %(limit)s bytes.") % {"limit": limit},
        fields={"file": _("At most %(limit)s bytes.") % {"limit": limit}},
    )


@transaction.atomic
def attachment_add(*, actor: Any, company: Any, target: models.Model, upload: Any) -> Attachment:
    """Attach an uploaded file (a Django ``UploadedFile``) to ``target``."""
    ct = _check_target(company, target)
    if upload is None:
        raise ValidationFailed(_("Choose a file."), fields={"file": _("Required.")})
    limit = int(settings.COMPTOIR_MAX_UPLOAD_BYTES)
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(limit)
    now = timezone.now()
    relative = Path(company.code) / f"{now:%Y}" / f"{now:%m}" / uuid.uuid4().hex
    root = Path(settings.COMPTOIR_ATTACHMENTS_DIR)
    final = root / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    # Stream into a temporary file next to the destination; it becomes the
    # attachment only once every check passed.
    fd, tmp_name = tempfile.mkstemp(dir=final.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            for block in _chunks(upload):
                size += len(block)
                if size > limit:
                    raise _too_large(limit)
                if len(head) < SNIFF_BYTES:
                    head += block[: SNIFF_BYTES - len(head)]
                digest.update(block)
                out.write(block)
        os.replace(tmp_name, final)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                company=company,
                target_type=ct,
                target_id=str(target.pk),
                filename=_clean_filename(getattr(upload, "name", None)),
                size=size,
                content_type=sniff_content_type(head),
                sha256=digest.hexdigest(),
                path=relative.as_posix(),
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            )
            TimelineEntry.objects.create(
                company=company,
                target_type=ct,
                target_id=str(target.pk),
                kind=TimelineEntry.Kind.ATTACHMENT,
                title=attachment.filename,
                author=attachment.uploaded_by,
                attachment=attachment,
            )
            audit_record(actor=actor, action="timeline.attachment.create", obj=attachment)
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    root = Path(settings.COMPTOIR_ATTACHMENTS_DIR).resolve()
    path = (root / attachment.path).resolve()
    if root not in path.parents:
        raise NotFound(_("No such attachment."))
    return path


def attachment_open(*, user: Any, company: Any, attachment_id: int) -> tuple[Attachment, IO[bytes]]:
    """The attachment and its bytes opened for reading, if it belongs to ``company``."""
    from comptoir.core.timeline.selectors import attachment_get

    attachment = attachment_get(user=user, company=company, attachment_id=attachment_id)
    try:
        handle = attachment_path(attachment).open("rb")
    except FileNotFoundError:
        logger.error("attachment %s has no file at %s", attachment.pk, attachment.path)
        raise NotFound(_("The file of this attachment is missing.")) from None
    return attachment, handle


@transaction.atomic
def event_entry_add(
    *, company: Any, target: models.Model, event_id: int, title: str, body: str = ""
) -> TimelineEntry:
    """Write the "event" entry reporting outbox event ``event_id``, once."""
    ct = ContentType.objects.get_for_model(target)
    entry, _created = TimelineEntry.objects.get_or_create(
        source_event_id=event_id,
        target_type=ct,
        target_id=str(target.pk),
        defaults={
            "company": company,
            "kind": TimelineEntry.Kind.EVENT,
            "title": title[:200],
            "body": body,
        },
    )
    return entry
