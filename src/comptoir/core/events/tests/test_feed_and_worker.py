"""The event feed, the schedule pages and the worker loop."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import timezone

from comptoir.core.events import bus, tasks, worker
from comptoir.core.events.models import OutboxEvent, Schedule

pytestmark = pytest.mark.django_db


def _events(company, n, name="TestFeed"):
    return [bus.publish(name, company=company, n=i) for i in range(n)]


def test_feed_reads_on_from_a_cursor(page_client, user_for, company, company_ro):
    auditor = user_for("auditor")
    mine = _events(company, 3)
    _events(company_ro, 2)
    client = page_client(auditor)
    answer = client.get("/api/v1/events", {"limit": 2})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert [e["id"] for e in body["items"]] == [mine[0].pk, mine[1].pk]
    assert set(body["items"][0]) == {"id", "name", "created_at", "payload", "dispatched_at"}
    assert body["items"][0]["payload"] == {"n": 0}
    assert body["next"] == str(mine[1].pk)
    rest = client.get("/api/v1/events", {"after": body["next"]}).json()
    assert [e["id"] for e in rest["items"]] == [mine[2].pk]
    empty = client.get("/api/v1/events", {"after": rest["next"]}).json()
    assert empty == {"items": [], "next": rest["next"]}
    assert client.get("/api/v1/events", {"after": "x"}).status_code == 400
    named = client.get("/api/v1/events", {"name": "Other"}).json()
    assert named["items"] == []


@pytest.mark.parametrize(
    "role,status", [("admin", 200), ("auditor", 200), ("dpo", 403), ("sales", 403)]
)
def test_who_may_read_events(page_client, user_for, role, status):
    client = page_client(user_for(role))
    assert client.get("/api/v1/events").status_code == status
    assert client.get("/api/v1/events/schedules").status_code == status
    assert client.get("/events/").status_code == status
    assert client.get("/events/schedules/").status_code == status


def test_feed_query_count(page_client, user_for, company, django_assert_max_num_queries):
    _events(company, 60)
    client = page_client(user_for("auditor"))
    with django_assert_max_num_queries(8):
        answer = client.get("/api/v1/events", {"limit": 50})
    assert len(answer.json()["items"]) == 50
    with django_assert_max_num_queries(10):
        assert client.get("/events/").status_code == 200


def test_schedule_pages_enable_disable_and_run_now(
    page_client, user_for, django_assert_max_num_queries
):
    tasks.schedules_sync()
    later = timezone.now() + timezone.timedelta(hours=1)
    Schedule.objects.update(next_run_at=later)
    schedule = Schedule.objects.get(name="outbox-retry")
    admin = page_client(user_for("admin"))
    with django_assert_max_num_queries(10):
        page = admin.get("/events/schedules/")
    assert page.status_code == 200
    assert "Run now" in page.content.decode()
    assert (
        admin.post(f"/events/schedules/{schedule.pk}/toggle/", {"enabled": "0"}).status_code == 302
    )
    schedule.refresh_from_db()
    assert schedule.enabled is False
    admin.post(f"/events/schedules/{schedule.pk}/toggle/", {"enabled": "1"})
    schedule.refresh_from_db()
    assert schedule.enabled is True
    admin.post(f"/events/schedules/{schedule.pk}/run/")
    schedule.refresh_from_db()
    assert schedule.next_run_at <= timezone.now()
    assert admin.post("/events/schedules/999999/run/").status_code == 404
    auditor = page_client(user_for("auditor"))
    assert "Run now" not in auditor.get("/events/schedules/").content.decode()
    assert auditor.post(f"/events/schedules/{schedule.pk}/run/").status_code == 403
    listed = admin.get("/api/v1/events/schedules").json()
    assert [s["name"] for s in listed["items"]] == sorted(tasks.DEFAULT_SCHEDULES)


def test_worker_once_runs_due_schedules_with_the_immediate_backend(monkeypatch):
    tasks.schedules_sync()
    Schedule.objects.exclude(name="outbox-retry").update(enabled=False)
    started = worker.run_worker_once()
    assert started == ["comptoir.core.events.tasks.outbox_retry"]
    assert worker.run_worker(stop_after=0) == 1


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_delivers_queued_events_with_the_database_backend(company):
    from django_tasks_db.models import DBTaskResult

    seen: list[int] = []

    def handler(event):
        seen.append(event.pk)

    bus.subscribe("TestWorker")(handler)
    try:
        with override_settings(TASKS=DB_TASKS):
            event = bus.publish("TestWorker", company=company)  # autocommit: enqueued at once
            assert DBTaskResult.objects.count() == 1
            assert seen == []
            worker.run_worker_once()
            assert seen == [event.pk]
            assert DBTaskResult.objects.get().status == "SUCCESSFUL"
            worker.run_worker_once()  # nothing left: no second run
            assert seen == [event.pk]
    finally:
        bus._handlers["TestWorker"].remove(handler)
    assert OutboxEvent.objects.get(pk=event.pk).dispatched_at is not None
