"""Reading segment rules and enterprise lists, writing links (``enterprise_segments.csv``)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from graph.schema import TABLES

LINK_COLUMNS = ["enterprise_id", "segment_id", "share", "source", "confidence", "evidence"]
REVIEW_COLUMNS = ["enterprise_id", "enterprise_name", "segment_id", "segment_name", "share", "source", "confidence", "evidence"]


def _header_map(table: str) -> dict[str, str]:
    from unicodedata import normalize

    out = {}
    for c in TABLES[table].columns:
        for h in (c.name, c.zh, *c.aliases):
            out[normalize("NFKC", h).strip().lower()] = c.name
    return out


def read_text_csv(path: str | Path) -> pl.DataFrame:
    """A CSV with every cell as text; UTF-8 (with or without BOM) or GBK/GB18030."""
    raw = Path(path).read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(f"{path}: 文件不是 UTF-8 或 GBK/GB18030 编码的文本")
    import io

    df = pl.read_csv(io.StringIO(text), infer_schema=False)
    return df.with_columns(pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c).str.strip_chars()).alias(c) for c in df.columns)


def read_segments(path: str | Path) -> pl.DataFrame:
    """``segments.csv`` (English or Chinese headers), every cell as text."""
    from unicodedata import normalize

    df = read_text_csv(path)
    hm = _header_map("segments")
    ren = {c: hm[normalize("NFKC", c).strip().lower()] for c in df.columns if normalize("NFKC", c).strip().lower() in hm}
    df = df.rename(ren)
    missing = [c for c in ("id", "chain_id", "name") if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: 缺少列 {', '.join(missing)}")
    return df




def write_links(df: pl.DataFrame, path: str | Path, *, review: bool = False) -> None:
    """Write links as ``enterprise_segments.csv`` (UTF-8, no BOM, share to 4 places) with the evidence score; ``review`` adds names."""
    cols = REVIEW_COLUMNS if review else LINK_COLUMNS
    out = df.select(cols).with_columns(pl.col("share").round(4))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    out.write_csv(path, line_terminator="\n", float_precision=4)
