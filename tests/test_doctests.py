"""Docstring examples are documentation that runs: every one in the package folders is collected.

pytest runs them (``--doctest-modules`` over ``graph``, ``ingest``, ``cli``, ``webapp`` and ``reports`` in
pyproject's ``testpaths``); this file checks that the wiring stays and that the modules that
must show an example (the pure analysis functions, the guard, records, the view) have one.
"""

from __future__ import annotations

import doctest
import importlib
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["graph", "ingest", "cli", "webapp", "reports"]
MUST_HAVE_EXAMPLES = [
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


def test_pytest_collects_every_docstring_example_of_the_packages():
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in conf["addopts"].split()
    assert set(PACKAGES) <= set(conf["testpaths"])


@pytest.mark.parametrize("name", MUST_HAVE_EXAMPLES)
def test_module_has_examples(name):
    tests = doctest.DocTestFinder().find(importlib.import_module(name))
    assert sum(len(t.examples) for t in tests) > 0, f"{name} has no doctest example"
