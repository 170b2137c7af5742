"""A sales representative's first morning, in a real browser.

She logs in, opens the customers, creates one, types a VAT number with a
wrong key and sees the error on that field, corrects it, finds the customer
again through the global search, and switches the interface to French.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from comptoir.core.companies.models import Company
from comptoir.core.identity.models import Role, User
from comptoir.core.identity.services import roles_sync
from comptoir.core.parties.models import Party

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def shop(transactional_db: Any) -> Company:
    roles_sync()
    company = Company.objects.create(
        code="lumiere",
        name="Atelier Lumière SAS",
        country="FR",
        currency="EUR",
        locale="fr",
    )
    for name, city in [
        ("Hôtel Moreau SARL", "Lyon"),
        ("Librairie Petit SAS", "Nantes"),
        ("Garage Durand EURL", "Lille"),
    ]:
        Party.objects.create(company=company, name=name, is_customer=True, country="FR", city=city)
    user = User.objects.create_user(
        username="camille", password="croissant-42-lumiere", first_name="Camille"
    )
    user.roles.add(Role.objects.get(code="sales"))
    user.companies.add(company)
    user.current_company = company
    user.save()
    return company


def test_a_sales_rep_registers_a_customer_and_finds_it_again(
    page: Page, live_server: Any, shop: Company, screenshots: Path
) -> None:
    # given Camille, a sales representative of Atelier Lumière, at the login page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "camille")
    page.fill("input[name=password]", "croissant-42-lumiere")
    page.click("form.login button[type=submit], main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Camille")
    page.screenshot(path=str(screenshots / "home.png"), full_page=True)

    # when she opens her customers from the front-office menu
    page.click("details[data-office=front] > summary")
    page.click("details[data-office=front] a:has-text('Customers')")
    expect(page.locator("table.list")).to_contain_text("Hôtel Moreau SARL")
    page.screenshot(path=str(screenshots / "parties.png"), full_page=True)

    # and registers a bakery with a mistyped VAT number
    page.click("a:has-text('New')")
    page.fill("input[name=name]", "Boulangerie Martin")
    page.check("input[name=is_customer]")
    page.fill("input[name=vat_number]", "FR41303265045")
    page.fill("input[name=country]", "FR")
    page.click("form.form button[type=submit]")

    # then the form says what is wrong, on the VAT number itself
    error = page.locator(".error[data-field=vat_number]")
    expect(error).to_be_visible()
    page.screenshot(path=str(screenshots / "party-form-error.png"), full_page=True)
    assert not Party.objects.filter(name="Boulangerie Martin").exists()

    # when she corrects the key and saves
    page.fill("input[name=vat_number]", "FR40303265045")
    page.click("form.form button[type=submit]")

    # then the customer exists, with its VAT number
    expect(page.locator("h1")).to_contain_text("Boulangerie Martin")
    expect(page.locator("main")).to_contain_text("FR40303265045")

    # and the global search finds it by the start of a word
    page.fill("header .search input[name=q]", "boulang")
    page.press("header .search input[name=q]", "Enter")
    page.click(".results a:has-text('Boulangerie Martin')")
    expect(page.locator("h1")).to_contain_text("Boulangerie Martin")

    # when she switches the interface to French
    page.goto(f"{live_server.url}/")
    page.select_option("form.lang select", "fr")
    page.wait_for_load_state("load")

    # then the pages speak French
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("details[data-office=settings] > summary")).to_have_text("Paramètres")
    page.screenshot(path=str(screenshots / "home-fr.png"), full_page=True)
