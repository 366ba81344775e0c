"""The procedure's forms (Decree 56/2017/NĐ-CP, Forms 01–05) printed with a case's data: `forms` (how each
form is signed and dated, data/forms/), `content` (what a form says, plain data, and the record to print,
found inside the scope), `layout` (the Word file, in the Decree 30 frame of treem.core.wordfile). The PDF
is the Word file converted by treem.core.pdf. docs/case-forms.md describes them."""

from .content import FormContent, form_content, printable_record
from .layout import form_docx

__all__ = ["FormContent", "form_content", "form_docx", "printable_record"]
