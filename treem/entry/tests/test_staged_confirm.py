"""Confirming a pending Excel import (issue 7, item 3): values changed since the preview are conflicts, not
silently overwritten; pending imports expire and are purged."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from treem.accounts.models import Role, User
from treem.entry import staging
from treem.entry.models import StagedImport
from treem.entry.tests.test_excel import PAGE, UPLOAD, Sheet, communes_of, download, pending_id, seed, stored


@pytest.fixture
def coordinator(make_user: Any) -> User:
    return make_user(Role.PROVINCE_COORDINATOR, "46", "SLDTBXH")


@pytest.fixture
def as_coordinator(client: Client, coordinator: User) -> Client:
    client.force_login(coordinator)
    return client


def upload(client: Client, values: dict[tuple[str, str], object]) -> int:
    """Upload the template filled with (element, unit) → value; the pending import's id."""
    sheet = Sheet(download(client))
    for (element, unit), value in values.items():
        sheet.cell(element, unit).value = value
    html = client.post(UPLOAD, {"file": sheet.upload_file("so-lieu.xlsx")}).content.decode()
    return pending_id(html)


def confirm(client: Client, pk: int, **extra: Any) -> Any:
    return client.post(f"{UPLOAD}{pk}/xac-nhan/", **extra)


def test_a_value_changed_in_the_grid_since_the_preview_is_a_conflict_and_nothing_is_written(
    as_coordinator: Client, coordinator: User
) -> None:
    a, b, c = communes_of("474")[:3]
    seed(coordinator, {("LIVE_BIRTHS", a): 100, ("LIVE_BIRTHS", b): 200})
    pk = upload(as_coordinator, {("LIVE_BIRTHS", a): 110, ("LIVE_BIRTHS", b): 250, ("LIVE_BIRTHS", c): 300})
    seed(coordinator, {("LIVE_BIRTHS", b): 260})  # typed in the grid after the preview

    response = confirm(as_coordinator, pk)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="conflicts"' in html
    assert "đã thay đổi sau khi xem trước" in html
    assert "lúc xem trước là 200, nay là 260" in html
    values = stored()
    assert values[("LIVE_BIRTHS", "default", b)] == Decimal(260)  # the later grid value stays
    assert values[("LIVE_BIRTHS", "default", a)] == Decimal(100)  # nothing of the file was written
    assert ("LIVE_BIRTHS", "default", c) not in values
    assert StagedImport.objects.get(pk=pk).applied_at is None


def test_a_value_entered_since_the_preview_where_there_was_none_is_a_conflict(
    as_coordinator: Client, coordinator: User
) -> None:
    a = communes_of("474")[0]
    pk = upload(as_coordinator, {("LIVE_BIRTHS", a): 300})
    seed(coordinator, {("LIVE_BIRTHS", a): 310})

    html = confirm(as_coordinator, pk).content.decode()

    assert "lúc xem trước là —, nay là 310" in html
    assert stored()[("LIVE_BIRTHS", "default", a)] == Decimal(310)


def test_values_unchanged_since_the_preview_are_written(as_coordinator: Client, coordinator: User) -> None:
    a, b = communes_of("474")[:2]
    seed(coordinator, {("LIVE_BIRTHS", a): 100})
    pk = upload(as_coordinator, {("LIVE_BIRTHS", a): 120})
    seed(coordinator, {("LIVE_BIRTHS", b): 5})  # another cell: no conflict

    response = confirm(as_coordinator, pk)

    assert response.status_code == 302 and response["Location"] == PAGE
    assert stored()[("LIVE_BIRTHS", "default", a)] == Decimal(120)


def test_a_pending_import_staged_before_previews_kept_old_values_still_confirms(
    as_coordinator: Client, coordinator: User
) -> None:
    """Rows of seven fields (no value seen at preview) are applied as before."""
    a = communes_of("474")[0]
    pending = staging.stage(
        "datavalues",
        user=coordinator,
        filename="cu.xlsx",
        payload=[["LIVE_BIRTHS", "default", a, "2023S1", "42", "", "dòng 8"]],
    )

    response = confirm(as_coordinator, pending.pk)

    assert response.status_code == 302
    assert stored()[("LIVE_BIRTHS", "default", a)] == Decimal(42)


def test_an_expired_pending_import_is_refused_with_a_clear_message(
    as_coordinator: Client, coordinator: User, settings: Any
) -> None:
    settings.TREEM_STAGED_IMPORT_HOURS = 2
    a = communes_of("474")[0]
    pk = upload(as_coordinator, {("LIVE_BIRTHS", a): 300})
    StagedImport.objects.filter(pk=pk).update(created_at=timezone.now() - datetime.timedelta(hours=3))

    response = confirm(as_coordinator, pk, follow=True)

    html = response.content.decode()
    assert "đã hết hạn xác nhận (quá 2 giờ sau khi tải lên)" in html and "Hãy tải tệp lên lại" in html
    assert ("LIVE_BIRTHS", "default", a) not in stored()
    assert StagedImport.objects.get(pk=pk).applied_at is None


