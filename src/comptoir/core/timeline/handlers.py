"""Event subscribers: business events become "event" entries on the record's timeline."""

from __future__ import annotations

import logging

from django.apps import apps
from django.utils.translation import gettext_noop

from comptoir.core.events.bus import subscribe
from comptoir.core.events.models import OutboxEvent
from comptoir.core.timeline.services import event_entry_add

logger = logging.getLogger(__name__)

# event name → (app label, model, payload key of the record's id, title)
TARGETS: dict[str, tuple[str, str, str, str]] = {
    "PartyCreated": ("parties", "Party", "party_id", gettext_noop("Created")),
    "PartyUpdated": ("parties", "Party", "party_id", gettext_noop("Updated")),
    "ProductCreated": ("products", "Product", "product_id", gettext_noop("Created")),
    "ProductUpdated": ("products", "Product", "product_id", gettext_noop("Updated")),
}


def _body(event: OutboxEvent, id_key: str) -> str:
    details = {k: v for k, v in (event.payload or {}).items() if k != id_key}
    if not details:
        return ""
    return "\n".join(f"{k}: {v}" for k, v in sorted(details.items()))


@subscribe(*TARGETS)
def record_event_on_timeline(event: OutboxEvent) -> None:
    """Write one "event" entry on the party or product the event is about (idempotent)."""
    app_label, model_name, id_key, title = TARGETS[event.name]
    object_id = (event.payload or {}).get(id_key)
    if object_id is None:
        return
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return
    target = model._default_manager.filter(pk=object_id, company_id=event.company_id).first()
    if target is None:
        logger.info("event %s names %s %s, which is gone", event.pk, model_name, object_id)
        return
    event_entry_add(
        company=target.company,
        target=target,
        event_id=event.pk,
        title=f"{event.name}: {title}",
        body=_body(event, id_key),
    )
