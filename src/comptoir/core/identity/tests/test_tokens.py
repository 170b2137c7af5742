"""API tokens: creation, scopes, revocation, expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from comptoir.core.audit.models import AuditEntry
from comptoir.core.identity.access import hash_token
from comptoir.core.identity.models import ApiToken
from comptoir.core.identity.services import token_create, token_revoke
from comptoir.core.kernel.errors import NotFound, ValidationFailed

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def test_token_create_stores_only_the_hash(admin_user):
    token, secret = token_create(
        actor=admin_user, user=admin_user, name="ci", scopes=["parties:read"]
    )
    assert secret.startswith("cpt_")
    assert token.prefix == secret[:8]
    assert token.key_hash == hash_token(secret)
    assert secret not in str(AuditEntry.objects.get(action="token.create").after)


def test_token_create_rejects_unknown_scope(admin_user):
    with pytest.raises(ValidationFailed) as exc:
        token_create(actor=admin_user, user=admin_user, name="x", scopes=["nope:read"])
    assert "scopes" in exc.value.fields


def test_token_authenticates_the_api(api_client, user_for):
    client = api_client(user_for("sales"))
    answer = client.get("/api/v1/auth/me")
    assert answer.status_code == 200
    assert answer.json()["username"] == "sales"
    assert answer.json()["company"]["code"] == "dupont"


def test_missing_scope_is_403(api_client, admin_user):
    client = api_client(admin_user, scopes=("parties:read",))
    answer = client.get("/api/v1/identity/users")
    assert answer.status_code == 403
    assert answer.json()["code"] == "scope_missing"


def test_revoked_token_is_401(admin_user):
    token, secret = token_create(
        actor=admin_user, user=admin_user, name="t", scopes=["identity:read"]
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/identity/users").status_code == 200
    token_revoke(actor=admin_user, token_id=token.pk)
    answer = client.get("/api/v1/identity/users")
    assert answer.status_code == 401
    assert answer.json()["code"] == "token_invalid"


def test_expired_token_is_401(admin_user):
    token, secret = token_create(
        actor=admin_user,
        user=admin_user,
        name="t",
        scopes=["identity:read"],
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/auth/me").status_code == 401


def test_unknown_token_is_401():
    client = Client(HTTP_AUTHORIZATION="Bearer cpt_nothing")
    assert client.get("/api/v1/auth/me").status_code == 401


def test_cannot_revoke_someone_elses_token(user_for, make_user):
    sales = user_for("sales")
    other = make_user("bob")
    token, _secret = token_create(actor=other, user=other, name="t", scopes=["parties:read"])
    with pytest.raises(NotFound):
        token_revoke(actor=sales, token_id=token.pk)


def test_login_endpoint_gives_a_token_with_the_users_scopes(user_for):
    user_for("sales")
    answer = Client().post(
        "/api/v1/auth/token",
        {"username": "sales", "password": PASSWORD, "name": "cli"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["token"].startswith("cpt_")
    assert "parties:write" in body["scopes"]
    assert "identity:read" not in body["scopes"]
    me = Client(HTTP_AUTHORIZATION=f"Bearer {body['token']}").get("/api/v1/auth/me")
    assert me.json()["scopes"] == body["scopes"]


def test_login_endpoint_bad_password_is_401(user_for):
    user_for("sales")
    answer = Client().post(
        "/api/v1/auth/token",
        {"username": "sales", "password": "wrong", "name": "cli"},
        content_type="application/json",
    )
    assert answer.status_code == 401
    assert answer.json()["code"] == "invalid_credentials"


def test_own_tokens_list_create_revoke(api_client, user_for, make_user):
    sales = user_for("sales")
    stranger = make_user("bob")
    foreign, _s = token_create(
        actor=stranger, user=stranger, name="theirs", scopes=["parties:read"]
    )
    client = api_client(sales)
    created = client.post(
        "/api/v1/auth/tokens",
        {"name": "script", "scopes": ["parties:read"], "expires_in_days": 30},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    listed = client.get("/api/v1/auth/tokens").json()
    names = [t["name"] for t in listed["items"]]
    assert "script" in names and "theirs" not in names
    assert "key_hash" not in listed["items"][0]
    assert client.delete(f"/api/v1/auth/tokens/{created.json()['id']}").status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{foreign.pk}").status_code == 404
    assert ApiToken.objects.get(pk=foreign.pk).revoked_at is None


def test_cannot_grant_a_scope_one_does_not_hold(api_client, user_for):
    client = api_client(user_for("sales"))
    answer = client.post(
        "/api/v1/auth/tokens",
        {"name": "x", "scopes": ["identity:write"]},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "scopes" in answer.json()["fields"]


def test_token_create_is_idempotent(api_client, user_for):
    client = api_client(user_for("sales"))
    body = {"name": "once", "scopes": ["parties:read"]}
    first = client.post(
        "/api/v1/auth/tokens", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    again = client.post(
        "/api/v1/auth/tokens", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert ApiToken.objects.filter(name="once").count() == 1
