"""The entry pages: the list, an entry's page, the manual entry form, post, reverse, delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.back.ledger import services
from comptoir.back.ledger.models import Entry, Journal
from comptoir.back.ledger.tests.conftest import lines
from comptoir.core.companies.models import Company
from comptoir.core.parties.models import Party

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 10)


@pytest.fixture
def client(books: Company, accountant: Any, page_client: Callable[..., Client]) -> Client:
    return page_client(accountant)


def form_data(rows: list[dict[str, str]], action: str = "draft", **header: Any) -> dict[str, Any]:
    """What the browser sends: the header, the formset's management form and the rows."""
    journal = Journal.objects.get(code=header.pop("journal", "OD"), company__code="dupont")
    data: dict[str, Any] = {
        "action": action,
        "journal": journal.pk,
        "date": header.pop("date", "2026-03-10"),
        "label": header.pop("label", "Salaires de mars"),
        "ref": header.pop("ref", ""),
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"lines-{i}-{name}"] = value
    return data


PAYROLL = [
    {"account": "641", "debit": "3000.00", "label": "Salaires bruts"},
    {"account": "431", "credit": "700.00"},
    {"account": "421", "credit": "2300.00", "label": "Net à payer"},
    {},  # a row left empty
]


def test_the_form_renders_with_its_script_and_lists(client: Client) -> None:
    answer = client.get(reverse("ledger:entry_create"))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "ledger/entry-form.js" in page
    assert "<script>" not in page  # no inline script under the CSP
    assert 'id="ledger-accounts"' in page
    assert '<option value="641">' in page
    assert "data-imbalance" in page
    assert "template data-line-template" in page
    assert page.count("data-line>") == 5  # four rows and the template row


def test_the_form_s_script_is_served(client: Client) -> None:
    answer = client.get("/static/ledger/entry-form.js")
    assert answer.status_code == 200
    body = b"".join(answer.streaming_content).decode()  # type: ignore[attr-defined]
    assert "data-imbalance" in body
    assert "TOTAL_FORMS" in body


def test_a_manual_entry_is_saved_as_a_draft_then_posted(client: Client, books: Company) -> None:
    answer = client.post(reverse("ledger:entry_create"), form_data(PAYROLL))
    entry = Entry.objects.get(company=books)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("ledger:entry_detail", args=[entry.pk])
    assert entry.state == "draft"
    assert entry.lines.count() == 3

    detail = client.get(reverse("ledger:entry_detail", args=[entry.pk])).content.decode()
    assert "Salaires bruts" in detail
    assert reverse("ledger:entry_post", args=[entry.pk]) in detail
    assert reverse("ledger:entry_edit", args=[entry.pk]) in detail

    posted = client.post(reverse("ledger:entry_post", args=[entry.pk]))
    assert posted.status_code == 302
    entry.refresh_from_db()
    assert entry.number == "OD-2026-000001"
    detail = client.get(reverse("ledger:entry_detail", args=[entry.pk])).content.decode()
    assert entry.hash in detail
    assert reverse("ledger:entry_reverse", args=[entry.pk]) in detail
    assert reverse("ledger:entry_post", args=[entry.pk]) not in detail


def test_save_and_post_in_one_step_with_a_party(client: Client, books: Company) -> None:
    leroy = Party.objects.create(company=books, name="Leroy SARL", is_customer=True)
    rows = [
        {"account": "411", "party": f"Leroy SARL #{leroy.pk}", "debit": "120"},
        {"account": "706", "credit": "100"},
        {"account": "44571", "credit": "20"},
    ]
    answer = client.post(
        reverse("ledger:entry_create"), form_data(rows, action="post", journal="VE")
    )
    assert answer.status_code == 302
    entry = Entry.objects.get(company=books)
    assert entry.number == "VE-2026-000001"
    assert entry.lines.get(account__code="411").party_id == leroy.pk


def test_an_unbalanced_form_is_shown_again_with_the_difference(
    client: Client, books: Company
) -> None:
    rows = [{"account": "641", "debit": "3000"}, {"account": "421", "credit": "2999.50"}]
    answer = client.post(reverse("ledger:entry_create"), form_data(rows))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "data-entry-error" in page
    assert "0.50" in page
    assert not Entry.objects.filter(company=books).exists()


def test_a_bad_account_is_shown_on_its_row(client: Client, books: Company) -> None:
    rows = [{}, {"account": "641", "debit": "10"}, {"account": "99999", "credit": "10"}]
    answer = client.post(reverse("ledger:entry_create"), form_data(rows))
    assert answer.status_code == 200
    assert 'data-field="lines-2-account"' in answer.content.decode()
    assert not Entry.objects.filter(company=books).exists()


def test_checking_the_balance_saves_nothing(client: Client, books: Company) -> None:
    rows = [{"account": "641", "debit": "10"}, {"account": "421", "credit": "7.5"}]
    answer = client.post(reverse("ledger:entry_create"), form_data(rows, action="check"))
    assert answer.status_code == 200
    assert "Debits minus credits: 2.50" in answer.content.decode()
    balanced = [{"account": "641", "debit": "10"}, {"account": "421", "credit": "10"}]
    answer = client.post(reverse("ledger:entry_create"), form_data(balanced, action="check"))
    assert ">Balanced</output>" in answer.content.decode()
    assert not Entry.objects.filter(company=books).exists()


