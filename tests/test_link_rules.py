"""Linking rules of the second round (issue 10), one synthetic case each: what the development samples showed."""

from __future__ import annotations

import polars as pl
import pytest

import ingest.linking as lk
from ingest.linking import text as T

NO_GRAPH = pl.DataFrame(schema={"parent": pl.Utf8, "child": pl.Utf8})


def _segs(rows: list[tuple]) -> pl.DataFrame:
    cols = ["id", "chain_id", "name", "parent_id", "sw_codes", "gbt4754", "keywords"]
    return pl.DataFrame([dict(zip(cols, r)) for r in rows], schema={c: pl.Utf8 for c in cols})


def _listed(rows: list[tuple], products: list[tuple[str, str, float | None]], full: dict[str, str] | None = None) -> lk.Profiles:
    comp = pl.DataFrame(
        [{"code": c, "name": n, "fullname": (full or {}).get(c), "sw_l3_code": l3, "sw_l2_code": l3[:4] + "00" if l3 else None,
          "sw_l1_code": l3[:2] + "0000" if l3 else None} for c, n, l3 in rows],
        schema={"code": pl.Utf8, "name": pl.Utf8, "fullname": pl.Utf8, "sw_l3_code": pl.Utf8, "sw_l2_code": pl.Utf8, "sw_l1_code": pl.Utf8},
    )  # fmt: skip
    return lk.listed_profiles(comp, pl.DataFrame(products, schema={"code": pl.Utf8, "product": pl.Utf8, "share": pl.Float64}, orient="row"))


def _pairs(df: pl.DataFrame) -> set[tuple[str, str, str]]:
    return set(df.select("enterprise_id", "segment_id", "confidence").rows())


IC = [
    ("U-MAT", "IC", "半导体材料", None, None, None, "半导体材料"),
    ("U-SI", "IC", "硅片", "U-MAT", "270103", None, "硅片"),
    ("U-TGT", "IC", "溅射靶材", "U-MAT", "270103", None, "靶材"),
    ("M-CHIP", "IC", "芯片设计", None, None, None, "芯片;芯片设计"),
    ("M-DIG", "IC", "数字芯片", "M-CHIP", "270104", None, "微处理器;存储芯片"),
    ("U-EDA", "IC", "EDA与IP", None, "270104", None, "EDA;IP授权"),
    ("M-PKG", "IC", "封装测试", None, "270107", None, "封装测试;封测"),
]


def test_a_product_only_link_needs_the_keyword_to_head_the_product():
    # 芯片封装 is packaging (the keyword 芯片 only modifies it); 有机硅制品 is 有机硅 (制品 is a generic tail)
    segs = _segs(IC + [("C-SI", "CHM", "有机硅", None, "220316", None, "有机硅")])
    prof = _listed([("JF.SH", "晶方", "270107"), ("XA.SH", "新安", "220316")], [("JF.SH", "芯片封装", 0.99), ("XA.SH", "有机硅制品", 0.6)])
    out = lk.link(segs, prof, graph=NO_GRAPH)
    assert ("JF.SH", "M-CHIP", "likely") not in _pairs(out)
    assert ("XA.SH", "C-SI", "confirmed") in _pairs(out)
    tk = T.tokenizer(["芯片", "有机硅"])
    assert T.keyword_hits(tk, "芯片封装", ["芯片"]) == {"芯片": T.INNER}


def test_generic_tails_and_separators_keep_the_keyword_the_head():
    tk = T.tokenizer(["有机硅", "甲醇", "原料药", "动力锂电池"])
    assert T.keyword_hits(tk, "有机硅制品", ["有机硅"]) == {"有机硅": 1.0}
    assert T.keyword_hits(tk, "甲醇-自产", ["甲醇"]) == {"甲醇": 1.0}
    assert T.keyword_hits(tk, "原料药与医药中间体", ["原料药"]) == {"原料药": 1.0}
    assert T.keyword_hits(tk, "动力锂电池组", ["动力锂电池"]) == {"动力锂电池": 1.0}
    assert T.keyword_hits(tk, "甲醇燃料", ["甲醇"]) == {"甲醇": T.INNER}


