"""The register's forms: a child (new, or its details), a circumstance, a support and the end of either.

The forms only turn typed text into Python values (dates typed dd/mm/yyyy, amounts with thousands dots
"360.000"); the rules (a group in the list, dates in order, not in the future) are the services' and come
back as RegisterError problems, put on the fields by `add_problems`. Widgets carry the case pages' classes
("field-input …", see treem/cases/static/cases/cases.css) so they render the same on a phone.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from treem.cases.models import Disability, Household
from treem.cases.procedure import default_procedure
from treem.core.forms import BAD_DATE, DATE_FORMATS, FIRST_YEAR, LAST_YEAR
from treem.core.numbers import parse_typed_number
from treem.units.models import AdministrativeUnit

from .reference import reference
from .services import NAME_MAX_LENGTH, PROVIDER_MAX_LENGTH, RegisterError

CHOOSE = ("", _("— Chọn —"))
UNKNOWN = ("", _("— Chưa rõ —"))
BAD_YEAR = _("Năm phải từ 1900 đến 9998.")
NOT_LISTED = {"invalid_choice": _("Giá trị “%(value)s” không có trong danh sách; hãy chọn lại.")}


def _input(kind: str, **attrs: Any) -> dict[str, Any]:
    return {"class": f"field-input field-{kind}", **attrs}


class DayField(forms.DateField):
    """A date typed dd/mm/yyyy (or yyyy-mm-dd), in a plain text box phones open with digits."""

    def __init__(self, **kwargs: Any) -> None:
        widget = forms.DateInput(
            format="%d/%m/%Y",
            attrs=_input("date", placeholder="dd/mm/yyyy", inputmode="numeric", autocomplete="off"),
        )
        kwargs.setdefault("error_messages", {"invalid": BAD_DATE})
        super().__init__(input_formats=DATE_FORMATS, widget=widget, **kwargs)

    def clean(self, value: Any) -> datetime.date | None:
        day = super().clean(value)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(BAD_YEAR)
        return day


class AmountField(forms.CharField):
    """A sum of đồng typed as people write it: "360.000", "360000", "360 000"; a whole number."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = _input("amount", inputmode="numeric", placeholder="360.000", autocomplete="off")
        super().__init__(max_length=30, widget=forms.TextInput(attrs=attrs), **kwargs)

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            number = parse_typed_number(text, integer_expected=True)
        except ValueError:
            number = None
        if number is None or number != number.to_integral_value():
            raise forms.ValidationError(_("Số tiền không hợp lệ: nhập số đồng, ví dụ 360.000."))
        return number


class RegisterForm(forms.Form):
    """A form whose service refusals (RegisterError) come back on its fields."""

    def add_problems(self, error: RegisterError) -> None:
        if not error.problems:
            self.add_error(None, error.message)
        for name, problem in error.problems.items():
            self.add_error(name if name in self.fields else None, problem)


def _sexes() -> list[tuple[str, Any]]:
    return [UNKNOWN, *((c.code, c.label) for c in default_procedure().choices("sexes"))]


