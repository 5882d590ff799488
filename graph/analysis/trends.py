"""Park KPIs as trends over every period in ``park_stats`` (not only the last change).

Periods are grouped by kind (year, half, quarter, month; see
:func:`graph.analysis.parks.parse_period`) and ordered within a kind; growth is
(current − previous) / previous against the previous period of the same kind, as in the
ranking, and is unknown (None) when that period is missing or its value is missing or ≤ 0.
A missing KPI value stays None ("无数据"), never 0.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from graph.analysis.parks_rank import format_period, parse_period
from graph.i18n import PARK_KPI_ZH, PERIOD_KIND_ZH
from graph.settings import AnalysisSettings
from graph.view import GraphView

KPIS = tuple(PARK_KPI_ZH)  # revenue, fixed_investment, profit, tax
KINDS = tuple(PERIOD_KIND_ZH)  # year, half, quarter, month: the order kinds are listed in


class TrendPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")
    park_id: str
    park_name: str | None = None
    kind: str
    period: str
    order: int  # position of the period within its kind
    kpi: str
    value: float | None = None
    growth: float | None = None


def park_trends(view: GraphView, settings: AnalysisSettings, park_ids: list[str] | None = None) -> list[TrendPoint]:
    """One point per park, period and KPI, ordered by park, kind, period, KPI.

    ``settings`` is taken for the common signature (no threshold applies here). Rows with
    an unrecognised period are left out (the ranking reports them as warnings).

    Examples
    --------
    >>> from graph.analysis._example import tiny_view
    >>> pts = [p for p in park_trends(tiny_view(), AnalysisSettings()) if p.kpi == "revenue"]
    >>> [(p.period, p.value, p.growth) for p in pts]
    [('2024', 100.0, None), ('2025', 125.0, 0.25)]
    """
    del settings
    names = dict(zip(view.parks.get_column("id").to_list(), view.parks.get_column("name").to_list()))
    rows: dict[tuple[str, str, int], dict] = {}
    for r in view.park_stats.iter_rows(named=True):
        if park_ids is not None and r["park_id"] not in park_ids:
            continue
        pp = parse_period(r["period"])
        if pp is None:
            continue
        rows[(r["park_id"], pp[0], pp[1])] = r
    out = []
    for (park, kind, index), r in sorted(rows.items(), key=lambda kv: (kv[0][0], KINDS.index(kv[0][1]), kv[0][2])):
        prev = rows.get((park, kind, index - 1))
        for kpi in KPIS:
            value = r.get(kpi)
            before = prev.get(kpi) if prev is not None else None
            growth = (value - before) / before if value is not None and before is not None and before > 0 else None
            out.append(TrendPoint(park_id=park, park_name=names.get(park), kind=kind, period=format_period(kind, index), order=index, kpi=kpi, value=value, growth=growth))
    return out
