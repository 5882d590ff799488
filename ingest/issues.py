"""Row-level issues found while reading and validating a dataset.

Every user-facing text of the ingest is built here, from one table of message
templates (:data:`TEMPLATES`), so wording stays consistent: each message is in
Chinese, names the English column (``stage/环节位置``) and comes with a fix.

>>> i = issue("bad_enum", file="segments.csv", row=5, column="stage", column_zh="环节位置",
...           value="中间", allowed="upstream/上游、midstream/中游、downstream/下游")
>>> i.message
'第5行 “stage/环节位置” 的值 “中间” 不是允许的取值'
>>> i.fix
'可填 upstream/上游、midstream/中游、downstream/下游'
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["error", "warning"]

#: Issues kept per (file, column, code); the rest are summarised in one issue.
ISSUE_CAP = 200

# code -> (severity, message template, fix template).
# Placeholders: {where} (第N行 or 表头/文件), {col} ("id/编号"), {value}, plus per-code extras.
TEMPLATES: dict[str, tuple[Severity, str, str]] = {
    "missing_dataset": ("error", "找不到数据集 “{value}”", "给出一个包含 CSV 文件的文件夹，或一个 .xlsx 工作簿的路径"),
    "missing_file": (
        "error",
        "缺少必需的文件 {file}（{table_zh}）",
        "添加 {file}，或在工作簿中添加名为 “{table}” 或 “{table_zh}” 的工作表；可用 `indmap template DIR` 生成模板",
    ),
    "missing_sheet": (  # code missing_file, for workbooks
        "error",
        "工作簿中缺少必需的工作表 {table}（{table_zh}）",
        "添加名为 “{table}” 或 “{table_zh}” 的工作表；可用 `indmap template DIR --xlsx` 生成模板",
    ),
    "bad_encoding": (
        "error",
        "文件不是可识别的文本编码（已尝试 {tried}）",
        "在 Excel 中“另存为” CSV UTF-8（逗号分隔）(*.csv)，或保存为 GBK/GB18030 编码",
    ),
    "bad_csv": ("error", "无法按 CSV 解析此文件：{detail}", "确认文件是逗号分隔的 CSV，第一行为表头，引号成对出现"),
    "bad_xlsx": ("error", "无法作为 XLSX 工作簿打开：{detail}", "用 Excel 或 WPS 打开后另存为 .xlsx 工作簿，或改用 CSV 文件夹"),
    "refused_file": ("error", "文件 {file} 是{kind}，已拒绝读取", "数据集文件夹中只放普通文件：把真实的 CSV 文件复制到文件夹中，不要用链接"),
    "file_too_large": ("error", "文件 {file} 有 {size_mb} MB，超过上限 {limit_mb} MB，未读取", "拆分文件，或调整设置 max_file_mb"),
    "too_many_columns": ("error", "表头有 {n} 列，超过上限 {limit} 列，未读取", "删除多余的列（每张表只需模板中的列），或调整设置 max_columns"),
    "cell_too_long": (
        "error",
        "{where} “{col}” 的值有 {n} 个字符，超过上限 {limit}",
        "缩短这个单元格（开头是 “{value}”），或调整设置 max_cell_chars",
    ),
    "mixed_encoding": (
        "error",
        "{where}不是 UTF-8 编码，而文件其余各行是 UTF-8（按 GBK 读会变成乱码）",
        "用同一种编码保存整个文件：在 Excel 中“另存为” CSV UTF-8，或重新输入这一行",
    ),
    "utf8_row_in_gbk": (
        "warning",
        "{where}看起来是 UTF-8 编码，而文件其余各行是 GBK/GB18030，这一行可能已成乱码",
        "用同一种编码保存整个文件（推荐 CSV UTF-8），检查这一行的文字",
    ),
    "xlsx_too_large": ("error", "工作簿解压后有 {size_mb} MB，超过上限 {limit_mb} MB，未读取", "拆分工作簿或改用 CSV 文件夹，或调整设置 xlsx_max_unzipped_mb"),
    "xlsx_bomb": (
        "error",
        "工作簿中的 {member} 压缩比为 {ratio}:1，超过上限 {limit}:1（疑似压缩炸弹），未读取",
        "用 Excel 或 WPS 打开后另存为 .xlsx；如确为正常文件，调整设置 xlsx_max_ratio",
    ),
    "xlsx_too_big_sheet": (
        "error",
        "工作簿中的 {member} 的单元格范围达到第 {cols} 列、第 {rows} 行，超过上限 {max_cols} 列、{max_rows} 行，未读取",
        "删除远处的空白格式或多余的单元格（选中多余的行列后“删除”），或调整设置 max_columns / xlsx_max_rows",
    ),
    "hidden_sheet": ("warning", "工作表 “{value}” 是隐藏的，仍按数据表导入", "确认隐藏工作表中的数据确实要导入；不需要的请删除该工作表"),
    "unknown_file": ("warning", "文件 {file} 不是数据集中的表，已忽略", "把文件改名为以下之一：{allowed}"),
    "unknown_sheet": ("warning", "工作表 “{value}” 不是数据集中的表，已忽略", "把工作表改名为以下之一：{allowed}"),
    "duplicate_table": ("error", "表 {table} 出现了两次：{value}", "只保留一个文件或工作表"),
    "missing_column": ("error", "缺少必需的列 “{col}”", "在表头添加一列 “{col_zh}”（或英文 “{column}”）"),
    "duplicate_column": ("error", "表头中 “{col}” 出现了不止一次（{value}）", "删除重复的列，只保留一列"),
    "unknown_column": ("warning", "表头中的列 “{value}” 不是此表的列，已忽略", "如需导入，请改为以下列名之一：{allowed}"),
    "missing_mapped_column": (  # code missing_column, when a column mapping was used
        "error",
        "按列映射读取后仍缺少必需的列 “{col}”",
        "在列映射中把文件里的某一列映射为 “{col_zh}”（{column}），或为它设置统一取值；也可以在文件中添加这一列",
    ),
    "no_header": (
        "error",
        "{where}不像表头：没有一个列名能对应到 {table}（{table_zh}）的列（第一个是 “{value}”）",
        "确认第一行是列名、数据从第二行开始；列名可以是中文或英文（见模板），其他写法请在列映射中逐列指定",
    ),
    "region_ambiguous": (
        "error",
        "{where} 地区 “{value}” 对应多个行政区划：{candidates}",
        "同时填写所属城市（或省份），或直接填写 6 位行政区划代码",
    ),
    "region_name_unknown": (
        "error",
        "{where} 地区 “{value}” 不是内置的全国行政区划名称",
        "检查地名是否有错别字或已撤并；也可以直接填写 6 位行政区划代码（如 320106）",
    ),
    "upload_too_large": ("error", "上传的文件共 {size_mb} MB，超过上限 {limit_mb} MB，未读取", "拆分后分几次上传（只传有变化的表），或请管理员调整设置 upload_max_mb"),
    "upload_bad_type": ("error", "文件 {file} 不是 CSV、XLSX 或 ZIP 文件，未读取", "{fix}"),
    "zip_unsafe_path": (
        "error",
        "压缩包中的 “{value}” 指向压缩包之外（含 ../ 或绝对路径），整个压缩包未读取",
        "重新打包：只放数据文件（可在一个文件夹中），不要包含上级路径",
    ),
    "zip_link": ("error", "压缩包中的 “{value}” 是符号链接，整个压缩包未读取", "重新打包，只放普通的 CSV/XLSX 文件"),
    "zip_bomb": (
        "error",
        "压缩包 {file} 解压后有 {size_mb} MB（或某个文件压缩比超过 {ratio}:1），超过上限，未读取",
        "检查压缩包是否正确；数据确实很大时拆分后分几次上传，或调整设置 upload_max_mb",
    ),
    "zip_too_many": ("error", "压缩包 {file} 中有 {n} 个文件，超过上限 {limit} 个，未读取", "只打包数据集的 CSV 文件（每张表一个）"),
    "zip_bad": ("error", "无法作为 ZIP 压缩包打开：{detail}", "用系统自带的“压缩”功能重新打包为 .zip"),
    "zip_skipped": ("warning", "压缩包中的 “{value}” 不是数据文件，已忽略", "压缩包中只需放 CSV 或 XLSX 文件"),
    "upload_duplicate_name": ("error", "上传的文件中有两个都叫 “{value}”", "只保留一个，或改名后再上传"),
    "upload_unassigned": ("warning", "{file} 没有对应到任何表，已忽略", "在 “这是哪张表” 中选择它对应的表"),
    "upload_same_table": ("error", "{value} 都对应到了表 {table}（{table_zh}）", "每张表只上传一个文件：合并这些文件，或改选对应的表"),
    "empty_required": ("error", "{where} “{col}” 不能为空", "填写 “{col_zh}”"),
    "empty_id_from": ("error", "{where} “{col}” 为空，而编号取自这一列", "填写 “{col_zh}”，或在列映射的 “编号取自” 中改选别的列（如 企业名称）"),
    "duplicate_id": (
        "error",
        "{where} “{col}” 的值 “{value}” 与第{first}行重复",
        "“{col}” 在 {file} 中不能重复：删除或合并第{first}行与{where}",
    ),
    "duplicate_credit_code": (
        "warning",
        "{where} “{col}” 的值 “{value}” 与{first}（编号 “{first_id}”）相同：同一家企业有两个编号（“{first_id}” 和 “{own_id}”），会被算两次",
        "同一家企业只保留一行（统一用编号 “{first_id}”），或核对信用代码是否填错",
    ),
    "unknown_reference": (
        "error",
        "{where} “{col}” 的值 “{value}” 在 {ref_file} 的 {ref_column} 列中不存在",
        "在 {ref_file} 中添加 {ref_column} 为 “{value}” 的行，或改为已有的 {ref_column}{hint}",
    ),
    "unknown_region": (  # code unknown_reference, for references to regions
        "error",
        "{where} “{col}” 的值 “{value}” 不是内置的全国行政区划代码，也不在 regions.csv 中",
        "填写 6 位国家统计用区划代码（如 370102；2 位、4 位代码会自动补 0），或在 regions.csv 中添加这个代码",
    ),
    "bad_enum": ("error", "{where} “{col}” 的值 “{value}” 不是允许的取值", "可填 {allowed}"),
    "bad_bool": ("error", "{where} “{col}” 的值 “{value}” 不是是/否值", "可填 是/否、true/false、1/0、Y/N"),
    "bad_number": ("error", "{where} “{col}” 的值 “{value}” 不是有效的数字", "{expect}"),
    "negative_number": ("error", "{where} “{col}” 的值 “{value}” 不能为负数", "填写 0 或正数{unit}"),
    "out_of_range": ("error", "{where} “{col}” 的值 “{value}” 超出范围 {low}–{high}", "填写 {low} 到 {high} 之间的数"),
    "bad_share": (
        "error",
        "{where} “{col}” 的值 “{value}” 不是 0–1 之间的比例{detail}",
        "填写 0 到 1 之间的小数（如 0.35），或带百分号的百分比（如 35%）",
    ),
    "bad_credit_code": ("error", "{where} “{col}” 的值 “{value}” 不是有效的统一社会信用代码：{detail}", "{expect}"),
    "bad_date": (
        "error",
        "{where} “{col}” 的值 “{value}” 不是有效的日期",
        "按 2024-05-01、2024/05/01、2024年5月1日 或 20240501 填写",
    ),
    "id_normalised": (
        "warning",
        "{where} “{col}” 的值 “{value}” 含全角或不可见字符，已按 “{normalised}” 处理",
        "在源数据中统一写法（半角字母数字，去掉零宽字符），以免看起来相同的编号被当成不同的编号",
    ),
    "date_out_of_range": (
        "error",
        "{where} “{col}” 的值 “{value}” 不在允许的年份范围 {low}–{high} 内",
        "检查年份是否填错（如 0000、2210）；确需更早或更晚的日期时调整设置 date_min_year / date_max_year",
    ),
    "bad_period": (
        "error",
        "{where} “{col}” 的值 “{value}” 不是有效的期间",
        "按 2024（全年）、2024-H1/2024-H2（半年）、2024-Q1…2024-Q4（季度）或 2024-05（月）填写",
    ),
    "stage_dates_order": (
        "error",
        "{where} “{col}”（{value}）早于 “{other_col}”（{other_value}），阶段日期顺序不对",
        "阶段日期应满足 {order}：检查这两个日期",
    ),
    "self_link": ("error", "{where} 环节 “{value}” 与自身相连（from_id 与 to_id 相同）", "删除这一行，或把 to_id 改为另一个环节"),
    "parent_cycle": ("error", "{where} “{col}” 形成循环：{cycle}", "断开循环：把其中一个环节的 parent_id 清空或改为其他环节"),
    "parent_other_chain": (
        "error",
        "{where} “{col}” 的值 “{value}” 属于产业链 “{other_value}”，而本环节属于产业链 “{own_value}”",
        "上级环节必须在同一条产业链中：改为同链的环节，或清空 parent_id",
    ),
    "supplies_cycle": (
        "warning",
        "{where}环节供应关系中存在循环：{cycle}",
        "如为回收、再利用等真实循环可保留；否则删除 segment_links.csv 中其中一行",
    ),
    "internal_error": ("error", "读取数据集时出现意外错误：{detail}", "请把这条消息和数据文件反馈给维护者"),
    "more_issues": ("error", "…以及另外{count}行同类问题（{what}），未逐行列出", "按上面列出的同类问题逐行修正"),
}

# Fragments that fill the templates' {detail}/{expect}/... fields; kept here with the templates.
PHRASES: dict[str, str] = {
    "unit": "（单位：{unit}）",
    "expect_int": "填写整数（如 120），不带单位、小数或文字",
    "expect_percent_float": "填写小数（如 0.12）或带百分号的百分比（如 12%），可为负数",
    "expect_share": "填写 0 到 1 之间的小数（如 0.35），或带百分号的百分比（如 35%）",
    "expect_float": "填写数字{unit}，可带千分位逗号，如 1,234.5；不要带单位、百分号或文字",
    "thousands": "千分位逗号只能按标准写法每三位一个（如 1,234,567.8），小数点用 “.”：1,5 应写作 1.5，1.234,5 应写作 1234.5",
    "share_percent": "（百分比超过 100% 或为负数）",
    "share_negative": "（不能为负数）",
    "share_over_one": "（大于 1：如果是百分比，请带 % 号，如 35%）",
    "uscc_fix": "统一社会信用代码共 18 位：前 8 位为数字，其余为数字或大写字母（不含 I、O、S、V、Z），最后一位是校验位；请对照营业执照核对，或留空",
    "uscc_length": "长度为 {n} 位，应为 18 位",
    "uscc_checksum": "校验位错误（最后一位应为 “{want}”，实为 “{got}”）",
    "uscc_head": "前 8 位应为数字，含有 “{char}”",
    "uscc_char": "含有不允许的字符 “{char}”",
    "uscc_other": "字符不符合规则",
    "encodings_tried": "UTF-8、UTF-8 带 BOM、GBK/GB18030",
    "blank_header": "（空表头）",
    "sheet_ref": "工作表 {name}",
    "not_comma": "表头只有一列且含有制表符或分号，文件不是逗号分隔的",
    "kind_symlink": "符号链接",
    "kind_special": "特殊文件（管道、设备或套接字）",
    "too_wide_row": "有一行有 {n} 个单元格，超过上限 {limit} 列",
    "single_csv": "这是单个 CSV 文件，数据集应是放着各 CSV 文件的文件夹",
}


def phrase(key: str, **fields: object) -> str:
    """A message fragment from :data:`PHRASES`."""
    return PHRASES[key].format(**fields)


_SEVERITY_ZH = {"error": "错误", "warning": "警告"}


class Issue(BaseModel):
    """One problem of a dataset, located as a spreadsheet user would look for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    severity: Severity
    code: str
    file: str
    row: int | None = None
    column: str | None = None
    column_zh: str | None = None
    value: str | None = None
    message: str
    fix: str

    def __str__(self) -> str:
        loc = self.file
        if self.row is not None:
            loc += f" 第{self.row}行"
        if self.column:
            loc += f" {self.column}/{self.column_zh}" if self.column_zh else f" {self.column}"
        if self.value is not None:
            loc += f" =“{_clip(self.value)}”"
        return f"[{_SEVERITY_ZH[self.severity]} {self.code}] {loc}：{self.message}。改法：{self.fix}"


