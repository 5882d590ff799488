"""Every page of the Streamlit app through ``streamlit.testing.v1.AppTest``, on a real embedded store.

The store is built from the small fixture (tests/small_tables.py, plus a dozen
candidate enterprises) with :class:`graph.stores.embedded.EmbeddedStore`; the
app finds it through ``INDMAP_STORE`` like in production.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import polars as pl

from graph.stores.embedded import EmbeddedStore
from tests.small_tables import small_tables

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 60
URL = re.compile(r"https?://[^\s\"'<>)]*")

PAGES = {
    "overview": ("app_pages/overview.py", "招商产业链图谱 · 总览"),
    "chain": ("app_pages/chain_map.py", "产业链图谱"),
    "gaps": ("app_pages/gaps.py", "缺链清单"),
    "targets": ("app_pages/targets.py", "招商目标"),
    "parks": ("app_pages/parks.py", "园区"),
    "projects": ("app_pages/projects.py", "项目跟踪"),
    "whatif": ("app_pages/whatif.py", "推演：补链之后"),
    "leads": ("app_pages/leads.py", "招商线索"),
    "history": ("app_pages/history.py", "变化与趋势"),
    "cypher": ("app_pages/console.py", "Cypher 查询"),
    "data": ("app_pages/data.py", "数据"),
}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("app") / "g.lbug"
    s = EmbeddedStore(path, read_only=False)
    meta = {"dataset": "tests/small_tables", "demo": True, "dataset_info": {"name": "小型测试数据", "description": "两条链", "sources": [{"name": "虚构", "file": "small_tables.py"}]}, "issues": {"errors": 0, "warnings": 1, "issues": [
        {"severity": "warning", "code": "supplies_cycle", "file": "segment_links.csv", "row": 5, "column": "to_id", "column_zh": "下游环节", "value": "S1", "message": "环节供应关系存在循环", "fix": "确认回收循环属实"}
    ]}}
    s.write(with_peer_parks(small_tables(12)), meta=meta)
    s.close()
    return str(path)


def with_peer_parks(t: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The small fixture plus peer parks of two other cities (青岛 4, 烟台 1), larger than 济南's two, with two periods."""
    peers = pl.DataFrame(
        {"id": ["Q1", "Q2", "Q3", "Q4", "Y1"], "name": ["青岛高新区", "青岛经开区", "青岛港区", "青岛西区", "烟台经开区"],
         "region_code": ["370200", "370200", "370200", "370200", "370600"], "star": [4, 2, 1, 3, 3]},
        schema_overrides={"star": pl.Int64},
    )  # fmt: skip
    stats = pl.DataFrame(
        {"park_id": ["Q1", "Q1", "Q2", "Q2", "Q3", "Q3", "Q4", "Q4", "Y1", "Y1"], "period": ["2024", "2025"] * 5,
         "revenue": [400.0, 500.0, 250.0, 300.0, 150.0, 200.0, 90.0, 100.0, 70.0, 80.0], "fixed_investment": [40.0, 50.0, 25.0, 30.0, 15.0, 20.0, 9.0, 10.0, 7.0, 8.0]},
    )  # fmt: skip
    regions = pl.DataFrame({"code": ["370200", "370600"], "name": ["青岛市", "烟台市"], "parent_code": ["370000", "370000"]})
    out = dict(t)
    out["parks"] = pl.concat([t["parks"], peers], how="diagonal_relaxed")
    out["park_stats"] = pl.concat([t["park_stats"], stats], how="diagonal_relaxed")
    out["regions"] = pl.concat([t["regions"], regions])
    return out


