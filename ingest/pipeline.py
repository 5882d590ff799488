"""From validated tables to a new store generation: auto-linking, reviews, the kept version, the write, the snapshot.

One path for every way data comes in — ``indmap ingest`` (:func:`prepare_path`), an upload on the 数据 page
(:mod:`ingest.upload`), a restore of a kept version (:func:`prepare_version`) — so that each ends the same:

1. the dataset is validated as a whole (:func:`ingest.validate_raws`); with any error nothing below happens
   (``indmap ingest`` of a CSV folder: in two phases, :mod:`ingest.phased`, the second beside the first
   tables' copy; its errors stop the write before anything is published, with the same report);
2. **auto-linking** (setting ``auto_link``): enterprises without any ``enterprise_segments`` row that carry
   国标行业, 主营产品 or 经营范围 go through the linker (:func:`ingest.linking.link_table`); what it places
   lands as ``likely`` (待核实) links with the linker's evidence, for review;
3. **reviews** (:func:`apply_reviews`): the decisions of the 挂接审核 page, kept in the workspace, are applied
   — confirmed links become ``confirmed`` with the reviewer and date in ``source``, rejected ones are dropped,
   moved ones land on their new segment; decisions about an enterprise or segment no longer in the data are
   counted as not applied;
4. :func:`commit`: the dataset's files are staged as a version (:mod:`ingest.versions`), the store is written
   (atomic swap, one writer at a time), the version published, the report kept beside the store, and a
   snapshot recorded in the workspace.
"""

from __future__ import annotations

import gc
import json
import os
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable

import polars as pl

from graph.settings import Settings
from graph.stores.base import WriteAborted
from graph.view import conform
from ingest import IngestResult, load_dataset, report_json
from ingest import versions as V
from ingest.phased import LATE_TABLES, TwoPhase


class StaleUpload(RuntimeError):
    """The store changed since an upload was validated (another editor imported meanwhile); nothing was written."""


class Invalid(WriteAborted):
    """The second phase of validation found errors while the store was being written: nothing was written,
    the previous store is intact; ``prepared`` holds every issue, as if validated in one pass."""

    def __init__(self, prepared: "Prepared"):
        super().__init__("数据有错误：未写入任何数据。")
        self.prepared = prepared


@dataclass
class Prepared:
    """A dataset validated and ready to write, or the issues why not (``ok``)."""

    result: IngestResult
    settings: Settings
    source: str  # ingest | upload | restore
    dataset: str  # what people call it: the path, the uploaded file names, the version restored
    tables: dict[str, pl.DataFrame] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    stage: Callable[[], tuple[Path | None, str | None]] | None = None  # -> (staging folder, or the id of a kept version)
    store_version: str | None = None  # the store's version when validated (uploads: refuse if it moved)
    validate_seconds: float = 0.0
    #: the second phase of validation still to run (:func:`prepare_path` ``early=True``): ``tables`` holds the
    #: tables the first phase found valid, :meth:`settle` runs the rest (every issue, the finished tables)
    pending: Callable[[], "Prepared"] | None = None

    @property
    def ok(self) -> bool:
        return self.result.ok and self.tables is not None

    @property
    def report(self) -> str:
        return report_json(self.result.issues)

    def settle(self) -> bool:
        """Run the second phase of validation, if still to run (in the calling thread); True when valid."""
        if self.pending is not None:
            second, self.pending = self.pending, None
            late = second()
            self.result, self.meta, self.validate_seconds = late.result, late.meta, late.validate_seconds
            if late.ok and self.tables is not None and late.tables is not None:
                self.tables.update({name: late.tables[name] for name in LATE_TABLES})  # the early ones: as written
            else:
                self.tables = None
            self.result.tables = self.tables  # one set of frames alive
        return self.ok


@dataclass
class Committed:
    """What :func:`commit` did."""

    nodes: int
    relationships: int
    seconds: float
    version: str | None
    snapshot: int | None = None
    snapshot_error: str | None = None
    history: Any = None
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- auto-linking and reviews


#: boilerplate of a 经营范围 text: the 一般项目/许可项目 heads and the licence clauses in brackets
SCOPE_NOISE = r"(一般项目|许可项目|经营范围)[:：]|[（(][^）)]*(依法须经批准|凭营业执照|具体经营项目)[^）)]*[）)]"


def _has(df: pl.DataFrame, col: str) -> pl.Expr:
    dtype = df.schema[col]
    c = pl.col(col)
    return c.list.len().fill_null(0) > 0 if isinstance(dtype, pl.List) else c.str.len_chars().fill_null(0) > 0


