"""What the 项目 page builds on every run, built once: the project picker's labels and the 项目清单's investor names.

At 1M enterprises the page filtered the projects twice per picker option (7,214 filters) and named the
investors from a dict of every enterprise; the labels and names must stay what they were.
"""

from __future__ import annotations

import polars as pl

from graph.i18n import PROJECT_STAGE_ZH
from graph.stores import load_view
from graph.stores.embedded import EmbeddedStore
from reports.sheets import _names, projects_sheet
from tests.test_app_pages import PAGES, app, store_path  # noqa: F401 - fixtures


def test_project_picker_labels_are_name_and_stage(app, store_path):  # noqa: F811
    at = app("projects")
    store = EmbeddedStore(store_path, read_only=True)
    try:
        view = load_view(store)
    finally:
        store.close()
    open_proj = view.projects.filter(~pl.col("stage").is_in(["producing", "dropped"]) & pl.col("segment_id").is_not_null())
    assert open_proj.height
    want = [f"{n}（{PROJECT_STAGE_ZH.get(s, '')}）" for n, s in open_proj.select("name", "stage").iter_rows()]
    assert at.multiselect(key="pj_pick").options == want


def test_projects_sheet_names_only_the_investors(store_path):  # noqa: F811
    store = EmbeddedStore(store_path, read_only=True)
    try:
        view = load_view(store)
    finally:
        store.close()
    ids = view.projects.get_column("enterprise_id")
    got = _names(view, "enterprises", ids)
    assert set(got) == set(ids.drop_nulls()) & set(view.enterprises.get_column("id"))
    every = _names(view, "enterprises")
    assert len(every) == view.enterprises.height > len(got) and all(every[k] == v for k, v in got.items())
    sheet = projects_sheet(view, view.projects)
    by_id = dict(zip(sheet.column("项目编号"), sheet.column("投资企业")))
    named = [(pid, eid) for pid, eid in view.projects.select("id", "enterprise_id").iter_rows() if eid is not None]
    assert named and all(by_id[pid] == every.get(eid, eid) for pid, eid in named)
