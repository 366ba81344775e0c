"""Form pieces shared by the log pages: a date range typed the Vietnamese way (dd/mm/yyyy, or ISO)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FIRST_YEAR, LAST_YEAR = 1900, 9998  # a year the database and Python both hold, with a day to spare
BAD_DATE = _("Ngày không hợp lệ: hãy viết theo dạng dd/mm/yyyy (ví dụ 31/12/2023) hoặc yyyy-mm-dd.")


def date_filter_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": BAD_DATE},
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 10}),
    )


class DateRangeFilterForm(forms.Form):
    """A filter form with "from" and "to" dates: each a year in range, and "to" not before "from"."""

    date_from = date_filter_field(_("Từ ngày"))
    date_to = date_filter_field(_("Đến ngày"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(name, _("Năm phải từ 1900 đến 9998."))
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("“Đến ngày” phải sau hoặc bằng “Từ ngày”."))
        return data
