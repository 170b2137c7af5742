"""The ``comptoir`` command in this process: errors, the first admin, bench output."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from comptoir import cli
from comptoir.core.identity.models import Role, User
from comptoir.core.kernel.errors import Conflict

STRONG_PASSWORD = "a-Long-and-Rare-passphrase-42"


@pytest.fixture
def no_init(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(cli, "init", lambda **kwargs: calls.append(kwargs))
    return calls


def test_unknown_bench_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["bench", "nosuch"]) == 2
    err = capsys.readouterr().err
    assert "No bench named 'nosuch'" in err
    assert "api" in err
    assert "api" in cli.available_benches()


def test_argument_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["serve", "--workers", "two"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        cli.main([])
    assert caught.value.code == 2


def test_a_domain_error_is_a_message_and_status_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], no_init: list[Any]
) -> None:
    import comptoir.core.demo as demo

    def refuse(**kwargs: Any) -> None:
        raise Conflict("This database holds real companies (acme).", code="database_not_demo")

    monkeypatch.setattr(demo, "load_demo", refuse)
    assert cli.main(["demo", "--country", "fr"]) == 1
    captured = capsys.readouterr()
    assert "This database holds real companies (acme)." in captured.err
    assert "Traceback" not in captured.err
    assert no_init == [{"interactive": False, "create_admin": False}]


def test_demo_prints_the_url_and_the_logins(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], no_init: list[Any]
) -> None:
    import comptoir.core.demo as demo

    seen: dict[str, Any] = {}

    def load(**kwargs: Any) -> tuple[str, list[tuple[str, str]], bool]:
        seen.update(kwargs)
        return "Atelier Demo SAS", [("admin", "admin"), ("accountant", "accountant")], True

    monkeypatch.setattr(demo, "load_demo", load)
    monkeypatch.setenv("PORT", "8765")
    assert cli.main(["demo", "--country", "RO", "--force"]) == 0
    out = capsys.readouterr().out
    assert seen == {"country": "RO", "force": True}
    assert "Demo of Atelier Demo SAS (RO) loaded." in out
    assert "http://127.0.0.1:8765/" in out
    assert "password 'demo'" in out
    assert "accountant  accountant" in out


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (("C", [("a", "admin")], False), ("C", [("a", "admin")], False)),
        ([("a", "admin"), ["b", "sales"]], (None, [("a", "admin"), ("b", "sales")], None)),
        ({"company": "C", "logins": [("a", "admin")]}, ("C", [("a", "admin")], None)),
        (None, (None, [], None)),
    ],
)
def test_demo_results_are_read_whatever_their_shape(result: Any, expected: Any) -> None:
    assert cli._demo_result(result) == expected


@pytest.mark.django_db
def test_the_first_admin_is_created_once(capsys: pytest.CaptureFixture[str]) -> None:
    from comptoir.core.identity.services import roles_sync

    roles_sync()
    cli._ensure_admin(username="boss", password=STRONG_PASSWORD, interactive=False)
    boss = User.objects.get(username="boss")
    assert boss.is_staff and boss.check_password(STRONG_PASSWORD)
    assert list(boss.roles.values_list("code", flat=True)) == ["admin"]
    assert boss.has_perm("identity.change")

    cli._ensure_admin(username="other", password=STRONG_PASSWORD, interactive=False)
    assert "already exists (boss)" in capsys.readouterr().out
    assert not User.objects.filter(username="other").exists()


@pytest.mark.django_db
def test_the_first_admin_needs_a_good_password_and_both_flags() -> None:
    Role.objects.get_or_create(code="admin", defaults={"name": "Administrator"})
    with pytest.raises(cli.CLIError, match="Password refused"):
        cli._ensure_admin(username="boss", password="1234", interactive=False)
    with pytest.raises(cli.CLIError, match="both"):
        cli._ensure_admin(username="boss", password=None, interactive=False)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_first_admin_is_asked_for_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    Role.objects.get_or_create(code="admin", defaults={"name": "Administrator"})
    monkeypatch.setattr("builtins.input", lambda prompt: "chief")
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: STRONG_PASSWORD)
    cli._ensure_admin(username=None, password=None, interactive=True)
    assert User.objects.get(username="chief").has_role("admin")


@pytest.mark.django_db
def test_manage_passes_everything_to_django(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["manage", "check"]) == 0
    assert "no issues" in capsys.readouterr().out
    assert cli.main(["manage", "nosuchcommand"]) == 1


def test_bench_results_print_as_json_or_a_table(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import comptoir.bench.api as bench_api

    result = {
        "bench": "api",
        "operations": {"ping": {"rps": 1234.5, "p99_ms": 3.0}, "detail": {"rps": 99.0}},
        "meets_targets": {"detail_rps": False},
    }
    seen: list[argparse.Namespace] = []
    monkeypatch.setattr(bench_api, "run", lambda args: seen.append(args) or result)
    assert cli.main(["bench", "api", "--json", "--parties", "10", "--seconds", "1"]) == 0
    assert '"rps": 1234.5' in capsys.readouterr().out
    assert (seen[0].parties, seen[0].seconds, seen[0].concurrency) == (10, 1.0, 50)

    assert cli.main(["bench", "api"]) == 0
    table = capsys.readouterr().out
    assert "bench: api" in table
    assert "1,234.50" in table
    assert "detail_rps: False" in table
