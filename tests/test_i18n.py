"""The one translations module: every label people see has one home, derived from the schema and settings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cli.analysis as ca
import cli.parks as cp
from graph import i18n
from graph.analysis.results import GapRow
from graph.schema import ENUMS
from graph.settings import PriorityWeights, TargetWeights

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ["graph", "ingest", "cli", "app_pages", "webapp", "app.py"]


def test_every_enum_value_has_its_label():
    for name, values in ENUMS.items():
        for en, spellings in values.items():
            assert i18n.ENUM_ZH[name][en] == spellings[0]
    assert i18n.CATEGORY_LONG_ZH["leading"] == "主导产业"
    assert i18n.SEGMENT_STAGE_ZH["upstream"] == "上游" and i18n.PROJECT_STAGE_ZH["signed"] == "签约"


def test_every_factor_and_label_is_named():
    assert set(i18n.PRIORITY_FACTOR_ZH) == set(PriorityWeights.model_fields)
    assert set(i18n.TARGET_FACTOR_ZH) == set(TargetWeights.model_fields)
    assert set(i18n.GAP_LABEL_ZH) == set(i18n.GAP_LABELS)
    assert "label" in GapRow.model_fields


def test_every_cli_table_column_has_a_chinese_header():
    columns = set(ca.GAP_COLUMNS) | set(ca.CHAIN_COLUMNS) | set(ca.TARGET_COLUMNS)
    for table in (cp.PARK_COLUMNS, cp.TABLE_COLUMNS, ca.PROJECT_COLUMNS, ca.WHATIF_COLUMNS):
        columns |= {c for cols in table.values() for c in cols} | set(table)
    missing = sorted(c for c in columns if i18n.column_zh(c) == c)
    assert not missing, f"add Chinese headers to graph.i18n.COLUMN_ZH: {missing}"


@pytest.mark.parametrize(
    "column, value, text",
    [
        ("revenue", 850, "850万元"),
        ("revenue", 1147.25, "1147.2万元"),
        ("revenue", 123456, "12.3亿元"),
        ("revenue", None, "无数据"),
        ("revenue", float("nan"), "无数据"),
        ("growth", -0.031, "-3.1%"),
        ("score", 84.04, "84.0"),
        ("priority", None, "—"),
        ("label", "broken", "断链"),
        ("category", "specialty", "特色产业"),
        ("stage", "downstream", "下游"),
        ("flagged", False, "否"),
        ("reasons", ["甲", "乙"], "甲；乙"),
        ("counts_before", {"broken": 1, "strong": 2}, "断链 1；强链 2"),
        ("by_stage", {"lead": 1}, "线索 1"),
        ("revenue_per_mu", 9, "9.0万元/亩"),  # beside 26.6万元/亩 (round-10 audit: it read 9万元/亩)
        ("area_mu", 60430, "60,430亩"),  # as the app (it read 60430亩)
        ("land_mu", 44.6, "44.6亩"),
    ],
)
def test_cells_for_people(column, value, text):
    assert i18n.cell(column, value) == text


def _label_dicts(path: Path):
    """Dict literals in a module that map a known English key to a Chinese label of i18n."""
    labels = {**i18n.GAP_LABEL_ZH, **i18n.SEGMENT_STAGE_ZH, **i18n.PROJECT_STAGE_ZH, **i18n.CATEGORY_LONG_ZH}
    labels.update(i18n.PRIORITY_FACTOR_ZH)
    labels.update(i18n.TARGET_FACTOR_ZH)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            pairs = [(k.value, v.value) for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)]
            hits = [(k, v) for k, v in pairs if isinstance(v, str) and labels.get(k) == v]
            if len(hits) >= 2:
                yield node.lineno, hits


def test_no_label_map_outside_the_translations_module():
    found = []
    for d in CODE_DIRS:
        base = ROOT / d
        files = [base] if base.is_file() else sorted(base.rglob("*.py")) if base.exists() else []
        for f in files:
            if f.name == "i18n.py" or "demo" in f.parts:
                continue
            found += [(str(f.relative_to(ROOT)), line, hits) for line, hits in _label_dicts(f)]
    assert not found, f"label maps defined outside graph/i18n.py: {found}"
