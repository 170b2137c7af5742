"""The background worker: the scheduler and the task queue in one loop.

Each round starts the due periodic jobs (``tasks.run_due_schedules``), then
runs every ready task of the django-tasks database backend until the queue
is empty (``db_worker``'s ``Worker`` in batch mode), then waits
``interval`` seconds. ``comptoir worker`` calls ``run_worker()``; tests call
``run_worker_once()``. With the RQ backend (``REDIS_URL``) the tasks run in
RQ workers and this loop only starts the due jobs.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections
from django.utils.crypto import get_random_string

from comptoir.core.events import tasks

logger = logging.getLogger(__name__)

_stop = threading.Event()


def stop_worker() -> None:
    """Ask a running ``run_worker`` loop to finish its round and return."""
    _stop.set()


def _database_backend_alias() -> str | None:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    return DEFAULT_TASK_BACKEND_ALIAS if isinstance(backend, DatabaseBackend) else None


def run_ready_tasks(*, worker_id: str | None = None) -> bool:
    """Run every ready task of the database backend. False when there is none."""
    alias = _database_backend_alias()
    if alias is None:
        return False
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=alias,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id or get_random_string(32),
        excluded_queue_names=[],
    ).run()
    return True


def run_worker_once(*, worker_id: str | None = None) -> list[str]:
    """One round: start the due jobs, then drain the task queue. Returns the jobs started."""
    started = tasks.run_due_schedules()
    run_ready_tasks(worker_id=worker_id)
    return started


def run_worker(*, stop_after: float | None = None, interval: float = 1.0) -> int:
    """Loop until stopped (``stop_worker``, Ctrl-C) or ``stop_after`` seconds. Returns rounds."""
    _stop.clear()
    worker_id = get_random_string(32)
    deadline = None if stop_after is None else time.monotonic() + stop_after
    rounds = 0
    logger.info("worker %s started", worker_id)
    try:
        while not _stop.is_set():
            try:
                run_worker_once(worker_id=worker_id)
            except Exception:  # one bad round must not kill the worker
                logger.exception("worker round failed")
            finally:
                close_old_connections()
            rounds += 1
            if deadline is not None and time.monotonic() >= deadline:
                break
            wait = interval
            if deadline is not None:
                wait = max(0.0, min(interval, deadline - time.monotonic()))
            if _stop.wait(wait):
                break
    except KeyboardInterrupt:
        logger.info("worker %s interrupted", worker_id)
    logger.info("worker %s stopped after %d rounds", worker_id, rounds)
    return rounds
