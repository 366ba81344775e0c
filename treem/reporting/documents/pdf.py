"""The PDF conversion of reports lives in treem.core.pdf (the case forms use it too); these names stay
importable from here for the reporting code that already uses them."""

from treem.core.pdf import (
    DEFAULT_TIMEOUT_SECONDS,
    PdfError,
    PdfFailed,
    PdfUnavailable,
    docx_to_pdf,
    libreoffice_path,
    pdf_available,
)

__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "PdfError",
    "PdfFailed",
    "PdfUnavailable",
    "docx_to_pdf",
    "libreoffice_path",
    "pdf_available",
]
