"""Gapless document numbers.

``next_number`` runs inside the caller's transaction: it locks the sequence
row until that transaction ends, so two invoices never get the same number,
and a rolled-back invoice gives its number back (the increment rolls back
with it). On PostgreSQL the row lock serializes the callers; on SQLite the
``BEGIN IMMEDIATE`` transactions do.
"""

from __future__ import annotations

import string
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from comptoir.core.audit.services import audit_record, snapshot
from comptoir.core.companies.models import Company
from comptoir.core.kernel.errors import ValidationFailed
from comptoir.core.numbering.models import DEFAULT_PATTERN, Sequence


def format_number(pattern: str, *, code: str, year: int, seq: int) -> str:
    """``pattern`` with ``{code}``, ``{year}`` and ``{seq}`` filled in."""
    try:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name}
        if not names <= {"code", "year", "seq"}:  # no attribute or index access
            raise ValueError(", ".join(sorted(names - {"code", "year", "seq"})))
        return pattern.format(code=code, year=year, seq=seq)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationFailed(
            _("The pattern %(pattern)s cannot be used: %(error)s")
            % {"pattern": pattern, "error": exc},
            code="pattern_invalid",
            fields={"pattern": _("Use {code}, {year} and {seq}, e.g. FA-{year}-{seq:05d}.")},
        ) from None


def _locked_sequence(
    *, company: Company, code: str, fiscal_year: int, pattern: str | None
) -> Sequence:
    """The sequence row, locked until the caller's transaction ends (created if missing)."""
    lookup = {"company": company, "code": code, "fiscal_year": fiscal_year}
    for _attempt in range(3):
        seq = Sequence.objects.select_for_update().filter(**lookup).first()
        if seq is not None:
            return seq
        try:
            # A savepoint: losing the creation race must not spoil the caller's transaction.
            with transaction.atomic():
                return Sequence.objects.create(**lookup, pattern=pattern or DEFAULT_PATTERN)
        except IntegrityError:
            continue  # another transaction created it first: lock theirs
    raise RuntimeError(f"could not lock sequence {code} {fiscal_year}")  # pragma: no cover


def next_number(
    *, company: Company, code: str, fiscal_year: int, pattern: str | None = None
) -> str:
    """Take the next number of ``code`` for ``fiscal_year`` (``FA-2026-00042``).

    Must run inside the caller's ``transaction.atomic()``: the number is
    consumed only if that transaction commits. ``pattern`` is used when the
    sequence is created; an existing sequence keeps its own pattern.
    """
    return take_number(company=company, code=code, fiscal_year=fiscal_year, pattern=pattern)[0]


def take_number(
    *, company: Company, code: str, fiscal_year: int, pattern: str | None = None
) -> tuple[str, int]:
    """``next_number`` and the counter behind it (``("FA-2026-00042", 42)``)."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must be called inside the caller's transaction.atomic()")
    if pattern is not None:
        format_number(pattern, code=code, year=fiscal_year, seq=1)  # fail before writing
    # One statement takes the row lock, moves the counter and reads it back.
    table = Sequence._meta.db_table
    bump = (
        f"UPDATE {table} SET next_value = next_value + 1 "  # noqa: S608 - the model's own table
        "WHERE company_id = %s AND code = %s AND fiscal_year = %s RETURNING next_value, pattern"
    )
    with connection.cursor() as cursor:
        cursor.execute(bump, [company.pk, code, fiscal_year])
        row = cursor.fetchone()
        if row is None:  # the first number of this sequence: create it, then take it
            _locked_sequence(company=company, code=code, fiscal_year=fiscal_year, pattern=pattern)
            cursor.execute(bump, [company.pk, code, fiscal_year])
            row = cursor.fetchone()
    value, seq_pattern = int(row[0]) - 1, row[1]
    return format_number(seq_pattern, code=code, year=fiscal_year, seq=value), value


@transaction.atomic
def sequence_configure(
    *,
    actor: Any,
    company: Company,
    code: str,
    fiscal_year: int,
    pattern: str | None = None,
    next_value: int | None = None,
) -> Sequence:
    """Create or change a sequence's pattern or next value (e.g. when migrating in)."""
    if pattern is not None:
        format_number(pattern, code=code, year=fiscal_year, seq=1)
    if next_value is not None and next_value < 1:
        raise ValidationFailed(
            _("The next value must be at least 1."), fields={"next_value": _("At least 1.")}
        )
    seq = _locked_sequence(company=company, code=code, fiscal_year=fiscal_year, pattern=pattern)
    before = snapshot(seq)
    if pattern is not None:
        seq.pattern = pattern
    if next_value is not None:
        seq.next_value = next_value
    seq.save()
    audit_record(actor=actor, action="sequence.update", obj=seq, before=before)
    return seq
