"""The demo builder's constants (the fictional city, its counties, name forms, densities) and small helpers (codes, draws, CSV writing)."""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from pathlib import Path
from typing import Any

from ingest import link as lk
from ingest import uscc
from ingest.bundled import bundled_dir


REPO_ROOT = Path(__file__).resolve().parents[1]


DEMO_DIR = REPO_ROOT / "data" / "demo"


REGIONS_DIR = bundled_dir("regions")


AS_OF = dt.date(2026, 11, 27)


FICTIONAL = lk.SOURCE_FICTIONAL


PROVINCE = ("370000", "山东")  # code, short name as in enterprises.province


PROVINCE_NAME = "山东省"  # the real province, repeated so regions.csv reads on its own


CITY = ("379900", "示例市")


COUNTIES = [
    ("379901", "示例市东城区"),
    ("379902", "示例市西城区"),
    ("379903", "示例市南湖区"),
    ("379904", "示例市北山区"),
    ("379905", "示例市清河县"),
    ("379906", "示例市临川县"),
]


ENTERPRISE_COLUMNS = [
    "id", "name", "local", "credit_code", "region_code", "park_id", "province", "revenue", "employees", "founded",
    "listed_code", "qualifications", "patents", "pollution", "energy", "growth",
]  # fmt: skip


PARK_COLUMNS = ["id", "name", "region_code", "level", "star", "area_mu", "focus_industries"]


PARK_STAT_COLUMNS = ["park_id", "period", "fixed_investment", "revenue", "profit", "tax"]


PROJECT_COLUMNS = [
    "id", "name", "stage", "enterprise_id", "park_id", "segment_id", "investment", "land_mu", "stage_date", "signed_on",
    "started_on", "producing_on", "planned_start", "planned_production", "owner", "expected_revenue", "expected_tax",
]  # fmt: skip


SUPPLY_COLUMNS = ["supplier_id", "customer_id", "product", "amount", "source"]


REGION_COLUMNS = ["code", "name", "parent_code"]


#: Characters for fictional trade names (字号).
TRADE_CHARS = "恒瑞华泰鑫宏盛达源通远嘉信博创联宇航锦德丰利安康万晟昊润杰凯捷明辉光腾祥和兴隆荣邦海正诚益金天立永佳威力新聚合众卓越峰汇弘裕鼎"


NAME_FORMS = ("示例市{t}{w}有限公司", "示例市{t}{w}科技有限公司", "示例{t}{w}股份有限公司", "示例市{t}{w}制造有限公司")


#: Density parameters per chain maturity: (base expected firms per leaf segment, P(segment absent), P(segment thin)).
#: A thin segment gets 0.4-2.5 expected firms whatever the city's size; the others share the rest.
MATURITY = {"strong": (13.0, 0.06, 0.15), "medium": (6.0, 0.15, 0.30), "weak": (2.2, 0.30, 0.35)}


#: P(maturity) by industry category.
MATURITY_P = {
    "leading": (("strong", 0.55), ("medium", 0.35), ("weak", 0.10)),
    "emerging": (("strong", 0.15), ("medium", 0.50), ("weak", 0.35)),
    "specialty": (("strong", 0.40), ("medium", 0.40), ("weak", 0.20)),
}


#: Fictional outside candidates: provinces (code, short name as in enterprises.province, weight) —
#: 山东 is left out, the demo city's own province.
CANDIDATE_PROVINCES = (
    ("32", "江苏", 14), ("44", "广东", 13), ("33", "浙江", 12), ("31", "上海", 6), ("34", "安徽", 7), ("41", "河南", 6),
    ("42", "湖北", 6), ("43", "湖南", 5), ("51", "四川", 6), ("35", "福建", 5), ("36", "江西", 4), ("13", "河北", 4),
    ("12", "天津", 3), ("11", "北京", 4), ("50", "重庆", 3), ("61", "陕西", 3),
)  # fmt: skip


CANDIDATE_NAME_FORMS = ("{p}示例{t}{w}有限公司", "{p}示例{t}{w}科技有限公司", "{p}示例{t}{w}股份有限公司", "{p}示例{t}{w}集团有限公司")


#: Expected fictional candidates per gap leaf (local firms ≤ 2) and per other leaf, and P(a gap leaf gets none).
CANDIDATES_PER_GAP, CANDIDATES_PER_OTHER, P_GAP_WITHOUT_CANDIDATES = 3.0, 0.55, 0.12


#: Supply links between fictional candidates and local firms (以商招商 ties).
CANDIDATE_SUPPLY_LINKS = 40


STAGE_ORDER = ("lead", "negotiating", "signed", "started", "producing", "dropped")


PROJECT_STAGE_COUNTS = {"lead": 13, "negotiating": 12, "signed": 12, "started": 12, "producing": 10, "dropped": 6}


org_code_check = uscc.org_check_char  # GB 11714 check character (ingest.uscc)


def make_credit_code(rng: random.Random, region_code: str) -> str:
    """A well-formed 统一社会信用代码: 9 (工商) 1 (企业) + region + org code + check (ingest.uscc)."""
    digits = [int(rng.choice("0123456789")) for _ in range(8)]
    return uscc.make_codes([region_code], [digits])[0]


def choice_w(rng: random.Random, items: list[Any], weights: list[float]) -> Any:
    return rng.choices(items, weights=weights, k=1)[0]


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    l, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= l:
            return k
        k += 1


def fmt(v: Any, nd: int = 1) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return ";".join(str(x) for x in v)
    return str(v)


def write(path: Path, columns: list[str], rows: list[dict[str, Any]], nd: dict[str, int] | None = None) -> None:
    nd = nd or {}
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([fmt(r.get(c), nd.get(c, 1)) for c in columns])


def clean_word(s: str) -> str:
    for ch in "（(":
        s = s.split(ch)[0]
    return s.strip()


def is_cjk(s: str) -> bool:
    return bool(s) and all("\u4e00" <= ch <= "\u9fff" for ch in s)
