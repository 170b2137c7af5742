"""Timeline pages: the htmx note form, the upload form, downloads.

Each takes the record as ``app_label.model`` and its id; the record must
belong to the current company (else 404).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from comptoir.core.identity.access import page_access
from comptoir.core.kernel.errors import DomainError, NotFound
from comptoir.core.timeline.api import download_response
from comptoir.core.timeline.forms import AttachmentForm, NoteForm
from comptoir.core.timeline.selectors import target_get
from comptoir.core.timeline.services import attachment_add, attachment_open, note_add


def _target(request: HttpRequest, ct: str, object_id: str) -> Any:
    try:
        return target_get(
            user=request.user,
            company=request.company,  # type: ignore[attr-defined]
            label=ct,
            object_id=object_id,
        )
    except NotFound:
        raise Http404 from None


def _answer(
    request: HttpRequest,
    target: Any,
    *,
    note_form: Any = None,
    upload_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    if not getattr(request, "htmx", False) and status < 400:
        back = getattr(target, "get_absolute_url", None)
        return redirect(back() if callable(back) else "/")
    return TemplateResponse(
        request,
        "timeline/partials/timeline.html",
        {"target": target, "note_form": note_form, "upload_form": upload_form},
        status=status,
    )


@page_access("timeline.change")
@require_POST
def note_create(request: HttpRequest, ct: str, object_id: str) -> HttpResponse:
    target = _target(request, ct, object_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(
                actor=request.user,
                company=request.company,  # type: ignore[attr-defined]
                target=target,
                body=form.cleaned_data["body"],
            )
        except DomainError as exc:
            from comptoir.core.web.forms import apply_domain_error

            apply_domain_error(form, exc)
        else:
            return _answer(request, target)
    return _answer(request, target, note_form=form, status=422)


@page_access("timeline.change")
@require_POST
def attachment_create(request: HttpRequest, ct: str, object_id: str) -> HttpResponse:
    target = _target(request, ct, object_id)
    form = AttachmentForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        try:
            attachment_add(
                actor=request.user,
                company=request.company,  # type: ignore[attr-defined]
                target=target,
                upload=form.cleaned_data["file"],
            )
        except DomainError as exc:
            from comptoir.core.web.forms import apply_domain_error

            apply_domain_error(form, exc)
            status = exc.status
        else:
            return _answer(request, target)
    return _answer(request, target, upload_form=form, status=status)


@page_access("timeline.view")
def attachment_download(request: HttpRequest, ct: str, object_id: str, pk: int) -> HttpResponse:
    target = _target(request, ct, object_id)
    try:
        attachment, handle = attachment_open(
            user=request.user,
            company=request.company,  # type: ignore[attr-defined]
            attachment_id=pk,
        )
    except NotFound:
        raise Http404 from None
    if attachment.target_id != str(target.pk) or attachment.target_type.model_class() is not type(
        target
    ):
        handle.close()
        raise Http404
    return download_response(attachment, handle)  # type: ignore[return-value]
