"""The app's pages on Neo4j show what they show on the embedded store, without reading the whole graph.

The same tables (the app fixture of tests/test_app_pages.py) go into an embedded store and a real
Neo4j server; every page runs through ``streamlit.testing.v1.AppTest`` on both and the metrics,
tables, texts and choices must be equal (on 企业 and 挂接审核 also the links and buttons: search hits in
order, profile actions). No page may call :meth:`Neo4jStore.read_tables` (the whole-graph read) on
Neo4j: they run on the scoped view (webapp/neo4j_view.py) and reads by id or by segment.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from graph.stores.embedded import EmbeddedStore
from tests.small_tables import small_tables
from tests.test_app_pages import APP, PAGES, ROOT, TIMEOUT, with_peer_parks

pytestmark = pytest.mark.neo4j

RUNS = [  # (page, query params): each page with a choice that reaches candidates, parks, scopes
    ("overview", {}),
    ("chain", {"chain": "C1", "segment": "S2"}),
    ("chain", {"chain": "C1", "park": "P2"}),
    ("gaps", {}),
    ("targets", {"segment": "S2"}),
    ("targets", {"segment": "S3"}),
    ("parks", {}),
    ("parks", {"park": "P2"}),
    ("history", {}),
    ("leads", {}),
    ("projects", {}),
    ("whatif", {}),
    ("whatif", {"add": "X2~S2"}),  # a candidate lands: read by id, the server's counts less it
    ("whatif", {"add": "X2~S2", "proj": "PR1"}),  # and a project's investor
    ("whatif", {"add": "GONE~S2"}),  # a company no longer in the data
]


def with_company_details(t: dict) -> dict:
    """Credit and stock codes, link evidence, and ties between candidates and from a local company (the 企业 and 挂接审核 pages' matter)."""
    import polars as pl

    t = dict(t)
    ids = t["enterprises"].get_column("id").to_list()
    credit = {"E002": "91370100MA3C5XYZ1K", "X2": "91320500123456789A"}
    listed = {"X1": "300750.SZ", "X000004": "688001.SH"}
    t["enterprises"] = t["enterprises"].with_columns(
        pl.Series("credit_code", [credit.get(i) for i in ids], dtype=pl.Utf8), pl.Series("listed_code", [listed.get(i) for i in ids], dtype=pl.Utf8)
    )
    n = t["enterprise_segments"].height
    t["enterprise_segments"] = t["enterprise_segments"].with_columns(pl.Series("evidence", [None if i % 4 == 1 else round(0.3 + 0.05 * (i % 7), 2) for i in range(n)], dtype=pl.Float64))
    more = pl.DataFrame({"supplier_id": ["E001", "X2", "X2", "X000005"], "customer_id": ["X2", "X1", "X1", "E001"], "product": ["正极材料", "电芯", "模组", None],
                         "amount": [120.0, None, 80.5, 10.0], "source": ["示例", "示例", None, "示例"]})  # fmt: skip
    t["supply_links"] = pl.concat([t["supply_links"], more], how="diagonal_relaxed")
    return t


@pytest.fixture(scope="module")
def stores(tmp_path_factory, neo4j_settings):
    from graph.stores.neo4j import Neo4jStore
    from graph.workspace import Workspace
    from graph.workspace.leads import add_lead

    tables = with_company_details(with_peer_parks(small_tables(12)))
    # one write time for both stores (each would stamp its own, and the two writes can straddle a minute the 数据 page shows)
    written_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    meta = {"dataset": "tests/small_tables", "demo": True, "dataset_info": {"name": "小型测试数据"}, "written_at": written_at}
    path = tmp_path_factory.mktemp("app_neo4j") / "g.lbug"
    emb = EmbeddedStore(path, read_only=False)
    emb.write(tables, meta=meta)
    emb.close()
    neo = Neo4jStore.from_settings(neo4j_settings)
    neo.write(tables, meta=meta)
    neo.close()
    workspace = path.with_name("ws.sqlite")
    ws = Workspace(workspace)  # leads on a candidate (not in a scoped view's tables) and on a company gone from the data
    add_lead(ws, enterprise_id="X2", enterprise_name="外地乙", segment_id="S2", owner="招商一科", author="张三", due="2030-01-01")
    add_lead(ws, enterprise_id="GONE", enterprise_name="已迁出企业", segment_id="S2", owner="招商二科", author="王五", due="2030-01-01")
    return {"embedded": str(path), "neo4j": neo4j_settings.store, "workspace": str(workspace)}


@pytest.fixture()
def full_reads(monkeypatch):
    """Calls of the whole-graph read on Neo4j during the test (the app's cached whole view is dropped first, so
    a page that needs it reads it again here, whichever test ran before)."""
    from graph.stores.neo4j import Neo4jStore
    from webapp.store import load_view

    load_view.clear()

    calls: list[int] = []
    real = Neo4jStore.read_tables

    def counted(self):
        calls.append(1)
        return real(self)

    monkeypatch.setattr(Neo4jStore, "read_tables", counted)
    return calls


def run_page(stores: dict, which: str, page: str, params: dict, monkeypatch) -> AppTest:
    monkeypatch.setenv("INDMAP_STORE", stores[which])
    monkeypatch.setenv("INDMAP_WORKSPACE", stores["workspace"])  # one workspace: the pages name its file
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGES[page][0] if page in PAGES else f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def snapshot(at: AppTest) -> dict:
    """What a person reads in the page's main area: metrics, tables, texts, choices offered."""
    main = at.main
    texts = []
    for kind in ("markdown", "caption", "info", "warning", "success", "error", "subheader", "title"):
        texts += [str(e.value) for e in getattr(main, kind)]
    return {
        "metrics": [(m.label, m.value) for m in main.metric],
        "tables": [df.value.astype(str).to_dict("list") for df in main.dataframe],
        "texts": texts,
        "choices": [(s.label, [str(o) for o in s.options], str(s.value)) for s in main.selectbox],
        "multi": [(s.label, [str(o) for o in s.options]) for s in main.multiselect],
        "maps": [el.proto.json for el in main.get("bidi_component")],
    }


@pytest.mark.parametrize(("page", "params"), RUNS, ids=[f"{p}-{'-'.join(q.values()) or 'default'}" for p, q in RUNS])
def test_page_on_neo4j_equals_the_embedded_store(stores, full_reads, monkeypatch, page, params):
    embedded = snapshot(run_page(stores, "embedded", page, params, monkeypatch))
    neo4j = snapshot(run_page(stores, "neo4j", page, params, monkeypatch))
    # the page showed figures to compare (an empty what-if basket or one of a company gone: its message)
    assert embedded["metrics"] or embedded["tables"] or embedded["maps"] or (page == "whatif" and embedded["texts"])
    for key in embedded:
        assert neo4j[key] == embedded[key], (page, key)
    assert full_reads == [], f"{page} read the whole graph on Neo4j"


def test_leads_on_neo4j_know_candidates_and_flag_a_company_gone(stores, full_reads, monkeypatch):
    at = run_page(stores, "neo4j", "leads", {}, monkeypatch)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["企业已不在数据中"] == "1"  # GONE only: X2 is looked up by id on the server
    assert full_reads == []


def test_overview_counts_every_candidate_from_the_server(stores, full_reads, monkeypatch):
    at = run_page(stores, "neo4j", "overview", {}, monkeypatch)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["本地企业"] == "3" and metrics["外地候选企业"] == "14"  # 14 candidates, none in the scoped view's tables
    assert full_reads == []


SEARCHES = ["示例", "外地", "候选1", "示例锂电池", "91370100ma3c5xyz1k", "300750", "688001.sh", "x2", "00123", "没有这家企业"]
PROFILES = ["X2", "X1", "X000004", "E001", "E002", "00123", "x2", "GONE"]
SCOPED = (
    [("company", {})]
    + [("company", {"q": q}) for q in SEARCHES]
    + [("company", {"enterprise": e}) for e in PROFILES]
    + [("review", {}), ("review", {"chain": "C1", "segment": "S3"}), ("review", {"chain": "C2"})]
)


def full_snapshot(at: AppTest) -> dict:
    """:func:`snapshot` plus the links a person can follow (search hits, profile actions) and the toggles."""
    return snapshot(at) | {"links": [(el.proto.label, el.proto.query_string) for el in at.main.get("page_link")], "buttons": [b.label for b in at.main.button]}


@pytest.mark.parametrize(("page", "params"), SCOPED, ids=[f"{p}-{'-'.join(q.values()) or 'default'}" for p, q in SCOPED])
def test_company_and_review_on_neo4j_equal_the_embedded_store(stores, full_reads, monkeypatch, page, params):
    """企业 (search hits in order, profile texts and tables) and 挂接审核 (counts, links, evidence) read by id and by query on Neo4j: the same page."""
    embedded = full_snapshot(run_page(stores, "embedded", page, params, monkeypatch))
    neo4j = full_snapshot(run_page(stores, "neo4j", page, params, monkeypatch))
    assert embedded["metrics"] or embedded["tables"] or embedded["texts"]
    for key in embedded:
        assert neo4j[key] == embedded[key], (page, key)
    assert full_reads == [], f"{page} read the whole graph on Neo4j"


def _hits(at: AppTest) -> list[str]:
    return [el.proto.label for el in at.main.get("page_link") if "enterprise=" in el.proto.query_string]


def test_company_search_on_neo4j_finds_codes_typos_and_ranks_like_the_embedded_store(stores, full_reads, monkeypatch):
    at = run_page(stores, "neo4j", "company", {"q": "示例锂电池"}, monkeypatch)
    assert _hits(at)[0].startswith("示例锂电（E001）") and "名称相近" in _hits(at)[0]  # a fuzzy hit: a typo, not a substring
    at = run_page(stores, "neo4j", "company", {"q": "300750"}, monkeypatch)
    assert [h.split("）")[0] for h in _hits(at)] == ["外地甲（X1"] and "股票代码" in _hits(at)[0]
    at = run_page(stores, "neo4j", "company", {"q": "91370100ma3c5xyz1k"}, monkeypatch)
    assert "示例汽车（E002）" in _hits(at)[0] and "统一社会信用代码" in _hits(at)[0]
    at = run_page(stores, "neo4j", "company", {"q": "候选1"}, monkeypatch)
    names = [h.split("（")[0] for h in _hits(at)]  # two columns: hits 1, 3, 5 … then 2, 4 …
    assert names[0] == "候选1" and sorted(names) == ["候选1", "候选10", "候选11"]
    assert full_reads == []


def test_company_profile_on_neo4j_shows_ties_beyond_the_scoped_view(stores, full_reads, monkeypatch):
    """X2 (a candidate) buys from a local company and supplies another candidate: both ties named, read by id."""
    at = run_page(stores, "neo4j", "company", {"enterprise": "X2"}, monkeypatch)
    ties = next(df.value for df in at.main.dataframe if "对方企业" in df.value.columns)
    assert sorted(zip(ties["方向"], ties["对方企业"].str.extract(r"#(.+)$")[0])) == [("供货给", "外地甲"), ("供货给", "外地甲"), ("采购自", "示例锂电")]
    assert full_reads == []


def test_review_on_neo4j_lists_every_link_when_asked_and_saves_a_decision(stores, full_reads, monkeypatch, tmp_path):
    snaps = {}
    for which in ("embedded", "neo4j"):
        at = run_page(stores, which, "review", {"chain": "C1", "segment": "S2"}, monkeypatch)
        at.toggle(key="rv_all").set_value(True).run()
        snaps[which] = full_snapshot(at)
    assert snaps["neo4j"] == snaps["embedded"]
    assert any("外地甲" in t for t in snaps["neo4j"]["texts"])  # X1's confirmed link shows too
    monkeypatch.setenv("INDMAP_WORKSPACE", str(tmp_path / "ws.sqlite"))  # the decision in a workspace of its own
    at = run_page({**stores, "workspace": str(tmp_path / "ws.sqlite")}, "neo4j", "review", {"chain": "C1", "segment": "S2", "user": "李四"}, monkeypatch)
    at.button(key="rv_ok_S2_X2").click().run()
    assert not at.exception
    from graph.workspace import Workspace
    from graph.workspace.reviews import current_reviews

    saved = current_reviews(Workspace(tmp_path / "ws.sqlite"))
    assert [(r.enterprise_id, r.segment_id, r.decision, r.reviewer) for r in saved] == [("X2", "S2", "accept", "李四")]
    assert full_reads == []


FULL = [("data", {})]


@pytest.mark.parametrize(("page", "params"), FULL, ids=[f"{p}-{'-'.join(q.values()) or 'default'}" for p, q in FULL])
def test_pages_without_enterprise_rows_work_on_neo4j(stores, full_reads, monkeypatch, page, params):
    """数据 reads the store's counts, no enterprise rows: the same page."""
    embedded = snapshot(run_page(stores, "embedded", page, params, monkeypatch))
    neo4j = snapshot(run_page(stores, "neo4j", page, params, monkeypatch))
    assert embedded["metrics"] or embedded["tables"] or embedded["texts"]
    for key in ("metrics", "tables", "choices"):
        assert neo4j[key] == embedded[key], (page, key)
    assert full_reads == []


REPORTS = [  # (page, query params, multiselect choices): the pages' report buttons (产业链招商报告, 全市产业链招商报告, 督查通报)
    ("chain", {"chain": "C1"}, {}),
    ("chain", {"chain": "C1", "park": "P2"}, {}),
    ("gaps", {}, {}),
    ("gaps", {}, {"gaps_chains": ["C2"]}),
    ("projects", {}, {}),
]


def _untimed(block):
    """A report block without its 生成时间 row (the two reports may be made a minute apart)."""
    import dataclasses

    if hasattr(block, "rows"):
        return dataclasses.replace(block, rows=[r for r in block.rows if r[0] != "生成时间"])
    return block


def report_models(stores: dict, which: str, page: str, params: dict, picks: dict, monkeypatch) -> list:
    """The reports (:class:`reports.model.Report`, not their bytes) the page's buttons build, made as a click makes them."""
    import webapp.report_buttons as rb
    from reports import find_cjk_font

    builds: list = []
    monkeypatch.setattr(rb, "report_buttons", lambda c, build, basename, **kw: builds.append((basename, build)))
    at = run_page(stores, which, page, params, monkeypatch)
    for key, value in picks.items():
        builds.clear()
        at.multiselect(key=key).set_value(value).run()
        assert not at.exception
    font = str(find_cjk_font().path)
    return [(name, build(font)) for name, build in builds]


@pytest.mark.parametrize(("page", "params", "picks"), REPORTS, ids=[f"{p}-{'-'.join(q.values())}-{'-'.join(sum(m.values(), []))}" for p, q, m in REPORTS])
def test_reports_on_neo4j_equal_the_embedded_store_without_the_whole_graph(stores, full_reads, monkeypatch, page, params, picks):
    """The reports are built on the scoped view, each segment's targets on its pool, the investors read by id:
    headings, texts, tables and the chain map picture equal to the embedded store's."""
    embedded = report_models(stores, "embedded", page, params, picks, monkeypatch)
    neo4j = report_models(stores, "neo4j", page, params, picks, monkeypatch)
    assert embedded and [n for n, _ in neo4j] == [n for n, _ in embedded]
    for (name, e), (_, n) in zip(embedded, neo4j):
        assert any(t.rows for t in e.blocks if hasattr(t, "rows")), name  # the report has figures to compare
        assert n.title == e.title and n.subtitle == e.subtitle, name
        assert len(n.blocks) == len(e.blocks), name
        for a, b in zip(n.blocks, e.blocks):
            assert _untimed(a) == _untimed(b), (name, b)
    assert full_reads == [], f"{page}'s report read the whole graph on Neo4j"


def test_a_park_account_on_neo4j_sees_what_it_sees_on_the_embedded_store(stores, full_reads, monkeypatch, tmp_path):
    """A P2 account (webapp.auth.Access): E001 (P1) refused, X2's tie to E001 and P1's firms in search left out, on both stores."""
    from graph.workspace import Workspace
    from graph.workspace.users import add_user

    users = tmp_path / "users.sqlite"  # accounts of this test only: the module's other tests run without a login
    add_user(Workspace(users), "园区办", "correct horse", "viewer", park_id="P2", by="t")
    monkeypatch.setenv("INDMAP_USERS", str(users))
    seen = {}
    for which in ("embedded", "neo4j"):
        monkeypatch.setenv("INDMAP_STORE", stores[which])
        monkeypatch.setenv("INDMAP_WORKSPACE", stores["workspace"])
        monkeypatch.chdir(ROOT)
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        at.text_input(key="login_name").input("园区办")
        at.text_input(key="login_password").input("correct horse")
        at.button[0].click().run()
        pages = []
        for params in ({"enterprise": "E001"}, {"enterprise": "X2"}, {"q": "示例"}):
            at.query_params.clear()
            for k, v in params.items():
                at.query_params[k] = v
            at.session_state["company_q"] = params.get("q", "")
            at.switch_page("app_pages/company.py").run()
            assert not at.exception, [e.message for e in at.exception]
            pages.append(full_snapshot(at))
        seen[which] = pages
        refused, x2, search = pages
        assert any("其他园区的本地企业" in t for t in refused["texts"]) and not refused["metrics"]
        assert not any("示例锂电" in str(tb) for tb in x2["tables"]) and any("另有 1 条" in t for t in x2["texts"])
        hits = [label for label, q in search["links"] if "enterprise=" in q]
        assert "示例汽车（E002）" in " ".join(hits) and not any("E001" in h or "00123" in h for h in hits), hits
    assert seen["neo4j"] == seen["embedded"]
    assert full_reads == []
