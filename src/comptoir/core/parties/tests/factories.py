"""factory_boy factories for parties. Pass ``company=`` (the conftest fixture)."""

from __future__ import annotations

import factory

from comptoir.core.parties.models import Address, BankAccount, Party, Tag


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    kind = Party.Kind.ORGANISATION
    name = factory.Sequence(lambda n: f"Client {n:04d} SARL")
    country = "FR"
    is_customer = True
    email = factory.Sequence(lambda n: f"contact{n}@client.example")


class PersonFactory(PartyFactory):
    kind = Party.Kind.PERSON
    name = factory.Sequence(lambda n: f"Personne {n:04d}")
    is_customer = False


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag-{n}")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    party = factory.SubFactory(PartyFactory, company=factory.SelfAttribute("..company"))
    kind = Address.Kind.BILLING
    street = "12 rue de la Paix"
    postal_code = "75002"
    city = "Paris"
    country = "FR"


class BankAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BankAccount

    party = factory.SubFactory(PartyFactory, company=factory.SelfAttribute("..company"))
    iban = "FR1420041010050500013M02606"
    bic = "PSSTFRPPLIL"
