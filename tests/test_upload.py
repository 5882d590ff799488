"""Uploads (ingest.upload): refusals before reading, merging with the current dataset, versions, restore,
two writers, and link reviews applied at every ingest."""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from pathlib import Path

import polars as pl
import pytest

from cli import main
from graph.settings import Settings
from graph.stores import StoreBusy, open_store
from graph.stores.lock import file_lock
from graph.workspace import open_workspace
from graph.workspace.reviews import add_review, current_reviews, review_log
from ingest import versions as V
from ingest.pipeline import StaleUpload, commit, prepare_version
from ingest.upload import prepare_upload, unpack

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
EXPORT = ROOT / "tests" / "fixtures" / "export" / "企业信息导出.csv"
MB = 1024 * 1024


class Up:
    """What the app hands over: Streamlit's UploadedFile (name, size, getvalue)."""

    def __init__(self, name: str, data: bytes = b"", size: int | None = None):
        self.name, self.data = name, data
        self.size = len(data) if size is None else size

    def getvalue(self) -> bytes:
        return self.data


def _zip(members: dict[str, bytes], links: tuple[str, ...] = ()) -> bytes:
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, "/etc/passwd")
    return b.getvalue()


@pytest.fixture()
def settings(tmp_path) -> Settings:
    s = Settings(store=str(tmp_path / "store" / "g.lbug"), write_lock_wait_s=0.5)
    assert main(["ingest", str(SAMPLE), "--store", s.store, "--quiet"]) == 0
    return s


def _state(s: Settings):
    store = open_store(s)
    try:
        return store.read_meta(), store.version(), store.stats()["nodes"]
    finally:
        store.close()


def _prepare(s: Settings, files: list[Up], tables=None, mappings=None, modes=None):
    meta, version, _ = _state(s)
    u = unpack(files, s)
    return u, prepare_upload(s, u, tables or {}, mappings or {}, modes or {}, store_meta=meta, store_version=version, author="张三")


@pytest.mark.parametrize(
    "files, code",
    [
        ([Up("big.csv", size=200 * MB)], "upload_too_large"),  # refused on its size alone: nothing is read
        ([Up("d.zip", _zip({"ds/../../etc/cron.d/x.csv": b"a,b\n"}))], "zip_unsafe_path"),
        ([Up("d.zip", _zip({"/abs/enterprises.csv": b"a,b\n"}))], "zip_unsafe_path"),
        ([Up("d.zip", _zip({"ok.csv": b"a\n"}, links=("regions.csv",)))], "zip_link"),
        ([Up("d.zip", _zip({"enterprises.csv": b"0" * (30 * MB)}))], "zip_bomb"),
        ([Up("d.zip", _zip({f"t{i}.csv": b"a\n" for i in range(201)}))], "zip_too_many"),
        ([Up("old.xls", b"\xd0\xcf\x11\xe0")], "upload_bad_type"),
        ([Up("d.zip", b"not a zip")], "zip_bad"),
    ],
)
def test_refused_before_reading(tmp_path, files, code):
    u = unpack(files, Settings(store=str(tmp_path / "g.lbug")))
    try:
        assert [i.code for i in u.issues if i.severity == "error"] == [code]
        assert not u.parts and not list(u.folder.iterdir())  # nothing written for a refused upload
        assert all("\u0000" not in i.message and i.fix for i in u.issues)
    finally:
        u.cleanup()


def test_a_zip_in_a_folder_is_read_flat(tmp_path):
    members = {f"示例数据/{p.name}": p.read_bytes() for p in SAMPLE.glob("*.csv")} | {"示例数据/说明.docx": b"x"}
    u = unpack([Up("sample.zip", _zip(members))], Settings(store=str(tmp_path / "g.lbug")))
    assert sorted(p.table for p in u.parts) == sorted(p.stem for p in SAMPLE.glob("*.csv"))
    assert [i.code for i in u.issues] == ["zip_skipped"]
    u.cleanup()


def test_bad_rows_write_nothing_and_name_file_and_row(settings):
    meta, version, nodes = _state(settings)
    bad = (SAMPLE / "projects.csv").read_text(encoding="utf-8").replace(",lead,", ",就绪,", 1)
    u, p = _prepare(settings, [Up("projects.csv", bad.encode())])
    assert not p.ok
    err = next(i for i in p.result.issues if i.severity == "error")
    assert (err.code, err.file, err.row, err.column) == ("bad_enum", "projects.csv", 2, "stage") and "线索" in err.fix
    with pytest.raises(AssertionError):
        commit(p)
    assert _state(settings)[1] == version and len(V.list_versions(settings)) == 1
    u.cleanup()


