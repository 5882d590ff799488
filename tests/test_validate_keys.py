"""The key and reference checks at scale: the hash fast path of duplicate keys never hides one.

``check_keys`` skips the exact text comparison when every key hash differs (tables of 10,000+ rows);
these tests compare its issues with the plain exact check (the code before the fast path, kept
here as the reference) on large frames with and without duplicates, and on the cases where the
fast path must stand aside (a key part containing the separator, non-text keys).
"""

from __future__ import annotations

import polars as pl
import pytest

from graph.schema import TABLES
from ingest import validate as V
from ingest.issues import IssueList

N = 12_000  # above the fast path's 10,000-row floor


def _exact(t, df: pl.DataFrame) -> list[str]:
    """The exact check as it was before the fast path (reference)."""
    issues = IssueList()
    key = [k for k in t.key if k]
    required = [k for k in key if t.column(k).required]
    sub = df.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in required)) if required else df
    sub = sub.select(V.ROW, V._key_text(key).alias("__k") if len(key) > 1 else pl.col(key[0]).alias("__k"))
    dup = sub.filter(pl.col("__k").is_duplicated())
    if dup.height:
        first = dup.group_by("__k").agg(pl.col(V.ROW).min().alias("__first"))
        later = dup.join(first, on="__k").filter(pl.col(V.ROW) != pl.col("__first")).sort(V.ROW)
        cols = [t.column(k) for k in key]
        label = " + ".join(f"{c.name}/{c.zh}" for c in cols)
        V.emit_rows(issues, later, "duplicate_id", file="x.csv", column=key[0], column_zh=cols[0].zh, value_col="__k",
                    extras=lambda rec: {"first": rec["__first"], "col": label})  # fmt: skip
    return [str(i) for i in issues.finish()]


def _shipped(t, df: pl.DataFrame) -> list[str]:
    issues = IssueList()
    V.check_keys(t, df, "x.csv", issues)
    return [str(i) for i in issues.finish()]


def _links(ents: list[str | None], segs: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame({V.ROW: list(range(2, len(ents) + 2)), "enterprise_id": ents, "segment_id": segs})


@pytest.mark.parametrize(
    "case",
    ["clean", "one_duplicate", "many_duplicates", "separator_in_key", "null_parts"],
)
def test_duplicate_links_same_issues_as_exact_check(case: str) -> None:
    t = TABLES["enterprise_segments"]
    ents: list[str | None] = [f"E{i:06d}" for i in range(N)]
    segs: list[str | None] = [f"S{i % 97}" for i in range(N)]
    if case == "one_duplicate":
        ents[9_000], segs[9_000] = ents[17], segs[17]
    elif case == "many_duplicates":
        for i in range(0, N, 1_000):
            ents[i + 1], segs[i + 1] = ents[i], segs[i]
    elif case == "separator_in_key":  # "E1 + S2" + "S3" and "E1" + "S2 + S3": one key text, two tuples
        ents[5], segs[5] = "E1 + S2", "S3"
        ents[6], segs[6] = "E1", "S2 + S3"
    elif case == "null_parts":
        ents[3] = ents[4] = None
        segs[3] = segs[4] = "S1"
    df = _links(ents, segs)
    got, want = _shipped(t, df), _exact(t, df)
    assert got == want
    assert bool(got) == (case in ("one_duplicate", "many_duplicates", "separator_in_key"))


def test_fast_path_only_when_it_is_exact() -> None:
    t = TABLES["enterprises"]
    ids = pl.DataFrame({V.ROW: list(range(2, N + 2)), "id": [f"E{i}" for i in range(N)]})
    assert V._keys_distinct(ids, ["id"], ids.lazy())  # all distinct: the fast path answers
    dup = ids.with_columns(pl.when(pl.col(V.ROW) == 100).then(pl.lit("E0")).otherwise(pl.col("id")).alias("id"))
    assert not V._keys_distinct(dup, ["id"], dup.lazy())  # a duplicate: the exact check runs
    assert _shipped(t, dup) == _exact(t, dup) and len(_shipped(t, dup)) == 1
    small = ids.head(50)
    assert not V._keys_distinct(small, ["id"], small.lazy())  # small tables: the exact check, as before
    ints = pl.DataFrame({V.ROW: list(range(N)), "id": list(range(N))})
    assert not V._keys_distinct(ints, ["id"], ints.lazy())  # a typed key: its text could coincide


def test_unknown_references_found_and_ordered() -> None:
    t = TABLES["enterprise_segments"]
    ents = [f"E{i}" for i in range(N)]
    df = _links(ents, [f"S{i % 7}" for i in range(N)])
    tables = {"enterprises": pl.DataFrame({"id": ents[:-3]}), "segments": pl.DataFrame({"id": [f"S{i}" for i in range(6)]})}
    issues = IssueList()
    V.check_refs(t, df, "enterprise_segments.csv", tables, pl.DataFrame({"code": []}, schema={"code": pl.Utf8}), None, issues)
    got = issues.finish()
    rows = [i.row for i in got if i.column == "enterprise_id"]
    assert rows == [N - 1, N, N + 1]  # the three enterprises missing from enterprises.csv, in row order
    seg_rows = [i.row for i in got if i.column == "segment_id" and i.row is not None]  # capped: a summary has no row
    assert seg_rows[:3] == [8, 15, 22] and seg_rows == sorted(seg_rows)  # S6 is unknown: rows 8, 15, 22, ...
