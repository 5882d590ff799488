"""``indmap ingest`` from the command line ends at once after its work (``cli.exit_now``): nothing is lost.

The interpreter's own teardown (freeing every frame) is skipped only for a command run as a program
that has finished; its output, store, version, report and workspace snapshot are all complete.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cli
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from graph.workspace import list_snapshots, open_workspace

ROOT = Path(__file__).resolve().parents[1]


def _ingest(store: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "cli", "ingest", str(ROOT / "data" / "sample"), "--store", str(store), "--quiet"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ingest_as_a_program_leaves_everything_written(tmp_path: Path) -> None:
    store = tmp_path / "s.lbug"
    for n in (1, 2):  # the second run reads what the first left (store, workspace, versions)
        r = _ingest(store)
        assert r.returncode == 0, r.stderr[-2000:]
        assert "已导入" in r.stdout and f"已记录快照 #{n}" in r.stdout  # output flushed before the exit
    view = EmbeddedStore(store).read_view()
    assert view.enterprises.height > 0
    report = json.loads(store.with_name(store.name + ".last-ingest.json").read_text(encoding="utf-8"))
    assert report["ok"] is True
    settings = Settings(store=str(store))
    assert len(list_snapshots(open_workspace(settings))) == 2


def test_main_called_with_arguments_returns(tmp_path: Path, capsys) -> None:
    """In-process callers (tests, scripts) get the exit code back; the process goes on."""
    store = tmp_path / "s.lbug"
    assert cli.main(["ingest", str(ROOT / "data" / "sample"), "--store", str(store), "--quiet"]) == 0
    assert "已导入" in capsys.readouterr().out


def test_only_a_program_that_ends_at_once_freezes_its_heap(tmp_path: Path, monkeypatch, capsys) -> None:
    """Run as a program, ``indmap ingest`` leaves its imported modules out of the collector's passes
    (``gc.freeze``); called with arguments (tests, scripts: the process goes on) it freezes nothing."""
    import gc

    sample = str(ROOT / "data" / "sample")
    assert gc.get_freeze_count() == 0
    assert cli.main(["ingest", sample, "--store", str(tmp_path / "a.lbug"), "--quiet"]) == 0
    assert gc.get_freeze_count() == 0
    ended: list[int] = []
    monkeypatch.setattr(cli, "exit_now", ended.append)  # the process goes on here: the code is kept instead
    monkeypatch.setattr(sys, "argv", ["indmap", "ingest", sample, "--store", str(tmp_path / "b.lbug"), "--quiet"])
    try:
        cli.main()
        assert ended == [0] and gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
    assert "已导入" in capsys.readouterr().out
