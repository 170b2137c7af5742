"""The VAT return (FR CA3, RO D300): its boxes, their drill-down, the settlement entry.

The form's layout is data: ``data/vat_forms/ca3.csv`` and ``d300.csv``, one
row per box (``box,label,kind,formula``) in the form's order, where ``kind`` is

- ``base`` or ``tax``: the sum of the posted lines whose tax names the box
  (``Tax.base_box`` for base lines, ``Tax.tax_box`` for tax lines,
  ``Tax.deductible_box`` for the deductible line of a reverse charge);
- ``total``: a formula adding and subtracting other boxes (``08+09-20``); a
  total that subtracts is a "due" or "credit" line (CA3 25, 27, 28; D300 37,
  38, 45, 46) and is floored at zero, as the form shows only the positive one
  of each pair;
- ``carry``: the VAT credit carried forward by the previous posted return.

Amounts are signed so that what the form expects is positive: credit - debit
for the base of a sale tax and for VAT collected or due, debit - credit for
the base of a purchase tax and for VAT deductible. A credit note is then
negative in the box of the sale it corrects.

Posting a return posts the **settlement entry** in the miscellaneous journal
on the last day of the period: each VAT account collected or due is debited
with its balance over the period, each deductible one credited, the credit of
the previous return is used, and the difference goes to VAT payable (role
``vat_payable``: FR 44551, RO 4423) or to the VAT credit carried forward
(role ``vat_credit``: FR 44567, RO 4424). The VAT accounts are then at zero
for the period and the return is immutable.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.back.ledger import services
from comptoir.back.ledger.domain import ZERO, LineDraft
from comptoir.back.ledger.models import (
    Account,
    Chart,
    Journal,
    LedgerSettings,
    Line,
    Tax,
    VatReturn,
)
from comptoir.core.audit.services import audit_record
from comptoir.core.companies.models import Company
from comptoir.core.events.bus import publish
from comptoir.core.kernel.errors import Conflict, NotFound, ValidationFailed

FORMS_DIR = services.DATA / "vat_forms"
FORM_FOR_CHART = {Chart.FR_PCG: VatReturn.Form.CA3, Chart.RO_PCG: VatReturn.Form.D300}
KINDS = ("base", "tax", "total", "carry")
# The boxes of the form saying what is to pay and what credit is carried forward.
NET_BOXES = {VatReturn.Form.CA3: ("28", "27"), VatReturn.Form.D300: ("45t", "46t")}
_TOKEN = re.compile(r"\s*([+-])?\s*(\w+)\s*")


# --------------------------------------------------------------------------- the form


@dataclass(frozen=True)
class FormBox:
    box: str
    label: str
    kind: str
    formula: str = ""


def parse_formula(formula: str) -> list[tuple[int, str]]:
    """``"08+09 - 20"`` → ``[(1, "08"), (1, "09"), (-1, "20")]``; only + and -."""
    terms: list[tuple[int, str]] = []
    position = 0
    text = formula.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"cannot read the formula {formula!r} at {position}")
        sign, box = match.groups()
        if sign is None and terms:
            raise ValueError(f"missing + or - before {box!r} in the formula {formula!r}")
        terms.append((-1 if sign == "-" else 1, box))
        position = match.end()
    if not terms:
        raise ValueError("an empty formula")
    return terms


def evaluate_totals(layout: tuple[FormBox, ...], amounts: dict[str, Decimal]) -> dict[str, Decimal]:
    """Every box of ``layout``: the given amounts, and the totals computed from them.

    A total that subtracts a box is floored at zero (a difference the form
    shows only when positive).

    A total may use another total, in any order; a cycle or an unknown box is
    a ``ValueError`` (a mistake in the shipped layout).
    """
    by_box = {b.box: b for b in layout}
    result: dict[str, Decimal] = {}
    visiting: set[str] = set()

    def value(box: str) -> Decimal:
        if box in result:
            return result[box]
        spec = by_box.get(box)
        if spec is None:
            raise ValueError(f"the formula names an unknown box {box!r}")
        if spec.kind != "total":
            result[box] = amounts.get(box, ZERO)
            return result[box]
        if box in visiting:
            raise ValueError(f"the total {box!r} depends on itself")
        visiting.add(box)
        terms = parse_formula(spec.formula)
        total = sum((sign * value(term) for sign, term in terms), ZERO)
        if any(sign < 0 for sign, _term in terms):
            total = max(total, ZERO)
        visiting.discard(box)
        result[box] = total
        return total

    for spec in layout:
        value(spec.box)
    return result


@lru_cache(maxsize=4)
def form_layout(form: str) -> tuple[FormBox, ...]:
    """The boxes of ``form`` (``ca3`` or ``d300``) in the form's order, checked."""
    path = FORMS_DIR / f"{form}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]
    layout = tuple(
        FormBox(
            box=row["box"],
            label=row.get("label", ""),
            kind=row.get("kind", "").lower(),
            formula=row.get("formula", ""),
        )
        for row in rows
        if row.get("box")
    )
    seen: set[str] = set()
    for spec in layout:
        if spec.kind not in KINDS:
            raise ValueError(f"{path.name}: box {spec.box} has an unknown kind {spec.kind!r}")
        if spec.box in seen:
            raise ValueError(f"{path.name}: box {spec.box} appears twice")
        seen.add(spec.box)
    evaluate_totals(layout, {})  # every formula readable, no cycle, no unknown box
    return layout


