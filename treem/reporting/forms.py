"""Forms of the submission pages: a body's answers per owed task, a reviewer's comment, an attachment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from treem.plans.models import Task

from .models import ProgressStatus, Submission
from .services import ENTRY_FIELDS, TEXT_LIMIT, Entry

TEXT_LABELS = {
    "done": _("Đã thực hiện"),
    "results": _("Kết quả (số liệu)"),
    "difficulties": _("Khó khăn, vướng mắc"),
    "proposals": _("Đề xuất, kiến nghị"),
}


@dataclass
class TaskBlock:
    """One owed task and the bound fields that answer it, in the order the form shows them."""

    task: Task
    fields: list[forms.BoundField]


class TextField(forms.CharField):
    """Free text from a textarea. Browsers send each line break as CR LF; counted as one character, as
    the browser's own maxlength counts it, so a text the browser let through is not refused here."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return text.replace("\r\n", "\n") if isinstance(text, str) else text


def _text(label: Any) -> forms.CharField:
    return TextField(
        label=label, required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )


class SubmissionForm(forms.Form):
    """The note and, per owed task, its status and four answers. Field names carry the task's code."""

    note = TextField(
        label=_("Ý kiến chung"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self, *args: Any, tasks: Iterable[Task], submission: Submission | None = None, **kwargs: Any
    ) -> None:
        self.tasks = list(tasks)
        if submission is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(submission)
        super().__init__(*args, **kwargs)
        for task in self.tasks:
            self.fields[self.name(task, "status")] = forms.ChoiceField(
                label=_("Tình trạng"), choices=ProgressStatus.choices, initial=ProgressStatus.NOT_STARTED
            )
            for name, label in TEXT_LABELS.items():
                self.fields[self.name(task, name)] = _text(label)

    @staticmethod
    def name(task: Task, field: str) -> str:
        return f"t-{task.code}-{field}"

    @classmethod
    def initial_from(cls, submission: Submission) -> dict[str, str]:
        initial = {"note": submission.note}
        for progress in submission.progress.select_related("task"):
            for field in ENTRY_FIELDS:
                initial[cls.name(progress.task, field)] = getattr(progress, field)
        return initial

    def blocks(self) -> list[TaskBlock]:
        return [TaskBlock(t, [self[self.name(t, f)] for f in ENTRY_FIELDS]) for t in self.tasks]

    def entries(self) -> dict[str, Entry]:
        """The answers as the service takes them (after is_valid)."""
        data = self.cleaned_data
        return {
            task.code: Entry(**{f: data.get(self.name(task, f)) or "" for f in ENTRY_FIELDS})
            for task in self.tasks
        }


class CommentForm(forms.Form):
    """A reviewer's comment: required to return or reopen, optional to accept."""

    comment = TextField(
        label=_("Ý kiến"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachmentForm(forms.Form):
    # An empty file is refused by core.filetypes with its own message, not by the form's generic one.
    file = forms.FileField(label=_("Tệp đính kèm (PDF, Word, Excel, ảnh JPEG/PNG)"), allow_empty_file=True)
