"""招商线索 (leads): a target followed up by an owner, with status, next step, due date, notes and an audit log.

Definitions (analysis.md, "Over time"): status 待接触 → 已接触 → 洽谈中 → 已签约 → 已落地, or
已放弃, stored as stable English keys (:data:`STATUSES`); Chinese words are accepted on input.
Overdue = due date passed (strictly before the reference date) and status not final
(:data:`FINAL`: 已落地, 已放弃). Every change of a field is an audit row (who, when, field,
before, after); notes are appended rows with author and time. A lead keeps the names it was
created with, so it stays readable when its enterprise leaves the data (it is then flagged,
never deleted).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from pydantic import BaseModel, ConfigDict, Field

from graph.i18n import LEAD_FIELD_ZH
from graph.i18n import LEAD_STATUS_ZH as STATUSES  # key -> Chinese label, in workflow order
from graph.schema import TABLES
from graph.workspace.db import UNSET as _UNSET
from graph.workspace.db import Workspace, WorkspaceError, now

FINAL = frozenset({"landed", "abandoned"})
EDITABLE = ("owner", "status", "due", "next_step")  # audited fields
MISSING_ENTERPRISE = "企业已不在当前数据中"
MISSING_SEGMENT = "环节已不在当前数据中"


class LeadNotFound(WorkspaceError):
    """No lead with that id."""


class DuplicateLead(WorkspaceError):
    """An open lead for the same enterprise and segment exists already."""

    def __init__(self, message: str, lead_id: int):
        super().__init__(message)
        self.lead_id = lead_id


class LeadConflict(WorkspaceError):
    """A field to change was changed by someone else after the editor's form showed it: nothing was written."""


