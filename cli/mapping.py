"""Column mapping of foreign headers: ``indmap map suggest|save|list|show|remove``.

``indmap map suggest FILE --table T --format json`` prints exactly ``{"<file header>": "<contract column or
null>"}``; ``--save NAME`` keeps the suggestion (with the suggested defaults) as table T's mapping in profile NAME in
the workspace (the profile's other tables are kept), which ``indmap ingest DATASET --mapping NAME`` applies. A profile can also be a JSON file (see the README).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from cli.common import add_format_arg, add_store_arg, dumps, emit, settings_from_args
from graph.schema import TABLES
from graph.workspace import WorkspaceError, open_workspace
from graph.workspace.mappings import delete_profile, get_profile, list_profiles, replaced_note, save_profile, save_table_mapping

DESCRIPTION = """\
列映射：把别人的表头（企业信息查询平台导出的名单、园区报表）对应到本系统的列。
建议的顺序：本系统的列名、中文名和别名 → 与本系统无关的列（电话、邮箱、法定代表人、注册资本……）忽略 →
地区名称列（所属城市、所属区县）对应 region_code，导入时按内置行政区划转为代码（重名如两个“鼓楼区”报错并列出候选）→
其余按字面相似度（rapidfuzz，≥ 75%）。

例：
  indmap map suggest 企业名单.xlsx --table enterprises --format json
  indmap map suggest 企业名单.csv --table enterprises --save 企查查导出
  indmap ingest 数据集文件夹 --mapping 企查查导出
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("map", help="column mapping of foreign headers: suggest, save, list, show, remove",
                       description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    m = p.add_subparsers(dest="map_command", metavar="ACTION", required=True)
    s = m.add_parser("suggest", help="suggest the contract column of every header of a file",
                     description="为文件的每个表头建议对应的列。--format json 输出 {\"表头\": \"列名或 null\"}。")
    s.add_argument("file", help="a CSV file or an .xlsx workbook")
    s.add_argument("--table", required=True, choices=list(TABLES), help="the dataset table the file holds, e.g. enterprises")
    s.add_argument("--sheet", metavar="NAME", help="the workbook's sheet (default: the first)")
    s.add_argument("--save", metavar="NAME", help="keep the suggestion as this table's mapping in profile NAME in the workspace, its other tables kept (for ingest --mapping NAME)")
    add_store_arg(s)
    add_format_arg(s, ("table", "json"))
    s.set_defaults(func=cmd_suggest)

    sv = m.add_parser("save", help="store a mapping profile from a JSON file", description="把 JSON 文件中的列映射方案保存到工作区（同名则替换）。")
    sv.add_argument("name")
    sv.add_argument("file", help="profile JSON: {\"tables\": {\"enterprises\": {\"columns\": {...}, \"defaults\": {...}, \"id_from\": ...}}}")
    add_store_arg(sv)
    sv.set_defaults(func=cmd_save)

    li = m.add_parser("list", help="mapping profiles in the workspace", description="工作区中的列映射方案。")
    add_store_arg(li)
    add_format_arg(li, ("table", "json"))
    li.set_defaults(func=cmd_list)

    sh = m.add_parser("show", help="print a profile as JSON", description="以 JSON 输出一个列映射方案（可修改后用 map save 保存）。")
    sh.add_argument("name")
    add_store_arg(sh)
    sh.set_defaults(func=cmd_show)

    rm = m.add_parser("remove", help="delete a profile", description="删除一个列映射方案。")
    rm.add_argument("name")
    add_store_arg(rm)
    rm.set_defaults(func=cmd_remove)


def _by() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return "命令行"


def cmd_suggest(args: argparse.Namespace) -> int:
    from ingest.colmap import suggest, suggest_extras
    from ingest.colmap import file_headers
    from ingest.safety import ReadLimits

    path = Path(args.file)
    if not path.is_file():
        print(f"找不到文件 “{path}”", file=sys.stderr)
        return 2
    try:
        headers = file_headers(path, args.sheet, ReadLimits.from_settings(settings_from_args(args)))
    except ValueError as exc:
        print(f"数据错误：{exc}", file=sys.stderr)
        return 1
    sug = suggest(headers, args.table)
    mapping = {h: s.column for h, s in sug.items()}
    if args.save:
        defaults, id_from = suggest_extras(mapping, args.table)
        body = {"files": [path.name], "columns": mapping, "defaults": defaults, "id_from": id_from}
        try:
            before = save_table_mapping(open_workspace(settings_from_args(args)), args.save, args.table, body, by=_by())
        except (WorkspaceError, ValueError) as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 3
        extra = "；".join([f"{c} 统一为 “{v}”" for c, v in defaults.items()] + ([f"编号取自 {id_from}"] if id_from else []))
        print(f"已保存列映射方案 “{args.save}” 中 {TABLES[args.table].zh} 表的映射{'（' + extra + '）' if extra else ''}{replaced_note(TABLES[args.table].zh, before)}；导入时用 --mapping {args.save}。", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(mapping, ensure_ascii=False, indent=2))
        return 0
    cols = {c.name: c for c in TABLES[args.table].columns}
    rows = [{"表头": h, "对应列": s.column or "—", "中文": cols[s.column].zh if s.column else "—", "依据": s.how_zh} for h, s in sug.items()]
    emit(rows, "table")
    missing = [f"{c.zh}（{c.name}）" for c in TABLES[args.table].columns if c.required and c.name not in mapping.values()]
    if missing:
        print(f"注意：没有列对应必需的 {'、'.join(missing)}；保存方案时可为它们设置统一取值或编号来源（见 README “列映射”）。", file=sys.stderr)
    return 0


def cmd_save(args: argparse.Namespace) -> int:
    from ingest.colmap import MappingError, load_profile_file

    try:
        profile = load_profile_file(args.file)
        save_profile(open_workspace(settings_from_args(args)), args.name, profile.to_json(), by=_by())
    except (MappingError, WorkspaceError, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(f"已保存列映射方案 “{args.name}”（表：{'、'.join(profile.tables)}）。", file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    rows = list_profiles(open_workspace(settings_from_args(args)))
    if args.format == "json":
        print(dumps(rows))
    elif not rows:
        print("工作区中还没有列映射方案：用 `indmap map suggest FILE --table T --save NAME` 保存一个。", file=sys.stderr)
    else:
        emit([{"方案": r["name"], "表": "、".join(r["tables"]), "修改时间": r["updated_at"][:16].replace("T", " "), "修改人": r["updated_by"]} for r in rows], "table")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    body = get_profile(open_workspace(settings_from_args(args)), args.name)
    if body is None:
        print(f"没有列映射方案 “{args.name}”（`indmap map list` 列出已有的方案）。", file=sys.stderr)
        return 2
    print(json.dumps(body, ensure_ascii=False, indent=2))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    if not delete_profile(open_workspace(settings_from_args(args)), args.name):
        print(f"没有列映射方案 “{args.name}”。", file=sys.stderr)
        return 2
    print(f"已删除列映射方案 “{args.name}”。", file=sys.stderr)
    return 0
