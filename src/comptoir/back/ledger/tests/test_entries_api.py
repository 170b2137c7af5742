"""The entries API, as an integrator's program sees it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from comptoir.back.ledger.models import Account, Entry
from comptoir.core.companies.models import Company
from comptoir.core.parties.models import Party

pytestmark = pytest.mark.django_db

BASE = "/api/v1/ledger"
MARCH = "2026-03-10"


def send(client: Client, method: str, url: str, body: Any = None, **headers: str) -> Any:
    return client.generic(
        method,
        url,
        json.dumps(body) if body is not None else b"",
        content_type="application/json",
        headers=headers,
    )


def invoice(**changes: Any) -> dict[str, Any]:
    body = {
        "journal": "VE",
        "date": MARCH,
        "label": "Facture F-2026-001",
        "ref": "F-2026-001",
        "lines": [
            {"account": "411", "debit": "120.00", "label": "Client"},
            {"account": "706", "credit": "100.00"},
            {"account": "44571", "credit": "20.00"},
        ],
    }
    body.update(changes)
    return body


@pytest.fixture
def books_api(books: Company, accountant: Any, api_client: Callable[..., Client]) -> Client:
    return api_client(accountant)


def test_a_draft_is_written_read_changed_posted_and_listed(books_api: Client) -> None:
    created = send(books_api, "POST", f"{BASE}/entries", invoice())
    assert created.status_code == 201, created.content
    entry = created.json()
    assert entry["state"] == "draft"
    assert entry["number"] == ""
    assert entry["total"] == "120.00"
    assert [ln["account_code"] for ln in entry["lines"]] == ["411", "706", "44571"]

    changed = send(books_api, "PATCH", f"{BASE}/entries/{entry['id']}", {"label": "Facture 1"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["label"] == "Facture 1"

    posted = send(books_api, "POST", f"{BASE}/entries/{entry['id']}/post")
    assert posted.status_code == 200, posted.content
    assert posted.json()["number"] == "VE-2026-000001"
    assert posted.json()["state"] == "posted"
    assert len(posted.json()["hash"]) == 64

    read = books_api.get(f"{BASE}/entries/{entry['id']}")
    assert read.status_code == 200
    assert read.json()["posted_by"] == "accountant"

    listed = books_api.get(f"{BASE}/entries", {"journal": "VE", "state": "posted"})
    assert listed.status_code == 200
    assert [e["number"] for e in listed.json()["items"]] == ["VE-2026-000001"]
    assert listed.json()["items"][0]["total"] == "120.00"
    assert books_api.get(f"{BASE}/entries", {"account": "512"}).json()["items"] == []
    assert len(books_api.get(f"{BASE}/entries", {"account": "706"}).json()["items"]) == 1
    assert len(books_api.get(f"{BASE}/entries", {"q": "facture 1"}).json()["items"]) == 1
    assert books_api.get(f"{BASE}/entries", {"period": "2026-04"}).json()["items"] == []


def test_an_entry_posted_at_creation_gets_its_number(books_api: Client) -> None:
    answer = send(books_api, "POST", f"{BASE}/entries", invoice(post=True))
    assert answer.status_code == 201, answer.content
    assert answer.json()["number"] == "VE-2026-000001"
    again = send(books_api, "POST", f"{BASE}/entries", invoice(post=True, journal="ve"))
    assert again.json()["number"] == "VE-2026-000002"


def test_an_unbalanced_entry_answers_422_with_the_difference(books_api: Client) -> None:
    body = invoice()
    body["lines"][0]["debit"] = "120.50"
    answer = send(books_api, "POST", f"{BASE}/entries", body)
    assert answer.status_code == 422
    assert answer.json()["code"] == "entry_unbalanced"
    assert answer.json()["fields"]["difference"] == ["0.50"]
    assert not Entry.objects.exists()


def test_a_posted_entry_answers_409_to_changes_and_deletion(books_api: Client) -> None:
    entry = send(books_api, "POST", f"{BASE}/entries", invoice(post=True)).json()

    changed = send(books_api, "PATCH", f"{BASE}/entries/{entry['id']}", {"label": "Autre"})
    deleted = send(books_api, "DELETE", f"{BASE}/entries/{entry['id']}")
    reposted = send(books_api, "POST", f"{BASE}/entries/{entry['id']}/post")

    for answer in (changed, deleted, reposted):
        assert answer.status_code == 409
        assert answer.json()["code"] == "entry_posted"
    assert Entry.objects.get(pk=entry["id"]).label == "Facture F-2026-001"


def test_a_draft_is_deleted(books_api: Client) -> None:
    entry = send(books_api, "POST", f"{BASE}/entries", invoice()).json()
    answer = send(books_api, "DELETE", f"{BASE}/entries/{entry['id']}")
    assert answer.status_code == 204
    assert not Entry.objects.filter(pk=entry["id"]).exists()


def test_bad_lines_answer_422_naming_the_line_and_field(
    books_api: Client, books: Company, books_ro: Company, accountant: Any
) -> None:
    Account.objects.filter(company=books, code="706").update(deprecated=True)
    deprecated = send(books_api, "POST", f"{BASE}/entries", invoice())
    assert deprecated.status_code == 422
    assert deprecated.json()["code"] == "account_deprecated"
    assert list(deprecated.json()["fields"]) == ["lines.1.account"]
    Account.objects.filter(company=books, code="706").update(deprecated=False)

    unknown = invoice()
    unknown["lines"][1]["account"] = "999999"
    answer = send(books_api, "POST", f"{BASE}/entries", unknown)
    assert answer.status_code == 422
    assert list(answer.json()["fields"]) == ["lines.1.account"]

    romanian = Party.objects.create(company=books_ro, name="Client SRL")
    foreign = invoice()
    foreign["lines"][0]["party_id"] = romanian.pk
    answer = send(books_api, "POST", f"{BASE}/entries", foreign)
    assert answer.status_code == 422
    assert answer.json()["code"] == "party_unknown"
    assert list(answer.json()["fields"]) == ["lines.0.party_id"]

    negative = invoice()
    negative["lines"][0]["debit"] = "-120"
    answer = send(books_api, "POST", f"{BASE}/entries", negative)
    assert answer.status_code == 422
    assert "lines.0.debit" in answer.json()["fields"]

    no_year = send(books_api, "POST", f"{BASE}/entries", invoice(date="2031-01-01"))
    assert no_year.status_code == 422
    assert list(no_year.json()["fields"]) == ["date"]


def test_a_tax_outside_its_dates_answers_422_naming_the_line(
    books_ro: Company, make_user: Callable[..., Any], api_client: Callable[..., Client]
) -> None:
    client = api_client(make_user("contabil2", roles=("accountant",), companies=(books_ro,)))
    body = {
        "journal": "VE",
        "date": MARCH,
        "lines": [
            {"account": "4111", "debit": "119.00"},
            {"account": "704", "credit": "100.00", "tax": "ro-vat-19-sale", "tax_role": "base"},
            {"account": "4427", "credit": "19.00", "tax": "ro-vat-19-sale", "tax_role": "tax"},
        ],
    }
    answer = send(client, "POST", f"{BASE}/entries", body)
    assert answer.status_code == 422
    assert answer.json()["code"] == "tax_not_valid"
    assert list(answer.json()["fields"]) == ["lines.1.tax"]


def test_a_reversal_is_linked_both_ways(books_api: Client) -> None:
    entry = send(books_api, "POST", f"{BASE}/entries", invoice(post=True)).json()

    answer = send(
        books_api,
        "POST",
        f"{BASE}/entries/{entry['id']}/reverse",
        {"date": "2026-03-31", "label": "Annulation F-2026-001"},
    )

    assert answer.status_code == 201, answer.content
    reversal = answer.json()
    assert reversal["number"] == "VE-2026-000002"
    assert reversal["reversal_of_id"] == entry["id"]
    assert reversal["date"] == "2026-03-31"
    assert [(ln["debit"], ln["credit"]) for ln in reversal["lines"]] == [
        ("0.00", "120.00"),
        ("100.00", "0.00"),
        ("20.00", "0.00"),
    ]
    assert books_api.get(f"{BASE}/entries/{entry['id']}").json()["reversed_by_id"] == reversal["id"]
    twice = send(books_api, "POST", f"{BASE}/entries/{entry['id']}/reverse", {})
    assert twice.status_code == 409
    assert twice.json()["code"] == "entry_reversed"


def test_creating_twice_with_one_idempotency_key_creates_once(books_api: Client) -> None:
    first = send(
        books_api, "POST", f"{BASE}/entries", invoice(post=True), **{"Idempotency-Key": "k1"}
    )
    second = send(
        books_api, "POST", f"{BASE}/entries", invoice(post=True), **{"Idempotency-Key": "k1"}
    )
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Entry.objects.count() == 1


def test_another_company_s_entry_is_404(
    books_api: Client,
    books_ro: Company,
    make_user: Callable[..., Any],
    post: Callable[..., Entry],
) -> None:
    contabil = make_user("contabil3", roles=("accountant",), companies=(books_ro,))
    romanian = post(
        books_ro, "VE", dt.date(2026, 3, 10), ("4111", "100", 0), ("704", 0, "100"), actor=contabil
    )
    for method, url in (
        ("GET", f"{BASE}/entries/{romanian.pk}"),
        ("PATCH", f"{BASE}/entries/{romanian.pk}"),
        ("DELETE", f"{BASE}/entries/{romanian.pk}"),
        ("POST", f"{BASE}/entries/{romanian.pk}/post"),
        ("POST", f"{BASE}/entries/{romanian.pk}/reverse"),
    ):
        answer = send(books_api, method, url, {})
        assert answer.status_code == 404, (method, url, answer.content)
        assert answer.json()["code"] == "entry_not_found"
    assert books_api.get(f"{BASE}/entries").json()["items"] == []


def test_a_sales_representative_cannot_read_or_write_the_books(
    books: Company, user_for: Callable[[str], Any], api_client: Callable[..., Client]
) -> None:
    sales = api_client(user_for("sales"))
    assert sales.get(f"{BASE}/entries").status_code == 403
    assert send(sales, "POST", f"{BASE}/entries", invoice()).status_code == 403
    settlement = api_client(user_for("settlement"))
    assert settlement.get(f"{BASE}/entries").status_code == 200
    refused = send(settlement, "POST", f"{BASE}/entries", invoice())
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"


def test_a_read_only_token_cannot_post(
    books: Company, accountant: Any, api_client: Callable[..., Client]
) -> None:
    reader = api_client(accountant, scopes=("ledger:read",))
    assert reader.get(f"{BASE}/entries").status_code == 200
    answer = send(reader, "POST", f"{BASE}/entries", invoice())
    assert answer.status_code == 403
    assert answer.json()["code"] == "scope_missing"


def test_the_entry_list_runs_a_fixed_number_of_queries(
    books_api: Client,
    books: Company,
    post: Callable[..., Entry],
    django_assert_max_num_queries: Any,
) -> None:
    for day in range(1, 26):
        post(books, "VE", dt.date(2026, 3, day), ("411", "120", 0), ("706", 0, "120"))
    with django_assert_max_num_queries(8):
        answer = books_api.get(f"{BASE}/entries", {"limit": 100})
    assert len(answer.json()["items"]) == 25
    page = books_api.get(f"{BASE}/entries", {"limit": 10})
    assert page.json()["next"]
    rest = books_api.get(f"{BASE}/entries", {"limit": 100, "cursor": page.json()["next"]})
    assert len(rest.json()["items"]) == 15
