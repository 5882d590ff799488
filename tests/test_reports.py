"""Word and PDF briefings: the text a reader gets names every gap, target and flag the analysis found."""

from __future__ import annotations

import io
import re

import pytest

from graph.analysis import chain_summary, gaps, park_ranking, project_report, targets
from graph.settings import AnalysisSettings
from graph.view import GraphView
from reports import FontMissing, find_cjk_font, render, report_format
from reports.chain import chain_report, city_report, reasons_once
from reports.fonts import _face
from reports.supervision import supervision_report

S = AnalysisSettings()


def squash(text: str) -> str:
    """Text without whitespace (table cells wrap names over lines)."""
    return re.sub(r"\s+", "", text)


def docx_text(data: bytes) -> tuple[str, object]:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts), doc


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def font():
    return find_cjk_font()


@pytest.fixture(scope="module")
def demo_view(demo_tables):
    return GraphView(demo_tables, {"dataset": "data/demo", "demo": True, "written_at": "2026-11-27T10:00:00+00:00"})


@pytest.fixture(scope="module")
def chm(demo_view, font):
    rep = chain_report(demo_view, S, "CHM", font_path=str(font.path))
    return rep, render(rep, ".docx"), render(rep, ".pdf", font)


def expected_chain_text(view: GraphView, chain_id: str) -> tuple[list[str], list[str]]:
    """(every gap segment's name, the top target of every broken segment), straight from the analysis."""
    rows = gaps(view, S, chain_id=chain_id).rows
    gap_names = [r.segment_name for r in rows if r.priority is not None]
    tops = []
    for r in rows:
        if r.label == "broken":
            first = next((t for t in targets(view, S, r.segment_id).rows if t.rank is not None), None)
            if first is not None:
                tops.append(first.name)
    return gap_names, tops


def test_chain_report_docx_names_every_gap_and_top_target(demo_view, chm):
    rep, docx, _ = chm
    text, doc = docx_text(docx)
    gap_names, tops = expected_chain_text(demo_view, "CHM")
    assert len(gap_names) >= 10 and len(tops) >= 3  # CHM has 4 broken segments in the demo
    for name in gap_names + tops:
        assert name in text, name
    assert len(doc.tables) >= 3
    assert len(doc.inline_shapes) == 1  # the chain map
    assert "本数据为虚构示例" in text
    summary = next(s for s in chain_summary(demo_view, S) if s.chain_id == "CHM")
    assert f"{summary.completeness * 100:.1f}%" in text  # the same number as the app and `indmap chains`
    assert "弱链：本地企业少于（家）" in text and "参数" in text  # settings in Chinese, a 参数/取值 table
    assert "数据日期" in text and "2026-11-27" in text
    for bad in ("None", "nan", "NaN"):
        assert not re.search(rf"\b{bad}\b", text), bad


def test_chain_report_pdf_has_the_same_chinese_text(demo_view, chm):
    rep, _, pdf = chm
    assert pdf.startswith(b"%PDF")
    text = squash(pdf_text(pdf))
    gap_names, tops = expected_chain_text(demo_view, "CHM")
    for name in [rep.title, *gap_names, *tops, "本数据为虚构示例", "补链优先级"]:
        assert squash(name) in text, name
    assert b"/FontFile2" in pdf  # a TrueType font is embedded (not referenced by name)


def test_reasons_are_written_once(demo_view):
    row = next(r for r in gaps(demo_view, S, chain_id="CHM").rows if r.label == "broken")
    text = reasons_once(row)
    assert row.label_reason in row.reasons  # the analysis repeats it as the `broken` factor's reason ...
    assert text.count(row.label_reason) == 1  # ... the report says it once


def test_chain_report_without_demo_flag_says_nothing_about_fiction(demo_tables, font):
    view = GraphView(demo_tables, {"dataset": "/data/city"})
    rep = chain_report(view, S, "IC", font_path=str(font.path))
    assert "虚构" not in rep.text()


