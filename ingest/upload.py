"""An upload from the app: one workbook, several CSV files or a zip of them, checked, read and merged.

:func:`unpack` refuses what must not be read before any byte is parsed — a total over ``upload_max_mb``, a
file that is not CSV/XLSX/ZIP (an old ``.xls`` says how to fix it), a zip member with ``../`` or an absolute
path, a link, a nested zip, too many members, or members that unzip beyond the cap (a zip bomb) — and writes
what may be read into a private folder, flat. Each CSV file and each workbook sheet becomes a
:class:`Part` with the table its name suggests (or none: the person picks one) and its header row.

:func:`prepare_upload` reads the parts as the chosen tables (column mappings applied), merges them with the
current dataset (:mod:`ingest.merge`: the version the store was written from, :mod:`ingest.versions`) and
validates the whole (:func:`ingest.validate_raws`); the result is an :class:`ingest.pipeline.Prepared` that
:func:`ingest.pipeline.commit` writes — or the issues, file by file and row by row, with nothing written.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from graph.schema import TABLES
from graph.settings import Settings
from ingest.colmap import MappingProfile, TableMapping, file_headers, guess_table
from ingest.issues import Issue, IssueList, issue
from ingest.readers import RawTable, read_csv_table, read_xlsx, table_for_name
from ingest.safety import MB, ReadLimits

DATA_SUFFIXES = (".csv", ".xlsx")
DOC_NAMES = ("dataset.json", "README.md", "SOURCES.md")
MAX_MEMBERS = 200


class Uploaded(Protocol):
    """What Streamlit's ``UploadedFile`` offers (a test passes its own)."""

    name: str
    size: int

    def getvalue(self) -> bytes: ...


@dataclass
class Part:
    """One table candidate of an upload: a CSV file or a workbook sheet."""

    label: str  # what issues and people call it: 企业.csv, 数据.xlsx:企业
    path: Path
    sheet: str | None
    table: str | None  # suggested by its name; the person may change it
    headers: list[str] = field(default_factory=list)


