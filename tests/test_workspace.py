"""The workspace (graph/workspace): schema migrations, leads with notes and audit, backups, concurrency.

Everything runs on SQLite files in temp dirs; the concurrency tests start real processes.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graph.settings import DEFAULT_STORE, Settings
from graph.workspace import db as wsdb
from graph.workspace.backup import export_workspace, is_empty, read_backup, restore_workspace, write_export
from graph.workspace.db import SCHEMA_VERSION, Workspace, WorkspaceError
from graph.workspace.leads import (
    DuplicateLead,
    LeadNotFound,
    add_lead,
    get_lead,
    lead_record,
    list_leads,
    parse_status,
    project_row,
    sort_records,
    update_lead,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def ws(tmp_path):
    return Workspace(tmp_path / "w.sqlite")


def _lead(ws, **kw):
    args = dict(enterprise_id="X1", segment_id="S2", owner="招商一科", author="张三", enterprise_name="外地甲", segment_name="动力电池", chain_id="C1")
    args.update(kw)
    return add_lead(ws, **args)


# ------------------------------------------------------------------ file and schema


def test_workspace_is_wal_with_current_schema(ws):
    assert ws.schema_version() == SCHEMA_VERSION
    con = sqlite3.connect(ws.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"leads", "lead_notes", "lead_changes", "snapshots", "snapshot_segments", "snapshot_chains", "snapshot_parks"} <= set(ws.tables())


def test_workspace_path_beside_the_store_or_from_the_setting(tmp_path):
    assert Settings(store=str(tmp_path / "g.lbug")).workspace_path == tmp_path / "g.lbug.workspace.sqlite"
    assert Settings(store="bolt://127.0.0.1:7687").workspace_path == DEFAULT_STORE.with_name("neo4j.workspace.sqlite")
    assert Settings(store="bolt://x:1", workspace=str(tmp_path / "mine.sqlite")).workspace_path == tmp_path / "mine.sqlite"


def test_a_later_migration_is_applied_once_and_keeps_rows(tmp_path, monkeypatch):
    ws = Workspace(tmp_path / "w.sqlite")
    _lead(ws)
    extra = "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"
    monkeypatch.setattr(wsdb, "MIGRATIONS", wsdb.MIGRATIONS + (extra,))
    monkeypatch.setattr(wsdb, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    again = Workspace(tmp_path / "w.sqlite")
    assert again.schema_version() == SCHEMA_VERSION + 1
    assert "accounts" in again.tables() and len(list_leads(again)) == 1
    Workspace(tmp_path / "w.sqlite").schema_version()  # idempotent: no "table exists" error


def test_a_workspace_from_a_newer_indmap_is_refused(tmp_path):
    path = tmp_path / "w.sqlite"
    Workspace(path).schema_version()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    con.close()
    with pytest.raises(WorkspaceError, match="更新版本的 indmap"):
        Workspace(path).schema_version()


# ------------------------------------------------------------------ leads


def test_add_lead_and_read_it_back(ws):
    lead = _lead(ws, due="2026-03-31", next_step="上门拜访", note="展会上认识")
    assert lead.id == 1 and lead.status == "to_contact" and lead.status_zh == "待接触"
    assert lead.due == dt.date(2026, 3, 31) and lead.next_step == "上门拜访"
    assert [n.text for n in lead.notes] == ["展会上认识"] and lead.notes[0].author == "张三"
    assert [(c.field, c.author) for c in lead.changes] == [("created", "张三")]
    assert get_lead(ws, 1) == lead


def test_every_change_is_audited_with_before_and_after(ws):
    lead = _lead(ws)
    lead, changed = update_lead(ws, lead.id, author="李四", status="已接触", due="2026-05-01", note="电话联系")
    assert changed == ["status", "due"]
    lead, changed = update_lead(ws, lead.id, author="王五", status="洽谈中", owner="招商二科", next_step="")
    assert changed == ["status", "owner"]  # next_step was empty already: no audit row
    rows = [(c.author, c.field, c.before, c.after) for c in lead.changes[1:]]
    assert rows == [
        ("李四", "status", "to_contact", "contacted"),
        ("李四", "due", None, "2026-05-01"),
        ("王五", "status", "contacted", "negotiating"),
        ("王五", "owner", "招商一科", "招商二科"),
    ]
    assert [(n.author, n.text) for n in lead.notes] == [("李四", "电话联系")]
    _, changed = update_lead(ws, lead.id, author="王五", status="negotiating")
    assert changed == []  # same value: nothing written


def test_bad_input_is_refused_with_a_clear_message(ws):
    _lead(ws)
    with pytest.raises(ValueError, match="未知状态 'done'"):
        update_lead(ws, 1, author="a", status="done")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        update_lead(ws, 1, author="a", due="31.03.2026")
    with pytest.raises(ValueError, match="没有要修改的内容"):
        update_lead(ws, 1, author="a")
    with pytest.raises(ValueError, match="责任人不能为空"):
        update_lead(ws, 1, author="a", owner="  ")
    with pytest.raises(LeadNotFound, match="没有编号为 9 的线索"):
        update_lead(ws, 9, author="a", note="x")
    assert [c.field for c in get_lead(ws, 1).changes] == ["created"]  # nothing half-written


def test_statuses_accept_chinese_and_english():
    assert [parse_status(s) for s in ("待接触", "已接触", "洽谈中", "已签约", "已落地", "已放弃", "洽谈", "signed")] == [
        "to_contact", "contacted", "negotiating", "signed", "landed", "abandoned", "negotiating", "signed",
    ]


def test_a_second_open_lead_for_the_same_target_is_refused(ws):
    _lead(ws)
    with pytest.raises(DuplicateLead) as exc:
        _lead(ws, owner="招商二科")
    assert exc.value.lead_id == 1 and "#1" in str(exc.value)
    update_lead(ws, 1, author="a", status="已放弃")
    assert _lead(ws).id == 2  # a closed lead does not block a new one


def test_overdue_flags_and_order_by_owner_overdue_first(ws):
    _lead(ws, enterprise_id="A", owner="乙科", due="2026-01-10")
    _lead(ws, enterprise_id="B", owner="甲科", due="2026-02-01")
    _lead(ws, enterprise_id="C", owner="甲科", due="2026-01-01")
    _lead(ws, enterprise_id="D", owner="甲科", due="2025-12-01", status="已落地")
    _lead(ws, enterprise_id="GONE", owner="甲科")
    as_of = dt.date(2026, 1, 15)
    rows = sort_records([lead_record(x, as_of, known_enterprises={"A", "B", "C", "D"}, known_segments={"S2"}) for x in list_leads(ws)])
    assert [(r["owner"], r["enterprise_id"], r["days_overdue"]) for r in rows] == [
        ("乙科", "A", 5),
        ("甲科", "C", 14),
        ("甲科", "B", None),  # due later
        ("甲科", "GONE", None),  # no due date
        ("甲科", "D", None),  # landed: final, never overdue
    ]
    gone = next(r for r in rows if r["enterprise_id"] == "GONE")
    assert gone["enterprise_missing"] and gone["flags"] == ["企业已不在当前数据中"]
    assert gone["enterprise_name"] == "外地甲"  # the name it was created with stays readable


def test_a_signed_lead_becomes_a_projects_csv_row(ws):
    from graph.schema import TABLES

    lead, _ = update_lead(ws, _lead(ws).id, author="a", status="已签约")
    row = project_row(lead)
    assert list(row) == [c.name for c in TABLES["projects"].columns]
    assert row["id"] == "LEAD-0001" and row["stage"] == "signed" and row["enterprise_id"] == "X1" and row["segment_id"] == "S2"
    assert row["signed_on"] == lead.changes[-1].at[:10] and row["owner"] == "招商一科"


def test_a_project_row_validates_against_the_contract(ws, tmp_path):
    """The offered row, added to a real dataset's projects.csv, ingests without errors."""
    import csv
    import shutil

    from ingest import load_dataset

    ds = tmp_path / "ds"
    shutil.copytree(ROOT / "data" / "sample", ds)
    lead = _lead(ws, enterprise_id="000030.SZ", segment_id="NEV-U11")
    lead, _ = update_lead(ws, lead.id, author="a", status="signed")
    with open(ds / "projects.csv", "a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, fieldnames=list(project_row(lead))).writerow(project_row(lead))
    res = load_dataset(ds)
    assert res.ok, [str(i) for i in res.errors]
    assert "LEAD-0001" in res.tables["projects"].get_column("id").to_list()


# ------------------------------------------------------------------ backup


def test_export_and_restore_round_trip(ws, tmp_path):
    _lead(ws, note="第一条")
    update_lead(ws, 1, author="b", status="contacted", note="第二条")
    write_export(ws, tmp_path / "bk.json")
    before = export_workspace(ws)["tables"]
    other = Workspace(tmp_path / "other.sqlite")
    assert is_empty(other)
    counts = restore_workspace(other, read_backup(tmp_path / "bk.json"))
    assert counts["leads"] == 1 and counts["lead_notes"] == 2 and counts["lead_changes"] == 2
    assert export_workspace(other)["tables"] == before
    assert _lead(other, enterprise_id="Y").id == 2  # ids continue after the restored ones


def test_restore_refuses_a_newer_file_and_leaves_the_workspace_alone(ws, tmp_path):
    _lead(ws)
    data = export_workspace(ws)
    data["schema_version"] = SCHEMA_VERSION + 1
    (tmp_path / "new.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(WorkspaceError, match=r"来自更新版本的 indmap（工作区结构版本 \d+，本程序只支持到 \d+）"):
        read_backup(tmp_path / "new.json")
    (tmp_path / "bad.json").write_text('{"tables": {}}', encoding="utf-8")
    with pytest.raises(WorkspaceError, match="不是 indmap 工作区备份"):
        read_backup(tmp_path / "bad.json")
    broken = export_workspace(ws)
    broken["tables"]["leads"][0]["surprise"] = 1
    with pytest.raises(WorkspaceError, match="字段不符"):
        restore_workspace(ws, broken)
    assert len(list_leads(ws)) == 1


def test_restore_of_an_older_file_migrates_it_forward(ws, tmp_path, monkeypatch):
    _lead(ws)
    old = export_workspace(ws)  # written at today's version
    extra = "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"
    monkeypatch.setattr(wsdb, "MIGRATIONS", wsdb.MIGRATIONS + (extra,))
    monkeypatch.setattr(wsdb, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    import graph.workspace.backup as backup

    monkeypatch.setattr(backup, "MIGRATIONS", wsdb.MIGRATIONS)
    monkeypatch.setattr(backup, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    newer = Workspace(tmp_path / "newer.sqlite")
    backup.restore_workspace(newer, old)
    assert newer.schema_version() == SCHEMA_VERSION + 1 and "accounts" in newer.tables()
    assert [x.enterprise_id for x in list_leads(newer)] == ["X1"]


# ------------------------------------------------------------------ concurrency (real processes)

WRITER = textwrap.dedent(
    """
    import pathlib, sys, time
    from graph.workspace.db import Workspace
    from graph.workspace.leads import update_lead
    ws = Workspace(sys.argv[1])
    go = pathlib.Path(sys.argv[4])
    while not go.exists():  # start together: every writer is ready before the first writes
        time.sleep(0.01)
    for i in range(int(sys.argv[3])):
        update_lead(ws, 1, author=sys.argv[2], note=f"{sys.argv[2]} 第{i}条", owner=f"{sys.argv[2]}-{i}")
    """
)


def test_concurrent_writers_in_separate_processes_lose_nothing(ws, tmp_path):
    _lead(ws)
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(ws.path), who, "25", str(go)], cwd=ROOT) for who in ("甲", "乙", "丙")]
    import time

    time.sleep(1.5)
    go.touch()
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    lead = get_lead(ws, 1)
    assert len(lead.notes) == 75
    for who in ("甲", "乙", "丙"):
        assert sorted(n.text for n in lead.notes if n.author == who) == sorted(f"{who} 第{i}条" for i in range(25))
    owners = [c for c in lead.changes if c.field == "owner"]
    assert len(owners) == 75
    # each audit row's "before" is what the previous writer left: no stale read-modify-write
    assert all(b.before == a.after for a, b in zip(owners, owners[1:]))
    assert owners[-1].after == lead.owner


def test_two_concurrent_cli_notes_both_persist(ws, tmp_path):
    """`indmap leads update ID --note` twice at the same moment, as two people would: both notes are kept."""
    _lead(ws)
    store = tmp_path / "none.lbug"  # no graph needed to write a note
    env_args = ["--store", str(store)]
    cmd = [sys.executable, "-m", "cli", "leads", "update", "1"]
    import os

    env = dict(os.environ, INDMAP_WORKSPACE=str(ws.path))
    procs = [
        subprocess.Popen(cmd + ["--note", text, "--author", who] + env_args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for who, text in (("张三", "约了下周二上门"), ("李四", "对方董秘回电，有扩产意向"))
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    notes = {(n.author, n.text) for n in get_lead(ws, 1).notes}
    assert notes == {("张三", "约了下周二上门"), ("李四", "对方董秘回电，有扩产意向")}


def test_an_update_based_on_a_stale_form_writes_nothing(ws):
    """Two editors save the same lead at the same moment: the page's own check passed for both, the write checks again."""
    from graph.workspace.leads import LeadConflict

    lead = _lead(ws)
    shown = {"status": "to_contact", "due": None, "next_step": "", "owner": "招商一科"}
    update_lead(ws, lead.id, author="甲", status="contacted", due=dt.date(2026, 5, 1), seen={k: shown[k] for k in ("status", "due")})
    with pytest.raises(LeadConflict, match="status"):
        update_lead(ws, lead.id, author="乙", status="negotiating", note="乙的记录", seen={"status": shown["status"]})
    after = get_lead(ws, lead.id)
    assert after.status == "contacted" and [n.text for n in after.notes] == []  # nothing of 乙's save
    _, changed = update_lead(ws, lead.id, author="乙", next_step="再约", seen={"next_step": ""})  # an untouched field: fine
    assert changed == ["next_step"]
