"""Dated copies of every ingested dataset, beside the store: what an upload merges with and a restore reloads.

``<store>.datasets/`` (:attr:`graph.settings.Settings.datasets_path`) holds one folder per successful ingest,
named by its time (``20260512-101500``), with the dataset's files and ``version.json``: when, by whom, from
what (``source``: ``ingest`` from the command line, ``upload`` from the app), the rows per table, and the
column mapping the files need (a CLI ingest with ``--mapping`` keeps the original files). An uploaded dataset
is kept as CSV files with the contract's English headers (mapping applied, regions as codes).

A version is written to a hidden ``.tmp-<id>`` folder first and renamed into place only after the store was
written, so a failed ingest leaves no version behind; its id is known before the write, and the store's meta
names it (``dataset_version``): that is the current dataset. The newest ``dataset_versions_keep`` versions are
kept (the current one always). Re-ingesting files identical to the newest version (same names, sizes and
modification times) reuses it instead of copying again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.readers import RawTable
from ingest.safety import file_kind

INFO = "version.json"
DOCS = ("dataset.json", "README.md", "SOURCES.md")
SOURCE_ZH = {"ingest": "命令行导入", "upload": "上传", "restore": "恢复"}


@dataclass
class Version:
    """One kept dataset: its folder and what ``version.json`` says about it."""

    id: str
    path: Path
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def dataset(self) -> Path:
        """What to ingest: the folder, or the one workbook in it."""
        book = self.info.get("workbook")
        return self.path / book if book else self.path

    @property
    def mapping(self) -> dict | None:
        return self.info.get("mapping")

    @property
    def label(self) -> str:
        """``2026-05-12 10:15 · 上传 企业信息导出.csv（张三）``."""
        at = str(self.info.get("at") or self.id)[:16].replace("T", " ")
        who = f"（{self.info['author']}）" if self.info.get("author") else ""
        return f"{at} · {SOURCE_ZH.get(str(self.info.get('source')), '导入')} {self.info.get('dataset') or ''}{who}".strip()


def _root(settings) -> Path:
    return Path(settings.datasets_path)


def list_versions(settings) -> list[Version]:
    """Every kept version, newest first (folders without a readable ``version.json``, and links, are skipped)."""
    root = _root(settings)
    if not root.is_dir():
        return []
    out = []
    for d in root.iterdir():
        if d.name.startswith(".") or file_kind(d) or not d.is_dir():
            continue
        try:
            info = json.loads((d / INFO).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(info, dict):
            out.append(Version(d.name, d, info))
    return sorted(out, key=lambda v: v.id, reverse=True)


def get_version(settings, vid: str | None) -> Version | None:
    if not vid:
        return None
    return next((v for v in list_versions(settings) if v.id == vid), None)


def _new_id(root: Path) -> str:
    base = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    vid, n = base, 1
    while (root / vid).exists() or (root / f".tmp-{vid}").exists():
        n += 1
        vid = f"{base}-{n}"
    return vid


def _stage_dir(settings) -> Path:
    """A new staging folder ``.tmp-<id>``: the version's id is known before the store is written."""
    root = _root(settings)
    root.mkdir(parents=True, exist_ok=True)
    while True:
        d = root / f".tmp-{_new_id(root)}"
        try:
            d.mkdir()
            return d
        except FileExistsError:
            continue


def staged_id(staged: Path) -> str:
    return staged.name.removeprefix(".tmp-")


def _fingerprint(paths: list[Path]) -> list[list]:
    return sorted([p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in paths)


def _source_files(dataset: Path) -> list[Path]:
    if dataset.is_dir():
        return sorted(p for p in dataset.iterdir() if not file_kind(p) and p.is_file() and (p.suffix.lower() == ".csv" or p.name in DOCS))
    docs = [dataset.with_name(d) for d in DOCS]
    return [dataset] + [d for d in docs if not file_kind(d) and d.is_file()]


def stage_files(settings, dataset: Path, info: dict[str, Any]) -> tuple[Path | None, str | None]:
    """Copy a dataset's files (CSV files and their docs, or the workbook) into a staging folder.

    Returns ``(staging folder, None)``, or ``(None, id)`` when the newest version already holds these files.
    """
    dataset = Path(dataset)
    files = _source_files(dataset)
    fp = _fingerprint(files)
    newest = next(iter(list_versions(settings)), None)
    if newest is not None and newest.info.get("fingerprint") == fp and newest.info.get("mapping") == info.get("mapping"):
        return None, newest.id
    tmp = _stage_dir(settings)
    try:
        for f in files:
            shutil.copy2(f, tmp / f.name)
        extra = {"workbook": dataset.name} if dataset.is_file() else {}
        _write_info(tmp, {**info, **extra, "fingerprint": fp})
    except BaseException:
        discard(tmp)
        raise
    return tmp, None


def stage_tables(settings, raws: dict[str, RawTable], info: dict[str, Any], docs: dict[str, bytes] | None = None) -> Path:
    """Write merged tables (raw text, contract columns) as CSV files into a staging folder."""
    from ingest.merge import raw_text

    tmp = _stage_dir(settings)
    try:
        for name, raw in raws.items():
            raw_text(raw).write_csv(tmp / f"{name}.csv", line_terminator="\n", null_value="")
        for fname, data in (docs or {}).items():
            (tmp / fname).write_bytes(data)
        _write_info(tmp, {**info, "tables": {n: r.df.height for n, r in raws.items()}})
    except BaseException:
        discard(tmp)
        raise
    return tmp


def _write_info(folder: Path, info: dict[str, Any]) -> None:
    (folder / INFO).write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")


def publish(settings, staged: Path, author: str | None = None) -> str:
    """Rename a staging folder into place (``author``: who imported it); returns the version's id."""
    vid = staged_id(staged)
    info = json.loads((staged / INFO).read_text(encoding="utf-8"))
    info = {**info, "id": vid, "at": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
    _write_info(staged, {**info, "author": info.get("author") or author})
    os.rename(staged, _root(settings) / vid)
    return vid


def discard(staged: Path | None) -> None:
    if staged is not None:
        shutil.rmtree(staged, ignore_errors=True)


def prune(settings, keep: int, protect: set[str] = frozenset()) -> list[str]:
    """Delete all but the newest ``keep`` versions (never those in ``protect``), and day-old staging folders."""
    root = _root(settings)
    removed = []
    for v in list_versions(settings)[keep:]:
        if v.id not in protect:
            shutil.rmtree(v.path, ignore_errors=True)
            removed.append(v.id)
    if root.is_dir():
        for d in root.glob(".tmp-*"):
            try:
                if d.stat().st_mtime < dt.datetime.now().timestamp() - 24 * 3600:
                    shutil.rmtree(d, ignore_errors=True)
            except OSError:
                continue
    return removed


def read_version(settings, version: Version, issues) -> tuple[dict[str, RawTable], str | None]:
    """The raw tables of a kept version (its column mapping applied)."""
    from ingest.colmap import MappingProfile
    from ingest.readers import read_dataset
    from ingest.safety import ReadLimits

    mapping = MappingProfile.from_json(version.mapping) if version.mapping else None
    return read_dataset(version.dataset, issues, ReadLimits.from_settings(settings), mapping)
