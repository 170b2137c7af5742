"""API plumbing shared by every router: error bodies, idempotent creates, lists.

Errors always answer ``{"code", "message", "fields"}``; the handlers are
installed once on the root ``NinjaAPI`` by ``install_error_handlers``.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from comptoir.core.kernel.errors import BadRequest, Conflict, DomainError
from comptoir.core.kernel.models import IdempotencyKey

IDEMPOTENCY_HEADER = "Idempotency-Key"


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class PageOut(Schema):
    """Every list answers ``{"items": [...], "next": "<cursor or null>"}``."""

    next: str | None = None


# The error answers every operation may give, for the OpenAPI document.
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}

_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_error",
    429: "rate_limited",
}


def _field_name(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "data")]
    return ".".join(parts) or "__all__"


def _refuse_nul(value: Any, where: str) -> None:
    """Text never holds NUL: PostgreSQL cannot store it, so it is refused at the door."""
    if isinstance(value, str):
        if "\x00" in value:
            raise BadRequest(
                "Text may not contain NUL characters.", fields={where: ["Contains NUL (\\u0000)."]}
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, where)
            _refuse_nul(item, str(key) if where == "body" else where)
    elif isinstance(value, list):
        for item in value:
            _refuse_nul(item, where)


class StrictParser(Parser):
    """JSON and query parsing that refuses NUL characters anywhere in the input (400)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        _refuse_nul(data, "body")
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        for key, value in result.items():
            _refuse_nul(value, key)
        return result


def install_error_handlers(api: NinjaAPI) -> None:
    def answer(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return answer(request, exc.status, exc.as_dict())

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(error.get("loc", ())), []).append(str(error.get("msg")))
        return answer(
            request,
            422,
            {"code": "validation_error", "message": "The input is not valid.", "fields": fields},
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        return answer(request, exc.status_code, {"code": code, "message": str(exc), "fields": {}})

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return answer(
            request,
            401,
            {"code": "not_authenticated", "message": "Not authenticated.", "fields": {}},
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return answer(request, 404, {"code": "not_found", "message": "Not found.", "fields": {}})

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return answer(request, 403, {"code": "forbidden", "message": "Forbidden.", "fields": {}})


API_PREFIX = "/api/"


class JsonErrorsMiddleware:
    """Turn the 4xx Django answers itself under ``/api/`` into ``{code, message, fields}``.

    The routers' handlers cover everything raised inside an operation; this covers
    what happens before one runs: a method the path does not offer (405 from ninja's
    path view) or a path that no route matches (Django's 404, e.g. ``/parties/abc``
    for an integer id).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and 400 <= response.status_code < 500
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            answer = JsonResponse(
                {
                    "code": _HTTP_CODES.get(status, "error"),
                    "message": f"{response.reason_phrase}.",
                    "fields": {},
                },
                status=status,
            )
            if response.has_header("Allow"):
                answer["Allow"] = response["Allow"]
            return answer
        return response


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Replay the stored answer when a creating POST comes again with the same key.

    Same ``Idempotency-Key`` and same body: the first answer, unchanged.
    Same key, another body: 409 ``idempotency_conflict``. The stored answer
    is written in the same transaction as the creation it answers.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if not key:
            return view(request, *args, **kwargs)
        operation = f"{request.method} {request.path}"
        body_hash = hashlib.sha256(request.body or b"").hexdigest()
        user: Any = request.user  # authenticated by the operation's auth
        previous = IdempotencyKey.objects.filter(user=user, key=key).first()
        if previous is not None:
            return _replay(previous, operation, body_hash)
        try:
            with transaction.atomic():
                result = view(request, *args, **kwargs)
                status, body = _status_and_body(result)
                IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    operation=operation,
                    body_hash=body_hash,
                    status=status,
                    response=json.loads(json.dumps(body, default=str)),
                )
        except IntegrityError:
            previous = IdempotencyKey.objects.filter(user=user, key=key).first()
            if previous is None:
                raise
            return _replay(previous, operation, body_hash)
        return result

    # Resolve the view's annotations where it was written, so that ninja sees
    # real types even when the view's module uses postponed annotations.
    wrapped.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
    return wrapped


def _status_and_body(result: Any) -> tuple[int, Any]:
    status = 200
    if isinstance(result, Status):
        status, result = result.status_code, result.value
    if hasattr(result, "model_dump"):
        result = result.model_dump(mode="json")
    return status, result


def _replay(previous: IdempotencyKey, operation: str, body_hash: str) -> Any:
    if previous.operation != operation or previous.body_hash != body_hash:
        raise Conflict(
            "This Idempotency-Key was used with another request.", code="idempotency_conflict"
        )
    return Status(previous.status, previous.response)
