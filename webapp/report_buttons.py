"""生成报告: Word and PDF download buttons for the 产业链图谱, 缺链清单 and 项目 pages, and the print stylesheet.

The report is built (with :mod:`reports`, from the same analysis functions and
settings as the page) only when a button is clicked; on Neo4j from the scoped view
(:func:`webapp.neo4j_view.report_view`, :func:`~webapp.neo4j_view.report_pools`), never the whole graph. Without a CJK font the
buttons are disabled and the page says how to install one.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

import streamlit as st

from webapp.context import Ctx
from reports import MIME, FontMissing, Report, find_cjk_font, render

# The browser's print view (Ctrl+P) shows the page alone: no sidebar, header, toolbar or buttons.
PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stDownloadButton"], [data-testid="stButton"], [data-testid="stPageLink"], footer { display: none !important; }
  [data-testid="stMain"], [data-testid="stAppViewContainer"], .main { margin-left: 0 !important; padding: 0 !important; }
  [data-testid="stMainBlockContainer"], .block-container { padding-top: 0.5rem !important; max-width: 100% !important; }
  [data-testid="stExpander"] details { break-inside: avoid; }
  iframe { break-inside: avoid; }
}
</style>
"""


def print_stylesheet() -> None:
    """Inject :data:`PRINT_CSS` (called once per run by ``app.py``)."""
    st.html(PRINT_CSS)


def report_buttons(c: Ctx, build: Callable[[str], Report], basename: str, *, key: str, label: str = "生成报告") -> None:
    """Two download buttons (Word, PDF) for the report ``build(font_path)`` makes."""
    try:
        font = find_cjk_font(c.settings.report_font)
    except FontMissing as exc:
        font = None
        st.warning(str(exc), icon=":material/font_download:")
    stamp = dt.date.today().strftime("%Y%m%d")

    def data(ext: str) -> Callable[[], bytes]:
        return lambda: render(build(str(font.path)), ext, font)  # built when clicked

    b1, b2 = st.columns(2)
    for col, ext, name, icon in ((b1, ".docx", "Word", ":material/description:"), (b2, ".pdf", "PDF", ":material/picture_as_pdf:")):
        col.download_button(
            f"{label}（{name}）",
            data=data(ext) if font is not None else b"",
            file_name=f"{basename}_{stamp}{ext}",
            mime=MIME[ext],
            key=f"{key}_{ext[1:]}",
            on_click="ignore",
            icon=icon,
            width="stretch",
            disabled=font is None,
        )


def chain_report_of(c: Ctx, chain_id: str, scope: str, font_path: str) -> Report:
    """产业链招商报告 of ``chain_id`` as the page shows it (on Neo4j from the scoped view and the segments' pools)."""
    from reports.chain import chain_report
    from webapp.neo4j_view import report_pools, report_view

    return chain_report(report_view(c), c.analysis, chain_id, scope=scope, font_path=font_path, pools=report_pools(c))


def city_report_of(c: Ctx, scope: str, font_path: str) -> Report:
    """全市产业链招商报告 (on Neo4j from the scoped view and the pools of the broken and missing segments)."""
    from reports.chain import city_report
    from webapp.neo4j_view import report_pools, report_view

    return city_report(report_view(c), c.analysis, scope=scope, font_path=font_path, pools=report_pools(c))


def supervision_report_of(c: Ctx, as_of: dt.date) -> Report:
    """督查通报 as of ``as_of`` (on Neo4j from the scoped view plus the projects' investors)."""
    from reports.supervision import supervision_report
    from webapp.neo4j_view import report_view

    return supervision_report(report_view(c), c.analysis, as_of=as_of)