def test_pending_imports_expire_after_24_hours_by_default(as_coordinator: Client, settings: Any) -> None:
    del settings.TREEM_STAGED_IMPORT_HOURS  # the default applies
    a = communes_of("474")[0]
    pk = upload(as_coordinator, {("LIVE_BIRTHS", a): 300})
    StagedImport.objects.filter(pk=pk).update(created_at=timezone.now() - datetime.timedelta(hours=23))
    assert confirm(as_coordinator, pk).status_code == 302  # still within a day

    pk = upload(as_coordinator, {("LIVE_BIRTHS", a): 301})
    StagedImport.objects.filter(pk=pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    confirm(as_coordinator, pk)
    assert stored()[("LIVE_BIRTHS", "default", a)] == Decimal(300)


def test_purge_staged_imports_deletes_the_expired_ones(coordinator: User) -> None:
    old = timezone.now() - datetime.timedelta(hours=30)
    kept = staging.stage("datavalues", user=coordinator, filename="moi.xlsx", payload=[])
    for name in ("cu-1.xlsx", "cu-2.xlsx"):
        StagedImport.objects.filter(
            pk=staging.stage("datavalues", user=coordinator, filename=name, payload=[]).pk
        ).update(created_at=old)
    out = io.StringIO()

    call_command("purge_staged_imports", stdout=out)

    assert list(StagedImport.objects.values_list("pk", flat=True)) == [kept.pk]
    assert "2" in out.getvalue()
    assert staging.purge_expired() == 0  # callable from a scheduler; nothing left to purge


@pytest.mark.parametrize("hours", [1, 48])
def test_the_purge_follows_the_setting(coordinator: User, settings: Any, hours: int) -> None:
    settings.TREEM_STAGED_IMPORT_HOURS = hours
    pending = staging.stage("datavalues", user=coordinator, filename="x.xlsx", payload=[])
    StagedImport.objects.filter(pk=pending.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))

    purged = staging.purge_expired()

    assert purged == (1 if hours == 1 else 0)


def test_uploading_the_template_unchanged_changes_nothing_even_where_values_have_comments(
    as_coordinator: Client, coordinator: User
) -> None:
    """Issue 7, item 4: the template has no comments, so re-uploading it erased every one."""
    from treem.indicators.datavalues import ValueInput, import_values
    from treem.indicators.models import DataValue

    units = communes_of("474")
    inputs = [
        ValueInput("LIVE_BIRTHS", "default", u, "2023S1", 100 + i, f"ghi chú {u}")
        for i, u in enumerate(units)
    ]
    assert import_values(inputs, user=coordinator, check_outliers=False).imported == len(units)
    before = DataValue.history.count()
    sheet = Sheet(download(as_coordinator))

    html = as_coordinator.post(UPLOAD, {"file": sheet.upload_file()}).content.decode()

    assert 'data-count="changed">0<' in html and f'data-count="unchanged">{len(units)}<' in html
    assert "không có gì để ghi" in html and not StagedImport.objects.exists()
    assert DataValue.history.count() == before
    assert DataValue.objects.filter(comment="").count() == 0


def test_a_confirmation_that_loses_a_deadlock_is_run_again_once_whole(
    transactional_db: None, django_db_serialized_rollback: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The claim and the write are one transaction: after a lost deadlock both run again, and the import
    is applied once. (Committing for real: only the outermost transaction can be run again; the serialized
    rollback restores the migrated rows afterwards, as for every test that commits.)"""
    import psycopg
    from django.db import OperationalError

    from treem.core import transactions

    monkeypatch.setattr(transactions, "BACKOFF_SECONDS", 0.001)
    calls: list[int] = []

    def flaky(payload: Any, user: Any) -> tuple[str, bool]:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("deadlock detected") from psycopg.errors.DeadlockDetected(
                "deadlock detected"
            )
        return "written", True

    monkeypatch.setitem(staging._appliers, "flaky", flaky)
    user = User.objects.create_user("tai-lai", password="Mat-khau-thu-2023")
    pending = staging.stage("flaky", user=user, filename="x.xlsx", payload=[])

    confirmed = staging.confirm(pending, user=user)

    assert (confirmed.outcome, confirmed.result, len(calls)) == (staging.Outcome.APPLIED, "written", 2)
    assert confirmed.staged.applied_at is not None
    assert staging.confirm(pending, user=user).outcome == staging.Outcome.ALREADY_APPLIED


def test_a_confirmation_that_keeps_losing_writes_nothing_and_says_to_confirm_again(
    as_coordinator: Client, coordinator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from treem.core.transactions import Contended

    a = communes_of("474")[0]
    pk = upload(as_coordinator, {("LIVE_BIRTHS", a): 300})

    def contended(work: Any, **kwargs: Any) -> Any:
        raise Contended("deadlock")

    monkeypatch.setattr(staging, "run_in_transaction", contended)
    response = confirm(as_coordinator, pk, follow=True)

    html = response.content.decode()
    assert "Số liệu đang được người khác ghi cùng lúc" in html and "Hãy xác nhận lại" in html
    assert response.redirect_chain[-1][0].endswith(f"/tai-len/{pk}/")
    assert 'id="confirm"' in html  # the button is there again
    assert ("LIVE_BIRTHS", "default", a) not in stored()
    assert StagedImport.objects.get(pk=pk).applied_at is None
