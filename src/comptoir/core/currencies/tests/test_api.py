from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comptoir.core.currencies.models import Rate
from comptoir.core.currencies.services import rates_import
from comptoir.core.events.models import OutboxEvent

DATA = Path(__file__).parent / "data"
BASE = "/api/v1/currencies"

pytestmark = pytest.mark.django_db


@pytest.fixture
def accountant_api(user_for, api_client):
    return api_client(user_for("accountant"))


def _upload(name="ecb-eurofxref.xml", content=None):
    return SimpleUploadedFile(
        name,
        content if content is not None else (DATA / name).read_bytes(),
        content_type="application/xml",
    )


def test_import_then_list_and_convert(accountant_api, company):
    r = accountant_api.post(f"{BASE}/rates/import", {"file": _upload(), "source": "ecb"})
    assert r.status_code == 200, r.content
    assert r.json()["created"] == 12
    r = accountant_api.post(f"{BASE}/rates/import", {"file": _upload("bnr-nbrfxrates.xml")})
    assert r.json()["source"] == "bnr"
    events = OutboxEvent.objects.filter(name="RatesImported")
    assert {e.company_id for e in events} == {company.pk}
    r = accountant_api.get(f"{BASE}/rates", {"base": "eur", "date_from": "2024-11-20"})
    items = r.json()["items"]
    assert {i["quote"] for i in items} == {"USD", "JPY", "GBP", "HUF", "RON", "CHF"}
    r = accountant_api.get(
        f"{BASE}/rates/convert", {"amount": "100", "from": "EUR", "to": "RON", "date": "2024-11-20"}
    )
    assert r.status_code == 200
    assert r.json()["result"] == "497.67"
    r = accountant_api.get(
        f"{BASE}/rates/convert", {"amount": "100", "from": "EUR", "to": "RON", "date": "2020-01-01"}
    )
    assert r.status_code == 404 and r.json()["code"] == "rate_missing"


def test_bad_file_answers_422_and_writes_nothing(accountant_api):
    r = accountant_api.post(f"{BASE}/rates/import", {"file": _upload(content=b"<html/>")})
    assert r.status_code == 422
    assert list(r.json()["fields"]) == ["file"]
    assert not Rate.objects.exists()


def test_manual_rate_and_permissions(accountant_api, user_for, api_client):
    r = accountant_api.post(
        f"{BASE}/rates",
        {"base": "EUR", "quote": "RON", "date": "2024-11-20", "rate": "4.97"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    sales = api_client(user_for("sales"))
    assert sales.post(f"{BASE}/rates", {}, content_type="application/json").status_code == 403
    assert sales.post(f"{BASE}/rates/import", {}).status_code == 403
    assert sales.get(f"{BASE}/rates").status_code == 200
    marketing = api_client(user_for("marketing"))
    assert marketing.get(f"{BASE}/rates").status_code == 403


def test_lists_pinned_queries(accountant_api, admin_user, django_assert_max_num_queries):
    rates_import(actor=admin_user, content=(DATA / "ecb-eurofxref.xml").read_bytes())
    with django_assert_max_num_queries(6):
        r = accountant_api.get(f"{BASE}/rates", {"limit": 5})
    assert len(r.json()["items"]) == 5 and r.json()["next"]
    with django_assert_max_num_queries(6):
        r = accountant_api.get(f"{BASE}/currencies", {"q": "RON"})
    assert [c["code"] for c in r.json()["items"]] == ["RON"]


def test_pages(user_for, page_client, admin_user, django_assert_max_num_queries):
    rates_import(actor=admin_user, content=(DATA / "ecb-eurofxref.xml").read_bytes())
    client = page_client(user_for("accountant"))
    client.get(reverse("currencies:rate_list"))
    with django_assert_max_num_queries(12):
        r = client.get(reverse("currencies:rate_list"), {"base": "EUR"})
    assert r.status_code == 200 and b"1.054" in r.content
    assert client.get(reverse("currencies:currency_list")).status_code == 200
    r = client.post(reverse("currencies:rate_import"), {"file": _upload(content=b"<x")})
    assert r.status_code == 422 and b'data-field="file"' in r.content
    r = client.post(reverse("currencies:rate_import"), {"file": _upload("bnr-nbrfxrates.xml")})
    assert r.status_code == 302
    r = client.post(
        reverse("currencies:rate_create"),
        {"base": "EUR", "quote": "ZZZ", "date": "2024-11-20", "rate": "1"},
    )
    assert r.status_code == 200 and b'data-field="quote"' in r.content
    r = client.post(
        reverse("currencies:rate_create"),
        {"base": "EUR", "quote": "CHF", "date": "2024-11-21", "rate": "0.93"},
    )
    assert r.status_code == 302
    sales = page_client(user_for("sales"))
    assert sales.get(reverse("currencies:rate_import")).status_code == 403
