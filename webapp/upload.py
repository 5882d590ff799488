"""The 数据 page's upload (editors): files → tables → column mapping → validation report → 导入; and restore.

The work is done by :mod:`ingest.upload` and :mod:`ingest.pipeline`; this module only draws it and keeps the
steps in the session: the unpacked files (a private folder beside the store's versions), the chosen table
and mode of each file, the mapping of foreign headers, and the validated result, which is recomputed only
when one of those changes. Nothing is written before 导入; the write is the same atomic swap as
``indmap ingest`` (one writer at a time), and every open session sees the new data on its next action (the
cached view is keyed by the store's version).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from graph.i18n import NOT_APPLICABLE, SEVERITY_ZH
from graph.schema import TABLES
from graph.stores import StoreError
from graph.workspace import WorkspaceError, open_workspace
from graph.workspace.mappings import get_profile, list_profiles, replaced_note, save_table_mapping
from ingest import versions as V
from ingest.colmap import MappingProfile, TableMapping, suggest, suggest_extras
from ingest.issues import col_label, unlinked_note
from ingest.pipeline import Prepared, StaleUpload, commit, prepare_path, prepare_version
from ingest.upload import Unpacked, prepare_upload, unpack
from webapp.context import Ctx
from webapp.export import export_buttons

KEY = "_upload"  # session: {"sig", "unpacked", "prepared", "prep_sig"}
DONE = "_upload_done"
IGNORE = "（不导入）"
MODE_ZH = {"merge": "合并（按编号更新、添加）", "replace": "替换整张表"}

ISSUE_COLUMNS = {
    "severity": "级别", "file": "文件", "row": "行", "column": "列", "value": "值",
    "message": st.column_config.TextColumn("问题", width="large"), "fix": st.column_config.TextColumn("改法", width="large"),
}  # fmt: skip


def issues_frame(items: list) -> pl.DataFrame:
    """Issues (models or dicts) as the Chinese table people read: 级别, 文件, 行, 列, 值, 问题, 改法."""
    rows, na = [], NOT_APPLICABLE  # "—" where a row, column or value does not apply (a whole file refused)
    for i in items:
        d = i if isinstance(i, dict) else i.model_dump()
        rows.append({
            "severity": SEVERITY_ZH.get(d.get("severity") or "", SEVERITY_ZH["warning"]), "file": d.get("file") or na,
            "row": na if d.get("row") is None else str(d["row"]),
            "column": col_label(d.get("column"), d.get("column_zh")) or na,
            "value": na if d.get("value") in (None, "") else str(d["value"]), "message": d.get("message") or na, "fix": d.get("fix") or na,
        })  # fmt: skip
    return pl.DataFrame(rows, schema=dict.fromkeys(("severity", "file", "row", "column", "value", "message", "fix"), pl.Utf8))


ISSUE_EXPORT = {"severity": "级别", "file": "文件", "row": "行", "column": "列", "value": "值", "message": "问题", "fix": "改法"}


def show_issues(items: list, *, key: str, title: str) -> None:
    """The issues as a table, and CSV/Excel exports with the same Chinese headers."""
    frame = issues_frame(items)
    st.dataframe(frame, hide_index=True, width="stretch", column_config=ISSUE_COLUMNS)
    export_buttons(frame.rename(ISSUE_EXPORT), title, key=key)


# ---------------------------------------------------------------- steps kept in the session


def _state() -> dict[str, Any]:
    return st.session_state.setdefault(KEY, {})


def _reset() -> None:
    s = st.session_state.pop(KEY, {})
    if s.get("unpacked") is not None:
        s["unpacked"].cleanup()


def _unpacked(files: list, c: Ctx) -> Unpacked:
    sig = tuple((f.name, f.size, getattr(f, "file_id", "")) for f in files)
    s = _state()
    if s.get("sig") != sig:
        _reset()
        root = Path(c.settings.datasets_path)
        root.mkdir(parents=True, exist_ok=True)
        s = _state()
        s.update(sig=sig, unpacked=unpack(files, c.settings, workdir=root))
    return s["unpacked"]


def _current_tables(c: Ctx) -> set[str]:
    v = V.get_version(c.settings, c.meta.get("dataset_version"))
    if v is None:
        return set()
    return {n for n, rows in (v.info.get("tables") or {}).items()} | {p.stem for p in v.path.glob("*.csv")}


def _assign(u: Unpacked, have: set[str]) -> tuple[dict[str, str | None], dict[str, str]]:
    """Each file's table and mode (defaults from the file names), one row per file or sheet."""
    options = [None, *TABLES]
    tables, modes = {}, {}
    sig = str(_state().get("sig"))[:40]
    for i, part in enumerate(u.parts):
        a, b, d = st.columns([3, 2, 2], vertical_alignment="bottom")
        a.markdown(f"**{part.label}**  \n{len(part.headers)} 列：{'、'.join(part.headers[:6])}{'…' if len(part.headers) > 6 else ''}")
        t = b.selectbox("这是哪张表", options, index=options.index(part.table), key=f"up_table_{sig}_{i}",
                        format_func=lambda x: IGNORE if x is None else f"{TABLES[x].zh}（{x}）")  # fmt: skip
        tables[part.label] = t
        if t:
            modes[t] = d.selectbox("导入方式", list(MODE_ZH), index=0 if t in have else 1, key=f"up_mode_{sig}_{i}_{t}", format_func=MODE_ZH.get,
                                   help="合并：按编号更新已有行（上传文件中有值的单元格覆盖原值）、添加新行，其余保留；替换：上传的文件就是整张表")  # fmt: skip
    return tables, modes


