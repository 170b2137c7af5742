from decimal import Decimal

import pytest

from comptoir.core.products.models import Product
from comptoir.core.products.services import units_seed
from comptoir.core.products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/products"


@pytest.fixture
def buyer_api(user_for, api_client):
    return api_client(user_for("buyer"))


def test_create_read_update_archive(buyer_api, company):
    r = buyer_api.post(
        f"{BASE}/products",
        {"name": "Chair", "sku": "CH-1", "sale_price": "49.9"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["sale_price"] == "49.9" and body["unit_code"] == "unit"
    pid = body["id"]
    assert buyer_api.get(f"{BASE}/products/{pid}").json()["name"] == "Chair"
    r = buyer_api.patch(
        f"{BASE}/products/{pid}", {"name": "Armchair"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["name"] == "Armchair"
    r = buyer_api.post(f"{BASE}/products/{pid}/archive")
    assert r.status_code == 200 and r.json()["active"] is False


def test_duplicate_sku_answers_409(buyer_api, company):
    ProductFactory(company=company, sku="CH-1")
    r = buyer_api.post(
        f"{BASE}/products", {"name": "Chair", "sku": "CH-1"}, content_type="application/json"
    )
    assert r.status_code == 409
    assert r.json()["code"] == "product_duplicate"
    assert list(r.json()["fields"]) == ["sku"]


def test_negative_price_answers_422(buyer_api, company):
    r = buyer_api.post(
        f"{BASE}/products",
        {"name": "Chair", "purchase_price": "-3"},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert "purchase_price" in r.json()["fields"]
    assert not Product.objects.exists()


def test_other_company_product_is_404(buyer_api, company_ro):
    product = ProductFactory(company=company_ro)
    assert buyer_api.get(f"{BASE}/products/{product.pk}").status_code == 404


def test_read_only_role_cannot_create(user_for, api_client):
    client = api_client(user_for("sales"))
    r = client.post(f"{BASE}/products", {"name": "X"}, content_type="application/json")
    assert r.status_code == 403
    assert client.get(f"{BASE}/products").status_code == 200


def test_list_is_keyset_paginated_with_pinned_queries(
    buyer_api, company, django_assert_max_num_queries
):
    ProductFactory.create_batch(7, company=company)
    with django_assert_max_num_queries(8):
        r = buyer_api.get(f"{BASE}/products", {"limit": 5})
    body = r.json()
    assert len(body["items"]) == 5 and body["next"]
    r = buyer_api.get(f"{BASE}/products", {"limit": 5, "cursor": body["next"]})
    assert len(r.json()["items"]) == 2 and r.json()["next"] is None
    ProductFactory(company=company, name="Blue lamp", sku="LAMP-1")
    items = buyer_api.get(f"{BASE}/products", {"q": "lamp blue"}).json()["items"]
    assert [i["sku"] for i in items] == ["LAMP-1"]


def test_units_and_convert(buyer_api, company):
    units_seed(company)
    r = buyer_api.get(f"{BASE}/units/convert", {"from": "kg", "to": "g", "quantity": "1.25"})
    assert r.status_code == 200, r.content
    assert r.json()["result"] == "1250.00"
    r = buyer_api.get(f"{BASE}/units/convert", {"from": "kg", "to": "h", "quantity": "1"})
    assert r.status_code == 422
    r = buyer_api.post(
        f"{BASE}/units",
        {"code": "box", "name": "Box", "category": "unit", "factor": "6"},
        content_type="application/json",
    )
    assert r.status_code == 201
    uid = r.json()["id"]
    r = buyer_api.patch(f"{BASE}/units/{uid}", {"factor": "12"}, content_type="application/json")
    assert Decimal(r.json()["factor"]) == Decimal(12)
    assert buyer_api.get(f"{BASE}/units/{uid}").status_code == 200
    r = buyer_api.get(f"{BASE}/units", {"category": "weight"})
    assert {u["code"] for u in r.json()["items"]} == {"kg", "g", "t"}


def test_categories(buyer_api, company):
    r = buyer_api.post(f"{BASE}/categories", {"name": "Furniture"}, content_type="application/json")
    assert r.status_code == 201
    r = buyer_api.post(
        f"{BASE}/categories",
        {"name": "Chairs", "parent_id": r.json()["id"]},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert len(buyer_api.get(f"{BASE}/categories").json()["items"]) == 2
