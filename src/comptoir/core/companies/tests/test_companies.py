"""Companies: validation of identifiers, scoping, API and pages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptoir.core.audit.models import AuditEntry
from comptoir.core.companies.models import Company
from comptoir.core.companies.services import company_create, company_update
from comptoir.core.kernel.errors import Conflict, Forbidden, ValidationFailed

pytestmark = pytest.mark.django_db

FR = {
    "code": "martin",
    "name": "Martin SARL",
    "country": "FR",
    "currency": "EUR",
    "vat_number": "FR40303265045",
    "national_id": "303 265 045",
}


def _post(client, url, body, **extra):
    return client.post(url, body, content_type="application/json", **extra)


def test_create_gives_the_creator_access_and_is_audited(admin_user):
    company = company_create(actor=admin_user, **FR)
    assert company.national_id == "303265045"
    assert admin_user.companies.filter(pk=company.pk).exists()
    assert AuditEntry.objects.filter(action="company.create", object_id=str(company.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"vat_number": "FR00000000000"}, "vat_number"),
        ({"vat_number": "DE123456789"}, "vat_number"),
        ({"national_id": "123456789"}, "national_id"),
        ({"country": "XX"}, "country"),
        ({"currency": "ABC"}, "currency"),
        ({"code": "not a slug"}, "code"),
        ({"locale": "de"}, "locale"),
        ({"email": "nope"}, "email"),
        ({"share_capital": Decimal("-1")}, "share_capital"),
    ],
)
def test_invalid_details_name_the_field(admin_user, changes, field):
    with pytest.raises(ValidationFailed) as exc:
        company_create(actor=admin_user, **{**FR, **changes})
    assert field in exc.value.fields


def test_romanian_identifiers(admin_user):
    company = company_create(
        actor=admin_user,
        code="ro2",
        name="Dacia Test SRL",
        country="RO",
        currency="RON",
        vat_number="RO18547290",
        national_id="18547290",
    )
    assert company.vat_number == "RO18547290"
    with pytest.raises(ValidationFailed) as exc:
        company_create(
            actor=admin_user, code="ro3", name="X", country="RO", currency="RON", national_id="123"
        )
    assert "national_id" in exc.value.fields


def test_vat_without_prefix_is_completed(admin_user):
    company = company_create(actor=admin_user, **{**FR, "vat_number": "40303265045"})
    assert company.vat_number == "FR40303265045"


def test_duplicate_code_is_conflict(admin_user, company):
    with pytest.raises(Conflict) as exc:
        company_create(actor=admin_user, **{**FR, "code": "dupont"})
    assert "code" in exc.value.fields


def test_only_admins_change_companies(user_for, company):
    with pytest.raises(Forbidden):
        company_update(actor=user_for("accountant"), company_id=company.pk, name="X")


def test_api_create_bad_vat_is_422(api_client, admin_user):
    answer = _post(api_client(admin_user), "/api/v1/companies/", {**FR, "vat_number": "FR123"})
    assert answer.status_code == 422
    assert "vat_number" in answer.json()["fields"]


def test_api_create_idempotent_and_conflict(api_client, admin_user):
    client = api_client(admin_user)
    first = _post(client, "/api/v1/companies/", FR, HTTP_IDEMPOTENCY_KEY="c1")
    assert first.status_code == 201, first.content
    replay = _post(client, "/api/v1/companies/", FR, HTTP_IDEMPOTENCY_KEY="c1")
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert Company.objects.filter(code="martin").count() == 1
    changed = _post(
        client, "/api/v1/companies/", {**FR, "name": "Other"}, HTTP_IDEMPOTENCY_KEY="c1"
    )
    assert changed.status_code == 409
    assert changed.json()["code"] == "idempotency_conflict"
    again = _post(client, "/api/v1/companies/", FR)
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_code"
    assert client.get(f"/api/v1/companies/{first.json()['id']}").status_code == 200


def test_another_companys_id_is_404(api_client, user_for, company, company_ro):
    client = api_client(user_for("sales"))
    assert client.get(f"/api/v1/companies/{company.pk}").status_code == 200
    assert client.get(f"/api/v1/companies/{company_ro.pk}").status_code == 404
    codes = [c["code"] for c in client.get("/api/v1/companies/").json()["items"]]
    assert codes == ["dupont"]


def test_api_update(api_client, admin_user, company, company_ro):
    client = api_client(admin_user)
    answer = client.patch(
        f"/api/v1/companies/{company.pk}",
        {"city": "Lyon", "share_capital": "10000.00"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["city"] == "Lyon"
    bad = client.patch(
        f"/api/v1/companies/{company.pk}", {"vat_number": "FR1"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert "vat_number" in bad.json()["fields"]
    other = client.patch(
        f"/api/v1/companies/{company_ro.pk}", {"city": "Cluj"}, content_type="application/json"
    )
    assert other.status_code == 404


def test_non_admin_cannot_create(api_client, user_for):
    answer = _post(api_client(user_for("accountant")), "/api/v1/companies/", FR)
    assert answer.status_code == 403


def test_company_list_query_count(api_client, admin_user, make_user, django_assert_max_num_queries):
    for i in range(8):
        company_create(
            actor=admin_user, code=f"c{i}", name=f"Company {i}", country="FR", currency="EUR"
        )
    client = api_client(admin_user)
    with django_assert_max_num_queries(6):
        answer = client.get("/api/v1/companies/?limit=3")
    body = answer.json()
    assert len(body["items"]) == 3 and body["next"]


# --------------------------------------------------------------------------- pages


def test_company_pages(page_client, admin_user, company, company_ro, django_assert_max_num_queries):
    client = page_client(admin_user)
    client.get("/companies/")
    with django_assert_max_num_queries(9):
        answer = client.get("/companies/")
    assert answer.status_code == 200
    assert b"Atelier Dupont" in answer.content
    assert "Carpați".encode() not in answer.content
    assert client.get(f"/companies/{company.pk}/").status_code == 200
    assert client.get(f"/companies/{company_ro.pk}/").status_code == 404
    assert client.get(f"/companies/{company.pk}/edit/").status_code == 200


def test_company_form_shows_bad_vat(page_client, admin_user):
    client = page_client(admin_user)
    assert client.get("/companies/new/").status_code == 200
    answer = client.post("/companies/new/", {**FR, "vat_number": "FR00000000000", "locale": "fr"})
    assert answer.status_code == 422
    assert b'data-field="vat_number"' in answer.content
    assert not Company.objects.filter(code="martin").exists()
    answer = client.post("/companies/new/", {**FR, "locale": "fr"})
    assert answer.status_code == 302
    assert Company.objects.filter(code="martin").exists()


def test_company_pages_permissions(page_client, user_for, company):
    client = page_client(user_for("sales"))
    assert client.get("/companies/").status_code == 200
    assert client.get("/companies/new/").status_code == 403
    assert client.get(f"/companies/{company.pk}/edit/").status_code == 403
