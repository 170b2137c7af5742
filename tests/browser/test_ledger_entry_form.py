"""The manual entry form in a real browser: the imbalance follows the typing, rows come
and go, and the entry is saved.

It saves a draft, not a posted entry: the test database is emptied after a browser
test, and on SQLite the triggers rightly refuse to delete posted lines.

Runs with the other browser tests (marker ``browser``): Debian's Chromium through
Playwright, against the live test server.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from comptoir.core.companies.models import Company

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "grand-livre-2026"


@pytest.fixture
def ledger_books(transactional_db: Any) -> Company:
    from comptoir.back.ledger import services
    from comptoir.core.identity.models import Role, User
    from comptoir.core.identity.services import roles_sync

    roles_sync()
    company = Company.objects.create(
        code="dupont", name="Atelier Dupont SAS", country="FR", currency="EUR", locale="fr"
    )
    user = User.objects.create_user(username="claire", password=PASSWORD)
    user.roles.add(Role.objects.get(code="accountant"))
    user.companies.add(company)
    user.current_company = company
    user.save()
    services.ledger_setup(actor=user, company=company, year=2026)
    return company


def row(page: Any, index: int, field: str) -> Any:
    return page.locator(f"[name='lines-{index}-{field}']")


def test_an_accountant_balances_a_payroll_entry_as_she_types(
    page: Any, live_server: Any, ledger_books: Company
) -> None:
    from comptoir.back.ledger.models import Entry

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "claire")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(f"{live_server.url}/ledger/entries/new/")

    imbalance = page.locator("output[data-imbalance]")
    page.fill("[name=date]", "2026-03-31")
    page.fill("[name=label]", "Salaires de mars")
    row(page, 0, "account").fill("641")
    row(page, 0, "debit").fill("3000")
    expect(imbalance).to_have_text("Debits minus credits: 3000.00")
    row(page, 1, "account").fill("421")
    row(page, 1, "credit").fill("2299.50")
    expect(imbalance).to_have_text("Debits minus credits: 700.50")
    expect(imbalance).to_have_attribute("data-state", "unbalanced")

    page.click("[data-add-line]")  # a fifth row, added in the page
    expect(page.locator("tbody[data-lines] tr[data-line]")).to_have_count(5)
    row(page, 4, "account").fill("431")
    row(page, 4, "credit").fill("700.50")
    expect(imbalance).to_have_text("Balanced")
    expect(page.locator("[data-total-debit]").first).to_have_text("3000.00")

    # An empty row is removed; the entry stays balanced.
    page.locator("tbody[data-lines] tr[data-line]").nth(2).locator("[data-remove-line]").click()
    expect(page.locator("tbody[data-lines] tr[data-line]")).to_have_count(4)
    expect(imbalance).to_have_text("Balanced")

    page.click("button[name=action][value=draft]")
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "draft")
    entry = Entry.objects.get(company=ledger_books)
    assert entry.label == "Salaires de mars"
    assert sorted(entry.lines.values_list("account__code", flat=True)) == ["421", "431", "641"]
