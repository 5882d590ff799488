"""Build the ChainKnowledgeGraph excerpt (run once, by a maintainer): the *build* half of
:mod:`ingest.public.chainkg`, which documents the source and its defects.

Reads the original files (``chainkg/{company,company_industry,company_product,industry,
industry_industry}.json`` and ``a_share_province/stock_basic.csv``), cleans them and writes the
compact excerpt the run time reads (``ingest/data/public/``)::

    python -m ingest.public.chainkg_build build-excerpt /path/to/shared/data ingest/data/public
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from ingest.public.chainkg import (
    _DATE_RE,
    COMPANIES_FILE,
    COMPANY_COLUMNS,
    INDUSTRIES_FILE,
    INDUSTRY_COLUMNS,
    MAX_PRODUCTS_PER_COMPANY,
    NON_PRODUCTS,
    PRODUCT_COLUMNS,
    PRODUCT_GRAPH_COLUMNS,
    PRODUCT_GRAPH_FILE,
    PRODUCTS_FILE,
    PUBLIC_DIR,
    normalize_code,
    normalize_province,
    reliable_share,
    sw_level,
    sw_parent,
)


def _core_name(name: str) -> str:
    n = re.sub(r"^(\*?ST|退市|N|C)", "", name.strip())
    return re.sub(r"[AB]$|股份$|集团$", "", n)


def _plausible_fullname(name: str, fullname: str) -> bool:
    """True when the full name shares a character pair with the short name."""
    core = _core_name(name)
    if not core or not fullname:
        return False
    if len(core) == 1:
        return core in fullname
    return any(core[i : i + 2] in fullname for i in range(len(core) - 1))


# --------------------------------------------------------------------------
# reading the original files
# --------------------------------------------------------------------------


def parse_jsonl(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Parse JSON lines; a UTF-8 BOM on the first line (decoded as U+FEFF) is dropped."""
    for i, line in enumerate(lines):
        if i == 0:
            line = line.lstrip("\ufeff")
        line = line.strip()
        if line:
            yield json.loads(line)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8-sig") as f:
        return list(parse_jsonl(f))


def parse_stock_basic(f: IO[str]) -> dict[str, dict[str, str]]:
    """tushare ``stock_basic`` rows keyed by normalised code."""
    text = f.read().lstrip("\ufeff")
    out: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = normalize_code(row.get("ts_code") or row.get("symbol"))
        if code:
            out[code] = row
    return out


def pick_companies(rows: list[dict[str, Any]], current_names: dict[str, str]) -> dict[str, dict[str, Any]]:
    """One ``company.json`` row per normalised code.

    Preference: the row whose short name is the current (tushare) name, then a
    row whose full name is plausible for its short name, then file order (the
    source lists the newer name first). The kept full name is blanked when it
    is not plausible (rows where another company's full name was scraped in).
    """
    by_code: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for i, r in enumerate(rows):
        code = normalize_code(r.get("code"), r.get("location"))
        if code:
            by_code[code].append((i, r))
    out: dict[str, dict[str, Any]] = {}
    for code, cands in by_code.items():
        cur = current_names.get(code)

        def rank(item: tuple[int, dict[str, Any]]) -> tuple[int, int, int]:
            i, r = item
            return (
                0 if cur and r.get("name") == cur else 1,
                0 if _plausible_fullname(r.get("name", ""), r.get("fullname", "")) else 1,
                i,
            )

        _, best = min(cands, key=rank)
        best = dict(best)
        distinct_full = {c[1].get("fullname") for c in cands}
        if not _plausible_fullname(best.get("name", ""), best.get("fullname", "")) and (
            len(distinct_full) > 1 or not best.get("fullname")
        ):
            best["fullname"] = ""
        best["n_rows"] = len(cands)
        out[code] = best
    return out


def _listing_date(*values: Any) -> str:
    for v in values:
        if v is None:
            continue
        s = str(v).strip()
        if re.fullmatch(r"\d{8}", s):
            s = f"{s[:4]}-{s[4:6]}-{s[6:]}"
        if _DATE_RE.match(s):
            return s
    return ""


