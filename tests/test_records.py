"""Strict per-row records agree with the column-wise ingest."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from graph.records import RECORDS
from graph.schema import TABLES
from ingest import load_dataset

ROOT = Path(__file__).resolve().parent.parent


def test_a_record_per_table():
    assert set(RECORDS) == set(TABLES)
    for name, model in RECORDS.items():
        assert list(model.model_fields) == TABLES[name].column_names


@pytest.mark.parametrize("dataset", ["sample", "templates"])
def test_every_ingested_row_is_a_valid_record(dataset):
    res = load_dataset(ROOT / "data" / dataset)
    assert res.ok, [str(i) for i in res.errors[:5]]
    for name, df in res.tables.items():
        model = RECORDS[name]
        for row in df.iter_rows(named=True):
            model.model_validate(row)


@pytest.mark.parametrize(
    "table,row",
    [
        ("segments", {"id": "S1", "chain_id": "C1", "name": "x", "stage": "中间"}),
        ("segments", {"id": "", "chain_id": "C1", "name": "x", "stage": "upstream"}),
        ("enterprises", {"id": "E1", "name": "x", "local": True, "revenue": -1.0}),
        ("enterprise_segments", {"enterprise_id": "E1", "segment_id": "S1", "share": 1.7}),
        ("parks", {"id": "P1", "name": "x", "region_code": "370102", "star": 6}),
        ("chains", {"id": "C1", "name": "x", "industry_id": "I1", "colour": "red"}),
    ],
)
def test_bad_records_refused(table, row):
    with pytest.raises(ValidationError):
        RECORDS[table].model_validate(row)
