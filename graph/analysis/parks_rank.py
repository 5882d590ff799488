"""Province-wide park ranking: 十强 (scale), 十快 (speed), per-city counts, per-mu figures (analysis.md, 'Parks').

Definitions as built (README-ready):

* Periods ``2024`` (year), ``2024-H1``, ``2024-Q2``, ``2024-05``. The reference period is the latest in
  ``park_stats`` (latest end; on equal ends the longer kind) unless one is given; the previous period is
  the one before it of the same kind (2025 ← 2024, 2025-H1 ← 2024-H2, 2025-Q1 ← 2024-Q4, 2025-01 ← 2024-12).
* Every park counts, 本市 and peer parks of other cities alike. Indicators k: revenue, fixed_investment,
  tax, profit, weighted by ``park_ranking_weights`` (0.4, 0.3, 0.2, 0.1).
* Scale: a park with at least one value in the reference period is ranked; part_k = v_k / max_k (max over
  the ranked parks), kept within 0–1 (a loss counts 0; max ≤ 0 gives 0). Speed: g_k = (current − previous)
  / previous when both are known and previous > 0; a park with both periods and at least one g_k is
  ranked; part_k = (g_k − min g_k) / (max g_k − min g_k) over the ranked parks (1 when all are equal).
  score = Σ w_k · part_k / Σ w_k (Σ w = 1 with the defaults), in 0–1; a missing value or growth adds 0
  and is named in ``missing`` and ``note``.
* 十强 / 十快 = the first 10; order score desc (compared at 9 decimals), then park id.
* Per city (:mod:`graph.analysis.cities`): parks, parks in 十强, in 十快, with star ≥ 2; 本市 against the
  best other city (every city with the best count is named, by code).
* Per park: 亩均营收 = revenue / area_mu and 亩均税收 = tax / area_mu (reference period, area_mu > 0);
  fixed-investment growth and its difference from the mean growth of the 本市 parks that have one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from graph.analysis import reasons as R
from graph.analysis.cities import display_code, home, park_places
from graph.analysis.results import CityComparison, CityCountRow, ParkFigureRow, ParkRanking, ParkScoreRow
from graph.i18n import PARK_MEASURE_ZH
from graph.settings import AnalysisSettings
from graph.view import GraphView

KEYS = ("revenue", "fixed_investment", "tax", "profit")
TOP = 10
STAR_MIN = 2

_KINDS = {"year": (r"^(\d{4})$", 1, 12), "half": (r"^(\d{4})-H([12])$", 2, 6), "quarter": (r"^(\d{4})-Q([1-4])$", 4, 3), "month": (r"^(\d{4})-(0[1-9]|1[0-2])$", 12, 1)}
_KIND_ORDER = {"year": 0, "half": 1, "quarter": 2, "month": 3}
_MEASURES = tuple(PARK_MEASURE_ZH.items())  # top10_scale 十强, top10_speed 十快, star2plus 二星级及以上园区


def parse_period(period: str) -> tuple[str, int] | None:
    """``(kind, index)`` of a period string, index counting periods of that kind; None if unknown.

    >>> parse_period("2025-H1"), parse_period("2024-12"), parse_period("2025/1")
    (('half', 4050), ('month', 24299), None)
    """
    p = (period or "").strip()
    for kind, (rx, per_year, _) in _KINDS.items():
        m = re.match(rx, p)
        if m:
            y = int(m.group(1))
            sub = int(m.group(2)) - 1 if m.lastindex and m.lastindex > 1 else 0
            return kind, y * per_year + sub
    return None


def format_period(kind: str, index: int) -> str:
    per_year = _KINDS[kind][1]
    y, sub = divmod(index, per_year)
    return {"year": f"{y}", "half": f"{y}-H{sub + 1}", "quarter": f"{y}-Q{sub + 1}", "month": f"{y}-{sub + 1:02d}"}[kind]


def _end_month(kind: str, index: int) -> int:
    per_year, months = _KINDS[kind][1], _KINDS[kind][2]
    y, sub = divmod(index, per_year)
    return y * 12 + (sub + 1) * months


def _growth(cur: float | None, prev: float | None) -> float | None:
    if cur is None or prev is None or prev <= 0:
        return None
    return (cur - prev) / prev


@dataclass
class _Stats:
    values: dict[tuple[str, str], dict[str, float | None]] = field(default_factory=dict)  # (park, period) -> {k: v}
    parsed: dict[str, tuple[str, int]] = field(default_factory=dict)
    periods_of: dict[str, set[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _read_stats(view: GraphView) -> _Stats:
    """``park_stats`` by (park, canonical period); rows sorted first, so the result never depends on row order."""
    out = _Stats()
    for r in view.park_stats.sort("park_id", "period").iter_rows(named=True):
        pp = parse_period(r["period"])
        if pp is None:
            out.warnings.append(f"无法识别的期间 {r['period']!r}（园区 {r['park_id']}），已忽略")
            continue
        key = format_period(*pp)
        out.parsed[key] = pp
        out.values[(r["park_id"], key)] = {k: r.get(k) for k in KEYS}
        out.periods_of.setdefault(r["park_id"], set()).add(key)
    return out


def _periods(stats: _Stats, period: str | None) -> tuple[str | None, str | None]:
    if period is not None:
        pp = parse_period(period)
        if pp is None:
            raise ValueError(f"无法识别的期间 {period!r}：应为 2024、2024-H1、2024-Q2 或 2024-05")
    elif stats.parsed:
        pp = stats.parsed[max(stats.parsed, key=lambda k: (_end_month(*stats.parsed[k]), -_KIND_ORDER[stats.parsed[k][0]]))]
    else:
        return None, None
    return format_period(*pp), format_period(pp[0], pp[1] - 1)


def _normalise(kind: str, vals: dict[str, dict[str, float | None]]) -> dict[str, dict[str, float | None]]:
    """Per park and indicator, the 0–1 part: v / max (scale) or min–max scaled growth (speed); None = missing."""
    parts: dict[str, dict[str, float | None]] = {p: {} for p in vals}
    for k in KEYS:
        known = [v[k] for v in vals.values() if v[k] is not None]
        lo, hi = (min(known), max(known)) if known else (0.0, 0.0)
        for p, v in vals.items():
            x = v[k]
            if x is None:
                parts[p][k] = None
            elif kind == "scale":
                parts[p][k] = min(1.0, max(0.0, x / hi)) if hi > 0 else 0.0
            else:
                parts[p][k] = min(1.0, max(0.0, (x - lo) / (hi - lo))) if hi > lo else 1.0
    return parts


def _score(parts: dict[str, float | None], weights: dict[str, float]) -> float:
    total = math.fsum(weights[k] for k in KEYS)
    return min(1.0, math.fsum(weights[k] * parts[k] for k in KEYS if parts[k] is not None) / total)


def _rank(rows: list[ParkScoreRow]) -> list[ParkScoreRow]:
    ranked = sorted((r for r in rows if r.score is not None), key=lambda r: (-round(r.score, 9), r.park_id))
    for i, r in enumerate(ranked, start=1):
        r.rank, r.top10 = i, i <= TOP
    return ranked + sorted((r for r in rows if r.score is None), key=lambda r: r.park_id)


def _scored(kind: str, vals: dict[str, dict[str, float | None]], notes: dict[str, str], base: dict[str, dict], weights: dict[str, float]) -> list[ParkScoreRow]:
    parts = _normalise(kind, vals)
    missing_text = R.r_missing_values if kind == "scale" else R.r_missing_growth
    rows = []
    for p, b in base.items():
        if p not in vals:
            rows.append(ParkScoreRow(**b, note=notes.get(p, "")))
            continue
        missing = [k for k in KEYS if vals[p][k] is None]
        note = missing_text(missing) if missing else ""
        rows.append(ParkScoreRow(**b, score=_score(parts[p], weights), parts=parts[p], values=dict(vals[p]), missing=missing, note=note))
    return _rank(rows)


def _scale(stats: _Stats, ref: str, base: dict[str, dict], weights: dict[str, float]) -> list[ParkScoreRow]:
    vals, notes = {}, {}
    for p in base:
        v = stats.values.get((p, ref))
        if v is not None and any(v[k] is not None for k in KEYS):
            vals[p] = v
        else:
            notes[p] = R.r_no_period(ref) if v is None else R.r_missing_values(list(KEYS))
    return _scored("scale", vals, notes, base, weights)


def _speed(stats: _Stats, ref: str, prev: str, base: dict[str, dict], weights: dict[str, float]) -> list[ParkScoreRow]:
    vals, notes = {}, {}
    for p in base:
        cur, old = stats.values.get((p, ref)), stats.values.get((p, prev))
        if cur is None or old is None:
            one = len(stats.periods_of.get(p, ())) <= 1
            notes[p] = R.ONE_PERIOD if one else (R.r_no_period(ref) if cur is None else R.r_no_previous(prev))
            continue
        g = {k: _growth(cur[k], old[k]) for k in KEYS}
        if all(x is None for x in g.values()):
            notes[p] = R.NO_GROWTH_DATA
        else:
            vals[p] = g
    return _scored("speed", vals, notes, base, weights)


def _figures(view: GraphView, stats: _Stats, ref: str, prev: str, base: dict[str, dict]) -> list[ParkFigureRow]:
    attrs = {r["id"]: r for r in view.parks.select("id", "level", "star", "area_mu").iter_rows(named=True)}
    growth = {}
    for p in base:
        cur, old = stats.values.get((p, ref)), stats.values.get((p, prev))
        growth[p] = _growth(cur["fixed_investment"], old["fixed_investment"]) if cur and old else None
    home_g = [g for p, g in growth.items() if base[p]["home"] and g is not None]
    avg = sum(home_g) / len(home_g) if home_g else None
    rows = []
    for p, b in base.items():
        cur = stats.values.get((p, ref))
        if cur is None:
            continue
        a = attrs.get(p, {})
        area = a.get("area_mu")
        per_mu = (lambda v: None if v is None else v / area) if area else (lambda v: None)
        g = growth[p]
        rows.append(
            ParkFigureRow(
                **b, level=a.get("level"), star=a.get("star"), area_mu=area, revenue=cur["revenue"], tax=cur["tax"],
                revenue_per_mu=per_mu(cur["revenue"]), tax_per_mu=per_mu(cur["tax"]), fixed_investment_growth=g,
                home_average_growth=avg, vs_home_average=None if g is None or avg is None else g - avg,
                note="" if area else R.NO_AREA,
            )
        )  # fmt: skip
    return sorted(rows, key=lambda r: (not r.home, r.city_code or "", r.park_id))


def _by_city(view: GraphView, base: dict[str, dict], scale: list[ParkScoreRow], speed: list[ParkScoreRow], h_code: str | None, h_name: str | None) -> list[CityCountRow]:
    star = dict(view.parks.select("id", "star").iter_rows())
    in_scale = {r.park_id for r in scale if r.top10}
    in_speed = {r.park_id for r in speed if r.top10}
    groups: dict[tuple[bool, str | None], CityCountRow] = {}
    for p, b in base.items():
        key = (True, h_code) if b["home"] else (False, b["city_code"])
        row = groups.get(key)
        if row is None:
            code, name = (display_code(h_code), h_name) if b["home"] else (b["city_code"], b["city_name"])
            row = groups[key] = CityCountRow(city_code=code, city_name=name, home=b["home"])
        row.parks += 1
        row.top10_scale += p in in_scale
        row.top10_speed += p in in_speed
        row.star2plus += (star.get(p) or 0) >= STAR_MIN
    return sorted(groups.values(), key=lambda c: (-c.top10_scale, -c.top10_speed, -c.star2plus, not c.home, c.city_code or ""))


def _sentence(label: str, n: int | None, best: list[CityCountRow], m: int | None) -> tuple[str, str]:
    """(sentence, short) for one count: "十强中本市 1 家，最多的郑州市 3 家" and "本市 1 家 / 最多的郑州市 3 家"."""
    names = "、".join(c.city_name or c.city_code or "城市不明" for c in best)
    each = "各" if len(best) > 1 else ""
    if n is None:
        if m is None:
            return f"{label}：没有园区数据", "无数据"
        return f"{label}中最多的{names}{each} {m} 家（未确定本市，请在「本市」设置中指定）", f"本市未确定 / 最多的{names}{each} {m} 家"
    if m is None:
        return f"{label}中本市 {n} 家（数据中没有其他城市的园区）", f"本市 {n} 家 / 无其他城市数据"
    if m == 0:
        tail = "其他城市也没有" if n == 0 else "其他城市没有"
        return f"{label}中本市 {n} 家，{tail}", f"本市 {n} 家 / 其他城市 0 家"
    if n < m:
        return f"{label}中本市 {n} 家，最多的{names}{each} {m} 家", f"本市 {n} 家 / 最多的{names}{each} {m} 家"
    if n == m:
        return f"{label}中本市 {n} 家，与{names}并列最多", f"本市 {n} 家 / 并列最多的{names}{each} {m} 家"
    return f"{label}中本市 {n} 家，为各市最多（其次{names}{each} {m} 家）", f"本市 {n} 家（最多）/ 其次{names}{each} {m} 家"


def _compare(by_city: list[CityCountRow], home_known: bool) -> list[CityComparison]:
    mine = next((c for c in by_city if c.home), None)
    others = sorted((c for c in by_city if not c.home), key=lambda c: c.city_code or "")
    out = []
    for measure, label in _MEASURES:
        n = (getattr(mine, measure) if mine else 0) if home_known else None
        m = max((getattr(c, measure) for c in others), default=None)
        best = [c for c in others if getattr(c, measure) == m] if m else []
        sentence, short = _sentence(label, n, best, m)
        out.append(
            CityComparison(
                measure=measure, label=label, home_count=n, best_count=m, best_cities=[c.city_name or "" for c in best],
                best_city_codes=[c.city_code or "" for c in best], sentence=sentence, short=short,
            )
        )  # fmt: skip
    return out


def park_ranking(view: GraphView, settings: AnalysisSettings, period: str | None = None) -> ParkRanking:
    """十强 (scale) and 十快 (speed) of every park in ``parks.csv``, per-city counts and per-mu figures.

    Examples
    --------
    >>> from graph.analysis._example import tiny_view
    >>> r = park_ranking(tiny_view(), AnalysisSettings())
    >>> r.period, r.previous_period, [(s.park_id, s.rank, s.score, s.missing) for s in r.scale]
    ('2025', '2024', [('P1', 1, 0.4, ['fixed_investment', 'tax', 'profit'])])
    >>> r.comparison[0].sentence
    '十强中本市 1 家（数据中没有其他城市的园区）'
    """
    stats = _read_stats(view)
    ref, prev = _periods(stats, period)
    h = home(view, settings)
    places = {r["park_id"]: r for r in park_places(view, settings).iter_rows(named=True)}
    base = {}
    for p in sorted(set(places) | set(stats.periods_of)):
        pl_ = places.get(p, {})
        base[p] = {k: pl_.get(k) for k in ("park_id", "park_name", "city_code", "city_name")} | {"park_id": p, "home": bool(pl_.get("home"))}
    weights = settings.park_ranking_weights.model_dump()
    res = ParkRanking(
        period=ref, previous_period=prev, home_region=h.code, home_name=h.name, home_inferred=h.inferred,
        home_note=h.note, weights=weights, warnings=stats.warnings, settings=settings.model_dump(),
    )  # fmt: skip
    if ref is not None and prev is not None:
        res.scale = _scale(stats, ref, base, weights)
        res.speed = _speed(stats, ref, prev, base, weights)
        res.parks = _figures(view, stats, ref, prev, base)
    res.by_city = _by_city(view, base, res.scale, res.speed, h.code, h.name)
    res.comparison = _compare(res.by_city, h.code is not None)
    return res
