"""Closing the books: periods, lock dates and the year-end close.

Every command here needs ``closing.change`` at the door (page or API) and
runs in one transaction, audited, with its event published inside.

- ``period_close`` / ``period_reopen``: a closed period takes no posting
  (the database trigger refuses it too). A period is closed only when it
  holds no draft; a period of a closed fiscal year is never reopened.
- ``lock_dates_set``: the *hard* lock date (nobody posts on or before it)
  only moves forward; the *soft* one stops everyone but the holders of
  ``closing.change``.
- ``fiscal_year_close``: on the last day of the year, the **result entry**
  (journal OD) brings every revenue and expense account to zero against the
  profit account (role ``profit``: FR 120, RO 121) or the loss account (role
  ``loss``: FR 129, RO 121); on the first day of the next year (created when
  missing) the **opening entry** (journal AN) carries every balance-sheet
  account's closing balance, by party for reconcilable accounts. The result
  is carried as it is, on 120/129 (FR) or 121 (RO): allocating it (to 106,
  110/119, RO 117/1068) is a decision of the shareholders' meeting, posted
  later as an ordinary entry. Then every period and the year are closed.

There is no reopening of a closed fiscal year: its result and opening
entries are posted and cannot be taken back.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from comptoir.back.ledger import services
from comptoir.back.ledger.domain import ZERO, LineDraft
from comptoir.back.ledger.models import (
    Account,
    Balance,
    Entry,
    FiscalYear,
    Journal,
    LedgerSettings,
    Line,
    Period,
)
from comptoir.core.audit.services import audit_record
from comptoir.core.companies.models import Company
from comptoir.core.events.bus import publish
from comptoir.core.kernel.errors import Conflict, NotFound, ValidationFailed

INCOME_STATEMENT = (Account.Type.REVENUE, Account.Type.EXPENSE)
MAX_LISTED_DRAFTS = 20
# A sentinel: "leave this lock date as it is".
KEEP: Any = object()


# --------------------------------------------------------------------------- reads


def fiscal_year_list(*, company: Company) -> QuerySet[FiscalYear]:
    return FiscalYear.objects.filter(company=company)


def fiscal_year_get(*, company: Company, fiscal_year_id: int) -> FiscalYear:
    found = FiscalYear.objects.filter(company=company, pk=fiscal_year_id).first()
    if found is None:
        raise NotFound(_("No such fiscal year."), code="fiscal_year_not_found")
    return found


def period_get(*, company: Company, period_id: int) -> Period:
    found = (
        Period.objects.select_related("fiscal_year").filter(company=company, pk=period_id).first()
    )
    if found is None:
        raise NotFound(_("No such period."), code="period_not_found")
    return found


def lock_dates_get(*, company: Company) -> LedgerSettings:
    return services.settings_for(company)


def _drafts_conflict(drafts: QuerySet[Entry], where: str) -> Conflict | None:
    found = list(
        drafts.order_by("date", "pk").values_list("pk", "date", "label")[:MAX_LISTED_DRAFTS]
    )
    if not found:
        return None
    listed = [
        _("Draft #%(id)s of %(date)s %(label)s")
        % {"id": pk, "date": date.isoformat(), "label": label}
        for pk, date, label in found
    ]
    return Conflict(
        _("Post or delete the drafts of %(where)s first.") % {"where": where},
        code="drafts_in_period",
        fields={"drafts": [s.strip() for s in listed]},
    )


# --------------------------------------------------------------------------- periods


def _locked_period(company: Company, period: Period | int) -> Period:
    pk = period.pk if isinstance(period, Period) else period
    found = Period.objects.select_for_update().filter(company=company, pk=pk).first()
    if found is None:
        raise NotFound(_("No such period."), code="period_not_found")
    return found


@transaction.atomic
def period_close(*, actor: Any, company: Company, period: Period | int) -> Period:
    """Close a period: no posting into it any more. 409 ``drafts_in_period`` while drafts wait."""
    period = _locked_period(company, period)
    if period.state == Period.State.CLOSED:
        return period
    refusal = _drafts_conflict(
        Entry.objects.filter(company=company, period=period, state=Entry.State.DRAFT),
        period.name,
    )
    if refusal is not None:
        raise refusal
    period.state = Period.State.CLOSED
    period.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="period.close",
        obj=period,
        before={"state": "open"},
        after={"state": "closed"},
    )
    publish("PeriodClosed", company=company, period_id=period.pk, period=period.name)
    return period


@transaction.atomic
def period_reopen(*, actor: Any, company: Company, period: Period | int) -> Period:
    """Reopen a closed period of an open fiscal year, after the hard lock date."""
    period = _locked_period(company, period)
    fiscal_year = FiscalYear.objects.get(pk=period.fiscal_year_id)
    if fiscal_year.state == FiscalYear.State.CLOSED:
        raise Conflict(
            _("The fiscal year %(name)s is closed: its periods stay closed.")
            % {"name": fiscal_year.name},
            code="fiscal_year_closed",
            fields={"period": _("Its fiscal year is closed.")},
        )
    settings = services.settings_for(company)
    if settings.hard_lock_date and period.end <= settings.hard_lock_date:
        raise Conflict(
            _("The period %(period)s is before the lock date %(date)s.")
            % {"period": period.name, "date": settings.hard_lock_date.isoformat()},
            code="period_locked",
            fields={"period": _("Before the lock date.")},
        )
    if period.state == Period.State.OPEN:
        return period
    period.state = Period.State.OPEN
    period.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="period.reopen",
        obj=period,
        before={"state": "closed"},
        after={"state": "open"},
    )
    publish("PeriodReopened", company=company, period_id=period.pk, period=period.name)
    return period


# --------------------------------------------------------------------------- lock dates


def _check_lock_date(company: Company, value: dt.date, name: str) -> None:
    if not Period.objects.filter(company=company, start__lte=value, end__gte=value).exists():
        raise ValidationFailed(
            _("No fiscal year covers %(date)s.") % {"date": value.isoformat()},
            code="lock_date_outside",
            fields={name: _("Choose a date inside a fiscal year.")},
        )


@transaction.atomic
def lock_dates_set(
    *,
    actor: Any,
    company: Company,
    hard_lock_date: dt.date | None = KEEP,
    soft_lock_date: dt.date | None = KEEP,
) -> LedgerSettings:
    """Set the lock dates; a date left out keeps its value.

    The hard lock date only moves forward (409 ``lock_date_backwards``) and is
    refused while drafts are dated on or before it (409 ``drafts_in_period``).
    """
    settings = LedgerSettings.objects.select_for_update().filter(company=company).first()
    if settings is None:
        raise Conflict(_("This company has no ledger yet."), code="ledger_not_set_up", fields={})
    before = {
        "hard_lock_date": settings.hard_lock_date and settings.hard_lock_date.isoformat(),
        "soft_lock_date": settings.soft_lock_date and settings.soft_lock_date.isoformat(),
    }
    if hard_lock_date is not KEEP and hard_lock_date != settings.hard_lock_date:
        previous = settings.hard_lock_date
        if hard_lock_date is None or (previous is not None and hard_lock_date < previous):
            raise Conflict(
                _("The lock date for everyone only moves forward (now %(date)s).")
                % {"date": previous.isoformat() if previous else "—"},
                code="lock_date_backwards",
                fields={"hard_lock_date": _("It cannot be removed or moved back.")},
            )
        _check_lock_date(company, hard_lock_date, "hard_lock_date")
        refusal = _drafts_conflict(
            Entry.objects.filter(
                company=company, state=Entry.State.DRAFT, date__lte=hard_lock_date
            ),
            hard_lock_date.isoformat(),
        )
        if refusal is not None:
            raise refusal
        settings.hard_lock_date = hard_lock_date
    if soft_lock_date is not KEEP:
        if soft_lock_date is not None:
            _check_lock_date(company, soft_lock_date, "soft_lock_date")
        settings.soft_lock_date = soft_lock_date
    settings.save(update_fields=["hard_lock_date", "soft_lock_date", "updated_at"])
    after = {
        "hard_lock_date": settings.hard_lock_date and settings.hard_lock_date.isoformat(),
        "soft_lock_date": settings.soft_lock_date and settings.soft_lock_date.isoformat(),
    }
    audit_record(actor=actor, action="ledger.lock_dates", obj=settings, before=before, after=after)
    publish("LockDatesChanged", company=company, **after)
    return settings


# --------------------------------------------------------------------------- year-end close


@dataclass
class ClosingPlan:
    """What closing a fiscal year will post: the result entry and the opening entry."""

    fiscal_year: FiscalYear
    next_start: dt.date
    next_end: dt.date
    # Profit (> 0) or loss (< 0) of the year.
    result: Decimal = ZERO
    result_lines: list[LineDraft] = field(default_factory=list)
    opening_lines: list[LineDraft] = field(default_factory=list)
    accounts: dict[int, Account] = field(default_factory=dict)
    party_names: dict[int, str] = field(default_factory=dict)

    def rows(self, lines: list[LineDraft]) -> list[dict[str, Any]]:
        """Lines for a page: account, party, label, debit, credit."""
        return [
            {
                "account": self.accounts[int(ln.account)],
                "party": ln.party,
                "party_name": self.party_names.get(ln.party) if ln.party else None,
                "label": ln.label,
                "debit": ln.debit,
                "credit": ln.credit,
            }
            for ln in lines
        ]

    @property
    def result_rows(self) -> list[dict[str, Any]]:
        return self.rows(self.result_lines)

    @property
    def opening_rows(self) -> list[dict[str, Any]]:
        return self.rows(self.opening_lines)


def _side(account_id: int, balance: Decimal, label: str, party: int | None = None) -> LineDraft:
    """The line that carries ``balance`` (debit - credit) as it is."""
    if balance > 0:
        return LineDraft(account=account_id, debit=balance, label=label, party=party)
    return LineDraft(account=account_id, credit=-balance, label=label, party=party)


def _next_year_dates(fiscal_year: FiscalYear) -> tuple[dt.date, dt.date]:
    start = fiscal_year.end + dt.timedelta(days=1)
    following = FiscalYear.objects.filter(company=fiscal_year.company_id, start=start).first()
    if following is not None:
        return following.start, following.end
    # The same length as the year closed: a calendar year gives a calendar year.
    if fiscal_year.start.month == 1 and fiscal_year.start.day == 1:
        return start, dt.date(start.year, 12, 31)
    try:
        end = start.replace(year=start.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + 1, day=28)
    return start, end


def closing_plan(*, company: Company, fiscal_year: FiscalYear) -> ClosingPlan:
    """Compute the result and opening entries of ``fiscal_year`` without posting them.

    Reads the per-period balances, and the lines only for the reconcilable
    accounts (split by party).
    """
    next_start, next_end = _next_year_dates(fiscal_year)
    plan = ClosingPlan(fiscal_year=fiscal_year, next_start=next_start, next_end=next_end)
    totals = (
        Balance.objects.filter(company=company, period__fiscal_year=fiscal_year)
        .values("account_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    )
    balances = {row["account_id"]: row["debit"] - row["credit"] for row in totals}
    plan.accounts = {a.pk: a for a in Account.objects.filter(pk__in=balances)}
    closing_label = _("Result of the year %(name)s") % {"name": fiscal_year.name}
    result = ZERO
    income_ids = sorted(
        (pk for pk, a in plan.accounts.items() if a.type in INCOME_STATEMENT),
        key=lambda pk: plan.accounts[pk].code,
    )
    for pk in income_ids:
        balance = balances[pk]
        if balance:
            plan.result_lines.append(_side(pk, -balance, closing_label))
            result -= balance
    plan.result = result
    after_result = dict(balances)
    for pk in income_ids:
        after_result[pk] = ZERO
    if result:
        role = "profit" if result > 0 else "loss"
        account = services.account_for_role(company, role)
        plan.accounts[account.pk] = account
        plan.result_lines.append(_side(account.pk, -result, closing_label))
        after_result[account.pk] = after_result.get(account.pk, ZERO) - result
    opening_label = _("Opening balance %(name)s") % {"name": fiscal_year.name}
    reconcilable = {pk for pk, a in plan.accounts.items() if a.reconcilable}
    by_party: dict[int, list[tuple[int | None, Decimal]]] = defaultdict(list)
    if reconcilable:
        rows = (
            Line.objects.filter(
                company=company,
                posted=True,
                account_id__in=reconcilable,
                date__gte=fiscal_year.start,
                date__lte=fiscal_year.end,
            )
            .values("account_id", "party_id")
            .annotate(debit=Sum("debit"), credit=Sum("credit"))
            .order_by()
        )
        for row in rows:
            by_party[row["account_id"]].append((row["party_id"], row["debit"] - row["credit"]))
    for pk in sorted(after_result, key=lambda pk: plan.accounts[pk].code):
        account = plan.accounts[pk]
        if account.type in INCOME_STATEMENT:
            continue
        if pk in by_party:
            parties = sorted(by_party[pk], key=lambda item: (item[0] is not None, item[0] or 0))
            for party, balance in parties:
                if balance:
                    plan.opening_lines.append(_side(pk, balance, opening_label, party))
        elif after_result[pk]:
            plan.opening_lines.append(_side(pk, after_result[pk], opening_label))
    party_ids = {ln.party for ln in plan.opening_lines if ln.party is not None}
    if party_ids:
        from comptoir.core.parties.models import Party

        plan.party_names = dict(
            Party.objects.filter(company=company, pk__in=party_ids).values_list("pk", "name")
        )
    return plan


def _locked_fiscal_year(company: Company, fiscal_year: FiscalYear | int) -> FiscalYear:
    pk = fiscal_year.pk if isinstance(fiscal_year, FiscalYear) else fiscal_year
    found = FiscalYear.objects.select_for_update().filter(company=company, pk=pk).first()
    if found is None:
        raise NotFound(_("No such fiscal year."), code="fiscal_year_not_found")
    return found


def check_closable(company: Company, fiscal_year: FiscalYear) -> None:
    """409 when the year cannot be closed now: closed already, an earlier year open, drafts."""
    if fiscal_year.state == FiscalYear.State.CLOSED:
        raise Conflict(
            _("The fiscal year %(name)s is closed already.") % {"name": fiscal_year.name},
            code="fiscal_year_closed",
            fields={},
        )
    earlier = (
        FiscalYear.objects.filter(
            company=company, start__lt=fiscal_year.start, state=FiscalYear.State.OPEN
        )
        .order_by("start")
        .first()
    )
    if earlier is not None:
        raise Conflict(
            _("Close the fiscal year %(name)s first.") % {"name": earlier.name},
            code="previous_year_open",
            fields={"fiscal_year": _("%(name)s is still open.") % {"name": earlier.name}},
        )
    refusal = _drafts_conflict(
        Entry.objects.filter(company=company, fiscal_year=fiscal_year, state=Entry.State.DRAFT),
        fiscal_year.name,
    )
    if refusal is not None:
        raise refusal


def _journal_of_kind(company: Company, kind: str, code: str) -> Journal:
    journal = (
        Journal.objects.filter(company=company, kind=kind, active=True).order_by("code").first()
    )
    if journal is None:
        raise Conflict(
            _("The company has no %(code)s journal.") % {"code": code},
            code="journal_missing",
            fields={"journal": code},
        )
    return journal


@transaction.atomic
def fiscal_year_close(*, actor: Any, company: Company, fiscal_year: FiscalYear | int) -> FiscalYear:
    """Post the result and the opening entries, then close every period and the year."""
    fiscal_year = _locked_fiscal_year(company, fiscal_year)
    check_closable(company, fiscal_year)
    plan = closing_plan(company=company, fiscal_year=fiscal_year)
    misc = _journal_of_kind(company, Journal.Kind.MISC, "OD")
    opening = _journal_of_kind(company, Journal.Kind.OPENING, "AN")
    # Closing December before the year is the usual order: the result entry
    # still goes into the last period, reopened for it within this transaction.
    last = (
        Period.objects.select_for_update()
        .filter(company=company, fiscal_year=fiscal_year, start__lte=fiscal_year.end)
        .order_by("-start")
        .first()
    )
    if last is not None and last.state == Period.State.CLOSED:
        Period.objects.filter(pk=last.pk).update(state=Period.State.OPEN)
    result_entry = None
    if plan.result_lines:
        result_entry = services.entry_create(
            actor=actor,
            company=company,
            journal=misc,
            date=fiscal_year.end,
            lines=plan.result_lines,
            label=_("Result of the year %(name)s") % {"name": fiscal_year.name},
            ref=fiscal_year.name,
            source="closing",
            source_id=str(fiscal_year.pk),
            post=True,
        )
    next_year = FiscalYear.objects.filter(company=company, start=plan.next_start).first()
    if next_year is None:
        next_year = services.fiscal_year_create(
            actor=actor, company=company, start=plan.next_start, end=plan.next_end
        )
    opening_entry = None
    if plan.opening_lines:
        opening_entry = services.entry_create(
            actor=actor,
            company=company,
            journal=opening,
            date=next_year.start,
            lines=plan.opening_lines,
            label=_("Opening balances from %(name)s") % {"name": fiscal_year.name},
            ref=fiscal_year.name,
            source="opening",
            source_id=str(fiscal_year.pk),
            post=True,
        )
    Period.objects.filter(company=company, fiscal_year=fiscal_year).update(
        state=Period.State.CLOSED
    )
    fiscal_year.state = FiscalYear.State.CLOSED
    fiscal_year.closing_entry = result_entry
    fiscal_year.save(update_fields=["state", "closing_entry", "updated_at"])
    audit_record(
        actor=actor,
        action="fiscal_year.close",
        obj=fiscal_year,
        before={"state": "open"},
        after={
            "state": "closed",
            "result": str(plan.result),
            "closing_entry": result_entry.number if result_entry else None,
            "opening_entry": opening_entry.number if opening_entry else None,
        },
    )
    publish(
        "FiscalYearClosed",
        company=company,
        fiscal_year_id=fiscal_year.pk,
        result=str(plan.result),
        closing_entry_id=result_entry.pk if result_entry else None,
        opening_entry_id=opening_entry.pk if opening_entry else None,
        next_fiscal_year_id=next_year.pk,
    )
    return fiscal_year


def opening_entry_of(*, company: Company, fiscal_year: FiscalYear) -> Entry | None:
    """The opening entry posted when ``fiscal_year`` was closed, if any."""
    return (
        Entry.objects.filter(
            company=company,
            source="opening",
            source_id=str(fiscal_year.pk),
            state=Entry.State.POSTED,
        )
        .order_by("pk")
        .first()
    )
