"""Background work of the timeline: sweeping files no attachment row points to."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings
from django_tasks import task

logger = logging.getLogger(__name__)


def sweep_orphan_files(*, min_age_seconds: int = 24 * 3600) -> list[str]:
    """Delete attachment files with no ``Attachment`` row, older than ``min_age_seconds``.

    ``attachment_add`` removes its file when its own transaction fails; a file
    whose row vanished with an outer transaction rolled back later is removed
    here. Young files are kept: their transaction may still be open.
    """
    from comptoir.core.timeline.models import Attachment

    root = Path(settings.COMPTOIR_ATTACHMENTS_DIR)
    if not root.is_dir():
        return []
    cutoff = time.time() - min_age_seconds
    candidates = {
        path.relative_to(root).as_posix(): path
        for path in root.rglob("*")
        if path.is_file() and path.stat().st_mtime < cutoff
    }
    removed: list[str] = []
    names = list(candidates)
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        known = set(Attachment.objects.filter(path__in=chunk).values_list("path", flat=True))
        for name in chunk:
            if name not in known:
                candidates[name].unlink(missing_ok=True)
                removed.append(name)
    if removed:
        logger.warning("removed %d orphan attachment files", len(removed))
    return removed


@task()
def attachment_orphans_sweep() -> int:
    return len(sweep_orphan_files())
