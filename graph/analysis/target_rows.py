"""Result rows of the target ranking: reason texts and :class:`TargetRow` objects, built only for the rows asked for.

Ranking a segment's pool takes a few milliseconds; writing six reasons and a row object per
candidate took ten times as long at 1M enterprises. :func:`graph.analysis.targets.targets`
therefore ranks every candidate (ids and scores stay in the result for rank-of-N and exports)
and hands only the page of rows it returns to :func:`target_rows`. The texts depend only on
the row itself and on the pool-wide standing columns (``_<col>_pos`` and ``_<col>_n``, taken
before any slicing), so a row reads the same whichever page it is on.
"""

from __future__ import annotations

import polars as pl

from graph.analysis import reasons as R
from graph.analysis.results import TargetRow, construct_rows
from graph.schema import PROJECT_STAGES

TARGET_FACTORS = ("scale", "innovation", "ties", "fit", "growth", "green")
QUAL_HIGH_TECH = "高新技术企业"
QUAL_SRDI = "专精特新"
QUAL_GIANT = "专精特新小巨人"


def _reason_texts(out: pl.DataFrame) -> pl.DataFrame:
    """The reason of every factor (one column each), the pipeline note and the stage, as polars string expressions."""
    stage = pl.col("_stage_i").replace_strict(dict(enumerate(PROJECT_STAGES)), default=None, return_dtype=pl.Utf8)
    quals = [(pl.col("_giant"), QUAL_GIANT), (pl.col("_srdi") & ~pl.col("_giant"), QUAL_SRDI), (pl.col("_hightech"), QUAL_HIGH_TECH)]
    return out.with_columns(
        pl.Series("_money", [R.money(v) for v in out.get_column("revenue").to_list()], dtype=pl.Utf8),
        pl.Series("_share_txt", R.pct_texts(out.get_column("share").to_list(), 0), dtype=pl.Utf8),
        pl.Series("_growth_txt", R.pct_texts(out.get_column("growth").to_list(), 1), dtype=pl.Utf8),
        stage.alias("_stage"),
    ).select(
        R.x_scale(pl.col("revenue"), pl.col("_money"), pl.col("_revenue_pos"), pl.col("_revenue_n")).alias("scale"),
        pl.concat_str(
            R.x_patents(pl.col("patents"), pl.col("_patents_pos"), pl.col("_patents_n")),
            pl.lit("；"),
            R.x_qualifications(quals, pl.col("_k_qualifications")),
        ).alias("innovation"),
        R.x_ties(pl.col("_to"), pl.col("_from"), pl.col("_k_ties")).alias("ties"),
        R.x_fit(pl.col("_share_txt"), pl.col("confidence")).alias("fit"),
        R.x_growth(pl.col("_growth_txt"), pl.col("_growth_pos"), pl.col("_growth_n")).alias("growth"),
        R.x_green(pl.col("pollution"), pl.col("energy")).alias("green"),
        R.x_pipeline(pl.col("_stage"), pl.col("_top_projects"), ~pl.col("_in_pipe")).alias("_pipe_reason"),
        pl.col("_stage"),
    )


def target_rows(out: pl.DataFrame) -> list[TargetRow]:
    """One :class:`TargetRow` per row of a ranked frame (or a slice of one), reasons included.

    Parameters
    ----------
    out : polars.DataFrame
        Rows of the frame :func:`graph.analysis.targets.targets` ranks: the pool columns, the
        factor columns ``f_<factor>`` and ``_c_<factor>``, ``score``, ``coverage``, ``_rank``.

    Returns
    -------
    list[TargetRow]
        In the frame's order; an empty frame gives no rows.

    Examples
    --------
    >>> target_rows(pl.DataFrame())
    []
    """
    if out.height == 0:
        return []
    texts = _reason_texts(out)
    col = out.get_column
    # every value comes from typed frames; validating thousands of rows per call cost more than the
    # ranking itself (a test checks that these rows validate)
    factor_reasons = _factor_dicts([texts.get_column(k).to_list() for k in TARGET_FACTORS])
    reasons = [list(fr.values()) if p is None else [p, *fr.values()] for p, fr in zip(texts.get_column("_pipe_reason").to_list(), factor_reasons)]
    return construct_rows(
        TargetRow,
        {
            "rank": col("_rank").to_list(),
            "enterprise_id": col("enterprise_id").to_list(),
            "name": col("name").to_list(),
            "province": col("province").to_list(),
            "revenue": col("revenue").to_list(),
            "listed_code": col("listed_code").to_list(),
            "qualifications": [[] if q is None else q for q in col("qualifications").to_list()],
            "score": col("score").to_list(),
            "coverage": col("coverage").to_list(),
            "factors": _factor_dicts([col(f"f_{k}").cast(pl.Float64).to_list() for k in TARGET_FACTORS]),
            "factor_coverage": _factor_dicts([col(f"_c_{k}").to_list() for k in TARGET_FACTORS]),
            "factor_reasons": factor_reasons,
            "reasons": reasons,
            "in_pipeline": col("_in_pipe").to_list(),
            "pipeline_stage": texts.get_column("_stage").to_list(),
            "pipeline_projects": [[] if q is None else q for q in col("_pipe_projects").to_list()],
        },
    )


def _factor_dicts(columns: list[list]) -> list[dict]:
    """``{factor: value}`` per row from one column per factor (in TARGET_FACTORS order)."""
    k1, k2, k3, k4, k5, k6 = TARGET_FACTORS
    return [{k1: a, k2: b, k3: c, k4: d, k5: e, k6: f} for a, b, c, d, e, f in zip(*columns)]
