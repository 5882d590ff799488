"""Issue 18: nothing a dataset file can do garbles a number, leaks a file or exhausts memory.

One reproduction per test, on a copy of the good fixture (tests/fixtures/ingest/good).
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from graph.settings import Settings
from ingest import load_dataset
from tests.test_validate import GOOD, mutated, set_cell

SECRET = "root:$6$s3cr3t-hash-never-shown:19000:0:99999:7:::"


@pytest.fixture()
def ds(tmp_path) -> Path:
    return Path(shutil.copytree(GOOD, tmp_path / "ds"))


def errors_of(res, code):
    return [i for i in res.errors if i.code == code]


# --------------------------------------------------------------- dates, numbers, ids


@pytest.mark.parametrize("value", ["0000-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_dates_outside_1900_2100_are_errors(tmp_path, value):
    res = mutated(tmp_path, ("enterprises.csv", 2, "founded", value))
    (err,) = errors_of(res, "date_out_of_range")
    assert (err.file, err.row, err.column, err.value) == ("enterprises.csv", 2, "founded", value)
    assert "1900–2100" in err.message and res.tables is None


def test_date_bounds_are_settings(ds):
    set_cell(ds, "enterprises.csv", 2, "founded", "1850-01-01")
    assert not load_dataset(ds, Settings(date_min_year=1800)).errors
    assert errors_of(load_dataset(ds, Settings()), "date_out_of_range")


@pytest.mark.parametrize("value", ["1,5", "1.234,5", "1,2,3", "12,34", "1,2345"])
def test_non_standard_thousands_separators_are_errors(tmp_path, value):
    # 1,5 was read as 15, 1.234,5 as 1.2345 and 1,2,3 as 123
    res = mutated(tmp_path, ("enterprises.csv", 2, "revenue", value))
    (err,) = errors_of(res, "bad_number")
    assert (err.row, err.column, err.value) == (2, "revenue", value)
    assert "1,234,567.8" in err.fix


@pytest.mark.parametrize(
    "column,value,want",
    [("revenue", "1,234,567.8", 1234567.8), ("revenue", "12,345", 12345.0), ("growth", "-1,000", -1000.0), ("revenue", "１，２３４", 1234.0), ("employees", "1,200", 1200)],
)
def test_standard_thousands_separators_pass(tmp_path, column, value, want):
    res = mutated(tmp_path, ("enterprises.csv", 2, column, value))
    assert res.ok, [str(i) for i in res.errors]
    assert res.tables["enterprises"].get_column(column)[0] == want


@pytest.mark.parametrize("column,value", [("revenue", "1e309"), ("revenue", "-1e400"), ("growth", "1e309%"), ("revenue", "inf"), ("revenue", "NaN")])
def test_only_finite_numbers(tmp_path, column, value):
    res = mutated(tmp_path, ("enterprises.csv", 2, column, value))
    (err,) = errors_of(res, "bad_number")
    assert err.value == value and res.tables is None


@pytest.mark.parametrize("twin", ["C1\u200b", "Ｃ１", " C1\ufeff"])
def test_ids_are_nfkc_without_invisible_characters(tmp_path, twin):
    # a second chain whose id only looks different from C1 is a duplicate, not a new chain
    res = mutated(tmp_path, ("chains.csv", 3, "id", twin))
    dup = errors_of(res, "duplicate_id")
    assert dup and dup[0].value == "C1" and dup[0].row == 3
    warn = [i for i in res.warnings if i.code == "id_normalised"]
    assert warn and warn[0].row == 3 and "“C1”" in warn[0].message


def test_references_in_full_width_resolve(tmp_path):
    res = mutated(tmp_path, ("chains.csv", 2, "industry_id", "Ｉ１"), ("segments.csv", 2, "chain_id", "C1\u200b"))
    assert res.ok, [str(i) for i in res.errors]
    assert res.tables["chains"].get_column("industry_id")[0] == "I1"
    assert {i.code for i in res.warnings} >= {"id_normalised"}


# --------------------------------------------------------------- encodings


def test_utf8_file_with_one_gbk_row_names_the_row(ds):
    path = ds / "industries.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "I9,智能制造装备,emerging,,")
    data = ("\n".join(lines[:2]) + "\n").encode() + (lines[2] + "\n").encode("gbk") + ("\n".join(lines[3:]) + "\n").encode()
    path.write_bytes(data)
    res = load_dataset(ds)
    (err,) = errors_of(res, "mixed_encoding")
    assert (err.file, err.row) == ("industries.csv", 3) and "UTF-8" in err.message
    assert res.tables is None and not errors_of(res, "missing_file")


# --------------------------------------------------------------- files


def _assert_not_leaked(res, tmp_path):
    from ingest.issues import report_json

    text = report_json(res.issues) + "".join(str(i) for i in res.issues)
    assert "s3cr3t" not in text and "root:" not in text


def test_symlinked_table_is_refused_without_reading_it(ds, tmp_path):
    secret = tmp_path / "shadow"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    (ds / "regions.csv").unlink()
    os.symlink(secret, ds / "regions.csv")
    res = load_dataset(ds)
    (err,) = errors_of(res, "refused_file")
    assert err.file == "regions.csv" and "符号链接" in err.message and err.value is None
    _assert_not_leaked(res, tmp_path)


def test_kept_ingest_report_has_no_bytes_of_a_linked_file(ds, tmp_path, capsys):
    from cli import main

    secret = tmp_path / "shadow"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    (ds / "regions.csv").unlink()
    os.symlink(secret, ds / "regions.csv")
    store = tmp_path / "s.lbug"
    assert main(["ingest", str(ds), "--store", str(store)]) == 1
    out = capsys.readouterr()
    kept = (tmp_path / "s.lbug.last-ingest.json").read_text(encoding="utf-8")
    assert "refused_file" in kept
    for text in (out.out, out.err, kept):
        assert "s3cr3t" not in text and "root:" not in text


def test_special_file_is_refused_not_waited_on(ds):
    (ds / "regions.csv").unlink()
    os.mkfifo(ds / "regions.csv")  # reading a FIFO would block forever
    res = load_dataset(ds)
    (err,) = errors_of(res, "refused_file")
    assert err.file == "regions.csv" and "特殊文件" in err.message


def test_csv_header_with_a_million_columns_is_refused_before_parsing(ds):
    (ds / "regions.csv").write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n1\n", encoding="utf-8")
    res = load_dataset(ds)
    (err,) = errors_of(res, "too_many_columns")
    assert err.file == "regions.csv" and "1000000 列" in err.message


def test_ragged_row_far_wider_than_the_header_is_refused(ds):
    (ds / "regions.csv").write_text("code,name,parent_code\n" + ",".join(["x"] * 100_000) + "\n", encoding="utf-8")
    res = load_dataset(ds)
    assert any(i.code == "bad_csv" and "100000 个单元格" in i.message for i in res.errors)


def test_file_and_cell_size_caps(ds):
    set_cell(ds, "industries.csv", 2, "description", "长" * 40_000)
    res = load_dataset(ds)
    (err,) = errors_of(res, "cell_too_long")
    assert (err.file, err.row, err.column) == ("industries.csv", 2, "description") and "40000" in err.message
    assert len(err.value) < 30
    (ds / "regions.csv").write_bytes(b"code,name,parent_code\n" + b"JN,x,37\n" * 200_000)
    res = load_dataset(ds, Settings(max_file_mb=1))
    assert [i.file for i in errors_of(res, "file_too_large")] == ["regions.csv"]


# --------------------------------------------------------------- workbooks


def _template_book(tmp_path: Path) -> Path:
    from ingest.templates import write_templates

    (book,) = write_templates(tmp_path / "tpl", xlsx=True)
    return Path(book)


def test_one_cell_at_xfd1048576_is_refused_before_reading(tmp_path):
    import openpyxl

    path = _template_book(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb[wb.sheetnames[0]]["XFD1048576"] = "x"
    wb.save(path)
    assert path.stat().st_size < 100_000  # tiny file; the reader allocated 512 GB for it
    res = load_dataset(path)
    (err,) = errors_of(res, "xlsx_too_big_sheet")
    assert "16384 列" in err.message and "1048576 行" in err.message and res.tables is None


def test_zip_bomb_member_is_refused(tmp_path):
    path = _template_book(tmp_path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * (8 << 20))  # 8 MB of zeros: ~1000:1
    res = load_dataset(path)
    (err,) = errors_of(res, "xlsx_bomb")
    assert "xl/media/padding.bin" in err.message
    res = load_dataset(path, Settings(xlsx_max_unzipped_mb=16, xlsx_max_ratio=10_000))
    assert not errors_of(res, "xlsx_bomb") and not errors_of(res, "xlsx_too_large")


def test_unzipped_size_cap(tmp_path):
    path = _template_book(tmp_path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_STORED) as z:
        z.writestr("xl/media/big.bin", os.urandom(20 << 20))
    (err,) = errors_of(load_dataset(path, Settings(xlsx_max_unzipped_mb=16)), "xlsx_too_large")
    assert "16 MB" in err.message


def test_hidden_sheet_is_a_warning_naming_it(tmp_path):
    import openpyxl

    path = _template_book(tmp_path)
    wb = openpyxl.load_workbook(path)
    name = wb.sheetnames[1]
    wb[name].sheet_state = "hidden"
    wb.save(path)
    res = load_dataset(path)
    hidden = [i for i in res.warnings if i.code == "hidden_sheet"]
    assert [i.value for i in hidden] == [name] and name in hidden[0].message
