"""Session fixtures for tests against a real Neo4j server.

``neo4j_uri`` is, in order: ``INDMAP_TEST_NEO4J_URI`` (a server someone else
runs, e.g. ``scripts/test``); the server ``scripts/neo4j-server`` already runs;
or one this session starts with ``scripts/neo4j-server start`` and stops at
the end. Tests are skipped only when ``INDMAP_SKIP_NEO4J=1``; a server that
cannot be started is an error, not a skip.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "scripts" / "neo4j-server"


def _server(cmd: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(SERVER), cmd], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def neo4j_uri():
    if os.environ.get("INDMAP_SKIP_NEO4J") == "1":
        pytest.skip("INDMAP_SKIP_NEO4J=1: Neo4j tests skipped")
    uri = os.environ.get("INDMAP_TEST_NEO4J_URI")
    if uri:
        yield uri
        return
    running = _server("uri")
    if running.returncode == 0:
        yield running.stdout.strip()
        return
    started = _server("start")
    if started.returncode != 0:
        pytest.fail(f"scripts/neo4j-server start failed:\n{started.stderr}\n{started.stdout}", pytrace=False)
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        _server("stop", timeout=120)


@pytest.fixture(scope="session")
def neo4j_settings(neo4j_uri):
    from graph.settings import Settings

    return Settings(store=neo4j_uri)
