"""The ``comptoir`` command: set up, fill with demo data, serve, work, benchmark.

``comptoir init`` prepares a database (tables, roles, schedules, the first
administrator), ``comptoir demo`` fills it with a demonstration company,
``comptoir serve`` runs the production web server (gunicorn) together with
the background worker, ``comptoir worker`` runs only the worker, ``comptoir
manage`` is Django's ``manage.py`` and ``comptoir bench <name>`` runs one of
the benchmarks of ``comptoir.bench``.

Django is set up only when a command needs it, so ``comptoir --help`` and
argument errors answer at once.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import importlib
import os
import pkgutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from comptoir.core.kernel.errors import DomainError

DEFAULT_SETTINGS = "comptoir.settings"
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented password of the demo logins

_django_ready = False


class CLIError(Exception):
    """A command cannot go on: the message goes to stderr, the exit status is ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def setup_django() -> None:
    """Point Django at the settings (unless told otherwise) and set it up, once."""
    global _django_ready
    if _django_ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django

    django.setup()
    _django_ready = True


def _out(message: str = "") -> None:
    print(message, flush=True)


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- init ---------------------------------------------------------------------


def init(
    *,
    admin_username: str | None = None,
    admin_password: str | None = None,
    interactive: bool = False,
    verbosity: int = 1,
    create_admin: bool = True,
) -> None:
    """Create or update the tables, roles and schedules; create the first admin.

    Safe to run again: migrations, roles and schedules only add what is
    missing, and no second administrator is created.
    """
    setup_django()
    from django.core.management import call_command

    from comptoir.core.events.tasks import schedules_sync
    from comptoir.core.identity.services import roles_sync

    call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
    call_command("createcachetable", verbosity=max(0, verbosity - 1))
    roles_sync()
    schedules_sync()
    if verbosity:
        _out("Database ready: tables, roles and schedules are up to date.")
    if not create_admin:
        return
    _ensure_admin(
        username=admin_username,
        password=admin_password,
        interactive=interactive,
        say=_out if verbosity else (lambda _message: None),
    )


def _ensure_admin(
    *,
    username: str | None,
    password: str | None,
    interactive: bool,
    say: Any = _out,
) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from comptoir.core.identity.models import Role, User

    existing = User.objects.filter(roles__code="admin", is_active=True).order_by("pk").first()
    if existing is not None:
        say(f"An administrator already exists ({existing.username}); none created.")
        return
    if not (username and password):
        if not interactive:
            if username or password:
                raise CLIError("Give both --admin-username and --admin-password.")
            say("No administrator yet: run `comptoir init --admin-username U --admin-password P`.")
            return
        username = username or input("Administrator username: ").strip()
        if not username:
            raise CLIError("An administrator needs a username.")
        if not password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CLIError("The two passwords differ.")
    if User.objects.filter(username=username).exists():
        raise CLIError(f"A user named {username!r} exists already and is not an administrator.")
    candidate = User(username=username)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise CLIError("Password refused: " + " ".join(exc.messages)) from None
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, is_staff=True)
        user.roles.add(Role.objects.get(code="admin"))
    say(f"Administrator {username} created.")


def _cmd_init(args: argparse.Namespace) -> int:
    init(
        admin_username=args.admin_username,
        admin_password=args.admin_password,
        interactive=not args.no_input and sys.stdin.isatty(),
    )
    return 0


# -- demo ---------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace) -> int:
    init(interactive=False, create_admin=False)  # the demo brings its own users
    try:
        demo = importlib.import_module("comptoir.core.demo")
    except ModuleNotFoundError as exc:
        if exc.name not in ("comptoir.core.demo",):
            raise
        raise CLIError(
            "The demo data is not available in this version (comptoir.core.demo)."
        ) from None
    result = demo.load_demo(country=args.country, force=args.force)
    company, logins, created = _demo_result(result)
    port = os.environ.get("PORT", "8000")
    what = f"{company} ({args.country})" if company is not None else args.country
    if created is False:
        _out(f"The demo of {what} is already loaded; logins refreshed.")
    else:
        _out(f"Demo of {what} loaded.")
    _out(f"Start the server with `comptoir serve`, then open http://127.0.0.1:{port}/")
    if logins:
        _out(f"Log in with one of these users (password {DEMO_PASSWORD!r}):")
        width = max(len(username) for username, _role in logins)
        for username, role in logins:
            _out(f"  {username.ljust(width)}  {role}")
    return 0