def form_for(company: Company) -> str:
    settings = services.settings_for(company)
    form = FORM_FOR_CHART.get(Chart(settings.chart))
    if form is None:
        raise ValidationFailed(
            _("No VAT return form is known for this chart of accounts."),
            code="vat_form_unavailable",
            fields={"form": _("Only the French and Romanian charts have one.")},
        )
    return str(form)


def box_spec(form: str, box: str) -> FormBox:
    for spec in form_layout(form):
        if spec.box == box:
            return spec
    raise NotFound(_("No such box on this form."), code="vat_box_not_found")


# --------------------------------------------------------------------------- computing


def _signed(tax: Tax, role: str, debit: Decimal, credit: Decimal) -> Decimal:
    """The line's amount as the form counts it (see the module's docstring)."""
    if role == Line.TaxRole.DEDUCTIBLE:
        return debit - credit
    if role == Line.TaxRole.TAX:
        collected = tax.scope == Tax.Scope.SALE or tax.kind == Tax.Kind.REVERSE_CHARGE
        return credit - debit if collected else debit - credit
    return credit - debit if tax.scope == Tax.Scope.SALE else debit - credit


def _box_of(tax: Tax, role: str) -> str:
    if role == Line.TaxRole.BASE:
        return tax.base_box
    if role == Line.TaxRole.TAX:
        return tax.tax_box
    return tax.deductible_box


def vat_accounts(company: Company) -> tuple[set[int], set[int]]:
    """The ids of the VAT accounts collected or due, and of the deductible ones."""
    collected: set[int] = set()
    deductible: set[int] = set()
    for tax in Tax.objects.filter(company=company):
        if tax.kind == Tax.Kind.REVERSE_CHARGE:
            if tax.account_id:
                collected.add(tax.account_id)
            if tax.counterpart_account_id:
                deductible.add(tax.counterpart_account_id)
        elif tax.account_id:
            (collected if tax.scope == Tax.Scope.SALE else deductible).add(tax.account_id)
    return collected, deductible - collected


