"""A :class:`~reports.model.Report` as PDF (fpdf2), the CJK font embedded as a subset.

Pure Python, offline: the TrueType CJK font of :mod:`reports.fonts` is
embedded (only the glyphs used), so the file shows and copies the same Chinese
text on any machine. Tables repeat their header row on every page; the chain
map picture is scaled to the text width.
"""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from reports.fonts import CjkFont
from reports.model import Heading, Image, PageBreak, Para, Report, Table

FONT = "cjk"
MARGIN = 18.0  # mm
TITLE_BLUE = (31, 59, 92)
GREY = (82, 96, 109)
RED = (176, 42, 42)
HEADER_FILL = (232, 238, 247)
HEAD_STYLE = FontFace(emphasis="NONE", color=(31, 59, 92), fill_color=HEADER_FILL)


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:  # noqa: D401 - fpdf2 hook
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.footer_text}　第 {self.page_no()} 页", align="C")


def _new(report: Report, font: CjkFont) -> _Pdf:
    pdf = _Pdf(orientation="L" if report.landscape else "P", unit="mm", format="A4")
    pdf.footer_text = report.title
    pdf.set_margins(MARGIN, 16, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font(FONT, "", str(font.path), collection_font_number=font.index)  # one face: CJK fonts rarely ship a bold one
    pdf.set_title(report.title)
    pdf.set_creator("indmap")
    pdf.set_lang("zh-CN")
    pdf.add_page()
    return pdf


def _text(pdf: _Pdf, text: str, size: float, color=(29, 39, 51), align: str = "L", h: float | None = None) -> None:
    pdf.set_font(FONT, size=size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, h or size * 0.55, text, align=align, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: _Pdf, b: Heading) -> None:
    size = 14 if b.level <= 1 else 11.5
    if pdf.will_page_break(size * 2.2 + 28):  # keep a heading with the start of what follows
        pdf.add_page()
    pdf.ln(3 if b.level <= 1 else 1.5)
    _text(pdf, b.text, size, TITLE_BLUE, h=size * 0.6)
    pdf.ln(1)


def _table(pdf: _Pdf, t: Table) -> None:
    rows = t.rows or [[t.empty]]  # an empty table: its message across every column
    align = tuple((t.align or ["L"] * len(t.headers))[: len(t.headers)])
    pdf.set_font(FONT, size=8.5)
    pdf.set_text_color(29, 39, 51)
    pdf.set_draw_color(190, 198, 208)
    # a short table stays on one page; a long one starts with at least its header and two rows
    if pdf.will_page_break(8 + 6 * len(rows) if len(rows) <= 10 else 20):
        pdf.add_page()
    with pdf.table(
        col_widths=tuple(t.widths or [1] * len(t.headers)),
        text_align=align,
        width=pdf.epw,
        line_height=4.4,
        padding=(0.8, 1.2),
        headings_style=HEAD_STYLE,
        wrapmode=WrapMode.CHAR,
        repeat_headings=1,
    ) as table:
        table.row(t.headers)
        if not t.rows:
            table.row().cell(t.empty, align="C", colspan=len(t.headers))
        for r in t.rows:
            table.row([str(v) for v in r])
    pdf.ln(3)


def _image(pdf: _Pdf, b: Image) -> None:
    w = min(b.width_cm * 10, pdf.epw)
    h = b.height_cm * 10 * w / (b.width_cm * 10)
    if pdf.will_page_break(h + 6):
        pdf.add_page()
    pdf.image(io.BytesIO(b.png), x=(pdf.w - w) / 2, w=w, h=h, alt_text=b.caption or "产业链图谱")
    if b.caption:
        _text(pdf, b.caption, 8.5, GREY, align="C")
    pdf.ln(2)


def write_pdf(report: Report, font: CjkFont) -> bytes:
    """The report as PDF bytes, ``font`` embedded."""
    pdf = _new(report, font)
    _text(pdf, report.title, 19, TITLE_BLUE, align="C", h=10)
    for line in report.subtitle:
        _text(pdf, line, 9, GREY, align="C")
    pdf.ln(3)
    for b in report.blocks:
        if isinstance(b, Heading):
            _heading(pdf, b)
        elif isinstance(b, Para):
            if b.style == "alert":
                _text(pdf, b.text, 10, RED)
            elif b.style == "note":
                _text(pdf, b.text, 8.5, GREY)
            else:
                _text(pdf, b.text, 10)
            pdf.ln(1)
        elif isinstance(b, Table):
            _table(pdf, b)
        elif isinstance(b, Image):
            _image(pdf, b)
        elif isinstance(b, PageBreak):
            pdf.add_page()
    return bytes(pdf.output())
