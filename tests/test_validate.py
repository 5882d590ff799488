"""Validation rules: one deliberate mutation of the good fixture per rule, asserted to the word."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import polars as pl
import pytest
from stdnum.cn import uscc

from graph.schema import TABLES
from ingest import IngestResult, load_dataset
from ingest import uscc as one_uscc
from ingest.columns import credit_code_detail
from ingest.readers import match_header, table_for_name
from ingest.regions import builtin_regions, pad_region_code

GOOD = Path(__file__).parent / "fixtures" / "ingest" / "good"


def _read_rows(path: Path) -> tuple[list[list[str]], str]:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return list(csv.reader(io.StringIO(data.decode(enc), newline=""))), enc
        except UnicodeDecodeError:
            continue
    raise AssertionError(path)


def _write_rows(path: Path, rows: list[list[str]], enc: str) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(enc))


def set_cell(ds: Path, file: str, row: int, column: str, value: str) -> None:
    """Set the cell at spreadsheet ``row`` (header = 1) of the column named ``column`` (English)."""
    path = ds / file
    rows, enc = _read_rows(path)
    table = TABLES[table_for_name(path.stem)]
    idx = [match_header(table, h) for h in rows[0]].index(column)
    rows[row - 1][idx] = value
    _write_rows(path, rows, enc)


def mutated(tmp_path: Path, *edits: tuple[str, int, str, str]) -> IngestResult:
    ds = Path(shutil.copytree(GOOD, tmp_path / "ds"))
    for file, row, column, value in edits:
        set_cell(ds, file, row, column, value)
    return load_dataset(ds)


def only_error(res: IngestResult, code: str):
    errs = [i for i in res.errors if i.code == code]
    assert len(errs) == 1, [str(i) for i in res.issues]
    return errs[0]


# (file, row, column, new value) -> (code, reported row, reported column, reported value)
CASES = [
    ("segments.csv", 3, "stage", "中间", "bad_enum", 3, "stage", "中间"),
    ("segments.csv", 2, "key", "maybe", "bad_bool", 2, "key", "maybe"),
    ("chains.csv", 3, "name", "", "empty_required", 3, "name", None),
    ("enterprises.csv", 5, "revenue", "12万", "bad_number", 5, "revenue", "12万"),  # row 4 is blank
    ("enterprises.csv", 2, "revenue", "-5", "negative_number", 2, "revenue", "-5"),
    ("enterprises.csv", 2, "employees", "3.5", "bad_number", 2, "employees", "3.5"),
    ("enterprises.csv", 2, "employees", "-3", "negative_number", 2, "employees", "-3"),
    ("enterprises.csv", 2, "local", "也许", "bad_bool", 2, "local", "也许"),
    ("enterprises.csv", 2, "pollution", "很高", "bad_enum", 2, "pollution", "很高"),
    ("enterprises.csv", 2, "growth", "很快", "bad_number", 2, "growth", "很快"),
    ("enterprises.csv", 2, "founded", "2024-13-01", "bad_date", 2, "founded", "2024-13-01"),
    ("enterprises.csv", 2, "founded", "2023-02-29", "bad_date", 2, "founded", "2023-02-29"),
    ("enterprises.csv", 2, "founded", "去年", "bad_date", 2, "founded", "去年"),
    ("enterprises.csv", 2, "founded", "24-05-01", "bad_date", 2, "founded", "24-05-01"),
    ("enterprises.csv", 2, "growth", "nan", "bad_number", 2, "growth", "nan"),
    ("enterprises.csv", 2, "revenue", "inf", "bad_number", 2, "revenue", "inf"),
    ("enterprises.csv", 2, "revenue", "35%", "bad_number", 2, "revenue", "35%"),
    ("enterprises.csv", 2, "credit_code", "91370102MA3C4Y8K0", "bad_credit_code", 2, "credit_code", "91370102MA3C4Y8K0"),
    ("enterprises.csv", 2, "credit_code", "91370102MA3C4Y8K05", "bad_credit_code", 2, "credit_code", "91370102MA3C4Y8K05"),
    ("enterprises.csv", 2, "credit_code", "91370102MA3C4Y8KI4", "bad_credit_code", 2, "credit_code", "91370102MA3C4Y8KI4"),
    ("enterprises.csv", 2, "region_code", "999999", "unknown_reference", 2, "region_code", "999999"),
    ("enterprises.csv", 2, "park_id", "P9", "unknown_reference", 2, "park_id", "P9"),
    ("enterprise_segments.csv", 2, "share", "1.7", "bad_share", 2, "share", "1.7"),
    ("enterprise_segments.csv", 2, "share", "150%", "bad_share", 2, "share", "150%"),
    ("enterprise_segments.csv", 2, "share", "-0.1", "bad_share", 2, "share", "-0.1"),
    ("enterprise_segments.csv", 2, "share", "一半", "bad_number", 2, "share", "一半"),
    ("enterprise_segments.csv", 3, "confidence", "肯定", "bad_enum", 3, "confidence", "肯定"),
    ("enterprise_segments.csv", 2, "segment_id", "S9", "unknown_reference", 2, "segment_id", "S9"),
    ("supply_links.csv", 2, "amount", "1,2x", "bad_number", 2, "amount", "1,2x"),
    ("chains.csv", 3, "id", "C1", "duplicate_id", 3, "id", "C1"),
    ("chains.csv", 2, "industry_id", "I9", "unknown_reference", 2, "industry_id", "I9"),
    ("segments.csv", 8, "chain_id", "C9", "unknown_reference", 8, "chain_id", "C9"),
    ("segments.csv", 3, "parent_id", "S9", "unknown_reference", 3, "parent_id", "S9"),
    ("segments.csv", 7, "parent_id", "S1", "parent_other_chain", 7, "parent_id", "S1"),
    ("segment_links.csv", 6, "to_id", "T1", "self_link", 6, "to_id", "T1"),
    ("segment_links.csv", 6, "to_id", "T9", "unknown_reference", 6, "to_id", "T9"),
    ("parks.csv", 2, "star", "6", "out_of_range", 2, "star", "6"),
    ("parks.csv", 2, "area_mu", "-1", "negative_number", 2, "area_mu", "-1"),
    ("parks.csv", 2, "level", "世界级", "bad_enum", 2, "level", "世界级"),
    ("parks.csv", 2, "focus_industries", "I1；I9", "unknown_reference", 2, "focus_industries", "I9"),
    ("parks.csv", 3, "region_code", "", "empty_required", 3, "region_code", None),
    ("park_stats.csv", 3, "period", "2024-Q5", "bad_period", 3, "period", "2024-Q5"),
    ("park_stats.csv", 3, "period", "2024", "duplicate_id", 3, "park_id", "P1 + 2024"),
    ("park_stats.csv", 2, "tax", "-1", "negative_number", 2, "tax", "-1"),
    ("projects.csv", 2, "stage", "开会", "bad_enum", 2, "stage", "开会"),
    ("projects.csv", 3, "started_on", "2021-12-31", "stage_dates_order", 3, "started_on", "2021-12-31"),
    ("projects.csv", 3, "producing_on", "2022-04-30", "stage_dates_order", 3, "producing_on", "2022-04-30"),
    ("projects.csv", 2, "planned_production", "2024-01-01", "stage_dates_order", 2, "planned_production", "2024-01-01"),
    ("projects.csv", 2, "enterprise_id", "E404", "unknown_reference", 2, "enterprise_id", "E404"),
    ("projects.csv", 2, "investment", "五亿", "bad_number", 2, "investment", "五亿"),
    ("regions.csv", 2, "parent_code", "990000", "unknown_reference", 2, "parent_code", "990000"),
]


@pytest.mark.parametrize("file, row, column, value, code, at_row, at_col, at_value", CASES, ids=[f"{c[0]}-{c[2]}-{c[4]}-{c[3]}" for c in CASES])
def test_rule(tmp_path, file, row, column, value, code, at_row, at_col, at_value):
    res = mutated(tmp_path, (file, row, column, value))
    assert res.tables is None and not res.ok
    errs = [i for i in res.errors if i.code == code and i.file == file]
    assert errs, [str(i) for i in res.issues]
    e = errs[0]
    assert (e.row, e.column, e.value) == (at_row, at_col, at_value)
    assert e.column_zh == TABLES[file[:-4]].column(at_col).zh
    assert e.message.startswith(f"第{at_row}行") and at_col in e.message
    assert e.fix


# --------------------------------------------------------------- messages word for word


def test_bad_enum_message(tmp_path):
    e = only_error(mutated(tmp_path, ("segments.csv", 5, "stage", "中间")), "bad_enum")
    assert e.message == "第5行 “stage/环节位置” 的值 “中间” 不是允许的取值"
    assert e.fix == "可填 upstream/上游、midstream/中游、downstream/下游"
    assert str(e) == (
        "[错误 bad_enum] segments.csv 第5行 stage/环节位置 =“中间”：第5行 “stage/环节位置” 的值 “中间” 不是允许的取值。"
        "改法：可填 upstream/上游、midstream/中游、downstream/下游"
    )


def test_bad_number_message(tmp_path):
    e = only_error(mutated(tmp_path, ("enterprises.csv", 5, "revenue", "12万")), "bad_number")
    assert e.file == "enterprises.csv"
    assert e.message == "第5行 “revenue/营业收入” 的值 “12万” 不是有效的数字"
    assert e.fix == "填写数字（单位：万元），可带千分位逗号，如 1,234.5；不要带单位、百分号或文字"


def test_bad_share_message(tmp_path):
    e = only_error(mutated(tmp_path, ("enterprise_segments.csv", 2, "share", "1.7")), "bad_share")
    assert e.message == "第2行 “share/业务占比” 的值 “1.7” 不是 0–1 之间的比例（大于 1：如果是百分比，请带 % 号，如 35%）"
    assert e.fix == "填写 0 到 1 之间的小数（如 0.35），或带百分号的百分比（如 35%）"


@pytest.mark.parametrize(
    "value, detail",
    [
        ("91370102MA3C4Y8K0", "长度为 17 位，应为 18 位"),
        ("91370102MA3C4Y8K05", "校验位错误（最后一位应为 “4”，实为 “5”）"),
        ("91370102MA3C4Y8KI4", "含有不允许的字符 “I”"),
        ("9137010AMA3C4Y8K04", "前 8 位应为数字，含有 “A”"),
    ],
)
def test_credit_code_messages(tmp_path, value, detail):
    e = only_error(mutated(tmp_path, ("enterprises.csv", 2, "credit_code", value)), "bad_credit_code")
    assert e.message == f"第2行 “credit_code/统一社会信用代码” 的值 “{value}” 不是有效的统一社会信用代码：{detail}"


def test_credit_code_normalised(tmp_path):
    res = mutated(tmp_path, ("enterprises.csv", 2, "credit_code", "91370102ma3c4y8k04"))
    assert res.ok
    assert res.tables["enterprises"].get_column("credit_code").to_list()[0] == "91370102MA3C4Y8K04"


def test_unknown_reference_message(tmp_path):
    e = only_error(mutated(tmp_path, ("chains.csv", 2, "industry_id", "I9")), "unknown_reference")
    assert e.message == "第2行 “industry_id/所属产业” 的值 “I9” 在 industries.csv 的 id 列中不存在"
    assert e.fix == "在 industries.csv 中添加 id 为 “I9” 的行，或改为已有的 id"


def test_duplicate_id_message_names_both_rows(tmp_path):
    e = only_error(mutated(tmp_path, ("chains.csv", 3, "id", "C1")), "duplicate_id")
    assert e.message == "第3行 “id/编号” 的值 “C1” 与第2行重复"
    assert e.fix == "“id/编号” 在 chains.csv 中不能重复：删除或合并第2行与第3行"


def test_stage_dates_order_message(tmp_path):
    e = only_error(mutated(tmp_path, ("projects.csv", 3, "started_on", "2021-12-31")), "stage_dates_order")
    assert e.message == "第3行 “started_on/开工日期”（2021-12-31）早于 “signed_on/签约日期”（2022-01-10），阶段日期顺序不对"
    assert e.fix == "阶段日期应满足 signed_on/签约日期 ≤ started_on/开工日期 ≤ producing_on/投产日期：检查这两个日期"


def test_duplicate_pair_key(tmp_path):
    res = mutated(tmp_path, ("enterprise_segments.csv", 3, "enterprise_id", "E001"), ("enterprise_segments.csv", 3, "segment_id", "S1a"))
    e = only_error(res, "duplicate_id")
    assert (e.file, e.row, e.column, e.value) == ("enterprise_segments.csv", 3, "enterprise_id", "E001 + S1a")
    assert e.message == "第3行 “enterprise_id/企业编号 + segment_id/环节编号” 的值 “E001 + S1a” 与第2行重复"


def test_parent_cycle(tmp_path):
    res = mutated(tmp_path, ("segments.csv", 2, "parent_id", "S1a"))
    e = only_error(res, "parent_cycle")
    assert (e.row, e.column, e.value) == (2, "parent_id", "S1a")
    assert e.message == "第2行 “parent_id/上级环节” 形成循环：S1 → S1a → S1"


def test_parent_self_cycle(tmp_path):
    e = only_error(mutated(tmp_path, ("segments.csv", 4, "parent_id", "S2")), "parent_cycle")
    assert e.message == "第4行 “parent_id/上级环节” 形成循环：S2 → S2"


def test_supplies_cycle_is_only_a_warning():
    res = load_dataset(GOOD)
    assert res.ok and res.tables is not None
    (w,) = res.warnings
    assert w.code == "supplies_cycle" and w.severity == "warning"
    assert w.message == "环节供应关系中存在循环：R1 → S1 → S2 → S3 → R1"


def test_links_across_chains_are_allowed(tmp_path):
    res = mutated(tmp_path, ("segment_links.csv", 6, "to_id", "S1"))  # T1 (chain C2) supplies S1 (chain C1)
    assert res.ok


def test_all_errors_reported_together(tmp_path):
    res = mutated(
        tmp_path,
        ("segments.csv", 3, "stage", "中间"),
        ("enterprises.csv", 2, "revenue", "abc"),
        ("enterprises.csv", 6, "founded", "去年"),
        ("chains.csv", 2, "industry_id", "I9"),
        ("parks.csv", 2, "star", "9"),
        ("projects.csv", 3, "started_on", "2021-12-31"),
    )
    assert res.tables is None
    got = {(i.file, i.row, i.code) for i in res.errors}
    assert got == {
        ("segments.csv", 3, "bad_enum"),
        ("enterprises.csv", 2, "bad_number"),
        ("enterprises.csv", 6, "bad_date"),
        ("chains.csv", 2, "unknown_reference"),
        ("parks.csv", 2, "out_of_range"),
        ("projects.csv", 3, "stage_dates_order"),
    }
    assert len(res.warnings) == 1


def test_issue_cap_summarises(tmp_path):
    ds = Path(shutil.copytree(GOOD, tmp_path / "ds"))
    lines = ["id,name,local,revenue"] + [f"N{i},企业{i},否,坏{i}" for i in range(450)]
    (ds / "enterprises.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = load_dataset(ds)
    bad = [i for i in res.errors if i.code == "bad_number"]
    assert len(bad) == 201
    assert [i.row for i in bad[:3]] == [2, 3, 4]
    assert bad[-1].row is None and bad[-1].message == "…以及另外250行同类问题（bad_number），未逐行列出"


def test_numbers_dates_and_enums_in_every_spelling(tmp_path):
    res = mutated(
        tmp_path,
        ("enterprises.csv", 2, "revenue", "１，２３４"),  # full-width digits and comma
        ("enterprises.csv", 2, "growth", "-12.5%"),
        ("enterprises.csv", 2, "founded", "2015年6月1日"),
        ("enterprises.csv", 2, "pollution", "LOW"),
        ("enterprises.csv", 2, "local", "TRUE"),
        ("enterprises.csv", 2, "employees", "1,200"),
        ("enterprises.csv", 2, "qualifications", "上市 ;; 专精特新、 "),
        ("enterprise_segments.csv", 2, "share", "35 %"),
        ("park_stats.csv", 3, "period", "2024q2"),
        ("park_stats.csv", 2, "period", "2023-05-01"),  # what Excel makes of a typed 2023-05
        ("projects.csv", 2, "stage", "在谈"),
        ("parks.csv", 3, "region_code", "37"),
    )
    assert res.ok, [str(i) for i in res.errors]
    e = res.tables["enterprises"].row(0, named=True)
    assert (e["revenue"], e["growth"], e["pollution"], e["local"], e["employees"]) == (1234.0, -0.125, "low", True, 1200)
    assert str(e["founded"]) == "2015-06-01" and e["qualifications"] == ["上市", "专精特新"]
    assert res.tables["enterprise_segments"].get_column("share").to_list()[0] == 0.35
    assert res.tables["park_stats"].get_column("period").to_list() == ["2023-05", "2024-Q2"]
    assert res.tables["projects"].get_column("stage").to_list()[0] == "negotiating"
    assert res.tables["parks"].get_column("region_code").to_list()[1] == "370000"


# --------------------------------------------------------------- regions and credit-code kernel


def test_builtin_regions():
    r = builtin_regions()
    assert r.get_column("code").is_unique().all()
    assert r.group_by("level").len().sort("level").rows() == [("city", 342), ("county", 2851), ("province", 31), ("zone", 124)]
    assert r.filter(pl.col("code") == "110100").row(0) == ("110100", "市辖区", "110000", "city")  # placeholder kept
    assert r.filter(pl.col("code") == "320576").row(0)[1:] == ("苏州工业园区", "320500", "zone")
    assert r.filter(pl.col("code") == "441900").row(0) == ("441900", "东莞市", "440000", "city")
    parents = set(r.get_column("code"))
    assert all(p in parents for p in r.get_column("parent_code").drop_nulls())
    assert pad_region_code(pl.Series(["37", "3701", "370102", "JNHT"])).to_list() == ["370000", "370100", "370102", "JNHT"]


def test_vectorised_check_digit_agrees_with_stdnum():
    import random

    rnd = random.Random(7)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    codes = []
    for _ in range(500):
        base = "".join(rnd.choice("0123456789") for _ in range(8)) + "".join(rnd.choice(alphabet) for _ in range(9))
        codes.append(base + (uscc.calc_check_digit(base) if rnd.random() < 0.5 else rnd.choice(alphabet)))
    codes += ["", "91110000600037341L", "91110000600037341l", "9111000060003734IL", "1" * 18]
    got = one_uscc.valid(pl.Series(codes)).to_list()  # the one check, vectorised: stdnum's verdicts
    assert got == [uscc.is_valid(c) and c == c.upper() for c in codes]
    assert credit_code_detail("91110000600037341") == "长度为 17 位，应为 18 位"



def test_one_credit_code_under_two_ids_is_a_warning_naming_both(tmp_path):
    # the round-9 audit: an upload's list with its own ids merged with the data added a firm already there
    # under another id, silently counted twice
    ds = Path(shutil.copytree(GOOD, tmp_path / "ds"))
    set_cell(ds, "enterprises.csv", 5, "credit_code", "91370102MA3C4Y8K04")  # X1 gets E001's code
    res = load_dataset(ds)
    dup = [i for i in res.issues if i.code == "duplicate_credit_code"]
    assert res.ok and len(dup) == 1 and dup[0].severity == "warning"
    text = str(dup[0])
    assert "enterprises.csv 第5行" in text and "91370102MA3C4Y8K04" in text and "第2行" in text
    assert "“E001”" in text and "“X1”" in text and "改法" in text


def test_a_mistyped_reference_suggests_the_id_meant(tmp_path):
    # the round-9 audit: EV-U4 for EV-U04 got no "did you mean"; the CLI's own id options had it
    ds = Path(shutil.copytree(GOOD, tmp_path / "ds"))
    set_cell(ds, "enterprise_segments.csv", 2, "segment_id", "s1A")
    set_cell(ds, "enterprise_segments.csv", 3, "segment_id", "ZZZZZ")
    refs = {i.row: i for i in load_dataset(ds).issues if i.code == "unknown_reference" and i.file == "enterprise_segments.csv"}
    assert "您是否要找：S1a（" in refs[2].fix
    assert "您是否要找" not in refs[3].fix and refs[3].fix.endswith("或改为已有的 id")
