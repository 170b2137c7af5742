"""``export_openapi``: the OpenAPI document as stable JSON, and the CI check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from comptoir.core.kernel.management.commands.export_openapi import diff_summary, openapi_text


def test_writes_sorted_indented_json_with_a_final_newline(tmp_path: Path) -> None:
    target = tmp_path / "docs" / "openapi.json"
    call_command("export_openapi", output=str(target))
    text = target.read_text(encoding="utf-8")
    assert text == openapi_text()
    assert text.endswith("}\n") and not text.endswith("\n\n")
    schema = json.loads(text)
    assert text == json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert schema["paths"]["/api/v1/ping"]["get"]["operationId"] == "kernel_ping_read"


def test_check_passes_on_a_current_file(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    call_command("export_openapi", output=str(target))
    call_command("export_openapi", output=str(target), check=True)


def test_check_fails_with_a_summary_when_the_api_changed(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    call_command("export_openapi", output=str(target))
    schema = json.loads(target.read_text())
    del schema["paths"]["/api/v1/ping"]
    schema["paths"]["/api/v1/gone"] = {"get": {"operationId": "kernel_gone_read"}}
    target.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")

    with pytest.raises(CommandError) as caught:
        call_command("export_openapi", output=str(target), check=True)
    assert caught.value.returncode == 1
    message = str(caught.value)
    assert "+ operation GET /api/v1/ping" in message
    assert "- operation GET /api/v1/gone" in message
    assert json.loads(target.read_text()) == schema  # --check never writes


def test_check_fails_when_the_file_is_missing(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("export_openapi", output=str(tmp_path / "nope.json"), check=True)
    assert caught.value.returncode == 1
    assert "does not exist" in str(caught.value)


def test_check_fails_on_formatting_only_differences(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    target.write_text(json.dumps(json.loads(openapi_text())))  # same content, one line
    with pytest.raises(CommandError) as caught:
        call_command("export_openapi", output=str(target), check=True)
    assert "formatting only" in str(caught.value)


def test_diff_summary_names_changed_operations_and_schemas() -> None:
    old = {
        "info": {"version": "1"},
        "paths": {"/a": {"get": {"summary": "A"}, "post": {"summary": "A+"}}},
        "components": {"schemas": {"AOut": {"type": "object"}, "Old": {}}},
    }
    new = {
        "info": {"version": "2"},
        "paths": {"/a": {"get": {"summary": "A (changed)"}}, "/b": {"get": {}}},
        "components": {"schemas": {"AOut": {"type": "string"}, "New": {}}},
    }
    assert diff_summary(old, new) == [
        "+ operation GET /b",
        "- operation POST /a",
        "~ operation GET /a",
        "+ schema New",
        "- schema Old",
        "~ schema AOut",
        "~ info",
    ]
    assert (
        len(diff_summary({}, {"paths": {f"/{i}": {"get": {}} for i in range(100)}}, limit=5)) == 6
    )
