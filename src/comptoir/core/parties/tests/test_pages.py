"""The pages a sales rep clicks through."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.urls import reverse

from comptoir.core.identity.roles import ROLES
from comptoir.core.parties import services
from comptoir.core.parties.models import Party
from comptoir.core.parties.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


def test_the_menu_links_filter_the_list(company, user_for, page_client) -> None:
    client = page_client(user_for("sales"))
    PartyFactory(company=company, name="Client Seul", is_customer=True, is_supplier=False)
    PartyFactory(company=company, name="Fournisseur Seul", is_customer=False, is_supplier=True)
    url = reverse("parties:party_list")
    customers = client.get(url + "?role=customer").content.decode()
    assert "Client Seul" in customers and "Fournisseur Seul" not in customers
    suppliers = client.get(url + "?role=supplier").content.decode()
    assert "Fournisseur Seul" in suppliers and "Client Seul" not in suppliers
    persons = client.get(url + "?kind=person").content.decode()
    assert "Client Seul" not in persons
    searched = client.get(url + "?q=seul&role=supplier").content.decode()
    assert "Fournisseur Seul" in searched and "Client Seul" not in searched
    assert client.get(url + "?format=csv").status_code == 200


def test_a_bad_vat_number_shows_on_its_field_then_the_fixed_one_saves(
    company, user_for, page_client
) -> None:
    client = page_client(user_for("sales"))
    url = reverse("parties:party_create")
    form = {
        "kind": "organisation",
        "name": "Librairie Papier",
        "country": "FR",
        "is_customer": "on",
    }
    answer = client.post(url, {**form, "vat_number": "FR40303265046"})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert 'data-field="vat_number"' in page
    assert not Party.objects.filter(name="Librairie Papier").exists()

    answer = client.post(url, {**form, "vat_number": "FR40303265045"})
    party = Party.objects.get(name="Librairie Papier")
    assert answer.status_code == 302 and answer["Location"] == party.get_absolute_url()
    assert party.vat_number == "FR40303265045" and party.is_customer


def test_a_duplicate_offers_the_override_box(company, user_for, page_client) -> None:
    existing = PartyFactory(company=company, name="Dupont SAS", vat_number="FR40303265045")
    client = page_client(user_for("sales"))
    url = reverse("parties:party_create")
    form = {"kind": "organisation", "name": "Dupont Nord", "vat_number": "FR40303265045"}
    page = client.get(url).content.decode()
    assert 'name="allow_duplicate"' not in page
    page = client.post(url, form).content.decode()
    assert 'name="allow_duplicate"' in page
    assert 'data-field="vat_number"' in page
    assert existing.get_absolute_url() in page
    answer = client.post(url, {**form, "allow_duplicate": "on"})
    assert answer.status_code == 302
    assert Party.objects.filter(vat_number="FR40303265045").count() == 2


def test_the_detail_page_shows_contacts_addresses_and_bank_accounts(
    company, user_for, page_client
) -> None:
    user = user_for("sales")
    org = services.party_create(actor=user, company=company, name="Imprimerie Dubois")
    services.contact_add(actor=user, company=company, organisation=org, name="Anne Dubois")
    services.address_add(actor=user, company=company, party=org, street="8 rue Haute", city="Lille")
    services.bank_account_add(actor=user, company=company, party=org, iban="DE89370400440532013000")
    page = page_client(user).get(org.get_absolute_url()).content.decode()
    for text in ("Imprimerie Dubois", "Anne Dubois", "8 rue Haute", "DE89370400440532013000"):
        assert text in page
    assert reverse("parties:party_edit", args=[org.pk]) in page


def test_the_sub_forms_add_and_remove(company, user_for, page_client) -> None:
    client = page_client(user_for("sales"))
    org = PartyFactory(company=company, name="Quincaillerie")
    answer = client.post(reverse("parties:contact_create", args=[org.pk]), {"name": "Bob"})
    assert answer.status_code == 302
    answer = client.post(
        reverse("parties:address_create", args=[org.pk]),
        {"kind": "billing", "street": "1 rue", "city": "Metz", "country": ""},
    )
    assert answer.status_code == 302
    address = org.addresses.get()
    assert address.country == "FR"
    answer = client.post(
        reverse("parties:address_edit", args=[address.pk]),
        {"kind": "billing", "street": "2 rue", "city": "Metz", "country": "XX"},
    )
    assert 'data-field="country"' in answer.content.decode()
    answer = client.post(
        reverse("parties:bank_account_create", args=[org.pk]), {"iban": "not an iban"}
    )
    assert 'data-field="iban"' in answer.content.decode()
    answer = client.post(
        reverse("parties:bank_account_create", args=[org.pk]), {"iban": "DE89370400440532013000"}
    )
    assert answer.status_code == 302
    account = org.bank_accounts.get()
    assert client.post(reverse("parties:bank_account_delete", args=[account.pk])).status_code == 302
    assert client.post(reverse("parties:address_delete", args=[address.pk])).status_code == 302
    assert not org.addresses.exists() and not org.bank_accounts.exists()
    answer = client.post(
        reverse("parties:party_edit", args=[org.pk]),
        {"kind": "organisation", "name": "Quincaillerie Centrale", "tags": "VIP, Est"},
    )
    assert answer.status_code == 302
    org.refresh_from_db()
    assert org.name == "Quincaillerie Centrale"
    assert sorted(org.tags.values_list("name", flat=True)) == ["Est", "VIP"]
    assert client.post(reverse("parties:party_archive", args=[org.pk])).status_code == 302
    org.refresh_from_db()
    assert not org.active


def test_another_companys_party_page_is_404(company_ro, user_for, page_client) -> None:
    foreign = PartyFactory(company=company_ro, country="RO")
    client = page_client(user_for("admin"))
    assert client.get(reverse("parties:party_detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("parties:party_edit", args=[foreign.pk])).status_code == 404


def test_a_role_that_may_only_look_sees_no_new_button_and_cannot_create(
    company, user_for, page_client
) -> None:
    client = page_client(user_for("marketing"))
    page = client.get(reverse("parties:party_list")).content.decode()
    assert reverse("parties:party_create") not in page
    assert client.get(reverse("parties:party_create")).status_code == 403


def test_the_list_page_runs_a_fixed_number_of_queries(
    company, user_for, page_client, django_assert_max_num_queries
) -> None:
    client = page_client(user_for("sales"))
    org = PartyFactory(company=company)
    for _ in range(15):
        PartyFactory(company=company)
    for _ in range(15):
        PartyFactory(company=company, kind="person", parent=org)
    with django_assert_max_num_queries(10):
        answer = client.get(reverse("parties:party_list"))
    assert answer.status_code == 200
    assert answer.content.decode().count("<tr>") >= 31


def test_permissions_csv_matches_the_roles_and_the_routes() -> None:
    from comptoir.core.parties import urls
    from comptoir.core.parties.api import router

    path = Path(__file__).resolve().parents[1] / "permissions.csv"
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    roles = {r.code: r.permissions for r in ROLES}
    assert list(rows[0])[1:] == list(roles)
    expected: dict[str, str] = {}
    for pattern in urls.urlpatterns:
        expected[f"page:parties:{pattern.name}"] = pattern.callback.comptoir_permission
    for view in router.path_operations.values():
        for op in view.operations:
            expected[f"api:{op.operation_id}"] = op.auth_callbacks[0].permission
    assert {row["route"] for row in rows} == set(expected)
    for row in rows:
        need = expected[row["route"]]
        for role, granted in roles.items():
            assert row[role] == ("Y" if need in granted else "-"), (row["route"], role)
