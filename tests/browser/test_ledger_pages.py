"""An accountant's month-end, in a real browser, on the French demo books.

She opens the journal entries, an entry with its hash, the trial balance, the
general ledger of the bank from there, the balance sheet, the income statement,
the VAT returns and one return's boxes, then runs the integrity check. Each
main page of the ledger is seen once (and photographed for the README).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from comptoir.core.companies.models import Company

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo_books(transactional_db: Any) -> Iterator[Company]:
    """The French demo company with its ledger; its posted books are wiped afterwards.

    The database refuses to delete posted lines, so the books are removed with
    the triggers set aside (as the ledger bench does) before the test database
    is emptied.
    """
    from comptoir.bench.ledger import cleanup
    from comptoir.core.demo import load_demo
    from comptoir.core.identity.services import roles_sync

    roles_sync()
    company, _logins, _created = load_demo(country="FR", force=True)
    yield company
    cleanup(company, delete_company=False)


def test_an_accountant_reads_the_books_at_month_end(
    page: Page, live_server: Any, demo_books: Company, screenshots: Path
) -> None:
    from comptoir.back.ledger.models import Entry, VatReturn

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "accountant")
    page.fill("input[name=password]", "demo")
    page.click("main form button[type=submit]")

    # the journal entries, newest first, every one numbered
    page.click("details[data-office=back] > summary")
    page.click("details[data-office=back] a:has-text('Journal entries')")
    posted = Entry.objects.filter(company=demo_books, state="posted").order_by("-date", "-pk")
    newest = posted.first()
    assert newest is not None
    expect(page.locator("main table").first).to_contain_text(newest.number)
    page.screenshot(path=str(screenshots / "ledger-entries.png"), full_page=True)

    # one entry shows its lines and its place in the hash chain
    page.goto(f"{live_server.url}/ledger/entries/{newest.pk}/")
    expect(page.locator("main")).to_contain_text(newest.hash[:16])

    # the manual entry form
    page.goto(f"{live_server.url}/ledger/entries/new/")
    page.locator("[name='lines-0-account']").fill("512")
    page.locator("[name='lines-0-debit']").fill("100")
    expect(page.locator("output[data-imbalance]")).to_have_attribute("data-state", "unbalanced")
    page.screenshot(path=str(screenshots / "ledger-entry-form.png"), full_page=True)

    # the trial balance: its totals balance
    page.goto(f"{live_server.url}/ledger/reports/trial-balance/")
    expect(page.locator("main table").first).to_contain_text("512")
    page.screenshot(path=str(screenshots / "ledger-trial-balance.png"), full_page=True)

    # from the trial balance to the bank's general ledger
    page.locator("main table a", has_text="512").first.click()
    expect(page).to_have_url(re.compile(r"/ledger/reports/general-ledger/"))
    expect(page.locator("main")).to_contain_text("512")

    # the balance sheet and the income statement, in the French presentation
    page.goto(f"{live_server.url}/ledger/reports/balance-sheet/")
    expect(page.locator("main")).to_contain_text("Disponibilités")
    page.screenshot(path=str(screenshots / "ledger-balance-sheet.png"), full_page=True)
    page.goto(f"{live_server.url}/ledger/reports/income-statement/")
    expect(page.locator("main")).to_contain_text("Production vendue")

    # the VAT returns, and one return's boxes in the CA3 layout
    page.goto(f"{live_server.url}/ledger/vat-returns/")
    vat_return = VatReturn.objects.filter(company=demo_books, state="posted").first()
    assert vat_return is not None
    page.goto(f"{live_server.url}/ledger/vat-returns/{vat_return.pk}/")
    expect(page.locator("main")).to_contain_text("08")
    page.screenshot(path=str(screenshots / "ledger-vat-return.png"), full_page=True)

    # the integrity check finds every chain intact
    page.goto(f"{live_server.url}/ledger/integrity/")
    expect(page.locator("main")).not_to_contain_text("first broken link")
