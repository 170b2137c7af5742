"""Two records for one customer cost money: the second is stopped unless meant."""

from __future__ import annotations

import pytest

from comptoir.core.kernel.errors import Conflict
from comptoir.core.parties import selectors, services

pytestmark = pytest.mark.django_db


def test_the_same_vat_number_is_a_duplicate_naming_the_existing_party(company) -> None:
    first = services.party_create(
        actor=None, company=company, name="Dupont SAS", vat_number="FR40303265045"
    )
    with pytest.raises(Conflict) as exc:
        services.party_create(
            actor=None, company=company, name="Dupont Paris", vat_number="40 303 265 045"
        )
    assert exc.value.code == "party_duplicate"
    assert "vat_number" in exc.value.fields
    assert exc.value.fields["duplicate_of"] == [str(first.pk)]


def test_the_same_name_in_other_clothes_is_a_duplicate(company) -> None:
    first = services.party_create(actor=None, company=company, name="Dupont S.A.S.")
    with pytest.raises(Conflict) as exc:
        services.party_create(actor=None, company=company, name="DUPONT sas")
    assert "name" in exc.value.fields
    assert exc.value.fields["duplicate_of"] == [str(first.pk)]


def test_a_duplicate_goes_through_when_the_user_says_so(company) -> None:
    first = services.party_create(
        actor=None, company=company, name="Dupont SAS", vat_number="FR40303265045"
    )
    second = services.party_create(
        actor=None,
        company=company,
        name="Dupont SAS",
        vat_number="FR40303265045",
        allow_duplicate=True,
    )
    assert list(selectors.party_duplicates(company=company, party=second)) == [first]
    # Changing something else on a known duplicate is not stopped again.
    services.party_update(actor=None, company=company, party=second, phone="01 02 03 04 05")


def test_changing_to_a_vat_number_another_party_has_is_a_duplicate(company) -> None:
    services.party_create(actor=None, company=company, name="Alpha", vat_number="FR40303265045")
    beta = services.party_create(actor=None, company=company, name="Beta")
    with pytest.raises(Conflict) as exc:
        services.party_update(actor=None, company=company, party=beta, vat_number="FR40303265045")
    assert "vat_number" in exc.value.fields
    services.party_update(
        actor=None, company=company, party=beta, vat_number="FR40303265045", allow_duplicate=True
    )
    beta.refresh_from_db()
    assert beta.vat_number == "FR40303265045"


def test_another_company_may_hold_the_same_customer(company, company_ro) -> None:
    services.party_create(
        actor=None, company=company, name="Dupont SAS", vat_number="FR40303265045"
    )
    services.party_create(
        actor=None, company=company_ro, name="Dupont SAS", vat_number="FR40303265045"
    )


def test_two_contacts_of_the_same_name_at_two_customers_are_two_people(company) -> None:
    a = services.party_create(actor=None, company=company, name="Client A")
    b = services.party_create(actor=None, company=company, name="Client B")
    services.contact_add(actor=None, company=company, organisation=a, name="Jean Martin")
    services.contact_add(actor=None, company=company, organisation=b, name="Jean Martin")
    with pytest.raises(Conflict):
        services.contact_add(actor=None, company=company, organisation=a, name="jean  martin")
