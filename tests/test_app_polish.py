"""The app as a bureau uses it (issue 11), through ``streamlit.testing.v1.AppTest`` on the small fixture.

Parks open on their own chain, the project figures follow the park filter, the what-if basket lives
in the URL, the 企业 page finds and profiles a company, the empty store's command works as typed,
and no table a person reads holds a null (the grid would print "None").
"""

from __future__ import annotations

import shlex
import subprocess

import pytest
from streamlit.testing.v1 import AppTest

from graph.stores.embedded import EmbeddedStore
from tests.small_tables import small_tables
from tests.test_app_pages import APP, PAGES, ROOT, TIMEOUT, app, store_path  # noqa: F401 - fixtures
from webapp.context import ingest_command


def test_empty_store_command_works_as_typed(tmp_path):
    """The command the empty store shows loads the demo into that very store, from any directory."""
    store = tmp_path / "sub" / "empty.lbug"
    cmd = ingest_command(str(store))
    assert str(store) in cmd and "--store" in cmd
    res = subprocess.run(shlex.split(cmd) if "&&" not in cmd else ["bash", "-c", cmd], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    s = EmbeddedStore(store, read_only=True)
    try:
        assert s.stats()["nodes"]["Segment"] == 320
    finally:
        s.close()


def test_park_page_opens_on_the_parks_chain_and_park_and_chain_go_together(app):
    # a shared link keeps its chain for its park ...
    at = app("parks", park="P2", chain="C2")
    assert at.selectbox(key="pk_chain__P2").value == "C2"
    # ... another park opens on its own focus chain, the old chain leaves the URL
    at.selectbox(key="pk_park").set_value("P1").run()
    assert not at.exception
    assert at.selectbox(key="pk_chain__P1").value == "C1"
    assert at.query_params.get("chain") in (["C1"], "C1")
    # a park without a chain in the link opens on its declared focus chain
    at = app("parks", park="P2")
    assert at.selectbox(key="pk_chain__P2").value == "C1"  # focus I1, I2: the chain holding its firms
    assert "主导产业链" in at.selectbox(key="pk_chain__P2").format_func("C1")
    caption = " ".join(c.value for c in at.caption)
    assert "级别：省级" in caption and "其他" not in caption


def test_project_figures_follow_the_park_filter(app):
    at = app("projects")
    total = {m.label: m.value for m in at.metric}["项目总数"]
    at = app("projects", park="P1")
    assert at.selectbox(key="pj_park").value == "P1"
    metrics = {m.label: m.value for m in at.metric}
    assert (total, metrics["项目总数"]) == ("2", "1")  # PR1 in P1, PR2 without a park
    assert metrics["总投资"] == "5.0亿元"
    assert any("示例高新区" in s.value for s in at.subheader)  # the funnel names the park


def _basket_labels(at: AppTest) -> list[str]:
    """The basket's lines: a target is a link to its company's page."""
    return [el.proto.label for el in at.get("page_link")] + [m.value for m in at.markdown]


def _chart_values(at: AppTest) -> list[dict]:
    import json

    out = []
    for el in at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"):
        spec = json.loads(el.proto.spec)
        for ds in el.proto.datasets:
            out.append({"spec": spec, "name": ds.name})
    return out


def test_whatif_basket_in_the_url_survives_a_reload_and_draws_the_chart(app):
    at = app("whatif", add="X2~S2")
    assert not at.exception
    assert "目标：外地乙 → 动力电池" in _basket_labels(at)  # named from the data, linked to the company
    df = at.dataframe[0].value
    assert df[df["segment"] == "动力电池"].iloc[0][["before", "after"]].tolist()[0] == "断链"
    charts = _chart_values(at)
    assert charts and "completeness" in str(charts[0]["spec"])  # before/after bars, in %
    # a reload is a new session with the same URL: the same basket
    again = app("whatif", **{"add": "X2~S2"})
    assert "目标：外地乙 → 动力电池" in _basket_labels(again)
    assert at.query_params.get("add") in (["X2~S2"], "X2~S2")


def test_whatif_scenario_is_saved_and_opened_by_its_link(app):
    at = app("whatif", add="X2~S2", user="推演员")
    at.text_input(key="wi_scn_name").set_value("电池补链测试").run()
    at.button(key="wi_scn_save").click().run()
    assert not at.exception and not at.error
    pick = at.selectbox(key="wi_scn_pick")
    sid = pick.value
    assert "电池补链测试" in pick.format_func(sid)
    fresh = app("whatif", scenario=str(sid))  # a colleague's session: the link opens the saved basket
    assert "目标：外地乙 → 动力电池" in _basket_labels(fresh)
    assert fresh.query_params.get("add") in (["X2~S2"], "X2~S2") and "scenario" not in fresh.query_params


# ------------------------------------------------------------------ no None, no English in the tables of the demo

DEMO_PAGES = ["overview", "chain", "gaps", "targets", "whatif", "projects", "parks", "leads", "history", "data", "company"]
DEMO_PARAMS = {  # pages opened where they show the most tables
    "chain": {"chain": "NEV", "segment": "NEV-M01"}, "whatif": {"add": "002364.SZ~NEV-D01"}, "parks": {"park": "P13"},
    "company": {"enterprise": "300750.SZ"}, "projects": {"park": "P13"},
}  # fmt: skip


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """The demo, ingested as a user would (the CLI), with a what-if basket to show."""
    import sys

    path = tmp_path_factory.mktemp("demo") / "demo.lbug"
    res = subprocess.run([sys.executable, "-m", "cli", "ingest", str(ROOT / "data" / "demo"), "--store", str(path), "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    return str(path)


def grid_problems(at: AppTest, vocabulary: set[str]) -> list[str]:
    """Nulls (the grid prints "None") and English words in the visible columns of every data grid."""
    import json

    from tests.visible_text import problems

    out = []
    for el in at.dataframe:
        df = el.value
        config = json.loads(el.proto.columns or "{}")
        cols = list(el.proto.column_order) or list(df.columns)
        for col in cols:
            cfg = config.get(col, {})
            if cfg.get("hidden") or col not in df.columns:
                continue
            kind = (cfg.get("type_config") or {}).get("type")
            label = cfg.get("label") or col
            out += [f"header {w!r}" for w in problems(str(label), vocabulary)]
            if kind in ("progress", "checkbox", "link"):
                continue  # drawn as bars, boxes and link texts: a missing value is an empty cell
            if df[col].isna().any():
                out.append(f"{label}: None")
            if df[col].dtype == object:
                words = {w for v in df[col].dropna().astype(str).unique()[:2000] for w in problems(v, vocabulary)}
                out += [f"{label}: {w!r}" for w in sorted(words)]
    return out


@pytest.mark.parametrize("page", DEMO_PAGES)
def test_no_none_or_english_in_the_tables_of_the_demo(demo_store, monkeypatch, page):
    from tests.visible_text import dataset_vocabulary

    monkeypatch.setenv("INDMAP_STORE", demo_store)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in DEMO_PARAMS.get(page, {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGES[page][0] if page in PAGES else f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.dataframe or page in ("leads", "history"), "the check would see no table"  # no leads or second snapshot yet
    assert grid_problems(at, dataset_vocabulary(ROOT / "data" / "demo")) == []


def test_whatif_scenario_of_a_colleague_with_the_same_name_is_not_overwritten(app):
    """Two editors save different baskets under one name: the second is told; re-saving one's own version works."""
    from graph.settings import Settings
    from graph.workspace import open_workspace
    from graph.workspace.scenarios import list_scenarios, save_scenario

    a = app("whatif", add="X2~S2", user="甲")
    b = app("whatif", add="X1~S2", user="乙")
    a.text_input(key="wi_scn_name").set_value("同名情景").run()
    a.button(key="wi_scn_save").click().run()
    assert not a.error
    b.text_input(key="wi_scn_name").set_value("同名情景").run()
    b.button(key="wi_scn_save").click().run()
    assert any("已有同名推演情景「同名情景」" in e.value and "甲" in e.value for e in b.error)
    ws = open_workspace(Settings())
    [sc] = [s for s in list_scenarios(ws) if s.name == "同名情景"]
    assert [i["enterprise_id"] for i in sc.items] == ["X2"]
    a.button(key="wi_scn_save").click().run()  # A saves its own scenario again: replaced in place
    assert not a.error
    save_scenario(ws, "同名情景", [{"kind": "target", "enterprise_id": "X1", "segment_id": "S2"}], scope="city", author="丙")
    a.button(key="wi_scn_save").click().run()  # changed by 丙 since A saved it: A is told, 丙's stays
    assert any("在你打开它之后又被修改" in e.value for e in a.error)
    [sc] = [s for s in list_scenarios(ws) if s.name == "同名情景"]
    assert [i["enterprise_id"] for i in sc.items] == ["X1"]
