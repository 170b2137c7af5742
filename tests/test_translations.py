"""Every interface string exists in French and Romanian, and the compiled catalogues are current."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "src" / "comptoir" / "locale"


@pytest.mark.parametrize("language", ["fr", "ro"])
def test_every_message_is_translated_and_compiled(language: str) -> None:
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.po").open("rb") as handle:
        catalog = read_po(handle)
    compiled = gettext.GNUTranslations((folder / "django.mo").open("rb"))
    untranslated = [m.id for m in catalog if m.id and not m.string]
    assert not untranslated, f"{language}: untranslated {untranslated[:10]}"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"{language}: fuzzy {fuzzy[:10]}"
    stale = [
        m.id
        for m in catalog
        if m.id and isinstance(m.id, str) and compiled.gettext(m.id) != m.string
    ]
    assert not stale, f"{language}: django.mo is older than django.po ({stale[:5]}): make messages"
