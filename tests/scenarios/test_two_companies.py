"""One installation, two companies: each sees its own customers and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from comptoir.core.audit.models import AuditEntry
from comptoir.core.companies.models import Company
from comptoir.core.parties import services as parties

pytestmark = pytest.mark.django_db


def test_a_group_runs_a_french_and_a_romanian_company_side_by_side(
    company: Company, company_ro: Company, make_user: Any, api_client: Any
) -> None:
    # given an accountant working for both companies, and a sales rep for the French one only
    accountant = make_user("ioana", roles=("accountant",), companies=(company, company_ro))
    rep = make_user("louis", roles=("sales",), companies=(company,))
    paris = parties.party_create(
        actor=rep, company=company, name="Hôtel Moreau SARL", is_customer=True
    )
    cluj = parties.party_create(
        actor=accountant,
        company=company_ro,
        name="Ferma Popescu SRL",
        is_customer=True,
        vat_number="RO18547290",
    )

    # when the accountant lists customers in each company through the API
    api = api_client(accountant)
    in_france = api.get("/api/v1/parties?role=customer").json()["items"]
    in_romania = api.get("/api/v1/parties?role=customer", HTTP_X_COMPANY=company_ro.code).json()[
        "items"
    ]

    # then each list holds that company's customers only
    assert [p["name"] for p in in_france] == ["Hôtel Moreau SARL"]
    assert [p["name"] for p in in_romania] == ["Ferma Popescu SRL"]

    # and the sales rep cannot reach the Romanian company, by header or by id
    rep_api = api_client(rep)
    refused = rep_api.get("/api/v1/parties", HTTP_X_COMPANY=company_ro.code)
    assert refused.status_code == 403
    assert refused.json()["code"] == "company_forbidden"
    assert rep_api.get(f"/api/v1/parties/{cluj.pk}").status_code == 404
    pages = Client()
    pages.force_login(rep)
    assert pages.get(f"/parties/{cluj.pk}/").status_code == 404
    assert pages.get(f"/parties/{paris.pk}/").status_code == 200

    # when the accountant switches the pages to the Romanian company
    pages.force_login(accountant)
    pages.post("/switch-company/", {"company": company_ro.code, "next": "/"})

    # then the customer list shows the Romanian customer, and the switch is audited
    listing = pages.get("/parties/?role=customer").content.decode()
    assert "Ferma Popescu SRL" in listing and "Hôtel Moreau SARL" not in listing
    assert AuditEntry.objects.filter(actor=accountant, action="user.switch_company").exists()
