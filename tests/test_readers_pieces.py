"""A large CSV is parsed in pieces (ingest.csvtext.csv_rows): the same rows, row numbers and issues as in one piece."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from ingest import IngestResult, load_dataset
from ingest import csvtext as C

GOOD = Path(__file__).parent / "fixtures" / "ingest" / "good"
HEADER = "编号,企业名称,是否本地,统一社会信用代码,行政区划代码,所在园区,省份,营业收入,从业人数,成立日期,股票代码,资质,专利数,污染等级,能耗等级,营收增长率"


def _row(i: int, *, revenue: str = "100", park: str = "P1", name: str | None = None, eid: str | None = None) -> str:
    return f"{eid or f'G{i:03d}'},{name or f'企业{i}'},是,,370102,{park},山东省,{revenue},10,2015-06-01,,,1,,,0.1"


def _enterprises(n: int = 90) -> str:
    """Errors in the first rows, the middle and the last row; a quoted cell over two lines, blank lines, a duplicate id."""
    rows = [HEADER]
    for i in range(1, n + 1):
        if i == 2:
            rows.append(_row(i, revenue="abc"))  # bad number in the first piece
        elif i == n // 2:
            rows.append(_row(i, name='"多行\n名称, 有逗号"'))  # a quoted cell spanning two lines
        elif i == n // 2 + 3:
            rows.append(_row(i, park="P999"))  # unknown park in the middle
        elif i == n // 2 + 5:
            rows.append("")  # a blank line: counted, skipped
        elif i == n // 2 + 9:
            rows.append(_row(i, eid="G003"))  # duplicate of row 4
        elif i == n:
            rows.append(_row(i, revenue="12亿"))  # bad number in the last row
        else:
            rows.append(_row(i))
    return "\n".join(rows)


def _load(ds: Path, monkeypatch, piece: int) -> tuple[IngestResult, int]:
    """``load_dataset`` with pieces of ``piece`` bytes; and how many texts were read in pieces."""
    used = []
    pieces = C.pieces

    def spy(*a, **k):
        out = pieces(*a, **k)
        used.append(1)
        return out

    monkeypatch.setattr(C, "CSV_PIECE_BYTES", piece)
    monkeypatch.setattr(C, "pieces", spy)
    return load_dataset(ds), len(used)


def _same(ds: Path, monkeypatch) -> tuple[IngestResult, int]:
    whole, n = _load(ds, monkeypatch, 1 << 30)
    assert n == 0
    res, n = _load(ds, monkeypatch, 150)
    assert [i.model_dump() for i in res.issues] == [i.model_dump() for i in whole.issues]
    assert res.meta == whole.meta
    if whole.tables is not None:
        for name, df in whole.tables.items():
            assert_frame_equal(res.tables[name], df)
    return res, n


@pytest.fixture
def ds(tmp_path: Path) -> Path:
    return Path(shutil.copytree(GOOD, tmp_path / "ds"))


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("gb18030", "\r\n"), ("gb18030", "\n")],
)
def test_pieces_give_the_same_issues_and_rows(ds, monkeypatch, encoding, newline):
    text = ("\n\n" + _enterprises()).replace("\n", newline)  # leading blank lines shift every row number
    (ds / "enterprises.csv").write_bytes(text.encode(encoding))
    res, used = _same(ds, monkeypatch)
    assert used >= 1  # enterprises.csv was read in pieces, not by the fallback
    errors = {(i.code, i.row, i.column) for i in res.errors if i.file == "enterprises.csv"}
    assert ("bad_number", 5, "revenue") in errors  # file row 5: two blank lines, the header, then row 2
    assert ("bad_number", 93, "revenue") in errors  # the last row, after a two-line cell
    assert ("duplicate_id", 57, "id") in errors
    assert ("unknown_reference", 51, "park_id") in errors


def test_pieces_keep_a_multiline_cell_whole(ds, monkeypatch):
    text = _enterprises().replace(",abc,", ",1,").replace(",P999,", ",P1,").replace("G003,企业54", "G054,企业54").replace(",12亿,", ",2,")
    own = (GOOD / "enterprises.csv").read_bytes().decode("gb18030").splitlines()[1:]  # the rows other files refer to
    (ds / "enterprises.csv").write_text("\n".join([text, *own]), encoding="utf-8")
    res, used = _same(ds, monkeypatch)
    assert used >= 1 and res.ok, res.errors
    ent = res.tables["enterprises"]
    assert ent.filter(ent["id"] == "G045")["name"].to_list() == ["多行\n名称, 有逗号"]
    assert ent.height == 89 + 4  # 90 rows less the blank one, and the fixture's own (one blank)


@pytest.mark.parametrize(
    "late",
    [
        _row(70) + ",多余,更多",  # a row wider than the header in a later piece: the whole text decides (stdlib parser)
        "G070",  # a short row
        'G070,企业"70,是',  # a stray quote
    ],
)
def test_a_refused_piece_falls_back_to_the_whole_text(ds, monkeypatch, late):
    lines = _enterprises().split("\n")
    lines[70] = late
    (ds / "enterprises.csv").write_text("\n".join(lines), encoding="utf-8")
    _same(ds, monkeypatch)


def test_tab_separated_file_read_in_pieces_is_refused_as_before(ds, monkeypatch):
    (ds / "chains.csv").write_text("编号\t名称\t所属产业\n" + "".join(f"C{i}\tx\tI1\n" for i in range(40)), encoding="utf-8")
    res, _ = _same(ds, monkeypatch)
    assert [i.code for i in res.errors if i.file == "chains.csv"] == ["bad_csv"]


def test_record_cuts_start_records():
    text = b'a,b\n"x\ny",2\n\n\nc,d\r\n"e\n\n""f""",g\nh,i\n'
    for size in range(1, len(text)):
        for cut in C.record_cuts(text, size):
            head = text[:cut]
            assert head.endswith(b"\n") and head.count(b'"') % 2 == 0
            assert text[cut : cut + 1] not in (b"\n", b"\r")
