"""Shared fixtures: the Neo4j server (tests/neo4j_fixtures.py) and the demo dataset loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.neo4j_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"


@pytest.fixture(scope="session")
def demo_tables():
    """The demo dataset, validated (no errors) into typed tables."""
    from ingest import load_dataset

    res = load_dataset(DEMO)
    assert res.ok, "\n".join(str(i) for i in res.errors[:20])
    return res.tables


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory, demo_tables):
    """An embedded store holding the demo (written once per session)."""
    from graph.stores.embedded import EmbeddedStore

    path = tmp_path_factory.mktemp("demo-store") / "demo.lbug"
    store = EmbeddedStore(path, read_only=False)
    store.write(demo_tables, meta={"dataset": str(DEMO), "demo": True})
    yield store
    store.close()
