"""Parse one text column into its contract type, vectorised, with an error code per row.

Each type has a cheap *fast path* (a plain cast or lookup that accepts the
canonical spelling) run on the whole column, and a *slow path* (Unicode
normalisation, thousands separators, percentages, Chinese dates, ...) run only
on the rows the fast path could not read. Error codes are strings
(``bad_number``, ``bad_share``...), null where the value is fine.

>>> v, e = parse_column("enterprises", TABLES["enterprises"].column("growth"), pl.Series(["12%", "0.1", "x", None]))
>>> v.to_list(), e.to_list()
([0.12, 0.1, None, None], [None, None, 'bad_number', None])
"""

from __future__ import annotations

import unicodedata

import numpy as np
import polars as pl
from graph.schema import ENUMS, TABLES, Column  # noqa: F401 - TABLES is used by the doctest
from graph.view import POLARS_TYPES
from ingest.issues import phrase
from ingest import uscc
from ingest.regions import pad_region_expr

# float columns that also accept a percentage ("12.5%" -> 0.125)
PERCENT_FLOATS = {("enterprises", "growth")}
# text columns holding division codes: 2/4-digit codes are padded to 6 digits
REGION_CODE_COLUMNS = {("enterprises", "region_code"), ("parks", "region_code"), ("regions", "code"), ("regions", "parent_code")}
CREDIT_CODE_COLUMNS = {("enterprises", "credit_code")}
PERIOD_COLUMNS = {("park_stats", "period")}

BOOL_WORDS = {"true": True, "false": False, "1": True, "0": False, "是": True, "否": False, "y": True, "n": False, "yes": True, "no": False}

NUM_RE = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
THOUSANDS_RE = r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?%?$"
INT_RE = r"^[+-]?\d+(\.0*)?$"
PERIOD_RE = r"^\d{4}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$"
ISO_DATE_RE = r"^\d{4}-\d{1,2}-\d{1,2}$"
DEFAULT_YEARS = (1900, 2100)


def enum_allowed(enum: str) -> str:
    """``upstream/上游、midstream/中游、downstream/下游``."""
    return "、".join(f"{en}/{zh[0]}" if zh else en for en, zh in ENUMS[enum].items())


