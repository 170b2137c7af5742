"""Authentication against the user table, permissions from roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    """``user.has_perm("parties.view")`` answers from the user's roles."""

    def has_perm(self, user_obj: Any, perm: str, obj: object = None) -> bool:
        if not getattr(user_obj, "is_active", False):
            return False
        if getattr(user_obj, "is_superuser", False):
            return True
        permission_set = getattr(user_obj, "permission_set", None)
        return bool(permission_set and perm in permission_set())
