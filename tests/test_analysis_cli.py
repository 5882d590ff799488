"""The analysis commands of the CLI: gaps, chains, targets, parks, projects, whatif."""

from __future__ import annotations

import csv
import io
import json

import polars as pl
import pytest

import cli.analysis as ca
from cli import main
from graph.view import GraphView
from tests.analysis_fixture import fixture_tables


@pytest.fixture()
def fixture_view(monkeypatch):
    view = GraphView(fixture_tables())
    monkeypatch.setattr(ca, "load_view", lambda args, settings: view)
    monkeypatch.delenv("INDMAP_ANALYSIS__WEAK_MIN_COUNT", raising=False)
    return view


def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_gaps_json_rows(fixture_view, capsys):
    rc, out, err = run(capsys, "gaps", "--chain", "CA", "--format", "json")
    assert rc == 0
    rows = json.loads(out)
    assert [r["segment_id"] for r in rows] == ["A3", "A5", "A2", "A2a", "A2b", "A4", "A1"]
    need = {"chain_id", "segment_id", "segment_name", "stage", "label", "local_count", "local_revenue", "above_scale_count", "candidate_count", "priority", "factors", "reasons"}
    assert need <= set(rows[0])
    assert rows[0]["label"] == "broken" and rows[0]["priority"] == pytest.approx(96.0)
    settings_line = [line for line in err.splitlines() if line.startswith("设置 (settings): ")]
    assert json.loads(settings_line[0].split(": ", 1)[1])["weak_min_count"] == 3


def test_gaps_table_and_warnings(fixture_view, capsys):
    rc, out, err = run(capsys, "gaps", "--chain", "CB")
    assert rc == 0
    assert "断链" in out and "84" in out
    assert "警告：「特色食品产业链」的环节供应关系存在循环：种植 → 加工" in err


def test_gaps_scope_and_set_override(fixture_view, capsys):
    rc, out, _ = run(capsys, "gaps", "--scope", "park:P1", "--chain", "CA", "--format", "json", "--set", "weak_min_count=2")
    rows = {r["segment_id"]: r for r in json.loads(out)}
    assert rc == 0 and rows["A1"]["label"] == "strong"  # 2 locals in P1, both above scale, threshold 2
    rc, _, err = run(capsys, "gaps", "--set", "nope=1")
    assert rc == 2 and "未知分析设置 'nope'" in err
    rc, _, err = run(capsys, "gaps", "--scope", "town:1")
    assert rc == 2 and "未知范围类型" in err


