"""Exports for the bureau's meetings: CSV (UTF-8 with BOM) and XLSX, formula-injection safe.

The pure functions (:func:`neutralise`, :func:`safe_frame`, :func:`to_csv_bytes`,
:func:`to_xlsx_bytes`) know nothing of Streamlit or the graph and are unit-tested
on their own; :func:`export_buttons` puts them behind two download buttons.
What the sheets hold (Chinese headers with units, rounded numbers, Chinese
values) is :mod:`reports.sheets`; a workbook ends with a 参数 sheet (参数/取值,
the settings in Chinese) and a 说明 sheet (data source and date, scope).

Every text cell goes through :func:`graph.spreadsheet.neutralise`, the one
neutraliser the CLI's ``--format csv`` uses too (``= + - @``, tab/CR, the
full-width and small forms, and leading spaces before them).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any, Callable, Iterable

import polars as pl

from graph.spreadsheet import neutralise  # noqa: F401 - the one neutraliser (re-exported for the pages)
from reports.fmt import settings_rows
from reports.sheets import Sheet

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


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


def _sheet_rows(table: pl.DataFrame | Sheet) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a frame or a :class:`Sheet`, nested values flattened, text neutralised."""
    if isinstance(table, Sheet):
        rows = [[neutralise(_cell_text(v)) if isinstance(v, (str, list, tuple, dict)) else v for v in r] for r in table.rows]
        return list(table.columns), rows
    safe = safe_frame(table)
    return list(safe.columns), [list(r) for r in safe.iter_rows()]


def to_csv_bytes(table: pl.DataFrame | Sheet) -> bytes:
    """CSV encoded UTF-8 with a BOM (Excel opens Chinese text correctly), injection-safe."""
    import csv

    columns, rows = _sheet_rows(table)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([neutralise(c) for c in columns])
    for r in rows:
        w.writerow(["" if v is None else (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for v in r])
    return "\ufeff".encode("utf-8") + buf.getvalue().encode("utf-8")


def _write_sheet(wb, ws, columns: list[str], rows: list[list[Any]], formats: dict) -> None:
    """Header row (kept when there are no rows), typed cells, widths from the content."""
    for j, col in enumerate(columns):
        ws.write_string(0, j, str(neutralise(col)), formats["head"])
    widths = [max(8, min(50, _text_width(str(c)) + 2)) for c in columns]
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
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
                ws.write_datetime(i, j, v.replace(tzinfo=None), formats["date"])
            elif isinstance(v, dt.date):
                ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), formats["date"])
            else:
                text = str(v)
                ws.write_string(i, j, text, formats["wrap"] if len(text) > 50 else None)
                widths[j] = max(widths[j], min(50, _text_width(text) + 2))
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    ws.freeze_panes(1, 0)


def _text_width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def to_xlsx_bytes(
    sheets: dict[str, pl.DataFrame | Sheet],
    *,
    settings: dict[str, Any] | None = None,
    info: list[list[str]] | None = None,
) -> bytes:
    """One workbook, one sheet per table (names cut to Excel's 31 characters), injection-safe.

    ``settings`` (the analysis settings a result was computed with) go to a sheet ``参数``
    as a two-column 参数/取值 table in Chinese; ``info`` rows (data source, date, scope:
    :func:`reports.fmt.provenance_rows`) to a sheet ``说明``. Text is written as text
    (``strings_to_formulas`` off) on top of the neutralising.
    """
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    formats = {
        "head": wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True, "valign": "top"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
    }
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

    all_sheets: dict[str, pl.DataFrame | Sheet] = dict(sheets)
    if settings:
        all_sheets["参数"] = Sheet(["参数", "取值"], settings_rows(settings))
    if info:
        all_sheets["说明"] = Sheet(["项目", "内容"], [list(r) for r in info])
    for name, table in all_sheets.items():
        columns, rows = _sheet_rows(table)
        _write_sheet(wb, wb.add_worksheet(sheet_name(name)), columns, rows, formats)
    wb.close()
    return buf.getvalue()


def export_buttons(
    table: pl.DataFrame | Sheet | Callable[[], pl.DataFrame | Sheet],
    basename: str,
    *,
    key: str,
    settings: dict[str, Any] | None = None,
    info: list[list[str]] | None = None,
    label: str = "导出",
    height: int | None = None,
) -> None:
    """Two download buttons: CSV (the table) and XLSX (the table, 参数 and 说明 sheets).

    ``table`` may be a function that builds it, called only when a button is clicked (a long
    list whose rows cost time to write); ``height`` then says how many rows it will have.
    """
    import streamlit as st

    if callable(table):
        build, n = table, height or 0
    else:
        build, n = (lambda: table), table.height
    stamp = dt.date.today().strftime("%Y%m%d")
    c1, c2 = st.columns(2)
    c1.download_button(
        f"{label} CSV",
        data=lambda: to_csv_bytes(build()),  # built when clicked
        file_name=f"{basename}_{stamp}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
        disabled=n == 0,
    )
    c2.download_button(
        f"{label} Excel",
        data=lambda: to_xlsx_bytes({basename: build()}, settings=settings, info=info),
        file_name=f"{basename}_{stamp}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
        width="stretch",
        disabled=n == 0,
    )
