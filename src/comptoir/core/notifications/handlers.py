"""Event subscribers: tell a company's administrators about chosen events.

``NOTIFY_ON`` maps an event name to the notification kind used (users set
their in-app/email preference per kind). Add a line here to have the
administrators of the event's company told about another event; the
handler is subscribed to every name in the dict when this module loads.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from comptoir.core.events.bus import subscribe
from comptoir.core.events.models import OutboxEvent
from comptoir.core.notifications.services import notify

NOTIFY_ON: dict[str, str] = {
    "RatesImported": "rates",
}

ADMIN_ROLE = "admin"


def _summary(event: OutboxEvent) -> str:
    return "\n".join(f"{k}: {v}" for k, v in sorted((event.payload or {}).items()))


@subscribe(*NOTIFY_ON)
def notify_admins(event: OutboxEvent) -> None:
    """One notification per administrator of the event's company (run once per event)."""
    from comptoir.core.companies.models import Company
    from comptoir.core.identity.models import User

    kind = NOTIFY_ON.get(event.name)
    if kind is None or event.company_id is None:
        return
    company = Company.objects.filter(pk=event.company_id).first()
    if company is None:
        return
    admins = User.objects.filter(
        is_active=True, companies=company, roles__code=ADMIN_ROLE
    ).distinct()
    for user in admins:
        notify(
            user=user,
            company=company,
            kind=kind,
            title=_("%(event)s in %(company)s") % {"event": event.name, "company": company.name},
            body=_summary(event),
        )
