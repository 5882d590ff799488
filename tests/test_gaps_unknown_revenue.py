"""A local enterprise with a blank revenue is unknown, not 0: in presence, the gap rows, their reasons and the CLI table.

Seen by a bureau: a segment whose only local firm had no revenue row showed 本地营收 "0万元", and the gap
upstream of it read "直接下游本地营收为0".
"""

from __future__ import annotations

import polars as pl

from graph.analysis import gaps
from graph.analysis._example import tiny_view
from graph.analysis.presence import segment_presence
from graph.settings import AnalysisSettings
from graph.view import GraphView

S = AnalysisSettings()


def _blank_revenue(view: GraphView, who: str) -> GraphView:
    ent = view.tables["enterprises"].with_columns(pl.when(pl.col("id") == who).then(None).otherwise(pl.col("revenue")).alias("revenue"))
    return GraphView({**view.tables, "enterprises": ent})


def test_presence_keeps_unknown_revenue_apart_from_zero():
    p = {r["segment_id"]: r for r in segment_presence(_blank_revenue(tiny_view(), "L2"), S).iter_rows(named=True)}
    assert (p["S3"]["local_count"], p["S3"]["local_revenue"]) == (1, None)  # its one local firm has no revenue row
    assert p["S2"]["local_revenue"] == 0.0  # no local firm at all: 0
    assert p["S1"]["local_revenue"] == 3000.0


def test_gap_rows_and_reasons_say_unknown():
    rows = {r.segment_id: r for r in gaps(_blank_revenue(tiny_view(), "L2"), S).rows}
    assert rows["S3"].local_revenue is None
    assert rows["S2"].factor_reasons["demand"] == "直接下游本地营收无数据"  # S2 feeds S3
    assert rows["S2"].factors["demand"] == 0.0  # the factor itself counts known revenue only (as before)
    known = {r.segment_id: r for r in gaps(tiny_view(), S).rows}
    assert known["S2"].factor_reasons["demand"] == "直接下游本地营收5000万元"


def test_cli_gap_table_shows_no_data(tmp_path, capsys):
    from cli import main
    from graph.stores.embedded import EmbeddedStore

    view = _blank_revenue(tiny_view(), "L2")
    store = tmp_path / "g.lbug"
    s = EmbeddedStore(store, read_only=False)
    regions = pl.DataFrame({"code": ["370000", "370100", "370102"], "name": ["山东省", "济南市", "历下区"], "parent_code": [None, "370000", "370100"]})
    s.write({**view.tables, "regions": regions}, meta={"dataset": "t"})
    s.close()
    assert main(["gaps", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.split()[1:2] == ["S3"])
    assert "无数据" in line and "0万元" not in line


def test_weak_label_reason_does_not_claim_no_above_scale_firm_when_revenue_is_unknown():
    rows = {r.segment_id: r for r in gaps(_blank_revenue(tiny_view(), "L2"), S).rows}
    assert rows["S3"].label == "weak"  # labels unchanged: unknown revenue is not above scale (analysis.md)
    assert rows["S3"].label_reason == "弱链：本地仅1家企业（少于3家），规上企业无数据（营收未填）"
    small = {r.segment_id: r for r in gaps(tiny_view(), AnalysisSettings(above_scale_revenue=9000)).rows}
    assert small["S3"].label_reason == "弱链：本地仅1家企业（少于3家），无规上企业"  # known revenue below the threshold
