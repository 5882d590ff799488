"""The 企业 page: company search (graph.lookup), the profile (graph.analysis.company), the page and its links."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from graph.analysis import targets
from graph.analysis.company import company_profile
from graph.lookup import norm, norm_series, search_enterprises
from graph.settings import AnalysisSettings
from graph.view import GraphView
from tests.analysis_fixture import fixture_tables

ROOT = Path(__file__).resolve().parent.parent
S = AnalysisSettings()


@pytest.fixture(scope="module")
def view():
    return GraphView(fixture_tables())


def test_profile_standing_matches_the_target_ranking(view):
    p = company_profile(view, S, "X1")
    (a3,) = [s for s in p.segments if s.segment_id == "A3"]
    res = targets(view, S, "A3")
    (row,) = [r for r in res.rows if r.enterprise_id == "X1"]
    assert (a3.standing.status, a3.standing.rank, a3.standing.ranked_size) == ("ranked", row.rank, res.ranked_size)
    assert a3.standing.score == row.score and a3.standing.coverage == row.coverage and a3.standing.reasons == row.reasons
    assert a3.standing.text == f"第 {row.rank} 名（共 {res.ranked_size} 家）"
    assert a3.label == "broken" and a3.chain_name == "智能装备产业链" and a3.segment_name == "整机"


def test_profile_says_why_a_company_is_not_ranked(view):
    # X4 pollution high, X5 energy high (gates on by default); X6 is in a signed project
    assert [s.standing.text for s in company_profile(view, S, "X4").segments] == ["被门槛排除：高污染"]
    assert [s.standing.text for s in company_profile(view, S, "X5").segments] == ["被门槛排除：高耗能"]
    assert company_profile(view, S.model_copy(update={"gate_high_pollution": False}), "X4").segments[0].standing.status == "ranked"
    x6 = company_profile(view, S, "X6").segments[0].standing
    assert x6.status == "pipeline" and x6.text == "已在项目中（签约），不作为新目标" and x6.rank is None
    thin = company_profile(view, S.model_copy(update={"min_coverage": 0.99}), "X3").segments[0].standing
    assert thin.status == "filtered" and "数据覆盖低于最低要求（99%）" in thin.text
    local = company_profile(view, S, "L1")
    assert {s.standing.status for s in local.segments} == {"local"} and local.park_name == "高新区" and local.region_name == "历下区"
    with pytest.raises(ValueError, match="未知企业编号 'NOPE'"):
        company_profile(view, S, "NOPE")


def test_profile_ties_and_projects(view):
    p = company_profile(view, S, "X6")
    assert [x.project_id for x in p.projects] and all(x.stage for x in p.projects)
    assert view.supply_links.height > 0
    for e in view.supply_links.get_column("supplier_id").unique().to_list():
        ties = company_profile(view, S, e).ties
        assert ties and all(t.direction in ("supplies", "buys") for t in ties)
        assert any(t.direction == "supplies" for t in ties)


def test_search_by_part_of_name_typo_and_codes(view):
    assert [h.enterprise_id for h in search_enterprises(view, "整机")][:6] == ["X1", "X2", "X3", "X4", "X5", "X6"]
    assert [(h.enterprise_id, h.matched) for h in search_enterprises(view, "600001")] == [("X1", "股票代码")]
    typo = search_enterprises(view, "外地整机甲乙")
    assert typo and typo[0].matched in ("名称相近", "名称包含")
    assert search_enterprises(view, "   ") == [] and search_enterprises(view, "完全无关的字") == []


NAMES = ["宁德时代新能源科技股份有限公司", " ABC 科技 ", "ＡＢＣ（福建）有限公司", "Straße GmbH", "\u200b示例\u200b", "ǅ Σ İ ﬁ", "\x1cabc\x1c", "\t甲乙\n", "\u3000丙\u3000", "⼀丽", "", None]


@given(st.lists(st.one_of(st.none(), st.text(max_size=12), st.sampled_from([n for n in NAMES if n is not None])), max_size=30))
@settings(max_examples=150, deadline=None)
def test_vectorised_normalisation_equals_norm(texts):
    """The search index's normalised names and codes: the very strings norm() gives, plain or not."""
    assert norm_series(pl.Series(texts, dtype=pl.Utf8)).to_list() == [norm(t) for t in texts]


