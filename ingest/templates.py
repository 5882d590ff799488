"""Dataset templates: every table with Chinese headers and example rows that pass validation.

``write_templates(DIR)`` writes one UTF-8 (with BOM, so Excel shows Chinese)
CSV file per table plus ``说明.txt``; ``write_templates(DIR, xlsx=True)``
writes one workbook ``indmap-template.xlsx`` with a sheet per table and a
``说明`` sheet. Files and sheets named ``说明…`` are ignored by the ingest.
"""

from __future__ import annotations

import csv
from pathlib import Path

from graph.schema import ENUMS, TABLES, Column, Table

XLSX_NAME = "indmap-template.xlsx"
NOTES_NAME = "说明"

# Example rows keyed by English column; they reference each other and pass validation.
EXAMPLES: dict[str, list[dict[str, str]]] = {
    "industries": [{"id": "I01", "name": "新能源汽车", "category": "新兴", "gbt4754": "3612；3670", "description": "示例行，可删除"}],
    "chains": [{"id": "C01", "name": "新能源汽车产业链", "industry_id": "I01"}],
    "segments": [
        {"id": "S01", "chain_id": "C01", "name": "正极材料", "stage": "上游", "key": "否", "gbt4754": "3985", "keywords": "正极材料；磷酸铁锂；三元材料"},
        {"id": "S02", "chain_id": "C01", "name": "动力电池", "stage": "中游", "key": "是", "gbt4754": "3841", "keywords": "动力电池；储能电池"},
    ],
    "segment_links": [{"from_id": "S01", "to_id": "S02", "note": "正极材料供应动力电池"}],
    "enterprises": [
        {
            "id": "E0001",
            "name": "示例动力电池有限公司",
            "local": "是",
            "credit_code": "91370102MA3C4Y8K04",
            "region_code": "370102",
            "park_id": "P01",
            "province": "山东省",
            "revenue": "12,000",
            "employees": "350",
            "founded": "2015-06-01",
            "qualifications": "高新技术企业；专精特新",
            "patents": "45",
            "pollution": "低",
            "energy": "中",
            "growth": "12%",
            "gbt4754": "3841",
            "products": "动力电池；储能电池",
            "business_scope": "锂离子电池制造；电池销售；储能技术服务",
        },
        {
            "id": "E0002",
            "name": "示例正极材料股份有限公司",
            "local": "否",
            "credit_code": "91320500MA1N2P3Q4P",
            "region_code": "320505",
            "province": "江苏省",
            "revenue": "86000",
            "employees": "1200",
            "founded": "2009-03-18",
            "listed_code": "688000",
            "qualifications": "上市",
            "patents": "210",
            "pollution": "中",
            "energy": "中",
            "growth": "0.08",
        },
    ],
    "enterprise_segments": [{"enterprise_id": "E0001", "segment_id": "S02", "share": "80%", "source": "人工", "confidence": "已确认", "evidence": "0.9"}],
    "supply_links": [{"supplier_id": "E0002", "customer_id": "E0001", "product": "磷酸铁锂正极材料", "amount": "3000", "source": "企业走访"}],
    "regions": [{"code": "370102", "name": "历下区", "parent_code": "370100"}],
    "parks": [
        {"id": "P01", "name": "示例高新技术产业开发区", "region_code": "370102", "level": "省级", "star": "4", "area_mu": "5000", "focus_industries": "I01"}
    ],
    "park_stats": [{"park_id": "P01", "period": "2024", "fixed_investment": "150000", "revenue": "3200000", "profit": "210000", "tax": "95000"}],
    "projects": [
        {
            "id": "PJ001",
            "name": "示例正极材料扩产项目",
            "stage": "签约",
            "enterprise_id": "E0002",
            "park_id": "P01",
            "segment_id": "S01",
            "investment": "50000",
            "land_mu": "120",
            "stage_date": "2024-03-15",
            "signed_on": "2024-03-15",
            "planned_start": "2024-06-01",
            "planned_production": "2025-12-31",
            "owner": "招商一局",
            "expected_revenue": "80000",
            "expected_tax": "3000",
        }
    ],
}

