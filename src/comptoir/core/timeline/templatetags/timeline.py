"""``{% timeline_context target %}``: what the timeline partial shows for a record."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

SHOWN = 100


@register.simple_tag(takes_context=True)
def timeline_context(context: Any, target: Any) -> dict[str, Any]:
    from comptoir.core.timeline.forms import AttachmentForm, NoteForm
    from comptoir.core.timeline.selectors import target_label, timeline_for

    if target is None or getattr(target, "pk", None) is None:
        return {"entries": [], "label": "", "id": ""}
    entries = list(timeline_for(target)[:SHOWN])
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "entries": entries,
        "label": target_label(target),
        "id": str(target.pk),
        "can_change": bool(user and user.has_perm("timeline.change")),
        "note_form": context.get("note_form") or NoteForm(),
        "upload_form": context.get("upload_form") or AttachmentForm(),
    }