def linkable(ent: pl.DataFrame) -> pl.DataFrame:
    """The ids of the enterprises auto-linking may consider: those with 国标行业, 主营产品 or 经营范围."""
    return ent.lazy().filter(_has(ent, "gbt4754") | _has(ent, "products") | _has(ent, "business_scope")).select("id").collect()


def auto_link(tables: dict[str, pl.DataFrame], ids: pl.DataFrame | None = None) -> tuple[dict[str, pl.DataFrame], dict[str, Any]]:
    """``likely`` links for enterprises without any link that carry 国标行业, 主营产品 or 经营范围.

    ``tables`` are validated: every link's enterprise is in ``enterprises``, so the unlinked ones are
    counted from the distinct linked ids, and only the enterprises with something to link by are
    matched against the links (at 1M, none of them: 0.26 s for an anti-join of every enterprise before).
    ``ids``: :func:`linkable` of the enterprises, found before (their frame may be written out by now:
    only the rows to link are read from it).
    """
    ent, es = tables["enterprises"], tables["enterprise_segments"]
    n_linked = es.get_column("enterprise_id").drop_nulls().n_unique()  # counted, not collected (2M links at 1M)
    ids = linkable(ent) if ids is None else ids
    if ids.height:
        ids = ids.join(es.select(pl.col("enterprise_id").alias("id")).unique().drop_nulls(), on="id", how="anti")
    todo = ent.filter(pl.col("id").is_in(ids.get_column("id").implode())) if ids.height else ent.head(0)
    summary: dict[str, Any] = {"unlinked": ent.height - n_linked, "considered": todo.height, "linked": 0, "links": 0}
    if todo.height == 0 or tables["segments"].height == 0:
        return tables, summary
    from ingest.linking import link_table  # here: the linker's imports (jieba, pkg_resources) cost ~0.2 s, needed only now

    t0 = time.perf_counter()
    scope = pl.col("business_scope").str.replace_all(SCOPE_NOISE, "；")
    links = link_table(tables["segments"], todo.with_columns(scope.alias("keywords")).drop("business_scope"), data_source="企业名录")
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    if links.height == 0:
        return tables, summary
    new = links.select(
        "enterprise_id", "segment_id", "share",
        (pl.lit("自动挂接（待核实）：") + pl.col("source")).alias("source"),
        pl.lit("likely").alias("confidence"), pl.col("evidence").cast(pl.Float64),
    )  # fmt: skip
    out = dict(tables)
    out["enterprise_segments"] = pl.concat([es, conform("enterprise_segments", new)], how="vertical_relaxed")
    summary.update(linked=new.get_column("enterprise_id").n_unique(), links=new.height)
    return out, summary


def apply_reviews(tables: dict[str, pl.DataFrame], reviews: list) -> tuple[dict[str, pl.DataFrame], dict[str, Any]]:
    """Apply the reviews in force (:func:`graph.workspace.reviews.current_reviews`) to ``enterprise_segments``.

    Only the links of reviewed enterprises pass through Python; the others (millions at national
    scale) stay in their frame untouched, and the reviewed ones follow them.
    """
    es = tables["enterprise_segments"]
    reviewed = sorted({rv.enterprise_id for rv in reviews})
    ents = set(tables["enterprises"].filter(pl.col("id").is_in(reviewed)).get_column("id").to_list()) if reviewed else set()
    segs = set(tables["segments"].get_column("id").to_list())
    touched = pl.col("enterprise_id").is_in(reviewed)
    rows = {(r["enterprise_id"], r["segment_id"]): r for r in es.filter(touched).iter_rows(named=True)} if reviewed else {}
    counts, skipped = _review_rows(rows, reviews, ents, segs)
    out = dict(tables)
    if reviewed:
        kept = es.filter(~touched)
        done = pl.DataFrame(list(rows.values()), schema=es.schema) if rows else es.head(0)
        out["enterprise_segments"] = conform("enterprise_segments", pl.concat([kept, done], how="vertical_relaxed"))
    summary = {"applied": sum(counts.values()), **counts, "not_applied": len(skipped), "skipped": skipped[:50]}
    return out, summary


