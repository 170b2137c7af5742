"""Every write on parties. One transaction each, audited, events published inside.

Rules enforced here (the database enforces the rest):

- VAT numbers, national ids, IBANs, BICs and countries are checked and
  stored in one form (``domain.py``);
- a VAT number or a name another party of the company already has is a
  ``Conflict`` ``party_duplicate`` unless the caller says ``allow_duplicate``;
- a contact is a person under an organisation of the same company.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.core.audit.services import audit_record, snapshot
from comptoir.core.events.bus import publish
from comptoir.core.kernel.errors import Conflict, NotFound, ValidationFailed
from comptoir.core.parties import domain
from comptoir.core.parties.models import Address, BankAccount, Party, Tag

PARTY_FIELDS = frozenset(
    {
        "kind",
        "name",
        "parent_id",
        "is_customer",
        "is_supplier",
        "email",
        "phone",
        "website",
        "vat_number",
        "national_id",
        "country",
        "language",
        "notes",
        "active",
    }
)
ADDRESS_FIELDS = frozenset(
    {"kind", "street", "street2", "postal_code", "city", "region", "country", "is_default"}
)


# --------------------------------------------------------------------------- checks


def _clean_email(value: str | None) -> str:
    email = (value or "").strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise ValidationFailed(
                _("“%(value)s” is not an email address.") % {"value": email},
                code="invalid_email",
                fields={"email": _("Enter a valid email address.")},
            ) from None
    return email.lower() if email else ""


def _clean_website(value: str | None) -> str:
    url = (value or "").strip()
    if not url:
        return ""
    if "://" not in url:
        url = f"https://{url}"
    try:
        URLValidator(schemes=["http", "https"])(url)
    except DjangoValidationError:
        raise ValidationFailed(
            _("“%(value)s” is not a web address.") % {"value": value},
            code="invalid_website",
            fields={"website": _("Enter a valid web address.")},
        ) from None
    return url


def _clean_name(value: str | None) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise ValidationFailed(
            _("A party needs a name."), code="name_required", fields={"name": _("Required.")}
        )
    return name[:200]


def _clean_kind(value: str) -> str:
    if value not in Party.Kind.values:
        raise ValidationFailed(
            _("Unknown kind of party."),
            code="invalid_kind",
            fields={"kind": _("Choose organisation or person.")},
        )
    return value


def _clean_parent(
    company: Any, parent_id: int | None, *, kind: str, party_id: int | None
) -> int | None:
    if parent_id is None:
        return None
    if kind != Party.Kind.PERSON:
        raise ValidationFailed(
            _("Only a person can belong to an organisation."),
            code="invalid_parent",
            fields={"parent_id": _("Only a person can belong to an organisation.")},
        )
    if party_id is not None and parent_id == party_id:
        raise ValidationFailed(
            _("A party cannot belong to itself."),
            code="invalid_parent",
            fields={"parent_id": _("A party cannot belong to itself.")},
        )
    parent = Party.objects.filter(company=company, pk=parent_id).only("kind").first()
    if parent is None or parent.kind != Party.Kind.ORGANISATION:
        raise ValidationFailed(
            _("The organisation does not exist."),
            code="invalid_parent",
            fields={"parent_id": _("Choose an organisation of this company.")},
        )
    return parent_id


def _clean_party_fields(
    company: Any, data: dict[str, Any], *, party_id: int | None
) -> dict[str, Any]:
    """Check and normalize ``data`` (a full set of party fields) in place."""
    data["kind"] = _clean_kind(data["kind"])
    data["name"] = _clean_name(data["name"])
    data["country"] = domain.normalize_country(data.get("country"))
    data["language"] = domain.normalize_language(data.get("language"))
    data["email"] = _clean_email(data.get("email"))
    data["website"] = _clean_website(data.get("website"))
    data["phone"] = " ".join((data.get("phone") or "").split())
    # A number typed without prefix belongs to the party's country, else to ours.
    country = data["country"] or company.country
    data["vat_number"] = domain.normalize_vat(data.get("vat_number"), country)
    data["national_id"] = domain.validate_national_id(data.get("national_id"), country)
    data["notes"] = data.get("notes") or ""
    for flag in ("is_customer", "is_supplier", "active"):
        if flag in data and data[flag] is None:
            raise ValidationFailed(
                _("%(field)s must be true or false.") % {"field": flag},
                fields={flag: _("Must be true or false.")},
            )
    data["parent_id"] = _clean_parent(
        company, data.get("parent_id"), kind=data["kind"], party_id=party_id
    )
    return data


def _duplicate_error(existing: Party, field: str, message: str) -> Conflict:
    return Conflict(
        message,
        code="party_duplicate",
        fields={field: message, "duplicate_of": str(existing.pk)},
    )


def _check_duplicates(
    company: Any,
    *,
    party_id: int | None,
    kind: str,
    parent_id: int | None,
    vat_number: str | None,
    name: str | None,
) -> None:
    """Raise ``party_duplicate`` when another party has this VAT number or name.

    ``None`` means "not changed, do not check". Organisations compare names
    across the company; persons only with the other contacts of their
    organisation (two Jean Martin at two customers are two people).
    """
    others = Party.objects.filter(company=company)
    if party_id is not None:
        others = others.exclude(pk=party_id)
    if vat_number:
        existing = others.filter(vat_number=vat_number).order_by("pk").first()
        if existing is not None:
            raise _duplicate_error(
                existing,
                "vat_number",
                _("%(name)s (#%(id)s) already has the VAT number %(vat)s.")
                % {"name": existing.name, "id": existing.pk, "vat": vat_number},
            )
    if name:
        key = domain.normalize_name(name)
        candidates = others.filter(name_key=key, kind=kind)
        if kind == Party.Kind.PERSON:
            candidates = candidates.filter(parent_id=parent_id)
        existing = candidates.order_by("pk").first()
        if existing is not None:
            raise _duplicate_error(
                existing,
                "name",
                _("%(name)s (#%(id)s) already has this name.")
                % {"name": existing.name, "id": existing.pk},
            )


def _get_or_create_tags(company: Any, names: Iterable[str]) -> list[Tag]:
    wanted: dict[str, str] = {}
    for raw in names:
        name = " ".join(str(raw).split())[:60]
        if name:
            wanted.setdefault(name.casefold(), name)
    if not wanted:
        return []
    existing = {t.name.casefold(): t for t in Tag.objects.filter(company=company)}
    tags = []
    for folded, name in wanted.items():
        tag = existing.get(folded)
        if tag is None:
            tag = Tag.objects.create(company=company, name=name)
        tags.append(tag)
    return tags


def _own(company: Any, obj: Any) -> None:
    """Refuse an object of another company as a 404 (never tell it exists)."""
    if obj is None or obj.company_id != company.pk:
        raise NotFound(_("Not found."))


# --------------------------------------------------------------------------- parties


@transaction.atomic
def party_create(
    *,
    actor: Any,
    company: Any,
    name: str,
    kind: str = Party.Kind.ORGANISATION,
    parent_id: int | None = None,
    is_customer: bool = False,
    is_supplier: bool = False,
    email: str = "",
    phone: str = "",
    website: str = "",
    vat_number: str = "",
    national_id: str = "",
    country: str = "",
    language: str = "",
    notes: str = "",
    tags: Iterable[str] = (),
    allow_duplicate: bool = False,
) -> Party:
    """Register a customer, supplier, prospect or contact person."""
    data = _clean_party_fields(
        company,
        {
            "kind": kind,
            "name": name,
            "parent_id": parent_id,
            "is_customer": bool(is_customer),
            "is_supplier": bool(is_supplier),
            "email": email,
            "phone": phone,
            "website": website,
            "vat_number": vat_number,
            "national_id": national_id,
            "country": country or company.country,
            "language": language,
            "notes": notes,
        },
        party_id=None,
    )
    if not allow_duplicate:
        _check_duplicates(
            company,
            party_id=None,
            kind=data["kind"],
            parent_id=data["parent_id"],
            vat_number=data["vat_number"],
            name=data["name"],
        )
    party = Party.objects.create(company=company, **data)
    tag_objs = _get_or_create_tags(company, tags)
    if tag_objs:
        party.tags.set(tag_objs)
    audit_record(actor=actor, action="party.create", obj=party)
    publish("PartyCreated", company=company, party_id=party.pk)
    return party


@transaction.atomic
def party_update(
    *, actor: Any, company: Any, party: Party, allow_duplicate: bool = False, **changes: Any
) -> Party:
    """Change some fields of a party (``tags`` replaces its tags)."""
    _own(company, party)
    if "parent" in changes:
        parent = changes.pop("parent")
        changes["parent_id"] = parent.pk if parent is not None else None
    tags = changes.pop("tags", None)
    unknown = set(changes) - PARTY_FIELDS
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            fields={name: _("Unknown field.") for name in unknown},
        )
    party = Party.objects.select_for_update().get(pk=party.pk)
    before = snapshot(party)
    current = {name: getattr(party, name) for name in PARTY_FIELDS}
    data = _clean_party_fields(company, {**current, **changes}, party_id=party.pk)
    data["active"] = bool(data["active"])
    changed = sorted(name for name in PARTY_FIELDS if data[name] != current[name])
    if (
        data["kind"] == Party.Kind.PERSON
        and party.kind == Party.Kind.ORGANISATION
        and party.contacts.exists()
    ):
        raise ValidationFailed(
            _("This organisation has contacts; it cannot become a person."),
            code="has_contacts",
            fields={"kind": _("Move its contacts first.")},
        )
    if not allow_duplicate:
        name_moved = domain.normalize_name(data["name"]) != party.name_key or bool(
            {"kind", "parent_id"} & set(changed)
        )
        _check_duplicates(
            company,
            party_id=party.pk,
            kind=data["kind"],
            parent_id=data["parent_id"],
            vat_number=data["vat_number"] if "vat_number" in changed else None,
            name=data["name"] if name_moved else None,
        )
    for name in changed:
        setattr(party, name, data[name])
    tags_changed = False
    if tags is not None:
        old = sorted(party.tags.values_list("name", flat=True))
        tag_objs = _get_or_create_tags(company, tags)
        if sorted(t.name for t in tag_objs) != old:
            party.tags.set(tag_objs)
            tags_changed = True
    if not changed and not tags_changed:
        return party
    party.save()
    audit_record(actor=actor, action="party.update", obj=party, before=before)
    publish(
        "PartyUpdated",
        company=company,
        party_id=party.pk,
        changed=changed + (["tags"] if tags_changed else []),
    )
    return party


@transaction.atomic
def party_archive(*, actor: Any, company: Any, party: Party) -> Party:
    """Take a party out of daily use; its history stays. Archiving twice changes nothing."""
    _own(company, party)
    party = Party.objects.select_for_update().get(pk=party.pk)
    if not party.active:
        return party
    before = snapshot(party)
    party.active = False
    party.save(update_fields=["active", "updated_at"])
    audit_record(
        actor=actor, action="party.archive", obj=party, before=before, after=snapshot(party)
    )
    publish("PartyUpdated", company=company, party_id=party.pk, changed=["active"])
    return party


@transaction.atomic
def contact_add(
    *,
    actor: Any,
    company: Any,
    organisation: Party,
    name: str,
    email: str = "",
    phone: str = "",
    language: str = "",
    notes: str = "",
    allow_duplicate: bool = False,
) -> Party:
    """Add a contact person under an organisation (country and language inherited)."""
    _own(company, organisation)
    if organisation.kind != Party.Kind.ORGANISATION:
        raise ValidationFailed(
            _("Contacts belong to organisations, not to persons."),
            code="invalid_parent",
            fields={"parent_id": _("Choose an organisation.")},
        )
    return party_create(
        actor=actor,
        company=company,
        kind=Party.Kind.PERSON,
        name=name,
        parent_id=organisation.pk,
        email=email,
        phone=phone,
        country=organisation.country,
        language=language or organisation.language,
        notes=notes,
        allow_duplicate=allow_duplicate,
    )


@transaction.atomic
def tag_create(*, actor: Any, company: Any, name: str) -> Tag:
    """Create a tag; its name is unique in the company."""
    clean = " ".join((name or "").split())[:60]
    if not clean:
        raise ValidationFailed(_("A tag needs a name."), fields={"name": _("Required.")})
    if Tag.objects.filter(company=company, name__iexact=clean).exists():
        raise Conflict(
            _("The tag %(name)s exists already.") % {"name": clean},
            code="tag_exists",
            fields={"name": _("This tag exists already.")},
        )
    tag = Tag.objects.create(company=company, name=clean)
    audit_record(actor=actor, action="tag.create", obj=tag, after={"name": clean})
    return tag


@transaction.atomic
def tag_set(*, actor: Any, company: Any, party: Party, names: Iterable[str]) -> list[Tag]:
    """Replace the tags of a party (missing tags are created)."""
    _own(company, party)
    before = sorted(party.tags.values_list("name", flat=True))
    tags = _get_or_create_tags(company, names)
    after = sorted(t.name for t in tags)
    if after != before:
        party.tags.set(tags)
        audit_record(
            actor=actor,
            action="party.tag_set",
            obj=party,
            before={"tags": before},
            after={"tags": after},
        )
        publish("PartyUpdated", company=company, party_id=party.pk, changed=["tags"])
    return tags


# --------------------------------------------------------------------------- addresses


def _refresh_city(party: Party) -> None:
    """Copy the city of the party's main address onto the party (lists, search)."""
    address = (
        Address.objects.filter(party=party)
        .exclude(city="")
        .order_by("-is_default", "kind", "pk")  # billing sorts first
        .first()
    )
    city = address.city if address else ""
    if party.city != city:
        party.city = city
        # An UPDATE: the SQLite full-text trigger re-indexes the row.
        Party.objects.filter(pk=party.pk).update(city=city)


