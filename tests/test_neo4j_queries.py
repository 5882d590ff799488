"""All Cypher lives in graph/queries/ and never carries a pasted value; the Neo4j store's pure helpers."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import re
from pathlib import Path

import polars as pl
import pytest

from graph import queries as Q
from graph.mapping import graph_frames
from graph.schema import NODES, RELS
from graph.stores import StoreError
from graph.stores.neo4j import _check_frames, _safe_uri
from graph.stores.neo4j_load import batches
from tests.small_tables import small_tables

ROOT = Path(__file__).resolve().parent.parent
# a clause followed by a pattern, a parameter or a call (prose naming the clauses, as the console's
# help and the guard's messages do, is not Cypher); test_the_cypher_pattern_sees_every_statement keeps it honest
CYPHER = re.compile(
    r"\b(MATCH|MERGE|UNWIND|CREATE)\s*[($]|\bUNWIND\s+\w+\(|\bCOPY\s+\w+\s+(FROM|TO)\b"
    r"|\b(CREATE|DROP)\s+(NODE TABLE|REL TABLE|CONSTRAINT)\b|\bDROP\s+INDEX\b|\bSHOW\s+(INDEXES|CONSTRAINTS)\b|\bCREATE\s+INDEX\b[^;]*\bFOR\s*\(|\bCALL\s+\w+(\.\w+)*\("
)
# text shown to people that mentions a query (an error message, a --help example, the console's first query)
EXAMPLES = {("graph/guard.py", "查询为空"), ("cli/core.py", "the query, e.g."), ("cli/core.py", "CALL show_tables()"), ("app_pages/console.py", "MATCH (c:Chain) RETURN c.id, c.name LIMIT 20")}


def _as_list(res: str | list[str]) -> list[str]:
    return res if isinstance(res, list) else [res]


def _all_statements() -> list[str]:
    """Every statement graph.queries can build: constants, and builders called for every label / type."""
    out: list[str] = []
    for name, obj in vars(Q).items():
        if name.startswith("_") or name == "ident":
            continue
        if isinstance(obj, str):
            out.append(obj)
        elif inspect.isfunction(obj) and obj.__module__ == Q.__name__:
            # the required parameters (an optional one, such as read_nodes' ``only``, keeps its default)
            params = [p for p, v in inspect.signature(obj).parameters.items() if v.default is inspect.Parameter.empty]
            if params == ["label"]:
                out += [s for label in NODES for s in _as_list(obj(label))]
            elif params == ["rtype"]:
                out += [s for rtype in RELS for s in _as_list(obj(rtype))]
            elif params == ["table", "path"]:  # the one statement with a literal: a file path the store wrote (checked below)
                out += [obj(t, "/tmp/x").replace("'/tmp/x'", "$path") for t in [*NODES, *RELS]]
            elif params == ["labels"]:  # statements over several labels at once: live and staging ones
                out += _as_list(obj(list(NODES))) + _as_list(obj([Q.staging_label(label) for label in NODES]))
            elif params == ["existing"]:  # the schema statements still to run, given the existing names: none exist
                out += obj(set())
            elif not params:
                res = obj()
                out += res if isinstance(res, list) else [res]
            else:
                raise AssertionError(f"graph.queries.{name}{params}: teach this test how to build it")
    return out


def test_no_values_pasted_into_cypher():
    stmts = _all_statements()
    assert len(stmts) > 10 * len(NODES)
    for stmt in stmts:
        assert "'" not in stmt and '"' not in stmt, stmt  # values travel as $parameters only


def test_copy_from_file_quotes_the_path():
    nasty = "/tmp/a b'c\\d 数据/Enterprise.parquet"
    stmt = Q.copy_from_file("Enterprise", nasty)
    assert stmt == "COPY Enterprise FROM '/tmp/a b\\'c\\\\d 数据/Enterprise.parquet'"
    with pytest.raises(ValueError):
        Q.copy_from_file("Enterprise) MATCH (n", "/tmp/x")


def test_the_cypher_pattern_sees_every_statement():
    stmts = [s for s in _all_statements() if " " in s]  # not the bare label names
    assert stmts and all(CYPHER.search(s) for s in stmts), [s for s in stmts if not CYPHER.search(s)]
    assert not CYPHER.search("查询须以 MATCH、OPTIONAL MATCH、WITH、UNWIND、RETURN 或 CALL 开头")


def _docstring_ids(tree: ast.AST) -> set[int]:
    out = set()
    for n in ast.walk(tree):
        if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body:
            first = n.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def test_all_cypher_lives_in_graph_queries():
    found = []
    for folder in ("graph", "ingest", "cli", "webapp", "app_pages"):
        for f in sorted((ROOT / folder).rglob("*.py")):
            rel = str(f.relative_to(ROOT))
            if rel.startswith("graph/queries/"):
                continue
            tree = ast.parse(f.read_text(encoding="utf-8"))
            docs = _docstring_ids(tree)
            for n in ast.walk(tree):
                if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs and CYPHER.search(n.value):
                    if not any(rel == file and snippet in n.value for file, snippet in EXAMPLES):
                        found.append(f"{rel}:{n.lineno}: {n.value[:80]!r}")
    assert not found, "Cypher outside graph/queries/:\n" + "\n".join(found)


def test_constraints_cover_live_labels_and_drop_the_staging_ones():
    stmts = "\n".join(Q.schema_statements())
    for label in NODES:
        assert f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" in stmts
        # staged nodes are found by internal id: no index maintained per staged node
        assert f"IndmapStaging_{label}" not in stmts
        assert f"DROP CONSTRAINT indmap_staging_{label.lower()}_id IF EXISTS" in stmts
    assert "FOR (n:IndmapMeta) REQUIRE n.id IS UNIQUE" in stmts
    assert all("IF NOT EXISTS" in s or s.startswith("DROP ") and "IF EXISTS" in s for s in Q.schema_statements())


def test_identifiers_are_checked():
    with pytest.raises(ValueError):
        Q.staging_label("Segment) DETACH DELETE (n")


def test_staging_writes_never_use_live_labels():
    for label in NODES:
        assert f":{label})" not in Q.create_staging_nodes(label)
    for rtype, spec in RELS.items():
        stmt = Q.create_staging_rels(rtype)
        assert f"(a:IndmapStaging_{spec.src}) WHERE id(a) = $c0[i] " in stmt
        assert f"(b:IndmapStaging_{spec.dst}) WHERE id(b) = $c1[i] " in stmt


def test_batches_go_by_column_without_nulls_inside_lists_and_dates_as_iso_text():
    df = pl.DataFrame(
        {"id": ["E1", "E2", "E3"], "revenue": [None, 1.5, 2.0], "qualifications": [["a", None], None, ["b"]],
         "founded": [dt.date(2020, 1, 2), None, dt.date(987, 12, 31)]}
    )
    out = list(batches(df, 2))
    assert out == [
        {"c0": ["E1", "E2"], "c1": [None, 1.5], "c2": [["a"], None], "c3": ["2020-01-02", None], "n": 2, "start": 0},
        {"c0": ["E3"], "c1": [2.0], "c2": [["b"]], "c3": ["0987-12-31"], "n": 1, "start": 2},
    ]
    for batch in out:  # plain values only: the driver packs them without a Python call per row or value
        assert all(type(v) in (str, float, list, type(None)) for k, col in batch.items() if k.startswith("c") for v in col)
    assert list(batches(df.head(0), 2)) == []  # no transaction at all for an empty frame


def test_write_queries_index_columns_in_schema_order():
    for label, spec in NODES.items():
        stmt = Q.create_staging_nodes(label)
        for i, p in enumerate(spec.props):
            value = f"date($c{i}[i])" if p.type == "DATE" else f"$c{i}[i]"
            assert f"{p.name}: {value}" in stmt
        assert stmt.startswith("UNWIND range(0, $n - 1) AS i CREATE ")
        assert stmt.endswith("RETURN collect($start + i) AS rows, collect(id(n)) AS ids")
    for rtype, spec in RELS.items():
        stmt = Q.create_staging_rels(rtype)
        assert "id(a) = $c0[i]" in stmt and "id(b) = $c1[i]" in stmt
        for i, p in enumerate(spec.props):
            assert f"{p.name}: $c{i + 2}[i]" in stmt


def test_dangling_ends_and_duplicate_ids_are_refused_before_writing():
    bad = small_tables()
    bad["supply_links"] = pl.DataFrame({"supplier_id": ["X1"], "customer_id": ["GHOST"]})
    bad["industries"] = pl.concat([bad["industries"], bad["industries"].head(1)])
    with pytest.raises(StoreError) as exc:
        _check_frames(*graph_frames(bad))
    msg = str(exc.value)
    assert "SUPPLIES_TO：引用了不存在的 Enterprise GHOST" in msg and "Industry：id 重复（I1）" in msg
    _check_frames(*graph_frames(small_tables()))  # the good set passes
    nodes, rels = graph_frames(small_tables())
    rels["SUPPLIES_TO"] = pl.DataFrame({"_src": ["GHOST2", None, "GHOST1", "GHOST1"], "_dst": [None] * 4}, schema={"_src": pl.Utf8, "_dst": pl.Utf8})
    with pytest.raises(StoreError) as exc:
        _check_frames(nodes, rels)
    assert "SUPPLIES_TO：引用了不存在的 Enterprise GHOST1, GHOST2, （空） 等" not in str(exc.value)  # three shown, no "等"
    assert "SUPPLIES_TO：引用了不存在的 Enterprise GHOST1, GHOST2, （空）；" in str(exc.value)
    assert "SUPPLIES_TO：引用了不存在的 Enterprise （空）。" in str(exc.value)
    _check_frames(nodes, {k: v.head(0) for k, v in rels.items()})  # no relationships at all: nothing to refuse


def test_safe_uri_hides_credentials():
    assert _safe_uri("bolt://neo4j:s3cret@db.example:7687") == "bolt://db.example:7687"
    assert _safe_uri("neo4j://127.0.0.1:7687") == "neo4j://127.0.0.1:7687"
