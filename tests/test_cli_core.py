"""`indmap ingest/stats/query/template`: exit codes, outputs, and that a bad ingest loses nothing."""

from __future__ import annotations

import json
import re
import shlex

import polars as pl
import pytest

from cli import main
from tests.small_tables import small_tables, write_csv_dataset


@pytest.fixture()
def dataset(tmp_path):
    d = tmp_path / "ds"
    write_csv_dataset(small_tables(), d)
    return d


@pytest.fixture()
def store(tmp_path, dataset):
    s = str(tmp_path / "store" / "g.lbug")
    assert main(["ingest", str(dataset), "--store", s, "--quiet"]) == 0
    return s


def test_ingest_then_stats_json(store, capsys):
    capsys.readouterr()
    assert main(["stats", "--store", store, "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert set(stats) == {"nodes", "relationships"}
    assert stats["nodes"]["Enterprise"] == 5
    assert stats["nodes"]["Segment"] == 7
    assert stats["relationships"]["OPERATES_IN"] == 5
    assert stats["nodes"]["Region"] > 3000  # the national division codes are built in


def test_bad_dataset_exit_1_and_store_unchanged(store, dataset, tmp_path, capsys):
    before = main(["stats", "--store", store, "--format", "json"]), capsys.readouterr().out
    seg = pl.read_csv(dataset / "segments.csv", infer_schema=False)
    seg = seg.with_columns(pl.when(pl.col("id") == "S2").then(pl.lit("中间")).otherwise(pl.col("stage")).alias("stage"))
    seg.write_csv(dataset / "segments.csv")
    report = tmp_path / "report.json"
    assert main(["ingest", str(dataset), "--store", store, "--report", str(report), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "segments.csv" in err and "stage" in err and "中间" in err
    assert "原数据库保持不变" in err
    assert f"--store {shlex.quote(store)}" in err  # the command to paste after fixing names the same store
    rep = json.loads(report.read_text(encoding="utf-8"))
    assert rep["errors"] >= 1
    after = main(["stats", "--store", store, "--format", "json"]), capsys.readouterr().out
    assert before == after


def test_reingest_is_idempotent(store, dataset, capsys):
    main(["stats", "--store", store, "--format", "json"])
    first = capsys.readouterr().out
    assert main(["ingest", str(dataset), "--store", store, "--quiet"]) == 0
    capsys.readouterr()
    main(["stats", "--store", store, "--format", "json"])
    assert capsys.readouterr().out == first


def test_query_json_rows(store, capsys):
    capsys.readouterr()
    rc = main(["query", "MATCH (s:Segment) WHERE s.chain_id = $c RETURN s.id AS id ORDER BY id", "--param", "c=C2", "--store", store, "--format", "json"])
    assert rc == 0
    assert json.loads(capsys.readouterr().out) == [{"id": "T1"}, {"id": "T2"}]


def test_query_csv_and_truncation_notice(store, capsys):
    capsys.readouterr()
    assert main(["query", "MATCH (s:Segment) RETURN s.id AS id ORDER BY id", "--store", store, "--format", "csv", "--row-cap", "2"]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == ["id", "R1", "S1"]
    assert "截断" in out.err
    assert not re.search(r"[A-Za-z]{3,}", out.err.replace("--row-cap", "")), out.err  # for people: Chinese, only the flag's name


def test_query_table_says_no_data_for_a_null(store, capsys):
    """The table is for people: a null is 无数据, not a blank cell (JSON keeps null for scripts)."""
    capsys.readouterr()
    assert main(["query", "UNWIND [1, null] AS x RETURN x, 0 AS zero", "--store", store]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[2:]]
    assert rows == [["1", "0"], ["无数据", "0"]]
    assert main(["query", "UNWIND [1, null] AS x RETURN x", "--store", store, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"x": 1}, {"x": None}]


def test_query_csv_is_neutralised(store, capsys):
    """Issue 18: `--format csv` wrote formula-like text as it was."""
    capsys.readouterr()
    q = "RETURN '=HYPERLINK(\"http://x\")' AS a, '＝1' AS b, ' \u3000@x' AS c, -3 AS d, 'ok' AS `=e`"
    assert main(["query", q, "--store", store, "--format", "csv"]) == 0
    head, row = capsys.readouterr().out.splitlines()
    assert head == "a,b,c,d,'=e"
    assert row == "\"'=HYPERLINK(\"\"http://x\"\")\",'＝1,' \u3000@x,-3,ok"


@pytest.mark.parametrize("cypher", ["MATCH (n) DETACH DELETE n", "COPY (MATCH (n) RETURN n.id) TO '/tmp/x.csv'", "LOAD FROM '/etc/passwd' RETURN *", "CHECKPOINT"])
def test_query_refused_exit_2(store, cypher, capsys):
    assert main(["query", cypher, "--store", store]) == 2
    assert "已拒绝" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys):
    assert main(["ingest"]) == 2
    assert main(["no-such-command"]) == 2
    assert main([]) == 2
    assert main(["query", "RETURN 1", "--param", "novalue"]) == 2


def test_missing_store_exit_2(tmp_path, capsys):
    assert main(["stats", "--store", str(tmp_path / "missing.lbug")]) == 2
    assert "indmap ingest" in capsys.readouterr().err


def test_missing_dataset_is_a_data_error(tmp_path, capsys):
    rc = main(["ingest", str(tmp_path / "nope"), "--store", str(tmp_path / "s.lbug")])
    assert rc in (1, 2)
    assert capsys.readouterr().err.strip()
    assert not (tmp_path / "s.lbug").exists()


def test_help_for_every_command(capsys):
    from cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name in sub.choices:
        assert main([name, "--help"]) == 0
        assert capsys.readouterr().out.strip()


def test_ingest_summary_names_enterprises_left_on_no_segment(capsys):
    # the data page said it (round-9 audit); the CLI's summary said nothing, the firms silently counted in no chain
    from cli.core import _print_finish

    _print_finish({"linking": {"unlinked": 3, "considered": 1, "linked": 0, "links": 0}})
    out = capsys.readouterr().out
    assert "未挂到环节：2 家企业没有所属环节" in out and "enterprise_segments" in out
