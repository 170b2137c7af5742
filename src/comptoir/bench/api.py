"""``comptoir bench api``: how fast the production server answers the REST API.

The bench prepares the database of ``DATABASE_URL`` (``comptoir init``),
seeds a dedicated company ``bench`` with ``--parties`` parties and a user
holding the admin role with an API token, starts the production server
(``comptoir serve --no-worker``: gunicorn, ``--server-workers`` workers of
``--server-threads`` threads) on a free port of the loopback address, and
drives it with ``--concurrency`` clients on keep-alive connections (one
asyncio process speaking raw HTTP/1.1) for ``--seconds`` per operation:

- ``ping``: ``GET /api/v1/ping``, a constant answer: the framework floor;
- ``detail``: ``GET /api/v1/parties/{id}`` of random parties;
- ``list``: ``GET /api/v1/parties?limit=50``;
- ``create``: ``POST /api/v1/parties``.

For each: requests per second, p50/p95/p99 latency, errors, throughput
against the floor, and the SQL queries of one request (measured in this
process with the Django test client). The API rate limit stays on (its
bookkeeping is part of every request) with a ceiling the bench cannot
reach; ``--rate-limit off`` measures without it. The client runs on the
same machine as the server: on few cores, it takes its share of the CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

API = "/api/v1"
PARTIES = f"{API}/parties"  # the parties router: list and create here, /{id} to read
BENCH_COMPANY = "bench"
BENCH_USER = "bench"
TARGETS = {"detail_p99_ms": 50, "list_p99_ms": 100, "detail_rps": 500}
RATE_LIMIT_CEILING = 1_000_000_000
SEED_BATCH = 5_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--parties", type=int, default=100_000, help="parties to seed")
    parser.add_argument("--server-workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--server-threads", type=int, default=4, help="threads per worker (as comptoir serve)"
    )
    parser.add_argument(
        "--warmup", type=float, default=None, help="seconds of warm-up per operation"
    )
    parser.add_argument(
        "--rate-limit",
        choices=["on", "off"],
        default="on",
        help="keep the API rate limiter's bookkeeping (with an unreachable ceiling) or not",
    )


# -- preparing the database ---------------------------------------------------


def _prepare(parties: int) -> tuple[str, list[int], int]:
    """Init, the bench company, its parties and user; returns (token, party ids, count)."""
    from comptoir.cli import init

    init(interactive=False, verbosity=0)
    from django.db import transaction

    from comptoir.core.companies.models import Company
    from comptoir.core.identity.models import ApiToken, Role, User
    from comptoir.core.identity.roles import SCOPES
    from comptoir.core.identity.services import token_create
    from comptoir.core.parties.models import Party

    company, _ = Company.objects.get_or_create(
        code=BENCH_COMPANY,
        defaults={
            "name": "Bench SAS",
            "legal_name": "Bench SAS",
            "country": "FR",
            "currency": "EUR",
        },
    )
    have = Party.objects.filter(company=company).count()
    if have < parties:
        _seed(Party, company, start=have, count=parties - have)
        _analyze(Party._meta.db_table)
    with transaction.atomic():
        user, _ = User.objects.get_or_create(username=BENCH_USER)
        user.set_unusable_password()
        user.current_company = company
        user.save()
        user.roles.set(Role.objects.filter(code="admin"))
        user.companies.set([company])
        ApiToken.objects.filter(user=user, name="bench").delete()
    _token, secret = token_create(actor=user, user=user, name="bench", scopes=list(SCOPES))
    ids = list(Party.objects.filter(company=company).values_list("pk", flat=True))
    return secret, ids, len(ids)


def _seed(party_model: Any, company: Any, *, start: int, count: int) -> None:
    try:
        from comptoir.core.parties.domain import normalize_name
    except ImportError:  # pragma: no cover - the parties app always has it

        def normalize_name(name: str) -> str:
            return name.lower()

    from django.db import transaction

    rng = random.Random(start)
    cities = ["Paris", "Lyon", "Nantes", "Lille", "Bordeaux", "Toulouse", "Rennes", "Nice"]
    words = ["Atelier", "Maison", "Comptoir", "Société", "Groupe", "Fabrique", "Bureau"]
    for offset in range(start, start + count, SEED_BATCH):
        rows = []
        for i in range(offset, min(start + count, offset + SEED_BATCH)):
            name = f"{rng.choice(words)} {rng.choice(cities)} {i:06d}"
            rows.append(
                party_model(
                    company=company,
                    kind="organisation",
                    name=name,
                    name_key=normalize_name(name),
                    is_customer=i % 3 != 0,
                    is_supplier=i % 5 == 0,
                    email=f"contact{i}@bench.example",
                    country="FR",
                )
            )
        with transaction.atomic():
            party_model.objects.bulk_create(rows, batch_size=1000)


def _analyze(table: str) -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum would later."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


# -- the server ---------------------------------------------------------------


def _load_average() -> float | None:
    """The one-minute load average: a busy machine makes any figure pessimistic."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # pragma: no cover - not on every platform
        return None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_for_health(url: str, *, tries: int = 300, interval: float = 0.1) -> dict[str, Any]:
    """Poll ``url`` until it answers 200; its JSON body, or RuntimeError."""
    last: object = None
    for _ in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:  # noqa: S310 - loopback URL
                return dict(json.loads(answer.read()))
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
        except (OSError, ValueError) as exc:
            last = exc
        time.sleep(interval)
    raise RuntimeError(f"the server did not answer {url}: {last}")


