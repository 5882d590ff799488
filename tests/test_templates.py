"""Templates: Chinese headers, example rows that pass validation, shipped copy kept in sync."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from graph.schema import TABLES
from ingest import load_dataset
from ingest.templates import XLSX_NAME, write_templates

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "templates"


@pytest.fixture(scope="module")
def csv_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("tpl")
    write_templates(d)
    return d


def test_csv_templates_have_chinese_headers(csv_dir):
    for t in TABLES.values():
        raw = (csv_dir / t.file).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # BOM so that Excel shows Chinese
        rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
        assert rows[0] == [c.zh for c in t.columns]
        assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)


def test_csv_templates_pass_validation(csv_dir):
    res = load_dataset(csv_dir)
    assert res.ok and res.issues == [], [str(i) for i in res.issues]
    assert all(res.tables[name].height >= 1 for name in TABLES)
    assert res.tables["enterprises"].get_column("credit_code").to_list() == ["91370102MA3C4Y8K04", "91320500MA1N2P3Q4P"]


def test_xlsx_template_passes_validation_and_matches_csv(csv_dir, tmp_path):
    (path,) = write_templates(tmp_path, xlsx=True)
    assert path.name == XLSX_NAME
    res = load_dataset(path)
    assert res.ok and res.issues == [], [str(i) for i in res.issues]  # the 说明 sheet is ignored
    ref = load_dataset(csv_dir)
    for name in TABLES:
        assert_frame_equal(res.tables[name], ref.tables[name])


def test_shipped_templates_are_current(csv_dir):
    for t in TABLES.values():
        assert (SHIPPED / t.file).read_bytes() == (csv_dir / t.file).read_bytes(), f"regenerate data/templates ({t.file})"
    assert (SHIPPED / "说明.txt").read_text(encoding="utf-8-sig") == (csv_dir / "说明.txt").read_text(encoding="utf-8-sig")
    shipped = load_dataset(SHIPPED / XLSX_NAME)
    assert shipped.ok and shipped.issues == []
    ref = load_dataset(csv_dir)
    for name in TABLES:
        assert_frame_equal(shipped.tables[name], ref.tables[name])
