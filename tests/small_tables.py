"""A tiny dataset as typed polars tables, built in code (no files), for store tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from typing import Any, Iterator

import polars as pl


@contextlib.contextmanager
def writing_in_background(writer: Any, tables: dict[str, pl.DataFrame], meta: dict, progress: Any = None) -> Iterator[threading.Thread]:
    """A thread writing ``tables`` with ``writer`` while the body reads; then joined, the writer closed, its error raised.

    ``progress``: the write's progress callback (``step, done, total``), e.g. to hold the writer at a step."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            writer.write(tables, meta=meta, **({"progress": progress} if progress else {}))
        except BaseException as exc:  # reported by the reading thread
            errors.append(exc)

    t = threading.Thread(target=run)
    t.start()
    try:
        yield t
    finally:
        t.join()
        writer.close()
    assert not errors, errors


def small_tables(n_extra: int = 0) -> dict[str, pl.DataFrame]:
    """Two chains, a sub-segment, a SUPPLIES loop, parks, projects; ``n_extra`` more candidates."""
    ent_ids = ["E001", "E002", "00123", "X1", "X2"] + [f"X{i:06d}" for i in range(3, 3 + n_extra)]
    n = len(ent_ids)
    return {
        "industries": pl.DataFrame(
            {"id": ["I1", "I2"], "name": ["新能源汽车", "生物医药"], "category": ["emerging", "leading"], "gbt4754": [["3612"], ["2710", "2720"]], "description": ["示例", None]}
        ),
        "chains": pl.DataFrame({"id": ["C1", "C2"], "name": ["新能源汽车产业链", "化学药产业链"], "industry_id": ["I1", "I2"]}),
        "segments": pl.DataFrame(
            {
                "id": ["S1", "S1a", "S2", "S3", "R1", "T1", "T2"],
                "chain_id": ["C1", "C1", "C1", "C1", "C1", "C2", "C2"],
                "name": ["正极材料", "磷酸铁锂", "动力电池", "整车", "电池回收", "原料药", "制剂"],
                "stage": ["upstream", "upstream", "midstream", "downstream", "downstream", "upstream", "downstream"],
                "parent_id": [None, "S1", None, None, None, None, None],
                "key": [True, False, True, False, None, False, True],
                "sw_codes": [["270202"], None, [], None, None, None, None],
                "keywords": [["正极", "三元"], None, None, None, None, None, None],
            }
        ),
        "segment_links": pl.DataFrame({"from_id": ["S1", "S2", "S3", "R1", "T1"], "to_id": ["S2", "S3", "R1", "S1", "T2"], "note": [None, None, None, "回收循环", None]}),
        "enterprises": pl.DataFrame(
            {
                "id": ent_ids,
                "name": ["示例锂电", "示例汽车", "零零企业", "外地甲", "外地乙"] + [f"候选{i}" for i in range(n_extra)],
                "local": [True, True, True] + [False] * (n - 3),
                "region_code": ["370102", "370102", None] + [None] * (n - 3),
                "park_id": ["P1", "P2", None] + [None] * (n - 3),
                "province": ["山东", "山东", "山东", "江苏", "广东"] + ["浙江"] * n_extra,
                "revenue": [5000.0, 120.5, None, 88000.0, 1500.0] + [float(i % 9000) for i in range(n_extra)],
                "founded": [dt.date(2010, 5, 1), None, dt.date(1999, 12, 31), None, None] + [None] * n_extra,
                "qualifications": [["高新技术企业", "专精特新"], [], None, ["上市"], None] + [None] * n_extra,
                "patents": [12, None, 0, 300, None] + [i % 50 for i in range(n_extra)],
                "pollution": ["low", "medium", None, "high", "low"] + ["low"] * n_extra,
            }
        ),
        "enterprise_segments": pl.DataFrame(
            {
                "enterprise_id": ["E001", "E002", "00123", "X1", "X2"] + ent_ids[5:],
                "segment_id": ["S1a", "S3", "T1", "S2", "S2"] + ["S2"] * n_extra,
                "share": [0.6, None, 1.0, 0.35, None] + [0.5] * n_extra,
                "source": ["人工", None, None, "申万行业匹配", None] + ["gen"] * n_extra,
                "confidence": ["confirmed", None, "likely", "confirmed", "likely"] + ["likely"] * n_extra,
            }
        ),
        "supply_links": pl.DataFrame({"supplier_id": ["X1"], "customer_id": ["E002"], "product": ["动力电池"], "amount": [3000.0], "source": ["示例"]}),
        "regions": pl.DataFrame({"code": ["370000", "370100", "370102"], "name": ["山东省", "济南市", "历下区"], "parent_code": [None, "370000", "370100"]}),
        "parks": pl.DataFrame(
            {
                "id": ["P1", "P2"],
                "name": ["示例高新区", "示例经开区"],
                "region_code": ["370102", "370102"],
                "level": ["national", "provincial"],
                "star": [5, 3],
                "area_mu": [12000.0, 8000.0],
                "focus_industries": [["I1"], ["I1", "I2"]],
            }
        ),
        "park_stats": pl.DataFrame(
            {"park_id": ["P1", "P1", "P2"], "period": ["2024", "2025", "2025"], "revenue": [100.0, 120.0, 50.0], "fixed_investment": [10.0, 12.0, None]}
        ),
        "projects": pl.DataFrame(
            {
                "id": ["PR1", "PR2"],
                "name": ["正极材料项目", "电池项目"],
                "stage": ["signed", "lead"],
                "enterprise_id": ["X1", None],
                "park_id": ["P1", None],
                "segment_id": ["S2", None],
                "investment": [50000.0, None],
                "land_mu": [100.0, None],
                "signed_on": [dt.date(2026, 1, 5), None],
            }
        ),
    }


def write_csv_dataset(tables: dict[str, pl.DataFrame], folder, *, skip: tuple[str, ...] = ("regions",)) -> None:
    """Write tables as a CSV dataset (lists joined with ';', dates ISO, booleans true/false)."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        if name in skip:
            continue
        out = df.with_columns(
            [pl.col(c).list.join(";") for c, t in df.schema.items() if isinstance(t, pl.List)]
        ).with_columns([pl.col(c).cast(pl.Utf8) for c, t in df.schema.items() if t in (pl.Date, pl.Boolean)])
        out.write_csv(folder / f"{name}.csv")