def _clean_address(party: Party, company: Any, data: dict[str, Any]) -> dict[str, Any]:
    if data["kind"] not in Address.Kind.values:
        raise ValidationFailed(
            _("Unknown kind of address."),
            code="invalid_kind",
            fields={"kind": _("Choose billing, shipping or other.")},
        )
    for name in ("street", "street2", "postal_code", "city", "region"):
        data[name] = " ".join((data.get(name) or "").split())
    data["country"] = domain.normalize_country(
        data.get("country") or party.country or company.country
    )
    data["is_default"] = bool(data.get("is_default"))
    if not (data["street"] or data["city"] or data["postal_code"]):
        raise ValidationFailed(
            _("An address needs at least a street, a postal code or a city."),
            code="address_empty",
            fields={"street": _("Enter the street, postal code or city.")},
        )
    return data


def _make_default(address: Address) -> None:
    Address.objects.filter(party_id=address.party_id, kind=address.kind, is_default=True).exclude(
        pk=address.pk
    ).update(is_default=False)


@transaction.atomic
def address_add(
    *,
    actor: Any,
    company: Any,
    party: Party,
    kind: str = Address.Kind.BILLING,
    street: str = "",
    street2: str = "",
    postal_code: str = "",
    city: str = "",
    region: str = "",
    country: str = "",
    is_default: bool = False,
) -> Address:
    """Add an address; the first of its kind becomes the default one."""
    _own(company, party)
    data = _clean_address(
        party,
        company,
        {
            "kind": kind,
            "street": street,
            "street2": street2,
            "postal_code": postal_code,
            "city": city,
            "region": region,
            "country": country,
            "is_default": is_default,
        },
    )
    Party.objects.select_for_update().filter(pk=party.pk).first()
    if not Address.objects.filter(party=party, kind=data["kind"], is_default=True).exists():
        data["is_default"] = True
    elif data["is_default"]:
        Address.objects.filter(party=party, kind=data["kind"], is_default=True).update(
            is_default=False
        )
    address = Address.objects.create(company=company, party=party, **data)
    _refresh_city(party)
    audit_record(actor=actor, action="address.create", obj=address)
    publish("PartyUpdated", company=company, party_id=party.pk, changed=["addresses"])
    return address


