"""Golden outputs of every analysis on the hand-built fixture (all fields, reasons included).

The expected numbers are derived by hand in test_analysis_fixture.py; these files pin everything else
(reason texts, ordering, every field). Regenerate after an intended change with
``INDMAP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_analysis_golden.py`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from graph.analysis import chain_summary, gaps, park_cohesion, park_concentration, park_overlap, park_ranking, project_report, targets, whatif
from graph.settings import AnalysisSettings
from graph.view import GraphView
from tests.analysis_fixture import fixture_tables
from tests.helpers import check_golden

GOLDEN = Path(__file__).parent / "golden"
S = AnalysisSettings()


def _round(o):
    if isinstance(o, float):
        return round(o, 9)
    if isinstance(o, dict):
        return {k: _round(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_round(v) for v in o]
    return o


def _dump(obj):
    if isinstance(obj, list):
        return [_dump(x) for x in obj]
    d = obj.model_dump(mode="json")
    if isinstance(d, dict):
        d.pop("settings", None)
    return d


CASES = {
    "gaps_city": lambda v: gaps(v, S),
    "gaps_park_P1": lambda v: gaps(v, S, scope="park:P1"),
    "chains_city": lambda v: [c.model_copy(update={"settings": {}}) for c in chain_summary(v, S)],
    "targets_A3": lambda v: targets(v, S, "A3"),
    "targets_A3_nogates": lambda v: targets(v, S, "A3", gates=False),
    "parks_overlap": lambda v: park_overlap(v, S),
    "parks_concentration": lambda v: [c.model_copy(update={"settings": {}}) for c in park_concentration(v, S)],
    "parks_ranking": lambda v: park_ranking(v, S),
    "parks_cohesion": lambda v: park_cohesion(v, S),
    "projects": lambda v: project_report(v, S, as_of=dt.date(2026, 6, 1)),
    "whatif_X1_A3": lambda v: whatif(v, S, add=[("X1", "A3")]),
}


@pytest.fixture(scope="module")
def view():
    return GraphView(fixture_tables())


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(view, name):
    got = _round(_dump(CASES[name](view)))
    check_golden(GOLDEN / f"analysis_{name}.json", got)


def test_results_carry_settings(view):
    for name, case in CASES.items():
        res = case(view)
        for r in res if isinstance(res, list) else [res]:
            if "settings" in type(r).model_fields and not name.startswith(("chains", "parks_concentration")):
                assert r.settings == S.model_dump(), name
