"""Write the OpenAPI document of the API to a file, or check that the file is current.

``comptoir manage export_openapi`` writes ``docs/openapi.json``;
``--check`` (what CI runs) exits with status 1 and a summary of the
differences when the file does not match the API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def openapi_text() -> str:
    """The OpenAPI document as stable text: sorted keys, two spaces, final newline."""
    from comptoir.api import api

    schema = api.get_openapi_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def _operations(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        f"{method.upper()} {path}": op
        for path, methods in (schema.get("paths") or {}).items()
        if isinstance(methods, dict)
        for method, op in methods.items()
        if method in HTTP_METHODS
    }


def diff_summary(old: dict[str, Any], new: dict[str, Any], *, limit: int = 40) -> list[str]:
    """Lines naming the operations and schemas added, removed or changed."""
    lines: list[str] = []
    old_ops, new_ops = _operations(old), _operations(new)
    for key in sorted(new_ops.keys() - old_ops.keys()):
        lines.append(f"+ operation {key}")
    for key in sorted(old_ops.keys() - new_ops.keys()):
        lines.append(f"- operation {key}")
    for key in sorted(old_ops.keys() & new_ops.keys()):
        if old_ops[key] != new_ops[key]:
            lines.append(f"~ operation {key}")
    old_schemas = (old.get("components") or {}).get("schemas") or {}
    new_schemas = (new.get("components") or {}).get("schemas") or {}
    for key in sorted(new_schemas.keys() - old_schemas.keys()):
        lines.append(f"+ schema {key}")
    for key in sorted(old_schemas.keys() - new_schemas.keys()):
        lines.append(f"- schema {key}")
    for key in sorted(old_schemas.keys() & new_schemas.keys()):
        if old_schemas[key] != new_schemas[key]:
            lines.append(f"~ schema {key}")
    for key in sorted((old.keys() | new.keys()) - {"paths", "components"}):
        if old.get(key) != new.get(key):
            lines.append(f"~ {key}")
    if not lines:
        lines.append("~ formatting only (run the command without --check to rewrite it)")
    if len(lines) > limit:
        lines = [*lines[:limit], f"… and {len(lines) - limit} more"]
    return lines


class Command(BaseCommand):
    help = "Write the API's OpenAPI document as sorted JSON (or --check that it is current)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", default="docs/openapi.json", help="the file (default docs/openapi.json)"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="do not write: exit with status 1 when the file differs from the API",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        text = openapi_text()
        if options["check"]:
            if not path.exists():
                raise CommandError(
                    f"{path} does not exist: run `comptoir manage export_openapi --output {path}`.",
                    returncode=1,
                )
            current = path.read_text(encoding="utf-8")
            if current == text:
                self.stdout.write(f"{path} is up to date.")
                return
            try:
                old = json.loads(current)
            except ValueError:
                old = {}
            summary = "\n".join("  " + line for line in diff_summary(old, json.loads(text)))
            raise CommandError(
                f"{path} is out of date with the API:\n{summary}\n"
                f"Run `comptoir manage export_openapi --output {path}` and commit the file.",
                returncode=1,
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
