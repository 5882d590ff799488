"""`indmap export --neo4j-admin DIR`: typed headers, one row per node/relationship, the import command."""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import time
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from cli import main
from cli.export import import_command
from graph.schema import NODES, RELS
from graph.settings import Settings
from graph.stores import StoreError
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore
from tests.small_tables import small_tables

SERVER = Path(__file__).resolve().parent.parent / "scripts" / "neo4j-server"


@pytest.fixture()
def store(tmp_path):
    path = tmp_path / "g.lbug"
    s = EmbeddedStore(path, read_only=False)
    s.write(small_tables(), meta={"dataset": "small"})
    s.close()
    return str(path)


def _read(path):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def test_export_files_headers_and_counts(store, tmp_path, capsys):
    out = tmp_path / "admin"
    assert main(["export", "--neo4j-admin", str(out), "--store", store]) == 0
    assert "已导出 26 个节点、38 条关系" in capsys.readouterr().out
    for label in NODES:
        assert (out / f"nodes_{label}.csv").is_file(), label
    for rtype in RELS:
        assert (out / f"rels_{rtype}.csv").is_file(), rtype

    header, rows = _read(out / "nodes_Enterprise.csv")
    assert header[:4] == ["id:ID(Enterprise)", "name", "local:boolean", "credit_code"]
    assert {"revenue:double", "employees:long", "founded:date", "qualifications:string[]", ":LABEL"} <= set(header)
    assert len(rows) == 5
    e001 = dict(zip(header, next(r for r in rows if r[0] == "E001")))
    assert e001["qualifications:string[]"] == "高新技术企业;专精特新"
    assert e001["founded:date"] == "2010-05-01" and e001["local:boolean"] == "true"
    assert e001["revenue:double"] == "5000.0" and e001["patents:long"] == "12" and e001[":LABEL"] == "Enterprise"
    zero = dict(zip(header, next(r for r in rows if r[0] == "00123")))
    assert zero["revenue:double"] == "" and zero["qualifications:string[]"] == ""  # null = no property

    header, rows = _read(out / "nodes_Region.csv")
    assert header == ["id:ID(Region)", "name", "code", "parent_code", "level", ":LABEL"]
    assert ["370102", "历下区", "370102", "370100", "county", "Region"] in rows

    header, rows = _read(out / "nodes_ParkStat.csv")
    assert header[0] == "id:ID(ParkStat)" and sorted(r[0] for r in rows) == ["P1|2024", "P1|2025", "P2|2025"]

    header, rows = _read(out / "rels_OPERATES_IN.csv")
    assert header == [":START_ID(Enterprise)", ":END_ID(Segment)", "share:double", "source", "confidence", "evidence:double", ":TYPE"]
    assert len(rows) == 5 and all(r[-1] == "OPERATES_IN" for r in rows)
    assert ["E001", "S1a", "0.6", "人工", "confirmed", "", "OPERATES_IN"] in rows

    header, rows = _read(out / "rels_FOCUSES_ON.csv")
    assert header == [":START_ID(Park)", ":END_ID(Industry)", ":TYPE"]
    assert sorted(rows) == [["P1", "I1", "FOCUSES_ON"], ["P2", "I1", "FOCUSES_ON"], ["P2", "I2", "FOCUSES_ON"]]

    _, rows = _read(out / "rels_REGISTERED_IN.csv")
    assert len(rows) == 2  # null region_code makes no relationship

    header, rows = _read(out / "nodes_IndmapMeta.csv")
    assert header[0] == "id:ID(IndmapMeta)" and rows[0][0] == "meta" and '"dataset": "small"' in rows[0][1]


def test_import_script_is_the_exact_command(store, tmp_path):
    out = tmp_path / "admin"
    assert main(["export", "--neo4j-admin", str(out), "--store", store]) == 0
    script = (out / "import.sh").read_text(encoding="utf-8")
    assert script.startswith("#!/bin/sh")
    assert (out / "import.sh").stat().st_mode & 0o111
    assert "\nneo4j-admin database import full \"$DATABASE\" \\\n  --id-type=string" in script
    for label in NODES:
        assert f'--nodes="$DIR"/nodes_{label}.csv' in script
    for rtype in RELS:
        assert f'--relationships="$DIR"/rels_{rtype}.csv' in script
    assert "'--array-delimiter=;'" in script and '"$DATABASE"' in script
    constraints = (out / "constraints.cypher").read_text(encoding="utf-8")
    assert "FOR (n:Enterprise) REQUIRE n.id IS UNIQUE" in constraints and "Staging" not in constraints
    cmd = import_command(["nodes_Chain.csv"], ["rels_HAS_CHAIN.csv"], database="db1", folder="/x")
    assert cmd[:5] == ["neo4j-admin", "database", "import", "full", "db1"]


