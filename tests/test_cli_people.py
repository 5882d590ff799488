"""The CLI for people: Chinese tables, wrapped (never cut) reasons, settings as 参数/取值, ids in any case, "您是否要找…"."""

from __future__ import annotations

import json
from pathlib import Path
import re

import pytest

import cli.analysis as ca
from cli import main
from cli.common import _width, format_table, wrap_cell
from graph.view import GraphView
from tests.analysis_fixture import fixture_tables


@pytest.fixture()
def view(monkeypatch):
    v = GraphView(fixture_tables())
    monkeypatch.setattr(ca, "load_view", lambda args, settings: v)
    monkeypatch.delenv("INDMAP_ANALYSIS__WEAK_MIN_COUNT", raising=False)
    monkeypatch.setenv("COLUMNS", "140")
    return v


def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_wrapping_keeps_every_character_and_fits_the_width():
    text = "下游6个本地已有环节依赖此环节；直接下游本地营收3.2亿元；断链：上下游本地均有企业，中间缺失；关键环节；新兴产业（权重0.8）；外地候选企业22家"
    for width in (16, 23, 30, 41):
        lines = wrap_cell(text, width)
        assert "".join(lines) == text  # nothing cut, nothing added (breaks fall after punctuation, no spaces here)
        assert all(_width(x) <= width for x in lines)
        assert not any(x[0] in "；，、）" for x in lines[1:])  # no line starts with closing punctuation
    table = format_table(["编号", "理由"], [["NEV-D01", text]], width=50)
    assert "…" not in table and all(_width(x) <= 50 for x in table.splitlines())
    assert "".join(x[9:].strip() for x in table.splitlines()[2:]) == text


def test_gaps_table_is_chinese_and_wraps_reasons(view, capsys):
    rc, out, err = run(capsys, "gaps", "--chain", "CA")
    assert rc == 0
    head = out.splitlines()[0].split()
    assert head[:5] == ["产业链编号", "环节编号", "环节", "环节位置", "标签"] and "理由" in head
    assert not re.search(r"\b(upstream|midstream|downstream|broken|missing|weak|strong|None|nan)\b", out)
    assert "…" not in out and all(_width(x) <= 140 for x in out.splitlines())
    # every reason of the JSON output is in the table, whole (lines joined)
    _, js, _ = run(capsys, "gaps", "--chain", "CA", "--format", "json")
    flat = re.sub(r"\s+", "", out)
    for r in json.loads(js):
        for reason in r["reasons"]:
            assert re.sub(r"\s+", "", reason) in flat


def test_settings_as_a_short_chinese_table(view, capsys):
    rc, _, err = run(capsys, "gaps", "--chain", "CA", "--set", "weak_min_count=4")
    assert rc == 0
    assert "设置 (settings)" not in err and '"weak_min_count"' not in err
    lines = err.splitlines()
    start = next(i for i, x in enumerate(lines) if x.split()[:3] == ["参数", "取值", "设置项"])
    rows = lines[start + 2 : lines.index("", start)]
    assert len(rows) == len(ca.GAP_SETTINGS)  # only what the gaps depend on, a weights group in one row
    assert any(x.startswith("弱链：本地企业少于（家）") and "4（默认 3）" in x for x in rows)
    assert any(x.startswith("缺口优先级权重") and "下游依赖 0.25、本地需求 0.2" in x for x in rows)
    # scripts keep the one JSON line
    _, _, err = run(capsys, "gaps", "--chain", "CA", "--format", "json")
    assert json.loads(err.split("设置 (settings): ", 1)[1].splitlines()[0])["weak_min_count"] == 3


def test_target_counts_in_chinese(view, capsys):
    rc, _, err = run(capsys, "targets", "--segment", "A3")
    assert rc == 0 and "候选池 6 家，参与排名 4 家；门槛剔除：高污染 1 家，高耗能 1 家；筛选剔除：无" in err
    assert "(gates)" not in err


def test_ids_in_any_case(view, capsys):
    rc1, a, _ = run(capsys, "targets", "--segment", "a3", "--format", "json")
    rc2, b, _ = run(capsys, "targets", "--segment", "Ａ3", "--format", "json")  # full-width A
    rc3, c, _ = run(capsys, "targets", "--segment", "A3", "--format", "json")
    assert rc1 == rc2 == rc3 == 0 and a == b == c
    rc, out, _ = run(capsys, "gaps", "--chain", "ca", "--scope", "park:p1", "--format", "json")
    assert rc == 0 and {r["chain_id"] for r in json.loads(out)} == {"CA"}
    rc, out, _ = run(capsys, "whatif", "--segment", "a3", "--add", "x1", "--project", "pj1", "--format", "json")
    assert rc == 0 and ["X1", "A3"] in json.loads(out)["added"] and json.loads(out)["projects"] == ["PJ1"]


def test_names_and_near_misses_get_suggestions(view, capsys):
    rc, _, err = run(capsys, "targets", "--segment", "整机")
    assert rc == 2 and "错误：未知环节编号 '整机'。您是否要找：A3（整机）" in err
    rc, _, err = run(capsys, "gaps", "--chain", "智能装备")
    assert rc == 2 and "您是否要找：CA（智能装备产业链）？" in err
    rc, _, err = run(capsys, "gaps", "--scope", "park:高新")
    assert rc == 2 and "未知园区编号 '高新'。您是否要找：P1（高新区）" in err
    rc, _, err = run(capsys, "whatif", "--project", "PJ7")
    assert rc == 2 and "未知项目编号 'PJ7'。您是否要找：" in err and "PJ1（整机项目）" in err


def test_stats_headers_in_chinese(tmp_path, capsys):
    from graph.stores.embedded import EmbeddedStore

    path = tmp_path / "g.lbug"
    s = EmbeddedStore(path, read_only=False)
    s.write(fixture_tables(), meta={"dataset": "fixture"})
    s.close()
    rc, out, _ = run(capsys, "stats", "--store", str(path))
    assert rc == 0 and out.splitlines()[0].split() == ["类别", "名称", "图中标签", "数量"]
    assert re.search(r"^节点\s+环节\s+Segment\s+11$", out, re.M) and re.search(r"^关系\s+环节上下游（供应）\s+SUPPLIES\s+\d+$", out, re.M)


def test_missing_store_hint_is_a_command_that_works_as_typed(tmp_path, capsys, monkeypatch):
    import shlex
    import shutil

    from graph.hints import DEMO, ingest_command

    store = tmp_path / "none" / "g.lbug"
    monkeypatch.chdir(tmp_path)  # not the checkout: relative paths in the hint would fail here
    rc, _, err = run(capsys, "gaps", "--store", str(store))
    assert rc == 2 and "数据库不存在" in err
    cmd = err.splitlines()[1].strip()
    assert cmd == ingest_command(str(store))  # the app's hint too; tests/test_app_polish.py runs it
    argv = shlex.split(cmd)
    assert (Path(argv[0]).is_file() or shutil.which(argv[0])) and argv[1:3] == ["ingest", str(DEMO)] and argv[3:] == ["--store", str(store)]
