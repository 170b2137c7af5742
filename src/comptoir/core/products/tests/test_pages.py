import pytest
from django.urls import reverse

from comptoir.core.products.models import Product
from comptoir.core.products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_product_list_page_pinned_queries(
    user_for, page_client, company, django_assert_max_num_queries
):
    ProductFactory.create_batch(20, company=company)
    client = page_client(user_for("sales"))
    client.get(reverse("products:product_list"))  # warm the session
    with django_assert_max_num_queries(15):
        r = client.get(reverse("products:product_list"))
    assert r.status_code == 200
    assert b"Product 1" in r.content


def test_unit_list_page(user_for, page_client, company):
    from comptoir.core.products.services import units_seed

    units_seed(company)
    r = page_client(user_for("sales")).get(reverse("products:unit_list"), {"category": "weight"})
    assert r.status_code == 200 and b"kg" in r.content


def test_create_page_shows_domain_errors(user_for, page_client, company):
    ProductFactory(company=company, sku="DUP")
    client = page_client(user_for("warehouse"))
    r = client.post(
        reverse("products:product_create"),
        {
            "name": "Chair",
            "kind": "goods",
            "sku": "DUP",
            "sale_price": "1",
            "purchase_price": "0",
            "active": "on",
        },
    )
    assert r.status_code == 200
    assert b'data-field="sku"' in r.content
    r = client.post(
        reverse("products:product_create"),
        {
            "name": "Chair",
            "kind": "goods",
            "sku": "NEW",
            "sale_price": "1",
            "purchase_price": "0",
            "active": "on",
        },
    )
    product = Product.objects.get(sku="NEW")
    assert r.status_code == 302 and r["Location"] == product.get_absolute_url()
    r = client.get(product.get_absolute_url())
    assert r.status_code == 200 and b"Chair" in r.content


def test_edit_and_archive_pages(user_for, page_client, company):
    product = ProductFactory(company=company)
    client = page_client(user_for("buyer"))
    r = client.post(
        reverse("products:product_edit", args=[product.pk]),
        {
            "name": "Renamed",
            "kind": "goods",
            "sku": product.sku,
            "sale_price": "2",
            "purchase_price": "1",
            "currency": "EUR",
            "active": "on",
        },
    )
    assert r.status_code == 302
    client.post(reverse("products:product_archive", args=[product.pk]))
    product.refresh_from_db()
    assert product.name == "Renamed" and not product.active


def test_pages_refuse_without_permission(user_for, page_client, company):
    product = ProductFactory(company=company)
    client = page_client(user_for("sales"))
    assert client.get(reverse("products:product_create")).status_code == 403
    assert client.get(reverse("products:product_edit", args=[product.pk])).status_code == 403
    hr = page_client(user_for("hr"))
    assert hr.get(reverse("products:product_detail", args=[product.pk])).status_code == 403


def test_other_company_detail_is_404(user_for, page_client, company_ro):
    product = ProductFactory(company=company_ro)
    r = page_client(user_for("sales")).get(reverse("products:product_detail", args=[product.pk]))
    assert r.status_code == 404


def test_units_and_categories_pages(user_for, page_client, company):
    client = page_client(user_for("buyer"))
    r = client.post(
        reverse("products:unit_create"),
        {"code": "box", "name": "Box", "category": "unit", "factor": "6", "rounding": "1"},
    )
    assert r.status_code == 302
    assert client.get(r["Location"]).status_code == 200
    r = client.post(reverse("products:category_create"), {"name": "Chairs"})
    assert r.status_code == 302
    assert b"Chairs" in client.get(reverse("products:category_list")).content


def test_global_search_finds_products(user_for, page_client, company):
    ProductFactory(company=company, name="Lampe de bureau")
    r = page_client(user_for("sales")).get(reverse("web:search"), {"q": "lamp"})
    assert r.status_code == 200
    assert b"Lampe de bureau" in r.content
