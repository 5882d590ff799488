"""Run the doctested examples of the modules (they are part of the documentation)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "graph.analysis.scope",
    "graph.analysis.presence",
    "graph.analysis.gaps",
    "graph.analysis.targets",
    "graph.analysis.parks",
    "graph.analysis.parks_rank",
    "graph.analysis.parks_cohesion",
    "graph.analysis.cities",
    "graph.analysis.projects",
    "graph.analysis.whatif",
    "graph.analysis.company",
    "webapp.company",
    "graph.analysis.trends",
    "graph.workspace.db",
    "graph.workspace.leads",
    "graph.workspace.snapshots",
    "graph.workspace.history",
    "graph.workspace.scenarios",
    "graph.records",
    "graph.guard",
    "graph.i18n",
    "graph.view",
    "cli.core",
    "cli.common",
    "graph.lookup",
    "graph.hints",
    "graph.stores.base",
    "webapp.park_ranking",
    "reports",
    "reports.fmt",
    "reports.chainmap",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if name != "graph.analysis.scope":
        assert result.attempted > 0, f"{name} has no doctest example"
