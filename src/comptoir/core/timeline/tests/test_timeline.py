"""Notes, attachments and event entries on a record's timeline.

The tests pin their records to a company-owned model of this office
(a notification) so they do not wait for the parties app.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import override_settings

from comptoir.core.audit.models import AuditEntry
from comptoir.core.events import bus
from comptoir.core.kernel.errors import NotFound, TooLarge, ValidationFailed
from comptoir.core.notifications.models import Notification
from comptoir.core.timeline import handlers as timeline_handlers
from comptoir.core.timeline.models import Attachment, TimelineEntry
from comptoir.core.timeline.selectors import target_get, timeline_for
from comptoir.core.timeline.services import attachment_add, attachment_open, note_add

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


@pytest.fixture
def record(company, admin_user):
    return Notification.objects.create(
        company=company, user=admin_user, kind="general", title="A record"
    )


@pytest.fixture
def other_record(company_ro, admin_user):
    return Notification.objects.create(
        company=company_ro, user=admin_user, kind="general", title="Elsewhere"
    )


@pytest.fixture(autouse=True)
def attachments_dir(tmp_path, settings):
    settings.COMPTOIR_ATTACHMENTS_DIR = tmp_path / "attachments"
    return settings.COMPTOIR_ATTACHMENTS_DIR


def _base(record):
    return f"/timeline/notifications.notification/{record.pk}"


def _api(record):
    return f"/api/v1/timeline/notifications/notification/{record.pk}"


def test_note_is_written_audited_and_shown_newest_first(admin_user, company, record):
    first = note_add(
        actor=admin_user, company=company, target=record, body="Called the buyer\nmore"
    )
    second = note_add(actor=admin_user, company=company, target=record, body="Sent the offer")
    assert first.title == "Called the buyer"
    assert list(timeline_for(record)) == [second, first]
    assert AuditEntry.objects.filter(action="timeline.note.create").count() == 2
    with pytest.raises(ValidationFailed) as err:
        note_add(actor=admin_user, company=company, target=record, body="  ")
    assert "body" in err.value.fields


def test_note_on_another_company_record_is_not_found(admin_user, company, other_record):
    with pytest.raises(NotFound):
        note_add(actor=admin_user, company=company, target=other_record, body="no")


def test_attachment_type_is_sniffed_from_the_bytes(admin_user, company, record, attachments_dir):
    upload = SimpleUploadedFile("invoice.exe", PDF, content_type="application/x-msdownload")
    attachment = attachment_add(actor=admin_user, company=company, target=record, upload=upload)
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    parts = Path(attachment.path).parts
    assert parts[0] == "dupont" and len(parts[1]) == 4 and len(parts[2]) == 2
    assert (attachments_dir / attachment.path).read_bytes() == PDF
    unknown = attachment_add(
        actor=admin_user,
        company=company,
        target=record,
        upload=SimpleUploadedFile(
            "notes.txt", b"\x00\x01\x02 nothing known", content_type="image/png"
        ),
    )
    assert unknown.content_type == "application/octet-stream"
    kinds = [e.kind for e in timeline_for(record)]
    assert kinds == ["attachment", "attachment"]
    _found, handle = attachment_open(user=admin_user, company=company, attachment_id=attachment.pk)
    with handle:
        assert handle.read() == PDF
    with pytest.raises(NotFound):
        attachment_open(user=admin_user, company=None, attachment_id=attachment.pk)


@override_settings(COMPTOIR_MAX_UPLOAD_BYTES=10)
def test_too_large_upload_is_refused_before_writing(admin_user, company, record, attachments_dir):
    with pytest.raises(TooLarge) as err:
        attachment_add(
            actor=admin_user,
            company=company,
            target=record,
            upload=SimpleUploadedFile("big.bin", b"x" * 11),
        )
    assert err.value.status == 413
    assert "file" in err.value.fields
    assert not Attachment.objects.exists()
    assert not [p for p in attachments_dir.rglob("*") if p.is_file()]


def test_file_is_removed_when_the_database_write_fails(
    admin_user, company, record, attachments_dir, monkeypatch
):
    def fail(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(TimelineEntry.objects, "create", fail)
    with pytest.raises(IntegrityError):
        attachment_add(
            actor=admin_user,
            company=company,
            target=record,
            upload=SimpleUploadedFile("a.pdf", PDF),
        )
    assert not Attachment.objects.exists()
    assert not [p for p in attachments_dir.rglob("*") if p.is_file()]


def test_target_lookup_is_company_scoped(admin_user, company, record, other_record):
    assert (
        target_get(
            user=admin_user,
            company=company,
            label="notifications.notification",
            object_id=str(record.pk),
        )
        == record
    )
    for label, object_id in [
        ("notifications.notification", str(other_record.pk)),
        ("notifications.notification", "not-a-number"),
        ("notifications.notification", "99999999999999999999999"),
        ("nope.nothing", "1"),
        ("identity.user", str(admin_user.pk)),  # not company-owned
        ("badlabel", "1"),
    ]:
        with pytest.raises(NotFound):
            target_get(user=admin_user, company=company, label=label, object_id=object_id)


def test_event_handler_writes_one_entry_per_event(company, record, monkeypatch):
    monkeypatch.setitem(
        timeline_handlers.TARGETS,
        "TestThingCreated",
        ("notifications", "Notification", "notification_id", "Created"),
    )
    bus.subscribe("TestThingCreated")(timeline_handlers.record_event_on_timeline)
    try:
        with transaction.atomic():
            event = bus.publish(
                "TestThingCreated", company=company, notification_id=record.pk, code="X1"
            )
        assert bus.deliver(event.pk)
        timeline_handlers.record_event_on_timeline(event)  # a second delivery by hand
        entries = list(timeline_for(record))
        assert len(entries) == 1
        assert entries[0].kind == "event"
        assert entries[0].title == "TestThingCreated: Created"
        assert "code: X1" in entries[0].body
        gone = bus.publish("TestThingCreated", company=company, notification_id=999999)
        assert bus.deliver(gone.pk)
    finally:
        bus._handlers["TestThingCreated"].remove(timeline_handlers.record_event_on_timeline)


def test_handler_is_subscribed_to_party_and_product_events():
    for name in ("PartyCreated", "PartyUpdated", "ProductCreated", "ProductUpdated"):
        assert timeline_handlers.record_event_on_timeline in bus.handlers_for(name)


def test_pages_note_htmx_and_upload_and_download(
    page_client, user_for, company, record, other_record
):
    client = page_client(user_for("hr"))
    answer = client.post(
        f"{_base(record)}/notes/", {"body": "Met at the fair"}, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'id="timeline"' in html and "Met at the fair" in html
    bad = client.post(f"{_base(record)}/notes/", {"body": ""}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422
    uploaded = client.post(
        f"{_base(record)}/attachments/",
        {"file": SimpleUploadedFile("plan.png", PNG)},
        HTTP_HX_REQUEST="true",
    )
    assert uploaded.status_code == 200
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    link = f"{_base(record)}/attachments/{attachment.pk}/"
    assert link in uploaded.content.decode()
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    assert "attachment" in download["Content-Disposition"]
    assert client.post(f"{_base(other_record)}/notes/", {"body": "x"}).status_code == 404
    assert client.get(f"{_base(other_record)}/attachments/{attachment.pk}/").status_code == 404
    assert client.get(f"/timeline/notifications.notification/{record.pk}/notes/").status_code == 405


@override_settings(COMPTOIR_MAX_UPLOAD_BYTES=10)
def test_page_upload_too_large_answers_413(page_client, user_for, record):
    client = page_client(user_for("sales"))
    answer = client.post(
        f"{_base(record)}/attachments/",
        {"file": SimpleUploadedFile("big.bin", b"y" * 50)},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 413
    assert 'data-field="file"' in answer.content.decode()


def test_api_timeline_notes_and_attachments(
    page_client, user_for, company, record, other_record, django_assert_max_num_queries
):
    user = user_for("warehouse")
    client = page_client(user)
    created = client.post(
        f"{_api(record)}/notes", {"body": "Via the API"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["kind"] == "note"
    up = client.post(f"{_api(record)}/attachments", {"file": SimpleUploadedFile("doc.pdf", PDF)})
    assert up.status_code == 201, up.content
    body = up.json()
    assert body["content_type"] == "application/pdf"
    for i in range(20):
        note_add(actor=user, company=company, target=record, body=f"note {i}")
    with django_assert_max_num_queries(10):
        listed = client.get(_api(record))
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert len(items) == 22
    assert items[0]["body"] == "note 19"
    assert any(i["attachment"] and i["attachment"]["id"] == body["id"] for i in items)
    assert (
        client.get(f"/api/v1/timeline/attachments/{body['id']}").json()["sha256"]
        == hashlib.sha256(PDF).hexdigest()
    )
    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert (
        client.get(f"/api/v1/timeline/notifications/notification/{other_record.pk}").status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/timeline/notifications/notification/{other_record.pk}/notes",
            {"body": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )


@override_settings(COMPTOIR_MAX_UPLOAD_BYTES=10)
def test_api_upload_too_large_answers_413_json(page_client, admin_user, record):
    client = page_client(admin_user)
    answer = client.post(
        f"{_api(record)}/attachments", {"file": SimpleUploadedFile("big.bin", b"z" * 50)}
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == "too_large"
    assert "file" in answer.json()["fields"]


def test_partial_renders_for_a_detail_page(rf, admin_user, company, record):
    from django.template.loader import render_to_string

    note_add(actor=admin_user, company=company, target=record, body="Shown in the partial")
    request = rf.get("/")
    request.user = admin_user
    html = render_to_string("timeline/partials/timeline.html", {"target": record}, request=request)
    assert "Shown in the partial" in html
    assert "hx-post" in html and 'enctype="multipart/form-data"' in html


def test_sweep_removes_only_old_files_without_a_row(admin_user, company, record, attachments_dir):
    import os

    from comptoir.core.timeline.tasks import sweep_orphan_files

    kept = attachment_add(
        actor=admin_user, company=company, target=record, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    orphan = attachments_dir / "dupont" / "2020" / "01" / "deadbeef"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"left by a rolled-back transaction")
    young = attachments_dir / "dupont" / "2020" / "01" / "young"
    young.write_bytes(b"its transaction may still be open")
    old = 1_000_000_000
    os.utime(orphan, (old, old))
    os.utime(attachments_dir / kept.path, (old, old))
    assert sweep_orphan_files() == ["dupont/2020/01/deadbeef"]
    assert (attachments_dir / kept.path).exists() and young.exists() and not orphan.exists()
