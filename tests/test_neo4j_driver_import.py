"""The Neo4j driver is imported without pandas in a fresh process (the CLI), with it where pandas is loaded (the app)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _run(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_cli_process_loads_the_driver_without_pandas_and_pandas_still_imports_after():
    got = _run(
        "import sys\n"
        "import graph.stores.neo4j, graph.stores.neo4j_scoped, graph.stores.neo4j_load\n"
        "import neo4j._optional_deps as d\n"
        "print('pandas' in sys.modules, d.pd is None)\n"
        "import pandas\n"
        "print(pandas.DataFrame({'a': [1]}).shape[0])\n"
    )
    assert got == ["False", "True", "1"]


def test_app_process_with_pandas_loaded_keeps_the_drivers_pandas_support():
    got = _run("import pandas\nimport graph.stores.neo4j\nimport neo4j._optional_deps as d\nprint(d.pd is pandas)\n")
    assert got == ["True"]
