from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from comptoir.core.audit.models import AuditEntry
from comptoir.core.kernel.errors import ValidationFailed
from comptoir.core.numbering.models import Sequence
from comptoir.core.numbering.services import next_number, sequence_configure
from comptoir.core.numbering.tests.factories import SequenceFactory

pytestmark = pytest.mark.django_db


def test_first_number_creates_the_sequence(company):
    with transaction.atomic():
        assert (
            next_number(
                company=company, code="invoice", fiscal_year=2026, pattern="FA-{year}-{seq:05d}"
            )
            == "FA-2026-00001"
        )
        assert next_number(company=company, code="invoice", fiscal_year=2026) == "FA-2026-00002"
    seq = Sequence.objects.get(company=company, code="invoice", fiscal_year=2026)
    assert seq.next_value == 3


def test_default_pattern(company):
    with transaction.atomic():
        assert next_number(company=company, code="order", fiscal_year=2025) == "order-2025-00001"


def test_sequences_are_per_company_code_and_year(company, company_ro):
    SequenceFactory(company=company, next_value=10)
    with transaction.atomic():
        assert next_number(company=company, code="invoice", fiscal_year=2026) == "FA-2026-00010"
        assert next_number(company=company, code="invoice", fiscal_year=2027) == (
            "invoice-2027-00001"
        )
        assert next_number(company=company_ro, code="invoice", fiscal_year=2026) == (
            "invoice-2026-00001"
        )
        assert next_number(company=company, code="credit_note", fiscal_year=2026) == (
            "credit_note-2026-00001"
        )


def test_stored_pattern_wins_over_argument(company):
    SequenceFactory(company=company, pattern="F{seq}")
    with transaction.atomic():
        assert (
            next_number(company=company, code="invoice", fiscal_year=2026, pattern="X{seq}") == "F1"
        )


def test_rolled_back_number_is_given_again(company):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        next_number(company=company, code="invoice", fiscal_year=2026, pattern="{seq}")
        1 / 0  # noqa: B018
    assert not Sequence.objects.exists()  # even the creation rolled back
    SequenceFactory(company=company, pattern="{seq}")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert next_number(company=company, code="invoice", fiscal_year=2026) == "1"
        1 / 0  # noqa: B018
    with transaction.atomic():
        assert next_number(company=company, code="invoice", fiscal_year=2026) == "1"
        assert next_number(company=company, code="invoice", fiscal_year=2026) == "2"


def test_outside_a_transaction_is_refused(company, settings):
    # pytest-django wraps the test in a transaction; step outside it by
    # pretending the connection is in autocommit.
    in_block = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError, match="inside"):
            next_number(company=company, code="invoice", fiscal_year=2026)
    finally:
        connection.in_atomic_block = in_block
    assert not Sequence.objects.exists()


@pytest.mark.parametrize("pattern", ["{nope}", "{seq.__class__}", "{seq:zz}", "{0}", "{seq"])
def test_bad_pattern_is_refused(company, pattern):
    with pytest.raises(ValidationFailed) as exc, transaction.atomic():
        next_number(company=company, code="invoice", fiscal_year=2026, pattern=pattern)
    assert "pattern" in exc.value.fields
    assert not Sequence.objects.exists()


def test_sequence_configure_is_audited(company, admin_user):
    seq = sequence_configure(
        actor=admin_user,
        company=company,
        code="invoice",
        fiscal_year=2026,
        pattern="FA{year}/{seq:04d}",
        next_value=120,
    )
    assert seq.next_value == 120
    assert AuditEntry.objects.filter(action="sequence.update", object_id=str(seq.pk)).exists()
    with transaction.atomic():
        assert next_number(company=company, code="invoice", fiscal_year=2026) == "FA2026/0120"
    with pytest.raises(ValidationFailed):
        sequence_configure(
            actor=admin_user, company=company, code="invoice", fiscal_year=2026, next_value=0
        )


_codes = itertools.count()


@hsettings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["invoice", "credit_note"]), st.booleans(), st.integers(1, 3)),
        max_size=30,
    )
)
def test_committed_numbers_are_consecutive(company, steps):
    """Whatever mix of committed and rolled-back transactions, no gap and no duplicate."""
    run = next(_codes)
    kept: dict[str, list[int]] = {"invoice": [], "credit_note": []}
    for code, commit, count in steps:
        taken: list[int] = []
        try:
            with transaction.atomic():
                for _ in range(count):
                    taken.append(
                        int(
                            next_number(
                                company=company,
                                code=f"{code}{run}",
                                fiscal_year=2026,
                                pattern="{seq}",
                            )
                        )
                    )
                if not commit:
                    raise _Rollback
        except _Rollback:
            continue
        kept[code].extend(taken)
    for numbers in kept.values():
        assert numbers == list(range(1, len(numbers) + 1))


class _Rollback(Exception):
    pass


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_processes_get_gapless_numbers(company):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgresql://…)")
    db = connection.settings_dict
    url = (
        f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )
    src = str(Path(__file__).resolve().parents[4])
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "comptoir.test_settings",
        "DATABASE_URL": url,
        "COMPTOIR_DATA_DIR": str(settings.DATA_DIR),
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
    }
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "comptoir.core.numbering.tests.concurrency_worker",
                str(company.pk),
                "25",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    numbers: list[int] = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        numbers.extend(int(n) for n in json.loads(out.strip().splitlines()[-1]))
    assert len(numbers) == 200
    assert sorted(numbers) == list(range(1, 201))
    seq = Sequence.objects.get(company=company, code="invoice", fiscal_year=2026)
    assert seq.next_value == 201