def test_export_of_a_missing_store_says_how_to_ingest(tmp_path, capsys):
    assert main(["export", "--neo4j-admin", str(tmp_path / "o"), "--store", str(tmp_path / "none.lbug")]) == 2
    assert "indmap ingest" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_export_requires_a_target(capsys):
    assert main(["export"]) == 2
    assert "--neo4j-admin" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.neo4j
@pytest.mark.slow
def test_real_neo4j_admin_imports_the_export(store, tmp_path):
    """import.sh run by the real neo4j-admin 5.26 (from scripts/neo4j-server's jars), then read back over Bolt."""
    if os.environ.get("INDMAP_SKIP_NEO4J") == "1":
        pytest.skip("INDMAP_SKIP_NEO4J=1")
    cp = subprocess.run([str(SERVER), "classpath"], capture_output=True, text=True, timeout=900)
    assert cp.returncode == 0, cp.stderr
    classpath = cp.stdout.strip()
    out = tmp_path / "admin"
    assert main(["export", "--neo4j-admin", str(out), "--store", store]) == 0

    home = tmp_path / "neo4j"
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "neo4j.conf").write_text("", encoding="utf-8")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    admin = bindir / "neo4j-admin"
    admin.write_text(f'#!/bin/sh\nexec java -Xmx512m -cp "{classpath}" org.neo4j.cli.AdminTool "$@"\n', encoding="utf-8")
    admin.chmod(0o755)
    env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}", "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    res = subprocess.run([str(out / "import.sh")], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)  # neo4j-admin writes import.report to cwd
    assert res.returncode == 0 and "IMPORT DONE" in res.stdout, res.stdout[-2000:] + res.stderr[-2000:]

    port = _free_port()
    proc = subprocess.Popen(
        ["java", "-Xmx512m", "-cp", classpath, "Launcher", str(home), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    neo = Neo4jStore.from_settings(Settings(store=f"bolt://127.0.0.1:{port}"))
    try:
        deadline = time.time() + 120
        while True:
            try:
                got_stats = neo.stats()
                break
            except StoreError:
                assert proc.poll() is None and time.time() < deadline, "imported database did not start"
                time.sleep(1)
        src = EmbeddedStore(store)
        want_stats, want, want_meta = src.stats(), src.read_tables(), src.read_meta()
        src.close()
        assert got_stats == want_stats
        got = neo.read_tables()
        for name, df in want.items():
            # neo4j-admin has no empty array: an empty list comes back as null
            df = df.with_columns(
                [pl.when(pl.col(c).list.len() == 0).then(None).otherwise(pl.col(c)).alias(c) for c, t in df.schema.items() if isinstance(t, pl.List)]
            )
            assert_frame_equal(got[name], df), name
        assert neo.read_meta()["dataset"] == want_meta["dataset"] == "small"
        assert neo.version().startswith("neo4j-admin-")
        _check_stored_counts(neo, want)
        # constraints.cypher runs as it is
        import neo4j as driver_mod

        with driver_mod.GraphDatabase.driver(f"bolt://127.0.0.1:{port}") as drv:
            for stmt in (out / "constraints.cypher").read_text(encoding="utf-8").split(";\n"):
                if stmt.strip():
                    drv.execute_query(stmt)
            shown = drv.execute_query("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names").records[0]["names"]
        assert "indmap_enterprise_id" in shown
    finally:
        neo.close()
        proc.terminate()
        proc.wait(timeout=120)


def _check_stored_counts(neo, want) -> None:
    """The imported database carries the scoped view's counts for its generation; presence on it equals the full view's."""
    from graph import analysis as A
    from graph import queries as Q
    from graph.settings import AnalysisSettings
    from graph.stores import scoped_stored
    from graph.stores.neo4j_scoped import read_scoped_view
    from graph.view import GraphView

    with neo._session() as s:
        raw = s.run(Q.NEO4J_READ_META, meta_id=Q.META_ID).single()["json"]
    stored = scoped_stored.read_stored(raw, neo.version())
    assert stored is not None and scoped_stored.KEY not in neo.read_meta()
    full = GraphView(want)
    scoped = read_scoped_view(neo)
    assert scoped.aggregates["candidate_counts"].sort("segment_id").equals(stored["candidate_counts"].sort("segment_id"))
    got, expected = (A.segment_presence(v, AnalysisSettings()).sort("segment_id") for v in (scoped, full))
    assert got.equals(expected) and got.get_column("candidate_count").sum() > 0
