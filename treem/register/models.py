"""The register of children in special circumstances (Law on Children 2016, art. 10) and of children at
risk of falling into them, and the support and benefits each child receives.

The child is treem.cases.models.Child: one record however many cases, circumstances or supports it has
(cases holds it; the register builds on it). Like the cases, these records are sealed: only
treem.register.selectors and treem.register.services read or write them, each read is logged in the case
access log (treem.cases.access), and small counts are suppressed outside case management.

Codes (groups, kinds of support, ethnicities) come from data/register/reference.yaml
(treem.register.reference); the benefit rules from data/benefits/ (treem.register.benefits).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def active_between(start: datetime.date, end: datetime.date) -> Q:
    """Circumstances or supports active on some day from `start` to `end` (one day: both the same); the
    query side of `is_active_on`. `ended_on` None: still going."""
    return Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))


class CircumstanceKind(models.TextChoices):
    SPECIAL = "special", _("Hoàn cảnh đặc biệt")
    AT_RISK = "at_risk", _("Nguy cơ rơi vào hoàn cảnh đặc biệt")


class DatedRecord(models.Model):
    """What a circumstance and a support of a child share: the days it runs (`ended_on` None: still going),
    who recorded it and when, and its history."""

    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi"),
    )
    created_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["started_on", "id"]

    def is_active_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


class Circumstance(DatedRecord):
    """A child is in one group (of the 14 of art. 10, or of the at-risk groups) from `started_on` to
    `ended_on` (None: still). A child may be in several groups at once; it is counted once."""

    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, related_name="circumstances", verbose_name=_("trẻ em")
    )
    kind = models.CharField(_("loại"), max_length=10, choices=CircumstanceKind.choices)
    group = models.CharField(_("nhóm"), max_length=40)

    class Meta(DatedRecord.Meta):
        indexes = [models.Index(fields=["child", "kind"], name="circumstance_child_kind")]
        verbose_name = _("hoàn cảnh của trẻ em")
        verbose_name_plural = _("hoàn cảnh của trẻ em")

    def __str__(self) -> str:
        return f"{self.child_id}:{self.group}"


class Support(DatedRecord):
    """Support received (care, nurturing, help) or a benefit (monthly social assistance, health insurance
    card, education support, in-kind help): its kind (reference.yaml `support_kinds`), dates, amount in
    đồng (monthly for a monthly benefit) and the body that gave it."""

    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, related_name="supports", verbose_name=_("trẻ em")
    )
    kind = models.CharField(_("hình thức"), max_length=40)
    amount = models.DecimalField(_("số tiền (đồng)"), max_digits=14, decimal_places=0, null=True, blank=True)
    provider = models.CharField(_("cơ quan, tổ chức hỗ trợ"), max_length=200)
    decision = models.CharField(_("số quyết định"), max_length=100, blank=True)

    class Meta(DatedRecord.Meta):
        indexes = [models.Index(fields=["child", "kind"], name="support_child_kind")]
        verbose_name = _("hỗ trợ, trợ cấp")
        verbose_name_plural = _("hỗ trợ, trợ cấp")

    def __str__(self) -> str:
        return f"{self.child_id}:{self.kind}"
