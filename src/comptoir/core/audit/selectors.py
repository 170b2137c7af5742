"""Reads of the audit trail, always scoped by company."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from comptoir.core.audit.models import AuditEntry
from comptoir.core.kernel.errors import NotFound


def audit_list(
    *,
    company: Any,
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """The company's audit entries, newest first, narrowed by the filters given."""
    qs = AuditEntry.objects.filter(company=company).select_related("actor")
    if actor:
        qs = qs.filter(actor__username=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs.order_by("-id")


def audit_get(*, company: Any, entry_id: int) -> AuditEntry:
    entry = audit_list(company=company).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("No such audit entry."))
    return entry


def audit_diff(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """(field, before, after) rows for showing a change side by side."""
    before = entry.before or {}
    after = entry.after or {}
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return [(k, before.get(k), after.get(k)) for k in keys]