@contextlib.contextmanager
def running_server(*, port: int, workers: int, threads: int, env: dict[str, str]) -> Any:
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    command = [
        sys.executable,
        "-m",
        "comptoir.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--no-worker",
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        try:
            if process.poll() is not None:
                raise RuntimeError("the server stopped at once")
            wait_for_health(f"http://127.0.0.1:{port}/healthz")
        except RuntimeError as exc:
            log.seek(0)
            tail = log.read()[-3000:].decode(errors="replace")
            raise RuntimeError(f"{exc}\n{tail}") from None
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


# -- the load -----------------------------------------------------------------


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: int = 0
    elapsed: float = 0.0


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    version, status = parts[0], int(parts[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    keep_alive = headers.get("connection", "").lower() != "close" and version == "HTTP/1.1"
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read()
        keep_alive = False
    return status, keep_alive


async def _client(
    host: str, port: int, make: Callable[[], bytes], deadline: float, run: Run
) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    while time.perf_counter() < deadline:
        request = make()
        started = time.perf_counter()
        for attempt in (0, 1):
            reused = writer is not None
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                assert reader is not None
                writer.write(request)
                status, keep_alive = await asyncio.wait_for(_read_response(reader), 60)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                if writer is not None:
                    writer.close()
                reader = writer = None
                if reused and attempt == 0:
                    continue  # the server closed an idle connection: try a fresh one
                run.failures += 1
                break
            run.latencies.append(time.perf_counter() - started)
            run.statuses[status] += 1
            if not keep_alive and writer is not None:
                writer.close()
                reader = writer = None
            break
    if writer is not None:
        writer.close()


async def _drive(
    host: str, port: int, make: Callable[[], bytes], seconds: float, concurrency: int
) -> Run:
    run = Run()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(_client(host, port, make, deadline, run) for _ in range(concurrency)))
    run.elapsed = time.perf_counter() - started
    return run


def drive(
    host: str, port: int, make: Callable[[], bytes], *, seconds: float, concurrency: int
) -> Run:
    return asyncio.run(_drive(host, port, make, seconds, concurrency))


def percentile(sorted_values: list[float], q: float) -> float | None:
    """The nearest-rank percentile ``q`` (0 to 100) of already sorted values."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(run: Run) -> dict[str, Any]:
    values = sorted(run.latencies)
    ok = sum(n for status, n in run.statuses.items() if 200 <= status < 300)
    errors = run.failures + sum(n for status, n in run.statuses.items() if status >= 300)

    def ms(q: float) -> float | None:
        value = percentile(values, q)
        return None if value is None else round(value * 1000, 2)

    return {
        "requests": len(values),
        "ok": ok,
        "errors": errors,
        "statuses": {str(k): v for k, v in sorted(run.statuses.items())},
        "seconds": round(run.elapsed, 3),
        "rps": round(ok / run.elapsed, 1) if run.elapsed else 0.0,
        "p50_ms": ms(50),
        "p95_ms": ms(95),
        "p99_ms": ms(99),
    }


# -- requests -----------------------------------------------------------------


def _request(
    method: str, path: str, host: str, headers: dict[str, str], body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _party_payload(n: int) -> dict[str, Any]:
    return {
        "kind": "organisation",
        "name": f"Bench Created {os.getpid()}-{n}",
        "is_customer": True,
        "email": f"created{n}@bench.example",
        "country": "FR",
    }


def _operations(host: str, token: str, ids: list[int]) -> dict[str, Callable[[], bytes]]:
    auth = {
        "Authorization": f"Bearer {token}",
        "X-Company": BENCH_COMPANY,
        "X-Forwarded-Proto": "https",
        "Accept": "application/json",
    }
    plain = {"X-Forwarded-Proto": "https", "Accept": "application/json"}
    counter = iter(range(10**12))
    ping = _request("GET", f"{API}/ping", host, plain)
    listing = _request("GET", f"{PARTIES}?limit=50", host, auth)
    return {
        "ping": lambda: ping,
        "detail": lambda: _request("GET", f"{PARTIES}/{random.choice(ids)}", host, auth),
        "list": lambda: listing,
        "create": lambda: _request(
            "POST", PARTIES, host, auth, json.dumps(_party_payload(next(counter))).encode()
        ),
    }


def count_queries(token: str, ids: list[int], host: str) -> dict[str, int | None]:
    """SQL queries of one request of each kind, in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_X_COMPANY=BENCH_COMPANY,
        HTTP_HOST=host,
        HTTP_X_FORWARDED_PROTO="https",
    )
    calls: dict[str, Callable[[], Any]] = {
        "ping": lambda: client.get(f"{API}/ping"),
        "detail": lambda: client.get(f"{PARTIES}/{ids[len(ids) // 2]}"),
        "list": lambda: client.get(f"{PARTIES}", {"limit": 50}),
        "create": lambda: client.post(
            PARTIES,
            json.dumps(_party_payload(10**9 + os.getpid())),
            content_type="application/json",
        ),
    }
    counts: dict[str, int | None] = {}
    for name, call in calls.items():
        if name != "create":
            call()  # warm up: the URLconf, the token's last use
        with CaptureQueriesContext(connection) as captured:
            answer = call()
        if answer.status_code >= 300:
            raise RuntimeError(
                f"{name}: the API answered {answer.status_code}: {answer.content[:500]!r}"
            )
        counts[name] = len(captured)
    return counts


# -- the bench ----------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    parties = int(getattr(args, "parties", 100_000))
    seconds = float(getattr(args, "seconds", 10.0))
    concurrency = int(getattr(args, "concurrency", 50))
    workers = int(getattr(args, "server_workers", 2))
    threads = int(getattr(args, "server_threads", 4))
    warmup = getattr(args, "warmup", None)
    rate_limit = RATE_LIMIT_CEILING if getattr(args, "rate_limit", "on") == "on" else 0
    warmup = min(2.0, max(0.2, seconds / 5)) if warmup is None else float(warmup)

    from comptoir.cli import setup_django

    setup_django()
    from django.conf import settings
    from django.db import connection

    settings.COMPTOIR_API_RATE_LIMIT = rate_limit
    token, ids, count = _prepare(parties)
    if not ids:
        raise RuntimeError("no parties to read")
    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*",)]
    host = "127.0.0.1" if "127.0.0.1" in hosts or not hosts else hosts[0]
    queries = count_queries(token, ids, host)
    vendor = connection.vendor
    connection.close()

    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "comptoir.settings"),
        "COMPTOIR_API_RATE_LIMIT": str(rate_limit),
    }
    operations: dict[str, dict[str, Any]] = {}
    load_before = _load_average()
    with running_server(port=port, workers=workers, threads=threads, env=env):
        makers = _operations(f"{host}:{port}", token, ids)
        for name, make in makers.items():
            if warmup > 0:
                drive("127.0.0.1", port, make, seconds=warmup, concurrency=concurrency)
            result = drive("127.0.0.1", port, make, seconds=seconds, concurrency=concurrency)
            operations[name] = summarise(result)
            operations[name]["queries"] = queries.get(name)
    floor = operations["ping"]["rps"] or None
    for values in operations.values():
        values["vs_floor"] = round(values["rps"] / floor, 3) if floor else None
    detail, listing = operations["detail"], operations["list"]
    meets = {
        "detail_p99_ms": detail["p99_ms"] is not None
        and detail["p99_ms"] <= TARGETS["detail_p99_ms"],
        "list_p99_ms": listing["p99_ms"] is not None
        and listing["p99_ms"] <= TARGETS["list_p99_ms"],
        "detail_rps": detail["rps"] >= TARGETS["detail_rps"],
    }
    return {
        "bench": "api",
        "database": vendor,
        "parties": count,
        "concurrency": concurrency,
        "seconds": seconds,
        "server": {
            "workers": workers,
            "threads": threads,
            "cpus": os.cpu_count(),
            "rate_limit": "on" if rate_limit else "off",
            "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        },
        "load_average": {"before": load_before, "after": _load_average()},
        "operations": operations,
        "targets": dict(TARGETS),
        "meets_targets": meets,
    }
