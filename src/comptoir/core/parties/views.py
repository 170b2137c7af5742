"""Pages of parties: the list, a party's page, the forms to create and change."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.core.identity.access import page_access, page_company
from comptoir.core.kernel.errors import DomainError, NotFound
from comptoir.core.parties import selectors, services
from comptoir.core.parties.forms import AddressForm, BankAccountForm, ContactForm, PartyForm
from comptoir.core.parties.models import Address, Party
from comptoir.core.parties.schemas import PartyFilter
from comptoir.core.web.forms import apply_domain_error
from comptoir.core.web.lists import Column, FilterField, ListSpec, detail_fields, list_page

VIEW = "parties.view"
CHANGE = "parties.change"
MAX_ORGANISATION_CHOICES = 500


def _get_party(request: HttpRequest, pk: int) -> Party:
    try:
        return selectors.party_get(company=page_company(request), party_id=pk)
    except NotFound:
        raise Http404(_("No such party.")) from None


def _list_title(request: HttpRequest) -> Any:
    role = request.GET.get("role")
    if role == "customer":
        return _("Customers")
    if role == "supplier":
        return _("Suppliers")
    if request.GET.get("kind") == "person":
        return _("Contacts")
    return _("Parties")


def party_list_spec(title: Any) -> ListSpec:
    return ListSpec(
        title=title,
        columns=(
            Column("name", gettext_lazy("Name"), sortable=True, link=True),
            Column("kind", gettext_lazy("Kind")),
            Column(
                "parent",
                gettext_lazy("Organisation"),
                accessor=lambda p: p.parent.name if p.parent_id else None,
            ),
            Column("email", gettext_lazy("Email")),
            Column("phone", gettext_lazy("Phone")),
            Column("city", gettext_lazy("City")),
            Column("country", gettext_lazy("Country")),
            Column("vat_number", gettext_lazy("VAT number")),
            Column("is_customer", gettext_lazy("Customer")),
            Column("is_supplier", gettext_lazy("Supplier")),
            Column("created_at", gettext_lazy("Created"), sortable=True),
        ),
        filter_schema=PartyFilter,
        filters=(
            FilterField("q", gettext_lazy("Search")),
            FilterField("kind", gettext_lazy("Kind"), tuple(Party.Kind.choices)),
            FilterField("country", gettext_lazy("Country")),
            FilterField("tag", gettext_lazy("Tag")),
            FilterField(
                "active",
                gettext_lazy("Status"),
                (("true", gettext_lazy("Active")), ("false", gettext_lazy("Archived"))),
            ),
        ),
        orderings=("name", "created_at", "pk"),
        default_ordering="name",
        detail_url=lambda p: reverse("parties:party_detail", args=[p.pk]),
        create_url=reverse("parties:party_create"),
        create_permission=CHANGE,
        export_name="parties",
    )


@page_access(VIEW)
def party_list(request: HttpRequest) -> HttpResponse:
    company = page_company(request)
    queryset = selectors.party_list(company=company).prefetch_related(None)
    return list_page(request, party_list_spec(_list_title(request)), queryset)


@page_access(VIEW)
def party_detail(request: HttpRequest, pk: int) -> HttpResponse:
    party = _get_party(request, pk)
    company = page_company(request)
    can_change = request.user.has_perm(CHANGE)
    names = [
        "kind",
        "parent",
        "is_customer",
        "is_supplier",
        "email",
        "phone",
        "website",
        "vat_number",
        "national_id",
        "country",
        "language",
        "active",
        "notes",
    ]
    fields = detail_fields(party, names)
    fields.append((_("Tags"), ", ".join(t.name for t in party.tags.all())))
    duplicates = list(selectors.party_duplicates(company=company, party=party)[:10])
    return render(
        request,
        "parties/party_detail.html",
        {
            "object": party,
            "party": party,
            "fields": fields,
            "contacts": list(selectors.contact_list(company=company, party=party).order_by("name")),
            "addresses": list(selectors.address_list(company=company, party=party)),
            "bank_accounts": list(selectors.bank_account_list(company=company, party=party)),
            "duplicates": duplicates,
            "can_change": can_change,
            "edit_url": reverse("parties:party_edit", args=[party.pk]) if can_change else None,
            "timeline_object": party,
        },
    )


def _organisations(company: Any, current: Party | None = None) -> list[tuple[int, str]]:
    orgs = selectors.organisation_choices(company=company).order_by("name")
    if current is not None:
        orgs = orgs.exclude(pk=current.pk)
    choices = [(p.pk, p.name) for p in orgs[:MAX_ORGANISATION_CHOICES]]
    parent = current.parent if current is not None else None
    if parent is not None and parent.pk not in dict(choices):
        choices.append((parent.pk, parent.name))
    return choices


def _render_form(request: HttpRequest, form: Any, *, title: str, cancel_url: str) -> HttpResponse:
    return render(
        request, "parties/form.html", {"form": form, "title": title, "cancel_url": cancel_url}
    )


def _apply_error(form: Any, exc: DomainError) -> None:
    """Show a domain error on the form; a duplicate also offers the override box."""
    fields = dict(exc.fields)
    if exc.code == "party_duplicate":
        form.offer_duplicate()
        existing = fields.pop("duplicate_of", None)
        form.duplicate_of = existing[0] if existing else None
        exc = type(exc)(exc.message, code=exc.code, fields=fields)
    if "parent_id" in exc.fields:
        exc.fields["parent"] = exc.fields.pop("parent_id")
    apply_domain_error(form, exc)


@page_access(CHANGE)
def party_create(request: HttpRequest) -> HttpResponse:
    company = page_company(request)
    initial: dict[str, Any] = {"country": company.country}
    if request.GET.get("kind") in Party.Kind.values:
        initial["kind"] = request.GET["kind"]
    if request.GET.get("role") == "customer":
        initial["is_customer"] = True
    if request.GET.get("role") == "supplier":
        initial["is_supplier"] = True
    form = PartyForm(request.POST or None, initial=initial, organisations=_organisations(company))
    if request.method == "POST" and form.is_valid():
        try:
            party = services.party_create(
                actor=request.user, company=company, **form.service_data()
            )
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": party.name})
            return redirect(party.get_absolute_url())
    return _render_form(
        request,
        form,
        title=_("New party"),
        cancel_url=reverse("parties:party_list"),
    )


@page_access(CHANGE)
def party_edit(request: HttpRequest, pk: int) -> HttpResponse:
    party = _get_party(request, pk)
    company = page_company(request)
    initial = {
        "kind": party.kind,
        "name": party.name,
        "parent": party.parent_id,
        "is_customer": party.is_customer,
        "is_supplier": party.is_supplier,
        "email": party.email,
        "phone": party.phone,
        "website": party.website,
        "vat_number": party.vat_number,
        "national_id": party.national_id,
        "country": party.country,
        "language": party.language,
        "tags": ", ".join(t.name for t in party.tags.all()),
        "notes": party.notes,
    }
    form = PartyForm(
        request.POST or None, initial=initial, organisations=_organisations(company, party)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.party_update(
                actor=request.user, company=company, party=party, **form.service_data()
            )
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(party.get_absolute_url())
    return _render_form(
        request,
        form,
        title=_("Edit %(name)s") % {"name": party.name},
        cancel_url=party.get_absolute_url(),
    )


@page_access(CHANGE)
@require_POST
def party_archive(request: HttpRequest, pk: int) -> HttpResponse:
    party = _get_party(request, pk)
    services.party_archive(actor=request.user, company=page_company(request), party=party)
    messages.success(request, _("%(name)s was archived.") % {"name": party.name})
    return redirect(party.get_absolute_url())


@page_access(CHANGE)
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _get_party(request, pk)
    company = page_company(request)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_add(
                actor=request.user,
                company=company,
                organisation=organisation,
                **form.service_data(),
            )
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Contact added."))
            return redirect(organisation.get_absolute_url())
    return _render_form(
        request,
        form,
        title=_("New contact at %(name)s") % {"name": organisation.name},
        cancel_url=organisation.get_absolute_url(),
    )


@page_access(CHANGE)
def address_create(request: HttpRequest, pk: int) -> HttpResponse:
    party = _get_party(request, pk)
    company = page_company(request)
    form = AddressForm(request.POST or None, initial={"country": party.country or company.country})
    if request.method == "POST" and form.is_valid():
        try:
            services.address_add(
                actor=request.user, company=company, party=party, **form.cleaned_data
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Address added."))
            return redirect(party.get_absolute_url())
    return _render_form(
        request,
        form,
        title=_("New address for %(name)s") % {"name": party.name},
        cancel_url=party.get_absolute_url(),
    )


def _get_address(request: HttpRequest, pk: int) -> Address:
    try:
        return selectors.address_get(company=page_company(request), address_id=pk)
    except NotFound:
        raise Http404(_("No such address.")) from None


@page_access(CHANGE)
def address_edit(request: HttpRequest, pk: int) -> HttpResponse:
    address = _get_address(request, pk)
    company = page_company(request)
    initial = {
        name: getattr(address, name)
        for name in (
            "kind",
            "street",
            "street2",
            "postal_code",
            "city",
            "region",
            "country",
            "is_default",
        )
    }
    form = AddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_update(
                actor=request.user, company=company, address=address, **form.cleaned_data
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(address.party.get_absolute_url())
    return _render_form(
        request,
        form,
        title=_("Edit address of %(name)s") % {"name": address.party.name},
        cancel_url=address.party.get_absolute_url(),
    )


@page_access(CHANGE)
@require_POST
def address_delete(request: HttpRequest, pk: int) -> HttpResponse:
    address = _get_address(request, pk)
    party = address.party
    services.address_remove(actor=request.user, company=page_company(request), address=address)
    messages.success(request, _("Address removed."))
    return redirect(party.get_absolute_url())


@page_access(CHANGE)
def bank_account_create(request: HttpRequest, pk: int) -> HttpResponse:
    party = _get_party(request, pk)
    company = page_company(request)
    form = BankAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.bank_account_add(
                actor=request.user, company=company, party=party, **form.cleaned_data
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Bank account added."))
            return redirect(party.get_absolute_url())
    return _render_form(
        request,
        form,
        title=_("New bank account for %(name)s") % {"name": party.name},
        cancel_url=party.get_absolute_url(),
    )


@page_access(CHANGE)
@require_POST
def bank_account_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        account = selectors.bank_account_get(company=page_company(request), account_id=pk)
    except NotFound:
        raise Http404(_("No such bank account.")) from None
    party = account.party
    services.bank_account_remove(actor=request.user, company=page_company(request), account=account)
    messages.success(request, _("Bank account removed."))
    return redirect(party.get_absolute_url())
