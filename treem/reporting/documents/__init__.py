"""Renderers of treem's administrative documents: the Decree 30 frame (`decree30`), the Word report
(`docx`), the Excel annex (`xlsx`) and the PDF conversion through LibreOffice (`pdf`). They lay out the
plain data of `content` and know no model, so they can be tested and re-run without a database."""
