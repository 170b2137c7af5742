"""Read side of companies: a user sees only the companies they work for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from comptoir.core.companies.models import Company
from comptoir.core.kernel.errors import NotFound

if TYPE_CHECKING:
    from comptoir.core.identity.models import User


def company_list(user: User) -> QuerySet[Company]:
    """The companies ``user`` may work for."""
    return Company.objects.filter(users=user)


def company_get(user: User, company_id: int) -> Company:
    """One of the user's companies; any other is a 404."""
    company = company_list(user).filter(pk=company_id).first()
    if company is None:
        raise NotFound(_("No such company."), code="company_not_found")
    return company