class ChildDetailsForm(RegisterForm):
    """The details of a child that may change (the name and commune have their own ways)."""

    sex = forms.ChoiceField(
        label=_("Giới tính"),
        required=False,
        widget=forms.Select(attrs=_input("choice")),
        error_messages=NOT_LISTED,
    )
    date_of_birth = DayField(label=_("Ngày sinh"), required=False)
    ethnicity = forms.ChoiceField(
        label=_("Dân tộc"),
        required=False,
        widget=forms.Select(attrs=_input("choice")),
        error_messages={"invalid_choice": _("Dân tộc không có trong danh mục 54 dân tộc.")},
    )
    disability = forms.ChoiceField(
        label=_("Khuyết tật"),
        required=False,
        choices=Disability.choices,
        widget=forms.Select(attrs=_input("choice")),
        error_messages=NOT_LISTED,
    )
    household = forms.ChoiceField(
        label=_("Hộ gia đình"),
        required=False,
        choices=Household.choices,
        widget=forms.Select(attrs=_input("choice")),
        error_messages=NOT_LISTED,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("sex", _sexes())
        self._choices("ethnicity", [UNKNOWN, *reference().choices("ethnicities")])

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def details(self) -> dict[str, Any]:
        """The cleaned details, as the services take them."""
        return {
            name: self.cleaned_data[name]
            for name in ("sex", "date_of_birth", "ethnicity", "disability", "household")
        }


class NewChildForm(ChildDetailsForm):
    """A child entering the register: its name and commune (one of the scope's), then its details."""

    field_order = ["name", "commune", "sex", "date_of_birth", "ethnicity", "disability", "household"]

    name = forms.CharField(
        label=_("Họ và tên"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs=_input("text", autocomplete="off")),
        error_messages={"required": _("Nhập họ và tên của trẻ em.")},
    )
    commune = forms.ChoiceField(
        label=_("Xã nơi trẻ em cư trú"),
        widget=forms.Select(attrs=_input("choice")),
        error_messages={
            "required": _("Cần chọn xã."),
            "invalid_choice": _("Không có xã này trong phạm vi của bạn."),
        },
    )

    def __init__(self, communes: list[AdministrativeUnit], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {}
        for unit in communes:
            groups.setdefault(unit.parent.name if unit.parent else "", []).append((unit.code, unit.name))
        listed: list[tuple[str, Any]] = [("", _("— Chọn xã —")), *groups.items()]
        if len(communes) == 1:  # a commune officer's own commune: nothing to choose
            listed = [(communes[0].code, communes[0].name)]
        self._choices("commune", listed)


class CircumstanceForm(RegisterForm):
    """A group the child is in, from a day (and to a day, when it is already over)."""

    group = forms.ChoiceField(
        label=_("Nhóm hoàn cảnh"),
        widget=forms.Select(attrs=_input("choice")),
        error_messages={
            "required": _("Hãy chọn nhóm hoàn cảnh."),
            "invalid_choice": _("Nhóm hoàn cảnh không có trong danh mục."),
        },
    )
    started_on = DayField(
        label=_("Từ ngày"), error_messages={"required": _("Nhập ngày bắt đầu."), "invalid": BAD_DATE}
    )
    ended_on = DayField(
        label=_("Đến ngày"), required=False, help_text=_("Để trống nếu trẻ em vẫn thuộc nhóm này.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ref = reference()
        field = self.fields["group"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            CHOOSE,
            (_("Trẻ em có hoàn cảnh đặc biệt"), ref.choices("special_circumstances")),
            (_("Trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt"), ref.choices("at_risk")),
        ]


class SupportForm(RegisterForm):
    """Support or a benefit the child receives: its kind, dates, amount, the body giving it, the decision."""

    kind = forms.ChoiceField(
        label=_("Hình thức hỗ trợ"),
        widget=forms.Select(attrs=_input("choice")),
        error_messages={
            "required": _("Hãy chọn hình thức hỗ trợ."),
            "invalid_choice": _("Hình thức hỗ trợ không có trong danh mục."),
        },
    )
    started_on = DayField(
        label=_("Từ ngày"), error_messages={"required": _("Nhập ngày bắt đầu."), "invalid": BAD_DATE}
    )
    ended_on = DayField(label=_("Đến ngày"), required=False, help_text=_("Để trống nếu vẫn đang hỗ trợ."))
    amount = AmountField(
        label=_("Số tiền (đồng)"), required=False, help_text=_("Trợ cấp hằng tháng: số tiền mỗi tháng.")
    )
    provider = forms.CharField(
        label=_("Cơ quan, tổ chức hỗ trợ"),
        max_length=PROVIDER_MAX_LENGTH,
        widget=forms.TextInput(attrs=_input("text")),
        error_messages={"required": _("Nhập cơ quan, tổ chức hỗ trợ.")},
    )
    decision = forms.CharField(
        label=_("Số quyết định"), required=False, max_length=100, widget=forms.TextInput(attrs=_input("text"))
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = reference().support_kinds
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            CHOOSE,
            (
                _("Chăm sóc, nuôi dưỡng, trợ giúp"),
                [(k.code, k.label) for k in kinds if k.family != "benefit"],
            ),
            (_("Chính sách, trợ cấp"), [(k.code, k.label) for k in kinds if k.family == "benefit"]),
        ]


class EndForm(RegisterForm):
    """The day a circumstance or a support ends; `confirm` is set by the confirmation step."""

    ended_on = DayField(
        label=_("Ngày kết thúc"), error_messages={"required": _("Nhập ngày kết thúc."), "invalid": BAD_DATE}
    )
    confirm = forms.CharField(required=False, widget=forms.HiddenInput)

    @property
    def confirmed(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("confirm") == "yes"
