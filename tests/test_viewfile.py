"""The analysis view persisted beside the embedded store (graph/stores/viewfile.py).

The view must be exactly what reading the store gives, be used only for the generation it was
written with, and never outlive a failed write.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from graph.stores import load_view, viewfile
from graph.stores.embedded import EmbeddedStore
from graph.view import GraphView
from tests.small_tables import small_tables

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    s = EmbeddedStore(tmp_path / "g.lbug", read_only=False)
    s.write(small_tables(12), meta={"dataset": "small"})
    return s


def _dirs(store: EmbeddedStore) -> list[Path]:
    root = viewfile.view_root(store.path)
    return sorted(p for p in root.iterdir()) if root.is_dir() else []


def test_view_equals_the_tables_read_from_the_store(store: EmbeddedStore) -> None:
    view = store.read_view()
    assert view.meta["generation"] == _dirs(store)[0].name
    assert "es_eidx" in view.indexes
    from_store = GraphView(store.read_tables())
    for name, df in from_store.tables.items():
        assert view.tables[name].equals(df), name
    # the persisted index is the enterprise row of every enterprise_segments row
    ids = view.enterprises.get_column("id").gather(view.indexes["es_eidx"])
    assert ids.to_list() == view.enterprise_segments.get_column("enterprise_id").to_list()


def test_one_view_per_generation_and_the_old_one_pruned(store: EmbeddedStore) -> None:
    first = store.read_view().meta["generation"]
    tables = small_tables(12)
    tables["enterprises"] = tables["enterprises"].with_columns(pl.col("revenue") * 2)
    store.write(tables)
    second = store.read_view()
    assert second.meta["generation"] != first
    assert [d.name for d in _dirs(store)] == [second.meta["generation"]]
    assert second.enterprises.get_column("revenue").sum() == pytest.approx(2 * small_tables(12)["enterprises"].get_column("revenue").sum())


def test_a_stale_or_foreign_view_is_never_served(store: EmbeddedStore) -> None:
    gen = store.read_view().meta["generation"]
    d = viewfile.view_root(store.path) / gen
    manifest = json.loads((d / "manifest.json").read_text())
    # the view claims another store file version: read from the store instead (and rewrite the view)
    manifest["store_version"] = "0-0-0"
    (d / "manifest.json").write_text(json.dumps(manifest))
    assert viewfile.load(viewfile.view_root(store.path), gen, store.version()) is None
    view = store.read_view()
    assert view.enterprises.height == small_tables(12)["enterprises"].height
    assert json.loads((d / "manifest.json").read_text())["store_version"] == store.version()
    # a damaged table file: not this view either
    f = d / "enterprises.arrow"
    f.write_bytes(f.read_bytes()[:100])
    assert viewfile.load(viewfile.view_root(store.path), gen, store.version()) is None
    assert store.read_view().enterprises.height == small_tables(12)["enterprises"].height


def test_a_missing_view_is_written_by_the_first_reader(store: EmbeddedStore) -> None:
    shutil.rmtree(viewfile.view_root(store.path))
    store.close()
    reader = EmbeddedStore(store.path)
    view = load_view(reader)
    assert view.enterprises.height > 0
    gen = view.meta["generation"]
    assert viewfile.load(viewfile.view_root(store.path), gen, reader.version()) is not None


def test_a_failed_ingest_leaves_no_staged_view(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(ROOT / "data" / "sample", bad)
    ent = bad / "enterprises.csv"
    lines = ent.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",", ",,", 1)  # shifts every column of the first row: errors
    ent.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "s.lbug"
    r = subprocess.run([sys.executable, "-m", "cli", "ingest", str(bad), "--store", str(target), "--quiet"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 1, r.stderr[-2000:]
    assert not target.exists()
    assert not viewfile.view_root(target).exists()
    good = subprocess.run([sys.executable, "-m", "cli", "ingest", str(ROOT / "data" / "sample"), "--store", str(target), "--quiet"], cwd=ROOT, capture_output=True, text=True)
    assert good.returncode == 0, good.stderr[-2000:]
    views = os.listdir(viewfile.view_root(target))
    assert len(views) == 1 and not views[0].startswith(".")


def test_a_rewritten_store_is_not_read_through_an_old_view(store: EmbeddedStore) -> None:
    """A reader that served generation 1 sees generation 2 after another writer rewrote the store,
    even when generation 1's view files are put back beside it."""
    reader = EmbeddedStore(store.path)
    old = reader.read_view()
    old_dir = viewfile.view_root(store.path) / old.meta["generation"]
    saved = store.path.parent / "saved-old-view"
    shutil.copytree(old_dir, saved)
    tables = small_tables(12)
    tables["enterprises"] = tables["enterprises"].with_columns(pl.col("revenue") * 3)
    writer = EmbeddedStore(store.path, read_only=False)
    writer.write(tables, meta={"dataset": "rewritten"})
    writer.close()
    assert not old_dir.exists()
    shutil.copytree(saved, old_dir)  # the old generation's files are back: still not served
    new = reader.read_view()
    assert new.meta["generation"] != old.meta["generation"]
    assert new.meta["dataset"] == "rewritten"
    expected = 3 * small_tables(12)["enterprises"].get_column("revenue").sum()
    assert new.enterprises.get_column("revenue").sum() == pytest.approx(expected)
    # the old view claims a store version that no longer exists
    assert viewfile.load(viewfile.view_root(store.path), old.meta["generation"], reader.version()) is None
    reader.close()


def test_conform_keeps_columns_already_typed_as_they_are(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A view read from its files is typed already: no column of it is cast again. (Cast to its own type, a
    list column of a 1M-enterprise view came back in one chunk, the others in 12, and the next select of
    any column copied the whole table into memory: +395 MB at the ingest's snapshot, measured.)"""
    from graph.view import conform

    view = load_view(store)
    assert view is not None
    casts: list[str] = []
    real = pl.Series.cast
    monkeypatch.setattr(pl.Series, "cast", lambda s, *a, **k: casts.append(s.name) or real(s, *a, **k))
    again = {name: conform(name, df) for name, df in view.tables.items()}
    assert casts == []
    assert all(again[n].equals(view.tables[n]) for n in again)
    assert conform("enterprises", view.enterprises.with_columns(pl.col("revenue").cast(pl.Int64))).schema == view.enterprises.schema
    assert casts == ["revenue"]  # a column of another type is still cast