def _review_rows(rows: dict, reviews: list, ents: set, segs: set) -> tuple[dict[str, int], list[dict[str, str]]]:
    """Apply ``reviews`` in order to ``rows`` ((enterprise, segment) -> link row, changed in place)."""
    counts = {"accept": 0, "reject": 0, "move": 0}
    skipped: list[dict[str, str]] = []
    for rv in sorted(reviews, key=lambda r: r.id):
        pair = (rv.enterprise_id, rv.segment_id)
        target = rv.to_segment_id if rv.decision == "move" else rv.segment_id
        missing = rv.enterprise_id not in ents or target not in segs
        if missing and rv.decision != "reject":
            skipped.append({"enterprise_id": rv.enterprise_id, "segment_id": rv.segment_id, "decision": rv.decision,
                            "reason": "企业已不在数据中" if rv.enterprise_id not in ents else "环节已不在数据中"})  # fmt: skip
            continue
        old = rows.pop(pair, None)
        if rv.decision == "reject":
            counts["reject"] += 1
            continue
        verb = "确认" if rv.decision == "accept" else f"改挂（原环节 {rv.segment_id}）"
        was = f"；原依据：{old['source']}" if old and old.get("source") else ""
        base = rows.get((rv.enterprise_id, target)) or old or {}
        rows[(rv.enterprise_id, target)] = {
            **base, "enterprise_id": rv.enterprise_id, "segment_id": target, "confidence": "confirmed",
            "source": f"人工审核{verb}：{rv.reviewer} {rv.day}{was}",
        }  # fmt: skip
        counts[rv.decision] += 1
    return counts, skipped


def finish_tables(result: IngestResult, settings: Settings, linkable_ids: pl.DataFrame | None = None) -> tuple[dict[str, pl.DataFrame], dict[str, Any]]:
    """Validated tables with auto-links and reviews applied, and what was done (for the meta and the report);
    ``linkable_ids``: see :func:`auto_link`."""
    from graph.workspace import open_workspace
    from graph.workspace.reviews import reviews_in_force

    assert result.tables is not None
    tables, extra = result.tables, {}
    if settings.auto_link:
        tables, extra["linking"] = auto_link(tables, linkable_ids)
    in_force, last_id = reviews_in_force(open_workspace(settings))
    tables, extra["reviews"] = apply_reviews(tables, in_force)
    extra["reviews"]["last_id"] = last_id  # decisions after it are not in this ingest (webapp.review.unapplied)
    return tables, extra


# ---------------------------------------------------------------- preparing


def dataset_info(path: Path) -> tuple[dict[str, Any], str | None]:
    """Optional ``dataset.json`` beside the CSV files (name, demo flag, description, sources), and a warning."""
    from ingest.safety import file_kind

    f = path / "dataset.json" if path.is_dir() else path.with_name("dataset.json")
    if file_kind(f):
        return {}, f"警告：{f} 是符号链接或特殊文件，已拒绝读取（忽略）"
    if not f.is_file():
        return {}, None
    try:
        info = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return {}, f"警告：无法读取 {f}：{exc}（忽略）"
    return {"dataset_info": info, "demo": bool(info.get("demo"))}, None


def _prepared(result: IngestResult, settings: Settings, source: str, dataset: str, seconds: float, stage, info: dict, linkable_ids: pl.DataFrame | None = None) -> Prepared:
    p = Prepared(result, settings, source, dataset, stage=stage, validate_seconds=seconds)
    if not result.ok:
        return p
    p.tables, extra = finish_tables(result, settings, linkable_ids)
    result.tables = p.tables  # one set of frames alive (the validated ones that linking replaced can go)
    p.meta = {**result.meta, **info, **extra, "issues": json.loads(p.report), "validate_seconds": round(seconds, 3), "source": source}
    return p


def prepare_path(settings: Settings, dataset: str | Path, mapping=None, *, early: bool = False) -> Prepared:
    """``indmap ingest DATASET [--mapping P]``: validate the dataset at a path.

    ``early=True`` (a CSV folder): validation in two phases (:mod:`ingest.phased`). When the first finds no
    error, this returns with the second still to run (``pending``): :func:`commit` starts writing the tables
    the first phase checked, and the second runs beside that copy. Otherwise (errors, a workbook) it
    returns validated whole, as without.
    """
    t0 = time.perf_counter()
    info, _ = dataset_info(Path(dataset))
    meta_mapping = mapping.to_json() if mapping is not None else None
    held: list[Prepared] = []

    def stage():
        rows = {n: f.get("rows") for n, f in (held[0].result.meta.get("files") or {}).items()}
        return V.stage_files(settings, Path(dataset), {"source": "ingest", "dataset": str(dataset), "mapping": meta_mapping, "tables": rows})

    two = _two_phase(Path(dataset), settings, mapping) if early else None
    if two is not None:
        held.append(_prepare_two(two, settings, str(dataset), t0, stage, info))
    else:
        res = load_dataset(dataset, settings, mapping)
        held.append(_prepared(res, settings, "ingest", str(dataset), time.perf_counter() - t0, stage, info))
    return held[0]


