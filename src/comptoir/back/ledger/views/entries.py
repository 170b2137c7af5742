"""Pages of journal entries: the list, an entry's page, the manual entry form, posting,
reversing, deleting a draft, and the opening-balance import."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.back.ledger import imports, selectors, services
from comptoir.back.ledger.forms import (
    ACCOUNT_LIST_ID,
    LINES_PREFIX,
    PARTY_LIST_ID,
    EntryForm,
    LineFormSet,
    OpeningImportForm,
    ReverseForm,
    amounts_imbalance,
    party_key,
)
from comptoir.back.ledger.models import Entry
from comptoir.back.ledger.schemas import EntryFilter
from comptoir.core.identity.access import page_access, page_company
from comptoir.core.kernel.errors import DomainError, NotFound
from comptoir.core.web.forms import apply_domain_error
from comptoir.core.web.lists import Column, FilterField, ListSpec, list_page

VIEW = "ledger.view"
CHANGE = "ledger.change"
BLANK_ROWS = 4
MAX_PARTY_CHOICES = 1000
HEADER_FIELDS = ("journal", "date", "label", "ref")
LINE_FIELDS = ("account", "party", "label", "debit", "credit", "tax", "tax_role")


def _get_entry(request: HttpRequest, pk: int) -> Entry:
    try:
        return selectors.entry_get(company=page_company(request), entry_id=pk)
    except NotFound:
        raise Http404(_("No such entry.")) from None


# --------------------------------------------------------------------------- list


def entry_list_spec(journals: list[tuple[str, str]]) -> ListSpec:
    return ListSpec(
        title=gettext_lazy("Journal entries"),
        columns=(
            Column("date", gettext_lazy("Date"), sortable=True),
            Column("number", gettext_lazy("Number"), sortable=True, link=True, accessor=str),
            Column("journal", gettext_lazy("Journal"), accessor=lambda e: e.journal.code),
            Column("label", gettext_lazy("Label")),
            Column("ref", gettext_lazy("Reference")),
            Column("state", gettext_lazy("State")),
            Column("total", gettext_lazy("Amount")),
        ),
        filter_schema=EntryFilter,
        filters=(
            FilterField("q", gettext_lazy("Number, label or reference")),
            FilterField("journal", gettext_lazy("Journal"), tuple(journals)),
            FilterField("state", gettext_lazy("State"), tuple(Entry.State.choices)),
            FilterField("period", gettext_lazy("Period (YYYY-MM)")),
            FilterField("date_from", gettext_lazy("From (YYYY-MM-DD)")),
            FilterField("date_to", gettext_lazy("To (YYYY-MM-DD)")),
            FilterField("account", gettext_lazy("Account")),
        ),
        orderings=("date", "number"),
        default_ordering="-date",
        detail_url=lambda e: reverse("ledger:entry_detail", args=[e.pk]),
        create_url=reverse("ledger:entry_create"),
        create_permission=CHANGE,
        export_name="entries",
    )


@page_access(VIEW)
def entry_list(request: HttpRequest) -> HttpResponse:
    company = page_company(request)
    journals = [(j.code, f"{j.code} {j.name}") for j in selectors.journal_list(company=company)]
    return list_page(
        request,
        entry_list_spec(journals),
        selectors.entry_list(company=company),
        template="ledger/entries/list.html",
        extra={"can_change": request.user.has_perm(CHANGE)},
    )


# --------------------------------------------------------------------------- detail


@page_access(VIEW)
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry(request, pk)
    lines = list(entry.lines.all())
    debit = sum((ln.debit for ln in lines), Decimal(0))
    credit = sum((ln.credit for ln in lines), Decimal(0))
    can_change = request.user.has_perm(CHANGE)
    reversed_by = getattr(entry, "reversed_by", None)
    return render(
        request,
        "ledger/entries/detail.html",
        {
            "entry": entry,
            "object": entry,
            "lines": lines,
            "debit": debit,
            "credit": credit,
            "reversed_by": reversed_by,
            "can_change": can_change,
            "can_post": can_change and not entry.is_posted,
            "can_reverse": can_change
            and entry.is_posted
            and reversed_by is None
            and entry.reversal_of_id is None,
        },
    )


# --------------------------------------------------------------------------- the entry form


def _form_choices(company: Any, entry: Entry | None) -> dict[str, Any]:
    journals = selectors.journal_list(company=company).filter(active=True)
    journal_choices = [(j.pk, f"{j.code} {j.name}") for j in journals]
    if entry is not None and entry.journal_id not in {pk for pk, _label in journal_choices}:
        journal_choices.append((entry.journal_id, str(entry.journal)))
    date = entry.date if entry is not None else timezone.localdate()
    taxes = selectors.tax_list(company=company, valid_on=date).filter(active=True)
    tax_choices = [(t.pk, f"{t.code} · {t.rate.normalize():f} %") for t in taxes]
    if entry is not None:
        known = {pk for pk, _label in tax_choices}
        for line in entry.lines.all():
            if line.tax is not None and line.tax.pk not in known:
                tax_choices.append((line.tax.pk, line.tax.code))
                known.add(line.tax.pk)
    return {"journals": journal_choices, "taxes": tax_choices}


def _datalists(company: Any) -> dict[str, Any]:
    from comptoir.core.parties.models import Party

    parties = (
        Party.objects.filter(company=company, active=True)
        .order_by("name")
        .only("pk", "name")[:MAX_PARTY_CHOICES]
    )
    return {
        "accounts": list(selectors.account_choices(company=company)),
        "parties": [party_key(p) for p in parties],
        "account_list_id": ACCOUNT_LIST_ID,
        "party_list_id": PARTY_LIST_ID,
    }


def _line_initial(entry: Entry) -> list[dict[str, Any]]:
    return [
        {
            "account": ln.account.code,
            "party": party_key(ln.party) if ln.party_id else "",
            "label": ln.label,
            "debit": ln.debit or None,
            "credit": ln.credit or None,
            "tax": ln.tax_id,
            "tax_role": ln.tax_role,
        }
        for ln in entry.lines.all()
    ]


def _with_one_more_row(data: Any) -> Any:
    data = data.copy()
    key = f"{LINES_PREFIX}-TOTAL_FORMS"
    try:
        total = int(data.get(key, "0"))
    except ValueError:
        total = 0
    data[key] = str(min(total + 1, 1000))
    return data


def _apply_entry_error(
    form: EntryForm, formset: Any, rows: list[int], exc: DomainError
) -> list[str]:
    """Put each reason of ``exc`` on its field (header or line row); answer the reasons
    that belong to the entry as a whole."""
    if exc.code == "entry_unbalanced":
        return [exc.message]
    general: list[str] = []
    for name, reasons in exc.fields.items():
        parts = name.split(".")
        if name in HEADER_FIELDS:
            for reason in reasons:
                form.add_error(name, reason)
        elif len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
            index = int(parts[1])
            field = "party" if parts[2] in ("party", "party_id") else parts[2]
            if index < len(rows) and field in LINE_FIELDS:
                for reason in reasons:
                    formset.forms[rows[index]].add_error(field, reason)
            else:
                general.extend(reasons)
        else:
            general.extend(reasons)
    return general or [exc.message]


@transaction.atomic
def _save(
    request: HttpRequest,
    company: Any,
    entry: Entry | None,
    form: EntryForm,
    drafts: list[Any],
    *,
    post: bool,
) -> Entry:
    """Write the form's entry (and post it when asked), in one transaction."""
    header = form.cleaned_data
    if entry is None:
        return services.entry_create(
            actor=request.user,
            company=company,
            journal=header["journal"],
            date=header["date"],
            label=header["label"],
            ref=header["ref"],
            lines=drafts,
            post=post,
        )
    saved = services.entry_update(
        actor=request.user,
        company=company,
        entry=entry,
        journal=header["journal"],
        date=header["date"],
        label=header["label"],
        ref=header["ref"],
        lines=drafts,
    )
    if post:
        saved = services.entry_post(actor=request.user, company=company, entry=saved)
    return saved