def _demo_result(result: Any) -> tuple[Any, list[tuple[str, str]], bool | None]:
    """(company, logins, created) from what ``load_demo`` returns.

    It answers ``(company, logins, created)``; a bare list of logins or a
    dict with ``logins`` is understood too.
    """
    company: Any = None
    created: bool | None = None
    logins: Any = result
    if isinstance(result, dict):
        company, logins, created = (
            result.get("company"),
            result.get("logins"),
            result.get("created"),
        )
    elif isinstance(result, tuple) and len(result) in (2, 3) and isinstance(result[1], list):
        company, logins = result[0], result[1]
        created = bool(result[2]) if len(result) == 3 else None
    return company, _demo_logins(logins), created


def _demo_logins(result: Any) -> list[tuple[str, str]]:
    logins: list[tuple[str, str]] = []
    for item in result or []:
        if isinstance(item, (tuple, list)) and len(item) >= 2:
            logins.append((str(item[0]), str(item[1])))
        else:
            logins.append((str(item), ""))
    return logins


# -- serve --------------------------------------------------------------------


def gunicorn_command(
    *, host: str, port: int, workers: int, threads: int = 1, access_log: bool = True
) -> list[str]:
    """The gunicorn command line ``serve`` runs."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "comptoir.wsgi:application",
        "--bind",
        f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}",
        "--workers",
        str(workers),
        "--error-logfile",
        "-",
        "--graceful-timeout",
        "10",
        "--forwarded-allow-ips",
        os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    if access_log:
        command += ["--access-logfile", "-"]
    shm = "/dev/shm"  # noqa: S108 - gunicorn's heartbeat files, in memory (docker advice)
    if os.path.isdir(shm):
        command += ["--worker-tmp-dir", shm]
    return command


def worker_command() -> list[str]:
    return [sys.executable, "-m", "comptoir.cli", "worker"]


class _Stop(Exception):
    pass


def _terminate(process: subprocess.Popen[Any] | None, timeout: float = 15.0) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        process.terminate()
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    except ProcessLookupError:
        pass


def _cmd_serve(args: argparse.Namespace) -> int:
    port = args.port if args.port is not None else int(os.environ.get("PORT", "8000"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS),
    }
    server: subprocess.Popen[Any] | None = None
    worker: subprocess.Popen[Any] | None = None
    stopping = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        stopping.set()
        raise _Stop

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        server = subprocess.Popen(
            gunicorn_command(
                host=args.host,
                port=port,
                workers=args.workers,
                threads=args.threads,
                access_log=not args.no_access_log,
            ),
            env=env,
        )
        if not args.no_worker:
            worker = subprocess.Popen(worker_command(), env=env)
        shown = (
            f"[{args.host}]" if ":" in args.host and not args.host.startswith("[") else args.host
        )
        _out(f"Comptoir is serving on http://{shown}:{port}/")
        restarts: list[float] = []
        while not stopping.is_set():
            code = server.poll()
            if code is not None:
                return code
            if worker is not None and worker.poll() is not None:
                # The worker died: start it again, but not in a tight loop.
                now = time.monotonic()
                restarts = [t for t in restarts if now - t < 60] + [now]
                _err(f"The task worker stopped (status {worker.returncode}); restarting it.")
                if len(restarts) > 5:
                    _err("The task worker keeps stopping; serving without it.")
                    worker = None
                else:
                    worker = subprocess.Popen(worker_command(), env=env)
            time.sleep(0.2)
    except (_Stop, KeyboardInterrupt):
        pass
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        # SIGTERM is gunicorn's graceful stop, and the worker's too.
        _terminate(worker)
        _terminate(server)
    _out("Comptoir stopped.")
    return 0


# -- worker -------------------------------------------------------------------


def _cmd_worker(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings

    if getattr(settings, "REDIS_URL", ""):
        return _rq_worker(args.stop_after)
    try:
        worker = importlib.import_module("comptoir.core.events.worker")
    except ModuleNotFoundError as exc:
        if exc.name != "comptoir.core.events.worker":
            raise
        raise CLIError("The task worker is not available (comptoir.core.events.worker).") from None
    stop_worker = getattr(worker, "stop_worker", None)
    if stop_worker is not None:
        # SIGTERM (``comptoir serve`` stopping, a container stopping): finish the
        # running round, then leave.
        signal.signal(signal.SIGTERM, lambda _signum, _frame: stop_worker())
    with contextlib.suppress(KeyboardInterrupt):
        worker.run_worker(stop_after=args.stop_after)
    return 0


def _scheduler_loop(stop: threading.Event, interval: float = 1.0) -> None:
    from django.db import close_old_connections

    from comptoir.core.events.tasks import run_due_schedules

    while not stop.is_set():
        try:
            close_old_connections()
            run_due_schedules()
        except Exception:  # keep scheduling whatever one round did
            import logging

            logging.getLogger(__name__).exception("scheduler round failed")
        stop.wait(interval)
    close_old_connections()


def _rq_worker(stop_after: float | None) -> int:
    """The RQ worker on queue ``default`` plus the schedule loop in a thread."""
    from django.core.management import call_command

    stop = threading.Event()
    scheduler = threading.Thread(
        target=_scheduler_loop, args=(stop,), name="scheduler", daemon=True
    )
    scheduler.start()
    timer = None
    if stop_after:
        # RQ stops gracefully on SIGTERM: finish the running job, then leave.
        timer = threading.Timer(stop_after, os.kill, args=(os.getpid(), signal.SIGTERM))
        timer.daemon = True
        timer.start()
    try:
        # django-tasks-rq needs its own Job class to run django-tasks tasks.
        call_command("rqworker", "default", job_class="django_tasks_rq.Job", with_scheduler=False)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if timer is not None:
            timer.cancel()
        stop.set()
        scheduler.join(timeout=5)
    return 0


# -- manage -------------------------------------------------------------------


def _cmd_manage(args: argparse.Namespace) -> int:
    return manage(args.args)


def manage(arguments: Sequence[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["comptoir manage", *arguments])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


# -- bench --------------------------------------------------------------------


def available_benches() -> list[str]:
    import comptoir.bench

    return sorted(
        m.name for m in pkgutil.iter_modules(comptoir.bench.__path__) if not m.name.startswith("_")
    )


def _bench_module(name: str) -> Any:
    if name not in available_benches():
        raise CLIError(
            f"No bench named {name!r}. Available: {', '.join(available_benches()) or 'none'}.",
            code=2,
        )
    return importlib.import_module(f"comptoir.bench.{name}")


def _cmd_bench(args: argparse.Namespace) -> int:
    module = _bench_module(args.name)
    result = module.run(args)
    if args.json:
        import json

        _out(json.dumps(result, indent=2, sort_keys=True, default=str))
    else:
        _out(format_table(result))
    return 0


def format_table(result: dict[str, Any], indent: str = "") -> str:
    """A readable rendering of a bench result: scalars, then one line per operation."""
    lines: list[str] = []
    for key, value in result.items():
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            columns: list[str] = []
            for row in value.values():
                columns += [c for c in row if c not in columns]
            width = max(len(str(k)) for k in value)
            lines.append(f"{indent}{key}:")
            lines.append(
                indent + "  " + " " * width + "  " + "  ".join(f"{c:>12}" for c in columns)
            )
            for name, row in value.items():
                cells = "  ".join(f"{_cell(row.get(c)):>12}" for c in columns)
                lines.append(f"{indent}  {str(name).ljust(width)}  {cells}")
        elif isinstance(value, dict):
            lines.append(f"{indent}{key}:")
            lines.append(format_table(value, indent + "  "))
        else:
            lines.append(f"{indent}{key}: {_cell(value)}")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


# -- ledger -------------------------------------------------------------------


def _ledger_company(code: str) -> Any:
    from comptoir.core.companies.models import Company

    company = Company.objects.filter(code=code).first()
    if company is None:
        known = ", ".join(Company.objects.order_by("code").values_list("code", flat=True))
        raise CLIError(f"No company with the code {code!r}. Known: {known or 'none'}.", code=2)
    return company


def _ledger_write(output: str, content: bytes) -> None:
    if output == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    try:
        with open(output, "wb") as handle:
            handle.write(content)
    except OSError as exc:
        raise CLIError(f"Cannot write {output}: {exc.strerror}.", code=2) from None


def _cmd_ledger(args: argparse.Namespace) -> int:
    """``comptoir ledger export-fec | export-beancount | verify``."""
    setup_django()
    from comptoir.core.kernel.errors import ValidationFailed

    # Imported by name, as the demo is: the kernel's own modules import this file.
    if args.ledger_command == "verify":
        integrity = importlib.import_module("comptoir.back.ledger.integrity")
        report = integrity.ledger_verify(_ledger_company(args.company) if args.company else None)
        for journal in report.journals:
            state = "intact" if journal.ok else "BROKEN"
            _out(
                f"{journal.company} {journal.journal}: {journal.entries} entries, {state}"
                + (f" (last {journal.last_number})" if journal.last_number else "")
            )
        if report.ok:
            _out(str(report.summary()))
            return 0
        for problem in report.first_problems:
            _err(f"first broken link: {problem}")
        _err(str(report.summary()))
        return 1
    exports = importlib.import_module("comptoir.back.ledger.exports")
    company = _ledger_company(args.company)
    try:
        if args.ledger_command == "export-fec":
            filename, content = exports.fec_export(company, args.year, encoding=args.encoding)
        else:
            filename, text = exports.beancount_export(company, args.year)
            content = text.encode()
    except ValidationFailed as exc:
        raise CLIError(exc.message, code=2) from None
    _ledger_write(args.output, content)
    if args.output != "-":
        _out(f"{filename} written to {args.output} ({len(content)} bytes).")
    return 0


# -- the parser ---------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="comptoir", description="Comptoir: front, middle and back office in one system."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = commands.add_parser("init", help="create or update the database; create the first admin")
    p.add_argument("--admin-username", help="username of the first administrator")
    p.add_argument("--admin-password", help="password of the first administrator")
    p.add_argument("--no-input", action="store_true", help="never prompt")
    p.set_defaults(func=_cmd_init)

    p = commands.add_parser("demo", help="init, then load a demonstration company")
    p.add_argument("--country", choices=["FR", "RO"], default="FR", type=str.upper)
    p.add_argument("--force", action="store_true", help="load even when real data exists")
    p.set_defaults(func=_cmd_demo)

    p = commands.add_parser("serve", help="run the web server (gunicorn) and the task worker")
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
    p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    p.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("WEB_THREADS", "4")),
        help="threads per worker: above 1, gthread workers with keep-alive (default 4)",
    )
    p.add_argument("--no-worker", action="store_true", help="do not start the task worker")
    p.add_argument("--no-access-log", action="store_true", help="do not log each request")
    p.set_defaults(func=_cmd_serve)

    p = commands.add_parser("worker", help="run background tasks and schedules")
    p.add_argument("--stop-after", type=float, default=None, metavar="SECONDS")
    p.set_defaults(func=_cmd_worker)

    p = commands.add_parser("manage", help="Django's manage.py (check, shell, migrate…)")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=_cmd_manage)

    p = commands.add_parser("bench", help="run a benchmark of comptoir.bench")
    p.add_argument("name", help="the bench: api…")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--seconds", type=float, default=10.0, help="duration of each measured run")
    p.add_argument("--concurrency", type=int, default=50, help="concurrent clients")
    p.set_defaults(func=_cmd_bench)
    _bench_parser[0] = p

    p = commands.add_parser("ledger", help="the books: FEC and Beancount exports, hash check")
    ledger = p.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)
    q = ledger.add_parser("export-fec", help="write the French FEC of a fiscal year")
    q.add_argument("--company", required=True, help="the company's code")
    q.add_argument("--year", required=True, help="the fiscal year (the year it ends)")
    q.add_argument("--output", required=True, help="the file to write, - for stdout")
    q.add_argument("--encoding", choices=["utf-8", "iso-8859-15"], default="utf-8")
    q = ledger.add_parser("export-beancount", help="write the books as a Beancount file")
    q.add_argument("--company", required=True, help="the company's code")
    q.add_argument("--year", default=None, help="one fiscal year (default: all)")
    q.add_argument("--output", required=True, help="the file to write, - for stdout")
    q = ledger.add_parser("verify", help="recompute the hash chains; exit 1 on a broken link")
    q.add_argument("--company", default=None, help="one company's code (default: all)")
    p.set_defaults(func=_cmd_ledger)
    return parser


_bench_parser: list[argparse.ArgumentParser | None] = [None]


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    # ``manage`` hands everything, options included, to Django untouched.
    if arguments[:1] == ["manage"]:
        return manage(arguments[1:])
    parser = build_parser()
    try:
        if arguments[:1] == ["bench"] and len(arguments) > 1 and not arguments[1].startswith("-"):
            module = _bench_module(arguments[1])
            add_arguments = getattr(module, "add_arguments", None)
            if add_arguments is not None and _bench_parser[0] is not None:
                add_arguments(_bench_parser[0])
        args = parser.parse_args(arguments)
        return int(args.func(args) or 0)
    except CLIError as exc:
        _err(f"comptoir: {exc}")
        return exc.code
    except DomainError as exc:
        _err(f"comptoir: {exc.message}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
