"""Parties: the organisations and persons a company deals with.

One table holds both: a customer, a supplier, a prospect or a contact person
at one of them. A person may sit under an organisation (``parent``): that is
a contact. Addresses and bank accounts hang off a party; tags group them.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comptoir.core.kernel.models import CompanyOwned


class Tag(CompanyOwned):
    """A free label (``VIP``, ``Trade fair 2026``) a company puts on its parties."""

    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="parties_tag_company_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Party(CompanyOwned):
    """An organisation or a person: customer, supplier, both, or just a contact."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        PERSON = "person", _("Person")

    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.ORGANISATION
    )
    name = models.CharField(_("name"), max_length=200)
    # The name folded for duplicate detection (case, accents, punctuation and
    # legal form removed): "Dupont S.A.S." and "DUPONT sas" share "dupont".
    name_key = models.CharField(max_length=200, editable=False, default="")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("organisation"),
        help_text=_("For a contact person: the organisation they work for."),
    )
    is_customer = models.BooleanField(_("customer"), default=False)
    is_supplier = models.BooleanField(_("supplier"), default=False)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=32, blank=True)
    national_id = models.CharField(
        _("national id"), max_length=32, blank=True, help_text=_("SIREN/SIRET or CUI/CIF")
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Copied from the default billing address by the address services, so that
    # lists and the search show and find the city without a join.
    city = models.CharField(_("city"), max_length=100, blank=True, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="parties", verbose_name=_("tags"))
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["organisation", "person"]), name="parties_party_kind"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="parties_party_parent_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | models.Q(kind="person"),
                name="parties_party_contact_is_person",
            ),
            models.CheckConstraint(
                condition=models.Q(country="") | models.Q(country__regex=r"^[A-Z]{2}$"),
                name="parties_party_country_iso2",
            ),
        ]
        indexes = [
            # Duplicates are allowed (with an override), so these are indexes,
            # not unique constraints.
            models.Index(fields=["company", "vat_number"], name="parties_party_vat_idx"),
            models.Index(fields=["company", "name_key"], name="parties_party_namekey_idx"),
            models.Index(fields=["company", "name", "id"], name="parties_party_name_idx"),
        ]

    def __str__(self) -> str:
        if self.parent is not None and self.kind == self.Kind.PERSON:
            return f"{self.name} ({self.parent.name})"
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("parties:party_detail", args=[self.pk])

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        from comptoir.core.parties.domain import normalize_name

        self.name_key = normalize_name(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)


class Address(CompanyOwned):
    """A postal address of a party: where to send invoices, goods, or letters."""

    class Kind(models.TextChoices):
        BILLING = "billing", _("Billing")
        SHIPPING = "shipping", _("Shipping")
        OTHER = "other", _("Other")

    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("party")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BILLING)
    street = models.CharField(_("street"), max_length=200, blank=True)
    street2 = models.CharField(_("street (continued)"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["party", "kind", "-is_default", "pk"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["billing", "shipping", "other"]),
                name="parties_address_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(country__regex=r"^[A-Z]{2}$"),
                name="parties_address_country_iso2",
            ),
            models.UniqueConstraint(
                fields=["party", "kind"],
                condition=models.Q(is_default=True),
                name="parties_address_one_default_per_kind",
            ),
        ]

    def __str__(self) -> str:
        parts = [self.street, f"{self.postal_code} {self.city}".strip(), self.country]
        return ", ".join(p for p in parts if p)


class BankAccount(CompanyOwned):
    """A bank account of a party, to pay a supplier or match a customer's transfer."""

    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="bank_accounts", verbose_name=_("party")
    )
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)

    class Meta:
        ordering = ["party", "pk"]
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["party", "iban"], name="parties_bankaccount_party_iban"
            ),
        ]
        indexes = [models.Index(fields=["company", "iban"], name="parties_bank_iban_idx")]

    def __str__(self) -> str:
        return f"{self.iban[:4]} … {self.iban[-4:]}" + (
            f" ({self.bank_name})" if self.bank_name else ""
        )
