"""Forms of the data entry pages."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from treem.core import uploads
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
        fields["unit"].choices = [(u.code, f"{'— ' * u.depth}{u.name} ({u.code})") for u in units]


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