def test_adding_a_line_without_javascript(client: Client) -> None:
    rows = [{"account": "641", "debit": "10"}, {"account": "421", "credit": "10"}]
    answer = client.post(reverse("ledger:entry_create"), form_data(rows, action="add_line"))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert page.count("data-line>") == 4  # three rows and the template row
    assert 'value="641"' in page


def test_a_draft_is_edited_and_deleted(client: Client, books: Company, accountant: Any) -> None:
    draft = services.entry_create(
        actor=accountant,
        company=books,
        journal="OD",
        date=MARCH,
        lines=lines(("641", "10", 0), ("421", 0, "10")),
    )
    page = client.get(reverse("ledger:entry_edit", args=[draft.pk]))
    assert page.status_code == 200
    assert 'value="641"' in page.content.decode()

    rows = [{"account": "641", "debit": "20"}, {"account": "421", "credit": "20"}]
    answer = client.post(
        reverse("ledger:entry_edit", args=[draft.pk]), form_data(rows, label="Corrigé")
    )
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert draft.label == "Corrigé"
    assert sorted(draft.lines.values_list("debit", flat=True)) == [0, 20]

    deleted = client.post(reverse("ledger:entry_delete", args=[draft.pk]))
    assert deleted.status_code == 302
    assert not Entry.objects.filter(pk=draft.pk).exists()


def test_a_posted_entry_is_not_edited_but_reversed(
    client: Client, books: Company, post: Callable[..., Entry]
) -> None:
    entry = post(books, "OD", MARCH, ("641", "10", 0), ("421", 0, "10"))

    edit = client.get(reverse("ledger:entry_edit", args=[entry.pk]))
    assert edit.status_code == 302
    assert edit["Location"] == reverse("ledger:entry_detail", args=[entry.pk])
    client.post(reverse("ledger:entry_delete", args=[entry.pk]))
    assert Entry.objects.filter(pk=entry.pk).exists()

    confirm = client.get(reverse("ledger:entry_reverse", args=[entry.pk]))
    assert confirm.status_code == 200
    answer = client.post(reverse("ledger:entry_reverse", args=[entry.pk]), {"date": "2026-03-31"})
    reversal = Entry.objects.get(reversal_of=entry)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("ledger:entry_detail", args=[reversal.pk])
    assert reversal.number == "OD-2026-000002"
    page = client.get(reverse("ledger:entry_detail", args=[entry.pk])).content.decode()
    assert "data-reversed-by" in page
    assert reverse("ledger:entry_reverse", args=[entry.pk]) not in page
    page = client.get(reverse("ledger:entry_detail", args=[reversal.pk])).content.decode()
    assert "data-reversal-of" in page


def test_the_list_filters_and_runs_a_fixed_number_of_queries(
    client: Client,
    books: Company,
    post: Callable[..., Entry],
    django_assert_max_num_queries: Any,
) -> None:
    for day in range(1, 21):
        post(books, "VE", dt.date(2026, 3, day), ("411", "120", 0), ("706", 0, "120"))
    for day in range(1, 11):
        post(books, "AC", dt.date(2026, 4, day), ("607", "50", 0), ("401", 0, "50"))

    with django_assert_max_num_queries(12):
        answer = client.get(reverse("ledger:entry_list"))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert page.count("<tr>") >= 30
    assert "AC-2026-000010" in page
    assert reverse("ledger:opening_import") in page

    only_purchases = client.get(reverse("ledger:entry_list"), {"journal": "AC"}).content.decode()
    assert "AC-2026-000001" in only_purchases
    assert "VE-2026-000001" not in only_purchases
    march = client.get(reverse("ledger:entry_list"), {"period": "2026-03"}).content.decode()
    assert "VE-2026-000020" in march
    assert "AC-2026-000001" not in march


def test_others_cannot_see_the_entries(
    books: Company, user_for: Callable[[str], Any], page_client: Callable[..., Client]
) -> None:
    sales = page_client(user_for("sales"))
    assert sales.get(reverse("ledger:entry_list")).status_code == 403
    auditor = page_client(user_for("auditor"))
    assert auditor.get(reverse("ledger:entry_list")).status_code == 200
    assert auditor.get(reverse("ledger:entry_create")).status_code == 403


def test_another_company_s_entry_is_404(
    client: Client, books_ro: Company, make_user: Callable[..., Any], post: Callable[..., Entry]
) -> None:
    contabil = make_user("contabil5", roles=("accountant",), companies=(books_ro,))
    romanian = post(books_ro, "VE", MARCH, ("4111", "100", 0), ("704", 0, "100"), actor=contabil)
    assert client.get(reverse("ledger:entry_detail", args=[romanian.pk])).status_code == 404
    assert client.post(reverse("ledger:entry_post", args=[romanian.pk])).status_code == 404