def _entry_form(request: HttpRequest, entry: Entry | None) -> HttpResponse:
    """The manual entry form, for a new entry or a draft."""
    company = page_company(request)
    choices = _form_choices(company, entry)
    if entry is None:
        initial: dict[str, Any] = {"date": timezone.localdate()}
        od = next((pk for pk, label in choices["journals"] if label.startswith("OD ")), None)
        if od is not None:
            initial["journal"] = od
        line_initial: list[dict[str, Any]] = [{} for _i in range(BLANK_ROWS)]
    else:
        initial = {
            "journal": entry.journal_id,
            "date": entry.date,
            "label": entry.label,
            "ref": entry.ref,
        }
        line_initial = [*_line_initial(entry), {}]
    action = request.POST.get("action", "draft") if request.method == "POST" else ""
    data = request.POST if request.method == "POST" else None
    if action == "add_line":
        data = _with_one_more_row(request.POST)
    form = EntryForm(data, initial=initial, journals=choices["journals"])
    formset = LineFormSet(data, initial=line_initial, prefix=LINES_PREFIX, taxes=choices["taxes"])
    errors: list[str] = []
    checked: Decimal | None = None
    if request.method == "POST" and action in ("draft", "post", "check"):
        header_ok = form.is_valid()
        lines_ok = formset.is_valid()
        if lines_ok:
            checked = amounts_imbalance(formset)
        if header_ok and lines_ok and action in ("draft", "post"):
            rows = [index for index, _line in formset.lines()]
            drafts = [line for _index, line in formset.lines()]
            try:
                saved = _save(request, company, entry, form, drafts, post=action == "post")
            except DomainError as exc:
                errors = _apply_entry_error(form, formset, rows, exc)
            else:
                if saved.is_posted:
                    messages.success(
                        request, _("The entry %(number)s is posted.") % {"number": saved.number}
                    )
                else:
                    messages.success(request, _("The draft is saved."))
                return redirect("ledger:entry_detail", pk=saved.pk)
    return render(
        request,
        "ledger/entries/form.html",
        {
            "title": _("New entry")
            if entry is None
            else _("Edit draft %(entry)s") % {"entry": entry},
            "entry": entry,
            "form": form,
            "formset": formset,
            "errors": errors,
            "checked": checked,
            "cancel_url": reverse("ledger:entry_list")
            if entry is None
            else reverse("ledger:entry_detail", args=[entry.pk]),
            **_datalists(company),
        },
    )


