"""The report buttons on Neo4j build the demo's reports equal to the embedded store's, without the whole graph.

The demo goes into an embedded store and a real Neo4j server; a page context is made for each as
the app makes it (the embedded store's view, Neo4j's scoped view) and the buttons' builders
(:mod:`webapp.report_buttons`) make 产业链招商报告 for two chains (the city report covers every one), 全市产业链招商报告 and 督查通报.
The report models (:mod:`reports.model`, not the bytes) must be equal, and Neo4j's whole-graph read
(:meth:`Neo4jStore.read_tables`) must not be called.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.conftest import DEMO

pytestmark = pytest.mark.neo4j


def _untimed(block):
    if hasattr(block, "rows"):  # the 生成时间 row: the two reports may be made a minute apart
        return dataclasses.replace(block, rows=[r for r in block.rows if r[0] != "生成时间"])
    return block


def _ctx(settings, store, view):
    from webapp.context import Ctx

    return Ctx(settings=settings, store=store, view=view, version=store.version(), location=settings.store, meta=dict(view.meta or {}))


@pytest.fixture(scope="module")
def contexts(neo4j_settings, demo_tables, tmp_path_factory):
    from graph.settings import Settings
    from graph.stores.embedded import EmbeddedStore
    from graph.stores.neo4j import Neo4jStore
    from graph.stores.neo4j_scoped import read_scoped_view
    from graph.stores import load_view

    meta = {"dataset": str(DEMO), "demo": True}
    path = tmp_path_factory.mktemp("reports_neo4j") / "demo.lbug"
    emb = EmbeddedStore(path, read_only=False)
    emb.write(demo_tables, meta=meta)
    neo = Neo4jStore.from_settings(neo4j_settings)
    neo.write(demo_tables, meta=meta)
    yield {"embedded": _ctx(Settings(store=str(path)), emb, load_view(emb)), "neo4j": _ctx(neo4j_settings, neo, read_scoped_view(neo, filters=True))}
    neo.close()
    emb.close()


def _reports(c) -> dict:
    from reports import find_cjk_font
    from webapp.report_buttons import chain_report_of, city_report_of, supervision_report_of

    font = str(find_cjk_font().path)
    out = {f"chain {cid}": chain_report_of(c, cid, "city", font) for cid in c.view.chain_order()[:2]}  # two chains: the city report covers all
    out["city"] = city_report_of(c, "city", font)
    out["supervision"] = supervision_report_of(c, dt.date(2026, 6, 30))
    return out


def test_demo_reports_on_neo4j_equal_the_embedded_store_without_the_whole_graph(contexts, monkeypatch):
    from graph.stores.neo4j import Neo4jStore
    from webapp.store import load_view

    load_view.clear()
    reads: list[int] = []
    real = Neo4jStore.read_tables
    monkeypatch.setattr(Neo4jStore, "read_tables", lambda self: reads.append(1) or real(self))
    embedded, neo4j = _reports(contexts["embedded"]), _reports(contexts["neo4j"])
    assert contexts["neo4j"].view.scoped and not contexts["embedded"].view.scoped
    assert list(neo4j) == list(embedded) and len(embedded) >= 3
    for name, e in embedded.items():
        n = neo4j[name]
        assert sum(len(getattr(b, "rows", [])) for b in e.blocks) > 0, name  # figures to compare
        assert (n.title, n.subtitle, len(n.blocks)) == (e.title, e.subtitle, len(e.blocks)), name
        for a, b in zip(n.blocks, e.blocks):
            assert _untimed(a) == _untimed(b), (name, b)
    assert reads == [], "a report read the whole graph on Neo4j"


def test_cli_report_inputs_on_neo4j_build_the_embedded_reports_without_the_whole_graph(contexts, monkeypatch):
    """`indmap report` on Neo4j: :func:`cli.report.report_inputs` (scoped view plus investors, one pool
    per segment) gives the same report models as the embedded store's full view."""
    from cli.report import report_inputs
    from graph.stores.neo4j import Neo4jStore
    from reports import find_cjk_font
    from reports.chain import chain_report, city_report
    from reports.supervision import supervision_report

    reads: list[int] = []
    real = Neo4jStore.read_tables
    monkeypatch.setattr(Neo4jStore, "read_tables", lambda self: reads.append(1) or real(self))
    font = str(find_cjk_font().path)

    def build(c, store):
        view, pools = report_inputs(store, c.view)
        a = c.settings.analysis
        out = {f"chain {cid}": chain_report(view, a, cid, font_path=font, pools=pools) for cid in c.view.chain_order()[:2]}
        out["city"] = city_report(view, a, font_path=font, pools=pools)
        out["supervision"] = supervision_report(view, a, as_of=dt.date(2026, 6, 30))
        return out

    emb = contexts["embedded"]
    embedded = build(emb, None)
    neo4j = build(contexts["neo4j"], contexts["neo4j"].store)
    assert report_inputs(None, emb.view) == (emb.view, None)
    for name, e in embedded.items():
        n = neo4j[name]
        assert (n.title, len(n.blocks)) == (e.title, len(e.blocks)), name
        for a, b in zip(n.blocks, e.blocks):
            assert _untimed(a) == _untimed(b), (name, b)
    assert not reads, "the CLI's reports read the whole graph on Neo4j"