def build_tables(src: Path) -> dict[str, list[dict[str, Any]]]:
    """Read the original files under ``src`` and return the three excerpt tables as rows."""
    ck = src / "chainkg"
    with open(src / "a_share_province" / "stock_basic.csv", encoding="utf-8-sig") as f:
        ts = parse_stock_basic(f)
    companies = pick_companies(read_jsonl(ck / "company.json"), {c: r.get("name", "") for c, r in ts.items()})

    # 申万 industries
    ind_names: dict[str, str] = {r["code"]: r["name"] for r in read_jsonl(ck / "industry.json")}
    parents: dict[str, str] = {r["from_code"]: r["to_code"] for r in read_jsonl(ck / "industry_industry.json")}
    comp_ind: dict[str, tuple[str, str]] = {}
    for r in read_jsonl(ck / "company_industry.json"):
        code = normalize_code(r.get("company_code"))
        ind = str(r.get("industry_code", "")).strip()
        if code and re.fullmatch(r"\d{6}", ind):
            comp_ind[code] = (ind, str(r.get("industry_name", "")).strip())
            if ind not in ind_names and r.get("industry_name"):
                ind_names[ind] = str(r["industry_name"]).strip()  # L3 codes missing from industry.json
    industries = []
    for code in sorted(ind_names):
        industries.append(
            {"code": code, "name": ind_names[code], "level": sw_level(code), "parent_code": parents.get(code) or sw_parent(code) or ""}
        )

    company_rows = []
    for code in sorted(companies):
        r = companies[code]
        t = ts.get(code, {})
        l3, l3_name = comp_ind.get(code, ("", ""))
        l2 = sw_parent(l3) if l3 else ""
        l1 = sw_parent(l2) if l2 else ""
        company_rows.append(
            {
                "code": code,
                "name": (t.get("name") or r.get("name") or "").strip(),
                "fullname": (r.get("fullname") or "").strip(),
                "exchange": code[-2:],
                "province": normalize_province(t.get("area")) or "",
                "list_date": _listing_date(t.get("list_date"), r.get("time"), r.get("location")),
                "sw_l1_code": l1 or "",
                "sw_l1": ind_names.get(l1, "") if l1 else "",
                "sw_l2_code": l2 or "",
                "sw_l2": ind_names.get(l2, "") if l2 else "",
                "sw_l3_code": l3,
                "sw_l3": ind_names.get(l3, l3_name) if l3 else "",
                "ts_industry": (t.get("industry") or "").strip(),
            }
        )

    # main products
    prods: dict[str, dict[str, float]] = defaultdict(dict)
    for r in read_jsonl(ck / "company_product.json"):
        code = normalize_code(r.get("company_code"))
        name = str(r.get("product_name") or "").strip()
        if not code or not name or name in NON_PRODUCTS or code not in companies:
            continue
        try:
            w = float(r.get("rel_weight"))
        except (TypeError, ValueError):
            continue
        # the same product twice: keep the larger weight
        if name not in prods[code] or w > prods[code][name]:
            prods[code][name] = w
    product_rows = []
    for code in sorted(prods):
        items = sorted(prods[code].items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_PRODUCTS_PER_COMPANY]
        for name, w in items:
            share = reliable_share(w)
            product_rows.append(
                {"code": code, "product": name, "share": "" if share is None else f"{share:.6g}", "rel_weight": f"{w:.6g}"}
            )
    pp = ck / "product_product.json"
    graph = product_graph_rows(read_jsonl(pp), {r["product"] for r in product_rows}) if pp.is_file() else []
    return {"companies": company_rows, "products": product_rows, "industries": industries, "product_graph": graph}


def product_graph_rows(rows: Iterable[dict[str, Any]], products: set[str]) -> list[dict[str, str]]:
    """The 产品小类 (sub-category) edges on some path down to a listed company's product name.

    ``product_product.json`` holds 52,937 such edges among 95k product names; the linker needs only
    those that can lead from a segment keyword to a product a company makes: every ancestor edge of
    a product name (cycle-safe).
    """
    parents: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.get("rel") == "产品小类":
            a, b = str(r.get("from_entity") or "").strip(), str(r.get("to_entity") or "").strip()
            if a and b and a != b:
                parents[b].add(a)
    keep: set[tuple[str, str]] = set()
    stack = sorted(p for p in products if p in parents)
    seen = set(stack)
    while stack:
        child = stack.pop()
        for parent in parents.get(child, ()):
            keep.add((parent, child))
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return [{"parent": a, "child": b} for a, b in sorted(keep)]


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in columns})


def build_excerpt(src: str | Path, dest: str | Path) -> dict[str, int]:
    """Write the excerpt files into ``dest``; return their row counts."""
    src, dest = Path(src), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    t = build_tables(src)
    _write_csv(dest / COMPANIES_FILE, COMPANY_COLUMNS, t["companies"])
    _write_csv(dest / PRODUCTS_FILE, PRODUCT_COLUMNS, t["products"])
    _write_csv(dest / INDUSTRIES_FILE, INDUSTRY_COLUMNS, t["industries"])
    _write_csv(dest / PRODUCT_GRAPH_FILE, PRODUCT_GRAPH_COLUMNS, t["product_graph"])
    return {
        COMPANIES_FILE: len(t["companies"]),
        PRODUCTS_FILE: len(t["products"]),
        INDUSTRIES_FILE: len(t["industries"]),
        PRODUCT_GRAPH_FILE: len(t["product_graph"]),
    }


# --------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m ingest.public.chainkg_build",
        description="从 ChainKnowledgeGraph 与 tushare stock_basic 原始文件生成 ingest/data/public/ 摘录（维护者运行一次）。",
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build-excerpt", help="build ingest/data/public/ excerpt from the original files")
    b.add_argument("src", help="folder holding chainkg/ and a_share_province/")
    b.add_argument("dest", nargs="?", default=str(PUBLIC_DIR), help="output folder (default: ingest/data/public)")
    args = p.parse_args(argv)
    counts = build_excerpt(args.src, args.dest)
    for name, n in counts.items():
        print(f"{name}: {n} 行")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
