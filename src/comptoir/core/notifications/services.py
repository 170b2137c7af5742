"""Writes of notifications: notify, mark read, preferences.

``notify`` needs no actor: the system tells a user something. Reading a
notification changes nothing of the business, so ``mark_read`` and
``mark_all_read`` are not audited; a preference change is.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.core.audit.services import audit_record, snapshot
from comptoir.core.kernel.errors import NotFound, ValidationFailed
from comptoir.core.notifications.models import Notification, Preference

logger = logging.getLogger(__name__)

DEFAULT_IN_APP = True
DEFAULT_EMAIL = False


def preference_for(*, user: Any, kind: str) -> tuple[bool, bool]:
    """(in_app, email) for ``kind``: the user's choice, else in-app only."""
    pref = Preference.objects.filter(user=user, kind=kind).first()
    if pref is None:
        return DEFAULT_IN_APP, DEFAULT_EMAIL
    return pref.in_app, pref.email


def _enqueue_email(**kwargs: Any) -> None:
    from comptoir.core.notifications.tasks import send_notification_email

    try:
        send_notification_email.enqueue(**kwargs)
    except Exception:
        logger.exception("could not enqueue the notification email to %s", kwargs.get("to"))


@transaction.atomic
def notify(
    *, user: Any, company: Any, kind: str, title: str, body: str = "", url: str = ""
) -> Notification | None:
    """Tell ``user`` something, in the app and/or by email as they prefer.

    Returns the in-app notification, or None when the user wants none. The
    email is queued once the transaction commits.
    """
    in_app, email = preference_for(user=user, kind=kind)
    notification = None
    if in_app:
        notification = Notification.objects.create(
            user=user, company=company, kind=kind, title=title[:200], body=body, url=url[:500]
        )
    if email and user.email:
        mail = {"to": user.email, "subject": title, "body": body, "url": url}
        transaction.on_commit(lambda: _enqueue_email(**mail))
    return notification


@transaction.atomic
def mark_read(*, actor: Any, company: Any, notification_id: int) -> Notification:
    notification = (
        Notification.objects.select_for_update()
        .filter(pk=notification_id, user=actor, company=company)
        .first()
    )
    if notification is None:
        raise NotFound(_("No such notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


@transaction.atomic
def mark_all_read(*, actor: Any, company: Any) -> int:
    """Mark every unread notification of the user in ``company`` read. Returns how many."""
    return Notification.objects.filter(user=actor, company=company, read_at__isnull=True).update(
        read_at=timezone.now(), updated_at=timezone.now()
    )


@transaction.atomic
def preference_set(
    *, actor: Any, kind: str, in_app: bool, email: bool, company: Any = None
) -> Preference:
    """Choose how ``actor`` hears about ``kind``."""
    kind = (kind or "").strip()
    if not kind or len(kind) > 50:
        raise ValidationFailed(_("Name a kind of notification."), fields={"kind": _("Required.")})
    pref, created = Preference.objects.select_for_update().get_or_create(
        user=actor, kind=kind, defaults={"in_app": in_app, "email": email}
    )
    before = None if created else snapshot(pref)
    if not created:
        pref.in_app = in_app
        pref.email = email
        pref.save(update_fields=["in_app", "email", "updated_at"])
    audit_record(
        actor=actor,
        action="notification_preference.create" if created else "notification_preference.update",
        obj=pref,
        company=company,
        before=before,
    )
    return pref
