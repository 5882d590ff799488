"""docs/analysis.md, the one copy of the definitions, cannot drift from the code.

* every analysis setting is named there, and every name it puts in `code` exists in the code
  (a setting, a factor, a schema column, a result field, an enum value, a label or type);
* the factor tables give exactly the weight models' factors with their default weights;
* every factor has its reason text in ``graph/analysis/reasons.py`` and every factor reason there
  belongs to a documented factor;
* the README points to it instead of repeating it.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from graph.analysis import reasons as R
from graph.analysis import results
from graph.i18n import GAP_LABELS
from graph.schema import ENUMS, NODES, RELS, TABLES
from graph.settings import AnalysisSettings, PriorityWeights, TargetWeights, setting_titles

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
CODE = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_.]*)`", DOC))

# reason functions that are not factors: labels, flags and warnings of other results
NOT_FACTORS = {
    "pipeline", "focus_low", "no_previous", "no_period", "missing_values", "missing_growth", "one_firm",
    "stalled", "intensity", "output", "tax", "overdue",
}
# target factors whose reason is made of one text per part
FACTOR_PARTS = {"innovation": ("patents", "qualifications")}


def _section(title: str) -> str:
    start = DOC.index(title)
    end = DOC.find("\n## ", start + 1)
    return DOC[start : end if end > 0 else None]


def _known_names() -> set[str]:
    names = {p.split(".")[-1] for p in setting_titles()} | set(AnalysisSettings.model_fields)
    names |= {c.name for t in TABLES.values() for c in t.columns} | set(TABLES)
    names |= {p.name for n in NODES.values() for p in n.props} | set(NODES) | set(RELS)
    names |= {v for e in ENUMS.values() for v in e} | set(ENUMS)
    for obj in vars(results).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            names |= set(obj.model_fields)
    return names | set(GAP_LABELS) | {"city", "park", "region"}


def test_every_setting_is_named_in_the_definitions():
    missing = [path for path in setting_titles() if path.split(".")[0] not in CODE and path.split(".")[-1] not in CODE]
    assert not missing, f"settings not named in docs/analysis.md: {missing}"


def test_every_name_the_definitions_use_exists_in_the_code():
    known = _known_names()
    unknown = sorted(n for n in CODE if n[0].islower() and n.split(".")[-1] not in known and not n.endswith((".md", ".py", ".csv")))
    assert not unknown, f"docs/analysis.md names what the code does not have: {unknown}"


def _factor_table(section: str) -> dict[str, float]:
    return {m[0]: float(m[1]) for m in re.findall(r"^\| `(\w+)` \| ([0-9.]+) \|", _section(section), re.M)}


def test_factor_tables_match_the_weight_defaults():
    assert _factor_table("## Gap priority") == PriorityWeights().model_dump()
    assert _factor_table("## Target-enterprise ranking") == TargetWeights().model_dump()


def test_every_factor_has_its_reason_and_every_reason_a_factor():
    factors = set(PriorityWeights.model_fields) | set(TargetWeights.model_fields)
    for f in factors:
        parts = FACTOR_PARTS.get(f, (f,))
        assert all(hasattr(R, f"r_{p}") for p in parts), f"factor {f} has no reason text r_{parts} in reasons.py"
    parts = {p for ps in FACTOR_PARTS.values() for p in ps}
    named = {n[2:] for n in vars(R) if n.startswith("r_") and callable(getattr(R, n))}
    stray = named - factors - parts - NOT_FACTORS
    assert not stray, f"reasons.py has reason texts for factors the docs do not define: {stray}"


def test_the_readme_points_to_the_definitions_instead_of_copying_them():
    section = README[README.index("## How the numbers are computed") :].split("\n## ", 1)[0]
    assert "docs/analysis.md" in section
    assert len(section.splitlines()) < 20, "the README repeats the definitions: keep them in docs/analysis.md"
    for rule in ("priority = 100 × Σ", "Percentile of v ="):
        assert rule in DOC and rule not in README
