"""The REST API of parties, as an integrator's program sees it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from comptoir.core.identity.models import User
from comptoir.core.parties import services
from comptoir.core.parties.models import Party
from comptoir.core.parties.tests.factories import AddressFactory, BankAccountFactory, PartyFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/parties"


def post(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def patch(client: Client, url: str, body: Any) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def sales_api(user_for: Callable[[str], User], api_client: Callable[..., Client]) -> Client:
    return api_client(user_for("sales"))


def test_create_read_update_and_list_a_customer(sales_api: Client) -> None:
    answer = post(
        sales_api,
        BASE,
        {
            "name": "Atelier Leroy SARL",
            "is_customer": True,
            "vat_number": "FR 40 303 265 045",
            "national_id": "303 265 045",
            "tags": ["VIP"],
        },
    )
    assert answer.status_code == 201, answer.content
    party = answer.json()
    assert party["vat_number"] == "FR40303265045"
    assert party["country"] == "FR"
    assert party["tags"] == ["VIP"]

    read = sales_api.get(f"{BASE}/{party['id']}")
    assert read.status_code == 200
    assert read.json()["name"] == "Atelier Leroy SARL"

    changed = patch(sales_api, f"{BASE}/{party['id']}", {"phone": "0102030405", "tags": []})
    assert changed.status_code == 200, changed.content
    assert changed.json()["phone"] == "0102030405"
    assert changed.json()["tags"] == []

    listed = sales_api.get(BASE, {"role": "customer", "q": "leroy"})
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["items"]] == [party["id"]]
    assert listed.json()["next"] is None

    archived = post(sales_api, f"{BASE}/{party['id']}/archive", {})
    assert archived.status_code == 200
    assert archived.json()["active"] is False


def test_an_invalid_vat_number_or_iban_is_422_naming_the_field(sales_api: Client, company) -> None:
    answer = post(sales_api, BASE, {"name": "Mauvais Numéro", "vat_number": "FR40303265046"})
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_vat_number"
    assert list(answer.json()["fields"]) == ["vat_number"]

    party = PartyFactory(company=company)
    answer = post(sales_api, f"{BASE}/{party.pk}/bank-accounts", {"iban": "DE89370400440532013001"})
    assert answer.status_code == 422
    assert list(answer.json()["fields"]) == ["iban"]


def test_a_duplicate_is_409_unless_allowed(sales_api: Client, company) -> None:
    first = PartyFactory(company=company, name="Dupont SAS", vat_number="FR40303265045")
    answer = post(sales_api, BASE, {"name": "Dupont Lyon", "vat_number": "FR40303265045"})
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "party_duplicate"
    assert body["fields"]["duplicate_of"] == [str(first.pk)]
    assert "vat_number" in body["fields"]

    answer = post(
        sales_api,
        BASE,
        {"name": "Dupont Lyon", "vat_number": "FR40303265045", "allow_duplicate": True},
    )
    assert answer.status_code == 201
    dupes = sales_api.get(f"{BASE}/{answer.json()['id']}/duplicates").json()["items"]
    assert [d["id"] for d in dupes] == [first.pk]


def test_another_companys_records_are_404(sales_api: Client, company_ro) -> None:
    foreign = PartyFactory(company=company_ro, country="RO")
    address = AddressFactory(company=company_ro, party=foreign, country="RO")
    account = BankAccountFactory(company=company_ro, party=foreign)
    assert sales_api.get(f"{BASE}/{foreign.pk}").status_code == 404
    assert patch(sales_api, f"{BASE}/{foreign.pk}", {"name": "x"}).status_code == 404
    assert sales_api.get(f"{BASE}/{foreign.pk}/contacts").status_code == 404
    assert patch(sales_api, f"{BASE}/addresses/{address.pk}", {"city": "x"}).status_code == 404
    assert sales_api.delete(f"{BASE}/bank-accounts/{account.pk}").status_code == 404
    assert sales_api.get(f"{BASE}/999999").status_code == 404
    assert sales_api.get(BASE).json()["items"] == []


def test_a_token_without_the_write_scope_gets_403_before_the_body_is_read(
    user_for, api_client, company
) -> None:
    reader = api_client(user_for("sales"), scopes=("parties:read",))
    answer = reader.post(BASE, "{not json", content_type="application/json")
    assert answer.status_code == 403
    assert answer.json()["code"] == "scope_missing"
    assert reader.get(BASE).status_code == 200


def test_a_role_without_the_change_permission_gets_403(user_for, api_client) -> None:
    marketing = api_client(user_for("marketing"))
    assert post(marketing, BASE, {"name": "Nope"}).status_code == 403
    assert marketing.get(BASE).status_code == 200
    hr = api_client(user_for("hr"))
    assert hr.get(BASE).status_code == 403


def test_malformed_json_is_400(sales_api: Client) -> None:
    answer = sales_api.post(BASE, "{not json", content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_request"


def test_a_repeated_create_with_the_same_key_replays_and_another_body_conflicts(
    sales_api: Client, company
) -> None:
    body = {"name": "Idempotent SARL"}
    first = post(sales_api, BASE, body, **{"Idempotency-Key": "k-1"})
    again = post(sales_api, BASE, body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Party.objects.filter(company=company, name="Idempotent SARL").count() == 1

    other = post(sales_api, BASE, {"name": "Something Else"}, **{"Idempotency-Key": "k-1"})
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_conflict"


def test_contacts_addresses_bank_accounts_and_tags(sales_api: Client, company) -> None:
    org = PartyFactory(company=company, name="Menuiserie Bois")
    contact = post(sales_api, f"{BASE}/{org.pk}/contacts", {"name": "Paul Bois"})
    assert contact.status_code == 201, contact.content
    assert contact.json()["parent_id"] == org.pk and contact.json()["kind"] == "person"
    assert [c["name"] for c in sales_api.get(f"{BASE}/{org.pk}/contacts").json()["items"]] == [
        "Paul Bois"
    ]

    address = post(sales_api, f"{BASE}/{org.pk}/addresses", {"street": "1 quai", "city": "Nantes"})
    assert address.status_code == 201, address.content
    assert address.json()["is_default"] is True and address.json()["country"] == "FR"
    moved = patch(sales_api, f"{BASE}/addresses/{address.json()['id']}", {"city": "Rezé"})
    assert moved.json()["city"] == "Rezé"
    assert sales_api.get(f"{BASE}/{org.pk}").json()["city"] == "Rezé"
    bad = patch(sales_api, f"{BASE}/addresses/{address.json()['id']}", {"country": "ZZ"})
    assert bad.status_code == 422 and list(bad.json()["fields"]) == ["country"]
    assert len(sales_api.get(f"{BASE}/{org.pk}/addresses").json()["items"]) == 1
    assert sales_api.delete(f"{BASE}/addresses/{address.json()['id']}").status_code == 204

    account = post(
        sales_api,
        f"{BASE}/{org.pk}/bank-accounts",
        {"iban": "DE89 3704 0044 0532 0130 00", "bic": ""},
    )
    assert account.status_code == 201, account.content
    assert account.json()["bic"] == "COBADEFFXXX"
    again = post(sales_api, f"{BASE}/{org.pk}/bank-accounts", {"iban": "DE89370400440532013000"})
    assert again.status_code == 409
    bad_bic = post(
        sales_api,
        f"{BASE}/{org.pk}/bank-accounts",
        {"iban": "FR1420041010050500013M02606", "bic": "ZZZZ"},
    )
    assert bad_bic.status_code == 422 and list(bad_bic.json()["fields"]) == ["bic"]
    listed = sales_api.get(f"{BASE}/{org.pk}/bank-accounts").json()["items"]
    assert [a["iban"] for a in listed] == ["DE89370400440532013000"]
    assert sales_api.delete(f"{BASE}/bank-accounts/{listed[0]['id']}").status_code == 204

    tag = post(sales_api, f"{BASE}/tags", {"name": "Salon 2026"})
    assert tag.status_code == 201
    assert post(sales_api, f"{BASE}/tags", {"name": "salon 2026"}).status_code == 409
    assert [t["name"] for t in sales_api.get(f"{BASE}/tags").json()["items"]] == ["Salon 2026"]
    services.tag_set(actor=None, company=company, party=org, names=["Salon 2026"])
    assert [p["id"] for p in sales_api.get(BASE, {"tag": "salon 2026"}).json()["items"]] == [org.pk]


def test_the_list_pages_with_a_cursor_and_refuses_unknown_orderings(sales_api, company) -> None:
    for i in range(5):
        PartyFactory(company=company, name=f"Client {i}")
    first = sales_api.get(BASE, {"limit": 2, "ordering": "-name"}).json()
    assert [p["name"] for p in first["items"]] == ["Client 4", "Client 3"]
    second = sales_api.get(BASE, {"limit": 2, "ordering": "-name", "cursor": first["next"]}).json()
    assert [p["name"] for p in second["items"]] == ["Client 2", "Client 1"]
    assert sales_api.get(BASE, {"ordering": "email"}).status_code == 422
    assert sales_api.get(BASE, {"cursor": "garbage!"}).status_code == 400


def test_the_list_operation_runs_a_fixed_number_of_queries(
    sales_api: Client, company, django_assert_max_num_queries
) -> None:
    tags = [services.tag_create(actor=None, company=company, name=n) for n in ("A", "B")]
    for _ in range(30):
        party = PartyFactory(company=company)
        party.tags.set(tags)
    with django_assert_max_num_queries(8):
        answer = sales_api.get(BASE, {"limit": 100})
    assert len(answer.json()["items"]) == 30