def test_supervision_report_lists_overdue_by_owner_and_only_flagged_projects(demo_view, font):
    import datetime as dt

    as_of = dt.date(2026, 11, 28)
    rep = supervision_report(demo_view, S, as_of=as_of)
    pr = project_report(demo_view, S, as_of=as_of)
    docx_txt, doc = docx_text(render(rep, ".docx"))
    pdf_txt = squash(pdf_text(render(rep, ".pdf", font)))
    assert pr.overdue and pr.stalled
    for r in pr.overdue:
        for needle in (r.name, r.owner, f"{r.days_overdue}天"):
            assert needle in docx_txt and squash(needle) in pdf_txt, needle
    for r in pr.stalled:
        assert r.name in docx_txt
    flagged = [r for r in pr.intensity if r.flags]
    unflagged = [r for r in pr.intensity if not r.flags and r.name not in {x.name for x in pr.stalled + flagged} and r.name not in {x.name for x in pr.overdue}]
    assert flagged and unflagged
    intensity = next(t for t in doc.tables if t.rows[0].cells[0].text == "项目" and "投资强度\n（万元/亩）" in [c.text for c in t.rows[0].cells])
    assert len(intensity.rows) - 1 == len(flagged)
    for r in unflagged:
        assert r.name not in docx_txt
    rank = park_ranking(demo_view, S)
    assert rank.scale[0].park_name in docx_txt and squash(rank.speed[0].park_name) in pdf_txt
    assert "园区十强" in docx_txt and "园区十快" in docx_txt
    assert "截至：2026-11-28" in docx_txt
    # the owners' table reads in the order the text says: most overdue projects first, then the longest delay
    owners = next(t for t in doc.tables if t.rows[0].cells[0].text == "责任单位")
    counts = [(int(r.cells[1].text.rstrip("项")), r.cells[2].text) for r in owners.rows[1:]]
    assert [n for n, _ in counts] == sorted((n for n, _ in counts), reverse=True)
    assert "逾期项目多的单位在前，单位内逾期天数从多到少" in docx_txt


def test_city_report_has_a_page_per_chain(font):
    from tests.analysis_fixture import fixture_tables

    view = GraphView(fixture_tables(), {"dataset": "fixture"})
    rep = city_report(view, S, font_path=str(font.path))
    docx_txt, doc = docx_text(render(rep, ".docx"))
    pdf_txt = squash(pdf_text(render(rep, ".pdf", font)))
    assert len(doc.inline_shapes) == 2  # one map per chain
    assert docx_txt.count("全链") == 2
    for cid in ("CA", "CB"):
        gap_names, tops = expected_chain_text(view, cid)
        for name in gap_names + tops:
            assert name in docx_txt and squash(name) in pdf_txt, name


def test_report_format_from_the_file_name():
    assert report_format("a/b/报告.DOCX") == ".docx"
    with pytest.raises(ValueError, match=r"\.docx（Word）或 \.pdf"):
        report_format("报告.xlsx")


def test_missing_font_error_names_the_fix(tmp_path):
    bad = tmp_path / "not-a-font.ttf"
    bad.write_bytes(b"nope")
    with pytest.raises(FontMissing, match="install-fonts.*INDMAP_REPORT_FONT"):
        find_cjk_font(str(bad))


def test_cff_outline_fonts_are_not_used_for_pdf():
    from pathlib import Path

    noto = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not noto.is_file():
        pytest.skip("fonts-noto-cjk not installed")
    assert _face(noto) is None  # CFF outlines: fpdf2 would write glyph widths readers mis-space