# ---------------------------------------------------------------- column mapping


def _label(col: str | None, table: str) -> str:
    return IGNORE if col is None else f"{TABLES[table].column(col).zh}（{col}）"


def _needs_mapping(headers: list[str], table: str) -> bool:
    return any(s.how != "exact" for s in suggest(headers, table).values())


def _profile_choice(c: Ctx, label: str, table: str) -> TableMapping | None:
    try:
        names = [p["name"] for p in list_profiles(open_workspace(c.settings)) if table in p["tables"]]
    except WorkspaceError:
        names = []
    if not names:
        return None
    pick = st.selectbox("套用已保存的列映射方案", [""] + names, key=f"up_prof_{label}", format_func=lambda n: n or "（不套用，按建议）")
    if not pick:
        return None
    body = get_profile(open_workspace(c.settings), pick)
    return MappingProfile.from_json(body).for_table(table) if body else None


def mapping_editor(c: Ctx, label: str, headers: list[str], table: str, author: str | None) -> TableMapping | None:
    """The mapping of a file whose headers are not all the contract's: suggestions, editable, savable."""
    if not _needs_mapping(headers, table):
        return None
    base = _profile_choice(c, label, table)
    sug = suggest(headers, table)
    chosen = {h: (base.target(h) if base is not None and base.has(h) else s.column) for h, s in sug.items()}
    options = [IGNORE] + [_label(col.name, table) for col in TABLES[table].columns]
    frame = pl.DataFrame([{"header": h, "column": _label(chosen[h], table), "how": sug[h].how_zh} for h in headers])
    edited = st.data_editor(
        frame, hide_index=True, width="stretch", disabled=["header", "how"], key=f"up_map_{label}_{table}",
        column_config={"header": "文件中的表头", "column": st.column_config.SelectboxColumn("对应的列", options=options, required=True), "how": "依据"},
    )
    back = {_label(col.name, table): col.name for col in TABLES[table].columns}
    records = edited.iter_rows(named=True) if isinstance(edited, pl.DataFrame) else edited.to_dict("records")
    columns = {r["header"]: back.get(r["column"]) for r in records}
    defaults, id_from = suggest_extras(columns, table)
    if base is not None:
        defaults, id_from = {**defaults, **base.defaults}, base.id_from or id_from
    defaults, id_from = _extras_inputs(label, table, columns, defaults, id_from)
    tm = TableMapping(columns, defaults, id_from)
    _save_profile(c, label, table, tm, author)
    return tm