def _clip(value: str, n: int = 60) -> str:
    """A value as shown inside a one-line message: line breaks visible, long values cut."""
    value = value.replace("\r\n", "↵").replace("\n", "↵").replace("\r", "↵")
    return value if len(value) <= n else value[: n - 1] + "…"


def col_label(column: str | None, column_zh: str | None) -> str:
    if not column:
        return ""
    return f"{column}/{column_zh}" if column_zh else column


def issue(
    code: str,
    *,
    file: str,
    row: int | None = None,
    column: str | None = None,
    column_zh: str | None = None,
    value: str | None = None,
    severity: Severity | None = None,
    template: str | None = None,
    **extra: object,
) -> Issue:
    """Build an :class:`Issue` of ``code`` from :data:`TEMPLATES` (``template`` picks another wording)."""
    sev, msg, fix = TEMPLATES[template or code]
    where = f"第{row}行" if row is not None else ""
    fields = {
        "where": where,
        "col": col_label(column, column_zh),
        "col_zh": column_zh or column or "",
        "column": column or "",
        "value": _clip(value) if value is not None else "",
        "file": file,
        **{k: ("" if v is None else v) for k, v in extra.items()},
    }
    return Issue(
        severity=severity or sev,
        code=code,
        file=file,
        row=row,
        column=column,
        column_zh=column_zh,
        value=value,
        message=" ".join(msg.format(**fields).splitlines()).strip(),
        fix=" ".join(fix.format(**fields).splitlines()).strip(),
    )


