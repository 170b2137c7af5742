"""Write side of identity: roles, users, tokens, logins. One transaction each."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core.audit.services import audit_record
from comptoir.core.identity.access import allowed_companies
from comptoir.core.identity.models import Role, User
from comptoir.core.identity.roles import ROLES
from comptoir.core.kernel.errors import Forbidden


@transaction.atomic
def roles_sync() -> None:
    """Create the seeded roles; give existing ones any permission added since."""
    for spec in ROLES:
        role, created = Role.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "permissions": sorted(spec.permissions)}
        )
        if not created:
            missing = set(spec.permissions) - set(role.permissions)
            if missing:
                role.permissions = sorted(set(role.permissions) | missing)
                role.save(update_fields=["permissions"])


@transaction.atomic
def user_switch_company(*, actor: User, code: str) -> None:
    """Make ``code`` the company the user works in."""
    for company in allowed_companies(actor):
        if company.code == code:
            before = actor.current_company_id
            User.objects.filter(pk=actor.pk).update(current_company=company)
            actor.current_company = company
            audit_record(
                actor=actor,
                action="user.switch_company",
                obj=actor,
                company=company,
                before={"current_company": before},
                after={"current_company": company.pk},
            )
            return
    raise Forbidden(_("You have no access to company %(code)s.") % {"code": code}, code="company_forbidden")
