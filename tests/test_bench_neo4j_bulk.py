"""bench/neo4j_bulk.py: the pieces of the national-scale run, and the whole run on the demo city.

The whole run (ingest, export, neo4j-admin from scripts/neo4j-server's cached jars, a private server on the
imported database, constraints, gaps/targets on both stores) takes about a minute; it needs Java and the jars
but no running test server and no network once the jars are cached.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench import neo4j_bulk as nb
from cli.export import import_command

ROOT = Path(__file__).resolve().parent.parent


def _export_dir(tmp_path: Path) -> Path:
    d = tmp_path / "admin"
    d.mkdir()
    for name in ("nodes_Segment.csv", "nodes_Enterprise.csv", "rels_OPERATES_IN.csv", "constraints.cypher"):
        (d / name).write_text("x\n", encoding="utf-8")
    return d


def test_admin_argv_is_the_import_command_plus_memory_limits(tmp_path):
    d = _export_dir(tmp_path)
    argv = nb.admin_argv("CP", d, tmp_path / "home", heap="1g", off_heap="3G")
    assert argv[:5] == ["java", "-Xmx1g", "-cp", "CP", "org.neo4j.cli.AdminTool"]
    want = import_command(["nodes_Enterprise.csv", "nodes_Segment.csv"], ["rels_OPERATES_IN.csv"], database="neo4j", folder=str(d))[1:]
    rest = argv[5:]
    assert rest[:4] == ["database", "import", "full", "neo4j"]  # the database before the multi-valued options
    assert "--max-off-heap-memory=3G" in rest and f"--report-file={tmp_path / 'home' / 'import.report'}" in rest
    assert [x for x in rest if not x.startswith(("--max-off-heap", "--report-file"))] == want
    assert [x for x in rest if x.startswith("--nodes")] == [f"--nodes={d}/nodes_Enterprise.csv", f"--nodes={d}/nodes_Segment.csv"]


def test_admin_argv_without_an_export_says_what_to_run(tmp_path):
    with pytest.raises(RuntimeError, match="indmap export --neo4j-admin"):
        nb.admin_argv("CP", tmp_path, tmp_path / "home", heap="1g", off_heap="1G")


def test_admin_env_is_a_private_home_with_an_empty_conf(tmp_path):
    env = nb.admin_env(tmp_path / "h")
    assert env == {"NEO4J_HOME": str(tmp_path / "h"), "NEO4J_CONF": str(tmp_path / "h" / "conf")}
    assert (tmp_path / "h" / "conf" / "neo4j.conf").read_text() == ""


def test_waiting_for_memory_gives_up_with_the_figures():
    assert nb.wait_for_memory(0, 0) > 0
    with pytest.raises(RuntimeError, match=r"GB available after 0 s \(need 1e\+06 GB\)"):
        nb.wait_for_memory(1e6, 0, poll_s=0)


def test_sizes_on_disk(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f").write_bytes(b"x" * 100_000)
    assert 0.09 < nb.dir_mb(tmp_path) < 0.2
    assert nb.dir_mb(tmp_path / "a" / "f") == nb.dir_mb(tmp_path)


def test_a_failed_step_is_reported_not_raised(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(nb, "classpath", lambda: "unused")
    report = tmp_path / "r.json"
    rc = nb.main([str(ROOT / "data" / "demo"), "--work", str(tmp_path / "w"), "--store", str(tmp_path / "missing.lbug"),
                  "--json", str(report), "--min-free-gb", "0"])
    assert rc == 1
    got = json.loads(report.read_text(encoding="utf-8"))
    export = [s for s in got["steps"] if s["name"] == "export --neo4j-admin"][0]
    assert export["ok"] is False and export["note"].startswith("exit 2")
    assert "FAILED" in capsys.readouterr().out
    assert not (tmp_path / "w" / "neo4j").exists()  # nothing imported, no server started


@pytest.mark.neo4j
@pytest.mark.slow
def test_whole_run_on_the_demo(tmp_path, capsys):
    if os.environ.get("INDMAP_SKIP_NEO4J") == "1":
        pytest.skip("INDMAP_SKIP_NEO4J=1")
    report = tmp_path / "r.json"
    rc = nb.main([str(ROOT / "data" / "demo"), "--work", str(tmp_path / "w"), "--json", str(report), "--heap", "512m",
                  "--admin-heap", "512m", "--admin-off-heap", "512M", "--min-free-gb", "0"])
    got = json.loads(report.read_text(encoding="utf-8"))
    assert rc == 0, got
    names = [s["name"] for s in got["steps"]]
    assert names[:5] == ["ingest (embedded)", "export --neo4j-admin", "neo4j-admin database import full", "server start",
                         "constraints.cypher + indexes online"]
    assert all(s["ok"] for s in got["steps"])
    imp = got["steps"][2]
    assert imp["note"].startswith("IMPORT DONE") and imp["peak_rss_mb"] > 50
    assert got["answers"] == {"gaps": "identical (parsed JSON compared)", "targets": "identical (parsed JSON compared)"}
    assert got["sizes_mb"]["neo4j database (with indexes)"] > 0 and got["sizes_mb"]["export CSV"] > 0
    assert not list((tmp_path / "w" / "admin").glob("*.csv"))  # the CSV files go once imported
    # the private server is gone: nothing still runs from this home
    home = str(tmp_path / "w" / "neo4j")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        assert home not in cmd, f"process {pid} still runs on {home}"
    assert "indmap gaps (Neo4j)" in capsys.readouterr().out
