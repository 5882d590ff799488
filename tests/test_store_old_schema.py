"""A store written before a property joined the schema still opens (the new property reads as empty)."""

from __future__ import annotations

import ladybug as lb

from graph.stores.embedded import EmbeddedStore
from tests.small_tables import small_tables


def test_store_without_a_newer_property_reads_it_as_empty(tmp_path):
    path = tmp_path / "old.lbug"
    s = EmbeddedStore(path, read_only=False)
    s.write(small_tables(), meta={"dataset": "old"})
    s.close()
    db = lb.Database(str(path))  # make it look like a file of the old schema: no OPERATES_IN.evidence
    conn = lb.Connection(db)
    conn.execute("ALTER TABLE OPERATES_IN DROP evidence")
    conn.close()
    db.close()
    s = EmbeddedStore(path, read_only=True)
    try:
        es = s.read_tables()["enterprise_segments"]
    finally:
        s.close()
    assert es.height == small_tables()["enterprise_segments"].height
    assert "evidence" in es.columns and es.get_column("evidence").null_count() == es.height
