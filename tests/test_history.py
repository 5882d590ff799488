"""Snapshots and history: every successful ingest records one; `indmap history` compares them.

The "done when" of issue 14 end to end through the CLI on a copy of data/sample: ingest; a local
firm lands in a missing segment and the local firms leave a strong one; ingest again → healed,
worsened and persistent (with first-seen dates); a lead made in between survives; a failed
ingest records nothing. Then the same on a real Neo4j.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from cli import main
from graph.settings import AnalysisSettings
from graph.workspace import Workspace
from graph.workspace.history import compare
from graph.workspace.snapshots import SegmentState, SnapshotInfo, list_snapshots, load_parks, snapshot_of

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
HEALS = ("NEV-U07", "L00003")  # 车规级芯片与功率模块: missing; local firm L00003 lands there
WORSENS = "NEV-M03"  # 新能源商用车与专用车: strong with 4 local firms, all leave


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _rewrite(path: Path, keep, extra: list[list[str]] = ()) -> None:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    body = [r for r in rows[1:] if keep(r)] + [list(x) for x in extra]
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([rows[0], *body])


def _change_the_data(ds: Path) -> None:
    local = {r[0] for r in csv.reader(open(ds / "enterprises.csv", encoding="utf-8-sig")) if r[2] == "true"}
    _rewrite(
        ds / "enterprise_segments.csv",
        keep=lambda r: not (r[1] == WORSENS and r[0] in local),
        extra=[[HEALS[1], HEALS[0], "0.5", "示例数据（虚构）", "confirmed"]],
    )


@pytest.fixture()
def ds(tmp_path):
    out = tmp_path / "ds"
    shutil.copytree(SAMPLE, out)
    return out


# ------------------------------------------------------------------ pure comparison


def _snaps(n):
    return [SnapshotInfo(id=i, taken_at=f"2026-0{i}-15T09:00:00+08:00", source="ingest", dataset="d", settings={"weak_min_count": 3}) for i in range(1, n + 1)]


def _seg(sid, label, chain="C"):
    return SegmentState(segment_id=sid, chain_id=chain, label=label, local_count=0 if label in ("broken", "missing") else 3)


def test_compare_classifies_every_kind_of_change():
    states = {
        1: {"A": _seg("A", "missing"), "B": _seg("B", "strong"), "C": _seg("C", "broken"), "E": _seg("E", "weak"), "W": _seg("W", "weak")},
        2: {"A": _seg("A", "weak"), "B": _seg("B", "broken"), "C": _seg("C", "missing"), "N": _seg("N", "missing"), "W": _seg("W", "strong")},
    }
    h = compare(_snaps(2), states, {})
    got = {k: [r.segment_id for r in getattr(h, k)] for k in ("healed", "worsened", "new", "removed", "persistent", "relabelled")}
    assert got == {"healed": ["A"], "worsened": ["B"], "new": ["N"], "removed": ["E"], "persistent": ["C"], "relabelled": ["W"]}
    row = h.healed[0]
    assert (row.label_before, row.label_after, row.label_zh_before, row.label_zh_after) == ("missing", "weak", "缺链", "弱链")


def test_first_seen_is_the_start_of_the_unbroken_run():
    # X: gap in 1, strong in 2, gap in 3 and 4 -> persistent since 3 (the run restarted)
    # Y: gap since 1 -> persistent since 1; Z: gap in 1-3, healed in 4 -> first seen 1
    states = {
        1: {"X": _seg("X", "missing"), "Y": _seg("Y", "broken"), "Z": _seg("Z", "missing")},
        2: {"X": _seg("X", "strong"), "Y": _seg("Y", "missing"), "Z": _seg("Z", "missing")},
        3: {"X": _seg("X", "broken"), "Y": _seg("Y", "missing"), "Z": _seg("Z", "broken")},
        4: {"X": _seg("X", "missing"), "Y": _seg("Y", "missing"), "Z": _seg("Z", "weak")},
    }
    h = compare(_snaps(4), states, {})
    assert {r.segment_id: str(r.first_seen) for r in h.persistent} == {"X": "2026-03-15", "Y": "2026-01-15"}
    assert [(r.segment_id, str(r.first_seen), r.first_seen_snapshot) for r in h.healed] == [("Z", "2026-01-15", 1)]
    # an explicit pair: 1 -> 3 (Z still a gap: persistent since 1)
    h13 = compare(_snaps(4), {k: v for k, v in states.items() if k <= 3}, {}, from_id=1, to_id=3)
    assert {r.segment_id for r in h13.persistent} == {"Y", "Z", "X"} and h13.healed == []


def test_one_snapshot_or_none_says_what_to_do():
    assert "还没有快照" in compare([], {}, {}).warnings[0]
    one = compare(_snaps(1), {1: {"A": _seg("A", "missing")}}, {})
    assert one.from_snapshot is None and one.to_snapshot == 1 and "只有一个快照" in one.warnings[0]
    with pytest.raises(ValueError, match="应早于"):
        compare(_snaps(2), {}, {}, from_id=2, to_id=1)


def test_changed_settings_are_named_in_a_warning():
    snaps = _snaps(2)
    snaps[1].settings = {"weak_min_count": 4}
    h = compare(snaps, {1: {}, 2: {}}, {})
    assert any("weak_min_count 3 → 4" in w for w in h.warnings)


def test_an_upload_is_the_same_dataset_a_new_folder_is_not():
    # an upload merges into the data before it: comparing them must not warn of different datasets (it did after every upload)
    snaps = _snaps(4)
    snaps[1].source, snaps[1].dataset = "upload", "企业名录.xlsx"
    snaps[2].source, snaps[2].dataset = "upload", "项目.xlsx"
    snaps[3].dataset = "data/demo"
    states = {i: {} for i in range(1, 5)}
    assert not any("不同的数据集" in w for w in compare(snaps, states, {}, from_id=1, to_id=2).warnings)
    assert not any("不同的数据集" in w for w in compare(snaps, states, {}, from_id=1, to_id=3).warnings)
    assert any("不同的数据集" in w for w in compare(snaps, states, {}, from_id=3, to_id=4).warnings)


def test_snapshot_of_uses_the_analysis_functions(demo_tables):
    from graph.analysis import chain_summary, gaps
    from graph.view import GraphView

    view = GraphView(demo_tables)
    a = AnalysisSettings()
    snap = snapshot_of(view, a)
    want = {r.segment_id: (r.label, r.priority, r.local_count) for r in gaps(view, a).rows}
    assert {s.segment_id: (s.label, s.priority, s.local_count) for s in snap.segments} == want
    assert [(c.chain_id, c.completeness) for c in snap.chains] == [(c.chain_id, c.completeness) for c in chain_summary(view, a)]
    assert len(snap.parks) == view.parks.height and snap.settings == a.model_dump(mode="json")
    p01 = next(p for p in snap.parks if p.park_id == "P01")
    assert p01.kpis["stats"]["revenue"] is not None and p01.kpis["scale"]["rank"] is not None


# ------------------------------------------------------------------ end to end through the CLI


def test_history_after_two_ingests_heals_worsens_and_keeps_leads(ds, tmp_path, capsys):
    store = tmp_path / "g.lbug"
    code, out, err = _run(capsys, "ingest", ds, "--store", store, "--quiet")
    assert code == 0, err
    assert "已记录快照 #1" in out
    code, out, err = _run(capsys, "leads", "add", "--enterprise", "000030.SZ", "--segment", "NEV-U11", "--owner", "招商一科", "--due", "2026-12-31", "--next", "上门拜访", "--author", "张三", "--store", store, "--format", "json")
    assert code == 0, err
    lead = json.loads(out)
    assert lead["id"] == 1 and lead["enterprise_name"] == "富奥股份" and lead["segment_name"] == "底盘系统" and lead["status"] == "to_contact"

    _change_the_data(ds)
    code, out, err = _run(capsys, "ingest", ds, "--store", store, "--quiet")
    assert code == 0, err
    assert "已记录快照 #2：与快照 #1 相比，补上缺口 1 个，新出现缺口" in out

    code, out, err = _run(capsys, "history", "--store", store, "--format", "json")
    assert code == 0, err
    h = json.loads(out)
    assert {"healed", "worsened", "new", "removed", "persistent", "snapshots", "completeness"} <= set(h)
    assert (h["from"], h["to"]) == (1, 2) and [s["id"] for s in h["snapshots"]] == [1, 2]
    healed = {r["segment_id"]: r for r in h["healed"]}
    assert set(healed) == {"NEV-U07"} and (healed["NEV-U07"]["label_before"], healed["NEV-U07"]["label_after"]) == ("missing", "weak")
    worsened = {r["segment_id"]: r for r in h["worsened"]}
    assert worsened["NEV-M03"]["label_before"] == "strong" and worsened["NEV-M03"]["label_after"] in ("broken", "missing")
    assert worsened["NEV-M03"]["first_seen"] == h["snapshots"][1]["taken_at"][:10]
    persistent = {r["segment_id"]: r for r in h["persistent"]}
    assert "PV-U02" in persistent and persistent["PV-U02"]["first_seen"] == h["snapshots"][0]["taken_at"][:10]
    for r in h["healed"] + h["worsened"] + h["persistent"]:
        assert set(r) >= {"segment_id", "segment_name", "chain_id", "label_before", "label_after", "first_seen"}
    assert {p["chain_id"] for p in h["completeness"]} == {"NEV", "PV"} and len(h["completeness"]) == 4
    assert h["new"] == [] and h["removed"] == []

    code, out, err = _run(capsys, "leads", "list", "--store", store, "--format", "json")
    (kept,) = json.loads(out)
    assert (kept["id"], kept["owner"], kept["next_step"], kept["flags"]) == (1, "招商一科", "上门拜访", [])

    code, out, err = _run(capsys, "history", "--store", store, "--chain", "PV")
    assert code == 0
    assert "已补上的缺口（断链/缺链 → 弱链/强链）：0 个" in out and "持续存在的缺口" in out and "多晶硅料" in out and "NEV-U07" not in out


def test_a_failed_ingest_records_nothing_and_a_lead_outlives_its_enterprise(ds, tmp_path, capsys):
    store = tmp_path / "g.lbug"
    assert _run(capsys, "ingest", ds, "--store", store, "--quiet")[0] == 0
    assert _run(capsys, "leads", "add", "--enterprise", "000030.SZ", "--segment", "NEV-U11", "--owner", "招商一科", "--store", store)[0] == 0
    bad = tmp_path / "bad"
    shutil.copytree(ds, bad)
    _rewrite(bad / "segments.csv", keep=lambda r: True, extra=[["NEV-X99", "NOPE", "坏环节", "upstream", "", "", "", "", ""]])
    code, out, err = _run(capsys, "ingest", bad, "--store", store, "--quiet")
    assert code == 1 and "未写入任何数据" in err
    ws = Workspace(tmp_path / "g.lbug.workspace.sqlite")
    assert [s.id for s in list_snapshots(ws)] == [1]

    # the enterprise leaves the data: the lead is kept and flagged
    _rewrite(ds / "enterprises.csv", keep=lambda r: r[0] != "000030.SZ")
    _rewrite(ds / "enterprise_segments.csv", keep=lambda r: r[0] != "000030.SZ")
    _rewrite(ds / "supply_links.csv", keep=lambda r: "000030.SZ" not in r[:2])
    _rewrite(ds / "projects.csv", keep=lambda r: r[3] != "000030.SZ")
    code, out, err = _run(capsys, "ingest", ds, "--store", store, "--quiet")
    assert code == 0, err
    code, out, err = _run(capsys, "leads", "list", "--store", store, "--format", "json")
    (lead,) = json.loads(out)
    assert lead["enterprise_missing"] and lead["flags"] == ["企业已不在当前数据中"] and lead["enterprise_name"] == "富奥股份"
    code, out, err = _run(capsys, "leads", "list", "--store", store)
    assert "企业已不在当前数据中" in out and "富奥股份" in out


def test_history_record_and_snapshot_selection(ds, tmp_path, capsys):
    store = tmp_path / "g.lbug"
    assert _run(capsys, "ingest", ds, "--store", store, "--quiet")[0] == 0
    code, out, err = _run(capsys, "history", "--store", store, "--record", "--format", "json")
    assert code == 0 and "已记录快照 #2" in err
    h = json.loads(out)
    assert h["snapshots"][1]["source"] == "manual" and h["healed"] == [] and h["worsened"] == [] and len(h["persistent"]) > 0
    code, out, err = _run(capsys, "history", "--store", store, "--from", "7")
    assert code == 2 and "没有编号为 7 的快照" in err
    code, out, err = _run(capsys, "history", "--store", store, "--chain", "NOPE")
    assert code == 2 and "未知产业链编号 'NOPE'" in err
    code, out, err = _run(capsys, "history", "--store", store, "--chain", "nev", "--format", "json")
    assert code == 0 and json.loads(out)["chain_id"] == "NEV"
    code, out, err = _run(capsys, "history", "--store", store, "--from", "1", "--to", h["snapshots"][1]["taken_at"][:10], "--format", "json")
    assert code == 0 and (json.loads(out)["from"], json.loads(out)["to"]) == (1, 2)


def test_workspace_export_restore_commands(ds, tmp_path, capsys):
    store = tmp_path / "g.lbug"
    assert _run(capsys, "ingest", ds, "--store", store, "--quiet")[0] == 0
    # ids in any case: the lead keeps the data's ids
    assert _run(capsys, "leads", "add", "--enterprise", "000030.sz", "--segment", "nev-u11", "--owner", "甲", "--store", store)[0] == 0
    assert _run(capsys, "leads", "update", "1", "--note", "记一笔", "--status", "洽谈中", "--store", store)[0] == 0
    backup = tmp_path / "bk.json"
    code, out, err = _run(capsys, "workspace", "export", backup, "--store", store)
    assert code == 0 and "leads 1 行" in out
    other = tmp_path / "other.lbug"
    code, out, err = _run(capsys, "workspace", "restore", backup, "--store", other)
    assert code == 0, err
    code, out, err = _run(capsys, "leads", "show", "1", "--store", other, "--format", "json")
    lead = json.loads(out)
    assert lead["status"] == "negotiating" and [n["text"] for n in lead["notes"]] == ["记一笔"]
    assert (lead["enterprise_id"], lead["segment_id"]) == ("000030.SZ", "NEV-U11")
    code, out, err = _run(capsys, "workspace", "restore", backup, "--store", store)
    assert code == 2 and "--replace" in err
    code, out, err = _run(capsys, "workspace", "restore", backup, "--store", store, "--replace")
    assert code == 0 and "另存为" in err and list(tmp_path.glob("g.lbug.workspace.sqlite.before-restore-*.json"))
    code, out, err = _run(capsys, "workspace", "info", "--store", store, "--format", "json")
    assert json.loads(out)["rows"]["leads"] == 1


def test_leads_cli_errors_are_clear(ds, tmp_path, capsys):
    store = tmp_path / "g.lbug"
    code, out, err = _run(capsys, "leads", "add", "--enterprise", "X", "--segment", "NEV-U11", "--owner", "甲", "--store", store)
    assert code == 2 and "无法读取图数据库" in err
    assert _run(capsys, "ingest", ds, "--store", store, "--quiet")[0] == 0
    code, out, err = _run(capsys, "leads", "add", "--enterprise", "NOPE", "--segment", "NEV-U11", "--owner", "甲", "--store", store)
    assert code == 2 and "未知企业编号 'NOPE'" in err
    code, out, err = _run(capsys, "leads", "add", "--enterprise", "000030.SZ", "--segment", "底盘", "--owner", "甲", "--store", store)
    assert code == 2 and "未知环节编号 '底盘'。您是否要找：NEV-U11（底盘系统）" in err
    code, out, err = _run(capsys, "leads", "update", "1", "--status", "已签约", "--store", store)
    assert code == 2 and "没有编号为 1 的线索" in err
    assert _run(capsys, "leads", "add", "--enterprise", "000030.SZ", "--segment", "NEV-U11", "--owner", "甲", "--due", "2020-01-01", "--store", store)[0] == 0
    code, out, err = _run(capsys, "leads", "update", "1", "--status", "finished", "--store", store)
    assert code == 2 and "未知状态 'finished'" in err
    code, out, err = _run(capsys, "leads", "list", "--overdue", "--store", store, "--format", "csv")
    lines = out.splitlines()
    assert lines[0].startswith("id,owner,status,status_zh") and len(lines) == 2 and ",true," in lines[1]


# ------------------------------------------------------------------ Neo4j


@pytest.mark.neo4j
def test_a_neo4j_ingest_records_a_snapshot(ds, tmp_path, capsys, monkeypatch, neo4j_uri):
    monkeypatch.setenv("INDMAP_WORKSPACE", str(tmp_path / "neo.workspace.sqlite"))
    code, out, err = _run(capsys, "ingest", ds, "--store", neo4j_uri, "--quiet")
    assert code == 0, err
    assert "已记录快照 #1" in out
    _change_the_data(ds)
    assert _run(capsys, "ingest", ds, "--store", neo4j_uri, "--quiet")[0] == 0
    code, out, err = _run(capsys, "history", "--store", neo4j_uri, "--format", "json")
    h = json.loads(out)
    assert [r["segment_id"] for r in h["healed"]] == ["NEV-U07"] and "NEV-M03" in {r["segment_id"] for r in h["worsened"]}
    ws = Workspace(tmp_path / "neo.workspace.sqlite")
    snaps = list_snapshots(ws)
    assert [s.store for s in snaps] == [neo4j_uri, neo4j_uri] and "@" not in neo4j_uri.partition("://")[2]
    assert load_parks(ws)[2]  # park KPIs kept too
    code, out, err = _run(capsys, "leads", "add", "--enterprise", "000030.SZ", "--segment", "NEV-U11", "--owner", "甲", "--store", neo4j_uri, "--format", "json")
    assert code == 0 and json.loads(out)["enterprise_name"] == "富奥股份"  # names looked up in Neo4j
