"""Bad input the API fuzzer once turned into a 500 now gets a clear 4xx naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def admin_api(user_for: Any, api_client: Any) -> Client:
    return api_client(user_for("admin"))


def test_a_method_the_path_does_not_offer_answers_json_405(admin_api: Client) -> None:
    answer = admin_api.delete("/api/v1/parties")
    assert answer.status_code == 405
    assert answer.json()["code"] == "method_not_allowed"
    assert "GET" in answer["Allow"]


def test_a_path_no_route_matches_answers_json_404(admin_api: Client) -> None:
    answer = admin_api.get("/api/v1/no/such/thing")
    assert answer.status_code == 404
    assert answer.json() == {"code": "not_found", "message": "Not Found.", "fields": {}}


def test_an_id_that_is_not_a_number_names_the_field(admin_api: Client) -> None:
    answer = admin_api.get("/api/v1/parties/abc")
    assert answer.status_code == 422
    assert "party_id" in answer.json()["fields"]


def test_an_exchange_rate_too_large_for_its_column_is_refused(admin_api: Client) -> None:
    answer = admin_api.post(
        "/api/v1/currencies/rates",
        {"base": "EUR", "quote": "USD", "date": "2026-11-20", "rate": "1e40"},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "rate" in answer.json()["fields"]


def test_a_product_price_with_too_many_decimals_is_refused(admin_api: Client) -> None:
    answer = admin_api.post(
        "/api/v1/products/products",
        {"name": "Desk lamp", "kind": "goods", "sale_price": "12.123456789"},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "sale_price" in answer.json()["fields"]


def test_a_customer_flag_cannot_be_set_to_nothing(admin_api: Client) -> None:
    created = admin_api.post(
        "/api/v1/parties",
        {"name": "Hôtel Moreau SARL", "is_customer": True, "country": "FR"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    party_id = created.json()["id"]
    for flag in ("is_customer", "active"):
        answer = admin_api.patch(
            f"/api/v1/parties/{party_id}", {flag: None}, content_type="application/json"
        )
        assert answer.status_code == 422, flag
        assert flag in answer.json()["fields"]
    assert admin_api.get(f"/api/v1/parties/{party_id}").json()["active"] is True


def test_text_with_a_nul_character_is_refused_before_the_database(admin_api: Client) -> None:
    body = admin_api.post(
        "/api/v1/parties", {"name": "Bad\x00name"}, content_type="application/json"
    )
    assert body.status_code == 400
    assert body.json()["code"] == "bad_request"
    query = admin_api.get("/api/v1/parties", {"q": "x\x00"})
    assert query.status_code == 400
    assert query.json()["fields"] == {"q": ["Contains NUL (\\u0000)."]}


def test_a_conversion_of_an_absurd_amount_or_currency_names_the_field(admin_api: Client) -> None:
    huge = admin_api.get(
        "/api/v1/currencies/rates/convert", {"amount": "-1e223", "from": "EUR", "to": "EUR"}
    )
    assert huge.status_code == 422
    assert "amount" in huge.json()["fields"]
    odd = admin_api.get(
        "/api/v1/currencies/rates/convert", {"amount": "10", "from": "k!w", "to": "EUR"}
    )
    assert odd.status_code == 422
    assert "from" in odd.json()["fields"]
