"""Scenario: a new customer's timeline tells its story, to those allowed to see it."""

from __future__ import annotations

import pytest

from comptoir.core.timeline.selectors import timeline_for

pytestmark = pytest.mark.django_db

parties_services = pytest.importorskip("comptoir.core.parties.services")


def test_party_creation_and_update_appear_on_its_timeline(
    admin_user, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        party = parties_services.party_create(
            actor=admin_user, company=company, name="Boulangerie Martin", is_customer=True
        )
    entries = list(timeline_for(party))
    assert [(e.kind, e.title) for e in entries] == [("event", "PartyCreated: Created")]


def test_a_party_timeline_is_hidden_from_roles_without_parties_view(
    page_client, user_for, admin_user, company
):
    party = parties_services.party_create(actor=admin_user, company=company, name="Client Secret")
    url = f"/api/v1/timeline/parties/party/{party.pk}"
    assert page_client(user_for("sales")).get(url).status_code == 200
    hr = page_client(user_for("hr"))
    assert hr.get(url).status_code == 404
    notes = f"/timeline/parties.party/{party.pk}/notes/"
    assert hr.post(notes, {"body": "x"}).status_code == 404
