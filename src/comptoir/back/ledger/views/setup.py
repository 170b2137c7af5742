"""Pages of the ledger's set-up: the chart of accounts, the journals and the taxes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.back.ledger import selectors, services
from comptoir.back.ledger.forms import AccountForm, JournalForm, TaxForm
from comptoir.back.ledger.models import Account, Journal, Tax
from comptoir.back.ledger.schemas import AccountFilter, JournalFilter, TaxFilter
from comptoir.core.identity.access import page_access, page_company
from comptoir.core.kernel.errors import DomainError, NotFound
from comptoir.core.web.forms import apply_domain_error
from comptoir.core.web.lists import Column, FilterField, ListSpec, list_page

VIEW = "ledger.view"
CHANGE = "ledger.change"
FORM_TEMPLATE = "ledger/setup/form.html"
BOOLEAN_CHOICES = (("true", gettext_lazy("Yes")), ("false", gettext_lazy("No")))


def _render_form(request: HttpRequest, form: Any, **context: Any) -> HttpResponse:
    return render(request, FORM_TEMPLATE, {"form": form, **context})


def _no_ledger_notice(request: HttpRequest, company: Any) -> None:
    if request.GET.get("cursor") or request.GET.get("format"):
        return  # a further page or a download: the notice was shown with the first page
    if selectors.settings_get(company=company) is None:
        messages.info(request, _("This company has no books yet: its ledger is not set up."))


# --------------------------------------------------------------------------- accounts


def _get_account(request: HttpRequest, pk: int) -> Account:
    try:
        return selectors.account_get(company=page_company(request), account_id=pk)
    except NotFound:
        raise Http404(_("No such account.")) from None


def _balance(account: Account) -> Any:
    debit = getattr(account, "balance_debit", None)
    credit = getattr(account, "balance_credit", None)
    return None if debit is None or credit is None else debit - credit


def account_list_spec() -> ListSpec:
    return ListSpec(
        title=gettext_lazy("Chart of accounts"),
        columns=(
            Column("code", gettext_lazy("Code"), sortable=True, link=True),
            Column("name", gettext_lazy("Name"), sortable=True),
            Column("type", gettext_lazy("Type")),
            Column("reconcilable", gettext_lazy("Reconcilable")),
            Column("deprecated", gettext_lazy("Deprecated")),
            Column("balance", gettext_lazy("Balance"), accessor=_balance),
        ),
        filter_schema=AccountFilter,
        filters=(
            FilterField("q", gettext_lazy("Code or name")),
            FilterField("type", gettext_lazy("Type"), tuple(Account.Type.choices)),
            FilterField("deprecated", gettext_lazy("Deprecated"), BOOLEAN_CHOICES),
        ),
        orderings=("code", "name"),
        default_ordering="code",
        detail_url=lambda a: reverse("ledger:account_edit", args=[a.pk]),
        create_url=reverse("ledger:account_create"),
        create_permission=CHANGE,
        export_name="accounts",
    )


@page_access(VIEW)
def account_list(request: HttpRequest) -> HttpResponse:
    company = page_company(request)
    _no_ledger_notice(request, company)
    queryset = selectors.account_list(company=company, with_balance=True)
    return list_page(request, account_list_spec(), queryset)


@page_access(CHANGE)
def account_create(request: HttpRequest) -> HttpResponse:
    company = page_company(request)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_create(
                actor=request.user, company=company, **form.cleaned_data
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The account %(code)s was created.") % {"code": account})
            return redirect("ledger:account_list")
    return _render_form(
        request, form, title=_("New account"), cancel_url=reverse("ledger:account_list")
    )


@page_access(CHANGE)
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = _get_account(request, pk)
    company = page_company(request)
    used = services.account_is_used(account)
    initial = {
        "code": account.code,
        "name": account.name,
        "type": account.type,
        "reconcilable": account.reconcilable,
    }
    form = AccountForm(request.POST or None, initial=initial, fixed=used)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if used:
            data.pop("code", None)
            data.pop("type", None)
        try:
            services.account_update(actor=request.user, company=company, account=account, **data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("ledger:account_list")
    return _render_form(
        request,
        form,
        title=_("Account %(account)s") % {"account": account},
        cancel_url=reverse("ledger:account_list"),
        account=account,
        used=used,
    )


def _account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    account = _get_account(request, pk)
    company = page_company(request)
    try:
        if action == "deprecate":
            services.account_deprecate(actor=request.user, company=company, account=account)
            messages.success(request, _("%(account)s is deprecated.") % {"account": account})
        elif action == "restore":
            services.account_restore(actor=request.user, company=company, account=account)
            messages.success(request, _("%(account)s is in use again.") % {"account": account})
        else:
            services.account_delete(actor=request.user, company=company, account=account)
            messages.success(request, _("%(account)s was deleted.") % {"account": account})
            return redirect("ledger:account_list")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("ledger:account_edit", pk=account.pk)


@page_access(CHANGE)
@require_POST
def account_deprecate(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_action(request, pk, "deprecate")


@page_access(CHANGE)
@require_POST
def account_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_action(request, pk, "restore")


@page_access(CHANGE)
@require_POST
def account_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_action(request, pk, "delete")


def _account_choices(
    company: Any, *, types: tuple[str, ...] = (), current: tuple[Account | None, ...] = ()
) -> list[tuple[int, str]]:
    accounts = selectors.account_choices(company=company)
    if types:
        accounts = accounts.filter(type__in=types)
    choices = [(a.pk, f"{a.code} {a.name}") for a in accounts]
    known = {pk for pk, _label in choices}
    for account in current:
        if account is not None and account.pk not in known:
            choices.append((account.pk, f"{account.code} {account.name}"))
    return choices


# --------------------------------------------------------------------------- journals


def _get_journal(request: HttpRequest, pk: int) -> Journal:
    try:
        return selectors.journal_get(company=page_company(request), journal_id=pk)
    except NotFound:
        raise Http404(_("No such journal.")) from None


def journal_list_spec() -> ListSpec:
    return ListSpec(
        title=gettext_lazy("Journals"),
        columns=(
            Column("code", gettext_lazy("Code"), sortable=True, link=True),
            Column("name", gettext_lazy("Name")),
            Column("kind", gettext_lazy("Kind")),
            Column(
                "account",
                gettext_lazy("Account"),
                accessor=lambda j: str(j.account) if j.account_id else None,
            ),
            Column("active", gettext_lazy("Active")),
        ),
        filter_schema=JournalFilter,
        filters=(
            FilterField("q", gettext_lazy("Code or name")),
            FilterField("kind", gettext_lazy("Kind"), tuple(Journal.Kind.choices)),
            FilterField("active", gettext_lazy("Active"), BOOLEAN_CHOICES),
        ),
        orderings=("code",),
        default_ordering="code",
        detail_url=lambda j: reverse("ledger:journal_edit", args=[j.pk]),
        create_url=reverse("ledger:journal_create"),
        create_permission=CHANGE,
        export_name="journals",
    )


@page_access(VIEW)
def journal_list(request: HttpRequest) -> HttpResponse:
    company = page_company(request)
    _no_ledger_notice(request, company)
    return list_page(request, journal_list_spec(), selectors.journal_list(company=company))


@page_access(CHANGE)
def journal_create(request: HttpRequest) -> HttpResponse:
    company = page_company(request)
    form = JournalForm(
        request.POST or None,
        initial={"active": True},
        accounts=_account_choices(company, types=("bank", "cash")),
    )
    if request.method == "POST" and form.is_valid():
        try:
            journal = services.journal_create(
                actor=request.user, company=company, **form.cleaned_data
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The journal %(code)s was created.") % {"code": journal})
            return redirect("ledger:journal_list")
    return _render_form(
        request, form, title=_("New journal"), cancel_url=reverse("ledger:journal_list")
    )


@page_access(CHANGE)
def journal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    journal = _get_journal(request, pk)
    company = page_company(request)
    initial = {
        "code": journal.code,
        "name": journal.name,
        "kind": journal.kind,
        "account": journal.account_id,
        "active": journal.active,
    }
    form = JournalForm(
        request.POST or None,
        initial=initial,
        editing=True,
        accounts=_account_choices(company, types=("bank", "cash"), current=(journal.account,)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.journal_update(
                actor=request.user,
                company=company,
                journal=journal,
                name=data["name"],
                active=data["active"],
                account=data["account"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("ledger:journal_list")
    return _render_form(
        request,
        form,
        title=_("Journal %(journal)s") % {"journal": journal},
        cancel_url=reverse("ledger:journal_list"),
    )


# --------------------------------------------------------------------------- taxes


def _get_tax(request: HttpRequest, pk: int) -> Tax:
    try:
        return selectors.tax_get(company=page_company(request), tax_id=pk)
    except NotFound:
        raise Http404(_("No such tax.")) from None


def _validity(tax: Tax) -> str:
    if tax.valid_from is None and tax.valid_to is None:
        return str(_("always"))
    start = tax.valid_from.isoformat() if tax.valid_from else "…"
    end = tax.valid_to.isoformat() if tax.valid_to else "…"
    return f"{start} → {end}"


def _boxes(tax: Tax) -> str:
    return " / ".join(b for b in (tax.base_box, tax.tax_box, tax.deductible_box) if b)


def tax_list_spec() -> ListSpec:
    return ListSpec(
        title=gettext_lazy("Taxes"),
        columns=(
            Column("code", gettext_lazy("Code"), sortable=True, link=True),
            Column("name", gettext_lazy("Name")),
            Column("rate", gettext_lazy("Rate (%)")),
            Column("scope", gettext_lazy("Scope")),
            Column("kind", gettext_lazy("Kind")),
            Column("price_included", gettext_lazy("Price includes tax")),
            Column(
                "account",
                gettext_lazy("Account"),
                accessor=lambda t: t.account.code if t.account_id else None,
            ),
            Column("validity", gettext_lazy("Valid"), accessor=_validity),
            Column("boxes", gettext_lazy("Return boxes"), accessor=_boxes),
            Column("active", gettext_lazy("Active")),
        ),
        filter_schema=TaxFilter,
        filters=(
            FilterField("q", gettext_lazy("Code or name")),
            FilterField("scope", gettext_lazy("Scope"), tuple(Tax.Scope.choices)),
            FilterField("kind", gettext_lazy("Kind"), tuple(Tax.Kind.choices)),
            FilterField("valid_on", gettext_lazy("Valid on (YYYY-MM-DD)")),
        ),
        orderings=("code",),
        default_ordering="code",
        detail_url=lambda t: reverse("ledger:tax_edit", args=[t.pk]),
        create_url=reverse("ledger:tax_create"),
        create_permission=CHANGE,
        export_name="taxes",
    )


@page_access(VIEW)
def tax_list(request: HttpRequest) -> HttpResponse:
    company = page_company(request)
    _no_ledger_notice(request, company)
    return list_page(request, tax_list_spec(), selectors.tax_list(company=company))


def _tax_data(form: TaxForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    for name in ("base_box", "tax_box", "deductible_box"):
        data[name] = (data.get(name) or "").strip()
    return data


@page_access(CHANGE)
def tax_create(request: HttpRequest) -> HttpResponse:
    company = page_company(request)
    form = TaxForm(
        request.POST or None,
        initial={"active": True, "kind": "standard"},
        accounts=_account_choices(company),
    )
    if request.method == "POST" and form.is_valid():
        try:
            tax = services.tax_create(actor=request.user, company=company, **_tax_data(form))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The tax %(tax)s was created.") % {"tax": tax})
            return redirect("ledger:tax_list")
    return _render_form(request, form, title=_("New tax"), cancel_url=reverse("ledger:tax_list"))


@page_access(CHANGE)
def tax_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tax = _get_tax(request, pk)
    company = page_company(request)
    fixed = services.tax_is_used(tax)
    initial = {name: getattr(tax, name) for name in services.TAX_FIELDS}
    initial["account"] = tax.account_id
    initial["counterpart_account"] = tax.counterpart_account_id
    form = TaxForm(
        request.POST or None,
        initial=initial,
        fixed=fixed,
        accounts=_account_choices(company, current=(tax.account, tax.counterpart_account)),
    )
    if request.method == "POST" and form.is_valid():
        data = _tax_data(form)
        if fixed:
            for name in services.TAX_FIXED:
                data.pop(name, None)
        try:
            services.tax_update(actor=request.user, company=company, tax=tax, **data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("ledger:tax_list")
    return _render_form(
        request,
        form,
        title=_("Tax %(tax)s") % {"tax": tax},
        cancel_url=reverse("ledger:tax_list"),
    )


urlpatterns = [
    path("accounts/", account_list, name="account_list"),
    path("accounts/new/", account_create, name="account_create"),
    path("accounts/<int:pk>/edit/", account_edit, name="account_edit"),
    path("accounts/<int:pk>/deprecate/", account_deprecate, name="account_deprecate"),
    path("accounts/<int:pk>/restore/", account_restore, name="account_restore"),
    path("accounts/<int:pk>/delete/", account_delete, name="account_delete"),
    path("journals/", journal_list, name="journal_list"),
    path("journals/new/", journal_create, name="journal_create"),
    path("journals/<int:pk>/edit/", journal_edit, name="journal_edit"),
    path("taxes/", tax_list, name="tax_list"),
    path("taxes/new/", tax_create, name="tax_create"),
    path("taxes/<int:pk>/edit/", tax_edit, name="tax_edit"),
]
