"""webapp.serve: the warm start of ``scripts/run`` (imports and the store's view before the server listens).

The time it saves is measured by the browser test's first load (``artifacts/page_times.json``) and
``bench``; here: it imports what the app imports, reports what it could not, and fills the very
caches the first session reads.
"""

from __future__ import annotations

import sys

import pytest

from webapp import serve
from webapp.pages import DEFAULT_PAGE, PAGES


def test_app_file_is_the_checkouts_app_py():
    assert serve.app_file().name == "app.py" and (serve.app_file().parent / PAGES[DEFAULT_PAGE].file).is_file()


def test_imported_modules_of_the_real_app_include_what_the_first_page_needs():
    names = serve.imported_modules(serve.app_file().read_text(encoding="utf-8"))
    names += serve.imported_modules((serve.app_file().parent / PAGES[DEFAULT_PAGE].file).read_text(encoding="utf-8"))
    for needed in ("streamlit", "webapp.auth", "webapp.context", "polars", "altair", "webapp.cached"):
        assert needed in names
    assert "__future__" not in names


def test_warm_imports_the_modules_and_names_the_ones_that_fail(tmp_path):
    page = tmp_path / PAGES[DEFAULT_PAGE].file
    page.parent.mkdir(parents=True)
    page.write_text("import colorsys\nfrom webapp.pages import page_link\n", encoding="utf-8")
    app = tmp_path / "app.py"
    app.write_text("from __future__ import annotations\nimport wave\nfrom email import message\nimport indmap_no_such_module\n", encoding="utf-8")
    for name in ("wave", "colorsys", "email.message"):
        sys.modules.pop(name, None)
    failed = serve.warm(app)
    assert failed == ["indmap_no_such_module"]  # page_link is a function, not a module: not a failure
    assert {"wave", "colorsys", "email.message", "pandas", "pyarrow"} <= set(sys.modules)


def test_open_data_reads_the_view_into_the_apps_shared_cache(tmp_path, monkeypatch):
    from graph.settings import load_settings
    from graph.stores.embedded import EmbeddedStore
    from tests.small_tables import small_tables
    from webapp.store import load_view, open_cached_store

    path = tmp_path / "indmap.lbug"
    s = EmbeddedStore(path, read_only=False)
    s.write(small_tables(12), meta={"dataset": "tests/small_tables"})
    s.close()
    monkeypatch.setenv("INDMAP_STORE", str(path))
    monkeypatch.setenv("INDMAP_ANALYSIS__HOME_REGION", "999999")  # no such region: the page says so, the warm start goes on
    assert serve.open_data() == f"数据库 {path} 已读入"
    monkeypatch.delenv("INDMAP_ANALYSIS__HOME_REGION")
    settings = load_settings()
    store = open_cached_store(settings.store, settings)
    try:
        # the first session gets the very objects opened before the server listened (st.cache_resource)
        assert store is open_cached_store(settings.store, settings)
        view = load_view(settings.store, store.version(), store)
        assert not view.is_empty and view is load_view(settings.store, store.version(), store)
        from graph.analysis.memo import memo

        assert memo(view, ("lookup_names",), lambda: None) is not None  # the company search's index, built before the first search
    finally:
        open_cached_store.clear()
        load_view.clear()
        store.close()


def test_open_data_leaves_an_empty_store_and_neo4j_to_the_first_session(tmp_path, monkeypatch):
    monkeypatch.setenv("INDMAP_STORE", str(tmp_path / "none.lbug"))
    try:
        assert serve.open_data() == f"数据库 {tmp_path / 'none.lbug'} 中还没有数据"
    finally:
        from webapp.store import open_cached_store

        open_cached_store.clear()
    monkeypatch.setenv("INDMAP_STORE", "bolt://127.0.0.1:9")  # nothing listens: never contacted
    assert serve.open_data() == ""


