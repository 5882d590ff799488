"""An engine's error for people: a Chinese message naming the kind of mistake, the engine's own text kept apart.

Both stores, through the console worker (as the app and ``indmap query`` run queries) and directly.
"""

from __future__ import annotations

import pytest

from cli import main
from graph.stores import QueryFailed, QueryRefused
from graph.stores.embedded import EmbeddedStore
from graph.worker import run_query
from tests.small_tables import small_tables

CASES = [
    # (query, start of the Chinese message)
    ("MATCH (s:Segment RETURN s", "查询语句有语法错误（第 1 行第"),
    ("MATCH (s:Segmnt) RETURN s", "图中没有标签或关系类型 Segmnt"),
    ("MATCH (s:Segment) RETURN s.nme", "属性 nme 不存在"),
]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("qerr") / "g.lbug"
    s = EmbeddedStore(path, read_only=False)
    s.write(small_tables(), meta={"dataset": "small"})
    s.close()
    return path


@pytest.mark.parametrize("cypher, zh", CASES)
def test_embedded_errors_in_chinese_through_the_worker(store_path, cypher, zh):
    from graph.settings import Settings

    with pytest.raises(QueryFailed) as info:
        run_query(Settings(store=str(store_path)), cypher, {})
    assert str(info.value).startswith(zh) and not any(w in str(info.value) for w in ("exception", "Binder", "Parser"))
    assert "exception" in info.value.engine_text  # the engine's words, for the expander / the CLI's second line


def test_a_missing_parameter_is_an_error_on_the_embedded_store_too(store_path, capsys):
    # LadybugDB ran WHERE s.id = $x with $x as null: 0 rows and no word of the missing parameter (Neo4j refuses it)
    from graph.settings import Settings

    q = "MATCH (s:Segment) WHERE s.id = $seg AND s.name <> '$notaparam' RETURN s.name"
    with pytest.raises(QueryFailed, match=r"^缺少查询参数 \$seg："):
        run_query(Settings(store=str(store_path)), q, {})
    assert run_query(Settings(store=str(store_path)), q, {"seg": "S2"}).rows  # given, it runs
    assert main(["query", q, "--store", str(store_path)]) == 2
    assert capsys.readouterr().err.startswith("缺少查询参数 $seg")


def test_cli_query_error_says_what_and_keeps_the_engine_text(store_path, capsys):
    assert main(["query", "MATCH (s:Segment RETURN s", "--store", str(store_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("查询语句有语法错误（第 1 行第 18 个字符附近）") and err[1].startswith("引擎原文：Parser exception")
    assert main(["query", "CREATE (n:X)", "--store", str(store_path)]) == 2  # refusals stay refusals
    assert capsys.readouterr().err.startswith("已拒绝：")


@pytest.mark.neo4j
@pytest.mark.parametrize("cypher, zh", [("MATCH (s:Segment RETURN s", "查询语句有语法错误（第 1 行第 18 个字符附近）"), ("RETURN 1/0 AS x", "计算出错")])
def test_neo4j_errors_in_chinese(neo4j_settings, cypher, zh):
    from graph.stores.neo4j import Neo4jStore

    s = Neo4jStore.from_settings(neo4j_settings)
    try:
        with pytest.raises(QueryFailed) as info:
            s.query(cypher)
    finally:
        s.close()
    assert str(info.value).startswith(zh) and not isinstance(info.value, QueryRefused)
    assert info.value.engine_text.startswith("Neo.")
