"""Properties of the books that hold whatever the accountant posts.

Hypothesis draws a sequence of balanced entries (random journals, months,
accounts and amounts in cents) and reversals of entries posted earlier,
posts them through the services on the French books, and then checks:

- the trial balance sums to zero (the ``Balance`` debits equal the credits);
- ``Balance`` holds exactly the sum of the posted lines per account and period;
- an entry and its reversal net to zero on every account;
- the numbers of each journal and fiscal year run 1..n without a gap;
- every hash is the fingerprint of its entry chained to the previous one.

An unbalanced entry is always refused with ``entry_unbalanced`` and changes
nothing. Each example runs in a savepoint rolled back at its end, so every
example starts from fresh books.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# The accounts the entries move: customers, suppliers, bank, purchases, sales,
# VAT, wages, capital (all in the French PCG shipped with the ledger).
ACCOUNTS = ("411", "401", "512", "607", "706", "44571", "44566", "641", "421", "101")
JOURNALS = ("VE", "AC", "BQ", "OD")
YEAR = 2026

PROPERTY_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class _Rollback(Exception):
    """Undoes an example's postings."""


@contextmanager
def rolled_back() -> Iterator[None]:
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


# -- strategies -------------------------------------------------------------------

cents = st.integers(min_value=1, max_value=50_000_000)  # 0.01 to 500,000.00
one_line = st.tuples(st.sampled_from(ACCOUNTS), cents, st.booleans())


@st.composite
def balanced_entry(draw: st.DrawFn) -> dict[str, Any]:
    """One to five lines drawn freely and one more that balances them."""
    drawn = draw(st.lists(one_line, min_size=1, max_size=5))
    net = sum(amount if is_debit else -amount for _acc, amount, is_debit in drawn)
    closing_account = draw(st.sampled_from(ACCOUNTS))
    if net == 0:  # the drawn lines balance already: add a pair to make it longer
        amount = draw(cents)
        drawn += [(closing_account, amount, True)]
        net = amount
    drawn.append((closing_account, abs(net), net < 0))
    return {
        "journal": draw(st.sampled_from(JOURNALS)),
        "date": dt.date(YEAR, draw(st.integers(1, 12)), draw(st.integers(1, 28))),
        "lines": drawn,
    }


operation = st.one_of(
    st.tuples(st.just("post"), balanced_entry()),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=1000)),
)


def as_drafts(spec: list[tuple[str, int, bool]]) -> list[Any]:
    from comptoir.back.ledger.domain import LineDraft

    return [
        LineDraft(
            account=account,
            debit=Decimal(amount).scaleb(-2) if is_debit else Decimal(0),
            credit=Decimal(0) if is_debit else Decimal(amount).scaleb(-2),
            label=f"{account} {amount}",
        )
        for account, amount, is_debit in spec
    ]


# -- what must hold ---------------------------------------------------------------


def assert_books_sound(company: Any) -> None:
    """Every property of posted books, checked from the rows themselves."""
    from comptoir.back.ledger.models import Balance, Entry, Line

    balances = {
        (b.account_id, b.period_id): (b.debit, b.credit)
        for b in Balance.objects.filter(company=company)
    }
    # The trial balance sums to zero.
    assert sum(d for d, _c in balances.values()) == sum(c for _d, c in balances.values())

    # Balance holds the posted lines, per account and period, and nothing else.
    expected: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for account_id, period_id, debit, credit in Line.objects.filter(
        company=company, posted=True
    ).values_list("account_id", "entry__period_id", "debit", "credit"):
        expected[(account_id, period_id)][0] += debit
        expected[(account_id, period_id)][1] += credit
    nonzero = {k: v for k, v in balances.items() if v != (0, 0)}
    assert nonzero == {k: tuple(v) for k, v in expected.items()}

    # No posted line belongs to a draft, no draft line is posted.
    assert not Line.objects.filter(company=company, posted=True, entry__state="draft").exists()
    assert not Line.objects.filter(company=company, posted=False, entry__state="posted").exists()

    # An entry and its reversal net to zero on every account.
    for reversal in Entry.objects.filter(company=company, reversal_of__isnull=False):
        net: dict[int, Decimal] = defaultdict(Decimal)
        for account_id, debit, credit in Line.objects.filter(
            entry_id__in=[reversal.pk, reversal.reversal_of_id]
        ).values_list("account_id", "debit", "credit"):
            net[account_id] += debit - credit
        assert all(v == 0 for v in net.values()), (reversal.number, dict(net))

    assert_numbers_and_chains(company)


