"""Large uploads are checked by a background job: the request returns at once, the preview page shows
the progress (polled with htmx) and then the same report and confirmation as a small upload."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from treem.accounts.models import Role
from treem.entry import upload_jobs
from treem.entry.excel import TemplateMeta
from treem.entry.models import StagedImport
from treem.entry.tests.test_excel import PAGE, UPLOAD, Sheet, communes_of, count, download, pending_id, stored
from treem.indicators.models import DataValue

Status = StagedImport.Status


@pytest.fixture
def background(settings):
    """Every upload goes to the job runner, which runs the job at once (as a worker would, later)."""
    settings.TREEM_UPLOAD_BACKGROUND_BYTES = 1
    settings.TREEM_JOBS_EAGER = True


def status_url(pk: int) -> str:
    return f"{UPLOAD}{pk}/"


def test_a_large_upload_is_checked_in_the_background_then_previewed_and_confirmed(as_coordinator, background):
    a, b = communes_of("474")[:2]
    sheet = Sheet(download(as_coordinator))
    sheet.cell("LIVE_BIRTHS", a).value = 10
    sheet.cell("LIVE_BIRTHS", b).value = 20

    response = as_coordinator.post(UPLOAD, {"file": sheet.upload_file("lon.xlsx")})

    job = StagedImport.objects.get()
    assert response.status_code == 302 and response["Location"] == status_url(job.pk)
    assert (job.status, job.progress, job.source) == (Status.DONE, 100, None)  # the file is not kept
    html = as_coordinator.get(status_url(job.pk)).content.decode()
    assert count(html, "new") == 2 and count(html, "values") == 2
    assert "lon.xlsx" in html and "Xác nhận ghi" in html
    assert not DataValue.objects.exists()

    as_coordinator.post(f"{UPLOAD}{pending_id(html)}/xac-nhan/")

    assert stored()[("LIVE_BIRTHS", "default", b)] == Decimal(20)


def test_a_background_check_that_finds_errors_shows_them_and_cannot_be_confirmed(as_coordinator, background):
    a = communes_of("474")[0]
    sheet = Sheet(download(as_coordinator))
    sheet.cell("LIVE_BIRTHS", a).value = "mười"
    as_coordinator.post(UPLOAD, {"file": sheet.upload_file()})
    job = StagedImport.objects.get()

    html = as_coordinator.get(status_url(job.pk)).content.decode()

    assert "&#x27;mười&#x27; không phải là số" in html and "Xác nhận ghi" not in html
    assert as_coordinator.post(f"{UPLOAD}{job.pk}/xac-nhan/").status_code == 404
    assert not DataValue.objects.exists()


def test_a_background_check_of_a_file_that_cannot_be_read_reports_why(as_coordinator, background):
    as_coordinator.post(UPLOAD, {"file": Sheet(download(as_coordinator)).upload_file()})  # a valid one first
    as_coordinator.post(UPLOAD, {"file": SimpleUploadedFile("hong.xlsx", b"PK\x03\x04 rubbish")})
    job = StagedImport.objects.latest("pk")

    html = as_coordinator.get(status_url(job.pk)).content.decode()

    assert "không phải là tệp Excel .xlsx hợp lệ" in html


def test_while_the_job_runs_the_page_shows_its_progress_and_polls(as_coordinator, coordinator):
    job = StagedImport.objects.create(
        kind="datavalues",
        created_by=coordinator,
        filename="lon.xlsx",
        payload=[],
        status=Status.RUNNING,
        progress=40,
    )

    page = as_coordinator.get(status_url(job.pk)).content.decode()
    poll = as_coordinator.get(status_url(job.pk), HTTP_HX_REQUEST="true")

    assert 'hx-trigger="every 1s"' in page and '<progress value="40"' in page
    assert "Xác nhận ghi" not in page
    assert poll.status_code == 200 and "40%" in poll.content.decode() and "<html" not in poll.content.decode()
    assert as_coordinator.post(f"{UPLOAD}{job.pk}/xac-nhan/").status_code == 404  # nothing to confirm yet

    StagedImport.objects.filter(pk=job.pk).update(status=Status.DONE, report=upload_jobs.file_report(["x"]))
    done = as_coordinator.get(status_url(job.pk), HTTP_HX_REQUEST="true")

    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_a_job_that_died_with_its_process_is_reported_not_polled_for_ever(as_coordinator, coordinator):
    job = StagedImport.objects.create(
        kind="datavalues", created_by=coordinator, filename="lon.xlsx", payload=[], status=Status.RUNNING
    )
    StagedImport.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))

    html = as_coordinator.get(status_url(job.pk)).content.decode()

    assert "đã dừng giữa chừng" in html and "every 1s" not in html


def test_another_user_s_job_is_not_found(client, make_user, coordinator):
    job = StagedImport.objects.create(
        kind="datavalues", created_by=coordinator, filename="a.xlsx", payload=[]
    )
    client.force_login(make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH"))

    assert client.get(status_url(job.pk)).status_code == 404


def test_a_failing_job_is_recorded_as_failed_with_a_message(coordinator, monkeypatch, settings):
    settings.TREEM_JOBS_EAGER = True

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(upload_jobs, "check", broken)
    job = upload_jobs.start(
        user=coordinator, filename="a.xlsx", data=b"x", meta=TemplateMeta("SYT", "2023S1", "474")
    )

    job.refresh_from_db()
    assert job.status == Status.FAILED and job.source is None
    assert re.search("Lỗi hệ thống khi kiểm tra tệp", job.report["file_errors"][0])


def test_a_page_of_the_preview_is_for_its_page_only(as_coordinator, background):
    as_coordinator.post(UPLOAD, {"file": Sheet(download(as_coordinator)).upload_file()})
    job = StagedImport.objects.get()

    assert as_coordinator.get(f"{PAGE}tai-len/{job.pk + 1000}/").status_code == 404
