"""Reads of the timeline: a record's entries, an attachment, the target itself."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from comptoir.core.identity.roles import PERMISSIONS
from comptoir.core.kernel.errors import NotFound
from comptoir.core.timeline.models import Attachment, TimelineEntry


def target_label(target: models.Model) -> str:
    """``parties.party``: how URLs name the kind of record."""
    return target._meta.label_lower


def target_get(*, user: Any, company: Any, label: str, object_id: str) -> models.Model:
    """The record ``label``/``object_id`` of ``company``, or NotFound.

    Only company-owned records have a timeline. A record whose area the user
    may not see (``parties.view`` for a party) is not found either.
    """
    try:
        app_label, model_name = label.split(".", 1)
        model = apps.get_model(app_label, model_name)
    except (ValueError, LookupError):
        raise NotFound(_("No such record.")) from None
    field_names = {f.name for f in model._meta.get_fields()}
    if company is None or "company" not in field_names:
        raise NotFound(_("No such record."))
    area_permission = f"{app_label}.view"
    if area_permission in PERMISSIONS and not user.has_perm(area_permission):
        raise NotFound(_("No such record."))
    try:
        pk = model._meta.pk.to_python(object_id)  # type: ignore[union-attr]
        model._meta.pk.get_prep_value(pk)  # type: ignore[union-attr]
    except (ValidationError, ValueError, TypeError, OverflowError):
        raise NotFound(_("No such record.")) from None
    obj = model._default_manager.filter(pk=pk, company=company).first()
    if obj is None:
        raise NotFound(_("No such record."))
    return obj


def timeline_for(target: models.Model) -> QuerySet[TimelineEntry]:
    """Everything on ``target``'s timeline, newest first."""
    ct = ContentType.objects.get_for_model(target)
    return (
        TimelineEntry.objects.filter(
            company_id=target.company_id,  # type: ignore[attr-defined]
            target_type=ct,
            target_id=str(target.pk),
        )
        .select_related("author", "attachment")
        .order_by("-at", "-id")
    )


def attachment_get(*, user: Any, company: Any, attachment_id: int) -> Attachment:
    """An attachment of ``company`` on a record the user may see, or NotFound."""
    attachment = (
        Attachment.objects.filter(pk=attachment_id, company=company).first() if company else None
    )
    if attachment is None:
        raise NotFound(_("No such attachment."))
    app_label = ContentType.objects.get_for_id(attachment.target_type_id).app_label
    area_permission = f"{app_label}.view"
    if area_permission in PERMISSIONS and not user.has_perm(area_permission):
        raise NotFound(_("No such attachment."))
    return attachment
