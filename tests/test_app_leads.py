"""The 线索 and 变化 pages, and 建线索 from the targets page and the chain map (AppTest, real stores).

The store holds the small fixture; its workspace holds two snapshots: the fixture as is, then
with 外地乙 (X2) local in 动力电池 (S2: broken → present, healed) and 示例汽车 (E002) gone
from 整车 (S3: weak → a gap, worsened).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from graph.view import GraphView
from graph.workspace import open_workspace, record_ingest_snapshot
from graph.workspace.leads import get_lead, list_leads
from tests.small_tables import small_tables

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 60


def _changed(tables):
    t = dict(tables)
    t["enterprises"] = t["enterprises"].with_columns(pl.when(pl.col("id") == "X2").then(True).otherwise(pl.col("local")).alias("local"))
    t["enterprise_segments"] = t["enterprise_segments"].filter(~((pl.col("enterprise_id") == "E002") & (pl.col("segment_id") == "S3")))
    return t


@pytest.fixture()
def store(tmp_path, monkeypatch):
    path = tmp_path / "g.lbug"
    s = EmbeddedStore(path, read_only=False)
    settings = Settings(store=str(path))
    record_ingest_snapshot(settings, GraphView(small_tables(12)), dataset="first")
    tables = _changed(small_tables(12))
    s.write(tables, meta={"dataset": "second", "demo": True})
    s.close()
    record_ingest_snapshot(settings, GraphView(tables), dataset="second")
    monkeypatch.setenv("INDMAP_STORE", str(path))
    monkeypatch.chdir(ROOT)
    return settings


def _open(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_history_page_lists_healed_and_worsened_with_a_completeness_line(store):
    at = _open("app_pages/history.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["已补上的缺口"] == "1" and metrics["新出现的缺口"] == "1"
    assert at.selectbox(key="hs_from").value == 1 and at.selectbox(key="hs_to").value == 2
    tables = {t.label: t for t in at.tabs}
    healed = next(label for label in tables if label.startswith("已补上"))
    assert healed == "已补上的缺口（1）"
    frames = [df.value for df in at.dataframe]
    assert any("动力电池" in set(f.get("segment", [])) for f in frames)
    assert any("整车" in set(f.get("segment", [])) for f in frames)
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # completeness line and park trend
    park_table = frames[-1]
    assert list(park_table.columns) == ["园区", "2024", "2025"]
    assert "120万元（20.0%）" in set(park_table["2025"])  # P1 revenue 100 -> 120
    assert "无数据" in set(park_table["2024"])  # P2 has no 2024 row: unknown, not 0


def test_history_page_one_chain(store):
    at = _open("app_pages/history.py")
    at.selectbox(key="hs_chain").set_value("C2").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["已补上的缺口"] == "0"


def test_lead_from_targets_page_then_edit_on_leads_page(store):
    at = _open("app_pages/targets.py", segment="S2")
    assert at.button(key="tg_lead").disabled  # no name yet
    at.text_input(key="ws_author_input_tg").input("张三").run()
    assert at.query_params["user"] in ("张三", ["张三"])
    at.button(key="tg_lead").click().run()
    assert not at.exception
    (lead,) = list_leads(open_workspace(store))
    assert (lead.owner, lead.created_by, lead.segment_id, lead.status) == ("张三", "张三", "S2", "to_contact")
    assert lead.enterprise_name and lead.segment_name == "动力电池" and lead.chain_id == "C1"

    # reload with the name in the URL (a new session): the lead is there, overdue-free, editable
    at = _open("app_pages/leads.py", user="张三", lead=str(lead.id))
    assert at.text_input(key="ws_author_input").value == "张三"
    df = at.dataframe[0].value
    assert list(df["id"]) == [lead.id] and list(df["owner"]) == ["张三"] and list(df["status"]) == ["待接触"]
    assert "None" not in " ".join(str(v) for v in df.iloc[0].tolist())
    at.selectbox(key=f"ld_st_{lead.id}").set_value("signed")
    at.text_area(key=f"ld_note_{lead.id}").input("已签约，下月开工")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception
    saved = get_lead(open_workspace(store), lead.id)
    assert saved.status == "signed" and [(n.author, n.text) for n in saved.notes] == [("张三", "已签约，下月开工")]
    assert [(c.field, c.before, c.after, c.author) for c in saved.changes[1:]] == [("status", "to_contact", "signed", "张三")]
    assert any("已保存" in s.value for s in at.success)
    assert any("projects.csv" in s.value for s in at.success)  # a signed lead offers a project row
    assert any(b.proto.label.startswith("下载项目行") for b in at.get("download_button"))


def test_chain_map_target_list_creates_a_lead_in_one_click(store):
    at = _open("app_pages/chain_map.py", chain="C1", segment="S2", user="李四")
    buttons = [b for b in at.button if b.key and b.key.startswith("cm_lead_")]
    assert buttons and not buttons[0].disabled
    buttons[0].click().run()
    assert not at.exception
    (lead,) = list_leads(open_workspace(store))
    assert lead.owner == "李四" and lead.segment_id == "S2"
    at.run()
    assert not [b for b in at.button if b.key == buttons[0].key]  # now a link to the lead instead
    assert any("线索 #1" in el.proto.label for el in at.get("page_link"))


def test_overview_shows_change_and_leads(store):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["已补上的缺口"] == "1" and metrics["新出现的缺口"] == "1" and metrics["逾期线索"] == "0"
    labels = [el.proto.label for el in at.get("page_link")]
    assert any(label.startswith("变化与趋势") for label in labels) and any(label.startswith("招商线索") for label in labels)


def test_new_lead_by_hand_and_missing_enterprise_flag(store):
    from graph.workspace.leads import add_lead

    ws = open_workspace(store)
    add_lead(ws, enterprise_id="GONE", enterprise_name="已迁出企业", segment_id="S2", owner="招商二科", author="王五", due="2020-01-01")
    at = _open("app_pages/leads.py", user="王五")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["逾期"] == "1" and metrics["企业已不在数据中"] == "1"
    df = at.dataframe[0].value
    assert df.iloc[0]["flags"] == "企业已不在当前数据中" and df.iloc[0]["overdue"].startswith("逾期 ")


def test_exports_of_leads_and_history_are_for_people(store):
    import datetime as dt

    from graph.workspace import history
    from graph.workspace.leads import add_lead, lead_record
    from webapp.export import to_csv_bytes
    from webapp.leads import history_sheet, leads_sheet

    ws = open_workspace(store)
    lead = add_lead(ws, enterprise_id="X2", enterprise_name="外地乙", segment_id="S2", segment_name="动力电池", owner="招商一科", author="张三", due="2026-01-01")
    sheet = leads_sheet([lead_record(lead, dt.date(2026, 1, 11), {"X2"}, {"S2"})])
    row = dict(zip(sheet.columns, sheet.rows[0]))
    assert row["状态"] == "待接触" and row["逾期天数"] == 10 and row["下一步"] == "—" and row["提示"] == "—"
    assert to_csv_bytes(sheet).decode("utf-8-sig").startswith("编号,责任人,状态")
    res = history(ws)
    healed = dict(zip(history_sheet(res.healed).columns, history_sheet(res.healed).rows[0]))
    assert (healed["环节"], healed["之前"], healed["之后"]) == ("动力电池", "断链", "弱链") or healed["之后"] == "强链"


def test_a_note_saved_from_an_open_form_keeps_what_a_colleague_changed_meanwhile(store):
    """Two people on one lead: B opened the form, A then changed 下一步 and 状态; B writes only a note.

    B's save must write the note alone -- not put back the values B's form was opened with."""
    from graph.workspace.leads import add_lead, update_lead

    ws = open_workspace(store)
    lead = add_lead(ws, enterprise_id="X2", segment_id="S2", owner="招商一科", author="甲", next_step="上门拜访")
    at = _open("app_pages/leads.py", user="乙", lead=str(lead.id))  # B's form shows 上门拜访 / 待接触
    update_lead(ws, lead.id, author="甲", next_step="改为下周三上门", status="contacted")  # A, in another session
    at.text_area(key=f"ld_note_{lead.id}").input("补充董办联系人电话")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception
    saved = get_lead(ws, lead.id)
    assert (saved.next_step, saved.status) == ("改为下周三上门", "contacted")
    assert [(n.author, n.text) for n in saved.notes] == [("乙", "补充董办联系人电话")]
    assert [c.author for c in saved.changes[1:]] == ["甲", "甲"]  # nothing changed back by 乙
    assert any("已保存：跟进记录" in s.value for s in at.success)
    # the form now shows what is stored, and B can still change a field it did edit
    assert at.text_input(key=f"ld_next_{lead.id}").value == "改为下周三上门"
    at.text_input(key=f"ld_next_{lead.id}").input("改为周四上门")
    next(b for b in at.button if b.label == "保存").click().run()
    assert get_lead(ws, lead.id).next_step == "改为周四上门"


def test_a_field_a_colleague_changed_meanwhile_is_not_overwritten(store):
    """Two people change the same field: B's form still showed the old 状态/下一步, A saved new ones, then B saved
    its own -- A's values were silently overwritten. B is now told, A's values stay, B's note is kept."""
    from graph.workspace.leads import add_lead, update_lead

    ws = open_workspace(store)
    lead = add_lead(ws, enterprise_id="X2", segment_id="S3", owner="招商一科", author="甲", next_step="上门拜访")
    at = _open("app_pages/leads.py", user="乙", lead=str(lead.id))
    update_lead(ws, lead.id, author="甲", next_step="改为下周三上门", status="negotiating")  # A, in another session
    at.selectbox(key=f"ld_st_{lead.id}").set_value("contacted")
    at.text_input(key=f"ld_next_{lead.id}").input("电话约访")
    at.text_area(key=f"ld_note_{lead.id}").input("已电话联系")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception
    saved = get_lead(ws, lead.id)
    assert (saved.status, saved.next_step) == ("negotiating", "改为下周三上门")
    assert [(n.author, n.text) for n in saved.notes] == [("乙", "已电话联系")]
    warned = " ".join(w.value for w in at.warning)
    assert "状态已被他人改为「洽谈中」" in warned and "下一步已被他人改为「改为下周三上门」" in warned and "已保存：跟进记录" in warned
    assert at.text_input(key=f"ld_next_{lead.id}").value == "改为下周三上门"  # the form shows A's values
    at.text_input(key=f"ld_next_{lead.id}").input("电话约访")  # B, now knowing, saves again: it goes through
    next(b for b in at.button if b.label == "保存").click().run()
    assert get_lead(ws, lead.id).next_step == "电话约访"
    next(b for b in at.button if b.label == "保存").click().run()  # nothing edited: said in Chinese, no CLI flags
    assert any("没有修改" in s.value for s in at.success) and not at.error