def test_cli_report_on_neo4j_writes_the_file_without_the_whole_graph(contexts, neo4j_settings, tmp_path, monkeypatch):
    from cli import main
    from graph.stores.neo4j import Neo4jStore

    monkeypatch.setattr(Neo4jStore, "read_tables", lambda self: pytest.fail("indmap report read the whole graph on Neo4j"))
    out = tmp_path / "全市.docx"
    assert main(["report", "city", "--store", neo4j_settings.store, "--out", str(out)]) == 0
    assert out.stat().st_size > 10_000


def _count_pool_reads(monkeypatch) -> list[str]:
    """Every statement a Neo4j session runs that reads a target pool's links (wrapping the driver's Session.run;
    by record or, as the reports read them, by column)."""
    from graph import queries as Q
    from graph.stores.neo4j_driver import neo4j

    pool_links = {Q.scoped_pool_links(), Q.SCOPED_POOL_LINK_COLUMNS}
    seen: list[str] = []
    real = neo4j.Session.run

    def run(self, query, *args, **kwargs):
        if query in pool_links:
            seen.append(query)
        return real(self, query, *args, **kwargs)

    monkeypatch.setattr(neo4j.Session, "run", run)
    return seen


def test_the_city_report_reads_its_pools_in_one_query_not_one_per_segment(contexts, monkeypatch):
    """全市产业链招商报告 on Neo4j ranks every broken and missing segment of every chain; their pools are read as
    one batch (the demo's pools fit one), in the app and the CLI: a loop of one pool query per segment fails this."""
    from cli.report import report_inputs
    from reports import find_cjk_font
    from graph.analysis import chain_summary
    from reports.chain import city_chain_order, city_report, targeted_segments
    from webapp.neo4j_view import _pools_view
    from webapp.report_buttons import city_report_of

    c = contexts["neo4j"]
    font = str(find_cjk_font().path)
    segments = targeted_segments(c.view, c.analysis, city_chain_order(c.view, chain_summary(c.view, c.analysis)))  # the report's order
    assert len(segments) > 10
    reads = _count_pool_reads(monkeypatch)
    _pools_view.clear()
    city_report_of(c, "city", font)
    assert len(reads) == 1, f"{len(reads)} pool queries for {len(segments)} segments"
    city_report_of(c, "city", font)  # the PDF after the Word: the batch is kept
    assert len(reads) == 1
    reads.clear()
    view, pools = report_inputs(c.store, c.view)
    city_report(view, c.settings.analysis, font_path=font, pools=pools)
    assert len(reads) == len(pools.batches) == 1 and pools.batches[0] == segments
