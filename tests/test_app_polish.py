"""The app as a bureau uses it (issue 11), through ``streamlit.testing.v1.AppTest`` on the small fixture.

Parks open on their own chain, the project figures follow the park filter, the what-if basket lives
in the URL, the 企业 page finds and profiles a company, the empty store's command works as typed,
and no table a person reads holds a null (the grid would print "None").
"""

from __future__ import annotations

import shlex
import subprocess

import pytest
from streamlit.testing.v1 import AppTest

from graph.stores.embedded import EmbeddedStore
from tests.small_tables import small_tables
from tests.test_app_pages import APP, PAGES, ROOT, TIMEOUT, app, store_path  # noqa: F401 - fixtures
from webapp.context import ingest_command


def test_empty_store_command_works_as_typed(tmp_path):
    """The command the empty store shows loads the demo into that very store, from any directory."""
    store = tmp_path / "sub" / "empty.lbug"
    cmd = ingest_command(str(store))
    assert str(store) in cmd and "--store" in cmd
    res = subprocess.run(shlex.split(cmd) if "&&" not in cmd else ["bash", "-c", cmd], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    s = EmbeddedStore(store, read_only=True)
    try:
        assert s.stats()["nodes"]["Segment"] == 320
    finally:
        s.close()
