"""数据: upload (editors), the last ingest report (errors, warnings), kept dataset versions and restore,
dataset provenance and sources, store counts, settings in force."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import streamlit as st

from graph.i18n import NODE_LABEL_ZH, NOT_APPLICABLE, REL_TYPE_ZH, SEVERITY_ZH
from ingest.safety import file_kind
from ingest.versions import SOURCE_ZH
from graph.schema import TABLES
from webapp.auth import current
from webapp.context import ctx, empty_store_message, show_error, ingest_command
from webapp.leads import current_author
from webapp.upload import done_message, finish_lines, upload_section, versions_section
from webapp.export import export_buttons
from webapp.markdown import md
from webapp.safe_markdown import MAX_CHARS, offline_markdown
from webapp.sidebar import show_params, when_zh

c = ctx()
acc = current()
st.title("数据")
st.caption("上传数据（编辑）、最近一次导入的校验报告、数据版本、数据来源、数据库规模与当前生效的设置。")
show_error(c)
done_message()
if acc.can("edit"):
    upload_section(c, current_author())


def dataset_doc(ds: Path, name: str) -> str | None:
    """A document beside the dataset, if it is a regular file (a link is not followed), its start only."""
    f = ds / name if ds.is_dir() else None
    if f is None or file_kind(f) or not f.is_file():
        return None
    try:
        with open(f, "rb") as fh:
            return fh.read(4 * MAX_CHARS).decode("utf-8", errors="replace")
    except OSError:
        return None


def _side_report(location: str) -> dict | None:
    """The report the CLI keeps beside an embedded store (also for a failed ingest that wrote nothing)."""
    if "://" in location:
        return None
    p = Path(location)
    side = p.with_name(p.name + ".last-ingest.json")
    try:
        return json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _issues_frame(report: dict | list | None) -> pl.DataFrame:
    """The ingest issues for people: Chinese headers, "—" where a row, column or value does not apply."""
    items = report.get("issues", []) if isinstance(report, dict) else (report or [])
    na = NOT_APPLICABLE
    rows = [
        {
            "级别": SEVERITY_ZH.get(i.get("severity") or "", SEVERITY_ZH["warning"]),
            "文件": i.get("file") or na,
            "行": na if i.get("row") is None else str(i.get("row")),
            "列": (f"{i.get('column')}（{i['column_zh']}）" if i.get("column_zh") else i.get("column")) or na,
            "值": na if i.get("value") in (None, "") else str(i.get("value")),
            "问题": i.get("message") or na,
            "改法": i.get("fix") or na,
        }
        for i in items
        if isinstance(i, dict)
    ]
    return pl.DataFrame(rows, schema={k: pl.Utf8 for k in ("级别", "文件", "行", "列", "值", "问题", "改法")})


issue_cols = {"问题": st.column_config.TextColumn("问题", width="large"), "改法": st.column_config.TextColumn("改法", width="large")}

# ---------------------------------------------------------------- last attempt (may have failed)
side = _side_report(c.location)
if side and not side.get("ok", True) and side.get("failure"):
    st.error(
        f"最近一次导入（{side.get('at', '')}，{side.get('dataset', '')}）数据校验通过，但写入失败：{side['failure']}",
        icon=":material/error:",
    )
elif side and not side.get("ok", True):
    st.error(
        f"最近一次导入（{side.get('at', '')}，{side.get('dataset', '')}）有 {side.get('errors', 0)} 个错误，没有写入；"
        "数据库仍是上一次成功导入的数据。按下表逐行修正后重新导入。",
        icon=":material/error:",
    )
if side and not side.get("ok", True) and side.get("errors"):
    st.dataframe(_issues_frame(side), hide_index=True, width="stretch", column_config=issue_cols)
    export_buttons(_issues_frame(side), "导入问题清单", key="data_side_export")

if c.empty:
    empty_store_message(c)
    st.stop()

meta = dict(c.meta)
report = meta.pop("issues", None)

# ---------------------------------------------------------------- ingest report
st.subheader("导入报告")
n_err = report.get("errors", 0) if isinstance(report, dict) else 0
n_warn = report.get("warnings", 0) if isinstance(report, dict) else 0
m = st.columns(4)
written = str(meta.get("written_at") or "")
m[0].metric("导入时间", when_zh(written)[5:] if written else "—", help=when_zh(written) if written else None)
m[1].metric("错误", n_err)
m[2].metric("警告", n_warn)
m[3].metric("校验用时", f"{meta['validate_seconds']:.1f} s" if isinstance(meta.get("validate_seconds"), (int, float)) else "—")
issues = _issues_frame(report)
if report is None:
    st.info("数据库里没有导入报告（可能由旧版本或其他工具写入）。")
elif issues.height:
    st.dataframe(issues, hide_index=True, width="stretch", column_config=issue_cols)
    export_buttons(issues, "导入警告清单", key="data_issue_export")
else:
    st.success("导入时没有错误或警告。")
finish_lines(meta)
if meta.get("author") or meta.get("source"):
    how = SOURCE_ZH.get(str(meta.get("source")), "导入")
    st.caption(f"{how}{('，操作人 ' + str(meta['author'])) if meta.get('author') else ''}{('；上传的文件：' + str(meta['uploaded_files'])) if meta.get('uploaded_files') else ''}")
versions_section(c, current_author(), acc.can("edit"))

# ---------------------------------------------------------------- provenance
st.subheader("数据来源")
p1, p2 = st.columns([3, 2])
with p1:
    fmt_zh = {"csv": "CSV 文件夹", "xlsx": "Excel 工作簿"}
    st.markdown(f"**数据集**：`{meta.get('dataset', '—')}`（格式：{fmt_zh.get(str(meta.get('format') or ''), meta.get('format') or '—')}）")
    files = meta.get("files") or {}
    if files:
        st.dataframe(
            pl.DataFrame(
                [{"表": TABLES[k].zh if k in TABLES else k, "行数": v.get("rows"), "文件/工作表": v.get("file") or v.get("sheet") or "—", "编码": str(v.get("encoding") or "—").upper()} for k, v in files.items()],
                schema={"表": pl.Utf8, "行数": pl.Int64, "文件/工作表": pl.Utf8, "编码": pl.Utf8},
            ),
            hide_index=True,
            width="stretch",
            column_config={"行数": st.column_config.NumberColumn("行数", format="%d")},
        )
    info = meta.get("dataset_info") if isinstance(meta.get("dataset_info"), dict) else {}
    if info:
        # dataset.json beside the dataset: name, description, sources
        if info.get("name"):
            st.markdown(f"**名称**：{md(info['name'])}")
        if info.get("description"):
            st.markdown(md(info["description"]))
        srcs = info.get("sources")
        if isinstance(srcs, list) and srcs:
            st.markdown("**来源**")
            if all(isinstance(x, dict) for x in srcs):
                source_zh = {"name": "名称", "used_for": "用途", "url": "网址", "licence": "许可", "license": "许可", "file": "文件", "note": "说明"}
                st.dataframe(
                    pl.DataFrame([{source_zh.get(k, k): ("、".join(map(str, v)) if isinstance(v, list) else ("—" if v in (None, "") else str(v))) for k, v in x.items()} for x in srcs]),
                    hide_index=True, width="stretch",
                )  # fmt: skip
            else:
                for x in srcs:
                    st.markdown(f"- {md(x)}")
    for key, zh in (("sources", "来源"), ("source", "来源"), ("provenance", "出处"), ("license", "许可"), ("readme", "说明")):
        if key == "source" and str(meta.get(key)) in SOURCE_ZH:
            continue  # how the data came in (ingest/upload/restore): said in Chinese under the report above
        if meta.get(key):
            st.markdown(f"**{zh}**")
            val = meta[key]
            if isinstance(val, (list, dict)):
                st.json(val, expanded=False)
            else:
                st.markdown(str(val))
    ds = Path(str(meta.get("dataset") or ""))
    for doc in ("SOURCES.md", "README.md"):
        text = dataset_doc(ds, doc)
        if text is not None:
            with st.expander(f"数据集说明：{doc}"):
                st.markdown(offline_markdown(text))  # images as text, links as code: nothing fetched
    if c.demo:
        st.warning("示例数据（虚构城市）：本地企业、园区与项目为虚构；外地候选企业来自公开的 A 股上市公司资料，来源见数据集中的 SOURCES.md。")
with p2:
    st.markdown("**数据库规模**")
    try:
        stats = c.store.stats() if c.store is not None else {}
    except Exception as exc:  # noqa: BLE001
        stats = {}
        st.caption(f"无法统计：{exc}")
    if stats:
        st.dataframe(
            pl.DataFrame(
                [{"kind": "节点", "name": NODE_LABEL_ZH.get(k, k), "count": v} for k, v in stats.get("nodes", {}).items()]
                + [{"kind": "关系", "name": REL_TYPE_ZH.get(k, k), "count": v} for k, v in stats.get("relationships", {}).items()]
            ),
            hide_index=True,
            width="stretch",
            height=360,
            column_config={"kind": "类", "name": "节点/关系", "count": st.column_config.NumberColumn("数量", format="localized")},
        )
with st.expander("完整的导入元数据（JSON）"):
    st.json(meta, expanded=False)

# ---------------------------------------------------------------- settings
st.subheader("当前设置")
s = c.settings
kind = "Neo4j" if s.is_neo4j else "内置 LadybugDB"  # the path or URI for an admin only (not the server's paths to every account)
st.markdown(
    f"- 数据库：{f'`{s.store}`（{kind}）' if acc.can('admin') else kind}\n"
    f"- 查询超时 {s.query_timeout_s:g} 秒，行数上限 {s.query_row_cap}\n"
    "- 设置来源（优先级从低到高）：默认值 → 设置文件 `indmap.toml` → 环境变量 → 侧栏修改（名称见 README.md 的配置表）"
)
show_params(c.analysis, label="分析参数")
if acc.can("admin"):  # the command names the server's paths
    st.markdown("**更新数据**：编辑账号在本页上方上传；或在服务器上修改数据集后重新导入（原子替换，失败时保留原数据）：")
    last_dataset = meta.get("dataset")
    st.code(ingest_command(c.location, last_dataset if last_dataset and Path(str(last_dataset)).exists() else None), language="bash")
    st.caption("自己的数据：把命令中的数据集路径换成 CSV 文件夹或 XLSX 工作簿的路径。")
else:
    st.markdown("**更新数据**：编辑账号在本页上方上传；或请管理员在服务器上重新导入（原子替换，失败时保留原数据）。")
