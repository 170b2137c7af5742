"""Setting up the books: accounts, journals and taxes, and the rules that keep them sound."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from comptoir.back.ledger import selectors, services
from comptoir.back.ledger.models import Account, Entry, Journal, Tax
from comptoir.back.ledger.schemas import AccountFilter, TaxFilter
from comptoir.core.audit.models import AuditEntry
from comptoir.core.companies.models import Company
from comptoir.core.events.models import OutboxEvent
from comptoir.core.kernel.errors import Conflict, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 10)


# --------------------------------------------------------------------------- accounts


def test_an_accountant_opens_a_new_customer_account(books: Company, accountant: Any) -> None:
    account = services.account_create(
        actor=accountant,
        company=books,
        code="4111",
        name="Clients - grands comptes",
        type="receivable",
        reconcilable=True,
    )

    assert account.code == "4111"
    assert AuditEntry.objects.filter(action="account.create", object_id=str(account.pk)).exists()
    assert OutboxEvent.objects.filter(name="AccountCreated").exists()

    with pytest.raises(Conflict) as taken:
        services.account_create(
            actor=accountant, company=books, code="4111", name="Doublon", type="receivable"
        )
    assert taken.value.code == "account_exists"
    assert list(taken.value.fields) == ["code"]


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"type": "treasure"}, "invalid_account_type", "type"),
        ({"code": ""}, "required", "code"),
        ({"code": "41 1"}, "invalid_account_code", "code"),
        ({"name": " "}, "required", "name"),
    ],
)
def test_a_new_account_needs_a_code_a_name_and_a_known_type(
    books: Company, accountant: Any, changes: dict[str, str], code: str, field: str
) -> None:
    data = {"code": "4112", "name": "Clients export", "type": "receivable", **changes}
    with pytest.raises(ValidationFailed) as refused:
        services.account_create(actor=accountant, company=books, **data)
    assert refused.value.code == code
    assert list(refused.value.fields) == [field]


def test_code_and_type_are_fixed_once_the_account_has_posted_lines(
    books: Company, accountant: Any, post: Callable[..., Entry]
) -> None:
    account = Account.objects.get(company=books, code="706")
    renamed = services.account_update(
        actor=accountant, company=books, account=account, name="Prestations", type="revenue"
    )
    assert renamed.name == "Prestations"
    retyped = services.account_update(actor=accountant, company=books, account=account, type="tax")
    assert retyped.type == "tax"
    services.account_update(actor=accountant, company=books, account=account, type="revenue")

    post(books, "VE", MARCH, ("411", "100", 0), ("706", 0, "100"))

    with pytest.raises(Conflict) as used:
        services.account_update(actor=accountant, company=books, account=account, code="7060")
    assert used.value.code == "account_used"
    assert list(used.value.fields) == ["code"]
    with pytest.raises(Conflict):
        services.account_update(actor=accountant, company=books, account=account, type="expense")
    # A name and the reconcilable flag may still change.
    services.account_update(actor=accountant, company=books, account=account, name="Services")
    account.refresh_from_db()
    assert (account.code, account.type, account.name) == ("706", "revenue", "Services")


def test_a_used_account_is_deprecated_not_deleted(
    books: Company, accountant: Any, post: Callable[..., Entry]
) -> None:
    post(books, "VE", MARCH, ("411", "100", 0), ("706", 0, "100"))
    used = Account.objects.get(company=books, code="706")

    with pytest.raises(Conflict) as refused:
        services.account_delete(actor=accountant, company=books, account=used)
    assert refused.value.code == "account_used"

    services.account_deprecate(actor=accountant, company=books, account=used)
    with pytest.raises(ValidationFailed):
        post(books, "VE", MARCH, ("411", "100", 0), ("706", 0, "100"))
    services.account_restore(actor=accountant, company=books, account=used)
    assert post(books, "VE", MARCH, ("411", "100", 0), ("706", 0, "100")).is_posted

    spare = services.account_create(
        actor=accountant, company=books, code="7068", name="Autres", type="revenue"
    )
    services.account_delete(actor=accountant, company=books, account=spare)
    assert not Account.objects.filter(pk=spare.pk).exists()
    assert AuditEntry.objects.filter(action="account.delete", object_id=str(spare.pk)).exists()


def test_the_bank_account_of_a_live_journal_cannot_be_deprecated(
    books: Company, accountant: Any
) -> None:
    bank = Journal.objects.get(company=books, code="BQ").account
    assert bank is not None
    with pytest.raises(Conflict) as refused:
        services.account_deprecate(actor=accountant, company=books, account=bank)
    assert refused.value.code == "account_in_use"


def test_another_company_s_account_is_not_found(
    books: Company, books_ro: Company, accountant: Any
) -> None:
    romanian = Account.objects.get(company=books_ro, code="4111")
    with pytest.raises(NotFound):
        selectors.account_get(company=books, account_id=romanian.pk)
    with pytest.raises(NotFound):
        services.account_update(actor=accountant, company=books, account=romanian, name="x")


def test_the_chart_filters_by_code_prefix_type_and_shows_posted_balances(
    books: Company, post: Callable[..., Entry]
) -> None:
    post(books, "VE", MARCH, ("411", "120", 0), ("706", 0, "100"), ("44571", 0, "20"))
    post(books, "VE", dt.date(2026, 4, 2), ("411", "60", 0), ("706", 0, "50"), ("44571", 0, "10"))

    by_prefix = selectors.account_list(company=books, filters=AccountFilter(code="4457"))
    assert "44571" in {a.code for a in by_prefix}
    assert all(a.code.startswith("4457") for a in by_prefix)
    receivables = selectors.account_list(company=books, filters=AccountFilter(type="receivable"))
    assert "411" in {a.code for a in receivables}
    assert "706" not in {a.code for a in receivables}
    found = selectors.account_list(company=books, filters=AccountFilter(q="prestations"))
    assert "706" in {a.code for a in found}

    with_balance = {
        a.code: a.balance_debit - a.balance_credit
        for a in selectors.account_list(company=books, with_balance=True)
    }
    assert with_balance["411"] == Decimal("180.00")
    assert with_balance["706"] == Decimal("-150.00")
    assert with_balance["101"] == 0


# --------------------------------------------------------------------------- journals


def test_a_second_bank_journal_moves_its_own_bank_account(
    books: Company, accountant: Any, post: Callable[..., Entry]
) -> None:
    with pytest.raises(ValidationFailed) as missing:
        services.journal_create(
            actor=accountant, company=books, code="BQ2", name="Banque 2", kind="bank"
        )
    assert missing.value.code == "journal_account_required"
    assert list(missing.value.fields) == ["account"]
    with pytest.raises(ValidationFailed) as wrong:
        services.journal_create(
            actor=accountant, company=books, code="BQ2", name="Banque 2", kind="bank", account="411"
        )
    assert wrong.value.code == "journal_account_type"

    journal = services.journal_create(
        actor=accountant, company=books, code="bq2", name="Banque 2", kind="bank", account="5121"
    )
    assert journal.code == "BQ2"
    assert journal.account is not None and journal.account.code == "5121"
    entry = post(books, "BQ2", MARCH, ("5121", "100", 0), ("411", 0, "100"))
    assert entry.number == "BQ2-2026-000001"

    with pytest.raises(Conflict) as taken:
        services.journal_create(
            actor=accountant, company=books, code="BQ2", name="Encore", kind="misc"
        )
    assert taken.value.code == "journal_exists"
    with pytest.raises(ValidationFailed) as badly_named:
        services.journal_create(
            actor=accountant, company=books, code="B-Q", name="Banque", kind="misc"
        )
    assert badly_named.value.code == "invalid_journal_code"


def test_an_archived_journal_takes_no_entry_and_its_hash_chain_survives_edits(
    books: Company, accountant: Any, post: Callable[..., Entry]
) -> None:
    stale = Journal.objects.get(company=books, code="VE")  # read before the posting below
    first = post(books, "VE", MARCH, ("411", "100", 0), ("706", 0, "100"))

    services.journal_update(actor=accountant, company=books, journal=stale, name="Ventes France")
    archived = services.journal_update(actor=accountant, company=books, journal=stale, active=False)
    assert archived.active is False
    with pytest.raises(ValidationFailed) as refused:
        post(books, "VE", MARCH, ("411", "100", 0), ("706", 0, "100"))
    assert refused.value.code == "journal_archived"

    services.journal_update(actor=accountant, company=books, journal=stale, active=True)
    second = post(books, "VE", MARCH, ("411", "100", 0), ("706", 0, "100"))
    # Saving the journal from a stale copy did not rewind the chain.
    assert second.previous_hash == first.hash
    journal = Journal.objects.get(pk=stale.pk)
    assert journal.name == "Ventes France"
    assert journal.last_hash == second.hash


def test_a_cash_journal_cannot_lose_its_account(books: Company, accountant: Any) -> None:
    cash = Journal.objects.get(company=books, code="CA")
    with pytest.raises(ValidationFailed) as refused:
        services.journal_update(actor=accountant, company=books, journal=cash, account=None)
    assert refused.value.code == "journal_account_required"


# --------------------------------------------------------------------------- taxes


def test_the_shipped_taxes_are_read_by_their_validity_dates(books_ro: Company) -> None:
    in_2026 = selectors.tax_list(company=books_ro, valid_on=dt.date(2026, 3, 1))
    codes = {t.code for t in in_2026}
    assert {"ro-vat-21-sale", "ro-vat-11-sale"} <= codes
    assert "ro-vat-19-sale" not in codes
    in_2024 = selectors.tax_list(
        company=books_ro, filters=TaxFilter(valid_on=dt.date(2024, 6, 1), scope="sale")
    )
    assert "ro-vat-19-sale" in {t.code for t in in_2024}
    assert "ro-vat-21-sale" not in {t.code for t in in_2024}


def test_a_new_tax_is_checked_before_it_is_saved(
    books: Company, books_ro: Company, accountant: Any
) -> None:
    base = {
        "code": "fr-vat-8-5-sale",
        "name": "TVA DOM 8,5 %",
        "rate": Decimal("8.5"),
        "scope": "sale",
        "account": "44571",
        "tax_box": "10t",
        "base_box": "10b",
    }
    cases = [
        ({"rate": Decimal("120")}, "invalid_rate", "rate"),
        ({"account": Account.objects.get(company=books_ro, code="4427").pk}, None, "account"),
        ({"account": None}, "tax_account_required", "account"),
        (
            {"valid_from": dt.date(2026, 6, 1), "valid_to": dt.date(2026, 1, 1)},
            "tax_validity",
            "valid_to",
        ),
        ({"kind": "reverse_charge"}, "tax_account_required", "counterpart_account"),
    ]
    for changes, code, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            services.tax_create(actor=accountant, company=books, **{**base, **changes})
        assert list(refused.value.fields) == [field], changes
        if code:
            assert refused.value.code == code

    tax = services.tax_create(actor=accountant, company=books, **base)
    assert tax.account is not None and tax.account.code == "44571"
    with pytest.raises(Conflict) as taken:
        services.tax_create(actor=accountant, company=books, **base)
    assert taken.value.code == "tax_exists"


def test_a_used_tax_keeps_its_rate_and_ends_its_validity_instead(
    books: Company, accountant: Any
) -> None:
    from comptoir.back.ledger.domain import LineDraft

    tax = Tax.objects.get(company=books, code="fr-vat-10-sale")
    services.tax_update(actor=accountant, company=books, tax=tax, name="TVA 10 % (restauration)")
    services.entry_create(
        actor=accountant,
        company=books,
        journal="VE",
        date=MARCH,
        lines=[
            LineDraft(account="411", debit=Decimal("110")),
            LineDraft(account="706", credit=Decimal("100"), tax=tax.code, tax_role="base"),
            LineDraft(account="44571", credit=Decimal("10"), tax=tax.code, tax_role="tax"),
        ],
        post=True,
    )

    with pytest.raises(Conflict) as used:
        services.tax_update(actor=accountant, company=books, tax=tax, rate=Decimal("12"))
    assert used.value.code == "tax_used"
    assert list(used.value.fields) == ["rate"]

    ended = services.tax_update(actor=accountant, company=books, tax=tax, valid_to=MARCH)
    assert ended.valid_to == MARCH
    with pytest.raises(ValidationFailed) as expired:
        services.entry_create(
            actor=accountant,
            company=books,
            journal="VE",
            date=dt.date(2026, 4, 1),
            lines=[
                LineDraft(account="411", debit=Decimal("110")),
                LineDraft(account="706", credit=Decimal("100"), tax=tax.code, tax_role="base"),
                LineDraft(account="44571", credit=Decimal("10"), tax=tax.code, tax_role="tax"),
            ],
        )
    assert expired.value.code == "tax_not_valid"


def test_setup_writes_are_audited(books: Company, accountant: Any) -> None:
    tax = Tax.objects.get(company=books, code="fr-vat-20-sale")
    services.tax_update(actor=accountant, company=books, tax=tax, tax_box="08t")
    journal = services.journal_create(
        actor=accountant, company=books, code="OD2", name="OD 2", kind="misc"
    )
    audit = AuditEntry.objects.filter(action__in=["tax.update", "journal.create"])
    assert {a.action for a in audit} == {"tax.update", "journal.create"}
    changed = AuditEntry.objects.get(action="tax.update")
    assert changed.before["tax_box"] == "08t_fr"
    assert changed.after["tax_box"] == "08t"
    assert "rate" not in changed.after
    assert journal.kind == "misc"