def test_some_tables_merge_with_the_current_dataset(settings):
    before = open_store(settings).read_tables()
    new_period = "park_id,period,revenue,tax\nP01,2026,2000000,99000\nP02,2025,,1234\n"
    u, p = _prepare(settings, [Up("园区指标2026.csv", new_period.encode())], tables={"园区指标2026.csv": "park_stats"})
    assert p.ok, [str(i) for i in p.result.issues]
    done = commit(p, author="张三")
    after = open_store(settings).read_tables()
    ps = after["park_stats"]
    assert ps.height == before["park_stats"].height + 1  # the new period added, every old period kept
    p02 = ps.filter((pl.col("park_id") == "P02") & (pl.col("period") == "2025")).row(0, named=True)
    old = before["park_stats"].filter((pl.col("park_id") == "P02") & (pl.col("period") == "2025")).row(0, named=True)
    assert p02["tax"] == 1234 and p02["revenue"] == old["revenue"] and p02["profit"] == old["profit"]  # empty cells keep
    assert after["enterprises"].height == before["enterprises"].height
    meta = open_store(settings).read_meta()
    assert meta["dataset_version"] == done.version and meta["source"] == "upload" and meta["author"] == "张三"
    kept = V.get_version(settings, done.version)
    assert kept.info["merged_with"] and kept.info["uploaded"] == ["park_stats"]
    assert pl.read_csv(kept.path / "park_stats.csv", infer_schema=False).height == ps.height
    u.cleanup()


def test_replace_mode_and_errors_in_kept_rows_name_the_kept_file(settings):
    ents = "id,name,local\nN1,新企业,是\n"
    u, p = _prepare(settings, [Up("enterprises.csv", ents.encode())], modes={"enterprises": "replace"})
    assert not p.ok  # the kept links and projects still name the enterprises the upload dropped
    errs = [i for i in p.result.issues if i.code == "unknown_reference"]
    assert errs and all(i.file.startswith("现有数据/") for i in errs) and {i.file for i in errs} >= {"现有数据/enterprise_segments.csv"}
    u.cleanup()


def test_restore_a_previous_version(settings):
    first = _state(settings)[0]["dataset_version"]
    u, p = _prepare(settings, [Up("projects.csv", b"id,name,stage\nPX1,new project,lead\n")], modes={"projects": "replace"})
    commit(p)
    assert open_store(settings).read_tables()["projects"].height == 1
    restored = commit(prepare_version(settings, V.get_version(settings, first)), author="李四")
    assert restored.version == first
    t = open_store(settings).read_tables()
    assert t["projects"].height == pl.read_csv(SAMPLE / "projects.csv").height and open_store(settings).read_meta()["source"] == "restore"
    u.cleanup()


def test_an_upload_validated_before_another_import_is_refused(settings):
    u, p = _prepare(settings, [Up("projects.csv", b"id,name,stage\nPX1,a,lead\n")])
    u2, p2 = _prepare(settings, [Up("projects.csv", b"id,name,stage\nPX2,b,lead\n")])
    commit(p, author="张三")
    with pytest.raises(StaleUpload, match="重新校验"):
        commit(p2, author="李四")
    assert "PX1" in open_store(settings).read_tables()["projects"].get_column("id").to_list()
    u.cleanup(), u2.cleanup()


def test_apply_reviews_or_restore_validated_before_another_import_keep_that_import(settings):
    """应用到图谱 (and 恢复此版本) re-validates a version for seconds; another editor's import meanwhile is not replaced."""
    from types import SimpleNamespace

    from webapp.upload import reapply, restore_prepared

    meta, version, _ = _state(settings)
    page = SimpleNamespace(settings=settings, meta=meta, version=version)  # what the page read
    again, restore = reapply(page, "甲"), restore_prepared(page, meta["dataset_version"])
    u, p = _prepare(settings, [Up("projects.csv", b"id,name,stage\nPX1,a,lead\n")])
    commit(p, author="乙")  # another editor's upload lands meanwhile
    for stale in (again, restore):
        with pytest.raises(StaleUpload):
            commit(stale, author="甲")
    assert "PX1" in open_store(settings).read_tables()["projects"].get_column("id").to_list()
    meta, version, _ = _state(settings)
    commit(reapply(SimpleNamespace(settings=settings, meta=meta, version=version), "甲"), author="甲")  # read afresh: goes through
    assert "PX1" in open_store(settings).read_tables()["projects"].get_column("id").to_list()
    u.cleanup()


def test_a_second_writer_waits_then_is_refused(settings):
    meta, version, nodes = _state(settings)
    u, p = _prepare(settings, [Up("projects.csv", b"id,name,stage\nPX1,a,lead\n")])
    with file_lock(Path(settings.store), 1):  # another import is writing
        with pytest.raises(StoreBusy, match="另一个导入正在写入"):
            commit(p, author="李四")
    assert _state(settings)[1] == version and len(V.list_versions(settings)) == 1  # nothing written, no version kept
    assert not [d for d in Path(settings.datasets_path).iterdir() if d.name.startswith(".tmp-")]
    commit(p, author="李四")  # once the other is done it goes through
    u.cleanup()


