"""Listed companies that ChainKnowledgeGraph (2021) lacks, from tushare's ``stock_basic`` list, and what
tushare's industry label says in 申万 terms.

Two halves, like :mod:`ingest.public.chainkg`:

* **build** (run once, by a maintainer, after the ChainKnowledgeGraph excerpt): every company in
  ``a_share_province/stock_basic.csv`` whose normalised stock code is not in ``listed_companies.csv`` —
  listed after the 2021 snapshot (中芯国际, 拓荆科技 …) or missing from it — goes into
  ``listed_companies_tushare.csv`` with its name, exchange, province, listing date and tushare industry
  label (no 申万 code, no full name, no products: the source has none)::

      python -m ingest.public.tushare build-excerpt /path/to/shared/data ingest/data/public

* **load** (run time): :func:`label_map` learns, from the companies that carry both a tushare label and a
  申万 code, which 申万 L3 codes a label stands for and how decisively (``白酒`` → 白酒Ⅲ 95 %;
  ``半导体`` → 数字芯片设计 21 %, 模拟芯片设计 15 % …). The linker uses it as industry evidence of lower
  confidence for companies without a 申万 code, and as a second sector for the sector test (the label is
  current, the 申万 code is 2021's: 雅化集团 was 民爆制品 and is 小金属 now).
"""

from __future__ import annotations

import argparse
import csv
import sys
from functools import lru_cache
from pathlib import Path

import polars as pl

from ingest.public import chainkg as ck

TUSHARE_FILE = ck.TUSHARE_ONLY_FILE
TUSHARE_COLUMNS = ["code", "name", "exchange", "province", "list_date", "ts_industry"]
#: label → 申万 L3 shares under this are noise (one odd company) and are left out
MIN_LABEL_SHARE = 0.05


def _iso_date(value: str | None) -> str:
    """``20200716`` or ``2020-07-16`` → ``2020-07-16``; anything else → empty."""
    s = (value or "").strip()
    if len(s) == 8 and s.isdigit():
        s = f"{s[:4]}-{s[4:6]}-{s[6:]}"
    return s if len(s) == 10 and s[4] == s[7] == "-" and s.replace("-", "").isdigit() else ""


def read_stock_basic(path: str | Path) -> dict[str, dict[str, str]]:
    """tushare ``stock_basic`` rows keyed by normalised stock code (BOM-safe)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for r in rows:
        code = ck.normalize_code(r.get("ts_code") or r.get("symbol"))
        if code:
            out[code] = r
    return out


def tushare_only_rows(stock_basic: dict[str, dict[str, str]], known: set[str]) -> list[dict[str, str]]:
    """Rows of ``listed_companies_tushare.csv``: the tushare companies whose code is not in ``known``, by code.

    >>> tushare_only_rows({"688981.SH": {"name": "中芯国际", "area": "上海", "industry": "半导体", "list_date": "20200716"},
    ...                    "600000.SH": {"name": "浦发银行", "area": "上海", "industry": "银行", "list_date": "19991110"}}, {"600000.SH"})
    [{'code': '688981.SH', 'name': '中芯国际', 'exchange': 'SH', 'province': '上海', 'list_date': '2020-07-16', 'ts_industry': '半导体'}]
    """
    out = []
    for code in sorted(set(stock_basic) - known):
        r = stock_basic[code]
        out.append({
            "code": code,
            "name": (r.get("name") or "").strip(),
            "exchange": code[-2:],
            "province": ck.normalize_province(r.get("area")) or "",
            "list_date": _iso_date(r.get("list_date")),
            "ts_industry": (r.get("industry") or "").strip(),
        })  # fmt: skip
    return out


def build_excerpt(src: str | Path, dest: str | Path) -> dict[str, int]:
    """Write ``listed_companies_tushare.csv`` into ``dest`` (next to the ChainKnowledgeGraph excerpt); row count."""
    src, dest = Path(src), Path(dest)
    ts = read_stock_basic(src / "a_share_province" / "stock_basic.csv")
    known = set(ck.load_companies(dest / ck.COMPANIES_FILE).get_column("code").to_list())
    rows = tushare_only_rows(ts, known)
    with open(dest / TUSHARE_FILE, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=TUSHARE_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return {TUSHARE_FILE: len(rows)}


def load_tushare_only(public_dir: str | Path = ck.PUBLIC_DIR) -> pl.DataFrame:
    """The tushare-only companies (empty, with the columns, when the file is absent)."""
    path = Path(public_dir)
    if path.is_dir():
        path = path / TUSHARE_FILE
    if not path.is_file():
        return pl.DataFrame(schema={c: pl.Utf8 for c in TUSHARE_COLUMNS})
    df = ck._read_str_csv(path)
    return df.with_columns(pl.col("code").map_elements(ck.normalize_code, return_dtype=pl.Utf8)).filter(pl.col("code").is_not_null())


def label_map(companies: pl.DataFrame, min_share: float = MIN_LABEL_SHARE) -> pl.DataFrame:
    """``ts_industry, code, p, n``: for each tushare label, the share ``p`` of its companies (``n`` with a 申万
    code) in each 申万 L3 code — how decisively the label names a 申万 industry. Shares under ``min_share`` are
    left out.

    >>> comp = pl.DataFrame({"ts_industry": ["白酒", "白酒", "白酒", "半导体", "半导体"],
    ...                      "sw_l3_code": ["340501", "340501", "510101", "270104", "270105"]})
    >>> label_map(comp, 0.4).rows()
    [('半导体', '270104', 0.5, 2), ('半导体', '270105', 0.5, 2), ('白酒', '340501', 0.667, 3)]
    """
    if "ts_industry" not in companies.columns or "sw_l3_code" not in companies.columns:
        return pl.DataFrame(schema={"ts_industry": pl.Utf8, "code": pl.Utf8, "p": pl.Float64, "n": pl.Int64})
    both = companies.filter(pl.col("ts_industry").is_not_null() & pl.col("sw_l3_code").is_not_null())
    g = both.group_by("ts_industry", pl.col("sw_l3_code").alias("code")).agg(pl.len().alias("k"))
    g = g.with_columns(pl.col("k").sum().over("ts_industry").cast(pl.Int64).alias("n"))
    g = g.with_columns((pl.col("k") / pl.col("n")).round(3).alias("p")).filter(pl.col("p") >= min_share)
    return g.select("ts_industry", "code", "p", "n").sort("ts_industry", "code")


@lru_cache(maxsize=1)
def shipped_label_map() -> pl.DataFrame:
    """:func:`label_map` of the shipped ChainKnowledgeGraph excerpt (companies with both a label and a 申万 code)."""
    return label_map(ck.load_companies(ck.PUBLIC_DIR / ck.COMPANIES_FILE))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m ingest.public.tushare",
        description="从 tushare stock_basic 生成 ChainKnowledgeGraph 未收录上市公司的摘录（维护者运行一次，在 chainkg 摘录之后）。",
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build-excerpt", help="build ingest/data/public/listed_companies_tushare.csv")
    b.add_argument("src", help="folder holding a_share_province/")
    b.add_argument("dest", nargs="?", default=str(ck.PUBLIC_DIR), help="folder of the excerpt (default: ingest/data/public)")
    args = p.parse_args(argv)
    for name, n in build_excerpt(args.src, args.dest).items():
        print(f"{name}: {n} 行")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
