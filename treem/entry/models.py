"""Staged imports: an upload checked and kept until its owner confirms it (preview → confirm)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StagedImport(models.Model):
    """A checked upload waiting for confirmation, kept in the database so any app server can finish it.

    `kind` names who applies it (registered in `staging`); `payload` is what that kind needs, already
    normalised (data values: rows of element, combo, unit, period, value, comment, place).

    A large upload is checked by a background job (`upload_jobs`): the row is made first, `queued`, with
    the file in `source`; the job sets `status` and `progress`, then the `report` the preview shows (counts,
    errors, changes) and, when the file can be written, the `payload`. `source` is emptied when done."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("chờ kiểm tra")
        RUNNING = "running", _("đang kiểm tra")
        DONE = "done", _("đã kiểm tra")
        FAILED = "failed", _("lỗi khi kiểm tra")

    kind = models.CharField(_("loại"), max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("lúc tải lên"), auto_now_add=True)
    filename = models.CharField(_("tệp"), max_length=255)
    payload = models.JSONField()
    applied_at = models.DateTimeField(_("lúc ghi"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DONE)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=100)
    report = models.JSONField(_("kết quả kiểm tra"), default=dict, blank=True)
    source = models.BinaryField(_("tệp tải lên"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("tệp chờ xác nhận")
        verbose_name_plural = _("tệp chờ xác nhận")

    def __str__(self) -> str:
        return self.filename
