"""Column mapping: suggestions for a typical enterprise-information export, profiles, region names, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from cli import main
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from ingest import load_dataset
from ingest.colmap import MappingError, MappingProfile, suggest, suggest_extras
from ingest.regions import RegionNames

ROOT = Path(__file__).resolve().parent.parent
EXPORT = ROOT / "tests" / "fixtures" / "export" / "企业信息导出.csv"
SAMPLE = ROOT / "data" / "sample"

# what `indmap map suggest` must say for the fixture, header by header
EXPECTED = {
    "序号": None, "企业名称": "name", "登记状态": None, "法定代表人": None, "注册资本": None, "成立日期": "founded",
    "统一社会信用代码": "credit_code", "所属省份": "province", "所属城市": "region_code", "所属区县": "region_code",
    "电话": None, "更多电话": None, "邮箱": None, "企业(机构)类型": None, "纳税人识别号": None, "国标行业": "gbt4754",
    "所属行业": None, "参保人数": "employees", "企业地址": None, "网址": None, "经营范围": "business_scope",
}  # fmt: skip


def test_map_suggest_maps_a_typical_export_exactly(capsys):
    assert main(["map", "suggest", str(EXPORT), "--table", "enterprises", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == EXPECTED and list(out) == list(EXPECTED)  # every header, in the file's order


def test_map_suggest_reads_a_workbook_the_same(tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业列表"
    for row in pl.read_csv(EXPORT, infer_schema=False).pipe(lambda d: [d.columns] + [list(r) for r in d.iter_rows()]):
        ws.append(row)
    wb.save(tmp_path / "导出.xlsx")
    assert main(["map", "suggest", str(tmp_path / "导出.xlsx"), "--table", "enterprises", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == EXPECTED
    assert main(["map", "suggest", str(tmp_path / "导出.xlsx"), "--table", "enterprises"]) == 0
    table = capsys.readouterr().out
    assert "行政区划名称，导入时转为代码" in table and "与本系统无关，忽略" in table


def test_suggestions_never_take_a_column_twice_and_keep_unknowns_out():
    s = suggest(["企业(机构)类型", "企业名称", "营业收入（万元）", "营业总收入", "统一信用代码", "所属园区", "联系电话", "员工数"], "enterprises")
    cols = {h: x.column for h, x in s.items()}
    assert cols == {
        "企业(机构)类型": None, "企业名称": "name", "营业收入（万元）": None, "营业总收入": "revenue", "统一信用代码": "credit_code",
        "所属园区": "park_id", "联系电话": None, "员工数": "employees",
    }  # fmt: skip
    assert s["统一信用代码"].how == "fuzzy" and 75 <= s["统一信用代码"].score < 100
    assert suggest_extras(cols, "enterprises") == ({"local": "是"}, "credit_code")
    park = {h: x.column for h, x in suggest(["园区编号", "年份", "主营业务收入（万元）", "税收总额", "利润", "固投"], "park_stats").items()}
    assert park == {"园区编号": "park_id", "年份": "period", "主营业务收入（万元）": "revenue", "税收总额": "tax", "利润": "profit", "固投": "fixed_investment"}


def test_region_names_resolve_and_ambiguity_is_named():
    r = RegionNames()
    amb = r.resolve(county="鼓楼区")
    assert amb.code is None and amb.problem == "ambiguous"
    assert amb.candidates == ("南京市鼓楼区（320106）", "徐州市鼓楼区（320302）", "福州市鼓楼区（350102）", "开封市鼓楼区（410204）")
    assert r.resolve(city="福州市", county="鼓楼区").code == "350102"
    assert r.resolve(province="江苏", city="徐州", county="鼓楼").code == "320302"
    assert r.resolve(province="山东省", city="济南市", county="市中区").code == "370103"
    assert r.resolve(province="上海市", city="上海市", county="浦东新区").code == "310115"


def _dataset(tmp_path: Path, export_text: str | None = None) -> Path:
    """The sample's chains and segments, an empty link table, and the export as the enterprise list."""
    ds = tmp_path / "ds"
    ds.mkdir(parents=True)
    for name in ("industries", "chains", "segments", "segment_links"):
        shutil.copy(SAMPLE / f"{name}.csv", ds / f"{name}.csv")
    (ds / "enterprise_segments.csv").write_text("enterprise_id,segment_id\n", encoding="utf-8")
    (ds / "企业信息导出.csv").write_text(export_text if export_text is not None else EXPORT.read_text(encoding="utf-8-sig"), encoding="utf-8")
    return ds


