"""The audit trail: written with the change, read by those allowed, company-scoped."""

from __future__ import annotations

import pytest
from django.db import transaction

from comptoir.core.audit.models import AuditEntry
from comptoir.core.audit.selectors import audit_list
from comptoir.core.audit.services import audit_record, snapshot
from comptoir.core.events.models import Schedule
from comptoir.core.events.services import schedule_set_enabled

pytestmark = pytest.mark.django_db


@pytest.fixture
def schedule(db):
    from django.utils import timezone

    return Schedule.objects.create(
        name="nightly",
        task="comptoir.core.events.tasks.outbox_retry",
        every_seconds=60,
        next_run_at=timezone.now(),
    )


def test_a_service_write_records_who_what_before_and_after(admin_user, company, schedule):
    schedule_set_enabled(actor=admin_user, company=company, schedule_id=schedule.pk, enabled=False)
    entry = AuditEntry.objects.get()
    assert entry.actor == admin_user
    assert entry.company == company
    assert entry.action == "schedule.update"
    assert entry.object_type == "events.schedule"
    assert entry.object_id == str(schedule.pk)
    assert entry.before == {"enabled": True}
    assert entry.after == {"enabled": False}
    assert entry.at is not None


def test_a_rolled_back_write_leaves_no_audit_row(admin_user, company, schedule):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        schedule_set_enabled(
            actor=admin_user, company=company, schedule_id=schedule.pk, enabled=False
        )
        assert AuditEntry.objects.count() == 1
        raise Boom
    assert AuditEntry.objects.count() == 0
    schedule.refresh_from_db()
    assert schedule.enabled is True


def _entries(company, actor, n=3):
    rows = []
    for i in range(n):
        rows.append(
            audit_record(
                actor=actor,
                action="schedule.update",
                obj=company,
                company=company,
                before={"name": f"old{i}"},
                after={"name": f"new{i}"},
            )
        )
    return rows


def test_selector_filters_and_scopes_by_company(admin_user, company, company_ro):
    mine = _entries(company, admin_user)
    _entries(company_ro, admin_user)
    assert list(audit_list(company=company)) == list(reversed(mine))
    assert audit_list(company=company, actor="nobody").count() == 0
    assert audit_list(company=company, actor=admin_user.username).count() == 3
    assert audit_list(company=company, action="schedule").count() == 3
    assert audit_list(company=company, object_type="companies.company").count() == 3
    assert audit_list(company=company, object_id=str(company.pk)).count() == 3
    today = mine[0].at.date()
    assert audit_list(company=company, date_from=today, date_to=today).count() == 3
    assert audit_list(company=company, date_to=today.replace(year=today.year - 1)).count() == 0
    assert snapshot(company)["code"] == "dupont"


def test_api_lists_and_reads_entries(page_client, company, company_ro, user_for):
    auditor = user_for("auditor")
    mine = _entries(company, auditor, n=3)
    other = _entries(company_ro, auditor, n=1)[0]
    client = page_client(auditor)
    answer = client.get("/api/v1/audit/entries", {"limit": 2})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert [i["id"] for i in body["items"]] == [mine[2].pk, mine[1].pk]
    assert body["next"]
    rest = client.get("/api/v1/audit/entries", {"limit": 2, "cursor": body["next"]}).json()
    assert [i["id"] for i in rest["items"]] == [mine[0].pk]
    assert rest["next"] is None
    filtered = client.get("/api/v1/audit/entries", {"actor": "someone-else"}).json()
    assert filtered["items"] == []
    one = client.get(f"/api/v1/audit/entries/{mine[0].pk}").json()
    assert one["before"] == {"name": "old0"}
    assert one["after"] == {"name": "new0"}
    assert one["actor"] == auditor.username
    assert client.get(f"/api/v1/audit/entries/{other.pk}").status_code == 404


@pytest.mark.parametrize(
    "role,status", [("admin", 200), ("dpo", 200), ("auditor", 200), ("sales", 403)]
)
def test_who_may_read_the_trail(page_client, user_for, role, status):
    client = page_client(user_for(role))
    assert client.get("/api/v1/audit/entries").status_code == status
    assert client.get("/audit/").status_code == status


def test_pages_list_and_show_before_after(
    page_client, company, user_for, django_assert_max_num_queries
):
    auditor = user_for("auditor")
    entries = _entries(company, auditor, n=30)
    client = page_client(auditor)
    with django_assert_max_num_queries(10):
        page = client.get("/audit/")
    assert page.status_code == 200
    assert "schedule.update" in page.content.decode()
    detail = client.get(f"/audit/{entries[0].pk}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "old0" in html and "new0" in html
    assert 'class="before"' in html and 'class="after"' in html


def test_list_operation_query_count(page_client, company, user_for, django_assert_max_num_queries):
    auditor = user_for("auditor")
    _entries(company, auditor, n=40)
    client = page_client(auditor)
    with django_assert_max_num_queries(8):
        answer = client.get("/api/v1/audit/entries")
    assert len(answer.json()["items"]) == 40