@pytest.mark.parametrize("source,expected", [("import a.b as c\n", ["a.b"]), ("from . import x\n", []), ("def f():\n    import y\n", [])])
def test_imported_modules_top_level_absolute_only(source, expected):
    assert serve.imported_modules(source) == expected


def _small_store(tmp_path) -> str:
    from graph.stores.embedded import EmbeddedStore
    from tests.test_app_pages import with_peer_parks
    from tests.small_tables import small_tables

    path = tmp_path / "indmap.lbug"
    s = EmbeddedStore(path, read_only=False)
    s.write(with_peer_parks(small_tables(12)), meta={"dataset": "tests/small_tables"})
    s.close()
    return str(path)


def test_first_session_reads_the_overview_results_computed_before_the_server_listened(tmp_path, monkeypatch):
    import graph.analysis as analysis
    from streamlit.testing.v1 import AppTest

    from webapp.store import load_view, open_cached_store

    monkeypatch.setenv("INDMAP_STORE", _small_store(tmp_path))
    assert serve.open_data().endswith("已读入")
    calls: list[str] = []
    for name in ("chain_summary", "gaps", "project_report", "park_ranking"):
        real = getattr(analysis, name)
        monkeypatch.setattr(analysis, name, lambda *a, _real=real, _name=name, **kw: (calls.append(_name), _real(*a, **kw))[1])
    try:
        at = AppTest.from_file(str(serve.app_file()), default_timeout=60).run()
        assert not at.exception and at.title[0].value == "招商产业链图谱 · 总览"
        assert calls == []  # every result of 总览 was there: same functions, same arguments (settings included)
        at.switch_page("app_pages/projects.py").run()
        assert not at.exception and at.title[0].value == "项目跟踪" and calls == []  # its first view is 总览's report
        at.switch_page("app_pages/overview.py").run()
        at.sidebar.number_input[0].set_value(at.sidebar.number_input[0].value + 1).run()  # other settings: computed now
        assert not at.exception and "chain_summary" in calls
    finally:
        from streamlit import cache_data

        cache_data.clear()
        open_cached_store.clear()
        load_view.clear()


def test_first_page_of_an_embedded_store_does_not_import_the_neo4j_driver(tmp_path):
    import subprocess

    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(serve.app_file())!r}, default_timeout=60).run()\n"
        "assert not at.exception and at.title[0].value == '招商产业链图谱 · 总览', at\n"
        "print(sorted(m for m in sys.modules if m == 'neo4j' or m.startswith(('neo4j.', 'graph.stores.neo4j'))))\n"
    )
    env = dict(__import__("os").environ, INDMAP_STORE=_small_store(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], cwd=serve.app_file().parent, env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-1] == "[]"  # importing the driver cost the first page 0.3-0.5 s


def test_overview_shows_the_project_counts_without_reading_the_whole_report(tmp_path, monkeypatch):
    import datetime as dt

    from streamlit.testing.v1 import AppTest

    from graph.analysis import project_report
    from graph.settings import AnalysisSettings
    from graph.stores.embedded import EmbeddedStore
    from webapp import cached

    path = _small_store(tmp_path)
    monkeypatch.setenv("INDMAP_STORE", path)

    def whole_report(*a, **kw):
        raise AssertionError("总览 copied the whole project report out of the cache")

    monkeypatch.setattr(cached, "projects", whole_report)
    try:
        at = AppTest.from_file(str(serve.app_file()), default_timeout=60).run()
        assert not at.exception, [e.message for e in at.exception]
        store = EmbeddedStore(path, read_only=True)
        try:
            from graph.stores import load_view

            rep = project_report(load_view(store), AnalysisSettings(), as_of=dt.date.today())
        finally:
            store.close()
        assert rep.total and f"共 {rep.total} 个项目；停滞 {len(rep.stalled)} 个，逾期 {rep.overdue_projects} 个。" in [c.value for c in at.caption]
    finally:
        from streamlit import cache_data

        cache_data.clear()