def _profile(**over) -> dict:
    t = {"files": ["企业信息导出.csv"], "columns": dict(EXPECTED), "defaults": {"local": "是"}, "id_from": "credit_code"}
    t.update(over)
    return {"name": "导出", "tables": {"enterprises": t}}


def test_ingest_with_a_saved_profile(tmp_path, capsys):
    ds, store = _dataset(tmp_path), str(tmp_path / "s.lbug")
    assert main(["map", "suggest", str(ds / "企业信息导出.csv"), "--table", "enterprises", "--save", "企查查", "--store", store]) == 0
    capsys.readouterr()
    assert main(["ingest", str(ds), "--store", store, "--mapping", "企查查", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "自动挂接" in out and "待核实" in out
    s = EmbeddedStore(store)
    t = s.read_tables()
    ent = t["enterprises"].sort("name")
    assert ent.height == 12 and ent.get_column("local").all()
    assert set(ent.get_column("id")) == set(ent.get_column("credit_code"))  # ids taken from the credit code
    row = ent.filter(pl.col("name") == "历山汽车线束有限公司").row(0, named=True)
    assert row["region_code"] == "370112" and row["employees"] == 1205 and row["gbt4754"] == ["电线", "电缆制造"]
    assert ent.filter(pl.col("name") == "齐鲁电驱科技有限公司").item(0, "region_code") == "370103"  # 市中区 of 济南, not of 枣庄
    links = t["enterprise_segments"].join(ent.select(pl.col("id").alias("enterprise_id"), "name"), on="enterprise_id")
    placed = dict(links.select("name", "segment_id").rows())
    assert placed["泉城动力电池科技有限公司"] == "NEV-U01" and placed["历山汽车线束有限公司"] == "NEV-U14"
    assert "平阴趵突餐饮管理有限公司" not in placed and "商河明湖软件有限公司" not in placed
    assert set(links.get_column("confidence")) == {"likely"} and links.get_column("evidence").is_between(0, 1).all()
    assert links.get_column("source").str.starts_with("自动挂接（待核实）：").all()
    assert s.read_meta()["linking"]["links"] == links.height
    s.close()


def test_profile_from_a_json_file_and_clear_errors(tmp_path, capsys):
    ds, store = _dataset(tmp_path), str(tmp_path / "s.lbug")
    prof = tmp_path / "p.json"
    prof.write_text(json.dumps(_profile()), encoding="utf-8")
    assert main(["ingest", str(ds), "--store", store, "--mapping", str(prof), "--quiet"]) == 0
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(EXPECTED), encoding="utf-8")  # the output of map suggest, not a profile
    capsys.readouterr()
    assert main(["ingest", str(ds), "--store", store, "--mapping", str(bare)]) == 2
    assert "map save" in capsys.readouterr().err
    assert main(["ingest", str(ds), "--store", store, "--mapping", "没有这个方案"]) == 2
    with pytest.raises(MappingError, match="没有这一列"):
        MappingProfile.from_json({"tables": {"enterprises": {"columns": {"电话": "phone"}}}})


def _issues(ds: Path, profile: dict) -> list:
    res = load_dataset(ds, Settings(), MappingProfile.from_json(profile))
    return res.issues


def test_a_mapping_that_leaves_a_required_column_empty(tmp_path):
    ds = _dataset(tmp_path)
    cols = dict(EXPECTED, 企业名称=None)
    issues = _issues(ds, _profile(columns=cols))
    errs = [i for i in issues if i.severity == "error"]
    assert [(i.code, i.column) for i in errs] == [("missing_column", "name")]
    assert "列映射" in errs[0].message and "企业名称" in errs[0].fix
    # mapped, but a cell is empty: the row is named
    text = EXPORT.read_text(encoding="utf-8-sig").replace("齐鲁电驱科技有限公司", "")
    issues = _issues(_dataset(tmp_path / "b", text), _profile())
    assert [(i.code, i.file, i.row, i.column) for i in issues if i.severity == "error"] == [("empty_required", "企业信息导出.csv", 3, "name")]


def test_a_blank_id_taken_from_the_credit_code_names_that_column(tmp_path):
    # the round-9 audit: it said “id/编号 不能为空 → 填写 编号”, a column the file does not have
    text = EXPORT.read_text(encoding="utf-8-sig").replace(",2018/03/12,91370103MAC0BF8LRK,", ",2018/03/12,,")
    errs = [i for i in _issues(_dataset(tmp_path, text), _profile()) if i.severity == "error"]
    assert [(i.code, i.row, i.column) for i in errs] == [("empty_required", 3, "credit_code")]
    assert "编号取自" in errs[0].message and "统一社会信用代码" in errs[0].fix and "企业名称" in errs[0].fix


def test_ambiguous_and_unknown_region_names_are_errors(tmp_path):
    text = EXPORT.read_text(encoding="utf-8-sig")
    text = text.replace("山东省,济南市,历下区", ",,鼓楼区").replace("山东省,济南市,市中区", "山东省,济南市,不存在区")
    issues = [i for i in _issues(_dataset(tmp_path, text), _profile()) if i.severity == "error"]
    amb = next(i for i in issues if i.code == "region_ambiguous")
    assert amb.row == 2 and "南京市鼓楼区（320106）" in amb.message and "福州市鼓楼区（350102）" in amb.message
    unknown = next(i for i in issues if i.code == "region_name_unknown")
    assert unknown.row == 3 and "不存在区" in unknown.value


def test_duplicate_headers_wrong_encoding_and_a_sheet_without_header(tmp_path):
    text = EXPORT.read_text(encoding="utf-8-sig").replace("登记状态", "企业名称", 1)
    issues = _issues(_dataset(tmp_path / "dup", text), _profile(columns={k: v for k, v in EXPECTED.items() if k != "登记状态"}))
    assert any(i.code == "duplicate_column" and i.column == "name" for i in issues)
    ds = _dataset(tmp_path / "enc")
    (ds / "企业信息导出.csv").write_bytes(EXPORT.read_text(encoding="utf-8-sig").encode("utf-16"))
    assert [i.code for i in _issues(ds, _profile()) if i.severity == "error"] == ["bad_encoding"]
    # a workbook whose sheet starts with data instead of a header
    wb = openpyxl.Workbook()
    wb.active.title = "企业"
    wb.active.append(["泉城动力电池科技有限公司", "91370102MAF8MGMB4G", "是"])
    for name in ("industries", "chains", "segments", "segment_links", "enterprise_segments"):
        sheet = wb.create_sheet(name)
        for row in pl.read_csv(SAMPLE / f"{name}.csv", infer_schema=False).pipe(lambda d: [d.columns] + [list(r) for r in d.iter_rows()]):
            sheet.append(row)
    wb.save(tmp_path / "book.xlsx")
    res = load_dataset(tmp_path / "book.xlsx", Settings())
    no_header = [i for i in res.issues if i.code == "no_header"]
    assert len(no_header) == 1 and no_header[0].file == "book.xlsx:企业" and "不像表头" in no_header[0].message
    assert not any(i.code in ("unknown_column", "missing_column") and i.file == "book.xlsx:企业" for i in res.issues)


def test_map_commands_keep_profiles(tmp_path, capsys):
    store = str(tmp_path / "s.lbug")
    prof = tmp_path / "p.json"
    prof.write_text(json.dumps(_profile()), encoding="utf-8")
    assert main(["map", "save", "导出", str(prof), "--store", store]) == 0
    assert main(["map", "list", "--store", store, "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(p["name"], p["tables"]) for p in listed] == [("导出", ["enterprises"])]
    assert main(["map", "show", "导出", "--store", store]) == 0
    assert json.loads(capsys.readouterr().out)["tables"]["enterprises"]["id_from"] == "credit_code"
    assert main(["map", "remove", "导出", "--store", store]) == 0 and main(["map", "show", "导出", "--store", store]) == 2


def test_cli_help_names_the_mapping_option():
    out = subprocess.run([sys.executable, "-m", "cli", "ingest", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    assert "--mapping PROFILE" in out


def test_saving_one_tables_mapping_keeps_the_profiles_other_tables(tmp_path, capsys):
    """Two clerks (or one upload of two foreign files) save under one profile name: neither mapping is lost."""
    from graph.settings import Settings as S
    from graph.workspace import open_workspace
    from graph.workspace.mappings import get_profile, save_table_mapping

    store = str(tmp_path / "s.lbug")
    assert main(["map", "suggest", str(EXPORT), "--table", "enterprises", "--save", "导出", "--store", store]) == 0
    projects = tmp_path / "项目台账.csv"
    projects.write_text("项目编号,项目名称,项目阶段\nX1,示例项目,签约\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["map", "suggest", str(projects), "--table", "projects", "--save", "导出", "--store", store]) == 0
    assert "项目 表的映射" in capsys.readouterr().err
    ws = open_workspace(S(store=store))
    body = get_profile(ws, "导出")
    assert sorted(body["tables"]) == ["enterprises", "projects"]
    assert body["tables"]["enterprises"]["columns"]["企业名称"] == "name"
    MappingProfile.from_json(body)  # still a valid profile
    # saving the same table again replaces that table's mapping only, and says whose it replaced
    before = save_table_mapping(ws, "导出", "enterprises", {"columns": {"企业名称": "name"}}, by="李四")
    assert before is not None and before["updated_by"]
    body = get_profile(ws, "导出")
    assert body["tables"]["enterprises"] == {"columns": {"企业名称": "name"}} and "projects" in body["tables"]
    capsys.readouterr()
    assert main(["map", "suggest", str(EXPORT), "--table", "enterprises", "--save", "导出", "--store", store]) == 0
    assert "替换了该方案中 企业 表原有的映射（李四 " in capsys.readouterr().err


def test_the_data_pages_save_button_merges_into_the_profile(tmp_path, monkeypatch):
    """The 数据 page's 保存方案 (webapp.upload._save_profile) keeps the profile's other tables and says whose it replaced."""
    from streamlit.testing.v1 import AppTest

    from graph.settings import Settings as S
    from graph.workspace import open_workspace
    from graph.workspace.mappings import get_profile, save_table_mapping

    store = str(tmp_path / "s.lbug")
    monkeypatch.setenv("INDMAP_STORE", store)
    ws = open_workspace(S(store=store))
    save_table_mapping(ws, "导出", "projects", {"columns": {"项目名称": "name"}}, by="甲")
    save_table_mapping(ws, "导出", "enterprises", {"columns": {"名称": "name"}}, by="甲")

    def page():
        from types import SimpleNamespace

        from graph.settings import load_settings
        from ingest.colmap import TableMapping
        from webapp.upload import _save_profile

        _save_profile(SimpleNamespace(settings=load_settings()), "f", "enterprises", TableMapping({"企业名称": "name"}, {}, None), "乙")

    at = AppTest.from_function(page, default_timeout=30).run()
    at.text_input(key="up_pname_f").input("导出").run()
    at.button(key="up_psave_f").click().run()
    assert not at.exception and not at.error
    body = get_profile(ws, "导出")
    assert sorted(body["tables"]) == ["enterprises", "projects"] and body["tables"]["enterprises"]["columns"] == {"企业名称": "name"}
    assert any("替换了该方案中 企业 表原有的映射（甲 " in t.value for t in at.toast)