def test_search_index_codes_match_like_the_row_by_row_rules():
    v = GraphView({"enterprises": pl.DataFrame({"id": ["A1", "ＢＢ2", "c3"], "name": ["甲", "乙", None],
        "listed_code": ["688001.SH", None, "000001"], "credit_code": [None, " 91320500123456789a ", "A1"]})})  # fmt: skip
    assert [(h.enterprise_id, h.matched) for h in search_enterprises(v, "a1")] == [("A1", "企业编号"), ("c3", "统一社会信用代码")]
    assert [(h.enterprise_id, h.matched) for h in search_enterprises(v, "bb2")] == [("ＢＢ2", "企业编号")]
    assert [(h.enterprise_id, h.matched) for h in search_enterprises(v, "91320500123456789A")] == [("ＢＢ2", "统一社会信用代码")]
    assert [(h.enterprise_id, h.matched) for h in search_enterprises(v, "688001")] == [("A1", "股票代码")]


# ------------------------------------------------------------------ the page


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    from graph.stores.embedded import EmbeddedStore

    path = tmp_path_factory.mktemp("company") / "g.lbug"
    s = EmbeddedStore(path, read_only=False)
    s.write(fixture_tables(), meta={"dataset": "tests/analysis_fixture", "demo": True})
    s.close()
    return str(path)


def _page(store_path, monkeypatch, **params: str) -> AppTest:
    monkeypatch.setenv("INDMAP_STORE", store_path)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("app_pages/company.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_page_search_lists_links_to_profiles(store_path, monkeypatch):
    at = _page(store_path, monkeypatch, q="整机甲")
    assert [t.value for t in at.title] == ["企业"]
    assert at.text_input(key="company_q").value == "整机甲"
    links = [el.proto for el in at.get("page_link")]
    hit = [p for p in links if p.label.startswith("外地整机甲（X1）")]
    assert hit and "enterprise=X1" in hit[0].query_string


def test_page_profile_any_case_with_standing_and_actions(store_path, monkeypatch):
    at = _page(store_path, monkeypatch, enterprise="x1")
    assert at.query_params["enterprise"] == ["X1"] or at.query_params["enterprise"] == "X1"
    assert [s.value for s in at.subheader] == ["外地整机甲"]
    (table, *_) = at.dataframe
    df = table.value
    row = df[df["环节"] == "整机"].iloc[0]
    assert row["作为招商目标"].startswith("第 1 名（共") and row["环节现状"] == "断链"
    text = " ".join(str(v) for v in df.to_numpy().ravel())
    assert "None" not in text and "nan" not in text
    assert any(b.label == "加入推演" for b in at.button)
    assert any("segment=A3" in el.proto.query_string for el in at.get("page_link"))


def test_page_unknown_company_suggests(store_path, monkeypatch):
    at = _page(store_path, monkeypatch, enterprise="整机甲")
    assert any("未知企业编号 '整机甲'。您是否要找：X1（外地整机甲）" in w.value for w in at.warning)


def test_company_urls_link_and_show_the_name():
    import polars as pl

    from webapp.company import company_url, company_urls

    df = company_urls(pl.DataFrame({"id": ["X1", None], "企业": ["外地整机甲", "无编号企业"]}), "id", "企业")
    assert df.get_column("企业").to_list() == ["company?enterprise=X1#外地整机甲", "无编号企业"]
    assert company_url("A/B", None) == "company?enterprise=A%2FB#A/B"


def test_page_without_a_question_offers_starting_points(store_path, monkeypatch):
    at = _page(store_path, monkeypatch)
    links = [el.proto for el in at.get("page_link") if "enterprise=" in el.proto.query_string]
    assert links and "首选招商目标" in links[0].label