@page_access(CHANGE)
def entry_create(request: HttpRequest) -> HttpResponse:
    return _entry_form(request, None)


@page_access(CHANGE)
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry(request, pk)
    if entry.is_posted:
        messages.error(request, _("A posted entry cannot be changed; reverse it instead."))
        return redirect("ledger:entry_detail", pk=entry.pk)
    return _entry_form(request, entry)


# --------------------------------------------------------------------------- commands


@page_access(CHANGE)
@require_POST
def entry_post(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry(request, pk)
    try:
        posted = services.entry_post(actor=request.user, company=page_company(request), entry=entry)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The entry %(number)s is posted.") % {"number": posted.number})
    return redirect("ledger:entry_detail", pk=entry.pk)


@page_access(CHANGE)
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry(request, pk)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = services.entry_reverse(
                actor=request.user,
                company=page_company(request),
                entry=entry,
                date=form.cleaned_data["date"],
                label=form.cleaned_data["label"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(number)s reverses %(original)s.")
                % {"number": reversal.number, "original": entry.number},
            )
            return redirect("ledger:entry_detail", pk=reversal.pk)
    return render(
        request,
        "ledger/entries/reverse.html",
        {"entry": entry, "form": form, "title": _("Reverse %(entry)s") % {"entry": entry}},
    )


@page_access(CHANGE)
@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry(request, pk)
    try:
        services.entry_delete(actor=request.user, company=page_company(request), entry=entry)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ledger:entry_detail", pk=entry.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("ledger:entry_list")


# --------------------------------------------------------------------------- opening import


@page_access(CHANGE)
def opening_import(request: HttpRequest) -> HttpResponse:
    company = page_company(request)
    form = OpeningImportForm(request.POST or None, request.FILES or None)
    rejected: list[imports.RowError] = []
    problem = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = imports.opening_import_csv(
                actor=request.user,
                company=company,
                data=upload.read(),
                date=form.cleaned_data["date"],
                label=form.cleaned_data["label"],
            )
        except imports.ImportRejected as exc:
            rejected = exc.rejected
            problem = exc.message
        except DomainError as exc:
            problem = exc.message
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(rows)d opening balances posted as %(number)s.")
                % {"rows": result.rows, "number": result.entry.number},
            )
            return redirect("ledger:entry_detail", pk=result.entry.pk)
    return render(
        request,
        "ledger/entries/import.html",
        {
            "title": _("Import opening balances"),
            "form": form,
            "rejected": rejected,
            "problem": problem,
            "columns": imports.COLUMNS,
        },
    )


@page_access(CHANGE)
def opening_import_sample(request: HttpRequest) -> HttpResponse:
    settings = selectors.settings_get(company=page_company(request))
    response = HttpResponse(
        imports.sample_csv(settings.chart if settings else None),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="opening-balances.csv"'
    return response


urlpatterns = [
    path("entries/", entry_list, name="entry_list"),
    path("entries/new/", entry_create, name="entry_create"),
    path("entries/import-opening/", opening_import, name="opening_import"),
    path("entries/import-opening/sample.csv", opening_import_sample, name="opening_import_sample"),
    path("entries/<int:pk>/", entry_detail, name="entry_detail"),
    path("entries/<int:pk>/edit/", entry_edit, name="entry_edit"),
    path("entries/<int:pk>/post/", entry_post, name="entry_post"),
    path("entries/<int:pk>/reverse/", entry_reverse, name="entry_reverse"),
    path("entries/<int:pk>/delete/", entry_delete, name="entry_delete"),
]
