"""A :class:`~reports.model.Report` as a Word document (python-docx) that staff can edit.

Real headings (Word's 标题 1/2 styles, so the navigation pane and a table of
contents work), tables with a header row repeated on every page, the chain map
as an inline picture. Chinese text uses 宋体 (body) and 黑体 (headings) as East
Asian fonts; Word substitutes its own when they are missing, nothing is embedded.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reports.model import Heading, Image, PageBreak, Para, Report, Table

BODY_FONT = "宋体"
HEAD_FONT = "黑体"
HEADER_FILL = "E8EEF7"
ALIGN = {"L": WD_ALIGN_PARAGRAPH.LEFT, "R": WD_ALIGN_PARAGRAPH.RIGHT, "C": WD_ALIGN_PARAGRAPH.CENTER}


def _east_asian(style_or_run, name: str) -> None:
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _setup(doc, landscape: bool) -> float:
    """Page, margins and styles; returns the text width in cm."""
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(2.0))
    sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    _east_asian(normal, BODY_FONT)
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 12)):
        st = doc.styles[name]
        st.font.size = Pt(size)
        st.font.color.rgb = RGBColor(0x1F, 0x3B, 0x5C)
        _east_asian(st, HEAD_FONT)
    return (sec.page_width - sec.left_margin - sec.right_margin) / 360000


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _table(doc, t: Table, text_cm: float) -> None:
    rows = t.rows or [[t.empty] + [""] * (len(t.headers) - 1)]
    table = doc.add_table(rows=1 + len(rows), cols=len(t.headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    weights = t.widths or [1.0] * len(t.headers)
    widths = [Cm(text_cm * w / sum(weights)) for w in weights]
    align = t.align or ["L"] * len(t.headers)
    small = Pt(9)
    for j, h in enumerate(t.headers):
        cell = table.rows[0].cells[j]
        cell.text = ""
        run = cell.paragraphs[0].add_run(h)
        run.bold, run.font.size = True, small
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _shade(cell, HEADER_FILL)
    _repeat_header(table.rows[0])
    for i, r in enumerate(t.rows, start=1):
        cells = table.rows[i].cells
        for j, v in enumerate(r):
            p = cells[j].paragraphs[0]
            p.add_run(v).font.size = small
            p.alignment = ALIGN.get(align[j] if j < len(align) else "L", WD_ALIGN_PARAGRAPH.LEFT)
    for row in table.rows:
        for j, cell in enumerate(row.cells):
            cell.width = widths[j]
    if not t.rows:  # an empty table: its message across every column
        cell = table.rows[1].cells[0].merge(table.rows[1].cells[-1])
        cell.paragraphs[0].add_run(t.empty).font.size = small
        cell.width = sum(widths, Cm(0))
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph()


def _para(doc, b: Para) -> None:
    p = doc.add_paragraph()
    run = p.add_run(b.text)
    if b.style == "note":
        run.font.size, run.font.color.rgb = Pt(9), RGBColor(0x52, 0x60, 0x6D)
    elif b.style == "alert":
        run.bold, run.font.color.rgb = True, RGBColor(0xB0, 0x2A, 0x2A)


def write_docx(report: Report) -> bytes:
    """The report as .docx bytes."""
    doc = Document()
    text_cm = _setup(doc, report.landscape)
    doc.core_properties.title = report.title
    doc.add_heading(report.title, 0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in report.subtitle:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(line)
        run.font.size, run.font.color.rgb = Pt(9.5), RGBColor(0x52, 0x60, 0x6D)
    for b in report.blocks:
        if isinstance(b, Heading):
            doc.add_heading(b.text, min(max(b.level, 1), 3))
        elif isinstance(b, Para):
            _para(doc, b)
        elif isinstance(b, Table):
            _table(doc, b, text_cm)
        elif isinstance(b, Image):
            w = min(b.width_cm, text_cm)
            doc.add_picture(io.BytesIO(b.png), width=Cm(w))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            if b.caption:
                cap = doc.add_paragraph()
                cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = cap.add_run(b.caption)
                run.font.size, run.font.color.rgb = Pt(9), RGBColor(0x52, 0x60, 0x6D)
        elif isinstance(b, PageBreak):
            doc.add_page_break()
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    frun = footer.add_run(report.title)
    frun.font.size = Pt(8)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
