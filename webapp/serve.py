"""Start the app's server warm: ``python -m webapp.serve [streamlit options]`` (``scripts/run`` uses it).

``streamlit run app.py`` does nothing of the app until the first visitor opens a page, so the first
visitor after every restart waited for the imports (Streamlit's table and chart modules, polars,
pandas, pyarrow, pydantic, the graph and report modules: about 1 s here), the store's view and the
view's analysis indexes. This launcher does that work in the server process before it listens —
imports what ``app.py`` and the default page (总览) import (read from their source, so the list
cannot go stale), opens an embedded store and reads its view into the app's own
``st.cache_resource`` caches, builds the view's shared indexes and computes 总览's results into the
app's ``st.cache_data`` caches with the settings a new session starts from — then hands over to ``streamlit run app.py`` with the given options. Every step is
best effort: whatever fails here is done (and reported on the page) by the first session, as before.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import inspect
import logging
import sys
import time
from pathlib import Path
from typing import Any, Iterator

# imported by Streamlit itself while it draws the first page's tables and charts (lazily, so not
# visible in the app's source): part of the first visitor's wait too
STREAMLIT_LAZY = ("pandas", "pyarrow", "streamlit.dataframe_util", "streamlit.elements.arrow", "streamlit.elements.vega_charts", "streamlit.emojis")


def app_file() -> Path:
    """``app.py``: beside the ``webapp`` package in a checkout and in an installed wheel alike."""
    spec = importlib.util.find_spec("app")
    if spec is not None and spec.origin:
        return Path(spec.origin)
    return Path(__file__).resolve().parent.parent / "app.py"


def imported_modules(source: str) -> list[str]:
    """Modules a script imports at its top level (``from a import b`` gives ``a`` and ``a.b``), in order.

    Examples
    --------
    >>> imported_modules("import polars as pl\\nfrom webapp import cached\\nfrom a.b import c, d\\nx = 1")
    ['polars', 'webapp', 'webapp.cached', 'a.b', 'a.b.c', 'a.b.d']
    """
    out: list[str] = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level and node.module != "__future__":
            out += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return out


@contextlib.contextmanager
def _quiet(logger: str) -> Iterator[None]:
    """Streamlit's warnings about the missing runtime or session, expected before the server runs, not shown."""
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def warm(app: Path | None = None) -> list[str]:
    """Import the modules of ``app.py``, the default page and :data:`STREAMLIT_LAZY`; the ones that failed.

    ``from a import b`` also tries ``a.b`` (``b`` may be a submodule); a name that is not a module
    is not an error. A module that fails to import is left for the first session to report.
    """
    from webapp.pages import DEFAULT_PAGE, PAGES

    app = app or app_file()
    names = imported_modules(app.read_text(encoding="utf-8"))
    names += imported_modules((app.parent / PAGES[DEFAULT_PAGE].file).read_text(encoding="utf-8"))
    failed: list[str] = []
    with _quiet("streamlit.runtime.caching.cache_data_api"):  # st.cache_data at import: "no runtime yet", per function
        for name in [*names, *STREAMLIT_LAZY]:
            if name in sys.modules:
                continue
            parent, _, leaf = name.rpartition(".")
            try:
                importlib.import_module(name)
            except ModuleNotFoundError:
                if not (parent and parent in sys.modules and hasattr(sys.modules[parent], leaf)):
                    failed.append(name)  # ``from a import b`` with b a function is fine
            except Exception:  # noqa: BLE001 - the first session shows the real error on the page
                failed.append(name)
    # Streamlit's first element of the process inspects the call stack (env_util.is_repl): inspect then
    # indexes the file of every imported module (≈ 0.05 s); done here, that index is ready
    inspect.stack()
    return failed