def test_chains_csv(fixture_view, capsys):
    rc, out, _ = run(capsys, "chains", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and [r["chain_id"] for r in rows] == ["CA", "CB"]
    assert rows[0]["broken"] == "1" and rows[0]["top_gap"] == "A3"


def test_chains_table_names_the_top_gap(fixture_view, capsys):
    # the table is for people: 首要缺口 showed the bare segment id (NEV-U07); csv/json keep the id
    rc, out, _ = run(capsys, "chains")
    name = fixture_view.segments.filter(pl.col("id") == "A3").get_column("name")[0]
    line = next(x for x in out.splitlines() if x.startswith("CA "))
    assert rc == 0 and line.rstrip().endswith(name)


def test_targets_json_and_stderr_counts(fixture_view, capsys):
    rc, out, err = run(capsys, "targets", "--segment", "A3", "--format", "json")
    assert rc == 0
    rows = json.loads(out)
    assert [(r["enterprise_id"], r["rank"], r["in_pipeline"]) for r in rows] == [("X1", 1, False), ("X2", 2, False), ("X3", 3, False), ("X6", None, True)]
    assert {"enterprise_id", "name", "score", "factors", "reasons", "in_pipeline"} <= set(rows[0])
    assert '门槛剔除 (gates): {"pollution": 1, "energy": 1}' in err
    assert "筛选剔除 (filters): {}" in err
    rc, out, err = run(capsys, "targets", "--segment", "A3", "--no-gates", "--province", "江苏", "--min-revenue", "10000", "--qualification", "专精特新", "--top", "1", "--format", "json")
    assert rc == 0 and [r["enterprise_id"] for r in json.loads(out)] == ["X1"]
    # no gates: pool X1..X6; province removes X3 广东, X4 浙江; min revenue X6 (3000); 专精特新 X5
    assert '筛选剔除 (filters): {"province": 2, "min_revenue": 1, "qualifications": 1}' in err
    rc, out, _ = run(capsys, "targets", "--segment", "A3")
    assert "已在项目库:签约" in out and "项目库:洽谈" in out
    rc, _, err = run(capsys, "targets", "--segment", "NOPE")
    assert rc == 2 and err.strip().endswith("错误：未知环节编号 'NOPE'：数据中没有相近的环节")


def test_parks_reports(fixture_view, capsys):
    rc, out, _ = run(capsys, "parks", "--format", "json")
    d = json.loads(out)
    keys = {"period", "previous_period", "overlap", "concentration", "scale", "speed", "ranking", "by_city", "cohesion"}
    assert rc == 0 and d["period"] == "2025" and set(d) == keys
    assert d["scale"] == d["ranking"]["scale"] and [r["park_id"] for r in d["ranking"]["scale"]] == ["P1", "P2", "P3"]
    assert set(d["ranking"]["scale"][0]) >= {"park_id", "park_name", "city_code", "score", "rank", "parts"}
    assert d["by_city"] == [{"city_code": "3701", "city_name": "济南市", "home": True, "parks": 3, "top10_scale": 3, "top10_speed": 2, "star2plus": 0}]
    assert [(r["park_id"], r["flag"]) for r in d["cohesion"]] == [("P1", "区内企业关联性不强"), ("P2", "区内企业关联性不强"), ("P3", "区内企业关联性不强")]
    rc, out, _ = run(capsys, "parks", "--report", "overlap", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert (rows[0]["park_a"], rows[0]["park_b"], rows[0]["flagged"]) == ("P2", "P3", "true")
    rc, _, err = run(capsys, "parks", "--format", "csv")
    assert rc == 2 and "请用 --report 指定" in err


def test_projects(fixture_view, capsys):
    rc, out, _ = run(capsys, "projects", "--as-of", "2026-06-01", "--report", "overdue", "--format", "json")
    assert rc == 0
    assert [(r["project_id"], r["days_overdue"]) for r in json.loads(out)] == [("PJ2", 120), ("PJ3", 31), ("PJ1", 92)]
    rc, out, _ = run(capsys, "projects", "--as-of", "2026-06-01")
    assert rc == 0 and "== 停滞项目 (stalled) ==" in out and "PJ3" in out
    rc, _, err = run(capsys, "projects", "--as-of", "June")
    assert rc == 2 and "YYYY-MM-DD" in err


def test_whatif(fixture_view, capsys):
    rc, out, _ = run(capsys, "whatif", "--segment", "A3", "--add", "X1", "--format", "json")
    d = json.loads(out)
    assert rc == 0 and d["changed_segments"] == ["A3"]
    assert d["chains"][0]["completeness_after"] == pytest.approx(5 / 6)
    rc, out, _ = run(capsys, "whatif", "--project", "PJ1", "--report", "segments", "--format", "csv")
    rows = {r["segment_id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rc == 0 and rows["A3"]["changed"] == "true"
    rc, _, err = run(capsys, "whatif", "--add", "X1")
    assert rc == 2 and "--add 需要配合 --segment" in err
    rc, _, err = run(capsys, "whatif", "--segment", "A3", "--add", "X1,NOPE")
    assert rc == 2 and "未知企业编号 'NOPE'" in err


def test_cli_reads_the_embedded_store(tmp_path, capsys, monkeypatch):
    from graph.stores.embedded import EmbeddedStore

    path = tmp_path / "g.lbug"
    store = EmbeddedStore(path, read_only=False)
    store.write(fixture_tables(), meta={"dataset": "analysis fixture"})
    store.close()
    monkeypatch.delenv("INDMAP_STORE", raising=False)
    rc, out, _ = run(capsys, "gaps", "--store", str(path), "--chain", "CA", "--format", "json")
    assert rc == 0
    assert [(r["segment_id"], r["label"]) for r in json.loads(out)][:2] == [("A3", "broken"), ("A5", "missing")]
    rc, out, _ = run(capsys, "targets", "--store", str(path), "--segment", "A3", "--format", "json")
    assert rc == 0 and json.loads(out)[0]["score"] == pytest.approx(94.5)
