"""Leader-ready outputs: Word and PDF briefings, and the Chinese tables of the exports.

Reports are built from the same analysis functions as the app and the CLI
(``graph.analysis``); this package only writes their results for people. It
never imports Streamlit or the ingest. Layout:

* :mod:`reports.model` — the content of a report (headings, text, tables, pictures);
* :mod:`reports.chain`, :mod:`reports.supervision` — 产业链招商报告, 全市产业链报告, 督查通报;
* :mod:`reports.pools` — on Neo4j, the target pools a report ranks on, read a batch of segments at a time;
* :mod:`reports.docx_writer`, :mod:`reports.pdf_writer` — the same content as .docx and .pdf;
* :mod:`reports.chainmap`, :mod:`reports.layout` — the chain map picture and the layout it shares with the app;
* :mod:`reports.sheets`, :mod:`reports.fmt` — tables and numbers for people (exports, reports);
* :mod:`reports.fonts` — the CJK font PDF files embed.
"""

from __future__ import annotations

from pathlib import Path

from reports.fonts import CjkFont, FontMissing, find_cjk_font
from reports.model import Report

FORMATS = {".docx": "Word", ".pdf": "PDF"}
MIME = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}


def report_format(path: str | Path) -> str:
    """``.docx`` or ``.pdf`` from a file name; ValueError (in Chinese) for anything else.

    >>> report_format("链.PDF")
    '.pdf'
    """
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise ValueError(f"报告文件名须以 .docx（Word）或 .pdf 结尾，收到 {str(path)!r}")
    return ext


def render(report: Report, ext: str, font: CjkFont | None = None) -> bytes:
    """The report as ``ext`` (``.docx`` or ``.pdf``) bytes; PDF needs the CJK ``font``."""
    if ext == ".docx":
        from reports.docx_writer import write_docx

        return write_docx(report)
    if ext == ".pdf":
        from reports.pdf_writer import write_pdf

        return write_pdf(report, font or find_cjk_font())
    raise ValueError(f"未知报告格式 {ext!r}（可用：.docx、.pdf）")


__all__ = ["FORMATS", "MIME", "CjkFont", "FontMissing", "Report", "find_cjk_font", "render", "report_format"]
