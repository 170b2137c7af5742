"""How the sales desk and the buyers use parties, told as stories."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from comptoir.core.audit.models import AuditEntry
from comptoir.core.events.models import OutboxEvent
from comptoir.core.identity.models import User
from comptoir.core.parties import selectors, services
from comptoir.core.parties.models import Address, Party

pytestmark = pytest.mark.django_db


def test_a_sales_rep_registers_a_french_customer_with_a_contact_and_a_billing_address(
    company, user_for: Callable[[str], User]
) -> None:
    rep = user_for("sales")

    customer = services.party_create(
        actor=rep,
        company=company,
        name="Boulangerie Martin SARL",
        is_customer=True,
        national_id="552 008 443",
        vat_number="FR 19 552 008 443",
        email="Compta@Boulangerie-Martin.fr",
        tags=["Bakery", "Paris"],
    )
    contact = services.contact_add(
        actor=rep,
        company=company,
        organisation=customer,
        name="Claire Martin",
        email="claire@bm.fr",
    )
    billing = services.address_add(
        actor=rep,
        company=company,
        party=customer,
        street="3 rue du Four",
        postal_code="75006",
        city="Paris",
    )

    customer.refresh_from_db()
    assert customer.vat_number == "FR19552008443"
    assert customer.national_id == "552008443"
    assert customer.country == "FR"  # the company's country when none is given
    assert customer.email == "compta@boulangerie-martin.fr"
    assert sorted(t.name for t in customer.tags.all()) == ["Bakery", "Paris"]
    assert customer.city == "Paris"
    assert billing.kind == Address.Kind.BILLING and billing.is_default  # first billing address
    assert contact.kind == Party.Kind.PERSON and contact.parent == customer
    assert list(selectors.contact_list(company=company, party=customer)) == [contact]
    assert str(contact) == "Claire Martin (Boulangerie Martin SARL)"
    assert customer.get_absolute_url() == f"/parties/{customer.pk}/"

    assert AuditEntry.objects.filter(action="party.create", object_id=str(customer.pk)).exists()
    assert AuditEntry.objects.filter(action="address.create").count() == 1
    created = OutboxEvent.objects.filter(name="PartyCreated").values_list("payload", flat=True)
    assert {"party_id": customer.pk} in list(created)
    assert {"party_id": contact.pk} in list(created)


def test_a_buyer_registers_a_romanian_supplier_with_cui_and_iban(
    company_ro, make_user: Callable[..., User]
) -> None:
    buyer = make_user("ion", roles=("buyer",), companies=(company_ro,))

    supplier = services.party_create(
        actor=buyer,
        company=company_ro,
        name="Furnizorul Carpați SRL",
        is_supplier=True,
        national_id="RO 18547290",
        vat_number="18547290",
    )
    account = services.bank_account_add(
        actor=buyer, company=company_ro, party=supplier, iban="RO66 BACX 0000 0012 3456 7890"
    )

    assert supplier.country == "RO"
    assert supplier.national_id == "18547290"
    assert supplier.vat_number == "RO18547290"
    assert account.iban == "RO66BACX0000001234567890"
    assert account.bic == "BACXROBU"  # looked up from the IBAN
    assert account.bank_name


def test_a_wrong_iban_is_refused_naming_the_field(company, user_for) -> None:
    from comptoir.core.kernel.errors import ValidationFailed

    party = services.party_create(actor=user_for("buyer"), company=company, name="Fournisseur")
    with pytest.raises(ValidationFailed) as exc:
        services.bank_account_add(
            actor=None, company=company, party=party, iban="FR1420041010050500013M02607"
        )
    assert list(exc.value.fields) == ["iban"]


def test_the_default_address_moves_when_another_becomes_default_or_it_is_removed(company) -> None:
    party = services.party_create(actor=None, company=company, name="Transports Rapides")
    first = services.address_add(actor=None, company=company, party=party, city="Lyon")
    second = services.address_add(
        actor=None, company=company, party=party, city="Marseille", is_default=True
    )
    first.refresh_from_db()
    party.refresh_from_db()
    assert second.is_default and not first.is_default
    assert party.city == "Marseille"

    services.address_remove(actor=None, company=company, address=second)
    first.refresh_from_db()
    party.refresh_from_db()
    assert first.is_default
    assert party.city == "Lyon"

    services.address_update(actor=None, company=company, address=first, city="Villeurbanne")
    party.refresh_from_db()
    assert party.city == "Villeurbanne"


def test_archiving_keeps_the_party_and_says_so_once(company) -> None:
    party = services.party_create(actor=None, company=company, name="Ancien Client")
    services.party_archive(actor=None, company=company, party=party)
    services.party_archive(actor=None, company=company, party=party)
    party.refresh_from_db()
    assert party.active is False
    assert AuditEntry.objects.filter(action="party.archive").count() == 1


def test_updating_a_party_records_what_changed(company) -> None:
    party = services.party_create(actor=None, company=company, name="Garage Petit")
    services.party_update(
        actor=None, company=company, party=party, phone="+33 1 23 45 67 89", tags=["VIP"]
    )
    entry = AuditEntry.objects.get(action="party.update")
    assert entry.after == {"phone": "+33 1 23 45 67 89", "updated_at": entry.after["updated_at"]}
    event = OutboxEvent.objects.get(name="PartyUpdated")
    assert event.payload == {"party_id": party.pk, "changed": ["phone", "tags"]}


def test_a_contact_belongs_to_an_organisation_of_the_same_company(company, company_ro) -> None:
    from comptoir.core.kernel.errors import NotFound, ValidationFailed

    org = services.party_create(actor=None, company=company, name="Dupont Industrie")
    person = services.contact_add(actor=None, company=company, organisation=org, name="Luc")
    with pytest.raises(ValidationFailed) as exc:
        services.contact_add(actor=None, company=company, organisation=person, name="Marc")
    assert "parent_id" in exc.value.fields
    with pytest.raises(NotFound):
        services.contact_add(actor=None, company=company_ro, organisation=org, name="Ana")
    with pytest.raises(ValidationFailed):
        services.party_update(actor=None, company=company, party=person, parent_id=person.pk)
    with pytest.raises(ValidationFailed):
        services.party_update(actor=None, company=company, party=org, kind="person")


def test_the_database_refuses_a_party_under_itself(company) -> None:
    from django.db import IntegrityError, transaction

    party = services.party_create(actor=None, company=company, name="Auto Référence", kind="person")
    with pytest.raises(IntegrityError), transaction.atomic():
        Party.objects.filter(pk=party.pk).update(parent_id=party.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Party.objects.filter(pk=party.pk).update(kind="robot")
