"""Values on pages are written as the reader's language writes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.core.web.templatetags.comptoir import show


@pytest.mark.parametrize(
    ("language", "amount", "written"),
    [
        ("en", Decimal("1229.8"), "1,229.80"),
        ("fr", Decimal("1229.8"), "1\u202f229,80"),
        ("ro", Decimal("1229.8"), "1.229,80"),
        ("en", Decimal("4.97671"), "4.97671"),
    ],
)
def test_amounts_keep_their_decimals_in_each_language(
    language: str, amount: Decimal, written: str
) -> None:
    with translation.override(language):
        assert show(amount) == written


def test_nothing_is_a_dash_and_booleans_are_words() -> None:
    with translation.override("fr"):
        assert show(None) == "—"
        assert show(True) == "Oui"
    with translation.override("en"):
        assert show(dt.date(2026, 3, 14)) == "Mar 14, 2026"