def _extras_inputs(label: str, table: str, columns: dict, defaults: dict, id_from: str | None) -> tuple[dict, str | None]:
    mapped = {v for v in columns.values() if v}
    if table == "enterprises" and "local" not in mapped:
        local = st.radio("这些企业是", ["本地企业", "外地候选企业"], horizontal=True, key=f"up_local_{label}",
                         index=0 if defaults.get("local", "是") == "是" else 1, help="文件中没有“是否本地”列：为所有行设置同一个值")  # fmt: skip
        defaults = {**defaults, "local": "是" if local == "本地企业" else "否"}
    if "id" not in mapped and "id" in TABLES[table].column_names:
        choices = [c for c in ("credit_code", "name") if c in mapped]
        if choices:
            id_from = st.radio("编号取自", choices, horizontal=True, key=f"up_id_{label}", format_func=lambda x: _label(x, table),
                               index=choices.index(id_from) if id_from in choices else 0, help="文件中没有“编号”列：用这一列的值作编号")  # fmt: skip
    return defaults, id_from


def _save_profile(c: Ctx, label: str, table: str, tm: TableMapping, author: str | None) -> None:
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    name = a.text_input("保存为列映射方案（下次上传或 `indmap ingest --mapping` 时套用）", key=f"up_pname_{label}", placeholder="例如：企查查导出")
    if b.button("保存方案", key=f"up_psave_{label}", icon=":material/save:", disabled=not name.strip()):
        try:
            before = save_table_mapping(open_workspace(c.settings), name, table, tm.to_json(), by=author or "应用")
            st.toast(f"已保存列映射方案 “{name.strip()}” 中 {TABLES[table].zh} 表的映射{replaced_note(TABLES[table].zh, before)}", icon=":material/save:")
        except (WorkspaceError, ValueError) as exc:
            st.error(f"未能保存：{exc}")


# ---------------------------------------------------------------- validate, report, import


def _prepared(c: Ctx, u: Unpacked, tables, mappings, modes, author) -> Prepared:
    key = json.dumps([tables, {t: m.to_json() for t, m in mappings.items()}, modes, c.version], sort_keys=True, ensure_ascii=False)
    sig = hashlib.sha1(key.encode()).hexdigest()
    s = _state()
    if s.get("prep_sig") != sig:
        with st.spinner("正在校验整个数据集（上传的表与保留的表一起）…"):
            s["prepared"] = prepare_upload(c.settings, u, tables, mappings, modes, store_meta=c.meta, store_version=c.version or None, author=author)
        s["prep_sig"] = sig
    return s["prepared"]


def report(p: Prepared) -> None:
    """The validation report: errors (nothing written) or what 导入 will change."""
    res = p.result
    if not p.ok:
        st.error(f"有 {len(res.errors)} 个错误、{len(res.warnings)} 个警告：不能导入，数据库没有任何改动。按下表逐行修正后重新上传。", icon=":material/error:")
        show_issues(res.issues, key="up_err_export", title="上传校验问题")
        return
    before, after = p.meta.get("counts_before") or {}, {n: df.height for n, df in (p.tables or {}).items()}
    rows = [{"table": f"{TABLES[n].zh}（{n}）", "before": before.get(n), "after": after.get(n)} for n in TABLES if before.get(n) or after.get(n)]
    st.success(f"校验通过（{len(res.warnings)} 个警告）。确认无误后点 “导入”：整体替换数据库，失败时保留原数据。", icon=":material/check_circle:")
    st.dataframe(pl.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={"table": "表", "before": st.column_config.NumberColumn("现有行数", format="localized"),
                                "after": st.column_config.NumberColumn("导入后行数", format="localized")})  # fmt: skip
    finish_lines(p.meta)
    if res.warnings:
        with st.expander(f"警告 {len(res.warnings)} 个"):
            show_issues(res.warnings, key="up_warn_export", title="上传校验警告")