def enum_lookup(enum: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for en, zhs in ENUMS[enum].items():
        for s in (en, *zhs):
            out[unicodedata.normalize("NFKC", s).lower()] = en
    return out


# ---------------------------------------------------------------- slow paths (few rows)


def _frame(s: pl.Series) -> pl.DataFrame:
    return pl.DataFrame({"s": s})


def _nfkc(s: pl.Series) -> pl.Series:
    return s.str.normalize("NFKC").str.strip_chars()


def _plain_digits(t: pl.Series) -> pl.Series:
    """Text with thousands separators removed, only where they are in the standard form ``1,234,567.8``.

    Any other comma (``1,5``, ``1.234,5``, ``1,2,3``) leaves the text as it is, which then fails
    the number pattern: a misplaced separator is an error, never a silent misreading.
    """
    standard = t.str.contains(THOUSANDS_RE).fill_null(False)
    return _frame(t).select(pl.when(standard).then(pl.col("s").str.replace_all(",", "")).otherwise(pl.col("s"))).to_series()


def _slow_number(s: pl.Series, *, percent: bool, share: bool) -> tuple[pl.Series, pl.Series]:
    """Numbers with standard thousands separators, full-width digits and (where allowed) a % sign."""
    f = _frame(s).with_columns(t=_plain_digits(_nfkc(s).str.replace(r"\s+%$", "%")))
    f = f.with_columns(pct=pl.col("t").str.ends_with("%"), txt=pl.col("t").str.strip_suffix("%"))
    f = f.with_columns(ok=pl.col("txt").str.contains(NUM_RE))
    f = f.with_columns(v=pl.when(pl.col("ok")).then(pl.col("txt").cast(pl.Float64, strict=False)))
    f = f.with_columns(v=pl.when(pl.col("v").is_finite()).then(pl.col("v")))  # 1e309 is not a number here
    f = f.with_columns(v=pl.when(pl.col("pct")).then(pl.col("v") / 100).otherwise(pl.col("v")))
    allowed_pct = percent or share
    bad = pl.col("v").is_null() | (pl.col("pct") & (not allowed_pct))
    f = f.with_columns(v=pl.when(bad).then(None).otherwise(pl.col("v")), e=pl.when(bad).then(pl.lit("bad_number")))
    return f["v"], f["e"]


def _slow_int(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    f = _frame(s).with_columns(t=_plain_digits(_nfkc(s)))
    f = f.with_columns(v=pl.when(pl.col("t").str.contains(INT_RE)).then(pl.col("t").str.replace(r"\.0*$", "").cast(pl.Int64, strict=False)))
    f = f.with_columns(e=pl.when(pl.col("v").is_null()).then(pl.lit("bad_number")))
    return f["v"], f["e"]


def _slow_lookup(s: pl.Series, mapping: dict, dtype: pl.DataType, code: str) -> tuple[pl.Series, pl.Series]:
    v = _nfkc(s).str.to_lowercase().replace_strict(mapping, default=None, return_dtype=dtype)
    return v, _frame(v).select(pl.when(pl.col("s").is_null()).then(pl.lit(code))).to_series()


def _slow_date(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    t = _nfkc(s)
    t = t.str.replace(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$", "$1-$2-$3")
    t = t.str.replace(r"^(\d{4})(\d{2})(\d{2})$", "$1-$2-$3")
    t = t.str.replace(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$", "$1-$2-$3")
    t = t.str.replace(r"^(\d{4}-\d{1,2}-\d{1,2})[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "$1")
    f = _frame(t).with_columns(v=pl.when(pl.col("s").str.contains(ISO_DATE_RE)).then(pl.col("s").str.to_date("%Y-%m-%d", strict=False)))
    f = f.with_columns(e=pl.when(pl.col("v").is_null()).then(pl.lit("bad_date")))
    return f["v"], f["e"]


def _slow_credit(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    t = _nfkc(s).str.to_uppercase().str.replace_all(r"[\s\-]", "")
    ok = uscc.valid(t)
    return t, _frame(ok).select(pl.when(~pl.col("s")).then(pl.lit("bad_credit_code"))).to_series()


def _slow_period(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    t = _nfkc(s).str.to_uppercase().str.replace_all(r"\s", "").str.replace(r"年$", "")
    t = t.str.replace(r"^(\d{4})-?([HQ]\d)$", "$1-$2").str.replace(r"^(\d{4})-(\d)$", "$1-0$2")
    # Excel turns a typed "2024-05" into the date 2024-05-01: read a first-of-month date as that month
    t = t.str.replace(r"^(\d{4})[-/](\d{1,2})[-/]0?1$", "$1-$2").str.replace(r"^(\d{4})-(\d)$", "$1-0$2")
    return t, _frame(t).select(pl.when(~pl.col("s").str.contains(PERIOD_RE)).then(pl.lit("bad_period"))).to_series()


# ---------------------------------------------------------------- one column


def _no_errors(n: int) -> pl.Series:
    return pl.repeat(None, n, dtype=pl.Utf8, eager=True).alias("e")


def _merge_slow(s: pl.Series, fast: pl.Series, need: pl.Series, slow) -> tuple[pl.Series, pl.Series]:
    """Fill the rows flagged ``need`` from ``slow(s[need])``; error codes for those rows."""
    err = _no_errors(len(s))
    if not need.any():
        return fast, err
    idx = need.arg_true()
    v_sub, e_sub = slow(s.gather(idx))
    return fast.scatter(idx, v_sub.cast(fast.dtype)), err.scatter(idx, e_sub.cast(pl.Utf8))


def _range(values: pl.Series, err: pl.Series, col: Column) -> pl.Series:
    if col.min is None and col.max is None:
        return err
    f = pl.DataFrame({"v": values, "e": err})
    chain = pl.when(pl.col("e").is_not_null()).then(pl.col("e"))
    if col.min is not None:
        chain = chain.when(pl.col("v") < col.min).then(pl.lit("negative_number" if col.min == 0 else "out_of_range"))
    if col.max is not None:
        chain = chain.when(pl.col("v") > col.max).then(pl.lit("out_of_range"))
    return f.select(chain.otherwise(None)).to_series()


def _year_range(v: pl.Series, e: pl.Series, years: tuple[int, int]) -> tuple[pl.Series, pl.Series]:
    """Dates outside ``years`` (inclusive) become errors (year 0000 imported and then crashed readers)."""
    f = pl.DataFrame({"v": v, "e": e}).with_columns(bad=~pl.col("v").dt.year().is_between(*years))
    f = f.with_columns(
        e=pl.when(pl.col("bad")).then(pl.lit("date_out_of_range")).otherwise(pl.col("e")),
        v=pl.when(pl.col("bad")).then(None).otherwise(pl.col("v")),
    )
    return f["v"], f["e"]


def parse_column(tname: str, col: Column, s: pl.Series, *, years: tuple[int, int] = DEFAULT_YEARS) -> tuple[pl.Series, pl.Series]:
    """Typed values (the contract's polars type) and error codes (Utf8, null = fine) of a text column.

    ``years`` bounds dates (settings ``date_min_year``, ``date_max_year``).
    """
    key = (tname, col.name)
    present = s.is_not_null()
    dtype = POLARS_TYPES[col.type]
    if col.type in ("enum", "bool"):
        mapping = enum_lookup(col.enum) if col.type == "enum" else BOOL_WORDS
        code = "bad_enum" if col.type == "enum" else "bad_bool"
        fast = s.str.to_lowercase().replace_strict(mapping, default=None, return_dtype=dtype)
        return _merge_slow(s, fast, present & fast.is_null(), lambda x: _slow_lookup(x, mapping, dtype, code))
    if col.type == "int":
        fast = s.cast(pl.Int64, strict=False)
        v, e = _merge_slow(s, fast, present & fast.is_null(), _slow_int)
        return v, _range(v, e, col)
    if col.type in ("float", "share"):
        fast = s.cast(pl.Float64, strict=False)
        fast = _frame(fast).select(pl.when(pl.col("s").is_finite()).then(pl.col("s"))).to_series()
        slow = lambda x: _slow_number(x, percent=key in PERCENT_FLOATS, share=col.type == "share")  # noqa: E731
        v, e = _merge_slow(s, fast, present & fast.is_null(), slow)
        if col.type == "share":
            f = pl.DataFrame({"v": v, "e": e}).with_columns(bad=(pl.col("v") < 0) | (pl.col("v") > 1))
            f = f.with_columns(
                e=pl.when(pl.col("bad")).then(pl.lit("bad_share")).otherwise(pl.col("e")),
                v=pl.when(pl.col("bad")).then(None).otherwise(pl.col("v")),
            )
            return f["v"], f["e"]
        return v, _range(v, e, col)
    if col.type == "date":
        # chrono's %Y also takes 2-digit years ("24-05-01" -> year 24): only 4-digit years pass fast
        iso = s.str.contains(ISO_DATE_RE).fill_null(False)
        fast = _frame(s).select(pl.when(iso).then(pl.col("s").str.to_date("%Y-%m-%d", strict=False))).to_series()
        return _year_range(*_merge_slow(s, fast, present & fast.is_null(), _slow_date), years)
    if col.type == "list":
        v = _frame(s).select(
            pl.col("s")
            .str.replace_all(r"[；;、]", ";")
            .str.split(";")
            .list.eval(pl.element().str.strip_chars().filter(pl.element().str.len_chars() > 0))
        )
        return v.to_series(), _no_errors(len(s))
    if key in REGION_CODE_COLUMNS:
        return _frame(s).select(pad_region_expr(pl.col("s"))).to_series(), _no_errors(len(s))
    if key in CREDIT_CODE_COLUMNS:
        return _merge_slow(s, s, present & ~uscc.valid(s), _slow_credit)
    if key in PERIOD_COLUMNS:
        fast_ok = s.str.contains(PERIOD_RE).fill_null(False)
        return _merge_slow(s, s, present & ~fast_ok, _slow_period)
    return s, _no_errors(len(s))


# ---------------------------------------------------------------- message details


def unit(col: Column) -> str:
    return phrase("unit", unit=col.doc) if col.doc in ("万元", "亩") else ""


def number_expect(tname: str, col: Column) -> str:
    if col.type == "int":
        return phrase("expect_int")
    if (tname, col.name) in PERCENT_FLOATS:
        return phrase("expect_percent_float")
    if col.type == "share":
        return phrase("expect_share")
    return phrase("expect_float", unit=unit(col))


def credit_code_detail(value: str) -> str:
    """Why a credit code is invalid, in Chinese (python-stdnum decides).

    >>> credit_code_detail("91110000600037341")
    '长度为 17 位，应为 18 位'
    >>> credit_code_detail("91110000600037341A")
    '校验位错误（最后一位应为 “L”，实为 “A”）'
    >>> credit_code_detail("9111000060003734IL")
    '含有不允许的字符 “I”'
    """
    reason, details = uscc.why_invalid(uscc.compact(unicodedata.normalize("NFKC", value)))
    return phrase(f"uscc_{reason}", **details)


def share_detail(value: str) -> str:
    t = unicodedata.normalize("NFKC", value).replace(",", "").strip()
    if t.endswith("%"):
        return phrase("share_percent")
    if t.startswith("-"):
        return phrase("share_negative")
    return phrase("share_over_one")


def fmt_num(x: float | None) -> str:
    if x is None:
        return "∞"
    return str(int(x)) if float(x).is_integer() else str(x)


def issue_extras(tname: str, col: Column, code: str, value: str | None, years: tuple[int, int] = DEFAULT_YEARS) -> dict:
    """Template fields of a column-level issue beyond file/row/column/value."""
    if code == "bad_enum":
        return {"allowed": enum_allowed(col.enum)}
    if code == "bad_number" and value and "," in unicodedata.normalize("NFKC", value):
        return {"expect": phrase("thousands")}
    if code == "bad_number":
        return {"expect": number_expect(tname, col)}
    if code == "date_out_of_range":
        return {"low": years[0], "high": years[1]}
    if code == "negative_number":
        return {"unit": unit(col)}
    if code == "out_of_range":
        return {"low": fmt_num(col.min), "high": fmt_num(col.max)}
    if code == "bad_share":
        return {"detail": share_detail(value or "")}
    if code == "bad_credit_code":
        return {"detail": credit_code_detail(value or ""), "expect": phrase("uscc_fix")}
    return {}



