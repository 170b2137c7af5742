"""Notifications: in the app and by email, as each user prefers."""

from __future__ import annotations

import socket

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings

from comptoir.core.events import bus
from comptoir.core.notifications.handlers import NOTIFY_ON, notify_admins
from comptoir.core.notifications.models import Notification, Preference
from comptoir.core.notifications.selectors import notification_list, unread_count
from comptoir.core.notifications.services import (
    mark_all_read,
    mark_read,
    notify,
    preference_set,
)

pytestmark = pytest.mark.django_db


def test_notify_defaults_to_in_app_only(make_user, company, django_capture_on_commit_callbacks):
    user = make_user("bob", companies=(company,))
    user.email = "bob@example.com"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        note = notify(user=user, company=company, kind="rates", title="Rates imported")
    assert note is not None and note.read_at is None
    assert unread_count(user=user, company=company) == 1
    assert mail.outbox == []


def test_preferences_choose_the_channels(make_user, company, django_capture_on_commit_callbacks):
    user = make_user("carol", companies=(company,))
    user.email = "carol@example.com"
    user.save()
    preference_set(actor=user, kind="rates", in_app=False, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            notify(user=user, company=company, kind="rates", title="EUR/RON 4.97", body="ECB")
            is None
        )
    assert Notification.objects.count() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["carol@example.com"]
    assert mail.outbox[0].subject == "EUR/RON 4.97"
    pref = preference_set(actor=user, kind="rates", in_app=True, email=False)
    assert Preference.objects.get(pk=pref.pk).in_app is True
    assert Preference.objects.count() == 1


def test_mark_read_and_mark_all_read_are_scoped(make_user, company, company_ro):
    user = make_user("dan", companies=(company, company_ro))
    other = make_user("eve", companies=(company,))
    a = notify(user=user, company=company, kind="general", title="a")
    notify(user=user, company=company, kind="general", title="b")
    elsewhere = notify(user=user, company=company_ro, kind="general", title="c")
    theirs = notify(user=other, company=company, kind="general", title="d")
    mark_read(actor=user, company=company, notification_id=a.pk)
    assert unread_count(user=user, company=company) == 1
    from comptoir.core.kernel.errors import NotFound

    with pytest.raises(NotFound):
        mark_read(actor=user, company=company, notification_id=theirs.pk)
    with pytest.raises(NotFound):
        mark_read(actor=user, company=company, notification_id=elsewhere.pk)
    assert mark_all_read(actor=user, company=company) == 1
    assert unread_count(user=user, company=company) == 0
    assert unread_count(user=user, company=company_ro) == 1
    assert [n.title for n in notification_list(user=user, company=company)] == ["b", "a"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_email_goes_through_a_real_smtp_server(
    make_user, company, django_capture_on_commit_callbacks
):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    port = _free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        user = make_user("frank", companies=(company,))
        user.email = "frank@example.com"
        user.save()
        preference_set(actor=user, kind="rates", in_app=True, email=True)
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=port,
                EMAIL_USE_TLS=False,
                EMAIL_USE_SSL=False,
                EMAIL_HOST_USER="",
                EMAIL_HOST_PASSWORD="",
            ),
            django_capture_on_commit_callbacks(execute=True),
        ):
            notify(
                user=user,
                company=company,
                kind="rates",
                title="Rates of today",
                body="42 rates",
                url="/currencies/",
            )
    finally:
        controller.stop()
    assert len(received) == 1
    message = received[0]
    assert message["To"] == "frank@example.com"
    assert message["Subject"] == "Rates of today"
    assert "42 rates" in message.get_payload(decode=True).decode()


def test_admins_hear_about_listed_events(
    make_user, user_for, company, company_ro, django_capture_on_commit_callbacks
):
    admin = user_for("admin")
    user_for("sales")
    make_user("admin-ro", roles=("admin",), companies=(company_ro,))
    assert NOTIFY_ON["RatesImported"] == "rates"
    assert notify_admins in bus.handlers_for("RatesImported")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        bus.publish("RatesImported", company=company, date="2026-11-23", count=31)
    notes = list(Notification.objects.all())
    assert [(n.user, n.kind) for n in notes] == [(admin, "rates")]
    assert "RatesImported" in notes[0].title
    assert "count: 31" in notes[0].body


def test_pages_bell_feed_and_list(page_client, user_for, company, django_assert_max_num_queries):
    user = user_for("hr")
    for i in range(12):
        notify(user=user, company=company, kind="general", title=f"news {i}", url="/somewhere/")
    client = page_client(user)
    bell = client.get("/notifications/bell/")
    assert bell.status_code == 200
    assert bell.content.decode().endswith('</svg> <span class="badge">12</span>')
    feed = client.get("/notifications/feed/").content.decode()
    assert feed.count("<li") == 10 and "news 11" in feed and "news 1<" not in feed
    with django_assert_max_num_queries(12):
        page = client.get("/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "news 0" in html and "Mark read" in html
    first = Notification.objects.order_by("pk").first()
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 302
    assert client.get("/notifications/bell/").content.decode().endswith(">11</span>")
    client.post("/notifications/read-all/")
    assert unread_count(user=user, company=company) == 0
    client.post("/notifications/preferences/", {"rates-in_app": "on", "rates-email": "on"})
    pref = Preference.objects.get(user=user, kind="rates")
    assert pref.in_app and pref.email
    assert Preference.objects.get(user=user, kind="general").in_app is False


def test_api(page_client, user_for, company, django_assert_max_num_queries):
    user = user_for("trader")
    other = user_for("buyer")
    for i in range(30):
        notify(user=user, company=company, kind="general", title=f"n{i}")
    theirs = notify(user=other, company=company, kind="general", title="not yours")
    client = page_client(user)
    with django_assert_max_num_queries(8):
        listed = client.get("/api/v1/notifications", {"limit": 20})
    body = listed.json()
    assert len(body["items"]) == 20 and body["next"]
    assert body["items"][0]["title"] == "n29"
    first = body["items"][0]["id"]
    read = client.post(f"/api/v1/notifications/{first}/read")
    assert read.status_code == 200 and read.json()["read_at"]
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read").status_code == 404
    unread = client.get("/api/v1/notifications", {"unread": "true", "limit": 100}).json()
    assert len(unread["items"]) == 29
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 29}
    prefs = client.get("/api/v1/notifications/preferences").json()["items"]
    assert {"kind": "rates", "in_app": True, "email": False} in prefs
    put = client.put(
        "/api/v1/notifications/preferences",
        [{"kind": "rates", "in_app": False, "email": True}],
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    assert {"kind": "rates", "in_app": False, "email": True} in put.json()["items"]


def test_anonymous_is_refused(client):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.get("/notifications/bell/").status_code == 302