def finish_lines(meta: dict) -> None:
    """What auto-linking and the link reviews did (the ingest report)."""
    link, rev = meta.get("linking") or {}, meta.get("reviews") or {}
    if link.get("considered"):
        st.markdown(f"- **自动挂接**：{link['considered']} 家没有环节的企业有国标行业/主营产品/经营范围，{link.get('linked', 0)} 家挂上 "
                    f"{link.get('links', 0)} 条待核实挂接（在 “挂接审核” 页确认）。")  # fmt: skip
    bare = unlinked_note(link)
    if bare:
        st.markdown(f"- **未挂到环节**：{bare}")
    if rev.get("applied") or rev.get("not_applied"):
        st.markdown(f"- **人工审核**：应用 {rev['applied']} 条（确认 {rev['accept']}、否决 {rev['reject']}、改挂 {rev['move']}）"
                    + (f"；{rev['not_applied']} 条未能应用（企业或环节已不在数据中）" if rev.get("not_applied") else "") + "。")  # fmt: skip


STALE_REAPPLY = "读取本页之后，另一位编辑导入了新数据：本次未写入，图谱保持为那份最新数据（导入时已应用当时的全部审核结论）。如仍有未应用的结论，本页会再次提示。"
STALE_RESTORE = "读取本页之后，另一位编辑导入了新数据：未恢复，当前数据保持不变。请看过最新的数据版本后再决定是否恢复。"


def run_import(p: Prepared, author: str | None, what: str, stale: str | None = None) -> bool:
    """导入: the write, with the outcome kept for the next run (the page reruns on the new data).

    ``stale``: what to say when another editor imported after ``p`` was validated (nothing written).
    """
    try:
        with st.spinner("正在写入（原子替换，同一时间只有一个写入）…"):
            done = commit(p, author=author)
    except StaleUpload as exc:
        st.warning(stale or str(exc), icon=":material/sync_problem:")
        _state().pop("prep_sig", None)
        return False
    except StoreError as exc:
        st.error(f"导入失败：{exc}", icon=":material/error:")
        return False
    st.session_state[DONE] = {"what": what, "nodes": done.nodes, "rels": done.relationships, "version": done.version, "snapshot": done.snapshot,
                              "snapshot_error": done.snapshot_error, "meta": {k: p.meta.get(k) for k in ("linking", "reviews")}}  # fmt: skip
    return True


def done_message() -> None:
    d = st.session_state.pop(DONE, None)
    if not d:
        return
    st.success(f"已导入（{d['what']}）：{d['nodes']:,} 个节点、{d['rels']:,} 条关系；数据版本 {d['version'] or '—'}"
               + (f"，快照 #{d['snapshot']}" if d.get("snapshot") else "") + "。所有打开的页面在下次操作时显示新数据。", icon=":material/task_alt:")  # fmt: skip
    if d.get("snapshot_error"):
        st.warning(f"快照未能记录：{d['snapshot_error']}（可运行 `indmap history --record` 补记）。")
    finish_lines(d.get("meta") or {})