def _two_phase(path: Path, settings: Settings, mapping) -> TwoPhase | None:
    try:
        return TwoPhase(path, settings, mapping).plan() if path.is_dir() else None
    except OSError:  # an unreadable folder: one pass says so
        return None


def _prepare_two(two: TwoPhase, settings: Settings, dataset: str, t0: float, stage, info: dict) -> Prepared:
    """The first phase now; the second later (``pending``) when the first found no error, else now (all issues together)."""
    try:
        early = two.early()
    except Exception as exc:  # noqa: BLE001 - a crash on odd input becomes an issue, never an exception
        two.crashed(dataset, exc)
        early = None

    # found now: once written out (memory-mapped) their text columns would be paged in again, and stay
    linkable_ids = linkable(early["enterprises"]) if early is not None and settings.auto_link else None
    first_seconds = time.perf_counter() - t0

    def second(tables: dict[str, pl.DataFrame] | None) -> Prepared:
        t1 = time.perf_counter()
        try:
            two.late()
        except Exception as exc:  # noqa: BLE001 - as above
            two.crashed(dataset, exc)
        res = two.result(dataset, tables)
        two.release()
        return _prepared(res, settings, "ingest", dataset, first_seconds + time.perf_counter() - t1, stage, info, linkable_ids)

    if early is None:
        return second(None)
    first = IngestResult(tables=early, meta={"dataset": dataset, "format": "csv", "files": dict(two.meta)})
    p = Prepared(first, settings, "ingest", dataset, tables=early, stage=stage, meta={**first.meta, **info, "source": "ingest"})
    p.pending = lambda: second(early)  # ``early`` is p.tables: the store swaps in its written copies
    return p


def prepare_version(settings: Settings, version: V.Version) -> Prepared:
    """A restore: validate a kept version again (reviews and links as they are now) and reuse its folder."""
    from ingest.colmap import MappingProfile

    t0 = time.perf_counter()
    mapping = MappingProfile.from_json(version.mapping) if version.mapping else None
    res = load_dataset(version.dataset, settings, mapping)
    info, _ = dataset_info(version.dataset)
    return _prepared(res, settings, "restore", f"数据版本 {version.id}", time.perf_counter() - t0, lambda: (None, version.id), info)


# ---------------------------------------------------------------- committing


def report_path(store_location: str) -> Path | None:
    """Where the last ingest report of an embedded store is kept (beside the file)."""
    if "://" in store_location:
        return None
    p = Path(store_location)
    return p.with_name(p.name + ".last-ingest.json")


def keep_report(store_location: str, report: str, dataset: str, ok: bool, failure: str | None = None, extra: dict | None = None) -> str | None:
    """The report kept beside an embedded store for the 数据 page; returns a warning when it could not be written."""
    side = report_path(store_location)
    if side is None:
        return None
    side.parent.mkdir(parents=True, exist_ok=True)
    payload = json.loads(report)
    payload.update({"dataset": dataset, "ok": ok, "at": time.strftime("%Y-%m-%dT%H:%M:%S"), **(extra or {})})
    if failure:
        payload["failure"] = failure
    tmp = side.with_name(side.name + ".tmp")
    try:
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, side)
    except OSError as exc:  # disk full as well: the report is a convenience, the exit code says what happened
        tmp.unlink(missing_ok=True)
        return f"警告：无法保存导入报告 {side}：{exc.strerror or exc}"
    return None


def _upload_lock(settings: Settings):
    from graph.stores.lock import file_lock

    root = Path(settings.datasets_path)
    root.mkdir(parents=True, exist_ok=True)
    return file_lock(root / "import", settings.write_lock_wait_s)


class _Staging:
    """The dataset's files staged as a version, and the meta written with the store (:func:`commit`)."""

    def __init__(self, p: Prepared, author: str | None):
        self.p, self.author = p, author
        self.staged: Path | None = None
        self.vid: str | None = None

    def run(self) -> dict[str, Any]:
        p, s = self.p, self.p.settings
        staged, vid = p.stage() if p.stage else (None, None)
        self.staged, self.vid = staged, V.staged_id(staged) if staged else vid
        meta = {**p.meta, "author": self.author, "dataset_version": self.vid}
        if p.source == "upload" and self.vid:  # the 数据 page finds the dataset's README and SOURCES there
            meta.update(dataset=str(Path(s.datasets_path) / self.vid), uploaded_files=p.dataset)
        return meta

    def late(self) -> tuple[dict[str, pl.DataFrame], dict[str, Any]]:
        """The store's ``late`` callback: the second phase's tables and the whole meta, or :class:`Invalid`."""
        if not self.p.settle():
            raise Invalid(self.p)
        assert self.p.tables is not None
        return {name: self.p.tables[name] for name in LATE_TABLES}, self.run()

    def discard(self) -> None:
        V.discard(self.staged)