def assert_numbers_and_chains(company: Any) -> None:
    """Numbers 1..n per journal and fiscal year; each hash chained to the one before."""
    from comptoir.back.ledger.domain import HashedEntry, HashedLine, entry_hash
    from comptoir.back.ledger.models import Entry, Journal

    posted = (
        Entry.objects.filter(company=company, state="posted")
        .select_related("journal")
        .prefetch_related("lines__account")
        .order_by("journal_id", "fiscal_year_id", "sequence_no")
    )
    numbers: dict[tuple[int, int], list[int]] = defaultdict(list)
    chains: dict[int, list[Any]] = defaultdict(list)
    for entry in posted:
        numbers[(entry.journal_id, entry.fiscal_year_id)].append(entry.sequence_no)
        chains[entry.journal_id].append(entry)
    for key, seen in numbers.items():
        assert seen == list(range(1, len(seen) + 1)), (key, seen)
    for journal in Journal.objects.filter(company=company):
        previous = ""
        for entry in sorted(chains[journal.pk], key=lambda e: (e.posted_at, e.sequence_no)):
            assert entry.number.endswith(f"{entry.sequence_no:06d}"), entry.number
            assert entry.previous_hash == previous, entry.number
            lines = sorted(entry.lines.all(), key=lambda ln: ln.pk)
            digest = entry_hash(
                previous,
                HashedEntry(
                    company_id=company.pk,
                    journal_code=journal.code,
                    number=entry.number,
                    date=entry.date,
                    currency=entry.currency,
                    label=entry.label,
                    ref=entry.ref,
                    lines=[
                        HashedLine(
                            account_code=ln.account.code,
                            party_id=ln.party_id,
                            label=ln.label,
                            debit=ln.debit,
                            credit=ln.credit,
                            currency=ln.currency,
                            amount_currency=ln.amount_currency,
                        )
                        for ln in lines
                    ],
                ),
            )
            assert entry.hash == digest, f"broken link at {entry.number}"
            previous = entry.hash
        assert journal.last_hash == previous, journal.code


# -- the properties ---------------------------------------------------------------


@PROPERTY_SETTINGS
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_any_postings_and_reversals_leave_sound_books(
    books: Any, accountant: Any, operations: list[tuple[str, Any]]
) -> None:
    from comptoir.back.ledger import services
    from comptoir.back.ledger.models import Entry, Journal

    with rolled_back():
        posted: list[Entry] = []
        for kind, arg in operations:
            if kind == "post":
                posted.append(
                    services.entry_create(
                        actor=accountant,
                        company=books,
                        journal=arg["journal"],
                        date=arg["date"],
                        lines=as_drafts(arg["lines"]),
                        label="Property",
                        post=True,
                    )
                )
                continue
            candidates = [
                e
                for e in posted
                if e.reversal_of_id is None and not Entry.objects.filter(reversal_of=e).exists()
            ]
            if candidates:
                original = candidates[arg % len(candidates)]
                posted.append(
                    services.entry_reverse(actor=accountant, company=books, entry=original)
                )
        assert_books_sound(books)
        # Every reversal sits in its original's journal, dated in an open period.
        for entry in posted:
            if entry.reversal_of_id:
                assert entry.journal_id == entry.reversal_of.journal_id
        assert Journal.objects.filter(company=books).exclude(last_hash="").count() == len(
            {e.journal_id for e in posted}
        )


@st.composite
def unbalanced_entry(draw: st.DrawFn) -> list[tuple[str, int, bool]]:
    spec = draw(balanced_entry())["lines"]
    index = draw(st.integers(0, len(spec) - 1))
    account, amount, is_debit = spec[index]
    spec[index] = (account, amount + draw(st.integers(1, 10_000)), is_debit)
    return spec


@PROPERTY_SETTINGS
@given(spec=unbalanced_entry(), journal=st.sampled_from(JOURNALS), post=st.booleans())
def test_an_unbalanced_entry_is_always_refused_and_changes_nothing(
    books: Any, accountant: Any, spec: list[tuple[str, int, bool]], journal: str, post: bool
) -> None:
    from comptoir.back.ledger import services
    from comptoir.back.ledger.models import Balance, Entry, Line
    from comptoir.core.kernel.errors import ValidationFailed
    from comptoir.core.numbering.models import Sequence

    def state() -> tuple[Any, ...]:
        return (
            Entry.objects.count(),
            Line.objects.count(),
            list(Balance.objects.values_list("account_id", "period_id", "debit", "credit")),
            list(Sequence.objects.values_list("code", "next_value")),
        )

    before = state()
    with pytest.raises(ValidationFailed) as refused:
        services.entry_create(
            actor=accountant,
            company=books,
            journal=journal,
            date=dt.date(YEAR, 3, 15),
            lines=as_drafts(spec),
            post=post,
        )
    assert refused.value.code == "entry_unbalanced"
    difference = sum(
        (Decimal(a).scaleb(-2) if d else -Decimal(a).scaleb(-2)) for _acc, a, d in spec
    )
    assert Decimal(refused.value.fields["difference"][0]) == difference
    assert state() == before