# Streamlit's file uploader speaks English ("Upload", "200MB per file • XLSX, CSV, ZIP") and has no option for
# another language: its words are hidden and drawn again in Chinese (the limit that counts is in the caption above).
UPLOADER_ZH_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] span { visibility: hidden; font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after { visibility: visible; font-size: 0.875rem;
  content: "拖放文件到这里，或点“选择文件”（.xlsx / .csv / .zip）"; }
[data-testid="stFileUploaderDropzone"] button p { visibility: hidden; font-size: 0; }
[data-testid="stFileUploaderDropzone"] button p::after { visibility: visible; font-size: 0.875rem; content: "选择文件"; }
</style>"""


def upload_section(c: Ctx, author: str | None) -> None:
    """上传数据 (the caller checked the edit right)."""
    st.subheader("上传数据")
    st.caption(f"一个 .xlsx 工作簿、若干 .csv 文件，或它们的 .zip 压缩包（共不超过 {c.settings.upload_max_mb} MB）。可以是完整数据集，也可以只有几张表"
               "（其余保留现有数据）。表头不是本系统的写法时（如企业信息查询平台导出的名单），在下面对应列。先整体校验，点“导入”才写入。")  # fmt: skip
    st.html(UPLOADER_ZH_CSS)
    # .xls too: taken in to be refused with the Chinese fix (另存为 .xlsx), not by the uploader's English filter
    files = st.file_uploader("选择文件", type=["xlsx", "csv", "zip", "xls"], accept_multiple_files=True, key="up_files",
                             max_upload_size=max(c.settings.upload_max_mb * 3, 300))  # fmt: skip
    if not files:
        _reset()
        return
    u = _unpacked(files, c)
    if not u.ok:
        st.error("上传的文件未能读取，数据库没有任何改动：", icon=":material/error:")
        show_issues(u.issues, key="up_unpack_export", title="上传文件问题")
        return
    tables, modes = _assign(u, _current_tables(c))
    if not any(tables.values()):
        st.info("为上面的文件选择对应的表（“这是哪张表”），再校验。", icon=":material/table_view:")
        return
    mappings: dict[str, TableMapping] = {}
    for part in u.parts:
        t = tables.get(part.label)
        if t and _needs_mapping(part.headers, t):
            with st.expander(f"列映射：{part.label} → {TABLES[t].zh}", expanded=True):
                tm = mapping_editor(c, part.label, part.headers, t, author)
                if tm is not None:
                    mappings[t] = tm
    p = _prepared(c, u, tables, mappings, modes, author)
    report(p)
    if p.ok and st.button("导入", type="primary", icon=":material/upload:", key="up_import"):
        if run_import(p, author, p.dataset):
            _reset()
            st.rerun()


def versions_section(c: Ctx, author: str | None, can_edit: bool) -> None:
    """数据版本: every kept dataset; an editor restores one (validated again, then written like an upload)."""
    versions = V.list_versions(c.settings)
    st.subheader("数据版本")
    if not versions:
        st.caption(f"还没有保存的数据版本（{c.settings.datasets_path}）：每次成功导入后保存一份，用于合并上传和恢复。")
        return
    current = c.meta.get("dataset_version")
    rows = [{"id": v.id, "label": v.label + ("（当前）" if v.id == current else ""), "tables": "、".join(f"{TABLES[n].zh} {r:,}" for n, r in (v.info.get("tables") or {}).items() if n in TABLES and isinstance(r, int))} for v in versions]
    st.dataframe(pl.DataFrame(rows), hide_index=True, width="stretch", column_config={"id": "版本", "label": "时间 · 方式 · 来源（操作人）", "tables": "各表行数"})
    if not can_edit:
        return
    older = [v for v in versions if v.id != current]
    if not older:
        return
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    pick = a.selectbox("恢复到以前的版本", [v.id for v in older], format_func=lambda i: next(v.label for v in older if v.id == i), key="up_restore_pick")
    if b.button("恢复此版本", key="up_restore", icon=":material/restore:"):
        p = restore_prepared(c, pick)
        if not p.ok:
            st.error("这个版本按现在的规则校验不通过，未恢复：")
            show_issues(p.result.issues, key="up_restore_export", title="恢复校验问题")
        elif run_import(p, author, f"恢复版本 {pick}", STALE_RESTORE):
            st.rerun()


def _based_on(c: Ctx, p: Prepared) -> Prepared:
    """``p`` is written only over the store this page read: another editor's import since is not replaced (StaleUpload)."""
    p.store_version = c.version or None
    return p


def restore_prepared(c: Ctx, version_id: str) -> Prepared:
    """A kept version validated for 恢复此版本, written only over the data the page read (:func:`_based_on`)."""
    return _based_on(c, prepare_version(c.settings, V.get_version(c.settings, version_id)))


def reapply(c: Ctx, author: str | None) -> Prepared | None:
    """The current dataset validated again (reviews and auto-links as they are now): its version, else its path.

    Written only over the data the page read: an import by another editor meanwhile is kept (:func:`_based_on`).
    """
    v = V.get_version(c.settings, c.meta.get("dataset_version"))
    if v is not None:
        return _based_on(c, prepare_version(c.settings, v))
    ds = Path(str(c.meta.get("dataset") or ""))
    if str(ds) and ds.exists():
        return _based_on(c, prepare_path(c.settings, ds))
    return None