_TYPE_ZH = {
    "str": "文本",
    "float": "数字",
    "int": "整数",
    "bool": "是/否（也可填 true/false、1/0、Y/N）",
    "date": "日期（2024-05-01、2024/05/01、2024年5月1日 或 20240501）",
    "list": "列表（用 ; 或 ； 或 、 分隔）",
    "share": "比例（0 到 1 的小数，或带 % 的百分比）",
}


def describe_column(col: Column) -> str:
    """One line of the notes: Chinese name, English name, required mark, type, allowed values."""
    if col.type == "enum":
        kind = "取值：" + "、".join(f"{en}/{'/'.join(zh)}" if zh else en for en, zh in ENUMS[col.enum].items())
    else:
        kind = _TYPE_ZH[col.type]
    parts = [f"{col.zh}（{col.name}）{'，必填' if col.required else ''}", kind]
    if col.doc in ("万元", "亩"):
        parts.append(f"单位：{col.doc}")
    if col.min is not None or col.max is not None:
        lo = "" if col.min is None else f"{col.min:g}"
        hi = "" if col.max is None else f"{col.max:g}"
        parts.append(f"范围：{lo}–{hi}")
    if col.ref == ("regions", "code"):
        parts.append("须为 6 位国家统计用区划代码（内置）或 regions.csv 中的 code")
    elif col.ref:
        parts.append(f"须为 {col.ref[0]}.csv 中已有的 {col.ref[1]}")
    return "；".join(parts)


def notes_rows() -> list[list[str]]:
    rows = [["文件/工作表", "表", "是否必需", "列说明"]]
    for t in TABLES.values():
        for i, c in enumerate(t.columns):
            rows.append([t.file if i == 0 else "", t.zh if i == 0 else "", ("必需" if t.required else "可选") if i == 0 else "", describe_column(c)])
    return rows


def _grid(t: Table) -> list[list[str]]:
    header = [c.zh for c in t.columns]
    return [header] + [[ex.get(c.name, "") for c in t.columns] for ex in EXAMPLES[t.name]]


def write_templates(directory: str | Path, xlsx: bool = False) -> list[Path]:
    """Write the templates into ``directory`` (created); returns the files written."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    if xlsx:
        return [_write_xlsx(out / XLSX_NAME)]
    written = []
    for t in TABLES.values():
        path = out / t.file
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh, lineterminator="\r\n").writerows(_grid(t))
        written.append(path)
    notes = out / f"{NOTES_NAME}.txt"
    lines = ["数据集模板说明：每个 CSV 文件是一张表，第一行是表头（中文或英文列名均可），示例行可删除。"]
    for row in notes_rows()[1:]:
        if row[0]:
            lines += ["", f"{row[0]}（{row[1]}，{row[2]}）"]
        lines.append(f"  - {row[3]}")
    notes.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    written.append(notes)
    return written


def _write_xlsx(path: Path) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    text = wb.add_format({"num_format": "@"})
    head = wb.add_format({"num_format": "@", "bold": True, "bg_color": "#DDEBF7"})
    for t in TABLES.values():
        ws = wb.add_worksheet(t.name)
        for r, row in enumerate(_grid(t)):
            for c, value in enumerate(row):
                ws.write_string(r, c, value, head if r == 0 else text)
        ws.set_column(0, len(t.columns) - 1, 16, text)  # text format keeps leading zeros in IDs
        ws.freeze_panes(1, 0)
    ws = wb.add_worksheet(NOTES_NAME)
    for r, row in enumerate(notes_rows()):
        for c, value in enumerate(row):
            ws.write_string(r, c, value, head if r == 0 else None)
    ws.set_column(0, 2, 18)
    ws.set_column(3, 3, 90)
    wb.close()
    return path
