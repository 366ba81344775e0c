"""Fast building of the blocks a report repeats hundreds of times (body paragraphs, table cells).

python-docx builds every property of every paragraph and run through generic child lookups in schema
order, which made the consolidated report slow (≈ 800 runs). The frame in `decree30` instead formats one
prototype of each kind of block with python-docx, once per process, and copies it (`copy.deepcopy` of an
lxml element runs in C), then adds the text the way python-docx's `Run.text` does. The XML written is
the same as building each block with python-docx. (`set_child` and the schema orders of properties
moved to treem.core.wordfile with the rest of the frame.)
"""

from __future__ import annotations

from copy import deepcopy
from typing import TypeVar

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.run import CT_R
from lxml import etree

SECT_PR = qn("w:sectPr")
XML_SPACE = qn("xml:space")
BREAKS = ("\t", "\r", "\n")  # python-docx writes these as <w:tab/> and <w:br/>, not in <w:t>

Element = TypeVar("Element", bound=etree._Element)


def copy_of(prototype: Element) -> Element:
    """A detached copy of a cached prototype (never hand out the prototype itself)."""
    return deepcopy(prototype)


def set_text(r: CT_R, text: str) -> None:
    """Adds `text` to a run that has no content yet, as `Run.text = text` (one `w:t`, kept spaces
    marked `xml:space="preserve"`); tabs and line breaks go through python-docx."""
    if not text:
        return
    if any(mark in text for mark in BREAKS):
        r.text = text
        return
    t = OxmlElement("w:t")
    t.text = text
    if len(text.strip()) < len(text):
        t.set(XML_SPACE, "preserve")
    r.append(t)


def last_run(p: etree._Element) -> CT_R:
    """The prototype's run, which the builders always put last in its paragraph."""
    run = p[-1]
    assert isinstance(run, CT_R), "a block prototype must end with its run"
    return run


def append_block(document: DocxDocument, element: etree._Element) -> None:
    """Adds a block at the end of the body, before the section properties (as `add_paragraph`)."""
    body = document.element.body
    last = body[-1] if len(body) else None
    if last is not None and last.tag == SECT_PR:
        last.addprevious(element)
    else:
        body.append(element)
