"""The ``comptoir`` command, run as a user runs it: in a child process.

Each test gets its own data directory and SQLite database (``DATABASE_URL``
is removed from the child's environment), and servers listen on free ports
of the loopback address.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

STRONG_PASSWORD = "a-Long-and-Rare-passphrase-42"
_REMOVED = (
    "DATABASE_URL",
    "REDIS_URL",
    "COMPTOIR_ENV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "PORT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests; never in a real deployment
)


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _REMOVED}
    env.update(
        DJANGO_SETTINGS_MODULE="comptoir.settings",
        COMPTOIR_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def comptoir(
    *args: str, env: dict[str, str], timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "comptoir.cli", *args],
        env=env,
        cwd=env["COMPTOIR_DATA_DIR"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 30) -> tuple[int, dict[str, Any]]:
    """One request; generous timeout: a worker's first request imports the whole app."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def poll(
    url: str, process: subprocess.Popen[str], *, tries: int = 400
) -> tuple[int, dict[str, Any]]:
    """The first HTTP answer of ``url`` (a bounded number of tries, 50 ms apart)."""
    for _ in range(tries):
        assert process.poll() is None, "the server stopped"
        try:
            return get(url, timeout=5)
        except (OSError, ValueError):
            time.sleep(0.05)
    raise AssertionError(f"no answer from {url}")


