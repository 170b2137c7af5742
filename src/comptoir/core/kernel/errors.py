"""Domain errors: a stable ``code``, a translatable message, the fields at fault.

Services raise these; the API maps them once to JSON
(``{"code", "message", "fields"}``) and the pages map them to form errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar


class DomainError(Exception):
    """A business rule said no. Subclasses fix the HTTP status."""

    status: ClassVar[int] = 422
    default_code: ClassVar[str] = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str] | str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code or self.default_code
        self.fields: dict[str, list[str]] = {
            name: [str(reasons)] if isinstance(reasons, str) else [str(r) for r in reasons]
            for name, reasons in (fields or {}).items()
        }

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ValidationFailed(DomainError):
    """Input breaks a rule (422)."""

    status = 422
    default_code = "validation_error"


class BadRequest(DomainError):
    """Input cannot be read at all (400)."""

    status = 400
    default_code = "bad_request"


class NotAuthenticated(DomainError):
    status = 401
    default_code = "not_authenticated"


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"


class NotFound(DomainError):
    status = 404
    default_code = "not_found"


class Conflict(DomainError):
    """The change clashes with what exists (duplicate, wrong state) (409)."""

    status = 409
    default_code = "conflict"


class TooLarge(DomainError):
    status = 413
    default_code = "too_large"


class RateLimited(DomainError):
    status = 429
    default_code = "rate_limited"
