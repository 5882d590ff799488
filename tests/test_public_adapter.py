"""The listed-company adapter (ingest/public/chainkg.py): source defects and the shipped excerpt."""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest

from ingest.public import chainkg as ck
from ingest.public import chainkg_build as ckb

BOM = "\ufeff"


# ---------------------------------------------------------------- codes


@pytest.mark.parametrize(
    "raw, exchange, want",
    [
        ("301079", None, "301079.SZ"),
        ("600373.SH", None, "600373.SH"),
        ("600373", None, "600373.SH"),
        ("000001.sz", None, "000001.SZ"),
        (" 688722 ", None, "688722.SH"),
        ("920019", None, "920019.BJ"),
        ("830799", None, "830799.BJ"),
        ("200053", None, "200053.SZ"),
        ("900901", None, "900901.SH"),
        ("sh600000", None, "600000.SH"),
        ("600000.SS", None, "600000.SH"),
        ("002502", "深圳证券交易所", "002502.SZ"),
        ("430047", "BJ", "430047.BJ"),
        ("平安银行", None, None),
        ("60037", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_normalize_code(raw, exchange, want):
    assert ck.normalize_code(raw, exchange) == want


def test_bare_and_suffixed_codes_are_one_company():
    assert ck.normalize_code("301079") == ck.normalize_code("301079.SZ")
    assert ck.normalize_code("600373") == ck.normalize_code("600373.SH")


# ---------------------------------------------------------------- rel_weight


@pytest.mark.parametrize(
    "w, want",
    [(0.510725, 0.510725), (1.0, 1.0), (1, 1.0), ("0.25", 0.25), (0.0, None), (-1.30708, None), (-59.019493, None),
     (1.004032, None), (3.198109, None), (0.001, None), (None, None), ("abc", None), (float("nan"), None)],
)  # fmt: skip
def test_reliable_share(w, want):
    assert ck.reliable_share(w) == want


# ---------------------------------------------------------------- BOMs


def test_parse_jsonl_with_bom():
    text = BOM + '{"code": "110000", "name": "农林牧渔"}\n\n{"code": "110100", "name": "种植业"}\n'
    rows = list(ckb.parse_jsonl(io.StringIO(text)))
    assert [r["code"] for r in rows] == ["110000", "110100"]


def test_read_jsonl_file_with_bom(tmp_path):
    p = tmp_path / "industry.json"
    p.write_bytes((BOM + '{"code": "110000", "name": "农林牧渔"}\n').encode("utf-8"))
    assert ckb.read_jsonl(p) == [{"code": "110000", "name": "农林牧渔"}]


def test_stock_basic_with_bom_keys_by_code():
    text = BOM + "ts_code,symbol,name,area,industry,list_date\n000001.SZ,000001,平安银行,深圳,银行,1991-04-03\n"
    rows = ckb.parse_stock_basic(io.StringIO(text))
    assert list(rows) == ["000001.SZ"]
    assert rows["000001.SZ"]["ts_code"] == "000001.SZ"  # the BOM did not stick to the first header


def test_excerpt_reader_strips_bom_and_keeps_leading_zeros(tmp_path):
    p = tmp_path / "listed_companies.csv"
    p.write_bytes((BOM + "code,name,province\n000001,平安银行,广东\n").encode("utf-8"))
    df = ck.load_companies(p)
    assert df.columns[0] == "code"
    assert df.get_column("code").to_list() == ["000001.SZ"]


# ---------------------------------------------------------------- duplicates


def test_duplicate_names_stay_distinct_companies():
    rows = [
        {"name": "东方明珠", "fullname": "东方明珠新媒体股份有限公司", "code": "600637.SH", "location": "上海证券交易所"},
        {"name": "东方明珠", "fullname": "上海东方明珠(集团)股份有限公司", "code": "600832", "location": "上海证券交易所"},
    ]
    picked = ckb.pick_companies(rows, {})
    assert sorted(picked) == ["600637.SH", "600832.SH"]


def test_one_row_per_code_prefers_current_name_and_plausible_fullname():
    rows = [
        {"name": "青岛海尔", "fullname": "青岛海尔股份有限公司", "code": "600690.SH"},
        {"name": "海尔智家", "fullname": "海尔智家股份有限公司", "code": "600690"},
        # a scraped row whose full name belongs to another company
        {"name": "京源环保", "fullname": "大连港股份有限公司", "code": "688096"},
        {"name": "京源环保", "fullname": "江苏京源环保股份有限公司", "code": "688096.SH"},
        # every full name under the code is somebody else's
        {"name": "龙软科技", "fullname": "中国银行股份有限公司", "code": "688078"},
        {"name": "龙软科技", "fullname": "三一重工股份有限公司", "code": "688078"},
    ]
    picked = ckb.pick_companies(rows, {"600690.SH": "海尔智家"})
    assert picked["600690.SH"]["name"] == "海尔智家"
    assert picked["688096.SH"]["fullname"] == "江苏京源环保股份有限公司"
    assert picked["688078.SH"]["fullname"] == ""
    assert picked["688078.SH"]["n_rows"] == 2


# ---------------------------------------------------------------- build on a tiny source tree


def _jsonl(path: Path, rows: list[dict], bom: bool = False) -> None:
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"
    path.write_bytes(((BOM if bom else "") + text).encode("utf-8"))


@pytest.fixture()
def source_tree(tmp_path: Path) -> Path:
    ckd = tmp_path / "chainkg"
    ckd.mkdir()
    (tmp_path / "a_share_province").mkdir()
    _jsonl(
        ckd / "company.json",
        [
            {"name": "容百科技", "fullname": "宁波容百新能源科技股份有限公司", "code": "688005", "location": "上海证券交易所", "time": "2019-07-22"},
            {"name": "宁德时代", "fullname": "宁德时代新能源科技股份有限公司", "code": "300750.SZ", "location": "深圳证券交易所", "time": "2018-06-11"},
            {"name": "东方明珠", "fullname": "东方明珠新媒体股份有限公司", "code": "600637.SH", "location": "上海证券交易所", "time": "1993-03-16"},
            {"name": "东方明珠", "fullname": "上海东方明珠(集团)股份有限公司", "code": "600832", "location": "上海证券交易所", "time": "深圳证券交易所"},
        ],
        bom=True,
    )
    _jsonl(ckd / "industry.json", [{"code": "630000", "name": "电力设备"}, {"code": "630700", "name": "电池"}, {"code": "630702", "name": "电池化学品"}], bom=True)
    _jsonl(ckd / "industry_industry.json", [{"from_code": "630702", "to_code": "630700"}, {"from_code": "630700", "to_code": "630000"}])
    _jsonl(
        ckd / "company_industry.json",
        [
            {"company_code": "688005.SH", "industry_code": "630702", "industry_name": "电池化学品"},
            {"company_code": "300750.sz", "industry_code": "630701", "industry_name": "锂电池"},  # L3 missing from industry.json
        ],
    )
    _jsonl(
        ckd / "company_product.json",
        [
            {"company_code": "688005.SH", "product_name": "三元正极材料", "rel": "主营产品", "rel_weight": 0.776367},
            {"company_code": "688005.SH", "product_name": "前驱体", "rel": "主营产品", "rel_weight": 0.209769},
            {"company_code": "688005.SH", "product_name": "平衡项目", "rel": "主营产品", "rel_weight": -1.3},
            {"company_code": "300750.SZ", "product_name": "动力电池系统", "rel": "主营产品", "rel_weight": 0.825388},
            {"company_code": "300750.SZ", "product_name": "储能系统", "rel": "主营产品", "rel_weight": 1.7},
            {"company_code": "300750.SZ", "product_name": "超大容量储能电池", "rel": "主营产品", "rel_weight": 0.001},
            {"company_code": "300750.SZ", "product_name": "锂电池回收", "rel": "主营产品", "rel_weight": -59.019493},
        ],
    )
    (tmp_path / "a_share_province" / "stock_basic.csv").write_bytes(
        (BOM + "ts_code,symbol,name,area,industry,list_date\n300750.SZ,300750,宁德时代,福建,电气设备,2018-06-11\n"
         "688005.SH,688005,容百科技,浙江,电气设备,2019-07-22\n600637.SH,600637,东方明珠,上海,影视音像,1993-03-16\n").encode("utf-8")
    )  # fmt: skip
    return tmp_path


def test_build_excerpt_end_to_end(source_tree, tmp_path):
    dest = tmp_path / "out"
    counts = ckb.build_excerpt(source_tree, dest)
    assert counts == {"listed_companies.csv": 4, "listed_products.csv": 6, "sw_industries.csv": 4, "product_subcategories.csv": 0}
    comp = ck.load_companies(dest)
    assert comp.get_column("code").to_list() == ["300750.SZ", "600637.SH", "600832.SH", "688005.SH"]
    catl = comp.row(by_predicate=pl.col("code") == "300750.SZ", named=True)
    assert (catl["sw_l3_code"], catl["sw_l3"], catl["sw_l2_code"], catl["sw_l1_code"], catl["sw_l1"]) == ("630701", "锂电池", "630700", "630000", "电力设备")
    assert catl["province"] == "福建"
    # the second 东方明珠 (not in tushare) has no province and no date ("深圳证券交易所" in `time`)
    other = comp.row(by_predicate=pl.col("code") == "600832.SH", named=True)
    assert other["province"] is None and other["list_date"] is None
    prod = ck.load_products(dest)
    shares = dict(zip(prod.get_column("product").to_list(), prod.get_column("share").to_list()))
    assert "平衡项目" not in shares
    assert shares["三元正极材料"] == pytest.approx(0.776367)
    assert shares["储能系统"] is None and shares["超大容量储能电池"] is None and shares["锂电池回收"] is None
    ind = ck.load_sw_industries(dest)
    assert ind.filter(pl.col("code") == "630701").get_column("name").to_list() == ["锂电池"]


def test_candidate_enterprises_rows(source_tree, tmp_path):
    ckb.build_excerpt(source_tree, tmp_path / "out")
    ents = ck.candidate_enterprises(ck.load_companies(tmp_path / "out"))
    row = ents.row(by_predicate=pl.col("id") == "688005.SH", named=True)
    assert row["listed_code"] == "688005.SH" and row["local"] is False and row["qualifications"] == "上市"
    assert row["credit_code"] is None


# ---------------------------------------------------------------- the shipped excerpt


def test_shipped_excerpt_is_clean():
    for f in (ck.COMPANIES_FILE, ck.PRODUCTS_FILE, ck.INDUSTRIES_FILE):
        assert (ck.PUBLIC_DIR / f).stat().st_size < 5_000_000, f
    assert (ck.PUBLIC_DIR / "SOURCES.md").read_text(encoding="utf-8").count("刘焕勇") >= 1
    comp = ck.load_companies()
    codes = comp.get_column("code")
    assert codes.n_unique() == comp.height > 4000
    assert codes.str.contains(r"^\d{6}\.(SH|SZ|BJ)$").all()
    # names repeat across codes in the real data; the excerpt keys by code, so both rows stay
    assert comp.get_column("name").n_unique() < comp.height
    prod = ck.load_products()
    s = prod.get_column("share").drop_nulls()
    assert ((s > 0) & (s <= 1) & (s != 0.001)).all()
    assert prod.get_column("code").is_in(codes.implode()).all()


def test_product_graph_rows_keep_paths_to_products_and_survive_cycles():
    rows = [
        {"from_entity": "靶材", "to_entity": "钼靶材", "rel": "产品小类"},
        {"from_entity": "材料", "to_entity": "靶材", "rel": "产品小类"},
        {"from_entity": "钼靶材", "to_entity": "材料", "rel": "产品小类"},  # a cycle
        {"from_entity": "芯片", "to_entity": "芯片镊子", "rel": "产品小类"},  # leads to no product
        {"from_entity": "镀膜", "to_entity": "溅射靶材", "rel": "上游材料"},  # another relation
    ]
    got = ckb.product_graph_rows(rows, {"钼靶材"})
    assert got == [{"parent": "材料", "child": "靶材"}, {"parent": "钼靶材", "child": "材料"}, {"parent": "靶材", "child": "钼靶材"}]