class IssueList:
    """Collects issues, keeping at most :data:`ISSUE_CAP` per (file, column, code)."""

    def __init__(self, cap: int = ISSUE_CAP) -> None:
        self.cap = cap
        self.items: list[Issue] = []
        self._counts: dict[tuple, int] = defaultdict(int)
        self._first: dict[tuple, Issue] = {}
        #: tables whose file was found but could not be read (no "missing file" on top of its issue)
        self.unreadable_tables: set[str] = set()

    def add(self, item: Issue) -> None:
        key = (item.file, item.column, item.code)
        self._counts[key] += 1
        if self._counts[key] <= self.cap:
            self.items.append(item)
            self._first.setdefault(key, item)

    def room(self, file: str, column: str | None, code: str) -> int:
        """How many more issues of this kind will be kept (the rest are only counted)."""
        return max(self.cap - self._counts[(file, column, code)], 0)

    def count_more(self, file: str, column: str | None, code: str, n: int) -> None:
        """Record ``n`` further issues of a kind without building them."""
        self._counts[(file, column, code)] += n

    def finish(self) -> list[Issue]:
        """All issues, file by file (in the order files were met), then by row; summaries last."""
        order: dict[str, int] = {}
        for i in self.items:
            order.setdefault(i.file, len(order))
        out = sorted(self.items, key=lambda i: (order[i.file], i.row is None, i.row or 0))
        for key, n in self._counts.items():
            if n > self.cap:
                first = self._first[key]
                more = issue("more_issues", file=first.file, column=first.column, column_zh=first.column_zh,
                             count=n - self.cap, what=first.code)
                # the summary keeps the code and severity of what it summarises
                out.append(more.model_copy(update={"code": first.code, "severity": first.severity}))
        return out


