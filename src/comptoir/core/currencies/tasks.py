"""Background work of currencies: import the rate files dropped in a folder."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from comptoir.core.currencies.services import rates_import
from comptoir.core.kernel.errors import DomainError

logger = logging.getLogger(__name__)


def _move(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if target.exists():
        target = folder / f"{path.stem}-{timezone.now():%Y%m%d%H%M%S%f}{path.suffix}"
    shutil.move(str(path), target)
    return target


def import_drop_folder(folder: Path) -> dict[str, list[str]]:
    """Import every ``*.xml`` of ``folder`` (ECB or BNR, told by content).

    Imported files go to ``done/``; files that cannot be read go to ``failed/``
    with a ``.error.txt`` next to them saying why.
    """
    report: dict[str, list[str]] = {"done": [], "failed": []}
    if not folder.is_dir():
        return report
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".xml"):
        try:
            result = rates_import(actor=None, content=path.read_bytes(), source=None)
        except DomainError as exc:
            target = _move(path, folder / "failed")
            target.with_name(target.name + ".error.txt").write_text(
                f"{exc.message}\n{exc.fields}\n", encoding="utf-8"
            )
            logger.warning("rates file %s refused: %s", path.name, exc.message)
            report["failed"].append(path.name)
            continue
        _move(path, folder / "done")
        logger.info(
            "rates file %s imported (%s): %s created, %s updated",
            path.name,
            result.source,
            result.created,
            result.updated,
        )
        report["done"].append(path.name)
    return report


@task()
def rates_import_drop_folder() -> dict[str, list[str]]:
    """Import the rate files dropped in ``COMPTOIR_RATES_DROP_DIR`` (scheduled job)."""
    return import_drop_folder(Path(settings.COMPTOIR_RATES_DROP_DIR))
