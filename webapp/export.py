"""Exports for the bureau's meetings: CSV (UTF-8 with BOM) and XLSX, formula-injection safe.

The pure functions (:func:`neutralise`, :func:`safe_frame`, :func:`to_csv_bytes`,
:func:`to_xlsx_bytes`) know nothing of Streamlit or the graph and are unit-tested
on their own; :func:`export_buttons` puts them behind two download buttons.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
in some, a leading tab or carriage return) as a formula: an enterprise name like
``=HYPERLINK("http://evil", "点击")`` in an imported dataset would become a live
link in the meeting's workbook. Every such text cell is prefixed with a single
quote, which shows the text as typed. Numbers are left as numbers (a negative
growth rate is data, not a formula).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any, Iterable

import polars as pl

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: Any) -> Any:
    """Return ``value`` safe to put in a spreadsheet cell.

    Text starting with ``= + - @``, a tab or a carriage return gets a leading
    single quote; other values are returned unchanged.

    >>> neutralise("=1+1")
    "'=1+1"
    >>> neutralise("-3%")
    "'-3%"
    >>> neutralise(-3)
    -3
    >>> neutralise("比亚迪")
    '比亚迪'
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell_text(value: Any) -> Any:
    """Lists, dicts and dates as readable text; other values unchanged."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return "；".join("" if v is None else str(_cell_text(v)) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}={_cell_text(v)}" for k, v in value.items())
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def safe_frame(df: pl.DataFrame) -> pl.DataFrame:
    """A copy of ``df`` for export: nested values flattened to text, text cells neutralised.

    Numeric, boolean and date columns keep their types.
    """
    cols = []
    for name in df.columns:
        s = df.get_column(name)
        if s.dtype == pl.Utf8:
            cols.append(s.map_elements(neutralise, return_dtype=pl.Utf8, skip_nulls=True))
        elif isinstance(s.dtype, (pl.List, pl.Struct, pl.Array, pl.Object)):
            vals = [neutralise(_cell_text(v)) for v in s.to_list()]
            cols.append(pl.Series(name, [None if v is None else str(v) for v in vals], dtype=pl.Utf8))
        else:
            cols.append(s)
    return pl.DataFrame(cols) if cols else df.clone()


def frame_from_records(records: Iterable[dict[str, Any]]) -> pl.DataFrame:
    """Rows of plain dicts (maybe with list/dict values) to a frame, nested values as text."""
    rows = [{k: _cell_text(v) if isinstance(v, (list, tuple, dict)) else v for k, v in r.items()} for r in records]
    if not rows:
        return pl.DataFrame()
    return pl.DataFrame(rows, infer_schema_length=None, strict=False)


def to_csv_bytes(df: pl.DataFrame) -> bytes:
    """CSV encoded UTF-8 with a BOM (Excel opens Chinese text correctly), injection-safe."""
    text = safe_frame(df).write_csv()
    return "\ufeff".encode("utf-8") + text.encode("utf-8")


def to_xlsx_bytes(sheets: dict[str, pl.DataFrame], *, notes: dict[str, Any] | None = None) -> bytes:
    """One workbook, one sheet per frame (names cut to Excel's 31 characters), injection-safe.

    ``notes`` (e.g. the analysis settings used) go to a last sheet ``参数``, one key per row.
    Text is written as text (``strings_to_formulas`` off) on top of the neutralising.
    """
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    used: set[str] = set()

    def sheet_name(name: str) -> str:
        base = _SHEET_BAD.sub("_", name).strip("'") or "Sheet"
        base = base[:31]
        out, i = base, 2
        while out.lower() in used:
            suffix = f"_{i}"
            out = base[: 31 - len(suffix)] + suffix
            i += 1
        used.add(out.lower())
        return out

    all_sheets = dict(sheets)
    if notes:
        all_sheets["参数"] = pl.DataFrame(
            {"key": list(notes.keys()), "value": [json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (dict, list)) else str(v) for v in notes.values()]}
        )
    for name, df in all_sheets.items():
        ws = wb.add_worksheet(sheet_name(name))
        safe = safe_frame(df)
        for j, col in enumerate(safe.columns):
            ws.write_string(0, j, str(neutralise(col)), head)
            width = max(8, min(50, len(str(col)) + 2))
            for i, v in enumerate(safe.get_column(col).to_list(), start=1):
                if v is None:
                    continue
                if isinstance(v, bool):
                    ws.write_boolean(i, j, v)
                elif isinstance(v, (int, float)):
                    if v != v or v in (float("inf"), float("-inf")):  # NaN / inf: not representable
                        ws.write_string(i, j, str(v))
                    else:
                        ws.write_number(i, j, v)
                elif isinstance(v, dt.datetime):
                    ws.write_datetime(i, j, v.replace(tzinfo=None), date_fmt)
                elif isinstance(v, dt.date):
                    ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), date_fmt)
                else:
                    text = str(v)
                    ws.write_string(i, j, text)
                    width = max(width, min(50, sum(2 if ord(c) > 0x2E80 else 1 for c in text) + 2))
            ws.set_column(j, j, width)
        ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


def export_buttons(df: pl.DataFrame, basename: str, *, key: str, notes: dict[str, Any] | None = None, label: str = "导出") -> None:
    """Two download buttons (CSV, XLSX) for ``df``; ``notes`` go into the workbook's 参数 sheet."""
    import streamlit as st

    stamp = dt.date.today().strftime("%Y%m%d")
    c1, c2 = st.columns(2)
    c1.download_button(
        f"{label} CSV",
        data=to_csv_bytes(df),
        file_name=f"{basename}_{stamp}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
        disabled=df.height == 0,
    )
    c2.download_button(
        f"{label} Excel",
        data=lambda: to_xlsx_bytes({basename: df}, notes=notes),  # built when clicked
        file_name=f"{basename}_{stamp}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
        width="stretch",
        disabled=df.height == 0,
    )
