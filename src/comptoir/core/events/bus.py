"""Publish domain events into the outbox; deliver them to handlers after commit.

``publish`` writes an ``OutboxEvent`` row inside the caller's transaction
and asks for its delivery once that transaction commits. If the process
dies between the commit and the delivery, the row stays undelivered and
the scheduled ``outbox_retry`` job delivers it later: nothing is lost.

Each handler runs in its own transaction together with a ``HandlerRun``
row, so a handler that already ran for an event is skipped: redelivery is
harmless.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from comptoir.core.events.models import HandlerRun, OutboxEvent

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(*event_names: str) -> Callable[[Handler], Handler]:
    """Register a handler for events named ``event_names`` (``"PartyCreated"``)."""

    def decorator(func: Handler) -> Handler:
        for name in event_names:
            if func not in _handlers[name]:
                _handlers[name].append(func)
        return func

    return decorator


def handlers_for(name: str) -> list[Handler]:
    return list(_handlers.get(name, ()))


def handler_name(func: Handler) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def publish(name: str, *, company: Any = None, **payload: Any) -> OutboxEvent:
    """Write the event in the current transaction; deliver it after commit.

    An event no handler listens to is written as delivered already: it stays
    in the feed, and no delivery task is queued for it (posting a ledger
    entry, say, costs no second transaction).
    """
    if not _handlers.get(name):
        return OutboxEvent.objects.create(
            name=name, company=company, payload=payload, dispatched_at=timezone.now()
        )
    event = OutboxEvent.objects.create(name=name, company=company, payload=payload)
    transaction.on_commit(lambda: _enqueue(event.pk))
    return event


def _enqueue(event_id: int) -> None:
    from comptoir.core.events.tasks import deliver_event

    try:
        deliver_event.enqueue(event_id)
    except Exception:  # the retry job will pick it up
        logger.exception("could not enqueue delivery of event %s", event_id)


def deliver(event_id: int) -> bool:
    """Run every handler of one event that has not run yet. True when all succeeded."""
    event = OutboxEvent.objects.filter(pk=event_id, dispatched_at__isnull=True).first()
    if event is None:
        return True
    failures: list[str] = []
    for func in handlers_for(event.name):
        name = handler_name(func)
        try:
            with transaction.atomic():
                if HandlerRun.objects.filter(event=event, handler=name).exists():
                    continue
                HandlerRun.objects.create(event=event, handler=name)
                func(event)
        except IntegrityError:
            continue  # another worker ran it at the same moment
        except Exception as exc:  # a failing handler must not stop the others
            logger.exception("handler %s failed on event %s", name, event.pk)
            failures.append(f"{name}: {exc!r}")
    if failures:
        OutboxEvent.objects.filter(pk=event.pk).update(
            attempts=event.attempts + 1, last_error="\n".join(failures)[:4000]
        )
        return False
    OutboxEvent.objects.filter(pk=event.pk).update(
        dispatched_at=timezone.now(), attempts=event.attempts + 1, last_error=""
    )
    return True


def deliver_pending(*, older_than: timedelta = timedelta(seconds=0), limit: int = 500) -> int:
    """Deliver undelivered events (the retry job). Returns how many were delivered."""
    cutoff = timezone.now() - older_than
    ids = list(
        OutboxEvent.objects.filter(
            dispatched_at__isnull=True, created_at__lte=cutoff, attempts__lt=20
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(1 for event_id in ids if deliver(event_id))
