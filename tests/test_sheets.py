"""Exports for people: Chinese headers with units, Chinese values, rounded numbers, flagged rows only."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from webapp.export import to_csv_bytes, to_xlsx_bytes
from graph.analysis import chain_summary, gaps, project_report, targets
from graph.settings import AnalysisSettings
from graph.view import GraphView
from reports.sheets import chains_sheet, gaps_sheet, intensity_sheet, overdue_sheet, projects_sheet, stalled_sheet, targets_sheet

S = AnalysisSettings()


@pytest.fixture(scope="module")
def view(demo_tables):
    return GraphView(demo_tables, {"dataset": "data/demo", "demo": True})


def all_cells(sheet) -> list:
    return [v for r in sheet.rows for v in r]


def decimals(x: float) -> int:
    text = repr(x)
    return len(text.split(".")[1]) if "." in text else 0


def test_gap_sheet_is_chinese_rounded_and_says_reasons_once(view):
    rows = gaps(view, S).rows
    sh = gaps_sheet(rows)
    assert sh.columns[:7] == ["产业链", "环节编号", "环节", "位置", "关键环节", "标签", "补链优先级（0–100）"]
    assert "本地营收（万元）" in sh.columns and "下游依赖（0–1）" in sh.columns and "理由" in sh.columns
    assert not any(c.isascii() and c.isidentifier() for c in sh.columns)  # no snake_case header left
    assert set(sh.column("标签")) == {"强链", "弱链", "断链", "缺链"}
    assert set(sh.column("位置")) <= {"上游", "中游", "下游"} and set(sh.column("关键环节")) == {"是", "否"}
    prio = sh.column("补链优先级（0–100）")
    assert "—" in prio  # strong segments: no priority, not 0 and not None
    assert all(decimals(v) <= 1 for v in prio if isinstance(v, float))
    assert all(decimals(v) <= 1 for v in sh.column("本地营收（万元）") if isinstance(v, float))
    assert all(decimals(v) <= 2 for v in sh.column("下游依赖（0–1）") if isinstance(v, float))
    for reasons in sh.column("理由"):
        parts = reasons.split("；")
        assert len(parts) == len(set(parts)), reasons
    assert None not in all_cells(sh) and "None" not in map(str, all_cells(sh))


def test_chain_sheet_shows_completeness_as_percent(view):
    summary = chain_summary(view, S)
    sh = chains_sheet(summary, {})
    j = sh.columns.index("完整度（%）")
    first = summary[0]
    assert sh.rows[0][j] == round(first.completeness * 100, 1)
    assert sh.rows[0][sh.columns.index("产业类别")].endswith("产业")


def test_target_sheet_unknown_is_not_zero(view):
    # the first broken segment whose targets include a listed company (no revenue in the public data)
    res = next(
        t for t in (targets(view, S, r.segment_id) for r in gaps(view, S).rows if r.label == "broken") if any(row.revenue is None for row in t.rows)
    )
    sh = targets_sheet(res.rows)
    assert sh.columns[:4] == ["名次", "企业编号", "企业", "省份"] and "营收（万元）" in sh.columns and "得分（0–100）" in sh.columns
    rev = sh.column("营收（万元）")
    assert "无数据" in rev
    assert 0 not in rev and 0.0 not in rev
    assert "数据依据" in sh.columns and any(str(v).startswith("依据 ") for v in sh.column("数据依据"))
    # coverage as the app and the CLI show it (the weighted share backed by data), beside the count of factors
    cov = dict(zip(sh.column("企业编号"), sh.column("数据覆盖（%）")))
    assert all(cov[r.enterprise_id] == round(r.coverage * 100, 1) for r in res.rows if r.coverage is not None)
    assert any(v < 100 for v in cov.values())


def test_project_sheets_keep_only_what_they_say(view):
    rep = project_report(view, S, as_of=dt.date(2026, 11, 28))
    flagged = [r for r in rep.intensity if r.flags]
    assert 0 < len(flagged) < len(rep.intensity)
    sh = intensity_sheet(rep.intensity)
    assert sh.height == len(flagged)  # 亩均预警 holds only the flagged projects
    assert sh.columns[-1] == "预警" and all(sh.column("预警"))
    assert set(sh.column("阶段")) <= {"线索", "洽谈", "签约", "开工", "投产", "终止"}
    od = overdue_sheet(rep.overdue)
    assert od.column("逾期天数（天）") == [r.days_overdue for r in rep.overdue]
    assert set(od.column("逾期事项")) <= {"计划开工", "计划投产"}
    ps = projects_sheet(view, view.projects)
    assert ps.height == view.projects.height and "投资企业" in ps.columns
    assert not any(isinstance(v, str) and v.startswith(("E", "P")) and v[1:].isdigit() for v in ps.column("投资企业"))  # names, not ids


def test_empty_sheets_keep_their_headers_in_the_workbook(view):
    raw = to_xlsx_bytes({"停滞": stalled_sheet([]), "亩均预警": intensity_sheet([])}, settings=S.model_dump(), info=[["数据来源", "示例"]])
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    assert [c.value for c in wb["停滞"][1]][:3] == ["项目编号", "项目", "阶段"]
    assert wb["亩均预警"].max_row == 1
    assert [c.value for c in wb["参数"][1]] == ["参数", "取值"] and wb["参数"].max_row > 20


def test_csv_of_a_sheet_is_neutralised_and_chinese(view):
    sh = gaps_sheet(gaps(view, S, chain_id="NEV").rows)
    sh.rows[0][2] = "=HYPERLINK(\"x\")"
    text = to_csv_bytes(sh).decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.startswith("产业链,环节编号,环节,位置")
    assert "'=HYPERLINK" in first
