"""A hot API client is authenticated from memory, and revocation still bites at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from comptoir.core.identity import access
from comptoir.core.identity.services import token_create, token_revoke


@pytest.fixture
def cached_tokens(settings: Any) -> None:
    settings.COMPTOIR_TOKEN_CACHE_SECONDS = 60
    access._token_cache.clear()


def test_a_cached_token_costs_no_query_and_dies_when_revoked(
    cached_tokens: None, user_for: Any, django_assert_max_num_queries: Any
) -> None:
    # given an accountant's token, used once
    user = user_for("accountant")
    token, secret = token_create(actor=user, user=user, name="erp-sync", scopes=["parties:read"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/auth/me").status_code == 200

    # when it is used again, the token, roles and companies come from memory
    with django_assert_max_num_queries(0):
        access.token_lookup(secret)

    # when its owner revokes it, the very next call is refused
    token_revoke(actor=user, token_id=token.pk)
    answer = client.get("/api/v1/auth/me")
    assert answer.status_code == 401
    assert answer.json()["code"] == "token_invalid"


def test_the_rate_limit_answers_429_past_the_limit(
    settings: Any, user_for: Any, api_client: Any
) -> None:
    settings.COMPTOIR_API_RATE_LIMIT = 3
    access._local_counts.clear()
    client = api_client(user_for("sales"))
    statuses = [client.get("/api/v1/auth/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/v1/auth/me").json()["code"] == "rate_limited"
