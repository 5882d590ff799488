"""Two-phase validation (ingest.phased): the same issues as one pass, and a late error while the copy runs.

``indmap ingest`` validates a CSV folder in two phases: the tables no other table refers to
(enterprise_segments, supply_links, projects, park_stats) are read and checked while the embedded
store already copies the others. Whatever the second phase finds must end the ingest exactly as
one pass does: the same messages in the same order, nothing written, no thread or staged file left.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import polars as pl
import pytest

from graph.schema import TABLES
from graph.settings import Settings
from graph.stores import open_store
from ingest import load_dataset, report_json
from ingest.phased import LATE_TABLES
from ingest.pipeline import Invalid, commit, prepare_path
from tests.test_validate import GOOD, set_cell

# (file, spreadsheet row, column, value): errors and warnings in early tables, late tables and both
CASES = {
    "good": [],
    "late_unknown_enterprise": [("supply_links.csv", 2, "supplier_id", "NOPE")],
    "late_bad_number_and_date": [("projects.csv", 2, "investment", "abc"), ("projects.csv", 3, "signed_on", "2099-13-40")],
    "late_stage_dates": [("projects.csv", 3, "started_on", "2021-01-01")],
    "late_duplicate_link": [("enterprise_segments.csv", 3, "enterprise_id", "E001"), ("enterprise_segments.csv", 3, "segment_id", "S1a")],
    "park_stats_unknown_park": [("park_stats.csv", 2, "park_id", "PX")],
    "early_unknown_region": [("enterprises.csv", 2, "region_code", "999999")],
    "early_and_late": [("segments.csv", 2, "chain_id", "NOCHAIN"), ("supply_links.csv", 2, "customer_id", "ZZ")],
    "late_mistyped_segment": [("enterprise_segments.csv", 2, "segment_id", "s1A"), ("projects.csv", 2, "park_id", "p1")],
    "early_duplicate_credit_code": [("enterprises.csv", 5, "credit_code", "91370102MA3C4Y8K04")],
    "early_warning_late_error": [("enterprises.csv", 2, "id", "Ｅ001"), ("enterprise_segments.csv", 2, "segment_id", "NOSEG")],
}


def _dataset(tmp_path: Path, edits) -> Path:
    ds = Path(shutil.copytree(GOOD, tmp_path / "ds"))
    for file, row, column, value in edits:
        set_cell(ds, file, row, column, value)
    return ds


def _settings(tmp_path: Path) -> Settings:
    return Settings(store=str(tmp_path / "s" / "g.lbug"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_two_phases_report_what_one_pass_reports(tmp_path: Path, case: str) -> None:
    ds = _dataset(tmp_path, CASES[case])
    one = load_dataset(ds)
    p = prepare_path(_settings(tmp_path), ds, early=True)
    ok = p.settle()
    assert p.report == report_json(one.issues)
    assert [str(i) for i in p.result.issues] == [str(i) for i in one.issues]
    assert ok == one.ok
    assert p.result.meta["files"] == one.meta["files"]
    if ok:
        assert p.tables is not None and one.tables is not None
        for name in TABLES:
            assert p.tables[name].equals(one.tables[name]), name


def test_missing_and_unreadable_files_as_one_pass(tmp_path: Path) -> None:
    ds = _dataset(tmp_path, [])
    (ds / "supply_links.csv").unlink()  # optional
    (ds / "enterprise_segments.csv").write_bytes(b"\xff\xfe\x00bad\x00")  # unreadable
    (ds / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")  # unknown file
    one = load_dataset(ds)
    p = prepare_path(_settings(tmp_path), ds, early=True)
    assert not p.settle()
    assert p.report == report_json(one.issues)


def test_an_early_error_is_reported_with_the_late_ones_before_any_write(tmp_path: Path) -> None:
    ds = _dataset(tmp_path, CASES["early_and_late"])
    p = prepare_path(_settings(tmp_path), ds, early=True)
    assert p.pending is None and not p.ok  # validated whole: nothing to overlap
    files = {i.file for i in p.result.errors}
    assert {"segments.csv", "supply_links.csv"} <= files


def _write_good(settings: Settings, tmp_path: Path) -> dict[str, pl.DataFrame]:
    p = prepare_path(settings, _dataset(tmp_path / "first", []), early=True)
    commit(p)
    store = open_store(settings)
    try:
        return store.read_tables()
    finally:
        store.close()


def _leftovers(settings: Settings) -> list[str]:
    root = Path(settings.store).parent
    names = [p.name for p in root.rglob("*")]
    return [n for n in names if ".tmp-" in n or n.startswith(".staging") or "staging" in n]


@pytest.mark.parametrize("case", ["late_unknown_enterprise", "late_bad_number_and_date", "park_stats_unknown_park"])
def test_a_late_error_while_the_first_tables_copy_leaves_the_store_as_it_was(tmp_path: Path, monkeypatch, case: str) -> None:
    from graph import queries as Q
    from ingest import phased

    settings = _settings(tmp_path)
    before = _write_good(settings, tmp_path)
    copied: list[str] = []
    real_copy, real_late = Q.copy_from_file, phased.TwoPhase.late
    late_started = threading.Event()

    def copy(name, path):  # the Enterprise copy goes on only once the second phase runs: they overlap
        if name == "Enterprise":
            assert late_started.wait(30)
        copied.append(name)
        return real_copy(name, path)

    at_late: list[list[str]] = []

    def late(self):
        at_late.append(list(copied))
        late_started.set()
        return real_late(self)

    monkeypatch.setattr(Q, "copy_from_file", copy)
    monkeypatch.setattr(phased.TwoPhase, "late", late)
    threads = set(threading.enumerate())

    ds = _dataset(tmp_path / "second", CASES[case])
    p = prepare_path(settings, ds, early=True)
    assert p.pending is not None  # the first phase found nothing: the write starts before the rest is checked
    with pytest.raises(Invalid):
        commit(p)
    assert at_late and "Enterprise" not in at_late[0]  # the second phase started before the Enterprise copy
    assert "Enterprise" in copied and "REGISTERED_IN" in copied  # and went on beside the second phase
    assert not {"OPERATES_IN", "SUPPLIES_TO", "Project", "ParkStat"} & set(copied)  # none of the late tables
    # the same messages as one pass, every issue
    assert p.report == report_json(load_dataset(ds).issues)
    assert not p.ok and p.result.errors
    # no thread, no staged store file, view or dataset version left; the store reads as before
    assert set(threading.enumerate()) <= threads
    assert _leftovers(settings) == []
    store = open_store(settings)
    try:
        after = store.read_tables()
        view = store.read_view()
    finally:
        store.close()
    for name in TABLES:
        assert after[name].equals(before[name]), name
    assert view.enterprises.height == before["enterprises"].height


def test_cli_late_error_same_output_and_exit_as_one_pass(tmp_path: Path, capsys) -> None:
    from cli import main

    settings = _settings(tmp_path)
    store = settings.store
    assert main(["ingest", str(_dataset(tmp_path / "first", [])), "--store", store, "--quiet"]) == 0
    version = open_store(settings).version()
    capsys.readouterr()
    ds = _dataset(tmp_path / "second", CASES["late_unknown_enterprise"])
    report = tmp_path / "r.json"
    assert main(["ingest", str(ds), "--store", store, "--quiet", "--report", str(report)]) == 1
    err = capsys.readouterr().err
    one = load_dataset(ds)
    for issue in one.issues:
        assert str(issue) in err
    assert "未写入任何数据，原数据库保持不变" in err
    assert json.loads(report.read_text(encoding="utf-8")) == json.loads(report_json(one.issues))
    assert open_store(settings).version() == version
    kept = json.loads(Path(store + ".last-ingest.json").read_text(encoding="utf-8"))
    assert kept["ok"] is False


def test_late_tables_are_referenced_by_no_early_table() -> None:
    """The split is sound only if no table checked first refers to one checked later."""
    for name, t in TABLES.items():
        if name in LATE_TABLES:
            continue
        for c in t.columns:
            assert c.ref is None or c.ref[0] not in LATE_TABLES, (name, c.name)


def test_a_failed_copy_still_reports_the_late_errors_first(tmp_path: Path, monkeypatch) -> None:
    """As one pass: the data's errors are what the user fixes first, whatever else failed meanwhile."""
    from graph import queries as Q

    settings = _settings(tmp_path)
    _write_good(settings, tmp_path)
    real_copy = Q.copy_from_file

    def copy(name, path):
        if name == "Enterprise":
            raise RuntimeError("disk full")
        return real_copy(name, path)

    monkeypatch.setattr(Q, "copy_from_file", copy)
    threads = set(threading.enumerate())
    ds = _dataset(tmp_path / "second", CASES["late_unknown_enterprise"])
    p = prepare_path(settings, ds, early=True)
    with pytest.raises(Invalid):
        commit(p)
    assert p.report == report_json(load_dataset(ds).issues)
    assert set(threading.enumerate()) <= threads
    assert _leftovers(settings) == []
