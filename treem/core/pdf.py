"""PDF copies of Word documents (consolidated reports, printed case forms), converted by LibreOffice
running headless. One home for the conversion: treem.reporting and treem.cases both call `docx_to_pdf`.

LibreOffice is an optional system package: without it treem still issues .docx files and says plainly
that PDF is not available (`PdfUnavailable`, a message in Vietnamese for the page). Each conversion runs in its own temporary directory with its own user profile
(two conversions sharing a profile block each other, and a crashed one leaves a lock behind), under a time
limit after which the whole process group is killed (soffice forks `oosplash`/`soffice.bin`).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 60.0
EXECUTABLES = ("soffice", "libreoffice")


class PdfError(Exception):
    """A PDF could not be made; the message can be shown to the user."""


class PdfUnavailable(PdfError):
    """LibreOffice is not installed (or TREEM_LIBREOFFICE names no executable)."""


class PdfFailed(PdfError):
    """LibreOffice ran but gave no PDF: it timed out, failed, or wrote nothing."""


def libreoffice_path() -> str | None:
    """The LibreOffice executable: settings.TREEM_LIBREOFFICE when set (None when it names nothing
    executable, so a wrong setting is not silently replaced by another LibreOffice), else soffice or
    libreoffice on the PATH."""
    configured = getattr(settings, "TREEM_LIBREOFFICE", None)
    if configured:
        return shutil.which(str(configured))
    for name in EXECUTABLES:
        found = shutil.which(name)
        if found:
            return found
    return None


def pdf_available() -> bool:
    return libreoffice_path() is not None


def docx_to_pdf(docx_bytes: bytes, *, timeout: float | None = None) -> bytes:
    """The PDF of a .docx file. Raises PdfUnavailable or PdfFailed (both PdfError) with a message in
    Vietnamese; the details (exit code, LibreOffice's output) go to the log."""
    executable = libreoffice_path()
    if executable is None:
        raise PdfUnavailable(_("Máy chủ chưa cài LibreOffice nên chưa xuất được PDF."))
    limit = timeout if timeout is not None else _setting_timeout()
    with tempfile.TemporaryDirectory(prefix="treem-pdf-") as directory:
        work = Path(directory)
        source = work / "document.docx"
        source.write_bytes(docx_bytes)
        outdir = work / "out"
        outdir.mkdir()
        command = [
            executable,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--nodefault",
            "--nolockcheck",
            "--nologo",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(source),
        ]
        output = _run(command, cwd=work, limit=limit)
        target = outdir / "document.pdf"
        if not target.is_file() or target.stat().st_size == 0:
            logger.warning("LibreOffice wrote no PDF: %s", output[-2000:])
            raise PdfFailed(_("LibreOffice không tạo được tệp PDF từ báo cáo."))
        return target.read_bytes()


def _run(command: list[str], *, cwd: Path, limit: float) -> str:
    """Runs LibreOffice in a new session (its own process group) and returns its output; kills the group
    when the limit passes."""
    environment = {**os.environ, "HOME": str(cwd)}  # LibreOffice writes under $HOME when it can
    try:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except FileNotFoundError as error:
        raise PdfUnavailable(_("Máy chủ chưa cài LibreOffice nên chưa xuất được PDF.")) from error
    except OSError as error:
        logger.warning("LibreOffice could not be started: %s", error)
        raise PdfFailed(_("Không khởi động được LibreOffice để xuất PDF.")) from error
    try:
        stdout, _stderr = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        logger.warning("LibreOffice took more than %s s; killed", limit)
        raise PdfFailed(
            _("Xuất PDF quá %(seconds)s giây nên đã dừng; vui lòng thử lại sau.")
            % {"seconds": _seconds(limit)}
        ) from None
    finally:
        if process.poll() is None:  # an exception other than the timeout: leave no LibreOffice behind
            _kill_group(process)
    output = stdout.decode("utf-8", "replace") if stdout else ""
    if process.returncode != 0:
        logger.warning("LibreOffice exited with %s: %s", process.returncode, output[-2000:])
        raise PdfFailed(
            _("LibreOffice gặp lỗi khi xuất PDF (mã lỗi %(code)s).") % {"code": process.returncode}
        )
    return output


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.communicate(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - a process that survives SIGKILL
        logger.error("LibreOffice (pid %s) did not end after SIGKILL", process.pid)


def _setting_timeout() -> float:
    value = getattr(settings, "TREEM_PDF_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return DEFAULT_TIMEOUT_SECONDS
    return seconds if seconds > 0 else DEFAULT_TIMEOUT_SECONDS


def _seconds(limit: float) -> str:
    return str(int(limit)) if float(limit).is_integer() else f"{limit:g}"