def test_a_save_at_the_same_moment_as_a_colleagues_is_refused_whole_and_the_note_kept(store, monkeypatch):
    """A saves between B's page check and B's write (the check used to be outside the write): nothing of B's save
    is written, B is told, B's note stays in the form."""
    import graph.workspace.leads as L

    ws = open_workspace(store)
    lead = L.add_lead(ws, enterprise_id="X2", segment_id="S3", owner="招商一科", author="甲")
    real, armed = L.get_lead, []

    def get_then_colleague_saves(w, lead_id):
        got = real(w, lead_id)
        if armed and not any(c.author == "甲" and c.field == "status" for c in got.changes):
            L.update_lead(w, lead_id, author="甲", status="negotiating")  # A, right after B's page looked
        return got

    monkeypatch.setattr(L, "get_lead", get_then_colleague_saves)  # the page's save callback binds it when drawn
    at = _open("app_pages/leads.py", user="乙", lead=str(lead.id))
    armed.append(True)
    at.selectbox(key=f"ld_st_{lead.id}").set_value("contacted")
    at.text_area(key=f"ld_note_{lead.id}").input("已电话联系")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception
    saved = real(ws, lead.id)
    assert saved.status == "negotiating" and saved.notes == []
    assert any("未保存" in w.value and "状态已被他人改为「洽谈中」" in w.value for w in at.warning)
    assert at.text_area(key=f"ld_note_{lead.id}").value == "已电话联系"