def commit(p: Prepared, *, author: str | None = None, progress=None) -> Committed:
    """Write a prepared dataset: stage its version, swap the store, publish the version, keep the report, snapshot.

    A dataset whose second phase of validation is still to run (``p.pending``): an embedded store starts
    copying the first phase's tables and runs the second beside that copy, in its thread writing the parts
    ahead (:meth:`graph.stores.embedded.EmbeddedStore.write` ``late``); other stores validate it first. Errors
    found then raise :class:`Invalid` (nothing written, every issue in ``p``), also when the write failed
    otherwise before the second phase ran (the data's errors come first, as without the overlap). Raises
    :class:`graph.stores.StoreError` (busy, disk full; nothing written) or :class:`StaleUpload`.
    """
    overlapped = p.pending is not None
    try:
        return _commit(p, author, progress)
    except Invalid:
        raise
    except BaseException as exc:
        if overlapped and not p.settle():  # run now if it had not; or it ran, found errors, and the write failed after
            raise Invalid(p) from exc
        raise


def _commit(p: Prepared, author: str | None, progress) -> Committed:
    from graph.stores import open_store

    s = p.settings
    with _upload_lock(s):
        store = open_store(s, read_only=False)
        try:
            if p.store_version is not None and store.version() != p.store_version:
                raise StaleUpload("校验之后，另一位编辑导入了新数据：本次未写入任何数据。请重新校验（会与最新数据合并），再导入。")
            # the embedded store takes the frames over (memory-mapped from its view afterwards)
            release: dict[str, Any] = {"release": True} if getattr(store, "persists_view", False) else {}
            if p.pending is not None and not release and not p.settle():
                raise Invalid(p)
            assert p.ok and p.tables is not None
            staging = _Staging(p, author)
            if p.pending is not None:  # the version is staged once the second phase is through
                meta, release["late"] = {**p.meta, "author": author}, staging.late
            else:
                meta = staging.run()
            try:
                if release and s.snapshot_beside_write:  # analysed while the engine copies, recorded after the swap
                    release["beside"] = partial(_analyse, s)
                load = store.write(p.tables, meta=meta, progress=progress, **release)
            except BaseException:
                staging.discard()
                raise
            if staging.staged:
                V.publish(s, staging.staged, author=author)
            vid = staging.vid
            V.prune(s, s.dataset_versions_keep, {vid} if vid else set())
            analysed = getattr(load, "beside", None)
            if "late" in release:
                gc.collect()  # the second phase's frames, should any sit in a reference cycle, go before the snapshot
            view = _written_view(store) if release and analysed is None else None
        finally:
            store.close()
    done = Committed(sum(load.nodes.values()), sum(load.relationships.values()), load.seconds, vid)
    warn = keep_report(s.store, p.report, p.dataset, ok=True, extra={k: p.meta[k] for k in ("linking", "reviews") if k in p.meta})
    if warn:
        done.warnings.append(warn)
    _snapshot(p, done, view, analysed)
    return done


def _written_view(store):
    """The view just written, from the store's persisted view (with its indexes: the snapshot
    needs ~110 MB less at 1M); read under the upload lock, so no other import came in between."""
    from graph.stores import StoreError

    try:
        return store.read_view()
    except StoreError:
        return None  # the snapshot analyses the tables instead


def _analyse(settings: Settings, view):
    """The snapshot of the view being written (:func:`graph.workspace.snapshots.snapshot_of`), run
    by the embedded store beside its copy: the staged view is memory-mapped, with its indexes."""
    from graph.workspace.snapshots import snapshot_of

    return snapshot_of(view, settings.analysis)


def _snapshot(p: Prepared, done: Committed, view=None, analysed: Future | None = None) -> None:
    """Record the snapshot of what was written: analysed beside the write (``analysed``, its
    errors re-raised here as if analysed now), else of ``view`` or the tables."""
    from graph.view import GraphView
    from graph.workspace import WorkspaceError, history, open_workspace, record_ingest_snapshot

    try:
        snap = analysed.result() if analysed is not None else None
        view = view if view is not None or snap is not None else GraphView(p.tables, meta=p.meta)
        done.snapshot = record_ingest_snapshot(p.settings, view, dataset=p.dataset, source=p.source, snapshot=snap)
        done.history = history(open_workspace(p.settings), to_snap=done.snapshot)
    except (WorkspaceError, ValueError, OSError) as exc:
        done.snapshot_error = str(exc)