@transaction.atomic
def address_update(*, actor: Any, company: Any, address: Address, **changes: Any) -> Address:
    """Change an address; making it the default unsets the previous default."""
    _own(company, address)
    unknown = set(changes) - ADDRESS_FIELDS
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            fields={name: _("Unknown field.") for name in unknown},
        )
    address = Address.objects.select_for_update().select_related("party").get(pk=address.pk)
    before = snapshot(address)
    current = {name: getattr(address, name) for name in ADDRESS_FIELDS}
    data = _clean_address(address.party, company, {**current, **changes})
    if current["is_default"] and not data["is_default"] and data["kind"] == current["kind"]:
        # Another address must take the default role, or this one keeps it.
        successor = (
            Address.objects.filter(party_id=address.party_id, kind=address.kind)
            .exclude(pk=address.pk)
            .order_by("pk")
            .first()
        )
        if successor is None:
            data["is_default"] = True
    for name, value in data.items():
        setattr(address, name, value)
    if address.is_default:
        _make_default(address)
    address.save()
    for kind in {current["kind"], address.kind}:
        _fill_default(address.party, kind)
    _refresh_city(address.party)
    audit_record(actor=actor, action="address.update", obj=address, before=before)
    publish("PartyUpdated", company=company, party_id=address.party_id, changed=["addresses"])
    return address


