"""Export helpers: formula-injection neutralising, CSV with BOM, XLSX (graph-free, Streamlit-free)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import polars as pl
import pytest

from webapp.export import frame_from_records, neutralise, safe_frame, to_csv_bytes, to_xlsx_bytes


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", '=HYPERLINK("x","点击")'])
def test_neutralise_prefixes_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["比亚迪", "a=b", "", "'=1", "1=1", " x", None, 3, -3.5, True, dt.date(2026, 1, 1)])
def test_neutralise_leaves_other_values(value):
    assert neutralise(value) == value


# issue 18: these passed the app's neutraliser
@pytest.mark.parametrize("text", ["＝1+1", "﹦1+1", "＋86", "－2", "＠SUM(A1)", "﹢1", "﹣1", " =1", "\u3000=1", "\n=1", " \n\u3000＝cmd", "\u200b=1"])
def test_neutralise_full_width_and_leading_whitespace(text):
    assert neutralise(text) == "'" + text


def test_one_neutraliser_for_app_and_cli():
    import cli.common
    import graph.spreadsheet
    import webapp.export

    assert webapp.export.neutralise is graph.spreadsheet.neutralise is cli.common.neutralise


def test_safe_frame_keeps_numbers_and_flattens_lists():
    df = pl.DataFrame(
        {
            "name": ["=cmd|' /C calc'!A0", "正常企业"],
            "growth": [-0.12, 0.3],
            "quals": [["-高新", "专精特新"], None],
            "on": [dt.date(2026, 1, 2), None],
        }
    )
    out = safe_frame(df)
    assert out["name"].to_list() == ["'=cmd|' /C calc'!A0", "正常企业"]
    assert out["growth"].to_list() == [-0.12, 0.3]  # negative numbers are data, not formulas
    assert out["quals"].to_list() == ["'-高新；专精特新", None]
    assert out["on"].dtype == pl.Date


def test_csv_has_bom_and_is_utf8_and_safe():
    df = pl.DataFrame({"企业": ["@evil", "示例锂电"], "score": [1.5, 2.0]})
    raw = to_csv_bytes(df)
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "企业,score"
    assert lines[1] == "'@evil,1.5"
    assert lines[2] == "示例锂电,2.0"


def test_xlsx_round_trip_text_numbers_dates_and_notes():
    df = pl.DataFrame(
        {
            "name": ["=1+1", "示例"],
            "revenue": [1234.5, None],
            "day": [dt.date(2026, 3, 1), None],
            "listed": [True, False],
        }
    )
    raw = to_xlsx_bytes(
        {"缺链清单": df, "x" * 40: pl.DataFrame({"a": [1]})},
        settings={"weak_min_count": 3, "priority_weights": {"dependents": 0.25}},
        info=[["数据来源", "示例"], ["数据日期（导入时间）", "2026-11-27"]],
    )
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    assert wb.sheetnames == ["缺链清单", "x" * 31, "参数", "说明"]
    ws = wb["缺链清单"]
    assert [c.value for c in ws[1]] == ["name", "revenue", "day", "listed"]
    assert ws["A2"].value == "'=1+1" and ws["A2"].data_type == "s"
    assert ws["B2"].value == 1234.5
    assert ws["C2"].value == dt.datetime(2026, 3, 1)
    assert ws["D2"].value is True
    assert ws["B3"].value is None
    params = [[c.value for c in row] for row in wb["参数"].iter_rows()]
    assert params == [["参数", "取值"], ["弱链：本地企业少于（家）", "3"], ["缺口优先级权重 · 下游依赖", "0.25"]]
    assert [c.value for c in wb["说明"][3]] == ["数据日期（导入时间）", "2026-11-27"]


def test_xlsx_sheet_names_sanitised_and_unique():
    raw = to_xlsx_bytes({"a/b": pl.DataFrame({"v": [1]}), "a_b": pl.DataFrame({"v": [2]})})
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    assert wb.sheetnames == ["a_b", "a_b_2"]


def test_frame_from_records_flattens_nested_values():
    df = frame_from_records([{"id": "S1", "reasons": ["缺少供应", "=x"], "factors": {"key": 1.0}}])
    assert df.row(0, named=True) == {"id": "S1", "reasons": "缺少供应；=x", "factors": "key=1.0"}
    assert safe_frame(df)["reasons"].to_list() == ["缺少供应；=x"]  # starts with text: not a formula
    assert frame_from_records([]).height == 0
