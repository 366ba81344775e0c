"""Files handed in with a submission: checked by content, stored privately, served only within scope."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from treem.accounts.models import Role
from treem.core.storage import PrivateStorage
from treem.reporting import selectors, services
from treem.reporting.models import Attachment, ReportingRound, Submission
from treem.reporting.services import Entry
from treem.units.models import Agency

BASE = "/bao-cao/tth-2023/M-2023-05-25/"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64


@pytest.fixture
def private_dir(tmp_path, settings, monkeypatch):
    """Files go to a fresh directory: the setting, and the storage the field was built with."""
    settings.TREEM_PRIVATE_FILES_DIR = tmp_path
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", PrivateStorage(location=tmp_path))
    return tmp_path


@pytest.fixture
def rnd(plan):
    return ReportingRound.objects.get(plan=plan, code="M-2023-05-25")


def draft(actor, rnd, code: str) -> Submission:
    agency = Agency.objects.get(code=code)
    entries = {t.code: Entry() for t in selectors.owed_tasks(rnd.plan, agency)}
    return services.do_save_submission(actor, rnd, agency, note="", entries=entries)


@pytest.fixture
def district(make_user):
    return make_user(Role.DISTRICT_OFFICER, "478", "UBND-478")


def upload(client, code: str, name: str, content: bytes):
    return client.post(BASE + code + "/tep/", {"file": SimpleUploadedFile(name, content)}, follow=True)


def files_in(directory) -> list:
    return [p for p in directory.rglob("*") if p.is_file()]


def test_the_owner_uploads_a_pdf_and_the_owner_and_the_coordinator_download_it(
    client, district, make_user, rnd, private_dir
):
    draft(district, rnd, "UBND-478")
    client.force_login(district)

    page = upload(client, "UBND-478", "Báo cáo 6 tháng.pdf", PDF)

    attachment = Attachment.objects.get()
    assert "Đã đính kèm tệp" in page.content.decode() and "Báo cáo 6 tháng.pdf" in page.content.decode()
    assert (attachment.kind, attachment.size) == ("pdf", len(PDF))
    assert len(files_in(private_dir)) == 1
    coordinator = make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")
    client.force_login(coordinator)
    assert client.get(f"{BASE}UBND-478/tep/{attachment.pk}/").status_code == 404  # a draft's, not yet sent
    services.do_submit(district, attachment.submission)
    for user in (district, coordinator):
        client.force_login(user)
        response = client.get(f"{BASE}UBND-478/tep/{attachment.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "pdf" in response["Content-Disposition"]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("anh.pdf", PNG, "đổi tên tệp không làm đổi loại tệp"),
        ("chuong-trinh.pdf", EXE, "Chỉ nhận tệp PDF"),
    ],
)
def test_a_renamed_file_is_refused_and_nothing_is_stored(
    client, district, rnd, private_dir, name, content, message
):
    draft(district, rnd, "UBND-478")
    client.force_login(district)

    page = upload(client, "UBND-478", name, content)

    assert message in page.content.decode()
    assert not Attachment.objects.exists()
    assert files_in(private_dir) == []


def test_an_oversized_file_is_refused_and_nothing_is_stored(client, district, rnd, private_dir, settings):
    settings.TREEM_MAX_ATTACHMENT_BYTES = 32
    draft(district, rnd, "UBND-478")
    client.force_login(district)

    page = upload(client, "UBND-478", "lon.pdf", PDF)

    assert "quá lớn" in page.content.decode()
    assert not Attachment.objects.exists()
    assert files_in(private_dir) == []


def test_another_districts_attachment_is_404(client, district, make_user, rnd, private_dir):
    other = make_user(Role.DISTRICT_OFFICER, "474", "UBND-474")
    client.force_login(other)
    draft(other, rnd, "UBND-474")
    upload(client, "UBND-474", "ubnd-474.pdf", PDF)
    attachment = Attachment.objects.get()

    client.force_login(district)

    assert client.get(f"{BASE}UBND-474/tep/{attachment.pk}/").status_code == 404
    assert client.get(f"{BASE}UBND-478/tep/{attachment.pk}/").status_code == 404  # not of this submission
    assert client.post(f"{BASE}UBND-474/tep/{attachment.pk}/go/").status_code == 404
    assert Attachment.objects.get().removed_at is None


def test_a_removed_attachment_is_kept_but_no_longer_listed(client, district, rnd, private_dir):
    draft(district, rnd, "UBND-478")
    client.force_login(district)
    upload(client, "UBND-478", "bo-di.pdf", PDF)
    attachment = Attachment.objects.get()

    page = client.post(f"{BASE}UBND-478/tep/{attachment.pk}/go/", follow=True)

    kept = Attachment.objects.get()
    assert kept.removed_at is not None and len(files_in(private_dir)) == 1
    assert "Đã gỡ tệp" in page.content.decode()
    assert f'data-attachment="{attachment.pk}"' not in page.content.decode()
    assert client.get(f"{BASE}UBND-478/tep/{attachment.pk}/").status_code == 404


def test_files_cannot_be_added_once_submitted(client, district, rnd, private_dir):
    services.do_submit(district, draft(district, rnd, "UBND-478"))
    client.force_login(district)

    page = upload(client, "UBND-478", "muon.pdf", PDF)

    assert "Không thể đính kèm tệp" in page.content.decode()
    assert not Attachment.objects.exists() and files_in(private_dir) == []