def _fill_default(party: Party, kind: str) -> None:
    """Give ``kind`` a default address again when it has addresses but no default."""
    addresses = Address.objects.filter(party=party, kind=kind)
    if not addresses.filter(is_default=True).exists():
        first = addresses.order_by("pk").first()
        if first is not None:
            Address.objects.filter(pk=first.pk).update(is_default=True)


@transaction.atomic
def address_remove(*, actor: Any, company: Any, address: Address) -> None:
    """Delete an address; another of its kind becomes the default."""
    _own(company, address)
    party = address.party
    before = snapshot(address)
    audit_record(actor=actor, action="address.delete", obj=address, before=before)
    kind = address.kind
    address.delete()
    _fill_default(party, kind)
    _refresh_city(party)
    publish("PartyUpdated", company=company, party_id=party.pk, changed=["addresses"])


# --------------------------------------------------------------------------- bank accounts


@transaction.atomic
def bank_account_add(
    *, actor: Any, company: Any, party: Party, iban: str, bic: str = "", bank_name: str = ""
) -> BankAccount:
    """Record a bank account; BIC and bank name come from the IBAN when known."""
    _own(company, party)
    iban = domain.validate_iban(iban)
    bic = domain.validate_bic(bic)
    known_bic, known_bank = domain.bank_of(iban)
    bic = bic or known_bic
    bank_name = " ".join((bank_name or "").split())[:200] or known_bank[:200]
    if BankAccount.objects.filter(party=party, iban=iban).exists():
        raise Conflict(
            _("This party already has this IBAN."),
            code="bank_account_exists",
            fields={"iban": _("This party already has this IBAN.")},
        )
    try:
        with transaction.atomic():
            account = BankAccount.objects.create(
                company=company, party=party, iban=iban, bic=bic, bank_name=bank_name
            )
    except IntegrityError:
        raise Conflict(
            _("This party already has this IBAN."),
            code="bank_account_exists",
            fields={"iban": _("This party already has this IBAN.")},
        ) from None
    audit_record(actor=actor, action="bank_account.create", obj=account)
    publish("PartyUpdated", company=company, party_id=party.pk, changed=["bank_accounts"])
    return account


@transaction.atomic
def bank_account_remove(*, actor: Any, company: Any, account: BankAccount) -> None:
    """Delete a bank account."""
    _own(company, account)
    party_id = account.party_id
    audit_record(actor=actor, action="bank_account.delete", obj=account, before=snapshot(account))
    account.delete()
    publish("PartyUpdated", company=company, party_id=party_id, changed=["bank_accounts"])
