"""Forms of the data entry pages."""

from __future__ import annotations

import datetime
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from treem.core import uploads
from treem.core.periods import parse_period, period_label
from treem.indicators import services
from treem.indicators.models import Completion
from treem.units.models import AdministrativeUnit, Agency


class EntryChoiceForm(forms.Form):
    """Which reporting entity, period and unit to enter figures for (choices come from selectors)."""

    agency = forms.ChoiceField(label=_("Cơ quan cung cấp số liệu"))
    period = forms.ChoiceField(label=_("Kỳ báo cáo"))
    unit = forms.ChoiceField(label=_("Đơn vị hành chính"))

    def __init__(self, *args, agencies, periods, units, **kwargs):
        super().__init__(*args, **kwargs)
        fields = cast(dict[str, forms.ChoiceField], self.fields)  # the three fields above
        fields["agency"].choices = [(a.code, f"{a.name} ({a.code})") for a in agencies]
        fields["period"].choices = periods
        # By code, as the page's URL names the unit; a code may be a 2023 and a 2025 unit, which the label
        # tells apart by their dates and the period chosen picks between (`clean`).
        self.units: dict[str, list[AdministrativeUnit]] = {}
        for unit in units:
            self.units.setdefault(unit.code, []).append(unit)
        fields["unit"].choices = [(u.code, f"{'— ' * u.depth}{u.name} ({u.code}){_dates(u)}") for u in units]

    def clean(self) -> dict:
        data = super().clean() or {}
        versions = self.units.get(data.get("unit", ""), [])
        period = data.get("period")
        if not versions or not period:
            return data
        _kind, start, end = parse_period(period)
        if not any(unit.exists_during(start, end) for unit in versions):
            unit = versions[-1]
            raise forms.ValidationError(
                _("Đơn vị %(unit)s (%(code)s) không tồn tại trong kỳ %(period)s; hãy chọn đơn vị của kỳ này.")
                % {"unit": unit.name, "code": unit.code, "period": period_label(period)}
            )
        return data


def _dates(unit: AdministrativeUnit) -> str:
    """ " (từ 01/07/2025)", " (đến 30/06/2025)": set apart units of the 2023 and the 2025 trees."""
    if unit.valid_to:
        last = unit.valid_to - datetime.timedelta(days=1)
        return " " + str(_("(đến %(day)s)") % {"day": f"{last:%d/%m/%Y}"})
    if unit.valid_from:
        return " " + str(_("(từ %(day)s)") % {"day": f"{unit.valid_from:%d/%m/%Y}"})
    return ""


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel đã điền (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        most = uploads.limit("TREEM_MAX_UPLOAD_BYTES")
        if upload.size > most:
            raise forms.ValidationError(
                _("Tệp quá lớn (tối đa %(most)s).") % {"most": uploads.size_text(most)}
            )
        if not upload.name.lower().endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Chỉ nhận tệp Excel .xlsx (tải mẫu ở trên rồi điền số liệu)."))
        return upload


class CompletionForm(forms.Form):
    """Mark a reporting entity's figures for a unit and period complete, or take the mark back."""

    action = forms.ChoiceField(choices=[("mark", _("Đánh dấu hoàn thành")), ("unmark", _("Bỏ đánh dấu"))])

    def save(self, *, user, agency: Agency, unit: AdministrativeUnit, period_code: str) -> Completion | None:
        if self.cleaned_data["action"] == "unmark":
            services.unmark_complete(agency, unit, period_code, user=user)
            return None
        return services.mark_complete(user, agency, unit, period_code)