def report_json(issues: list[Issue]) -> str:
    """The ``--report FILE`` payload: ``{"errors": n, "warnings": n, "issues": [...]}``."""
    errors = sum(1 for i in issues if i.severity == "error")
    payload = {
        "errors": errors,
        "warnings": len(issues) - errors,
        "issues": [i.model_dump() for i in issues],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1)


def unlinked_note(linking: dict) -> str | None:
    """The ingest's word on enterprises left on no segment with nothing to link them by (None when there are none).

    ``linking``: the auto-linking summary of an ingest (``unlinked``: enterprises without a segment,
    ``considered``: those of them with an industry code, products or a business scope).

    >>> unlinked_note({"unlinked": 3, "considered": 1})[:24]
    '2 家企业没有所属环节，也没有国标行业、主营产品'
    >>> unlinked_note({"unlinked": 1, "considered": 1}) is None
    True
    """
    bare = int(linking.get("unlinked") or 0) - int(linking.get("considered") or 0)  # no link, and nothing to link them by
    if bare <= 0:
        return None
    return (f"{bare} 家企业没有所属环节，也没有国标行业、主营产品或经营范围可供自动挂接，不计入任何产业链的分析："
            "在企业环节表（enterprise_segments.csv）中补上它们的环节，或补充主营产品后重新导入。")
