"""CSV text (UTF-8 bytes) to a grid of text cells: every cell trimmed, empty cells null, ``_row`` numbered.

A large text is parsed piece by piece (:func:`csv_rows`): pieces cut at record ends
(:func:`record_cuts`), each trimmed before the next is parsed. Any piece polars refuses sends
the whole text through the one-piece parser (:func:`csv_grid`), so the rows, their numbers and
every issue are the same whichever way a file was read. Used by :mod:`ingest.readers`.
"""

from __future__ import annotations

import codecs
import csv
import io

import polars as pl

from ingest.issues import phrase

ROW = "_row"


def frame_from_columns(columns: list[list[str | None]]) -> pl.DataFrame:
    return pl.DataFrame({f"c{i}": col for i, col in enumerate(columns)}, schema={f"c{i}": pl.Utf8 for i in range(len(columns))})


def text_rows(grid: pl.DataFrame, first_row: int) -> pl.DataFrame:
    """Every cell trimmed (empty -> null), ``_row`` numbered from ``first_row``, fully empty rows dropped."""
    cells = grid.columns
    grid = grid.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in cells)
    grid = grid.with_row_index(ROW, offset=first_row).with_columns(pl.col(ROW).cast(pl.Int64))
    return grid.filter(~pl.all_horizontal(pl.col(c).is_null() for c in cells) if cells else pl.lit(False))


def is_utf8(data: bytes) -> bool:
    """Strict UTF-8 check without building a Python str (polars validates in Rust)."""
    try:
        pl.Series([data], dtype=pl.Binary).cast(pl.Utf8, strict=True)
    except Exception:  # noqa: BLE001 - polars raises ComputeError/InvalidOperationError on bad UTF-8
        return False
    return True


def decode_csv_bytes(data: bytes) -> tuple[bytes, str] | None:
    """UTF-8 bytes without BOM and the encoding detected, or None if neither UTF-8 nor GB18030.

    Text never contains NUL bytes: a file with them (UTF-16, a binary file) is refused.
    """
    if b"\x00" in data:
        return None
    if is_utf8(data):
        if data.startswith(codecs.BOM_UTF8):
            return data[3:], "utf-8-sig"
        return data, "utf-8"
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text.encode("utf-8"), "gb18030"


def csv_grid(data: bytes, max_columns: int = 16_384) -> tuple[pl.DataFrame, int]:
    """Parse UTF-8 CSV bytes to a grid of text columns; returns (grid, first row number)."""
    # leading blank lines would make polars size the frame from an empty line
    stripped = data.lstrip(b"\r\n")
    first_row = 1 + data[: len(data) - len(stripped)].count(b"\n")
    if not stripped.strip():
        return pl.DataFrame(), first_row
    try:
        grid = pl.read_csv(
            io.BytesIO(stripped),
            has_header=False,
            infer_schema=False,
            truncate_ragged_lines=False,  # extra cells: stdlib fallback keeps them (and warns)
            quote_char='"',
            raise_if_empty=False,
        )
        return grid, first_row
    except Exception:  # noqa: BLE001 - fall back to the forgiving stdlib parser below
        pass
    text = stripped.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    rows = list(reader)
    width = max((len(r) for r in rows), default=0)
    if width > max_columns:  # a ragged row far wider than the header: refused before the grid is built
        raise ValueError(phrase("too_wide_row", n=width, limit=max_columns))
    columns = [[(r[i] if i < len(r) else None) for r in rows] for i in range(width)]
    return frame_from_columns(columns), first_row


def not_comma(grid: pl.DataFrame) -> bool:
    """One column whose first cell holds a tab or semicolon: another separator than the comma."""
    return grid.width == 1 and grid.height > 0 and any(sep in (grid.item(0, 0) or "") for sep in ("\t", ";", "；"))


#: a CSV text larger than this is parsed in pieces of about this size (cut at record ends)
CSV_PIECE_BYTES = 16 << 20


def record_cuts(data: bytes, size: int) -> list[int]:
    """Offsets cutting ``data`` into pieces of about ``size`` bytes, each cut at the start of a record.

    A cut follows a newline outside quotes (an even number of ``"`` since the previous cut: a
    quoted cell spanning lines stays whole) and never starts a piece with an empty line.

    >>> text = b'a,b\\n"x\\ny",2\\n\\nc,d\\ne,f\\ng,h\\n'
    >>> [text[c:] for c in record_cuts(text, 4)]
    [b'c,d\\ne,f\\ng,h\\n', b'g,h\\n']
    """
    cuts: list[int] = []
    last, n = 0, len(data)
    while last + size < n:
        nl = data.find(b"\n", last + size)
        quotes = data.count(b'"', last, nl)
        while nl != -1 and (quotes % 2 or data[nl + 1 : nl + 2] in (b"\n", b"\r")):
            nxt = data.find(b"\n", nl + 1)
            quotes += data.count(b'"', nl, n if nxt == -1 else nxt)
            nl = nxt
        if nl == -1 or nl + 1 >= n:
            break
        last = nl + 1
        cuts.append(last)
    return cuts


def csv_rows(data: bytes, max_columns: int = 16_384, piece: int | None = None) -> tuple[pl.DataFrame, int, bool]:
    """UTF-8 CSV bytes as :func:`text_rows` (trimmed text, ``_row``, no empty rows), the first line's row
    number, and whether the text uses another separator than the comma (:func:`not_comma`).

    A large text is parsed piece by piece (:func:`record_cuts`), each piece trimmed before the next
    is parsed: the untrimmed cells of the whole file are never all held (1M enterprises: the
    reader's peak 763 -> ~530 MB, and faster). Any piece polars refuses (a ragged row, a stray quote, a piece
    starting with a short row) sends the whole text through :func:`csv_grid` as before, so the
    rows, their numbers and the issues are the same either way.
    """
    stripped = data.lstrip(b"\r\n")
    first_row = 1 + data[: len(data) - len(stripped)].count(b"\n")
    cuts = record_cuts(stripped, piece or CSV_PIECE_BYTES) if stripped.strip() else []
    if cuts:
        try:
            return pieces(stripped, cuts, first_row)
        except Exception:  # noqa: BLE001 - polars refused a piece: the whole text as before
            pass
    grid, first_row = csv_grid(data, max_columns)
    return text_rows(grid, first_row), first_row, not_comma(grid)


def pieces(text: bytes, cuts: list[int], first_row: int) -> tuple[pl.DataFrame, int, bool]:
    """:func:`csv_rows` of ``text`` (no leading empty lines) parsed between the ``cuts``; raises on a refused piece."""
    parts: list[pl.DataFrame] = []
    schema = None  # the first piece's columns: a later piece with a longer row raises, as the whole text would
    row = first_row
    for a, b in zip([0, *cuts], [*cuts, len(text)]):
        grid = pl.read_csv(
            io.BytesIO(text[a:b]), has_header=False, infer_schema=False, schema=schema,
            truncate_ragged_lines=False, quote_char='"', raise_if_empty=False,
        )  # fmt: skip
        if schema is None:
            if not_comma(grid):  # decided on the whole text (a later row with a comma changes the verdict)
                raise ValueError("another separator")
            schema = grid.schema
        parts.append(text_rows(grid, row))
        row += grid.height
        del grid
    return pl.concat(parts, rechunk=False), first_row, False