def test_cli_report_writes_docx_and_pdf(tmp_path, monkeypatch, capsys):
    import cli.analysis as ca
    from cli import main
    from tests.analysis_fixture import fixture_tables

    view = GraphView(fixture_tables(), {"dataset": "fixture"})
    monkeypatch.setattr(ca, "load_view", lambda args, settings: view)
    out = tmp_path / "out" / "链.docx"
    assert main(["report", "chain", "--chain", "CA", "--out", str(out), "--set", "weak_min_count=4"]) == 0
    text, _ = docx_text(out.read_bytes())
    assert "弱链：本地企业少于（家）" in text and re.search(r"弱链：本地企业少于（家）\s*4", text)
    assert main(["report", "supervision", "--as-of", "2026-01-31", "--out", str(tmp_path / "督查.pdf")]) == 0
    assert (tmp_path / "督查.pdf").read_bytes().startswith(b"%PDF")
    assert "截至：2026-01-31" in squash(pdf_text((tmp_path / "督查.pdf").read_bytes())).replace("：", "：")
    capsys.readouterr()
    assert main(["report", "city", "--out", str(tmp_path / "city.xlsx")]) == 2
    assert ".docx（Word）或 .pdf" in capsys.readouterr().err
    assert main(["report", "chain", "--chain", "NOPE", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "未知产业链编号 'NOPE'" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists() and not list(tmp_path.glob(".x.pdf.*"))
    assert main(["report", "supervision", "--as-of", "31/01/2026", "--out", str(tmp_path / "y.pdf")]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_reports_import_neither_streamlit_nor_ingest():
    import subprocess
    import sys

    code = (
        "import sys, reports, reports.chain, reports.supervision, reports.sheets, reports.docx_writer, reports.pdf_writer, reports.chainmap;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('streamlit', 'ingest', 'app_pages')]; print(bad); sys.exit(1 if bad else 0)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr


def test_coverage_shown_as_known_factors_when_the_ranking_reports_it():
    from types import SimpleNamespace

    from reports.chain import coverage_text

    # a factor with one of its two parts known counts ½ (README, "coverage"), as in the app
    assert coverage_text(SimpleNamespace(factor_coverage={"scale": 1.0, "innovation": 0.5, "ties": 1.0, "fit": 0.0, "growth": 0.0, "green": 1.0})) == "依据 3½/6 项"
    assert coverage_text(SimpleNamespace(factor_coverage={"scale": 1.0, "innovation": 1.0, "ties": 1.0, "fit": 0.5, "growth": 0.0, "green": 0.5})) == "依据 4/6 项"
    assert coverage_text(SimpleNamespace(coverage=0.55)) == "依据 55%"
    assert coverage_text(SimpleNamespace()) is None  # before the ranking reports coverage: no column


def test_an_empty_table_says_so_across_the_whole_row(font):
    # the audit's chain report PDF: 暂无可推荐的外地企业 sat in the narrow 名次 column, one character per line
    from reports.model import Report, Table

    rep = Report("空表", [])
    rep.add(Table(["名次", "企业", "省份", "营收", "得分", "理由"], [], widths=[1, 3.4, 1.3, 1.7, 1.1, 8], empty="暂无可推荐的外地企业"))
    text, doc = docx_text(render(rep, ".docx"))
    row = doc.tables[0].rows[1]
    assert len({id(c._tc) for c in row.cells}) == 1 and row.cells[0].text == "暂无可推荐的外地企业"  # one merged cell
    assert "暂无可推荐的外地企业" in pdf_text(render(rep, ".pdf", font)).splitlines()  # on one line, not one character per line


def test_park_ranking_tables_keep_the_city_on_one_line(demo_view, font):
    # the audit's 督查通报 PDF: with a 说明 column the 城市 column broke 示例市（本市） after 本市, its ） alone on a line
    from reports.model import Report
    from reports.supervision import ranking_blocks

    rank = park_ranking(demo_view, S)
    assert any(r.note for r in rank.speed if r.top10)  # the 十快 table has its 说明 column
    rep = Report("十强十快", [])
    rep.add(*ranking_blocks(rank))
    lines = pdf_text(render(rep, ".pdf", font)).splitlines()
    home = f"{rank.home_name}（本市）"
    assert sum(home in line for line in lines) == sum(r.home for r in rank.scale + rank.speed if r.top10) > 0


def test_a_target_already_in_the_pipeline_names_a_project_the_report_lists(demo_view):
    # the audit's NEV report: a target read 已在项目库（洽谈：PJ017）, and no table of the report held PJ017
    rep = chain_report(demo_view, S, "NEV", font_path=str(find_cjk_font().path))
    text, doc = docx_text(render(rep, ".docx"))
    named = set(re.findall(r"已在项目库（[^：]+：([^）]+)）", text))
    assert named, "the NEV demo has a target already in the pipeline"
    fills = next(t for t in doc.tables if t.rows[0].cells[0].text == "编号" and t.rows[0].cells[1].text == "项目")
    listed = {r.cells[0].text for r in fills.rows[1:]}
    assert {p for ids in named for p in ids.split("、")} <= listed


def test_a_producing_project_is_not_listed_as_in_progress(demo_view):
    # the audit: the fills table, headed 在途补链项目, listed a 投产 project; its heading now claims no stage
    from graph.analysis.projects import project_report
    fills = project_report(demo_view, S).fills
    chain = next(f.chain_id for f in fills if f.stage == "producing")  # the demo has one on a gap segment
    text, _ = docx_text(render(chain_report(demo_view, S, chain, font_path=str(find_cjk_font().path)), ".docx"))
    assert "投产" in text and "在途" not in text
    assert "补链项目" in text


def test_a_key_gaps_label_stays_on_one_line(demo_view, font):
    # the audit's park report: the 标签 column broke 缺链（关键） before its closing bracket on every key gap
    from reports.chain import chain_data, gaps_table
    from reports.model import Report

    data = chain_data(demo_view, S, "NEV")
    table = gaps_table(data)
    key_labels = [row[3] for row in table.rows if row[3].endswith("（关键）")]
    assert key_labels
    rep = Report("缺口", [])
    rep.add(table)
    lines = pdf_text(render(rep, ".pdf", font)).splitlines()
    assert sum(label in line for line in lines for label in set(key_labels)) == len(key_labels)


def test_intensity_headers_break_before_their_unit_not_inside_it(demo_view, font):
    # the audit's 督查通报 PDF: the 亩均 table read "（万元/亩" with its "）" alone on the next line, and "用地（" / "亩）"
    import datetime as dt

    from reports.model import Report
    from reports.supervision import intensity_table

    table = intensity_table(project_report(demo_view, S, as_of=dt.date(2026, 11, 28)).intensity)
    assert table.rows
    rep = Report("亩均", [])
    rep.add(table)
    head = next(line for line in pdf_text(render(rep, ".pdf", font)).splitlines() if line.startswith("项目"))
    assert head.count("（万元/亩）") == 3 and "（亩）" in head, head


def test_city_report_lists_chains_as_the_overview_does_weakest_first(font):
    # the round-10 audit: the city report listed chains in data order, 总览 the weakest first within each category
    import polars as pl

    from reports.model import Heading, Table
    from tests.analysis_fixture import fixture_tables

    tables = fixture_tables()
    tables["industries"] = tables["industries"].with_columns(pl.lit("leading").alias("category"))  # CA and CB in one category
    view = GraphView(tables, {"dataset": "fixture"})
    by_id = {r.chain_id: r for r in chain_summary(view, S)}
    assert view.chain_order() == ["CA", "CB"] and by_id["CB"].completeness < by_id["CA"].completeness
    want = [by_id["CB"].chain_name, by_id["CA"].chain_name]
    rep = city_report(view, S, font_path=str(font.path))
    overview = next(b for b in rep.blocks if isinstance(b, Table) and b.headers[0] == "产业链")
    assert [r[0] for r in overview.rows] == want
    assert [b.text for b in rep.blocks if isinstance(b, Heading) and b.text in want] == want  # the chain pages too


def test_a_project_past_both_planned_dates_is_one_overdue_project(demo_view):
    """Signed, not started, with its planned start and production both passed: two overdue rows, one project.
    The 督查通报's 逾期项目 counts (overall and per 责任单位) and the pages' counted rows as projects."""
    import datetime as dt

    as_of = dt.date(2028, 1, 1)
    pr = project_report(demo_view, S, as_of=as_of)
    ids = [r.project_id for r in pr.overdue]
    assert len(ids) > len(set(ids))  # some project is late on both
    assert pr.overdue_projects == len(set(ids))
    _, doc = docx_text(render(supervision_report(demo_view, S, as_of=as_of), ".docx"))
    overview = next(t for t in doc.tables if t.rows[0].cells[0].text == "指标")
    assert {r.cells[0].text: r.cells[1].text for r in overview.rows}["逾期项目"] == f"{len(set(ids))}项"
    by_owner = next(t for t in doc.tables if t.rows[0].cells[0].text == "责任单位")
    assert sum(int(r.cells[1].text.removesuffix("项")) for r in by_owner.rows[1:]) == len(set(ids))


def test_a_report_file_gets_the_users_usual_permissions(tmp_path):
    """indmap report wrote briefings 0600 (its temporary file's mode): a colleague on the server could not open them."""
    import os
    import stat

    from cli.report import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "r.docx", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r.docx").stat().st_mode) == 0o644