class Note(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int
    at: str
    author: str
    text: str


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int
    at: str
    author: str
    field: str
    before: str | None = None
    after: str | None = None


class Lead(BaseModel):
    """One lead with its notes and audit log (oldest first)."""

    model_config = ConfigDict(extra="forbid")
    id: int
    enterprise_id: str
    enterprise_name: str | None = None
    segment_id: str
    segment_name: str | None = None
    chain_id: str | None = None
    owner: str
    status: str
    next_step: str | None = None
    due: dt.date | None = None
    created_at: str
    created_by: str
    updated_at: str
    notes: list[Note] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)

    @property
    def status_zh(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def final(self) -> bool:
        return self.status in FINAL

    def days_overdue(self, as_of: dt.date) -> int | None:
        """Days past the due date when overdue (due < as_of, status not final), else None."""
        if self.due is None or self.final or self.due >= as_of:
            return None
        return (as_of - self.due).days

    def reached_on(self, status: str) -> dt.date | None:
        """The date the lead last changed to ``status`` (from the audit log)."""
        hits = [c for c in self.changes if c.field == "status" and c.after == status]
        if not hits and self.status == status and not any(c.field == "status" for c in self.changes):
            return dt.date.fromisoformat(self.created_at[:10])
        return dt.date.fromisoformat(hits[-1].at[:10]) if hits else None


def change_text(change: Change) -> str:
    """One audit row for people.

    >>> change_text(Change(id=1, at="t", author="a", field="status", before="to_contact", after="contacted"))
    '状态：待接触 → 已接触'
    >>> change_text(Change(id=1, at="t", author="a", field="created", after="招商一科 · to_contact"))
    '创建：责任人 招商一科，状态 待接触'
    """

    def zh(v: str | None) -> str:
        return "—" if v is None else STATUSES.get(v, v)

    if change.field == "created":
        owner, _, status = (change.after or "").partition(" · ")
        return f"{LEAD_FIELD_ZH['created']}：责任人 {owner}，状态 {zh(status)}"
    return f"{LEAD_FIELD_ZH.get(change.field, change.field)}：{zh(change.before)} → {zh(change.after)}"


# ------------------------------------------------------------------ input parsing


def parse_status(text: str) -> str:
    """A status key from its key or its Chinese label.

    >>> parse_status("已签约"), parse_status("negotiating"), parse_status(" 待接触 ")
    ('signed', 'negotiating', 'to_contact')
    >>> parse_status("done")
    Traceback (most recent call last):
    ...
    ValueError: 未知状态 'done'：可用 待接触/to_contact、已接触/contacted、洽谈中/negotiating、已签约/signed、已落地/landed、已放弃/abandoned
    """
    t = (text or "").strip()
    if t in STATUSES:
        return t
    for key, zh in STATUSES.items():
        if t in (zh, zh.removeprefix("已"), zh.removesuffix("中")):
            return key
    options = "、".join(f"{zh}/{key}" for key, zh in STATUSES.items())
    raise ValueError(f"未知状态 {t!r}：可用 {options}")


def parse_due(text: str | dt.date | None) -> dt.date | None:
    """A due date from ``YYYY-MM-DD``; empty text clears it.

    >>> parse_due("2026-03-31"), parse_due("")
    (datetime.date(2026, 3, 31), None)
    >>> parse_due("31/03/2026")
    Traceback (most recent call last):
    ...
    ValueError: 日期应写成 YYYY-MM-DD，例如 2026-03-31（收到 '31/03/2026'）
    """
    if text is None or isinstance(text, dt.date):
        return text
    t = text.strip()
    if not t:
        return None
    try:
        return dt.date.fromisoformat(t)
    except ValueError:
        raise ValueError(f"日期应写成 YYYY-MM-DD，例如 2026-03-31（收到 {t!r}）") from None


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _required(value: str | None, what: str) -> str:
    v = _text(value)
    if v is None:
        raise ValueError(f"{what}不能为空")
    return v


# ------------------------------------------------------------------ reads

_LEAD_COLS = "id, enterprise_id, enterprise_name, segment_id, segment_name, chain_id, owner, status, next_step, due, created_at, created_by, updated_at"


def _leads(con, where: str = "", params: tuple = ()) -> list[Lead]:
    rows = con.execute(f"SELECT {_LEAD_COLS} FROM leads {where} ORDER BY id", params).fetchall()
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    notes: dict[int, list[Note]] = {i: [] for i in ids}
    changes: dict[int, list[Change]] = {i: [] for i in ids}
    marks = ",".join("?" * len(ids))
    for n in con.execute(f"SELECT id, lead_id, at, author, text FROM lead_notes WHERE lead_id IN ({marks}) ORDER BY id", ids):
        notes[n["lead_id"]].append(Note(id=n["id"], at=n["at"], author=n["author"], text=n["text"]))
    for c in con.execute(f"SELECT id, lead_id, at, author, field, before, after FROM lead_changes WHERE lead_id IN ({marks}) ORDER BY id", ids):
        changes[c["lead_id"]].append(Change(id=c["id"], at=c["at"], author=c["author"], field=c["field"], before=c["before"], after=c["after"]))
    return [Lead(**dict(r), notes=notes[r["id"]], changes=changes[r["id"]]) for r in rows]


def get_lead(ws: Workspace, lead_id: int) -> Lead:
    with ws.read() as con:
        found = _leads(con, "WHERE id = ?", (int(lead_id),))
    if not found:
        raise LeadNotFound(f"没有编号为 {lead_id} 的线索（用 `indmap leads list` 查看全部线索）。")
    return found[0]


def list_leads(ws: Workspace, *, owner: str | None = None, status: Iterable[str] | None = None) -> list[Lead]:
    """Leads (with notes and audit log), optionally of one owner and some statuses, by id."""
    clauses, params = [], []
    if owner:
        clauses.append("owner = ?")
        params.append(owner.strip())
    if status:
        keys = [parse_status(s) for s in status]
        clauses.append(f"status IN ({','.join('?' * len(keys))})")
        params += keys
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with ws.read() as con:
        return _leads(con, where, tuple(params))


# ------------------------------------------------------------------ writes


def add_lead(
    ws: Workspace,
    *,
    enterprise_id: str,
    segment_id: str,
    owner: str,
    author: str,
    due: str | dt.date | None = None,
    next_step: str | None = None,
    status: str = "to_contact",
    enterprise_name: str | None = None,
    segment_name: str | None = None,
    chain_id: str | None = None,
    note: str | None = None,
) -> Lead:
    """Create a lead; refuses a second open lead for the same enterprise and segment."""
    ent, seg = _required(enterprise_id, "企业编号"), _required(segment_id, "环节编号")
    owner_v, author_v = _required(owner, "责任人"), _required(author, "记录人")
    status_v, due_v = parse_status(status), parse_due(due)
    at = now()
    with ws.write() as con:
        open_ = con.execute(
            f"SELECT id FROM leads WHERE enterprise_id = ? AND segment_id = ? AND status NOT IN ({','.join('?' * len(FINAL))}) ORDER BY id LIMIT 1",
            (ent, seg, *sorted(FINAL)),
        ).fetchone()
        if open_ is not None:
            raise DuplicateLead(f"该企业在该环节已有进行中的线索 #{open_['id']}：请更新它（`indmap leads update {open_['id']} …`），不必重复建立。", open_["id"])
        cur = con.execute(
            "INSERT INTO leads(enterprise_id, enterprise_name, segment_id, segment_name, chain_id, owner, status, next_step, due, created_at, created_by, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ent, _text(enterprise_name), seg, _text(segment_name), _text(chain_id), owner_v, status_v, _text(next_step), due_v.isoformat() if due_v else None, at, author_v, at),
        )
        lead_id = int(cur.lastrowid)
        con.execute(
            "INSERT INTO lead_changes(lead_id, at, author, field, before, after) VALUES (?, ?, ?, 'created', NULL, ?)",
            (lead_id, at, author_v, f"{owner_v} · {status_v}"),
        )
        if _text(note):
            con.execute("INSERT INTO lead_notes(lead_id, at, author, text) VALUES (?, ?, ?, ?)", (lead_id, at, author_v, _text(note)))
    return get_lead(ws, lead_id)


def update_lead(
    ws: Workspace,
    lead_id: int,
    *,
    author: str,
    status: str | None = _UNSET,
    owner: str | None = _UNSET,
    due: str | dt.date | None = _UNSET,
    next_step: str | None = _UNSET,
    note: str | None = None,
    seen: dict[str, Any] | None = None,
) -> tuple[Lead, list[str]]:
    """Change fields and/or append a note in one transaction; returns the lead and the fields changed.

    Only fields that are given and differ are written, each with an audit row whose ``before`` is
    read inside the same write transaction (so concurrent updates never record a stale value).
    ``seen``: the values the editor's form showed for fields it changes; if one is stored differently
    now, nothing is written (:class:`LeadConflict`), checked inside the same transaction.
    """
    author_v = _required(author, "记录人")
    wanted: dict[str, str | None] = {}
    if status is not _UNSET:
        wanted["status"] = parse_status(status or "")
    if owner is not _UNSET:
        wanted["owner"] = _required(owner, "责任人")
    if due is not _UNSET:
        d = parse_due(due)
        wanted["due"] = d.isoformat() if d else None
    if next_step is not _UNSET:
        wanted["next_step"] = _text(next_step)
    note_v = _text(note)
    if not wanted and note_v is None:
        raise ValueError("没有要修改的内容：请给出 --status、--owner、--due、--next 或 --note 之一")
    at = now()
    changed: list[str] = []
    with ws.write() as con:
        row = con.execute(f"SELECT {', '.join(EDITABLE)} FROM leads WHERE id = ?", (int(lead_id),)).fetchone()
        if row is None:
            raise LeadNotFound(f"没有编号为 {lead_id} 的线索（用 `indmap leads list` 查看全部线索）。")
        moved = [f for f in wanted if seen and f in seen and row[f] != _stored(f, seen[f])]
        if moved:
            raise LeadConflict(f"线索 #{lead_id} 的{'、'.join(moved)}在表单打开之后已被他人修改，未保存。")
        for field, value in wanted.items():  # field names come from EDITABLE only
            if row[field] == value:
                continue
            con.execute(f"UPDATE leads SET {field} = ? WHERE id = ?", (value, int(lead_id)))
            con.execute(
                "INSERT INTO lead_changes(lead_id, at, author, field, before, after) VALUES (?, ?, ?, ?, ?, ?)",
                (int(lead_id), at, author_v, field, row[field], value),
            )
            changed.append(field)
        if note_v is not None:
            con.execute("INSERT INTO lead_notes(lead_id, at, author, text) VALUES (?, ?, ?, ?)", (int(lead_id), at, author_v, note_v))
        if changed or note_v is not None:
            con.execute("UPDATE leads SET updated_at = ? WHERE id = ?", (at, int(lead_id)))
    return get_lead(ws, lead_id), changed


def _stored(field: str, shown: Any) -> Any:
    """A value a form showed, as the leads table stores it (dates as ISO text, a blank as NULL)."""
    if field == "due":
        return shown.isoformat() if isinstance(shown, dt.date) else (shown or None)
    return _text(shown) if field == "next_step" else shown


# ------------------------------------------------------------------ presentation (pure)


def lead_record(lead: Lead, as_of: dt.date, known_enterprises: set[str] | None = None, known_segments: set[str] | None = None) -> dict[str, Any]:
    """A lead as a JSON-ready row: fields, ``overdue``/``days_overdue`` and ``flags`` against the current data.

    ``known_*`` = ids in the current graph; None when the graph could not be read (no flag then).

    >>> lead = Lead(id=1, enterprise_id="E1", segment_id="S1", owner="张三", status="contacted",
    ...     due=dt.date(2026, 1, 10), created_at="2026-01-01T09:00:00+08:00", created_by="李四",
    ...     updated_at="2026-01-01T09:00:00+08:00")
    >>> r = lead_record(lead, dt.date(2026, 1, 15), known_enterprises={"E2"}, known_segments={"S1"})
    >>> r["status_zh"], r["overdue"], r["days_overdue"], r["flags"]
    ('已接触', True, 5, ['企业已不在当前数据中'])
    """
    days = lead.days_overdue(as_of)
    flags = []
    if known_enterprises is not None and lead.enterprise_id not in known_enterprises:
        flags.append(MISSING_ENTERPRISE)
    if known_segments is not None and lead.segment_id not in known_segments:
        flags.append(MISSING_SEGMENT)
    d = lead.model_dump(mode="json")
    d.update(
        status_zh=lead.status_zh,
        overdue=days is not None,
        days_overdue=days,
        enterprise_missing=MISSING_ENTERPRISE in flags,
        flags=flags,
        last_note=lead.notes[-1].text if lead.notes else None,
    )
    return d


def sort_records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """By owner; within an owner overdue first (most days first), then open before final, due date, id."""

    def key(r: dict[str, Any]) -> tuple:
        return (
            r["owner"],
            0 if r["overdue"] else 1,
            -(r["days_overdue"] or 0),
            1 if r["status"] in FINAL else 0,
            r["due"] or "9999-12-31",
            r["id"],
        )

    return sorted(rows, key=key)


def project_row(lead: Lead) -> dict[str, str]:
    """A ``projects.csv`` row (the data contract's columns) for a signed lead, to add to the dataset.

    The stage is ``signed`` with the date the lead reached 已签约; investment, park, land and the
    planned dates are left for the bureau to fill in.
    """
    row = {c.name: "" for c in TABLES["projects"].columns}
    signed = lead.reached_on("signed") or lead.reached_on("landed")
    name = lead.enterprise_name or lead.enterprise_id
    row.update(
        id=f"LEAD-{lead.id:04d}",
        name=f"{name}·{lead.segment_name or lead.segment_id}项目",
        stage="signed",
        enterprise_id=lead.enterprise_id,
        segment_id=lead.segment_id,
        stage_date=signed.isoformat() if signed else "",
        signed_on=signed.isoformat() if signed else "",
        owner=lead.owner,
    )
    return row