def open_data() -> str:
    """Open the store and read its view into the app's shared caches (:mod:`webapp.store`); what was done.

    Only for a store on this machine (an embedded store maps its persisted view); a Neo4j store is
    left to the first session. Never raises: a missing or broken store is the first page's message.
    """
    from graph.settings import load_settings
    from webapp.store import load_view, open_cached_store

    try:
        settings = load_settings()
        if "://" in settings.store:
            return ""
        with _quiet("streamlit.runtime.scriptrunner_utils.script_run_context"):  # no session yet: no spinner to show
            store = open_cached_store(settings.store, settings)
            version = store.version()
            view = load_view(settings.store, version, store) if version else None
        if view is None or view.is_empty:
            return f"数据库 {settings.store} 中还没有数据"
    except Exception as exc:  # noqa: BLE001 - the first session reports it on the page
        return f"数据库未能预先打开：{exc}"
    try:
        warm_view(view, settings.analysis)
    except Exception:  # noqa: BLE001 - e.g. an unknown 本市 in the settings: the page says so
        pass
    try:
        warm_results(settings, store, version, view)
    except Exception:  # noqa: BLE001 - as above: the first session computes and reports it
        pass
    return f"数据库 {settings.store} 已读入"


def warm_view(view: Any, analysis: Any) -> None:
    """Build the view's shared indexes the first page needs (:mod:`graph.analysis.memo`: presence, 本市)
    and the company search's (the normalised names and codes of every enterprise: 企业's first search).

    With the settings a new session starts from; the indexes are kept per view for every session
    (总览's own results: :func:`warm_results`).
    """
    from graph.analysis import chain_summary, park_ranking
    from graph.lookup import search_index

    search_index(view)  # first: it needs no settings
    chain_summary(view, analysis)
    if view.parks.height:
        park_ranking(view, analysis)


def session_start_analysis(base: Any, view: Any) -> Any:
    """The analysis settings a new session computes with before touching the sidebar.

    What :func:`webapp.sidebar.settings_sidebar` returns with every widget at its default (the base
    values, validated again) and :func:`webapp.park_ranking.home_sidebar` then sets: 本市 as given,
    blank for 自动 (only when the view has parks). tests/test_serve.py checks a session's first run
    finds the results computed with it.
    """
    analysis = type(base).model_validate(base.model_dump())
    if view is None or view.parks.height == 0:
        return analysis
    return analysis.model_copy(update={"home_region": base.home_region or None})


def warm_results(settings: Any, store: Any, version: str, view: Any) -> None:
    """Compute 总览's results into the app's ``st.cache_data`` caches (:mod:`webapp.cached`), as a new session asks for them.

    Chain summary, gaps, the project report (and the counts 总览 shows of it) and the park ranking of the city scope with the settings a
    new session starts from (:func:`session_start_analysis`): the same functions with the same
    arguments, so the first session reads them instead of computing them (0.4-1 s at 1M). A session
    with other settings computes its own, as before.
    """
    from webapp import cached
    from webapp.context import Ctx

    c = Ctx(settings=settings.model_copy(update={"analysis": session_start_analysis(settings.analysis, view)}), store=store, view=view, version=version, location=settings.store)
    with _quiet("streamlit.runtime.caching.cache_data_api"), _quiet("streamlit.runtime.scriptrunner_utils.script_run_context"):
        cached.chain_summary(c)
        cached.gaps(c)
        cached.project_counts(c)  # and the whole report it is taken from
        if view.parks.height:
            cached.park_ranking(c)  # last: raises on a 本市 that is not a known region (the page says so)


def main(argv: list[str] | None = None) -> None:
    """Warm the imports, then run ``streamlit run app.py *argv``."""
    args = sys.argv[1:] if argv is None else argv
    t0 = time.perf_counter()
    failed = warm()
    opened = open_data()
    note = f"（未能预先载入：{', '.join(failed)}）" if failed else ""
    print(f"应用模块已预先载入{note}{'；' + opened if opened else ''}，用时 {time.perf_counter() - t0:.1f} 秒", flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(app_file()), *args]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
