"""Checking an Excel upload: in the request for a small file, in a background job for a large one.

Either way the check is a dry run through the engine's one write path, and its outcome is a report (a
plain dict, kept on the StagedImport row for a background check) that the preview page shows:
- `counts`: what the file holds. With errors, the new/changed/unchanged/deleted counts are those of the
  values without errors (checked once more without the faulty ones), next to how many values have errors;
- `file_errors`, `conflicts`, `warnings`: sorted by sheet, row and column; at most MAX_SHOWN of each;
- `changes`: the values that would change (when there is no error), with names.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import logging
from typing import IO, Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from treem.accounts.models import User
from treem.core import jobs
from treem.core.errors import InputErrors
from treem.indicators.datavalues import ImportSummary, Message, ValueInput, import_values

from . import excel, upload_changes
from .models import StagedImport

logger = logging.getLogger(__name__)
MAX_SHOWN = 500  # messages of each kind shown on the preview; the rest are counted
STALE_AFTER = datetime.timedelta(minutes=15)  # a job still unfinished then has died with its process
Report = dict[str, Any]
Status = StagedImport.Status


def check(
    file: IO[bytes] | bytes, meta: excel.TemplateMeta, user: User | AnonymousUser, progress: Any = None
) -> tuple[Report, list[list[Any]] | None]:
    """(the report, the rows to stage, or None when nothing can or need be written)."""
    note = progress or (lambda percent: None)
    try:
        inputs = excel.read_workbook(file, expect=meta, progress=note)
    except InputErrors as exc:
        return file_report(exc.messages), None
    note(60)
    summary = import_values(inputs, user=user, dry_run=True)
    note(90)
    report = summary_report(summary, inputs=inputs, user=user)
    changes = summary.imported + summary.updated + summary.deleted
    return report, (excel.staged_rows(summary) if not summary.conflicts and changes else None)


def file_report(messages: list[str]) -> Report:
    shown = sorted(messages, key=excel.place_key)
    return {"file_errors": _capped(shown), "counts": None, "conflicts": [], "warnings": [], "changes": []}


def _capped(items: list[Any]) -> list[Any]:
    if len(items) <= MAX_SHOWN:
        return items
    more = _("… và %(n)d lỗi khác.") % {"n": len(items) - MAX_SHOWN}
    return [*items[:MAX_SHOWN], [more, ""] if isinstance(items[0], list) else more]


def _messages(messages: list[Message]) -> list[list[str]]:
    ordered = sorted(messages, key=lambda m: excel.place_key(m.where))
    return _capped([[m.where, m.text] for m in ordered])


def summary_report(
    summary: ImportSummary, *, inputs: list[ValueInput] | None = None, user: Any = None
) -> Report:
    """The report of a dry run (or of a confirmation the engine refused)."""
    counts = {
        "values": len(inputs) if inputs is not None else None,
        "errors": 0,
        "new": summary.imported,
        "changed": summary.updated,
        "unchanged": summary.ignored,
        "deleted": summary.deleted,
        "partial": False,
    }
    if summary.conflicts and inputs is not None:
        counts.update(_counts_without_errors(inputs, summary, user))
    changes, more = ([], 0) if summary.conflicts else upload_changes.describe_changes(summary.changes)
    return {
        "file_errors": [],
        "counts": counts,
        "conflicts": _messages(summary.conflicts),
        "warnings": _messages(summary.warnings),
        "changes": [dataclasses.asdict(row) for row in changes],
        "more_changes": more,
    }


def _counts_without_errors(inputs: list[ValueInput], summary: ImportSummary, user: Any) -> dict[str, Any]:
    """What the file would do without its faulty values: the engine counts nothing when a file has a
    conflict, but the preview should still say what the file holds. Rules between elements may fail
    again once values are left out, so this tries a few times, then gives up (counts None)."""
    faulty = {m.where for m in summary.conflicts}
    errors = sum(1 for item in inputs if item.where in faulty)
    for _attempt in range(3):
        clean = [item for item in inputs if item.where not in faulty]
        again = import_values(clean, user=user, dry_run=True, check_outliers=False, keep_changes=False)
        if not again.conflicts:
            return {
                "errors": errors,
                "new": again.imported,
                "changed": again.updated,
                "unchanged": again.ignored,
                "deleted": again.deleted,
                "partial": True,
            }
        faulty |= {m.where for m in again.conflicts}
    return {
        "errors": errors,
        "new": None,
        "changed": None,
        "unchanged": None,
        "deleted": None,
        "partial": True,
    }


# --- the background check -------------------------------------------------------------------------------------


def start(*, user: User, filename: str, data: bytes, meta: excel.TemplateMeta) -> StagedImport:
    """Keep the file on a queued row and hand its check to a job; the preview page follows the row."""
    staged = StagedImport.objects.create(
        kind=excel.STAGED_KIND,
        created_by=user,
        filename=filename[:255],
        payload=[],
        status=Status.QUEUED,
        progress=0,
        source=data,
    )
    jobs.submit(run, staged.pk, [meta.agency, meta.period, meta.unit], translation.get_language() or "vi")
    return staged


def run(pk: int, meta: list[str], language: str) -> None:
    """The job: claim the queued row, check its file, store the report (and the rows, if writable)."""
    if not StagedImport.objects.filter(pk=pk, status=Status.QUEUED).update(status=Status.RUNNING, progress=5):
        return  # already taken or gone
    staged = StagedImport.objects.select_related("created_by").get(pk=pk)

    def progress(percent: int) -> None:
        StagedImport.objects.filter(pk=pk).update(progress=percent)

    with translation.override(language):
        try:
            report, rows = check(
                io.BytesIO(bytes(staged.source or b"")),
                excel.TemplateMeta(*meta),
                staged.created_by,
                progress,
            )
        except Exception:
            logger.exception("checking upload %s failed", pk)
            report = file_report([_("Lỗi hệ thống khi kiểm tra tệp; không có gì được ghi. Hãy thử lại sau.")])
            StagedImport.objects.filter(pk=pk).update(
                status=Status.FAILED, progress=100, report=report, source=None
            )
            return
    StagedImport.objects.filter(pk=pk).update(
        status=Status.DONE, progress=100, report=report, payload=rows or [], source=None
    )


def is_stale(staged: StagedImport) -> bool:
    return (
        staged.status in (Status.QUEUED, Status.RUNNING) and timezone.now() - staged.created_at > STALE_AFTER
    )


def confirmable(staged: StagedImport) -> bool:
    """Whether the row holds checked values to write (a check that found errors holds none)."""
    return staged.status == Status.DONE and bool(staged.payload)
