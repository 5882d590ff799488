"""ingest.linking (ingest/link.py): placing enterprises on segments.

Two layers:

* small synthetic cases, one per rule (what matches, what does not, and the
  evidence written into ``source`` / ``confidence`` / ``share``);
* precision and recall on ``tests/fixtures/link_sample.csv``: 50 real listed
  companies drawn at random (seed 20261127) — 30 whose 申万 industry is named
  by some demo segment, 10 from the same sectors but other industries, 10 from
  other sectors — each labelled by hand with the demo segments it truly
  belongs to (any chain; most specific segment; a product line counts when it
  is ≥ about 10 % of revenue or clearly core), from its real business and
  main products, before the linker was run on it. ``basis`` says why.
  Labels were not edited afterwards.

Scoring: a predicted (company, segment) is right when the segment is a label
or an ancestor of one (``PART_OF``); a label is recalled when it or one of
its ancestors is predicted.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from ingest import link as lk
from ingest.public import chainkg as ck

FIXTURE = Path(__file__).parent / "fixtures" / "link_sample.csv"
SEGMENTS = Path(__file__).resolve().parents[1] / "data" / "demo" / "segments.csv"


# --------------------------------------------------------------------------
# synthetic cases
# --------------------------------------------------------------------------


def _segs(rows: list[tuple]) -> pl.DataFrame:
    cols = ["id", "chain_id", "name", "parent_id", "sw_codes", "gbt4754", "keywords"]
    return pl.DataFrame([dict(zip(cols, r)) for r in rows], schema={c: pl.Utf8 for c in cols})


def _listed(rows: list[tuple[str, str, str]], products: list[tuple[str, str, float | None]]):
    comp = pl.DataFrame(
        [
            {"code": c, "name": n, "sw_l3_code": l3, "sw_l2_code": l3[:4] + "00" if l3 else None, "sw_l1_code": l3[:2] + "0000" if l3 else None}
            for c, n, l3 in rows
        ],
        schema={"code": pl.Utf8, "name": pl.Utf8, "sw_l3_code": pl.Utf8, "sw_l2_code": pl.Utf8, "sw_l1_code": pl.Utf8},
    )
    prod = pl.DataFrame(products, schema={"code": pl.Utf8, "product": pl.Utf8, "share": pl.Float64}, orient="row")
    return lk.listed_profiles(comp, prod)


def _pairs(df: pl.DataFrame) -> set[tuple[str, str, str]]:
    return set(df.select("enterprise_id", "segment_id", "confidence").rows())


BAT = [
    ("S-MAT", "BAT", "锂电关键材料", None, "630702", None, "锂电池材料"),
    ("S-CAT", "BAT", "正极材料", "S-MAT", "630702", None, "正极材料;三元材料;锂电池材料"),
    ("S-ANO", "BAT", "负极材料", "S-MAT", "630702", None, "负极材料"),
    ("S-CELL", "BAT", "电芯", None, "630701", None, "锂电池;电芯"),
    ("S-EQ", "BAT", "锂电设备", None, "630703", None, "锂电池设备"),
    ("S-PV", "PV", "光伏支架", None, "630504", None, "支架"),
]


def test_confirmed_needs_industry_and_product_and_share_is_capped():
    prof = _listed(
        [("A.SH", "甲", "630702")],
        [("A.SH", "三元正极材料", 0.8), ("A.SH", "高镍三元材料", 0.7), ("A.SH", "其他", None)],
    )
    out = lk.link(_segs(BAT), prof)
    row = out.row(by_predicate=pl.col("segment_id") == "S-CAT", named=True)
    assert row["confidence"] == "confirmed"
    assert row["share"] == 1.0  # 0.8 + 0.7 capped at 1
    assert row["source"] == "申万行业匹配(630702)+主营产品匹配(三元正极材料、高镍三元材料)；ChainKnowledgeGraph"
    # 630702 is shared by three segments of the chain: no industry-only link to the anode segment
    assert set(out.get_column("segment_id").to_list()) == {"S-CAT"}


def test_sw_descendant_match_and_decisive_code():
    # the segment names L2 630700; the company's L3 630701 is inside it and the code is unique in its chain
    segs = _segs([("S1", "X", "电池", None, "630700", None, "锂电池")])
    prof = _listed([("B.SZ", "乙", "630701")], [("B.SZ", "动力电池系统", 0.9)])
    out = lk.link(segs, prof)
    assert _pairs(out) == {("B.SZ", "S1", "likely")}
    assert out.get_column("source").to_list() == ["申万行业匹配(630700)；ChainKnowledgeGraph"]
    # an enterprise in a sibling L2 does not match
    prof2 = _listed([("C.SZ", "丙", "630501")], [("C.SZ", "硅片", 0.9)])
    assert lk.link(segs, prof2).is_empty()


def test_gbt_codes_of_a_bureau_list():
    segs = _segs([("S1", "X", "电池制造", None, None, "C384", "电芯")])
    ents = pl.DataFrame({"编号": ["E1", "E2"], "企业名称": ["示例电池厂", "示例服装厂"], "国标行业代码": ["3841", "1810"], "主营产品": ["电芯；电池模组", "衬衫"]})
    out = lk.link_table(segs, ents, reference=lk.table_profiles(ents))
    assert _pairs(out) == {("E1", "S1", "confirmed")}
    assert out.get_column("source").to_list() == ["国标行业匹配(384)+主营产品匹配(电芯)；企业名录"]


def test_bureau_list_with_names_only_links_by_name():
    segs = _segs([("S1", "X", "隔膜", None, None, None, "隔膜"), ("S2", "X", "电芯", None, None, None, "电芯")])
    ents = pl.DataFrame({"id": ["L1", "L2"], "name": ["示例市恒瑞隔膜科技有限公司", "示例市某某贸易有限公司"]})
    out = lk.link_table(segs, ents, reference=lk.table_profiles(ents))
    assert _pairs(out) == {("L1", "S1", "likely")}
    assert out.get_column("source").to_list() == ["企业名称匹配(示例市恒瑞隔膜科技有限公司)；企业名录"]


def test_equipment_and_service_context_words():
    prof = _listed(
        [("D.SZ", "丁", "630703"), ("E.SZ", "戊", "640203")],
        [("D.SZ", "锂电池设备", 0.9), ("D.SZ", "锂电池检测服务", 0.2), ("E.SZ", "制造矿山机械设备", 0.6)],
    )
    segs = _segs(BAT + [("S-MIN", "CM", "矿山机械", None, "640203", None, "矿山机械")])
    out = lk.link(segs, prof)
    # 锂电池设备 is equipment: S-EQ (keyword names equipment) yes, S-CELL (battery) no
    assert ("D.SZ", "S-EQ", "confirmed") in _pairs(out)
    assert not out.filter((pl.col("enterprise_id") == "D.SZ") & (pl.col("segment_id") == "S-CELL")).height
    # 矿山机械设备 is mining machinery: the keyword itself names equipment
    assert ("E.SZ", "S-MIN", "confirmed") in _pairs(out)


def test_for_use_products_are_not_the_thing():
    segs = _segs([("S-PCB", "ECP", "印制电路板", None, "270202", None, "PCB"), ("S-CHEM", "IC", "电子化学品", None, "270601", None, "化学试剂")])
    prof = _listed([("F.SZ", "己", "270601")], [("F.SZ", "PCB用化学试剂", 0.3)])
    out = lk.link(segs, prof)
    assert _pairs(out) == {("F.SZ", "S-CHEM", "confirmed")}


def test_longest_keyword_and_parent_keeps_shared_keyword():
    segs = _segs(
        [
            ("P", "PHA", "原料药", None, "370101", None, "原料药"),
            ("P1", "PHA", "大宗原料药", "P", "370101", None, "维生素;原料药"),
            ("P2", "PHA", "特色原料药", "P", "370101", None, "特色原料药"),
        ]
    )
    prof = _listed([("G.SH", "庚", "370101")], [("G.SH", "原料药", 0.5), ("G.SH", "特色原料药", 0.4)])
    out = lk.link(segs, prof)
    # "特色原料药" counts for P2 only (longest keyword); plain "原料药" counts for the parent P, not P1;
    # P is then dropped because its sub-segment P2 is linked (most specific)
    assert set(out.get_column("segment_id").to_list()) == {"P2"}


def test_part_words_need_the_industry_to_agree():
    segs = _segs(
        [
            ("S-PHONE", "DSP", "智能手机", None, "270503", None, "手机"),
            ("S-BODY", "NEV", "车身及内外饰", None, "280205", None, "车身"),
            ("S-CELL", "BAT", "电芯", None, "630701", None, "锂离子电池"),
        ]
    )
    prof = _listed(
        [("R.SZ", "甲", "270504"), ("T.SH", "乙", "280205"), ("U.SZ", "丙", "270503"), ("V.SZ", "丁", "630702")],
        [
            ("R.SZ", "手机天线", 0.8),  # an antenna maker is not a phone maker
            ("T.SH", "车身零部件", 0.8),  # an auto-parts maker's body parts are the segment itself
            ("U.SZ", "手机", 0.9),
            ("V.SZ", "锂离子电池负极材料", 0.9),  # a material for batteries, not a battery
        ],
    )
    out = lk.link(segs, prof, lk.LinkRules(min_coverage=None))
    assert _pairs(out) == {("T.SH", "S-BODY", "confirmed"), ("U.SZ", "S-PHONE", "confirmed")}
    assert not lk._is_part_of("锂电铜箔", "铜箔", lk.PART_WORDS) and lk._is_part_of("手机精密连接器", "手机", lk.PART_WORDS)


def test_one_product_one_place_per_chain():
    segs = _segs([("A", "C", "电芯", None, "630701", None, "电池"), ("B", "C", "储能", None, "630306", None, "电池")])
    prof = _listed([("H.SZ", "辛", "630701")], [("H.SZ", "储能电池", 0.9)])
    out = lk.link(segs, prof)
    assert _pairs(out) == {("H.SZ", "A", "confirmed")}  # B would rest on the same product without industry support


def test_materiality_and_sector_rules_for_product_only_links():
    prof = _listed(
        [("J.SH", "壬", "640203"), ("K.SH", "癸", "280401"), ("M.SH", "子", "630502"), ("N.SH", "丑", "370201")],
        [
            ("J.SH", "液压支架", 0.6),  # other sector: coal-mining machinery is not PV mounting
            ("K.SH", "电动车", 0.07),  # side line (< 10 %)
            ("K.SH", "自行车", 0.8),
            ("M.SH", "光伏支架", 0.3),  # same L2 as the segment's code (6305xx): kept
            ("N.SH", "冻干粉针剂", 0.5),  # 中药 is not 化学制剂
        ],
    )
    segs = _segs(
        BAT
        + [
            ("S-EB", "BAT", "电动两轮车", None, "280402", None, "电动车"),
            ("S-INJ", "PHA", "注射剂", None, "370102", None, "冻干粉针"),
        ]
    )
    out = lk.link(segs, prof)
    assert _pairs(out) == {("M.SH", "S-PV", "likely")}


def test_placeholder_products_confirm_but_do_not_stand_alone():
    segs = _segs([("S1", "X", "储能系统", None, "630306", None, "储能")])
    # L.SZ: industry matches; its only matching product has no figure (business scope) -> confirms
    # Q.SZ: other industry, same product without a figure -> no link
    prof = _listed(
        [("L.SZ", "寅", "630306"), ("Q.SZ", "卯", "630304")], [("L.SZ", "储能系统", None), ("L.SZ", "电源", 0.9), ("Q.SZ", "储能系统", None), ("Q.SZ", "开关", 0.9)]
    )
    out = lk.link(segs, prof, lk.LinkRules(min_coverage=None))
    assert _pairs(out) == {("L.SZ", "S1", "confirmed")}
    assert out.get_column("share").to_list() == [None]


def test_min_confidence_filter_and_write(tmp_path):
    prof = _listed([("A.SH", "甲", "630702"), ("B.SZ", "乙", "630701")], [("A.SH", "三元正极材料", 0.8), ("B.SZ", "电芯", None)])
    segs = _segs(BAT)
    all_links = lk.link(segs, prof)
    conf = lk.link(segs, prof, min_confidence="confirmed")
    assert set(conf.get_column("confidence").to_list()) == {"confirmed"}
    assert conf.height < all_links.height or all_links.get_column("confidence").eq("confirmed").all()
    out = tmp_path / "es.csv"
    lk.write_links(all_links, out)
    assert out.read_text(encoding="utf-8").splitlines()[0] == "enterprise_id,segment_id,share,source,confidence,evidence"


def test_cli_link_on_demo_segments(tmp_path, capsys):
    from cli import main

    out = tmp_path / "es.csv"
    assert main(["link", "--dataset", str(SEGMENTS.parent), "--out", str(out), "--quiet"]) == 0
    df = pl.read_csv(out, infer_schema=False)
    assert df.columns == lk.LINK_COLUMNS
    assert df.height > 1000
    assert df.select(pl.col("enterprise_id").str.contains(r"^\d{6}\.(SH|SZ|BJ)$").all()).item()
    assert set(df.get_column("confidence").unique().to_list()) <= {"confirmed", "likely"}
    assert main(["link", "--out", str(out)]) == 2  # neither --segments nor --dataset


# --------------------------------------------------------------------------
# the hand-labelled sample
# --------------------------------------------------------------------------


def _score(pred: pl.DataFrame, labels: dict[str, set[str]], parent: dict[str, str]) -> dict[str, float]:
    def ancestors(s: str) -> list[str]:
        out = []
        while s in parent and parent[s] not in out:
            s = parent[s]
            out.append(s)
        return out

    tp = fp = hit = total = 0
    for code, truth in labels.items():
        ok = truth | {a for t in truth for a in ancestors(t)}
        got = set(pred.filter(pl.col("enterprise_id") == code).get_column("segment_id").to_list())
        tp += len(got & ok)
        fp += len(got - ok)
        for t in truth:
            total += 1
            hit += t in got or any(a in got for a in ancestors(t))
    return {"n": tp + fp, "tp": tp, "fp": fp, "precision": tp / (tp + fp) if tp + fp else 0.0, "recall": hit / total if total else 0.0}


@pytest.fixture(scope="module")
def sample_result():
    lab = pl.read_csv(FIXTURE, infer_schema=False)
    segments = lk.read_segments(SEGMENTS)
    codes = lab.get_column("code").to_list()
    comp, prod = ck.load_companies(), ck.load_products()
    reference = lk.listed_profiles(comp, prod)  # ratios measured on all listed companies, as in production
    sample = lk.listed_profiles(comp.filter(pl.col("code").is_in(codes)), prod.filter(pl.col("code").is_in(codes)))
    pred = lk.link(segments, sample, reference=reference)
    labels = {c: set(lk.split_list(v)) for c, v in lab.select("code", "segments").rows()}
    parent = {a: b for a, b in segments.select("id", "parent_id").rows() if b}
    return lab, segments, pred, labels, parent


def test_sample_is_well_formed(sample_result):
    lab, segments, _, labels, _ = sample_result
    assert lab.height == 50 and lab.get_column("code").n_unique() == 50
    known = set(segments.get_column("id").to_list())
    unknown = {s for v in labels.values() for s in v} - known
    assert not unknown, f"labels name segments that data/demo/segments.csv no longer has: {sorted(unknown)}"
    assert sum(1 for v in labels.values() if not v) >= 10  # companies that belong nowhere are part of the test
    comp = ck.load_companies()
    assert set(lab.get_column("code").to_list()) <= set(comp.get_column("code").to_list())


def test_sample_precision_and_recall(sample_result):
    _, _, pred, labels, parent = sample_result
    confirmed = _score(pred.filter(pl.col("confidence") == "confirmed"), labels, parent)
    every = _score(pred, labels, parent)
    print(f"\nconfirmed links: {confirmed}\nall links: {every}")
    # acceptance criterion: linking is right for at least 90 % of the sample's links —
    # all emitted links, 已确认 (confirmed) and 待核实 (likely) alike
    assert every["precision"] >= 0.9, every
    assert every["n"] >= 20, every  # not bought by emitting next to nothing
    assert every["recall"] >= 0.35, every
    # 已确认 (confirmed) links are what the app presents as established
    assert confirmed["precision"] >= 0.9, confirmed
    assert confirmed["n"] >= 12, confirmed


def test_linking_all_listed_companies():
    # no timed assertion here (a shared machine makes it flaky); `indmap link` prints its own run time
    segments = lk.read_segments(SEGMENTS)
    out = lk.link_listed(segments)
    assert out.get_column("enterprise_id").n_unique() >= 1000
    assert out.select(pl.struct("enterprise_id", "segment_id").is_unique().all()).item()
    s = out.get_column("share").drop_nulls()
    assert ((s > 0) & (s <= 1)).all()


# --------------------------------------------------------------------------
# issue 10: what an expert would name
# --------------------------------------------------------------------------

IC = [
    ("U-MAT", "IC", "半导体材料", None, None, None, "半导体材料"),
    ("U-SI", "IC", "硅片", "U-MAT", "270103", None, "硅片;硅材料"),
    ("U-TGT", "IC", "溅射靶材", "U-MAT", "270103", None, "靶材"),
    ("U-CMP", "IC", "CMP抛光材料", "U-MAT", "270103", None, "抛光液;抛光垫"),
    ("U-WET", "IC", "湿电子化学品", "U-MAT", "270601", None, "湿电子化学品"),
    ("U-GAS", "IC", "电子特气", "U-MAT", "270601", None, "电子特气"),
]
PCB = [
    ("M-PCB", "ECP", "印制电路板", None, "270202", None, "印制电路板"),
    ("M-HDI", "ECP", "多层板", "M-PCB", "270202", None, "多层板;HDI"),
    ("M-SUB", "ECP", "IC封装载板", "M-PCB", "270202", None, "封装基板;载板"),
]


def _listed_full(rows, products):
    prof = _listed([(c, n, l3) for c, n, l3, _ in rows], products)
    full = pl.DataFrame({"enterprise_id": [r[0] for r in rows], "full_name": [r[3] for r in rows]})
    prof.names = prof.names.drop("full_name").join(full, on="enterprise_id", how="left")
    return prof


def test_trade_words_are_dropped_and_words_must_end_on_a_boundary():
    # "销售化学机械抛光液": 销售 is the trade, 机械 is part of the product's name (not equipment); the code 270601
    # places the firm in the chain (on two segments that share it), the strong product match picks the segment
    prof = _listed([("AJ.SH", "安集", "270601")], [("AJ.SH", "销售化学机械抛光液", 0.86), ("AJ.SH", "提供劳务", 0.005)])
    out = lk.link(_segs(IC), prof, graph=pl.DataFrame(schema={"parent": pl.Utf8, "child": pl.Utf8}))
    assert _pairs(out) == {("AJ.SH", "U-CMP", "likely")}
    assert out.get_column("source").item() == "主营产品匹配(销售化学机械抛光液)；ChainKnowledgeGraph"  # the product as the data names it
    # 电池 does not match 电池片 (a solar cell): the word ends later
    from ingest.linking import text as T

    tk = T.tokenizer(["电池"])
    assert T.keyword_hits(tk, "单晶电池片", ["电池"]) == {} and T.keyword_hits(tk, "动力电池", ["电池"]) == {"电池": 1.0}


def test_material_keyword_covers_its_sub_products():
    # 靶材 -> 铝靶, 钽靶 (the product names do not contain 靶材); the shared code 270103 is resolved by the products
    prof = _listed([("JF.SZ", "江丰", "270103")], [("JF.SZ", "铝靶", 0.28), ("JF.SZ", "钽靶", 0.23), ("JF.SZ", "钛环", 0.31)])
    out = lk.link(_segs(IC), prof)
    assert _pairs(out) == {("JF.SZ", "U-TGT", "confirmed")}
    assert out.get_column("share").item() == pytest.approx(0.51)
    assert "铝靶、钽靶" in out.get_column("source").item()


def test_shared_code_is_chosen_by_the_product_not_refused():
    # 封装基板 is 8 % of a PCB maker's revenue: with the code agreeing it places the firm on IC 载板 as well
    prof = _listed([("SN.SZ", "深南", "270202")], [("SN.SZ", "印制电路板", 0.76), ("SN.SZ", "封装基板", 0.079)])
    out = lk.link(_segs(PCB), prof)
    assert ("SN.SZ", "M-SUB", "confirmed") in _pairs(out)
    assert ("SN.SZ", "M-HDI", "confirmed") not in _pairs(out)


def test_full_name_is_weak_evidence_that_chooses_among_shared_codes():
    # no products at all; 270103 is shared by 硅片, 靶材, CMP: the full name says 硅材料
    prof = _listed_full([("YY.SH", "有研硅", "270103", "有研半导体硅材料股份公司")], [])
    out = lk.link(_segs(IC), prof)
    assert _pairs(out) == {("YY.SH", "U-SI", "likely")}
    assert "企业名称匹配(有研半导体硅材料股份公司)" in out.get_column("source").item()
    # a name alone never confirms, and without a code it places only firms without product data
    assert out.get_column("confidence").item() == "likely"


def test_no_product_data_keeps_a_decisive_code_link_as_likely():
    segs = _segs([("S-WT", "WND", "风电整机", None, "630601", None, "风电机组"), ("S-BL", "WND", "叶片", None, "630602", None, "叶片")])
    # the reference population says few 630601 firms make 风电机组 (coverage rule): still placed, since nothing else is known
    ref = _listed(
        [("R1", "甲", "630601"), ("R2", "乙", "630601"), ("R3", "丙", "630601"), ("NP", "无产品", "630601")],
        [("R1", "光伏组件", 0.9), ("R2", "电站运营", 0.9), ("R3", "齿轮", 0.9)],
    )
    prof = _listed([("NP", "无产品", "630601")], [])
    out = lk.link(segs, prof, reference=ref)
    assert _pairs(out) == {("NP", "S-WT", "likely")}
    assert out.get_column("evidence").item() == pytest.approx(0.6)


def test_product_graph_sub_products_and_cycles():
    graph = pl.DataFrame({"parent": ["储能系统", "户用储能柜", "储能系统"], "child": ["户用储能柜", "储能系统", "储能电站"]})  # a cycle
    segs = _segs([("S1", "X", "储能系统", None, None, None, "储能系统")])
    prof = _listed([("G.SZ", "寅", None)], [("G.SZ", "户用储能柜", 0.6)])
    out = lk.link(segs, prof, graph=graph)
    assert _pairs(out) == {("G.SZ", "S1", "likely")}
    from ingest.linking.evidence import graph_descendants

    assert graph_descendants(graph, ["储能系统"], 10) == {"户用储能柜": {"储能系统"}, "储能电站": {"储能系统"}}


def test_bad_input_is_reported():
    segs = _segs([("S1", "X", "隔膜", None, None, None, "隔膜"), ("S2", "X", "待定环节", None, None, None, None)])
    ents = pl.DataFrame({"id": ["L1", "L2"], "name": ["示例市恒瑞隔膜科技有限公司", "示例市某某贸易有限公司"]})
    report = lk.LinkReport()
    out = lk.link_table(segs, ents, reference=lk.table_profiles(ents), report=report)
    assert report.empty_segments == ["S2"] and report.names_only
    assert set(out.get_column("confidence").to_list()) == {"likely"}


def test_cli_summary_names_what_could_not_be_done(tmp_path, capsys):
    from cli import main

    seg = tmp_path / "segments.csv"
    _segs([("S1", "X", "隔膜", None, None, None, "隔膜"), ("S2", "X", "待定环节", None, None, None, None)]).write_csv(seg)
    ents = tmp_path / "ents.csv"
    pl.DataFrame({"编号": ["L1"], "企业名称": ["示例市恒瑞隔膜科技有限公司"]}).write_csv(ents)
    out = tmp_path / "es.csv"
    assert main(["link", "--segments", str(seg), "--enterprises", str(ents), "--out", str(out), "--review"]) == 0
    err = capsys.readouterr().err
    assert "只能按企业名称挂接" in err and "1 个环节既无关键词也无行业代码" in err and "S2" in err
    df = pl.read_csv(out, infer_schema=False)
    assert df.columns == lk.REVIEW_COLUMNS and df.get_column("confidence").to_list() == ["likely"]


def test_name_head_word_chooses_among_shared_codes_only():
    # 金宏气体: no products; its code 270601 is on 湿电子化学品 and 电子特气; the name's head word 气体 is the head of
    # 电子气体. The same head word without an industry code places nobody (too weak on its own).
    segs = _segs([s if s[0] != "U-GAS" else ("U-GAS", "IC", "电子特气", "U-MAT", "270601", None, "电子特气;电子气体") for s in IC])
    prof = _listed_full([("JH.SH", "金宏气体", "270601", "苏州金宏气体股份有限公司"), ("QT.SH", "某气体", None, "某某气体有限公司")], [])
    out = lk.link(segs, prof)
    assert _pairs(out) == {("JH.SH", "U-GAS", "likely")}


def test_auto_link_counts_the_unlinked_and_considers_only_those_with_something_to_link_by():
    """The summary of ingest.pipeline.auto_link: unlinked = enterprises without any link (the links of a
    validated dataset name known enterprises), considered = those of them carrying 国标行业/主营产品/经营范围."""
    from ingest.pipeline import auto_link
    from graph.view import conform
    from tests.small_tables import small_tables

    tables = {k: conform(k, v) for k, v in small_tables(6).items()}
    ent, es = tables["enterprises"], tables["enterprise_segments"]
    linked = set(es.get_column("enterprise_id"))
    dropped = sorted(linked)[:2]  # two linked enterprises lose their links, one of them has a 经营范围 ...
    still = sorted(linked)[-1]  # ... and so has one that keeps its links (not considered)
    tables["enterprise_segments"] = es.filter(~pl.col("enterprise_id").is_in(dropped))
    tables["enterprises"] = ent.with_columns(
        pl.when(pl.col("id").is_in([dropped[0], still])).then(pl.lit("锂离子电池制造；电池销售")).otherwise(None).alias("business_scope"),
        pl.lit(None, dtype=ent.schema["gbt4754"]).alias("gbt4754"), pl.lit(None, dtype=ent.schema["products"]).alias("products"),
    )  # fmt: skip
    _, summary = auto_link(tables)
    assert summary["unlinked"] == ent.height - len(linked) + 2
    assert summary["considered"] == 1
