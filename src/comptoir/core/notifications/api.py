"""Notifications API: every logged-in user reads and marks their own."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from comptoir.core.identity.access import access
from comptoir.core.kernel.api import ERRORS
from comptoir.core.kernel.pagination import keyset_page
from comptoir.core.notifications.schemas import (
    NotificationFilter,
    NotificationOut,
    NotificationPageOut,
    PreferenceIn,
    PreferencesOut,
    ReadAllOut,
)
from comptoir.core.notifications.selectors import notification_list, preference_list
from comptoir.core.notifications.services import mark_all_read, mark_read, preference_set

router = Router()


@router.get(
    "",
    auth=access(None),
    response={200: NotificationPageOut, **ERRORS},
    operation_id="notifications_notification_list",
    summary="List my notifications",
)
def notification_list_api(
    request: HttpRequest,
    filters: Query[NotificationFilter],
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    qs = filters.filter(
        notification_list(user=request.user, company=request.company)  # type: ignore[attr-defined]
    )
    page = keyset_page(qs, ordering="-pk", cursor=cursor, limit=limit)
    return page.as_answer()


@router.post(
    "/read-all",
    auth=access(None),
    response={200: ReadAllOut, **ERRORS},
    operation_id="notifications_notification_mark_all_read",
    summary="Mark all my notifications read",
)
def notification_mark_all_read(request: HttpRequest) -> dict[str, int]:
    marked = mark_all_read(actor=request.user, company=request.company)  # type: ignore[attr-defined]
    return {"marked": marked}


@router.get(
    "/preferences",
    auth=access(None),
    response={200: PreferencesOut, **ERRORS},
    operation_id="notifications_preference_list",
    summary="My notification preferences",
)
def preference_list_api(request: HttpRequest) -> dict[str, Any]:
    return {"items": preference_list(user=request.user)}


@router.put(
    "/preferences",
    auth=access(None),
    response={200: PreferencesOut, **ERRORS},
    operation_id="notifications_preference_update",
    summary="Set my notification preferences",
)
def preference_update(request: HttpRequest, payload: list[PreferenceIn]) -> dict[str, Any]:
    from django.db import transaction

    with transaction.atomic():
        for item in payload:
            preference_set(
                actor=request.user,
                company=request.company,  # type: ignore[attr-defined]
                kind=item.kind,
                in_app=item.in_app,
                email=item.email,
            )
    return {"items": preference_list(user=request.user)}


@router.post(
    "/{notification_id}/read",
    auth=access(None),
    response={200: NotificationOut, **ERRORS},
    operation_id="notifications_notification_mark_read",
    summary="Mark a notification read",
)
def notification_mark_read(request: HttpRequest, notification_id: int) -> Any:
    return mark_read(
        actor=request.user,
        company=request.company,  # type: ignore[attr-defined]
        notification_id=notification_id,
    )
