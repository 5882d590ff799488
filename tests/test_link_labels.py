"""Listed companies ChainKnowledgeGraph lacks (tushare's list) and what tushare's industry label says in 申万
terms: the excerpt, the label map, and the label as industry evidence of lower confidence."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import ingest.linking as lk
from ingest.public import chainkg as ck
from ingest.public import tushare as ts

BOM = "\ufeff"


def _comp(rows: list[tuple[str, str, str | None, str | None]]) -> pl.DataFrame:
    """code, name, 申万 L3 (or None), tushare label (or None)."""
    return pl.DataFrame(
        [{"code": c, "name": n, "sw_l3_code": l3, "sw_l2_code": l3[:4] + "00" if l3 else None, "sw_l1_code": l3[:2] + "0000" if l3 else None,
          "ts_industry": lab} for c, n, l3, lab in rows],
        schema={"code": pl.Utf8, "name": pl.Utf8, "sw_l3_code": pl.Utf8, "sw_l2_code": pl.Utf8, "sw_l1_code": pl.Utf8, "ts_industry": pl.Utf8},
    )  # fmt: skip


def _prod(rows: list[tuple[str, str, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"code": pl.Utf8, "product": pl.Utf8, "share": pl.Float64}, orient="row")


def _segs(rows: list[tuple]) -> pl.DataFrame:
    cols = ["id", "chain_id", "name", "parent_id", "sw_codes", "gbt4754", "keywords"]
    return pl.DataFrame([dict(zip(cols, r)) for r in rows], schema={c: pl.Utf8 for c in cols})


# a label map as learned from companies with both: 白酒 names 白酒Ⅲ decisively, 半导体 spreads over the chip codes
LABELS = pl.DataFrame(
    {"ts_industry": ["白酒", "半导体", "半导体", "半导体", "小金属", "小金属", "小金属"],
     "code": ["340501", "270104", "270103", "270601", "240504", "240603", "240601"],
     "p": [0.95, 0.21, 0.11, 0.06, 0.27, 0.08, 0.06], "n": [20, 85, 85, 85, 52, 52, 52]},
)  # fmt: skip
SEMI = [
    ("U-SI", "IC", "硅片", None, "270103", None, "硅片"),
    ("U-TGT", "IC", "溅射靶材", None, "270103", None, "靶材"),
    ("U-GAS", "IC", "电子特气", None, "270103;270601", None, "电子特气;电子气体"),
    ("M-DIG", "IC", "数字芯片", None, "270104", None, "微处理器;存储芯片"),
]


def test_tushare_only_excerpt_is_keyed_by_code_and_merged_by_the_loader(tmp_path: Path):
    src = tmp_path / "src"
    (src / "a_share_province").mkdir(parents=True)
    (src / "a_share_province" / "stock_basic.csv").write_bytes(
        (BOM + "ts_code,symbol,name,area,industry,list_date\n688981.SH,688981,中芯国际,上海,半导体,20200716\n"
         "600000.SH,600000,浦发银行,上海,银行,19991110\n920185.BJ,920185,贝特瑞,深圳,化工原料,20200727\n").encode("utf-8")
    )  # fmt: skip
    dest = tmp_path / "public"
    dest.mkdir()
    (dest / ck.COMPANIES_FILE).write_text("code,name,sw_l3_code,ts_industry\n600000.SH,浦发银行,480301,银行\n", encoding="utf-8")
    assert ts.build_excerpt(src, dest) == {ts.TUSHARE_FILE: 2}
    rows = ts.load_tushare_only(dest).rows(named=True)
    assert [r["code"] for r in rows] == ["688981.SH", "920185.BJ"]  # 600000 is already in the ChainKnowledgeGraph excerpt
    assert rows[0] == {"code": "688981.SH", "name": "中芯国际", "exchange": "SH", "province": "上海", "list_date": "2020-07-16", "ts_industry": "半导体"}
    merged = ck.load_companies(dest)
    assert merged.get_column("code").to_list() == ["600000.SH", "688981.SH", "920185.BJ"]
    assert merged.filter(pl.col("code") == "688981.SH").get_column("sw_l3_code").item() is None  # no 申万 code: unknown, not guessed
    assert ck.load_companies(dest / ck.COMPANIES_FILE).height == 1  # a file path reads that file only


def test_shipped_excerpt_adds_the_companies_listed_after_2021():
    comp = ck.load_companies()
    codes = set(comp.get_column("code").to_list())
    assert {"688981.SH", "688072.SH", "688396.SH", "688120.SH"} <= codes  # 中芯国际, 拓荆科技, 华润微, 华海清科
    assert comp.get_column("code").n_unique() == comp.height
    only = ts.load_tushare_only()
    assert only.height > 1000 and not set(only.get_column("code").to_list()) & set(ck.load_companies(ck.PUBLIC_DIR / ck.COMPANIES_FILE).get_column("code").to_list())
    assert "tushare" in (ck.PUBLIC_DIR / "SOURCES.md").read_text(encoding="utf-8") and ts.TUSHARE_FILE in (ck.PUBLIC_DIR / "SOURCES.md").read_text(encoding="utf-8")


def test_shipped_label_map_is_learned_from_companies_with_both():
    m = ts.shipped_label_map()
    wine = m.filter(pl.col("ts_industry") == "白酒").sort("p", descending=True).row(0, named=True)
    assert wine["code"] == "340501" and wine["p"] >= 0.9  # 白酒 names 白酒Ⅲ decisively
    semi = m.filter(pl.col("ts_industry") == "半导体")
    assert semi.height >= 5 and semi.get_column("p").max() < 0.5  # 半导体 does not name one 申万 L3
    assert (m.get_column("p") >= ts.MIN_LABEL_SHARE).all()


def test_a_decisive_label_places_a_company_without_sw_code_as_likely_with_low_evidence():
    segs = _segs([("B-WINE", "FOOD", "白酒", None, "340501", None, "白酒;浓香型白酒")])
    prof = lk.listed_profiles(_comp([("X.SH", "某酒业", None, "白酒")]), _prod([]), label_map=LABELS)
    out = lk.link(segs, prof)
    row = out.row(0, named=True)
    assert (row["enterprise_id"], row["segment_id"], row["confidence"]) == ("X.SH", "B-WINE", "likely")
    assert row["evidence"] == pytest.approx(0.3)  # lower than a decisive 申万 code (0.6)
    assert row["source"] == "证券行业标签匹配(白酒，对应申万340501)；ChainKnowledgeGraph"


def test_a_spread_label_only_lets_the_name_choose():
    # 半导体 points at all four segments (p 0.06–0.21): nobody is placed by the label alone; the name's material
    # (有研硅 ~ 硅片) or head word (广钢气体 ~ 电子气体) chooses among them; a name that says nothing places nobody
    comp = _comp([("YYG.SH", "有研硅", None, "半导体"), ("GG.SH", "广钢气体", None, "半导体"), ("ZX.SH", "中芯国际", None, "半导体")])
    out = lk.link(_segs(SEMI), lk.listed_profiles(comp, _prod([]), label_map=LABELS))
    assert set(out.select("enterprise_id", "segment_id", "confidence").rows()) == {("YYG.SH", "U-SI", "likely"), ("GG.SH", "U-GAS", "likely")}
    assert (out.get_column("evidence") < 0.5).all()


def test_a_label_that_moved_away_from_the_sw_code_is_a_second_sector():
    # 雅化集团: 申万 2021 民爆制品, tushare 小金属 now; its 锂盐 line (39 %) stands alone in the lithium segment.
    # 三安光电-like: a label that agrees with its own 申万 sector adds nothing (products outside it stay out).
    segs = _segs([("L-LI", "LIB", "锂盐", None, "240603", None, "锂盐;碳酸锂")])
    comp = _comp([("YH.SZ", "雅化集团", "220307", "小金属"), ("OT.SZ", "某民爆", "220307", None)])
    prod = _prod([("YH.SZ", "炸药", 0.55), ("YH.SZ", "锂盐", 0.39), ("OT.SZ", "炸药", 0.6), ("OT.SZ", "锂盐", 0.3)])
    out = lk.link(segs, lk.listed_profiles(comp, prod, label_map=LABELS))
    assert set(out.select("enterprise_id", "segment_id", "confidence").rows()) == {("YH.SZ", "L-LI", "likely")}


def test_labels_are_off_for_lists_without_them():
    prof = lk.listed_profiles(_comp([("A.SH", "甲", "270104", None)]).drop("ts_industry"), _prod([]))
    assert prof.labels is None
    rules = lk.LinkRules(label_decisive=None)
    prof = lk.listed_profiles(_comp([("X.SH", "某酒业", None, "白酒")]), _prod([]), label_map=LABELS)
    assert lk.link(_segs([("B", "F", "白酒", None, "340501", None, "白酒")]), prof, rules).is_empty()
