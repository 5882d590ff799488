"""Property tests: whatever bytes or cells a user hands in, load_dataset returns issues, never raises.

Never raising is not enough: ``load_dataset`` turns an unexpected exception into an
``internal_error`` issue, so every check also asserts there is none (an internal error is a
crash the user cannot fix). :func:`test_the_check_fails_when_validation_raises` shows it does.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ingest
from graph.schema import TABLES
from ingest import IngestResult, load_dataset

GOOD = Path(__file__).parent / "fixtures" / "ingest" / "good"
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TABLE_NAMES = sorted(TABLES)
cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "0", "-1", "1.7", "35%", "1,234.5", "１２", "2024-02-30", "是", "nan", "inf", '"', ",", "\n", "；", "00123"]),
)


def _check(res: IngestResult) -> None:
    assert isinstance(res, IngestResult)
    assert (res.tables is None) == (not res.ok)
    crashes = [str(i) for i in res.issues if i.code == "internal_error"]
    assert not crashes, f"load_dataset crashed on this input: {crashes}"
    for i in res.issues:
        assert i.message and i.fix and "\n" not in str(i)


def test_the_check_fails_when_validation_raises(monkeypatch):
    """A validator that raises is caught by load_dataset (an issue, not an exception) and by _check."""
    _check(load_dataset(GOOD))

    def boom(*args, **kwargs):
        raise ValueError("simulated bug in validation")

    monkeypatch.setattr(ingest, "validate_tables", boom)
    res = load_dataset(GOOD)
    assert [i.code for i in res.errors] == ["internal_error"]
    with pytest.raises(AssertionError, match="crashed on this input"):
        _check(res)


def _with_file(name: str, data: bytes) -> IngestResult:
    with tempfile.TemporaryDirectory() as tmp:
        ds = Path(shutil.copytree(GOOD, Path(tmp) / "ds"))
        (ds / name).write_bytes(data)
        return load_dataset(ds)


@FUZZ
@given(table=st.sampled_from(TABLE_NAMES), data=st.binary(max_size=300))
def test_garbage_bytes_never_raise(table, data):
    _check(_with_file(f"{table}.csv", data))


@FUZZ
@given(
    table=st.sampled_from(TABLE_NAMES),
    use_chinese=st.booleans(),
    rows=st.lists(st.lists(cell, min_size=0, max_size=8), min_size=0, max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_random_cells_never_raise(table, use_chinese, rows, encoding):
    t = TABLES[table]
    header = [c.zh if use_chinese else c.name for c in t.columns]
    lines = [",".join(header)] + [",".join(r) for r in rows]
    try:
        data = "\n".join(lines).encode(encoding)
    except UnicodeEncodeError:
        data = "\n".join(lines).encode("utf-8")
    _check(_with_file(t.file, data))


@FUZZ
@given(
    table=st.sampled_from(TABLE_NAMES),
    header=st.lists(st.one_of(st.text(max_size=8), st.sampled_from(["编号/id", "ＩＤ", "名称（name）", "*", "/", "()", "id/编号/名称"])), max_size=6),
    body=st.lists(cell, max_size=6),
)
def test_random_headers_never_raise(table, header, body):
    data = (",".join(h.replace(",", "").replace('"', "") for h in header) + "\n" + ",".join(body)).encode("utf-8")
    _check(_with_file(TABLES[table].file, data))


@FUZZ
@given(data=st.binary(max_size=400), zip_magic=st.booleans())
def test_garbage_workbook_never_raises(data, zip_magic):
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "x.xlsx"
        p.write_bytes((b"PK\x03\x04" if zip_magic else b"") + data)
        res = load_dataset(p)
    _check(res)
    assert res.tables is None
