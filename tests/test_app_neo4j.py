"""The app's pages on Neo4j show what they show on the embedded store, without reading the whole graph.

The same tables (the app fixture of tests/test_app_pages.py) go into an embedded store and a real
Neo4j server; every page runs through ``streamlit.testing.v1.AppTest`` on both and the metrics,
tables, texts and choices must be equal. On Neo4j the pages that run on the scoped view
(webapp/neo4j_view.py) must not call :meth:`Neo4jStore.read_tables` (the whole-graph read).
"""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def stores(tmp_path_factory, neo4j_settings):
    from graph.stores.neo4j import Neo4jStore
    from graph.workspace import Workspace
    from graph.workspace.leads import add_lead

    tables = with_peer_parks(small_tables(12))
    meta = {"dataset": "tests/small_tables", "demo": True, "dataset_info": {"name": "小型测试数据"}}
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
    """Calls of the whole-graph read on Neo4j during the test."""
    from graph.stores.neo4j import Neo4jStore

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


FULL = [("data", {}), ("review", {}), ("company", {"enterprise": "X2"}), ("company", {"enterprise": "E001"})]


@pytest.mark.parametrize(("page", "params"), FULL, ids=[f"{p}-{'-'.join(q.values()) or 'default'}" for p, q in FULL])
def test_pages_that_need_every_enterprise_still_work_on_neo4j(stores, monkeypatch, page, params):
    """企业 (search and profile) and 环节审核 read the full view on Neo4j, 数据 none: the same page."""
    embedded = snapshot(run_page(stores, "embedded", page, params, monkeypatch))
    neo4j = snapshot(run_page(stores, "neo4j", page, params, monkeypatch))
    assert embedded["metrics"] or embedded["tables"] or embedded["texts"]
    for key in ("metrics", "tables", "choices"):
        assert neo4j[key] == embedded[key], (page, key)
