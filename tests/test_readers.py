"""Reading datasets: encodings, XLSX, headers in every accepted spelling, text-only cells."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from pydantic import ValidationError

from graph.schema import TABLES
from ingest import IngestResult, Issue, load_dataset
from ingest.issues import report_json
from ingest.readers import cell_text, match_header, table_for_name

FIX = Path(__file__).parent / "fixtures" / "ingest"
GOOD = FIX / "good"


@pytest.fixture(scope="module")
def good() -> IngestResult:
    return load_dataset(GOOD)


@pytest.fixture
def ds(tmp_path: Path) -> Path:
    """A writable copy of the good dataset."""
    return Path(shutil.copytree(GOOD, tmp_path / "ds"))


def codes(res: IngestResult) -> list[str]:
    return [i.code for i in res.issues]


def test_good_dataset_loads_with_one_warning(good):
    assert good.ok and good.tables is not None
    assert codes(good) == ["supplies_cycle"]
    assert set(good.tables) == set(TABLES)
    assert good.meta["format"] == "csv"
    assert good.meta["dataset"] == str(GOOD)


def test_encodings_detected(good):
    files = good.meta["files"]
    assert files["enterprises"]["encoding"] == "gb18030"  # what Excel on Chinese Windows writes
    assert files["chains"]["encoding"] == "utf-8-sig"  # BOM
    assert files["industries"]["encoding"] == "utf-8"
    assert good.tables["enterprises"].get_column("name").to_list()[0] == "示例锂电有限公司"
    assert good.tables["chains"].get_column("name").to_list() == ["新能源汽车产业链", "化学药产业链"]


def test_leading_zeros_trimming_and_blank_rows(good):
    ent = good.tables["enterprises"]
    assert ent.get_column("id").to_list() == ["E001", "00123", "X1", "X2"]  # blank row skipped, 00123 kept
    assert ent.schema["id"] == pl.Utf8
    assert "外地正极材料股份有限公司" in ent.get_column("name").to_list()  # surrounding spaces trimmed
    assert good.meta["files"]["enterprises"]["rows"] == 4


def test_typed_values(good):
    ent = good.tables["enterprises"].filter(pl.col("id") == "E001").row(0, named=True)
    assert ent["revenue"] == 1234.5 and ent["growth"] == pytest.approx(0.12) and ent["local"] is True
    assert ent["qualifications"] == ["高新技术企业", "专精特新"] and ent["pollution"] == "low" and ent["energy"] == "medium"
    dates = dict(zip(good.tables["enterprises"]["id"], good.tables["enterprises"]["founded"]))
    assert dates == {"E001": dt.date(2015, 6, 1), "00123": dt.date(2010, 5, 1), "X1": dt.date(2009, 3, 18), "X2": dt.date(2018, 3, 1)}
    regions = dict(zip(good.tables["enterprises"]["id"], good.tables["enterprises"]["region_code"]))
    assert regions["00123"] == "370100"  # 4-digit city code padded to the national 6-digit form
    shares = good.tables["enterprise_segments"].get_column("share").to_list()
    assert shares == [0.6, 1.0, 0.35, None]
    assert good.tables["industries"].get_column("category").to_list() == ["emerging", "leading"]
    assert good.tables["industries"].get_column("gbt4754").to_list() == [["3612", "3670"], ["2710", "2720"]]
    assert good.tables["parks"].get_column("focus_industries").to_list() == [["I1", "I2"], None]
    assert good.tables["park_stats"].get_column("profit").to_list() == [-500.0, None]  # profit may be negative


def test_regions_are_builtin_plus_dataset(good):
    reg = good.tables["regions"]
    assert reg.filter(pl.col("code") == "JNHT").row(0) == ("JNHT", "示例功能区", "370100")
    assert reg.filter(pl.col("code") == "370102").row(0) == ("370102", "历下区", "370100")
    assert reg.height > 3000 and reg.get_column("code").is_unique().all()


def test_xlsx_matches_csv(good):
    """Numbers stored as Excel numbers lose no leading zero here and gain no `.0`; dates become ISO."""
    res = load_dataset(FIX / "good.xlsx")
    assert res.ok, [str(i) for i in res.issues]
    assert res.meta["format"] == "xlsx"
    assert res.meta["files"]["enterprises"] == {"rows": 4, "sheet": "企业"}  # sheet named in Chinese
    for name in TABLES:
        assert_frame_equal(res.tables[name], good.tables[name], check_row_order=True)
    assert res.issues[0].file == "good.xlsx:segment_links"


@pytest.mark.parametrize(
    "table, header, expected",
    [
        ("segments", "id", "id"),
        ("segments", "ID", "id"),
        ("segments", " 编号 ", "id"),
        ("segments", "编号/id", "id"),
        ("segments", "id/编号", "id"),
        ("segments", "编号(id)", "id"),
        ("segments", "编号（ID）", "id"),  # full-width parentheses
        ("segments", "编号（ｉｄ）", "id"),  # full-width letters
        ("segments", "\u3000环节位置\u3000", "stage"),  # ideographic spaces
        ("segments", "Chain_ID", "chain_id"),
        ("segments", "chain id", "chain_id"),
        ("segments", "关键环节*", "key"),
        ("enterprises", "营业收入（万元）", "revenue"),
        ("enterprises", "统一社会信用代码", "credit_code"),
        ("enterprises", "名称", "name"),
        ("segments", "备注", None),
        ("segments", "编号/名称", None),  # ambiguous
    ],
)
def test_match_header(table, header, expected):
    assert match_header(TABLES[table], header) == expected


def test_table_names():
    assert table_for_name("企业") == "enterprises"
    assert table_for_name("Segment_Links") == "segment_links"
    assert table_for_name("环节关系.csv") == "segment_links"
    assert table_for_name("其他") is None


def test_chinese_file_name_and_full_width_headers(ds):
    (ds / "chains.csv").rename(ds / "产业链.csv")
    (ds / "industries.csv").write_text("编号（ＩＤ）,　名称　,类别（category）\nI1,新能源汽车,新兴\nI2,生物医药,leading\n", encoding="utf-8")
    res = load_dataset(ds)
    assert res.ok, [str(i) for i in res.issues]
    assert res.meta["files"]["chains"]["file"] == "产业链.csv"
    assert res.tables["industries"].get_column("category").to_list() == ["emerging", "leading"]


def test_unknown_column_is_a_warning(ds):
    text = (ds / "chains.csv").read_text(encoding="utf-8-sig").replace("所属产业", "所属产业,备注", 1)
    (ds / "chains.csv").write_text(text, encoding="utf-8")
    res = load_dataset(ds)
    assert res.ok
    (w,) = [i for i in res.warnings if i.code == "unknown_column"]
    assert (w.file, w.row, w.value) == ("chains.csv", 1, "备注")
    assert w.message == "表头中的列 “备注” 不是此表的列，已忽略"
    assert res.tables["chains"].columns == ["id", "name", "industry_id"]


def test_missing_required_column(ds):
    (ds / "chains.csv").write_text("编号,名称\nC1,x\nC2,y\n", encoding="utf-8")
    res = load_dataset(ds)
    assert res.tables is None
    (e,) = [i for i in res.errors if i.code == "missing_column"]
    assert (e.file, e.row, e.column, e.column_zh) == ("chains.csv", 1, "industry_id", "所属产业")
    assert e.message == "缺少必需的列 “industry_id/所属产业”"
    assert e.fix == "在表头添加一列 “所属产业”（或英文 “industry_id”）"


def test_duplicate_column(ds):
    (ds / "chains.csv").write_text("编号,名称,所属产业,name\nC1,x,I1,y\nC2,y,I2,z\n", encoding="utf-8")
    res = load_dataset(ds)
    (e,) = res.errors
    assert (e.code, e.column, e.value) == ("duplicate_column", "name", "名称、name")


def test_missing_required_file(ds):
    (ds / "segments.csv").unlink()
    res = load_dataset(ds)
    assert not res.ok and res.tables is None
    e = next(i for i in res.errors if i.code == "missing_file")
    assert e.file == "segments.csv"
    assert e.message == "缺少必需的文件 segments.csv（环节）"
    assert e.fix.startswith("添加 segments.csv，或在工作簿中添加名为 “segments” 或 “环节” 的工作表")


def test_missing_optional_files_become_empty_tables(ds):
    for name in ("projects", "park_stats", "supply_links"):
        (ds / f"{name}.csv").unlink()
    res = load_dataset(ds)
    assert res.ok
    assert res.tables["projects"].height == 0
    assert res.tables["projects"].schema["investment"] == pl.Float64


def test_bad_encoding(ds):
    shutil.copy(FIX / "bad" / "segments_utf16.csv", ds / "segments.csv")
    res = load_dataset(ds)
    assert res.tables is None
    (e,) = [i for i in res.errors if i.file == "segments.csv"]  # no "missing file" on top
    assert e.code == "bad_encoding"
    assert e.message == "文件不是可识别的文本编码（已尝试 UTF-8、UTF-8 带 BOM、GBK/GB18030）"
    assert "CSV UTF-8" in e.fix


def test_bad_xlsx():
    res = load_dataset(FIX / "bad" / "not_a_workbook.xlsx")
    assert res.tables is None
    assert codes(res) == ["bad_xlsx"]
    assert res.errors[0].file == "not_a_workbook.xlsx"
    assert res.errors[0].message.startswith("无法作为 XLSX 工作簿打开：")


def test_missing_dataset(tmp_path):
    res = load_dataset(tmp_path / "nope")
    assert codes(res) == ["missing_dataset"] and res.tables is None


def test_unknown_csv_file_warns(ds):
    (ds / "misc.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (ds / "说明.csv").write_text("随便\n", encoding="utf-8")  # notes files are ignored silently
    res = load_dataset(ds)
    assert res.ok
    assert [i.code for i in res.warnings if i.file == "misc.csv"] == ["unknown_file"]
    assert not [i for i in res.issues if i.file == "说明.csv"]


def test_crlf_quotes_and_multiline_cells(ds):
    (ds / "industries.csv").write_bytes(
        'id,name,category,description\r\nI1,"新能源, 汽车",emerging,"两行\r\n说明"\r\nI2,生物医药,leading,\r\n'.encode()
    )
    res = load_dataset(ds)
    assert res.ok
    ind = res.tables["industries"]
    assert ind.get_column("name").to_list() == ["新能源, 汽车", "生物医药"]
    assert ind.get_column("description").to_list()[0] == "两行\r\n说明"


def test_cell_text():
    assert [cell_text(v) for v in (350.0, 1234.5, 0.35, False, dt.datetime(2024, 5, 1, 13, 30), None, "")] == [
        "350",
        "1234.5",
        "0.35",
        "false",
        "2024-05-01 13:30:00",
        None,
        None,
    ]


def test_issue_is_strict_and_renders_one_line():
    i = Issue(severity="error", code="bad_enum", file="segments.csv", row=5, column="stage", column_zh="环节位置", value="中间", message="m", fix="f")
    s = str(i)
    assert "\n" not in s
    for part in ("segments.csv", "第5行", "stage/环节位置", "中间", "m", "f", "错误"):
        assert part in s
    with pytest.raises(ValidationError):
        Issue(severity="error", code="x", file="f", message="m", fix="f", extra_field=1)


def test_report_json(good):
    payload = json.loads(report_json(good.issues))
    assert payload["errors"] == 0 and payload["warnings"] == 1
    assert payload["issues"][0]["code"] == "supplies_cycle"
    assert set(payload["issues"][0]) == set(Issue.model_fields)


def test_tab_separated_file_is_refused_with_a_reason(ds):
    (ds / "chains.csv").write_text("编号\t名称\t所属产业\nC1\tx\tI1\n", encoding="utf-8")
    res = load_dataset(ds)
    (e,) = [i for i in res.errors if i.file == "chains.csv"]
    assert e.code == "bad_csv"
    assert e.message == "无法按 CSV 解析此文件：表头只有一列且含有制表符或分号，文件不是逗号分隔的"


def test_cells_beyond_the_header_are_warned_about(ds):
    (ds / "chains.csv").write_text("编号,名称,所属产业\nC1,x,I1,多余\nC2,y,I2\n", encoding="utf-8")
    res = load_dataset(ds)
    assert res.ok
    (w,) = [i for i in res.warnings if i.file == "chains.csv"]
    assert (w.code, w.row, w.value) == ("unknown_column", 1, "（空表头）")
    assert res.tables["chains"].get_column("id").to_list() == ["C1", "C2"]


def test_workbook_missing_sheet(tmp_path):
    import xlsxwriter

    path = tmp_path / "partial.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("产业")
    ws.write_row(0, 0, ["编号", "名称", "类别"])
    ws.write_row(1, 0, ["I1", "新能源汽车", "新兴"])
    wb.add_worksheet("Sheet9")
    wb.close()
    res = load_dataset(path)
    missing = [i for i in res.errors if i.code == "missing_file"]
    assert [i.message for i in missing][:2] == ["工作簿中缺少必需的工作表 chains（产业链）", "工作簿中缺少必需的工作表 segments（环节）"]
    assert all(i.file == "partial.xlsx" for i in missing) and len(missing) == 5
    assert [i.value for i in res.warnings if i.code == "unknown_sheet"] == ["Sheet9"]


@pytest.mark.parametrize(
    "table, column, alias",
    [(t.name, c.name, a) for t in TABLES.values() for c in t.columns for a in c.aliases],
)
def test_schema_aliases_are_accepted_headers(table, column, alias):
    assert match_header(TABLES[table], alias) == column
    assert match_header(TABLES[table], f"{alias}*") == column
