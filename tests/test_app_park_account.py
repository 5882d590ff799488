"""A park account is confined to its park (AppTest): only the 园区, 项目 and 企业 pages, each locked to its
park; another park's local firm is refused; accounts without a park are unchanged.

The sample data: P02 holds 13 local firms (L00002 among them), P01 holds L00003; 603105.SH (non-local)
buys from L00208 of P17; 002920.SZ (non-local) invests in PJ017 of P13.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from graph.workspace import Workspace
from graph.workspace.users import PARK_ACCOUNT_ZH, add_user
from tests.test_app_auth import env, login, run, store_dir  # noqa: F401 - the sample store and workspace, and logging in as the auth tests do

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
PW = "correct horse"
ENTERPRISES = pl.read_csv(SAMPLE / "enterprises.csv")
P02_FIRMS = set(ENTERPRISES.filter(pl.col("local") & (pl.col("park_id") == "P02")).get_column("name").to_list())
OTHER_FIRMS = set(ENTERPRISES.filter(pl.col("local") & (pl.col("park_id") != "P02")).get_column("name").to_list())
FORBIDDEN = ["overview", "chain_map", "gaps", "history", "targets", "leads", "whatif", "console", "data", "review", "users"]
FORBIDDEN_PATHS = ["chain", "gaps", "history", "targets", "leads", "whatif", "cypher", "data", "review", "users"]  # url paths (webapp.pages)


@pytest.fixture()
def ws(env) -> Workspace:
    add_user(env, "园区办", PW, "admin", park_id="P02", by="t")  # even an admin: the park confines it
    add_user(env, "全市", PW, "viewer", by="t")
    add_user(env, "管理", PW, "admin", by="t")
    return env


def session(name: str) -> AppTest:
    return login(run(), name, PW)


def open_page(at: AppTest, page: str, **params: str) -> AppTest:
    at.query_params.clear()
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def by_address(at: AppTest, url_path: str) -> AppTest:
    """Open ``/url_path`` as a browser does (the page's hash, as st.Page computes it from its url path)."""
    at.query_params.clear()
    at._page_hash = calc_hash(url_path)  # AppTest.switch_page only takes registered pages
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def cells(at: AppTest) -> set[str]:
    """Every text cell of the page's tables (a company link as the name it shows)."""
    out: set[str] = set()
    for df in at.dataframe:
        for col in df.value.columns:
            out |= {str(v).rpartition("#")[2] for v in df.value[col].tolist()}
    return out


def test_a_park_account_reaches_only_its_pages(ws):
    at = session("园区办")
    for page in FORBIDDEN:  # not registered: no link, no address
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"app_pages/{page}.py")
    for path in FORBIDDEN_PATHS:  # typed in the address bar: 园区 opens instead
        assert titles(by_address(at, path)) == ["园区"], path
    assert titles(open_page(at, "projects")) == ["项目跟踪"] and titles(open_page(at, "company")) == ["企业"]
    at = session("全市")  # an account without a park: unchanged
    assert titles(by_address(at, "cypher")) == ["Cypher 查询"] and titles(open_page(at, "chain_map")) == ["产业链图谱"]
    assert titles(by_address(at, "")) == ["招商产业链图谱 · 总览"]


def test_the_park_page_is_locked_to_its_park(ws):
    at = open_page(session("园区办"), "parks", park="P01")  # a link to another park
    pick = at.selectbox(key="pk_park")
    assert pick.value == "P02" and pick.options == ["示例经济技术开发区"]
    shown = cells(at)
    assert shown & P02_FIRMS and not shown & OTHER_FIRMS
    assert not any("全部园区" in e.label for e in at.expander)  # the other parks' concentration and cohesion rows
    at = open_page(session("全市"), "parks", park="P01")
    assert at.selectbox(key="pk_park").value == "P01" and len(at.selectbox(key="pk_park").options) > 2


def test_the_projects_page_shows_its_park_only(ws):
    at = open_page(session("园区办"), "projects", park="P05")
    pick = at.selectbox(key="pj_park")
    assert pick.value == "P02" and pick.options == ["示例经济技术开发区"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels and not any("督查通报" in x or "生成报告" in x for x in labels)  # the city-wide report
    assert not [b for b in at.button if b.label == "加入推演"]  # 推演 is not its page
    at = open_page(session("全市"), "projects")
    assert at.selectbox(key="pj_park").value == "all" and any("生成报告" in b.proto.label for b in at.get("download_button"))


def test_the_company_page_refuses_another_parks_firm(ws):
    at = open_page(session("园区办"), "company", enterprise="L00003")  # P01's firm, by address
    assert any("其他园区的本地企业" in e.value for e in at.error) and not at.metric
    at = open_page(at, "company", enterprise="L00002")  # its own park's firm
    assert not at.error and at.metric and at.subheader[0].value == ENTERPRISES.filter(pl.col("id") == "L00002").item(0, "name")
    at = open_page(session("园区办"), "company", q="示例市")  # search: its park's firms and candidates, not the others
    found = {x.proto.label.split("（")[0] for x in at.get("page_link")}
    assert found & P02_FIRMS and not found & OTHER_FIRMS


def test_a_candidates_ties_and_projects_elsewhere_are_left_out(ws):
    at = open_page(session("园区办"), "company", enterprise="603105.SH")  # buys from L00208 of P17
    assert not cells(at) & OTHER_FIRMS and any("其他园区本地企业的供需关系" in x.value for x in at.caption)
    assert not any(b.label in ("加入推演", "建线索") for b in at.button)  # 推演 and 线索 are not its pages
    at = open_page(at, "company", enterprise="002920.SZ")  # invests in P13's PJ017
    assert any(x.value == "该企业没有招商项目。" for x in at.caption)
    at = open_page(session("全市"), "company", enterprise="603105.SH")
    assert cells(at) & OTHER_FIRMS
    assert any(b.label == "加入推演" for b in at.button)
    at = open_page(at, "company", enterprise="002920.SZ")
    assert not any(x.value == "该企业没有招商项目。" for x in at.caption)


def test_the_users_page_says_a_park_account_is_confined(ws):
    at = open_page(session("管理"), "users")
    assert any(PARK_ACCOUNT_ZH in x.value for x in at.caption)


def test_a_mistyped_id_suggests_no_other_parks_firm(ws):
    name = ENTERPRISES.filter(pl.col("id") == "L00003").item(0, "name")  # P01's
    at = open_page(session("全市"), "company", enterprise="L0003")
    assert any("L00003" in w.value and name in w.value for w in at.warning)  # 您是否要找 …
    at = open_page(session("园区办"), "company", enterprise="L0003")
    assert at.warning and not any("L00003" in w.value or name in w.value for w in at.warning)