def test_a_parent_segment_without_codes_is_judged_by_its_sub_segments_codes():
    # 芯片设计 has no 申万 code; a printer-consumables firm (电子化学品 270601) selling 耗材芯片 is outside the
    # chip designers' sector (270104) and not placed; a chip firm (270105, same L2 2701) is
    segs = _segs(IC)
    prof = _listed([("DL.SZ", "鼎龙", "270601"), ("AN.SH", "模拟", "270105")], [("DL.SZ", "耗材芯片", 0.9), ("AN.SH", "电源芯片", 0.9)])
    out = lk.link(segs, prof, graph=NO_GRAPH)
    assert _pairs(out) == {("AN.SH", "M-CHIP", "likely")}


def test_a_shared_code_the_data_resolve_is_decisive():
    # 270104 is on 数字芯片 and on EDA: of the firms with products and that code, most make 数字芯片's products and
    # none EDA's, so a 270104 firm without products is placed on 数字芯片 (not on EDA)
    segs = _segs(IC)
    ref_rows = [(f"R{i}.SH", f"设计{i}", "270104") for i in range(4)] + [("RX.SH", "瑞芯", "270104")]
    ref_prod = [(f"R{i}.SH", p, 0.8) for i, p in enumerate(["微处理器", "存储芯片", "存储芯片", "射频模组"])]
    ref = _listed(ref_rows, ref_prod)
    out = lk.link(segs, _listed([("RX.SH", "瑞芯", "270104")], []), reference=ref, graph=NO_GRAPH)
    assert _pairs(out) == {("RX.SH", "M-DIG", "likely")}
    off = lk.link(segs, _listed([("RX.SH", "瑞芯", "270104")], []), lk.LinkRules(resolve_coverage=None), reference=ref, graph=NO_GRAPH)
    assert off.is_empty()  # without the rule the shared code places nobody


def test_a_name_that_names_a_keywords_material_chooses_for_a_firm_without_products():
    # 上海硅产业: no product rows, 270103 shared by 硅片 and 靶材: the name's word 硅 is 硅片's material
    segs = _segs(IC)
    prof = _listed([("HG.SH", "沪硅产业", "270103"), ("SG.SH", "神工", "270103")], [], full={"HG.SH": "上海硅产业集团股份有限公司", "SG.SH": "锦州神工半导体股份有限公司"})
    out = lk.link(segs, prof, graph=NO_GRAPH)
    assert _pairs(out) == {("HG.SH", "U-SI", "likely")}
    # with products, the products speak: the name's material is not used
    prof = _listed([("HG.SH", "沪硅产业", "270103")], [("HG.SH", "技术服务", 0.9)], full={"HG.SH": "上海硅产业集团股份有限公司"})
    assert lk.link(segs, prof, graph=NO_GRAPH).is_empty()
    assert T.material_stems(["硅片", "靶材", "隔膜", "铜箔"]) == {"硅": ["硅片"], "铜": ["铜箔"]}


def test_a_weak_name_match_must_point_at_one_segment():
    # 某某电池: the name's head word 电池 heads 储能电池 and 消费类电池 alike, both on the shared code: it cannot choose
    segs = _segs([("M-ESS", "LIB", "储能电池", None, "630701", None, "储能电池"), ("M-CON", "LIB", "消费类电池", None, "630701", None, "消费类电池")])
    prof = _listed([("GY.SH", "冠宇", "630701")], [], full={"GY.SH": "珠海冠宇电池股份有限公司"})
    assert lk.link(segs, prof, graph=NO_GRAPH).is_empty()


def test_items_of_a_nested_line_have_no_share_of_their_own():
    # TCL中环: 含硅片, 电池, 组件 all carry the 0.868 of the line they belong to: 组件 is not 87 % of revenue
    prof = _listed([("ZH.SZ", "中环", "630501")], [("ZH.SZ", "半导体光伏材料", 0.92), ("ZH.SZ", "含硅片", 0.868), ("ZH.SZ", "电池", 0.868), ("ZH.SZ", "组件", 0.868)])
    shares = dict(prof.terms.select("term", "share").rows())
    assert shares == {"半导体光伏材料": 0.92, "含硅片": None, "电池": None, "组件": None}
    segs = _segs([("P-MOD", "PV", "光伏组件", None, "630502", None, "组件;光伏组件")])
    assert lk.link(segs, prof, graph=NO_GRAPH).is_empty()  # an unknown share does not stand alone