@dataclass
class Unpacked:
    """The readable parts of an upload, its docs (dataset.json …), and the issues found while unpacking."""

    folder: Path
    parts: list[Part] = field(default_factory=list)
    docs: dict[str, bytes] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)

    def cleanup(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _unsafe(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return name.startswith(("/", "\\")) or ".." in p.parts or (len(name) > 1 and name[1] == ":")


def _members(z: zipfile.ZipFile, zname: str, limit_bytes: int, ratio: int, issues: IssueList) -> list[zipfile.ZipInfo] | None:
    """The data members of a zip, or None (issues recorded) when the zip must not be read at all."""
    infos = [i for i in z.infolist() if not i.is_dir()]
    for i in infos:
        if _unsafe(i.filename):
            issues.add(issue("zip_unsafe_path", file=zname, value=i.filename))
            return None
        if stat.S_ISLNK(i.external_attr >> 16):
            issues.add(issue("zip_link", file=zname, value=i.filename))
            return None
    if len(infos) > MAX_MEMBERS:
        issues.add(issue("zip_too_many", file=zname, n=len(infos), limit=MAX_MEMBERS))
        return None
    total = sum(i.file_size for i in infos)
    worst = max((i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > MB), default=0)
    if total > limit_bytes or worst > ratio:
        issues.add(issue("zip_bomb", file=zname, size_mb=round(total / MB, 1), ratio=ratio))
        return None
    keep = []
    for i in infos:
        base = PurePosixPath(i.filename.replace("\\", "/")).name
        if base.startswith((".", "~$", "__MACOSX")) or "__MACOSX" in i.filename:
            continue
        if base.lower().endswith(DATA_SUFFIXES) or base in DOC_NAMES:
            keep.append(i)
        else:
            issues.add(issue("zip_skipped", file=zname, value=i.filename))
    return keep


def _write(folder: Path, name: str, data: bytes, seen: set[str], issues: IssueList, where: str) -> Path | None:
    if name in seen:
        issues.add(issue("upload_duplicate_name", file=where, value=name))
        return None
    seen.add(name)
    path = folder / name
    path.write_bytes(data)
    return path


def _bad_type(name: str) -> str:
    if name.lower().endswith(".xls"):
        return "这是旧版 Excel（.xls）：用 Excel 或 WPS 打开后“另存为” .xlsx 工作簿"
    return "上传数据集的 .xlsx 工作簿、各表的 .csv 文件，或把它们打包成一个 .zip"


def unpack(files: list[Uploaded], settings: Settings, workdir: Path | None = None) -> Unpacked:
    """Check and unpack uploaded files into a private folder (see the module doc); never raises on bad input."""
    limit = settings.upload_max_mb * MB
    folder = Path(tempfile.mkdtemp(prefix=".tmp-upload-", dir=workdir))
    out, issues, seen = Unpacked(folder), IssueList(), set()
    total = sum(int(getattr(f, "size", 0) or 0) for f in files)
    if total > limit:
        issues.add(issue("upload_too_large", file="、".join(f.name for f in files)[:200], size_mb=round(total / MB, 1), limit_mb=settings.upload_max_mb))
        out.issues = issues.finish()
        return out
    written: list[Path] = []
    for f in files:
        name = Path(f.name).name
        low = name.lower()
        if low.endswith(DATA_SUFFIXES):
            p = _write(folder, name, f.getvalue(), seen, issues, name)
            written += [p] if p else []
        elif low.endswith(".zip"):
            written += _unzip(f, name, folder, seen, issues, limit - total + int(f.size or 0), settings.xlsx_max_ratio, out.docs)
        elif name in DOC_NAMES:
            out.docs[name] = f.getvalue()
        else:
            issues.add(issue("upload_bad_type", file=name, fix=_bad_type(name)))
    if not any(i.severity == "error" for i in issues.items):
        out.parts = _parts(written, settings, issues)
    out.issues = issues.finish()
    return out


def _unzip(f: Uploaded, name: str, folder: Path, seen: set[str], issues: IssueList, room: int, ratio: int, docs: dict[str, bytes]) -> list[Path]:
    import io

    try:
        z = zipfile.ZipFile(io.BytesIO(f.getvalue()))
    except zipfile.BadZipFile as exc:
        issues.add(issue("zip_bad", file=name, detail=str(exc)[:200]))
        return []
    written = []
    with z:
        members = _members(z, name, room, ratio, issues)
        for i in members or []:
            base = PurePosixPath(i.filename.replace("\\", "/")).name
            with z.open(i) as src:
                data = src.read(i.file_size + 1)
            if base in DOC_NAMES:
                docs[base] = data
                continue
            if base.lower().endswith(".zip"):
                continue
            p = _write(folder, base, data, seen, issues, f"{name}:{i.filename}")
            written += [p] if p else []
    return written


def _parts(paths: list[Path], settings: Settings, issues: IssueList) -> list[Part]:
    from python_calamine import CalamineWorkbook

    limits = ReadLimits.from_settings(settings)
    parts = []
    for p in sorted(paths, key=lambda x: x.name):
        try:
            if p.suffix.lower() == ".csv":
                heads = file_headers(p, None, limits)
                parts.append(Part(p.name, p, None, table_for_name(p.stem) or guess_table(heads), heads))
                continue
            for sheet in CalamineWorkbook.from_path(str(p)).sheet_names:
                if sheet.startswith(("说明", "~")) or sheet.lower().startswith(("readme", "notes")):
                    continue
                heads = file_headers(p, sheet, limits)
                parts.append(Part(f"{p.name}:{sheet}", p, sheet, table_for_name(sheet) or guess_table(heads), heads))
        except ValueError as exc:
            issues.add(issue("bad_csv" if p.suffix.lower() == ".csv" else "bad_xlsx", file=p.name, detail=str(exc)[:200]))
        except Exception as exc:  # noqa: BLE001 - not a workbook
            issues.add(issue("bad_xlsx", file=p.name, detail=str(exc)[:200] or type(exc).__name__))
    return parts


# ---------------------------------------------------------------- reading and merging


def read_parts(parts: list[Part], tables: dict[str, str | None], mappings: dict[str, TableMapping], settings: Settings, issues: IssueList) -> dict[str, RawTable]:
    """The parts as the chosen tables (``tables``: part label -> table or None), each with its mapping."""
    limits = ReadLimits.from_settings(settings)
    chosen: dict[str, list[Part]] = {}
    for part in parts:
        t = tables.get(part.label, part.table)
        if t is None:
            issues.add(issue("upload_unassigned", file=part.label))
        else:
            chosen.setdefault(t, []).append(part)
    raws: dict[str, RawTable] = {}
    for t, ps in chosen.items():
        if len(ps) > 1:
            issues.add(issue("upload_same_table", file=ps[0].label, value="、".join(p.label for p in ps), table=t, table_zh=TABLES[t].zh))
            continue
        part, tm = ps[0], mappings.get(t)
        if part.sheet is None:
            raw = read_csv_table(part.path, t, issues, limits, tm, file=part.label)
        else:
            profile = MappingProfile("upload", {t: tm}) if tm else None
            raw = read_xlsx(part.path, issues, limits, profile, sheets={part.sheet: t}, only=[part.sheet]).get(t)
        if raw is not None:
            raws[t] = raw
        else:
            issues.unreadable_tables.add(t)
    return raws


def current_raws(settings: Settings, meta: dict[str, Any], issues: IssueList) -> tuple[dict[str, RawTable], Any]:
    """The tables of the dataset the store was written from (its kept version), labelled ``现有数据/…``."""
    from ingest import versions as V
    from ingest.merge import relabel

    version = V.get_version(settings, meta.get("dataset_version"))
    if version is None:
        return {}, None
    raws, _ = V.read_version(settings, version, issues)
    return relabel(raws), version


def prepare_upload(
    settings: Settings,
    unpacked: Unpacked,
    tables: dict[str, str | None],
    mappings: dict[str, TableMapping],
    modes: dict[str, str],
    *,
    store_meta: dict[str, Any],
    store_version: str | None,
    author: str | None = None,
):
    """Read, merge with the current dataset and validate an upload; an :class:`ingest.pipeline.Prepared`."""
    from ingest import validate_raws
    from ingest import versions as V
    from ingest.merge import merge_tables
    from ingest.pipeline import Prepared, _prepared

    t0 = time.perf_counter()
    issues = IssueList()
    for i in unpacked.issues:
        issues.add(i)
    upload = read_parts(unpacked.parts, tables, mappings, settings, issues)
    base, version = current_raws(settings, store_meta, issues)
    merged = merge_tables(base, upload, modes)
    names = "、".join(sorted({p.label.split(":")[0] for p in unpacked.parts})) or "上传"
    res = validate_raws(merged, "csv", issues, settings, dataset=names)
    res.meta["merged_with"] = version.id if version else None
    res.meta["uploaded_tables"] = sorted(upload)
    docs = dict(unpacked.docs)
    if version is not None and "dataset.json" not in docs and set(upload) != set(merged):
        ds = version.path / "dataset.json"
        if ds.is_file():
            docs["dataset.json"] = ds.read_bytes()  # a partial upload keeps the dataset's description
    info = _dataset_info(docs)
    info_v = {"source": "upload", "dataset": names, "author": author, "merged_with": version.id if version else None, "uploaded": sorted(upload)}
    prep: Prepared = _prepared(res, settings, "upload", names, time.perf_counter() - t0, lambda: (V.stage_tables(settings, merged, info_v, docs), None), info)
    prep.store_version = store_version
    prep.meta["counts_before"] = {n: r.df.height for n, r in base.items()}
    return prep


def _dataset_info(docs: dict[str, bytes]) -> dict[str, Any]:
    import json

    raw = docs.get("dataset.json")
    if not raw:
        return {}
    try:
        info = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return {"dataset_info": info, "demo": bool(info.get("demo"))} if isinstance(info, dict) else {}
