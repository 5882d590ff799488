"""What a dataset file may be, checked before it is read: regular files only, sizes and shapes capped.

A dataset comes from outside. Before any byte is parsed:

* a file inside a dataset folder must be a regular file: a symbolic link
  (``regions.csv`` -> ``/etc/shadow``) or a special file (FIFO, device) is
  refused, naming the file and nothing of its content; files are opened with
  ``O_NOFOLLOW`` so a link swapped in after the check is refused too;
* a CSV file larger than ``max_file_mb`` or whose header has more than
  ``max_columns`` fields is refused;
* a workbook is inspected as the zip it is: the members' total uncompressed
  size (``xlsx_max_unzipped_mb``), each member's compression ratio
  (``xlsx_max_ratio``: a zip bomb), and every sheet's cell references and
  ``ref`` ranges, scanned in the compressed stream with a regular expression,
  against ``max_columns`` and ``xlsx_max_rows`` -- a 28 KB workbook with one
  cell at ``XFD1048576`` made the reader allocate 512 GB;
* a CSV that is mostly UTF-8 but has rows in another encoding is refused
  row by row instead of being read as GB18030 mojibake.

The dataset path itself (the folder or workbook named on the command line)
may be a symbolic link: the person running ``indmap ingest`` chose it.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
CHUNK = 1 << 20
_OVERLAP = 64
_REF = re.compile(rb'\bref="[A-Z]{1,3}\d+:([A-Z]{1,3})(\d+)"')
_SHEET = re.compile(r"xl/(worksheets|chartsheets|dialogsheets)/[^/]+\.xml$", re.IGNORECASE)


@dataclass(frozen=True)
class ReadLimits:
    """Caps applied while reading (from :class:`graph.settings.Settings`)."""

    max_columns: int = 200
    max_cell_chars: int = 32_767
    max_file_bytes: int = 4096 * MB
    xlsx_max_rows: int = 2_000_000
    xlsx_max_unzipped_bytes: int = 2048 * MB
    xlsx_max_ratio: int = 200

    @classmethod
    def from_settings(cls, settings) -> "ReadLimits":
        return cls(
            max_columns=settings.max_columns,
            max_cell_chars=settings.max_cell_chars,
            max_file_bytes=settings.max_file_mb * MB,
            xlsx_max_rows=settings.xlsx_max_rows,
            xlsx_max_unzipped_bytes=settings.xlsx_max_unzipped_mb * MB,
            xlsx_max_ratio=settings.xlsx_max_ratio,
        )


class Refused(Exception):
    """A file that is not read; ``code`` and ``fields`` make its :class:`~ingest.issues.Issue`."""

    def __init__(self, code: str, **fields: object):
        super().__init__(code)
        self.code, self.fields = code, fields


def file_kind(path: Path) -> str | None:
    """``"symlink"`` or ``"special"`` for what a dataset may not contain, None for a regular file or folder."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "special"


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file, refusing links, special files and files over ``max_bytes``."""
    kind = file_kind(path)
    if kind:
        raise Refused("refused_file", kind=kind)
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused("refused_file", kind="special")
        if st.st_size > max_bytes:
            raise Refused("file_too_large", size_mb=round(st.st_size / MB, 1), limit_mb=max_bytes // MB)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(max_bytes + 1)
    finally:
        os.close(fd)


def col_index(letters: bytes | str) -> int:
    """1-based column number of Excel column letters.

    >>> col_index("A"), col_index("Z"), col_index("AA"), col_index("XFD")
    (1, 26, 27, 16384)
    """
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + (ord(ch) - 64)
    return n


def _scan_refs(stream, limits: ReadLimits) -> tuple[int, int]:
    """The largest column and row named by cells (``r="..."``) and ranges (``ref="...:..."``) of a sheet's XML.

    Only references that could exceed the caps are looked at (columns of two or
    more letters, rows with as many digits as the row cap), so an ordinary
    sheet yields no match at all and the scan runs at regular-expression speed.
    """
    digits = len(str(limits.xlsx_max_rows))
    cell = re.compile(rb'\br="(?:([A-Z]{2,3})(\d+)|([A-Z]?)(\d{%d,}))"' % digits)
    max_col = max_row = 0
    tail = b""
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        buf = tail + chunk
        for m in cell.finditer(buf):
            letters = m.group(1) or m.group(3)
            max_col = max(max_col, col_index(letters) if letters else 0)
            max_row = max(max_row, int(m.group(2) or m.group(4)))
        for m in _REF.finditer(buf):
            max_col = max(max_col, col_index(m.group(1)))
            max_row = max(max_row, int(m.group(2)))
        if max_col > limits.max_columns or max_row > limits.xlsx_max_rows:
            break
        tail = buf[-_OVERLAP:]
    return max_col, max_row


def check_workbook(path: Path, limits: ReadLimits) -> None:
    """Refuse a workbook that is a link, a zip bomb, too large, or has a sheet reaching too far."""
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a zip (an .xls, or not a workbook): the reader reports it
    with z:
        infos = z.infolist()
        total = sum(i.file_size for i in infos)
        if total > limits.xlsx_max_unzipped_bytes:
            raise Refused("xlsx_too_large", size_mb=round(total / MB), limit_mb=limits.xlsx_max_unzipped_bytes // MB)
        for i in infos:
            if i.file_size > MB and i.file_size > limits.xlsx_max_ratio * max(i.compress_size, 1):
                raise Refused("xlsx_bomb", member=i.filename, ratio=i.file_size // max(i.compress_size, 1), limit=limits.xlsx_max_ratio)
        for i in infos:
            if not _SHEET.match(i.filename):
                continue
            with z.open(i) as stream:
                cols, rows = _scan_refs(stream, limits)
            if cols > limits.max_columns or rows > limits.xlsx_max_rows:
                raise Refused("xlsx_too_big_sheet", member=i.filename, cols=cols, rows=rows, max_cols=limits.max_columns, max_rows=limits.xlsx_max_rows)


def header_width(text: bytes) -> int:
    """Fields in the first non-empty line of UTF-8 CSV bytes (quoted commas counted once).

    Looks at the first 50 lines only, without copying the rest of the text (``split(b"\\n", 50)``
    copied it whole: 111 MB for 1M enterprises, before the engine could start its first copy).

    >>> header_width(b'\\n  \\nid,"a,b",c\\n1,2,3\\n'), header_width(b"\\n" * 60 + b"a,b"), header_width(b"")
    (3, 0, 0)
    """
    import csv
    import io

    start = 0
    for _ in range(50):
        end = text.find(b"\n", start)
        line = text[start:] if end == -1 else text[start:end]
        if line.strip():
            try:
                return len(next(csv.reader(io.StringIO(line.decode("utf-8", "replace")))))
            except (StopIteration, csv.Error):
                return line.count(b",") + 1
        if end == -1:
            break
        start = end + 1
    return 0


def encoding_rows(data: bytes) -> tuple[str, list[int]]:
    """For bytes that are not valid UTF-8 as a whole: which encoding most rows are in, and the rows that are not.

    Each line is tried as UTF-8. If more lines hold valid non-ASCII UTF-8 than
    fail, the file is UTF-8 and the failing lines are returned (``"utf-8"``,
    rows); otherwise it is GB18030 and the lines that look like UTF-8 (two or
    more non-ASCII characters, valid as UTF-8) are returned. Rows are line
    numbers (a quoted cell spanning lines shifts them).

    >>> encoding_rows("编号,名称\\n".encode() + "E1,中文企业\\n".encode("gbk") + "E2,比亚迪\\n".encode())
    ('utf-8', [2])
    """
    utf8, bad = [], []
    for i, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(i)
            continue
        if sum(1 for ch in text if ord(ch) > 127) >= 2:
            utf8.append(i)
    if len(utf8) > len(bad):
        return "utf-8", bad
    return "gb18030", utf8
