"""Docs that cannot drift from the code: schema, settings, CLI commands, the CI command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.schema import NODES, RELS
from graph.settings import AnalysisSettings, Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("label", list(NODES))
def test_every_label_and_property_documented(label):
    row = next((line for line in README.splitlines() if line.startswith(f"| `{label}` |")), None)
    assert row, f"README schema table lacks label {label}"
    for prop in NODES[label].props:
        assert f"`{prop.name}` {prop.type}" in row, f"{label}.{prop.name} ({prop.type}) not documented"


@pytest.mark.parametrize("rtype", list(RELS))
def test_every_relationship_documented(rtype):
    spec = RELS[rtype]
    pattern = f"`(:{spec.src})-[:{rtype}]->(:{spec.dst})`"
    row = next((line for line in README.splitlines() if line.startswith(f"| {pattern}")), None)
    assert row, f"README lacks {pattern}"
    for prop in spec.props:
        assert f"`{prop.name}`" in row


def _leaf_settings(model, prefix=""):
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if hasattr(value, "model_fields"):
            yield from _leaf_settings(value, f"{prefix}{name}.")
        else:
            yield prefix + name, field


def test_every_setting_documented():
    top = [n for n in Settings.model_fields if n != "analysis"]
    for name in top:
        assert f"| `{name}` |" in README, f"setting {name} missing from README"
    groups = {}
    for path, _ in _leaf_settings(AnalysisSettings()):
        head, _, leaf = path.rpartition(".")
        groups.setdefault(head, []).append(leaf)
    for head, leaves in groups.items():
        if head:
            assert f"`{head}.{{{','.join(leaves)}}}`" in README, f"analysis.{head}.* not documented as a group"
        else:
            for leaf in leaves:
                assert re.search(rf"`{leaf}`", README), f"analysis setting {leaf} not documented"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    last = [line.strip() for line in ci.splitlines() if line.strip() and not line.startswith(("#", "set ", "cd "))][-1]
    assert last in README
    assert "./scripts/run" in README and "./scripts/test" in README


def test_every_cli_command_documented():
    from cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name in sub.choices:
        assert f"`indmap {name}" in README, f"command {name} missing from README"


def test_env_example_names_real_settings():
    text = (ROOT / ".env.example").read_text()
    names = re.findall(r"INDMAP_([A-Z_]+?)=", text)
    valid = {n.upper() for n in Settings.model_fields} | {"SETTINGS_FILE"}
    for n in names:
        head = n.split("__")[0]
        assert head in valid, n


def test_every_analysis_setting_has_a_chinese_title():
    """The app's sidebar is built from ``title`` / ``description`` / bounds: a setting without a title has no label."""
    from graph.settings import setting_titles

    missing = [path for path, title in setting_titles().items() if not title or not re.search(r"[\u4e00-\u9fff]", title)]
    assert not missing, f"add title=\"中文标签\" to these settings: {missing}"


def test_every_header_alias_is_in_the_data_contract():
    """Header spellings the readers accept (``Column.aliases`` in the schema) are documented with their table."""
    from graph.schema import TABLES

    contract = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    for t in TABLES.values():
        row = next((line for line in contract.splitlines() if line.startswith(f"| `{t.file}` |")), "")
        for c in t.columns:
            for alias in c.aliases:
                assert alias in row, f"{t.file}: alias {alias!r} of {c.name} missing from docs/data-contract.md"