@contextlib.contextmanager
def serving(env: dict[str, str], port: int, *options: str) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "comptoir.cli", "serve", "--port", str(port), *options],
        env=env,
        cwd=env["COMPTOIR_DATA_DIR"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def admins(data_dir: Path) -> list[tuple[str, bool]]:
    with contextlib.closing(sqlite3.connect(data_dir / "comptoir.sqlite3")) as db:
        return db.execute(
            "SELECT u.username, u.is_staff FROM identity_user u "
            "JOIN identity_user_roles ur ON ur.user_id = u.id "
            "JOIN identity_role r ON r.id = ur.role_id WHERE r.code = 'admin'"
        ).fetchall()


@pytest.fixture(scope="module")
def ready_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with an initialised database, shared by the module's tests."""
    data_dir = tmp_path_factory.mktemp("comptoir-ready")
    result = comptoir("init", "--no-input", env=cli_env(data_dir))
    assert result.returncode == 0, result.stderr
    return data_dir


def test_init_twice_is_safe(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    first = comptoir("init", "--no-input", env=env)
    assert first.returncode == 0, first.stderr
    assert "No administrator yet" in first.stdout
    assert admins(tmp_path) == []

    second = comptoir(
        "init", "--admin-username", "boss", "--admin-password", STRONG_PASSWORD, env=env
    )
    assert second.returncode == 0, second.stderr
    assert "Administrator boss created" in second.stdout

    third = comptoir(
        "init", "--admin-username", "other", "--admin-password", STRONG_PASSWORD, env=env
    )
    assert third.returncode == 0, third.stderr
    assert "already exists (boss)" in third.stdout
    assert admins(tmp_path) == [("boss", 1)]
    with contextlib.closing(sqlite3.connect(tmp_path / "comptoir.sqlite3")) as db:
        roles = db.execute("SELECT count(*) FROM identity_role").fetchone()[0]
        schedules = db.execute("SELECT count(*) FROM events_schedule").fetchone()[0]
        cache = db.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'comptoir_cache'"
        ).fetchone()[0]
    assert roles == 15
    assert schedules >= 2
    assert cache == 1


def test_init_refuses_a_weak_admin_password(tmp_path: Path) -> None:
    result = comptoir(
        "init", "--admin-username", "boss", "--admin-password", "1234", env=cli_env(tmp_path)
    )
    assert result.returncode == 1
    assert "Password refused" in result.stderr
    assert admins(tmp_path) == []


def test_unknown_bench_exits_2_and_lists_the_benches(tmp_path: Path) -> None:
    result = comptoir("bench", "nosuch", env=cli_env(tmp_path))
    assert result.returncode == 2
    assert "nosuch" in result.stderr
    assert "api" in result.stderr


def test_argument_errors_exit_2(tmp_path: Path) -> None:
    assert comptoir("frobnicate", env=cli_env(tmp_path)).returncode == 2
    assert comptoir("serve", "--port", "many", env=cli_env(tmp_path)).returncode == 2


def test_manage_check(tmp_path: Path) -> None:
    result = comptoir("manage", "check", env=cli_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_in_production_has_no_warnings(tmp_path: Path) -> None:
    env = cli_env(
        tmp_path,
        COMPTOIR_ENV="production",
        SECRET_KEY="k7#Qz9!vR2@mW4$tY6^pL8&nB1*xC3(dF5)gH0-jK_aS7eD9fG2hJ4kL6zX8cV0",
        ALLOWED_HOSTS="example.com",
    )
    assert len(env["SECRET_KEY"]) >= 60
    result = comptoir("manage", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_export_openapi_check_detects_a_difference(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    target = tmp_path / "openapi.json"
    written = comptoir("manage", "export_openapi", "--output", str(target), env=env)
    assert written.returncode == 0, written.stderr
    schema = json.loads(target.read_text())
    assert "/api/v1/ping" in schema["paths"]
    assert target.read_text().endswith("}\n")
    same = comptoir("manage", "export_openapi", "--output", str(target), "--check", env=env)
    assert same.returncode == 0, same.stderr

    del schema["paths"]["/api/v1/ping"]
    target.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
    changed = comptoir("manage", "export_openapi", "--output", str(target), "--check", env=env)
    assert changed.returncode == 1
    assert "+ operation GET /api/v1/ping" in changed.stderr


def test_serve_answers_healthz_then_stops(ready_dir: Path) -> None:
    port = free_port()
    with serving(cli_env(ready_dir), port, "--no-worker") as server:
        status, body = poll(f"http://127.0.0.1:{port}/healthz", server)
        assert (status, body) == (200, {"status": "ok", "database": "ok"})
        status, body = get(f"http://127.0.0.1:{port}/api/v1/ping")
        assert (status, body) == (200, {"status": "ok"})
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert server.returncode == 0
    assert f"Comptoir is serving on http://127.0.0.1:{port}/" in output


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_serve_runs_the_worker_and_stops_it_too(ready_dir: Path) -> None:
    port = free_port()
    with serving(cli_env(ready_dir), port, "--workers", "1") as server:
        status, _body = poll(f"http://127.0.0.1:{port}/healthz", server)
        assert status == 200
        kids = children(server.pid)
        commands = {pid: Path(f"/proc/{pid}/cmdline").read_bytes() for pid in kids}
        assert any(b"gunicorn" in c for c in commands.values()), commands
        assert any(b"comptoir.cli\x00worker" in c for c in commands.values()), commands
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=30)
    assert server.returncode == 0
    for _ in range(100):
        if not any(alive(pid) for pid in kids):
            break
        time.sleep(0.05)
    assert not any(alive(pid) for pid in kids)


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    # Nothing listens on port 1: every connection attempt is refused.
    env = cli_env(tmp_path, DATABASE_URL="postgresql://postgres@127.0.0.1:1/x")
    port = free_port()
    with serving(env, port, "--no-worker") as server:
        status, body = poll(f"http://127.0.0.1:{port}/healthz", server)
    assert status == 503
    assert body == {"status": "error", "database": "unavailable"}


def test_worker_stops_after_the_given_time(ready_dir: Path) -> None:
    started = time.monotonic()
    result = comptoir("worker", "--stop-after", "0.5", env=cli_env(ready_dir), timeout=60)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 60


def test_demo_loads_then_refuses_a_real_database(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    result = comptoir("demo", "--country", "RO", env=env, timeout=300)
    if importlib.util.find_spec("comptoir.core.demo") is None:
        assert result.returncode == 1
        assert "demo data is not available" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    assert "http://127.0.0.1:8000/" in result.stdout
    assert "(password 'demo')" in result.stdout
    assert "accountant" in result.stdout

    again = comptoir("demo", "--country", "RO", env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "already loaded" in again.stdout

    made = comptoir(
        "manage",
        "shell",
        "-c",
        "from comptoir.core.companies.models import Company; "
        "Company.objects.create(code='real', name='Real SA', country='FR', currency='EUR')",
        env=env,
    )
    assert made.returncode == 0, made.stderr
    refused = comptoir("demo", "--country", "FR", env=env, timeout=300)
    assert refused.returncode == 1
    assert "real" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_tiny_api_bench(tmp_path: Path) -> None:
    result = comptoir(
        "bench",
        "api",
        "--json",
        "--parties",
        "200",
        "--seconds",
        "1",
        "--concurrency",
        "4",
        "--warmup",
        "0.2",
        env=cli_env(tmp_path),
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["bench"] == "api"
    assert report["database"] == "sqlite"
    assert report["parties"] >= 200
    assert report["concurrency"] == 4
    assert set(report["operations"]) == {"ping", "detail", "list", "create"}
    for name, op in report["operations"].items():
        assert {"rps", "p50_ms", "p95_ms", "p99_ms", "errors", "vs_floor", "queries"} <= set(op)
        assert op["requests"] > 0, name
        assert op["errors"] == 0, (name, op)
        assert isinstance(op["queries"], int), (name, op)
    assert report["operations"]["ping"]["queries"] == 0
    assert report["targets"] == {"detail_p99_ms": 50, "list_p99_ms": 100, "detail_rps": 500}
    assert set(report["meets_targets"]) == set(report["targets"])


def _redis_listening() -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.skipif(not _redis_listening(), reason="no Redis on 127.0.0.1:6379")
def test_worker_on_redis_runs_rq_and_the_schedules(ready_dir: Path) -> None:
    env = cli_env(ready_dir, REDIS_URL="redis://127.0.0.1:6379/14")
    result = comptoir("worker", "--stop-after", "1", env=env, timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    output = result.stdout + result.stderr
    assert "Listening on default" in output
    assert "warm shut down" in output
