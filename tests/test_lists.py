"""The generic list page keeps a filter set by a link when the reader filters further."""

from __future__ import annotations

from typing import Any


def test_a_filter_from_the_menu_survives_the_filter_form(user_for: Any, page_client: Any) -> None:
    client = page_client(user_for("sales"))
    page = client.get("/parties/?role=customer").content.decode()
    assert '<input type="hidden" name="role" value="customer">' in page
    # a filter the form offers as a field is not repeated as a hidden input
    page = client.get("/parties/?role=supplier&country=FR").content.decode()
    assert '<input type="hidden" name="role" value="supplier">' in page
    assert 'type="hidden" name="country"' not in page
