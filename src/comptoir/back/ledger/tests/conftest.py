"""Ledger fixtures: the French and the Romanian company with their books set up.

``books`` is the French company (PCG, journals VE AC BQ CA OD AN, FR taxes,
fiscal year 2026); ``books_ro`` the Romanian one (plan de conturi general,
RO taxes, fiscal year 2026). ``post`` writes and posts an entry in one call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from comptoir.back.ledger import services
from comptoir.back.ledger.domain import LineDraft
from comptoir.back.ledger.models import Entry
from comptoir.core.companies.models import Company

YEAR = 2026


@pytest.fixture
def accountant(user_for: Callable[[str], Any]) -> Any:
    return user_for("accountant")


@pytest.fixture
def books(company: Company, accountant: Any) -> Company:
    services.ledger_setup(actor=accountant, company=company, year=YEAR)
    return company


@pytest.fixture
def books_ro(company_ro: Company, make_user: Callable[..., Any]) -> Company:
    user = make_user("contabil", roles=("accountant",), companies=(company_ro,))
    services.ledger_setup(actor=user, company=company_ro, year=YEAR)
    return company_ro


def lines(*spec: tuple[str, str | int, str | int]) -> list[LineDraft]:
    """``lines(("411", "120", 0), ("706", 0, "100"), ("44571", 0, "20"))``."""
    return [
        LineDraft(account=acc, debit=Decimal(str(d)), credit=Decimal(str(c))) for acc, d, c in spec
    ]


@pytest.fixture
def post(accountant: Any) -> Callable[..., Entry]:
    def make(
        company: Company,
        journal: str,
        date: dt.date,
        *spec: tuple[str, str | int, str | int],
        actor: Any = None,
        label: str = "",
    ) -> Entry:
        return services.entry_create(
            actor=actor or accountant,
            company=company,
            journal=journal,
            date=date,
            lines=lines(*spec),
            label=label,
            post=True,
        )

    return make
