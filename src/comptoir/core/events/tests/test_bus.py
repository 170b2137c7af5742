"""The outbox: events are written with the change and delivered after commit, once."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.utils import timezone

from comptoir.core.events import bus, tasks
from comptoir.core.events.models import HandlerRun, OutboxEvent, Schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def handlers():
    """Subscribe test handlers; unsubscribe them afterwards."""
    added: list[tuple[str, object]] = []

    def add(name, func):
        bus.subscribe(name)(func)
        added.append((name, func))
        return func

    yield add
    for name, func in added:
        bus._handlers[name].remove(func)


def test_handlers_run_after_commit(handlers, company, django_capture_on_commit_callbacks):
    seen: list[int] = []
    handlers("TestCommitted", lambda event: seen.append(event.payload["n"]))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        event = bus.publish("TestCommitted", company=company, n=7)
        assert seen == []  # not before commit
    assert len(callbacks) == 1
    assert seen == [7]
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert event.attempts == 1


def test_rolled_back_transaction_leaves_no_event(
    handlers, company, django_capture_on_commit_callbacks
):
    seen: list[int] = []
    handlers("TestRolledBack", lambda event: seen.append(1))

    class Boom(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        bus.publish("TestRolledBack", company=company)
        raise Boom
    assert not OutboxEvent.objects.filter(name="TestRolledBack").exists()
    assert seen == []


def test_redelivery_skips_a_handler_already_run(handlers, company):
    seen: list[int] = []
    handlers("TestRedelivered", lambda event: seen.append(event.pk))
    event = bus.publish("TestRedelivered", company=company)  # on_commit never fires here
    assert bus.deliver(event.pk) is True
    # Delivered again, as after a crash between the handler and the bookkeeping.
    OutboxEvent.objects.filter(pk=event.pk).update(dispatched_at=None)
    assert bus.deliver(event.pk) is True
    assert seen == [event.pk]
    assert HandlerRun.objects.filter(event=event).count() == 1


def test_failing_handler_is_retried_and_the_others_are_not_rerun(handlers, company):
    calls = {"good": 0, "flaky": 0}
    state = {"fail": True}

    def good(event):
        calls["good"] += 1

    def flaky(event):
        calls["flaky"] += 1
        if state["fail"]:
            raise RuntimeError("the remote service is down")

    handlers("TestFlaky", good)
    handlers("TestFlaky", flaky)
    event = bus.publish("TestFlaky", company=company)
    assert bus.deliver(event.pk) is False
    event.refresh_from_db()
    assert event.dispatched_at is None
    assert event.attempts == 1
    assert "remote service is down" in event.last_error
    state["fail"] = False
    OutboxEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    assert tasks.outbox_retry.call() == 1
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert calls == {"good": 1, "flaky": 2}


def _database_url_for_subprocess(tmp_path: Path) -> str:
    """A DATABASE_URL naming the very database this test runs on."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(settings["USER"] or "")
        if settings.get("PASSWORD"):
            auth += ":" + quote(settings["PASSWORD"])
        host = settings.get("HOST") or "127.0.0.1"
        port = settings.get("PORT") or 5432
        return f"postgresql://{auth}@{host}:{port}/{settings['NAME']}"
    assert connection.vendor == "sqlite"
    if connection.is_in_memory_db():
        # The in-memory test database: copy it to a file the child can open.
        path = tmp_path / "kill.sqlite3"
        import sqlite3

        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    return f"sqlite:///{settings['NAME']}"


def _copy_back(url: str) -> None:
    """For the in-memory SQLite test database: take the child's commits back."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        import sqlite3

        source = sqlite3.connect(url.removeprefix("sqlite:///"))
        source.backup(connection.connection)
        source.close()


CHILD = textwrap.dedent(
    """
    import os
    import django
    django.setup()
    from django.db import transaction
    from comptoir.core.events import bus

    bus.subscribe("TestKilled")(lambda event: None)  # someone listens: delivery is queued
    with transaction.atomic():
        # Registered first, so it runs first after the commit: the process
        # dies once the event is committed and before its delivery starts.
        transaction.on_commit(lambda: os._exit(9))
        event = bus.publish("TestKilled", company=None, note="the worker died")
        print(event.pk, flush=True)
    os._exit(0)  # never reached
    """
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_kill_after_commit_before_dispatch_loses_nothing(handlers, tmp_path):
    runs: list[int] = []
    handlers("TestKilled", lambda event: runs.append(event.pk))
    url = _database_url_for_subprocess(tmp_path)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "comptoir.test_settings",
        "DATABASE_URL": url,
        "COMPTOIR_DATA_DIR": str(tmp_path / "data"),
    }
    child = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120
    )
    assert child.returncode == 9, child.stderr
    event_id = int(child.stdout.split()[0])
    _copy_back(url)
    event = OutboxEvent.objects.get(pk=event_id)
    assert event.dispatched_at is None  # committed, never delivered
    assert event.payload == {"note": "the worker died"}
    assert bus.deliver_pending() == 1
    OutboxEvent.objects.filter(pk=event_id).update(created_at=timezone.now() - timedelta(minutes=1))
    tasks.outbox_retry.call()
    assert bus.deliver_pending() == 0
    assert runs == [event_id]
    assert HandlerRun.objects.filter(event_id=event_id).count() == 1


def test_schedules_sync_and_run_due(monkeypatch):
    tasks.schedules_sync()
    tasks.schedules_sync()  # twice: no duplicates
    assert set(Schedule.objects.values_list("name", flat=True)) == set(tasks.DEFAULT_SCHEDULES)
    started: list[str] = []

    class FakeTask:
        def __init__(self, path):
            self.path = path

        def enqueue(self):
            started.append(self.path)

    monkeypatch.setattr(tasks, "import_string", FakeTask)
    before = timezone.now()
    first = tasks.run_due_schedules()
    assert sorted(first) == sorted(p for p, _ in tasks.DEFAULT_SCHEDULES.values())
    assert sorted(started) == sorted(first)
    for schedule in Schedule.objects.all():
        assert schedule.last_run_at >= before
        assert schedule.next_run_at == schedule.last_run_at + timedelta(
            seconds=schedule.every_seconds
        )
    # Nothing is due again right away: each due schedule was enqueued once.
    assert tasks.run_due_schedules() == []
    assert len(started) == len(first)
    Schedule.objects.filter(name="outbox-retry").update(next_run_at=timezone.now(), enabled=False)
    assert tasks.run_due_schedules() == []


def test_an_event_nobody_listens_to_is_delivered_at_once():
    event = bus.publish("NobodyListens", company=None, n=1)
    assert event.dispatched_at is not None
    assert bus.deliver_pending() == 0