@pytest.fixture()
def app(store_path, monkeypatch):
    monkeypatch.setenv("INDMAP_STORE", store_path)
    monkeypatch.chdir(ROOT)

    def make(page: str | None = None, **params: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        if page is not None:
            at.switch_page(PAGES[page][0])
            at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return make


def external_urls(html: str) -> list[str]:
    return [u for u in URL.findall(html) if not re.match(r"https?://(localhost|127\.0\.0\.1)(:|/|$)", u)]


def iframes(at: AppTest) -> list[str]:
    return [el.proto.srcdoc for el in at.get("iframe")]


def chain_maps(at: AppTest) -> list[dict]:
    """The data of every clickable chain map (st.components.v2) on the page."""
    import json

    return [json.loads(el.proto.json) for el in at.get("bidi_component") if el.proto.component_name == "indmap_clickable_network"]


def texts(at: AppTest) -> str:
    parts = []
    for kind in ("markdown", "caption", "info", "warning", "success", "error", "subheader", "title"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_with_title_and_an_action(app, page):
    at = app(page)
    assert [t.value for t in at.title] == [PAGES[page][1]]
    # every screen ends in an action: a download, a link to a follow-up page, or a button
    actions = len(at.get("download_button")) + len(at.get("page_link")) + len(at.button)
    assert actions > 0
    assert "示例数据（虚构城市）" in texts(at)  # demo banner in the sidebar on every page


def test_overview_counts_chains_gaps_and_links(app):
    at = app()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["产业"] == "2" and metrics["产业链"] == "2" and metrics["环节"] == "7"
    assert metrics["本地企业"] == "3" and metrics["外地候选企业"] == "14"
    assert any("示例数据（虚构城市）" in w.value for w in at.warning)
    links = [el.proto for el in at.get("page_link")]
    # the top gap of the fixture is 动力电池 (S2, broken, with 14 candidates)
    assert any("动力电池" in p.label and "segment=S2" in p.query_string for p in links)


def test_chain_map_graph_is_offline_and_names_segments(app):
    at = app("chain", chain="C1", segment="S2")
    assert at.selectbox(key="qp__chain").value == "C1"
    assert at.selectbox(key="chain_segment__city").value == "S2"
    (data,) = chain_maps(at)  # the clickable map: our component, vis-network from the app's static files
    labels = " ".join(n["label"] for n in data["nodes"])
    for name in ("正极材料", "磷酸铁锂", "动力电池", "整车", "电池回收", "上游", "下游"):
        assert name in labels
    assert data["assets"] == "/app/static/vis-network" and data["selected"] == "S2"
    assert external_urls(json.dumps(data, ensure_ascii=False)) == []
    assert any("主要本地企业：示例锂电" in (n.get("title") or "") for n in data["nodes"])  # leading local enterprise in the tooltip
    # the selected segment's candidates are offered as targets, each with an add-to-what-if button
    assert any(b.key and b.key.startswith("cm_add_") for b in at.button)


def test_chain_map_segment_choice_goes_to_query_params(app):
    at = app("chain", chain="C1")
    at.selectbox(key="chain_segment__city").set_value("S3").run()
    assert at.query_params["segment"] == ["S3"] or at.query_params["segment"] == "S3"
    assert "整车" in at.markdown[0].value or any("整车" in m.value for m in at.markdown)


def test_chain_map_park_scope_changes_the_map(app):
    at = app("chain", chain="C1", park="P2")
    assert at.selectbox(key="chain_scope__park").value == "P2"
    (data,) = chain_maps(at)
    assert "示例经开区" in data["note"]  # scope shown in the map note
    # the picker of the park scope shows the park's labels (its own widget, started from the URL's segment)
    assert at.selectbox(key="chain_segment__park:P2").value


def test_gaps_filters_and_factor_columns(app):
    at = app("gaps")
    df = at.dataframe[0].value
    assert {"priority", "f_dependents", "f_supply", "reasons"} <= set(df.columns)
    assert set(df["label"]) <= {"断链", "缺链", "弱链"}
    n_all = len(df)
    at.multiselect(key="gaps_labels").set_value(["broken"]).run()
    df2 = at.dataframe[0].value
    assert 0 < len(df2) < n_all and set(df2["label"]) == {"断链"}
    assert len(at.get("download_button")) >= 2


def test_targets_from_gap_link_gates_and_what_if(app):
    at = app("targets", segment="S2")
    assert at.selectbox(key="qp__chain_tg").value == "C1"
    assert at.selectbox(key="tg_segment").value == "S2"
    table = at.dataframe[0].value
    assert {"score", "f_scale", "f_ties", "reasons"} <= set(table.columns)
    assert "外地甲" not in set(table["name"])  # X1 is in a signed project: not a new target
    info = " ".join(i.value for i in at.info)
    assert "高污染" in info
    # switching the pollution gate off changes what was removed
    before = info
    at.toggle(key="set__tw__gate_pollution").set_value(False).run()
    assert " ".join(i.value for i in at.info) != before
    at.button(key="tg_add").click().run()
    basket = at.session_state["whatif_basket"]
    assert len(basket) == 1 and basket[0]["segment_id"] == "S2"


def test_targets_page_shows_one_page_of_the_ranking(app, monkeypatch):
    import webapp.frames

    monkeypatch.setattr(webapp.frames, "TARGET_PAGE_SIZES", (2, 50))  # the fixture's segment has a handful of targets
    at = app("targets", segment="S2")
    first = at.dataframe[0].value
    assert list(first["rank"]) == [1, 2]
    caption = next(c.value for c in at.caption if c.value.startswith("共 "))
    total = int(caption.split("共 ")[1].split(" 家")[0])
    assert total >= 3 and "显示第 1–2 家" in caption
    at.number_input(key="tg_page_S2").set_value(2).run()
    assert not at.exception
    second = at.dataframe[0].value
    assert list(second["rank"]) == list(range(3, min(4, total) + 1)) and not set(second["enterprise_id"]) & set(first["enterprise_id"])
    assert any(b.label.startswith("把第 3 名") for b in at.button)
    # the export holds every target (not the page) and says so
    assert any(f"全部 {total} 家候选" in m.value for m in at.markdown)
    at.selectbox(key="tg_page_size").set_value(50).run()  # a new page size starts at page 1
    assert list(at.dataframe[0].value["rank"]) == list(range(1, total + 1))


def test_targets_show_coverage_and_filter_thin_profiles(app):
    at = app("targets", segment="S2")
    table = at.dataframe[0].value
    assert "coverage" in table.columns
    assert table["coverage"].between(0, 100).all()
    # X2 (外地乙) has revenue and pollution but no growth, energy, share or patents: unknown parts are neutral, not 0
    x2 = table[table["enterprise_id"] == "X2"].iloc[0]  # (the name column holds the link to its 企业 page)
    assert x2["f_growth"] == 0.5 and x2["coverage"] < 100
    assert "无高新技术企业" not in x2["reasons"]
    n = len(table)
    at.number_input(key="set__min_coverage").set_value(0.8).run()  # the sidebar, 分析参数 · 招商目标
    assert not at.exception
    after = at.dataframe[0].value if at.dataframe else None
    assert after is None or len(after) < n
    assert any("数据覆盖不足" in i.value for i in at.info)


def test_parks_page_map_kpis_and_overlap(app):
    at = app("parks", park="P1")
    assert at.selectbox(key="pk_park").value == "P1"
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    rev = metrics["主营业务收入（2025）"]
    assert rev[0] == "120万元" and rev[1] == "20.0%"
    (data,) = chain_maps(at)
    assert external_urls(json.dumps(data, ensure_ascii=False)) == [] and "示例高新区" in data["note"]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_overview_compares_home_with_the_best_other_city(app):
    at = app()
    lines = [m.value for m in at.markdown]
    # 十强 (all seven parks rank): 济南 P1 P2, 青岛 Q1-Q4, 烟台 Y1; 十快: P2 has one period only
    assert "**十强**　本市 2 家 / 最多的青岛市 4 家" in lines
    assert "**十快**　本市 1 家 / 最多的青岛市 4 家" in lines
    assert any("推断为济南市" in c.value for c in at.caption)


def test_parks_page_ranking_per_mu_and_cohesion(app):
    at = app("parks", park="P1")
    assert at.selectbox(key="pk_park").options == ["示例高新区", "示例经开区"]  # peer parks only in the ranking
    metrics = {m.label: m.value for m in at.metric}
    # scale: .4 × revenue / 500 + .3 × investment / 50 over the seven parks: P1 .4 × .24 + .3 × .24 = .168 → 4th of 7
    assert metrics["十强（规模）名次"] == "第 4 名" and metrics["规模得分"] == "0.168"
    assert metrics["亩均营收（2025）"] == "0.0万元/亩" and metrics["亩均税收"] == "无数据"  # 120 万元 / 12,000 亩
    assert metrics["关联性"] == "0.0%"  # E001 has no supply tie inside P1
    assert any("区内企业关联性不强" in w.value for w in at.warning)
    assert "None" not in " ".join(str(df.value.to_dict()) for df in at.dataframe)
    at.toggle(key="pk_rank_detail").set_value(True).run()  # the province-wide tables on request
    tables = [df.value for df in at.dataframe]
    scale = next(t for t in tables if "rank" in t.columns and "v_revenue" in t.columns)
    assert list(scale["park_name"])[:2] == ["青岛高新区", "青岛经开区"] and scale["v_tax"].eq("无数据").all()
    assert "None" not in " ".join(str(t.to_dict()) for t in tables)
    assert any("未排名：示例经开区（仅一期数据" in c.value for c in at.caption)


def test_home_region_in_the_sidebar_changes_the_comparison(app):
    at = app()
    at.selectbox(key="set__home_region").set_value("370200").run()
    assert not at.exception
    lines = [m.value for m in at.markdown]
    assert "**十强**　本市 4 家（最多）/ 其次济南市 2 家" in lines
    at.switch_page(PAGES["parks"][0]).run()
    assert at.selectbox(key="pk_park").options == ["示例高新区", "示例经开区", "青岛高新区", "青岛经开区", "青岛港区", "青岛西区"]
    assert at.slider(key="set__park_ranking_weights__revenue").value == 0.4


def test_projects_page_funnel_and_flags(app):
    at = app("projects")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["项目总数"] == "2"
    assert at.date_input(key="pj_as_of").value is not None
    assert any(t.label.startswith("停滞") for t in at.tabs)


def test_whatif_before_and_after(app):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["whatif_basket"] = [{"kind": "target", "enterprise_id": "X2", "segment_id": "S2", "label": "外地乙 → 动力电池"}]
    at.run()
    at.switch_page(PAGES["whatif"][0]).run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "完整度" in labels
    df = at.dataframe[0].value
    row = df[df["segment"] == "动力电池"].iloc[0]
    assert row["before"] == "断链" and row["after"] in ("弱链", "强链")


def test_whatif_empty_basket_says_what_to_do(app):
    at = app("whatif")
    assert any("清单为空" in i.value for i in at.info)


def test_console_runs_saved_query_and_refuses_writes(app):
    from graph.queries import SAVED_QUERIES

    assert len(SAVED_QUERIES) >= 12
    at = app("cypher")
    assert len(at.selectbox(key="cy_saved").options) == len(SAVED_QUERIES)
    at.text_area(key="cy_text").set_value("MATCH (c:Chain) RETURN c.id AS id, c.name AS name ORDER BY id")
    at.button(key="cy_run").click().run()
    assert not at.exception, [e.message for e in at.exception]  # the result's export buttons used to raise TypeError
    df = at.dataframe[0].value
    assert list(df["id"]) == ["C1", "C2"]
    assert {b.proto.label for b in at.get("download_button")} >= {"导出 CSV", "导出 Excel"}
    at.text_area(key="cy_text").set_value("MATCH (c:Chain) SET c.name = 'x' RETURN c")
    at.button(key="cy_run").click().run()
    assert any("查询被拒绝" in e.value for e in at.error)


def test_console_shows_a_null_as_no_data_not_none(app):
    """An analyst's OPTIONAL MATCH or a blank property: the grid and the export say 无数据, never None."""
    at = app("cypher")
    at.text_area(key="cy_text").set_value("UNWIND [1, null] AS x RETURN x, 'a' AS y")
    at.button(key="cy_run").click().run()
    assert not at.exception and not at.error
    df = at.dataframe[0].value
    assert list(df["x"]) == ["1", "无数据"] and list(df["y"]) == ["a", "a"]


def test_console_survives_a_crashing_query(app, monkeypatch):
    """Issue 18: a query that segfaults the engine's parser used to take the whole server down."""
    monkeypatch.setenv("INDMAP_QUERY_MAX_DEPTH", "5000")  # let it past the guard: the worker must absorb it
    at = app("cypher")
    at.text_area(key="cy_text").set_value("RETURN " + "[" * 1000 + "1" + "]" * 1000 + " AS x")
    at.button(key="cy_run").click().run()
    assert not at.exception
    assert any("查询进程被信号 11 终止" in e.value for e in at.error), [e.value for e in at.error]
    at.text_area(key="cy_text").set_value("MATCH (c:Chain) RETURN c.id AS start ORDER BY start")
    at.button(key="cy_run").click().run()
    assert not at.error and list(at.dataframe[0].value["start"]) == ["C1", "C2"]


def test_console_graph_for_node_results_and_params(app):
    at = app("cypher")
    at.text_area(key="cy_text").set_value("MATCH (s:Segment {id: $seg})-[r:SUPPLIES]->(t:Segment) RETURN s, r, t")
    at.text_area(key="cy_params").set_value("seg=S1")
    at.button(key="cy_run").click().run()
    assert not at.error
    (html,) = iframes(at)
    assert "正极材料" in html and "动力电池" in html and external_urls(html) == []
    at.text_area(key="cy_params").set_value("{bad json")
    at.button(key="cy_run").click().run()
    assert any("JSON" in e.value for e in at.error)


def test_data_page_report_and_settings(app):
    at = app("data")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["警告"] == "1" and metrics["错误"] == "0"
    issues = at.dataframe[0].value
    assert list(issues.columns) == ["级别", "文件", "行", "列", "值", "问题", "改法"]  # Chinese headers, no English code column
    # the 列 as the upload's table and the issue's own text write it (the 1M browser check read a bare "credit_code（…）" cell)
    assert list(issues.iloc[0][["行", "列", "值"]]) == ["5", "to_id/下游环节", "S1"]
    assert "tests/small_tables" in texts(at)
    assert "小型测试数据" in texts(at)
    sources = next(df.value for df in at.dataframe if "名称" in df.value.columns)
    assert "small_tables.py" in set(sources["文件"]) and "name" not in sources.columns


def test_sidebar_settings_apply_and_are_shown(app):
    at = app("gaps")
    before = len(at.dataframe[0].value)
    at.number_input(key="set__weak_min_count").set_value(1).run()
    at.number_input(key="set__above_scale_revenue").set_value(0.0).run()
    after = len(at.dataframe[0].value)
    assert after < before  # fewer weak segments with looser thresholds
    assert any("2 项已修改" in e.label for e in at.expander)
    at.button(key="reset_settings").click().run()
    assert len(at.dataframe[0].value) == before
    assert any(e.label == "参数（默认）" for e in at.expander)


def test_empty_store_message_on_every_page(tmp_path, monkeypatch):
    monkeypatch.setenv("INDMAP_STORE", str(tmp_path / "nothing.lbug"))
    monkeypatch.chdir(ROOT)
    for page, (path, _title) in PAGES.items():
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.run()
        at.switch_page(path).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        assert any(f"ingest {ROOT / 'data' / 'demo'} --store {tmp_path / 'nothing.lbug'}" in i.value for i in at.info), page


def test_new_ingest_is_picked_up_without_restart(tmp_path, monkeypatch):
    path = tmp_path / "g.lbug"
    s = EmbeddedStore(path, read_only=False)
    s.write(small_tables(), meta={"dataset": "first"})
    monkeypatch.setenv("INDMAP_STORE", str(path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert {m.label: m.value for m in at.metric}["产业链"] == "2"
    assert "示例数据（虚构城市）" not in texts(at)  # not demo data: no banner
    tables = small_tables()
    import polars as pl

    tables["chains"] = tables["chains"].filter(pl.col("id") == "C1")
    tables["segments"] = tables["segments"].filter(pl.col("chain_id") == "C1")
    tables["segment_links"] = tables["segment_links"].filter(pl.col("from_id") != "T1")
    tables["enterprise_segments"] = tables["enterprise_segments"].filter(pl.col("segment_id") != "T1")
    s.write(tables, meta={"dataset": "second"})
    s.close()
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["产业链"] == "1"


@pytest.mark.parametrize("page", ["chain", "gaps", "projects"])
def test_report_buttons_word_and_pdf(app, page):
    at = app(page)
    labels = [el.proto.label for el in at.get("download_button")]
    assert "生成报告（Word）" in labels and "生成报告（PDF）" in labels, labels


def _data_page_after_upload(tmp_path, monkeypatch, **meta):
    """The 数据 page (no exception) on a store written by an upload of 企业名单.xlsx with ``meta``."""
    path = tmp_path / "g.lbug"
    s = EmbeddedStore(path, read_only=False)
    s.write(small_tables(), meta={"dataset": "企业名单.xlsx", "source": "upload", **meta})
    s.close()
    monkeypatch.setenv("INDMAP_STORE", str(path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(PAGES["data"][0]).run()
    assert not at.exception
    return at


def test_data_page_says_how_the_data_came_in_chinese_once(tmp_path, monkeypatch):
    """The 数据来源 section printed the raw key of how the data came in ("**来源** ingest" / "upload")."""
    at = _data_page_after_upload(tmp_path, monkeypatch, author="张编辑")
    assert not [m.value for m in at.markdown if m.value.strip() in ("upload", "ingest", "restore")]
    assert any("上传，操作人 张编辑" in c.value for c in at.caption)


def test_data_page_says_when_uploaded_firms_landed_on_no_segment(tmp_path, monkeypatch):
    """A bureau uploaded its firm list (names only): none could be auto-linked, and the report said nothing --
    the firms silently counted in no chain."""
    at = _data_page_after_upload(tmp_path, monkeypatch, linking={"unlinked": 3, "considered": 1, "linked": 1, "links": 2})
    text = texts(at)
    assert "1 家挂上 2 条待核实挂接" in text
    assert "2 家企业没有所属环节" in text and "不计入任何产业链" in text


def test_upload_takes_an_old_xls_to_refuse_it_in_chinese(app):
    """An .xls was stopped by the uploader's own filter with 'application/vnd.ms-excel files are not allowed.'
    (English, no fix); taken in, the upload refuses it with the Chinese message and the fix (另存为 .xlsx)."""
    from graph.settings import Settings
    from ingest.upload import unpack
    from tests.test_upload import Up

    at = app("data")
    (up,) = at.get("file_uploader")
    assert ".xls" in up.proto.type and {".xlsx", ".csv", ".zip"} <= set(up.proto.type)
    got = unpack([Up("企业名单.xls", b"\xd0\xcf\x11\xe0junk")], Settings())
    (err,) = [i for i in got.issues if i.severity == "error"]
    assert "企业名单.xls" in err.message and "另存为" in err.fix


def test_upload_issue_table_shows_a_dash_not_none_where_row_column_value_do_not_apply():
    """A refused file (a file-level issue: no row, column or value) showed grey 'None' in 行/列/值."""
    from ingest.issues import issue
    from webapp.upload import issues_frame

    frame = issues_frame([issue("upload_bad_type", file="企业名单.xls", fix="另存为 .xlsx"),
                          issue("bad_enum", file="segments.csv", row=5, column="stage", column_zh="环节位置", value="中间", allowed="上游")])  # fmt: skip
    assert frame.null_count().sum_horizontal().item() == 0
    assert frame.row(0)[2:5] == ("—", "—", "—")
    assert frame.row(1)[2:5] == ("5", "stage/环节位置", "中间")