def test_reviews_are_applied_and_survive_reupload(settings):
    ws = open_workspace(settings)
    es = open_store(settings).read_tables()["enterprise_segments"]
    likely = es.filter(pl.col("confidence") == "likely").sort(["segment_id", "enterprise_id"])
    a, r, m = likely.row(0, named=True), likely.row(1, named=True), likely.row(2, named=True)
    add_review(ws, a["enterprise_id"], a["segment_id"], "accept", reviewer="张三")
    add_review(ws, r["enterprise_id"], r["segment_id"], "reject", reviewer="张三")
    add_review(ws, m["enterprise_id"], m["segment_id"], "move", to_segment_id="PV-U04", reviewer="张三")
    last = add_review(ws, "NOPE", "PV-U04", "accept", reviewer="张三").id
    for _ in range(2):  # a re-upload (some table) applies them again
        u, p = _prepare(settings, [Up("projects.csv", (SAMPLE / "projects.csv").read_bytes())])
        assert p.meta["reviews"] == {"applied": 3, "accept": 1, "reject": 1, "move": 1, "not_applied": 1, "skipped": p.meta["reviews"]["skipped"], "last_id": last}
        commit(p, author="张三")
        u.cleanup()
        t = open_store(settings).read_tables()["enterprise_segments"]
        rows = {(x["enterprise_id"], x["segment_id"]): x for x in t.iter_rows(named=True)}
        got = rows[(a["enterprise_id"], a["segment_id"])]
        assert got["confidence"] == "confirmed" and got["source"].startswith("人工审核确认：张三 ")
        assert (r["enterprise_id"], r["segment_id"]) not in rows
        assert (m["enterprise_id"], m["segment_id"]) not in rows and rows[(m["enterprise_id"], "PV-U04")]["confidence"] == "confirmed"
    side = json.loads(Path(settings.store + ".last-ingest.json").read_text(encoding="utf-8"))
    assert side["reviews"]["applied"] == 3
    from webapp.review import unapplied

    meta = _state(settings)[0]
    assert meta["reviews"]["last_id"] == last and unapplied(review_log(ws), meta["written_at"], meta["reviews"]["last_id"]) == 0
    add_review(ws, a["enterprise_id"], a["segment_id"], "undo", reviewer="张三")
    assert len(current_reviews(ws)) == 3
    # a decision the ingest did not read is not applied, whenever it was made (e.g. while a long ingest was writing)
    assert unapplied(review_log(ws), "2999-01-01T00:00:00+00:00", meta["reviews"]["last_id"]) == 1


def test_versions_are_pruned_and_identical_files_reused(tmp_path):
    s = Settings(store=str(tmp_path / "g.lbug"), dataset_versions_keep=2)
    for _ in range(2):
        assert main(["ingest", str(SAMPLE), "--store", s.store, "--quiet"]) == 0
    assert len(V.list_versions(s)) == 1  # the same files: the version is reused, not copied again
    for i in range(3):
        store = open_store(s)
        meta, version = store.read_meta(), store.version()
        store.close()
        u = unpack([Up("projects.csv", f"id,name,stage\nP{i},x,lead\n".encode())], s)
        commit(prepare_upload(s, u, {}, {}, {"projects": "replace"}, store_meta=meta, store_version=version))
        u.cleanup()
    kept = V.list_versions(s)
    assert len(kept) == 2 and open_store(s).read_meta()["dataset_version"] == kept[0].id
    assert os.path.isdir(kept[0].path) and (kept[0].path / "version.json").is_file()


def test_an_export_named_by_its_service_is_taken_for_its_table(tmp_path):
    """企业信息导出.csv says nothing by its name; its headers say 企业. A file of contacts alone says nothing."""
    export = ROOT / "tests" / "fixtures" / "export" / "企业信息导出.csv"
    u = unpack([Up(export.name, export.read_bytes()), Up("联系人.csv", "电话,邮箱\n1,a@b.c\n".encode())], Settings(store=str(tmp_path / "g.lbug")))
    try:
        assert {p.label: p.table for p in u.parts} == {"企业信息导出.csv": "enterprises", "联系人.csv": None}
    finally:
        u.cleanup()


def test_leads_survive_an_upload_and_a_restore(settings):
    """The bureau's own work is sacred: a lead and its note outlive an import from the page and a restore."""
    from graph.workspace.leads import add_lead, get_lead, update_lead

    first = _state(settings)[0]["dataset_version"]
    ws = open_workspace(settings)
    lead = add_lead(ws, enterprise_id="E999", segment_id="S1", owner="王五", author="王五")
    update_lead(ws, lead.id, author="王五", note="已电话联系")
    u, p = _prepare(settings, [Up("projects.csv", b"id,name,stage\nPX1,a,lead\n")], modes={"projects": "replace"})
    commit(p, author="张三")
    commit(prepare_version(settings, V.get_version(settings, first)), author="李四")
    kept = get_lead(open_workspace(settings), lead.id)
    assert kept.owner == "王五" and [n.text for n in kept.notes] == ["已电话联系"]
    u.cleanup()