@dataclass
class VatComputation:
    """A return computed from the posted lines: boxes, drill-down, settlement."""

    form: str
    start: dt.date
    end: dt.date
    # Every box of the form, in the form's order, and boxes named by taxes only.
    amounts: dict[str, Decimal] = field(default_factory=dict)
    # Box → ids of the lines behind it (base and tax boxes).
    lines: dict[str, list[int]] = field(default_factory=dict)
    # Account id → credit - debit over the period (collected and due VAT).
    collected: dict[int, Decimal] = field(default_factory=dict)
    # Account id → debit - credit over the period (deductible VAT).
    deductible: dict[int, Decimal] = field(default_factory=dict)
    credit_used: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        """VAT to pay (> 0) or credit (< 0) once the previous credit is used."""
        return (
            sum(self.collected.values(), ZERO)
            - sum(self.deductible.values(), ZERO)
            - (self.credit_used)
        )

    @property
    def net_due(self) -> Decimal:
        return max(self.net, ZERO)

    @property
    def credit_carried(self) -> Decimal:
        return max(-self.net, ZERO)


def _posted_returns(company: Company) -> QuerySet[VatReturn]:
    return VatReturn.objects.filter(company=company, state=VatReturn.State.POSTED)


def previous_credit(company: Company, start: dt.date) -> Decimal:
    """The VAT credit carried forward by the last posted return before ``start``."""
    previous = _posted_returns(company).filter(end__lt=start).order_by("-end").first()
    return previous.credit_carried if previous is not None else ZERO


