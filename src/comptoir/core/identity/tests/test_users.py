"""Administering users and roles, through the API and the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from comptoir.core.audit.models import AuditEntry
from comptoir.core.identity.models import Role, User
from comptoir.core.identity.services import role_update, user_create, user_set_roles
from comptoir.core.kernel.errors import Conflict, Forbidden, ValidationFailed

pytestmark = pytest.mark.django_db


def _json(client, method, url, body=None, **extra):
    return getattr(client, method)(url, body, content_type="application/json", **extra)


def test_weak_password_is_422_on_password(api_client, admin_user):
    answer = _json(
        api_client(admin_user),
        "post",
        "/api/v1/identity/users",
        {"username": "carol", "password": "123", "roles": ["sales"], "companies": ["dupont"]},
    )
    assert answer.status_code == 422
    assert "password" in answer.json()["fields"]
    assert not User.objects.filter(username="carol").exists()


def test_create_read_update_user(api_client, admin_user):
    client = api_client(admin_user)
    created = _json(
        client,
        "post",
        "/api/v1/identity/users",
        {
            "username": "carol",
            "password": "a long enough passphrase",
            "email": "carol@example.com",
            "roles": ["sales"],
            "companies": ["dupont"],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["roles"] == ["sales"] and body["companies"] == ["dupont"]
    assert "password" not in body
    carol = User.objects.get(username="carol")
    assert carol.current_company.code == "dupont"
    assert carol.check_password("a long enough passphrase")

    read = client.get(f"/api/v1/identity/users/{carol.pk}")
    assert read.json()["email"] == "carol@example.com"
    patched = _json(
        client, "patch", f"/api/v1/identity/users/{carol.pk}", {"roles": ["sales", "buyer"]}
    )
    assert patched.status_code == 200
    assert patched.json()["roles"] == ["buyer", "sales"]
    entry = AuditEntry.objects.filter(action="user.update").first()
    assert entry.after["roles"] == ["buyer", "sales"]
    assert "password" not in (entry.after or {})


def test_duplicate_username_is_409_and_idempotency(api_client, admin_user):
    client = api_client(admin_user)
    body = {"username": "dave", "password": "a long enough passphrase"}
    first = _json(client, "post", "/api/v1/identity/users", body, HTTP_IDEMPOTENCY_KEY="u1")
    replay = _json(client, "post", "/api/v1/identity/users", body, HTTP_IDEMPOTENCY_KEY="u1")
    assert first.status_code == replay.status_code == 201
    assert first.json() == replay.json()
    other = _json(
        client,
        "post",
        "/api/v1/identity/users",
        {**body, "email": "x@example.com"},
        HTTP_IDEMPOTENCY_KEY="u1",
    )
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_conflict"
    dup = _json(client, "post", "/api/v1/identity/users", body)
    assert dup.status_code == 409
    assert dup.json()["code"] == "username_taken"


def test_user_of_another_company_is_404(api_client, admin_user, make_user, company_ro):
    stranger = make_user("ion", roles=("sales",), companies=(company_ro,))
    client = api_client(admin_user)
    assert client.get(f"/api/v1/identity/users/{stranger.pk}").status_code == 404
    listed = [u["username"] for u in client.get("/api/v1/identity/users").json()["items"]]
    assert "ion" not in listed and "admin" in listed


def test_non_admin_gets_403(api_client, user_for):
    client = api_client(user_for("sales"))
    assert client.get("/api/v1/identity/users").status_code == 403
    assert client.get("/api/v1/identity/roles").status_code == 403


def test_auditor_reads_but_cannot_write(api_client, user_for):
    client = api_client(user_for("auditor"))
    assert client.get("/api/v1/identity/roles").status_code == 200
    answer = _json(client, "post", "/api/v1/identity/users", {"username": "x", "password": "y"})
    assert answer.status_code == 403


def test_user_list_filters_and_query_count(
    api_client, admin_user, make_user, company, django_assert_max_num_queries
):
    for i in range(12):
        make_user(f"user{i:02}", roles=("sales", "buyer"), companies=(company,))
    client = api_client(admin_user)
    with django_assert_max_num_queries(8):
        answer = client.get("/api/v1/identity/users?limit=5")
    body = answer.json()
    assert len(body["items"]) == 5 and body["next"]
    following = client.get(f"/api/v1/identity/users?limit=5&cursor={body['next']}").json()
    assert following["items"][0]["username"] > body["items"][-1]["username"]
    only = client.get("/api/v1/identity/users?role=buyer&q=user0").json()["items"]
    assert {u["username"] for u in only} == {f"user0{i}" for i in range(10)}


def test_roles_api(api_client, admin_user):
    client = api_client(admin_user)
    roles = client.get("/api/v1/identity/roles?limit=100").json()["items"]
    assert len(roles) == 15
    sales = Role.objects.get(code="sales")
    answer = _json(
        client,
        "patch",
        f"/api/v1/identity/roles/{sales.pk}",
        {"permissions": ["parties.view", "bogus.view"]},
    )
    assert answer.status_code == 422
    assert "permissions" in answer.json()["fields"]
    answer = _json(
        client,
        "patch",
        f"/api/v1/identity/roles/{sales.pk}",
        {"permissions": ["parties.view", "companies.view"], "requires_totp": True},
    )
    assert answer.status_code == 200
    assert answer.json()["permissions"] == ["companies.view", "parties.view"]
    assert client.get(f"/api/v1/identity/roles/{sales.pk}").json()["requires_totp"] is True


def test_admin_cannot_lock_themselves_out(admin_user):
    with pytest.raises(Conflict):
        user_set_roles(actor=admin_user, user_id=admin_user.pk, roles=["sales"])
    with pytest.raises(Conflict):
        role_update(
            actor=admin_user,
            role_id=Role.objects.get(code="admin").pk,
            permissions=["parties.view"],
        )


def test_services_check_the_permission(user_for):
    with pytest.raises(Forbidden):
        user_create(actor=user_for("sales"), username="x", password="a long enough passphrase")


def test_cannot_grant_a_company_one_does_not_have(admin_user, company_ro):
    with pytest.raises(ValidationFailed) as exc:
        user_create(
            actor=admin_user,
            username="x",
            password="a long enough passphrase",
            companies=["carpati"],
        )
    assert "companies" in exc.value.fields


# --------------------------------------------------------------------------- pages


def test_user_pages(page_client, admin_user, make_user, company, django_assert_max_num_queries):
    for i in range(10):
        make_user(f"user{i:02}", roles=("sales",), companies=(company,))
    client = page_client(admin_user)
    client.get("/users/")  # warm the session
    with django_assert_max_num_queries(12):
        answer = client.get("/users/")
    assert answer.status_code == 200
    assert b"user09" in answer.content
    target = User.objects.get(username="user03")
    assert client.get(f"/users/{target.pk}/").status_code == 200
    assert client.get("/users/new/").status_code == 200
    answer = client.post(
        "/users/new/",
        {"username": "erin", "password": "123", "roles": ["sales"], "companies": ["dupont"]},
    )
    assert answer.status_code == 422
    assert b'data-field="password"' in answer.content
    answer = client.post(
        "/users/new/",
        {
            "username": "erin",
            "password": "a long enough passphrase",
            "roles": ["sales", "buyer"],
            "companies": ["dupont"],
        },
    )
    assert answer.status_code == 302
    erin = User.objects.get(username="erin")
    assert set(erin.roles.values_list("code", flat=True)) == {"sales", "buyer"}
    answer = client.post(
        f"/users/{erin.pk}/edit/",
        {"first_name": "Erin", "roles": ["hr"], "companies": ["dupont"], "is_active": "on"},
    )
    assert answer.status_code == 302
    erin.refresh_from_db()
    assert erin.first_name == "Erin"
    assert list(erin.roles.values_list("code", flat=True)) == ["hr"]
    assert client.get("/users/?format=csv").status_code == 200


def test_role_pages(page_client, admin_user, user_for, django_assert_max_num_queries):
    client = page_client(admin_user)
    client.get("/roles/")
    with django_assert_max_num_queries(9):
        assert client.get("/roles/").status_code == 200
    sales = Role.objects.get(code="sales")
    assert client.get(f"/roles/{sales.pk}/").status_code == 200
    answer = client.post(
        f"/roles/{sales.pk}/edit/",
        {"name": "Sales people", "permissions": ["parties.view", "companies.view"]},
    )
    assert answer.status_code == 302
    sales.refresh_from_db()
    assert sales.name == "Sales people"
    auditor = page_client(user_for("auditor"))
    assert auditor.get("/roles/").status_code == 200
    assert auditor.get(f"/roles/{sales.pk}/edit/").status_code == 403
    seller = page_client(user_for("hr"))
    assert seller.get("/users/").status_code == 403


def test_profile_page_tokens_and_language(page_client, user_for):
    user = user_for("sales")
    client = page_client(user)
    assert client.get("/profile/").status_code == 200
    answer = client.post(
        "/profile/tokens/", {"name": "laptop", "scopes": ["parties:read"], "expires_in_days": "7"}
    )
    assert answer.status_code == 200
    secret = answer.context["new_secret"]
    assert secret.encode() in answer.content
    assert secret.encode() not in client.get("/profile/").content
    token = user.api_tokens.get(name="laptop")
    assert client.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    answer = client.post("/profile/tokens/", {"name": "x", "scopes": ["identity:write"]})
    assert answer.status_code == 422
    answer = client.post("/profile/language/", {"language": "fr"})
    assert answer.status_code == 302
    user.refresh_from_db()
    assert user.language == "fr"
    assert answer.cookies["django_language"].value == "fr"


def test_admin_site_is_for_role_admins(page_client, admin_user, user_for):
    assert page_client(admin_user).get("/admin/").status_code == 200
    client = page_client(admin_user)
    assert client.get("/admin/identity/user/").status_code == 200
    assert client.get("/admin/identity/user/add/").status_code == 200
    assert client.get(f"/admin/identity/user/{admin_user.pk}/change/").status_code == 200
    assert client.get("/admin/identity/role/").status_code == 200
    assert client.get("/admin/companies/company/").status_code == 200
    assert client.get("/admin/identity/apitoken/add/").status_code == 403
    # Logged in without the right: the admin sends to its login, which answers 403.
    assert page_client(user_for("auditor")).get("/admin/", follow=True).status_code == 403
    anonymous = Client().get("/admin/", follow=True)
    assert anonymous.redirect_chain[-1][0].startswith("/login/")


def test_admin_site_changes_are_audited(page_client, admin_user):
    client = page_client(admin_user)
    answer = client.post(
        "/admin/identity/user/add/",
        {
            "username": "frank",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            "usable_password": "true",
        },
    )
    assert answer.status_code == 302, answer.content[:3000]
    entry = AuditEntry.objects.get(action="admin.user.create")
    assert entry.after["password"] == "***"
