"""Files handed in with a submission: checked by content (core.filetypes), stored outside the web root
(core.storage), removable only while the submission is editable, and never deleted (a removal is marked)."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from treem.accounts.models import User
from treem.core.errors import InputErrors
from treem.core.filetypes import check_attachment, safe_filename
from treem.core.models import AuditAction

from .models import Attachment, Submission
from .services import ReportingError, locked_row, refuse_step, reporter_scope, submission_event

MAX_ATTACHMENTS = 20  # per submission: more is a sign of a mistake (or of an attack)


def do_add_attachment(actor: User, submission: Submission, upload: UploadedFile) -> Attachment:
    """Keep an uploaded file with the submission, or refuse it with nothing stored."""
    reporter_scope(actor, submission.round, submission.agency)
    if upload.file is None:
        raise ReportingError(_("Chọn một tệp để đính kèm."))
    try:
        kind = check_attachment(upload.name or "", upload.file, upload.size or 0)
    except InputErrors as error:
        raise ReportingError(error.messages) from error
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        submission = locked_row(submission)
        if not submission.is_editable:
            refuse_step(submission, _("đính kèm tệp"))
        if submission.attachments.filter(removed_at__isnull=True).count() >= MAX_ATTACHMENTS:
            raise ReportingError(_("Mỗi báo cáo đính kèm tối đa %(n)s tệp.") % {"n": MAX_ATTACHMENTS})
        attachment = Attachment(
            submission=submission, name=safe_filename(upload.name or "") or kind, kind=kind,
            size=upload.size or 0, sha256=digest.hexdigest(), uploaded_by=actor,
        )  # fmt: skip
        # The file is written before the row; if the row fails the transaction, remove the file again.
        attachment.file.save("upload", upload, save=False)
        try:
            attachment.save()
            submission_event(AuditAction.ATTACHMENT_ADD, actor, submission, f"Đính kèm {attachment.name}",
                   attachment=attachment.name, kind=kind, size=attachment.size)  # fmt: skip
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


def do_remove_attachment(actor: User, attachment: Attachment) -> None:
    """Take a file off an editable submission; the file and its row are kept (marked removed)."""
    submission = attachment.submission
    reporter_scope(actor, submission.round, submission.agency)
    with transaction.atomic():
        submission = locked_row(submission)
        if not submission.is_editable:
            refuse_step(submission, _("gỡ tệp"))
        Attachment.objects.filter(pk=attachment.pk, removed_at__isnull=True).update(removed_at=timezone.now())
        submission_event(AuditAction.ATTACHMENT_REMOVE, actor, submission, f"Gỡ tệp {attachment.name}",
               attachment=attachment.name)  # fmt: skip
