"""The draft editor's forms. They only bound the input (lengths, a date, a body of the plan's year); what a
plan may contain is checked by the plan file's own checks (drafts.apply_edit), with load_plan's messages."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from treem.units.models import Agency

from . import drafts
from .models import Direction, Plan

SHORT_TEXT = 2000
LONG_TEXT = 6000


class DraftForm(forms.Form):
    """Every editor form carries the version of the plan it was opened on."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # plan-file key → form field, to show the plan check's messages next to the field they are about
    plan_keys: dict[str, str] = {}


def _text(label: Any, max_length: int, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": _("Không được để trống.")},
    )


class TargetForm(DraftForm):
    text = _text(_("Nội dung mục tiêu"), LONG_TEXT, rows=6)
    plan_keys = {"text": "text"}


class IndicatorForm(DraftForm):
    text = _text(_("Tên chỉ tiêu"), SHORT_TEXT, rows=3)
    direction = forms.ChoiceField(label=_("Chiều so sánh"), choices=Direction.choices)
    threshold = forms.CharField(
        label=_("Ngưỡng"),
        max_length=30,
        help_text=_("Một số, dấu phẩy hoặc dấu chấm thập phân, ví dụ 9,5."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": _("Nhập ngưỡng (một số).")},
    )
    plan_keys = {"text": "text", "direction": "direction", "threshold": "threshold"}

    def clean_threshold(self) -> Any:
        value = drafts.threshold_value(self.cleaned_data["threshold"])
        if isinstance(value, str):  # not a plain decimal: say so in words, not as the plan file's type
            raise forms.ValidationError(_("Ngưỡng phải là một số, ví dụ 95 hoặc 9,5."))
        problem = drafts.threshold_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value


class TaskForm(DraftForm):
    agency: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Cơ quan thực hiện"),
        queryset=Agency.objects.none(),  # the plan's year's bodies, set per form
        to_field_name="code",
        empty_label=None,
        error_messages={
            "invalid_choice": _("Hãy chọn một cơ quan còn hoạt động trong năm của kế hoạch."),
            "required": _("Hãy chọn cơ quan thực hiện."),
        },
    )
    text = _text(_("Nội dung nhiệm vụ"), LONG_TEXT, rows=6)
    plan_keys = {"agency": "agency", "text": "text"}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = drafts.bodies_for(plan)
        field.help_text = _("Các cơ quan còn hoạt động trong năm %(year)s.") % {"year": plan.year}


class DayField(forms.DateField):
    """A day typed dd/mm/yyyy (as the UI shows dates); the ISO form is accepted too."""

    input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
    widget = forms.DateInput(
        format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
    )
    default_error_messages = {"invalid": _("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 25/05/2026.")}


class MilestoneForm(DraftForm):
    date = DayField(label=_("Hạn"), error_messages={"required": _("Nhập hạn (dd/mm/yyyy).")})
    description = _text(_("Nội dung"), SHORT_TEXT, rows=3)
    plan_keys = {"date": "date", "description": "description"}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_date(self) -> datetime.date:
        # A plan's deadlines are those of its year: a date of another year is a typing slip.
        day: datetime.date = self.cleaned_data["date"]
        first, last = drafts.year_bounds(self.plan)
        if not first <= day <= last:
            raise forms.ValidationError(
                _("Hạn phải nằm trong năm %(year)s của kế hoạch (từ %(first)s đến %(last)s).")
                % {"year": self.plan.year, "first": f"{first:%d/%m/%Y}", "last": f"{last:%d/%m/%Y}"}
            )
        return day


MAX_FUNDING_SOURCES = 30


class FundingForm(DraftForm):
    """One text per funding source, and an empty one that adds a source when filled."""

    def __init__(self, *args: Any, sources: list[dict], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source_fields: list[str] = []
        for index, source in enumerate(sources[:MAX_FUNDING_SOURCES]):
            name = f"source_{index}"
            self.fields[name] = _text(_("Nguồn %(number)s") % {"number": source["number"]}, SHORT_TEXT, 3)
            self.initial.setdefault(name, source["text"])
            self.source_fields.append(name)
        if len(sources) < MAX_FUNDING_SOURCES:
            self.fields["new_source"] = forms.CharField(
                label=_("Thêm nguồn kinh phí (không bắt buộc)"),
                max_length=SHORT_TEXT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.plan_keys = {
            f"funding_sources[{index}].text": name for index, name in enumerate(self.source_fields)
        }

    def texts(self) -> list[str]:
        texts = [self.cleaned_data[name] for name in self.source_fields]
        extra = (self.cleaned_data.get("new_source") or "").strip()
        return texts + ([extra] if extra else [])
