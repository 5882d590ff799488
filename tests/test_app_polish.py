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
    assert any("外地乙 → 动力电池" in m.value for m in at.markdown)  # named from the data
    df = at.dataframe[0].value
    assert df[df["segment"] == "动力电池"].iloc[0][["before", "after"]].tolist()[0] == "断链"
    charts = _chart_values(at)
    assert charts and "completeness" in str(charts[0]["spec"])  # before/after bars, in %
    # a reload is a new session with the same URL: the same basket
    again = app("whatif", **{"add": "X2~S2"})
    assert any("外地乙 → 动力电池" in m.value for m in again.markdown)
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
    assert any("外地乙 → 动力电池" in m.value for m in fresh.markdown)
    assert fresh.query_params.get("add") in (["X2~S2"], "X2~S2") and "scenario" not in fresh.query_params
