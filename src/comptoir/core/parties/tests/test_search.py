"""The global search finds parties by the start of a word, in one company only."""

from __future__ import annotations

import pytest
from django.db import connection

from comptoir.core.parties import services
from comptoir.core.parties.selectors import party_search
from comptoir.core.parties.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


def names(parties) -> list[str]:
    return [p.name for p in parties]


def test_the_start_of_a_name_finds_the_party(company) -> None:
    PartyFactory(company=company, name="Dupont Menuiserie")
    PartyFactory(company=company, name="Martin Frères")
    assert names(party_search(company=company, q="dup", limit=20)) == ["Dupont Menuiserie"]
    assert names(party_search(company=company, q="DUPONT men", limit=20)) == ["Dupont Menuiserie"]
    assert names(party_search(company=company, q="freres", limit=20)) == ["Martin Frères"]


def test_email_vat_number_and_city_are_searched_too(company) -> None:
    party = services.party_create(
        actor=None,
        company=company,
        name="Transports Rapides",
        email="contact@rapides.example",
        vat_number="FR40303265045",
    )
    services.address_add(actor=None, company=company, party=party, city="Villeurbanne")
    assert names(party_search(company=company, q="rapides", limit=5)) == ["Transports Rapides"]
    assert names(party_search(company=company, q="FR4030", limit=5)) == ["Transports Rapides"]
    assert names(party_search(company=company, q="villeur", limit=5)) == ["Transports Rapides"]


def test_a_renamed_or_deleted_party_is_found_by_its_new_name_only(company) -> None:
    party = PartyFactory(company=company, name="Ancien Nom")
    services.party_update(actor=None, company=company, party=party, name="Nouveau Nom")
    assert party_search(company=company, q="ancien", limit=5) == []
    assert names(party_search(company=company, q="nouv", limit=5)) == ["Nouveau Nom"]
    party.delete()
    assert party_search(company=company, q="nouv", limit=5) == []


def test_another_company_and_odd_input_find_nothing(company, company_ro) -> None:
    PartyFactory(company=company_ro, name="Dupont Bucuresti", country="RO")
    assert party_search(company=company, q="dupont", limit=5) == []
    for q in ("", "   ", '"', "*", "AND OR NOT", "(dup", "dup*"):
        party_search(company=company, q=q, limit=5)  # never an error


def test_archived_parties_come_after_active_ones(company) -> None:
    old = PartyFactory(company=company, name="Dupont Ancien")
    PartyFactory(company=company, name="Dupont Actif")
    services.party_archive(actor=None, company=company, party=old)
    assert names(party_search(company=company, q="dupont", limit=5))[-1] == "Dupont Ancien"
    assert len(party_search(company=company, q="dupont", limit=1)) == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite full-text table")
def test_the_sqlite_full_text_table_and_its_triggers_exist() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE 'parties_party_fts%' ORDER BY name"
        )
        found = {row[0] for row in cursor.fetchall()}
    assert {"parties_party_fts", "parties_party_fts_ai", "parties_party_fts_au"} <= found
    assert "parties_party_fts_ad" in found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL GIN index")
def test_the_postgresql_search_uses_its_gin_index(company) -> None:
    from comptoir.core.parties.selectors import PG_DOCUMENT, PG_QUERY

    PartyFactory(company=company, name="Carpați Trading")
    assert names(party_search(company=company, q="carpati", limit=5)) == ["Carpați Trading"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM parties_party WHERE {PG_DOCUMENT} @@ {PG_QUERY}",  # noqa: S608
            ["carp:*"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "parties_party_search_gin" in plan
