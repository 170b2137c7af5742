"""Read side of identity: users, roles and tokens."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from comptoir.core.identity.access import allowed_companies
from comptoir.core.identity.models import ApiToken, Role, User
from comptoir.core.kernel.errors import NotFound


def user_list(
    *,
    actor: User,
    q: str | None = None,
    role: str | None = None,
    company: str | None = None,
    is_active: bool | None = None,
) -> QuerySet[User]:
    """Users the actor may see: those sharing one of their companies, or with none yet.

    A superuser sees everyone.
    """
    users = User.objects.all()
    if not actor.is_superuser:
        memberships = User.companies.through.objects.filter(user_id=OuterRef("pk"))
        shared = memberships.filter(company_id__in=[c.pk for c in allowed_companies(actor)])
        users = users.filter(Q(Exists(shared)) | ~Q(Exists(memberships)))
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
        )
    if role:
        users = users.filter(
            Exists(User.roles.through.objects.filter(user_id=OuterRef("pk"), role__code=role))
        )
    if company:
        users = users.filter(
            Exists(
                User.companies.through.objects.filter(user_id=OuterRef("pk"), company__code=company)
            )
        )
    if is_active is not None:
        users = users.filter(is_active=is_active)
    return users.prefetch_related("roles", "companies")


def user_get(*, actor: User, user_id: int) -> User:
    user = user_list(actor=actor).filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such user."), code="user_not_found")
    return user


def role_list() -> QuerySet[Role]:
    return Role.objects.order_by("code")


def role_get(*, role_id: int) -> Role:
    role = Role.objects.filter(pk=role_id).first()
    if role is None:
        raise NotFound(_("No such role."), code="role_not_found")
    return role


def token_list(*, user: User, include_inactive: bool = True) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first."""
    tokens = ApiToken.objects.filter(user=user)
    if not include_inactive:
        tokens = tokens.filter(revoked_at__isnull=True)
    return tokens.order_by("-created_at", "-pk")