def vat_return_compute(*, company: Company, start: dt.date, end: dt.date) -> VatComputation:
    """The boxes of the company's form from the posted tax lines dated ``start`` to ``end``."""
    form = form_for(company)
    layout = form_layout(form)
    computation = VatComputation(form=form, start=start, end=end)
    taxes = {t.pk: t for t in Tax.objects.filter(company=company)}
    raw: dict[str, Decimal] = defaultdict(lambda: ZERO)
    ids: dict[str, list[int]] = defaultdict(list)
    rows = (
        Line.objects.filter(
            company=company,
            tax__isnull=False,
            date__gte=start,
            date__lte=end,
            posted=True,
        )
        .order_by("pk")
        .values_list("pk", "tax_id", "tax_role", "debit", "credit")
    )
    for pk, tax_id, role, debit, credit in rows:
        tax = taxes[tax_id]
        box = _box_of(tax, role)
        if not box:
            continue
        raw[box] += _signed(tax, role, debit, credit)
        ids[box].append(pk)
    computation.credit_used = previous_credit(company, start)
    for spec in layout:
        if spec.kind == "carry":
            raw[spec.box] = computation.credit_used
    totals = evaluate_totals(layout, raw)
    computation.amounts = {spec.box: totals[spec.box] for spec in layout}
    for box, amount in raw.items():  # boxes named by a tax but not on the form
        computation.amounts.setdefault(box, amount)
    computation.lines = dict(ids)
    collected, deductible = vat_accounts(company)
    balances = (
        Line.objects.filter(
            company=company,
            posted=True,
            account_id__in=collected | deductible,
            date__gte=start,
            date__lte=end,
        )
        .values("account_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    )
    for row in balances:
        if row["account_id"] in collected:
            computation.collected[row["account_id"]] = row["credit"] - row["debit"]
        else:
            computation.deductible[row["account_id"]] = row["debit"] - row["credit"]
    return computation


def settlement_lines(company: Company, computation: VatComputation) -> list[LineDraft]:
    """The lines that bring the VAT accounts of the period to zero (empty if nothing moves)."""
    label = _("VAT return %(start)s – %(end)s") % {
        "start": computation.start.isoformat(),
        "end": computation.end.isoformat(),
    }
    codes = dict(
        Account.objects.filter(
            pk__in=set(computation.collected) | set(computation.deductible)
        ).values_list("pk", "code")
    )
    lines: list[LineDraft] = []
    for pk, amount in sorted(computation.collected.items(), key=lambda item: codes[item[0]]):
        if amount > 0:
            lines.append(LineDraft(account=pk, debit=amount, label=label))
        elif amount < 0:
            lines.append(LineDraft(account=pk, credit=-amount, label=label))
    for pk, amount in sorted(computation.deductible.items(), key=lambda item: codes[item[0]]):
        if amount > 0:
            lines.append(LineDraft(account=pk, credit=amount, label=label))
        elif amount < 0:
            lines.append(LineDraft(account=pk, debit=-amount, label=label))
    if computation.credit_used:
        credit_account = services.account_for_role(company, "vat_credit")
        lines.append(
            LineDraft(
                account=credit_account.pk,
                credit=computation.credit_used,
                label=_("VAT credit of the previous return used"),
            )
        )
    if computation.net_due:
        payable = services.account_for_role(company, "vat_payable")
        lines.append(
            LineDraft(account=payable.pk, credit=computation.net_due, label=_("VAT payable"))
        )
    if computation.credit_carried:
        credit_account = services.account_for_role(company, "vat_credit")
        lines.append(
            LineDraft(
                account=credit_account.pk,
                debit=computation.credit_carried,
                label=_("VAT credit carried forward"),
            )
        )
    return lines


# --------------------------------------------------------------------------- reads


def vat_return_list(*, company: Company) -> QuerySet[VatReturn]:
    return VatReturn.objects.filter(company=company).select_related("settlement_entry")


def vat_return_get(*, company: Company, vat_return_id: int) -> VatReturn:
    found = vat_return_list(company=company).filter(pk=vat_return_id).first()
    if found is None:
        raise NotFound(_("No such VAT return."), code="vat_return_not_found")
    return found


@dataclass(frozen=True)
class BoxRow:
    box: str
    label: str
    kind: str
    formula: str
    amount: Decimal


def vat_return_boxes(vat_return: VatReturn) -> list[BoxRow]:
    """The return's boxes in the form's order, with their labels and amounts."""
    layout = form_layout(vat_return.form)
    stored = {box: Decimal(amount) for box, amount in (vat_return.boxes or {}).items()}
    rows = [BoxRow(s.box, s.label, s.kind, s.formula, stored.get(s.box, ZERO)) for s in layout]
    known = {s.box for s in layout}
    rows += [
        BoxRow(box, _("Box %(box)s (not on the form)") % {"box": box}, "", "", amount)
        for box, amount in sorted(stored.items())
        if box not in known
    ]
    return rows


def vat_return_mismatch(vat_return: VatReturn) -> Decimal:
    """How far the form's net (due - credit) is from the settlement's (the VAT accounts').

    Zero when every move of a VAT account carries its tax; otherwise some VAT was
    booked by hand and the settlement, which follows the accounts, differs.
    """
    due_box, credit_box = NET_BOXES[VatReturn.Form(vat_return.form)]
    boxes = vat_return.boxes or {}
    form_net = Decimal(boxes.get(due_box, "0")) - Decimal(boxes.get(credit_box, "0"))
    return form_net - (vat_return.net_due - vat_return.credit_carried)


def _box_filter(company: Company, form: str, box: str, seen: set[str] | None = None) -> Q:
    """The lines behind ``box``: by their tax's box, or those of a total's terms."""
    spec = next((s for s in form_layout(form) if s.box == box), None)
    if spec is not None and spec.kind == "total":
        seen = (seen or set()) | {box}
        query = Q(pk__in=[])
        for _sign, term in parse_formula(spec.formula):
            if term not in seen:
                query |= _box_filter(company, form, term, seen)
        return query
    if spec is not None and spec.kind == "carry":
        return Q(pk__in=[])
    taxes = Tax.objects.filter(company=company)
    return (
        Q(tax_role=Line.TaxRole.BASE, tax__in=taxes.filter(base_box=box))
        | Q(tax_role=Line.TaxRole.TAX, tax__in=taxes.filter(tax_box=box))
        | Q(tax_role=Line.TaxRole.DEDUCTIBLE, tax__in=taxes.filter(deductible_box=box))
    )


def vat_return_box_lines(*, company: Company, vat_return: VatReturn, box: str) -> QuerySet[Line]:
    """The posted lines behind one box of the return, with their entry, account and tax.

    For a posted return, only the lines posted before it was computed: what
    the declared amount is made of.
    """
    known = {s.box for s in form_layout(vat_return.form)} | set(vat_return.boxes or {})
    if box not in known:
        raise NotFound(_("No such box on this form."), code="vat_box_not_found")
    lines = Line.objects.filter(
        company=company,
        posted=True,
        tax__isnull=False,
        date__gte=vat_return.start,
        date__lte=vat_return.end,
    ).filter(_box_filter(company, vat_return.form, box))
    if vat_return.state == VatReturn.State.POSTED and vat_return.computed_at:
        lines = lines.filter(entry__posted_at__lte=vat_return.computed_at)
    return lines.select_related("entry", "account", "tax", "party").order_by("date", "pk")


# --------------------------------------------------------------------------- writes


def _lock_company(company: Company) -> None:
    """One VAT-return command at a time per company (the ledger settings row)."""
    if LedgerSettings.objects.select_for_update().filter(company=company).first() is None:
        raise Conflict(_("This company has no ledger yet."), code="ledger_not_set_up", fields={})


def _store(vat_return: VatReturn, computation: VatComputation) -> None:
    vat_return.boxes = {box: str(amount) for box, amount in computation.amounts.items()}
    vat_return.net_due = computation.net_due
    vat_return.credit_carried = computation.credit_carried
    vat_return.credit_used = computation.credit_used
    vat_return.computed_at = timezone.now()


def _locked_return(company: Company, vat_return: VatReturn | int) -> VatReturn:
    pk = vat_return.pk if isinstance(vat_return, VatReturn) else vat_return
    found = VatReturn.objects.select_for_update().filter(company=company, pk=pk).first()
    if found is None:
        raise NotFound(_("No such VAT return."), code="vat_return_not_found")
    if found.state == VatReturn.State.POSTED:
        raise Conflict(
            _("The VAT return is posted: it cannot change."),
            code="vat_return_posted",
            fields={},
        )
    return found


@transaction.atomic
def vat_return_create(*, actor: Any, company: Company, start: dt.date, end: dt.date) -> VatReturn:
    """A draft return over ``start`` to ``end``, computed from the posted lines.

    422 when no fiscal year covers the dates, 409 ``vat_return_overlap`` when
    another return covers some of them.
    """
    _lock_company(company)
    if end < start:
        raise ValidationFailed(
            _("A VAT return ends on or after its start."),
            code="vat_return_dates",
            fields={"end": _("On or after the start.")},
        )
    services.period_for(company, start, field="start")
    services.period_for(company, end, field="end")
    form = form_for(company)
    overlap = (
        VatReturn.objects.filter(company=company, start__lte=end, end__gte=start)
        .order_by("start")
        .first()
    )
    if overlap is not None:
        raise Conflict(
            _("The VAT return %(other)s covers some of these dates.") % {"other": overlap},
            code="vat_return_overlap",
            fields={"start": _("Overlaps %(other)s.") % {"other": overlap}},
        )
    computation = vat_return_compute(company=company, start=start, end=end)
    vat_return = VatReturn(company=company, form=form, start=start, end=end)
    _store(vat_return, computation)
    vat_return.save()
    audit_record(actor=actor, action="vat_return.create", obj=vat_return)
    publish(
        "VatReturnCreated",
        company=company,
        vat_return_id=vat_return.pk,
        start=start.isoformat(),
        end=end.isoformat(),
    )
    return vat_return


@transaction.atomic
def vat_return_refresh(*, actor: Any, company: Company, vat_return: VatReturn | int) -> VatReturn:
    """Compute a draft return again from the lines posted since."""
    _lock_company(company)
    vat_return = _locked_return(company, vat_return)
    before = dict(vat_return.boxes)
    computation = vat_return_compute(company=company, start=vat_return.start, end=vat_return.end)
    _store(vat_return, computation)
    vat_return.save()
    audit_record(
        actor=actor,
        action="vat_return.refresh",
        obj=vat_return,
        before={"boxes": before},
        after={"boxes": vat_return.boxes},
    )
    return vat_return


@transaction.atomic
def vat_return_delete(*, actor: Any, company: Company, vat_return: VatReturn | int) -> None:
    """Delete a draft return; a posted one answers 409 ``vat_return_posted``."""
    _lock_company(company)
    vat_return = _locked_return(company, vat_return)
    audit_record(
        actor=actor,
        action="vat_return.delete",
        obj=vat_return,
        before={"start": vat_return.start.isoformat(), "end": vat_return.end.isoformat()},
    )
    publish("VatReturnDeleted", company=company, vat_return_id=vat_return.pk)
    vat_return.delete()


def _check_order(company: Company, vat_return: VatReturn) -> None:
    earlier = (
        VatReturn.objects.filter(
            company=company, state=VatReturn.State.DRAFT, start__lt=vat_return.start
        )
        .order_by("start")
        .first()
    )
    if earlier is not None:
        raise Conflict(
            _("Post the earlier VAT return %(other)s first.") % {"other": earlier},
            code="vat_return_order",
            fields={"start": _("%(other)s is still a draft.") % {"other": earlier}},
        )
    later = _posted_returns(company).filter(start__gt=vat_return.end).order_by("start").first()
    if later is not None:
        raise Conflict(
            _("The later VAT return %(other)s is posted already.") % {"other": later},
            code="vat_return_order",
            fields={"start": _("%(other)s is posted.") % {"other": later}},
        )


@transaction.atomic
def vat_return_post(*, actor: Any, company: Company, vat_return: VatReturn | int) -> VatReturn:
    """Compute the return once more, post its settlement entry, and post it."""
    _lock_company(company)
    vat_return = _locked_return(company, vat_return)
    _check_order(company, vat_return)
    computation = vat_return_compute(company=company, start=vat_return.start, end=vat_return.end)
    _store(vat_return, computation)
    lines = settlement_lines(company, computation)
    entry = None
    if lines:
        journal = (
            Journal.objects.filter(company=company, kind=Journal.Kind.MISC, active=True)
            .order_by("code")
            .first()
        )
        if journal is None:
            raise Conflict(
                _("The company has no miscellaneous journal (OD)."),
                code="journal_missing",
                fields={"journal": "OD"},
            )
        entry = services.entry_create(
            actor=actor,
            company=company,
            journal=journal,
            date=vat_return.end,
            lines=lines,
            label=_("VAT settlement %(start)s – %(end)s")
            % {"start": vat_return.start.isoformat(), "end": vat_return.end.isoformat()},
            ref=f"{vat_return.form.upper()} {vat_return.start:%Y-%m}",
            source="vat",
            source_id=str(vat_return.pk),
            post=True,
        )
    vat_return.settlement_entry = entry
    vat_return.state = VatReturn.State.POSTED
    vat_return.posted_at = timezone.now()
    vat_return.posted_by = actor if getattr(actor, "pk", None) else None
    vat_return.save()
    audit_record(
        actor=actor,
        action="vat_return.post",
        obj=vat_return,
        before={"state": "draft"},
        after={
            "state": "posted",
            "net_due": str(vat_return.net_due),
            "credit_carried": str(vat_return.credit_carried),
            "settlement_entry": entry.number if entry else None,
        },
    )
    publish(
        "VatReturnPosted",
        company=company,
        vat_return_id=vat_return.pk,
        net_due=str(vat_return.net_due),
        credit_carried=str(vat_return.credit_carried),
        settlement_entry_id=entry.pk if entry else None,
    )
    return vat_return
