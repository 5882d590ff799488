"""Gap history between two snapshots (analysis.md, "Over time").

Between snapshot A (before) and B (after), per segment:

* **healed** — was broken/missing in A, is weak/strong in B;
* **worsened** — was weak/strong in A, is broken/missing in B;
* **new** / **removed** — in B only / in A only;
* **persistent** — broken/missing in both (broken ↔ missing included);
* **relabelled** — any other label change (weak ↔ strong).

``first_seen`` is the date of the earliest snapshot of the unbroken run of snapshots,
ending at the one the row describes, in which that state held: for persistent and healed
rows, since when the segment has been a gap (run ending at B, resp. A); for worsened rows, B;
for new rows, when the segment first appeared (B); for removed rows, since when it had been in
the data (run ending at A); for relabelled rows, since when it had its new label (B).
A snapshot in which a segment is absent breaks its run. Completeness per chain is a series over
every snapshot up to B.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.i18n import GAP_LABEL_ZH as LABEL_ZH
from graph.workspace.snapshots import GAP_LABELS, ChainState, SegmentState, SnapshotInfo

LISTS = ("healed", "worsened", "new", "removed", "persistent", "relabelled")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HistoryRow(_Model):
    segment_id: str
    segment_name: str | None = None
    chain_id: str
    label_before: str | None = None
    label_after: str | None = None
    label_zh_before: str | None = None
    label_zh_after: str | None = None
    priority_before: float | None = None
    priority_after: float | None = None
    local_count_before: int | None = None
    local_count_after: int | None = None
    first_seen: dt.date | None = None
    first_seen_snapshot: int | None = None


class CompletenessPoint(_Model):
    snapshot_id: int
    taken_at: str
    chain_id: str
    chain_name: str | None = None
    completeness: float
    completeness_key_weighted: float


class HistoryResult(_Model):
    from_snapshot: int | None = None
    to_snapshot: int | None = None
    chain_id: str | None = None
    healed: list[HistoryRow] = Field(default_factory=list)
    worsened: list[HistoryRow] = Field(default_factory=list)
    new: list[HistoryRow] = Field(default_factory=list)
    removed: list[HistoryRow] = Field(default_factory=list)
    persistent: list[HistoryRow] = Field(default_factory=list)
    relabelled: list[HistoryRow] = Field(default_factory=list)
    snapshots: list[SnapshotInfo] = Field(default_factory=list)
    completeness: list[CompletenessPoint] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


def resolve_snapshot(snapshots: list[SnapshotInfo], text: str | int | None) -> int | None:
    """A snapshot id from an id or a date (the last snapshot taken on or before that day).

    >>> snaps = [SnapshotInfo(id=1, taken_at="2026-01-05T10:00:00+08:00", source="ingest"),
    ...          SnapshotInfo(id=2, taken_at="2026-04-01T09:00:00+08:00", source="ingest")]
    >>> resolve_snapshot(snaps, "2"), resolve_snapshot(snaps, "2026-03-31"), resolve_snapshot(snaps, None)
    (2, 1, None)
    """
    if text is None or str(text).strip() == "":
        return None
    t = str(text).strip()
    ids = {s.id for s in snapshots}
    if t.isdigit():
        if int(t) not in ids:
            raise ValueError(f"没有编号为 {t} 的快照：现有快照 {_id_list(snapshots)}")
        return int(t)
    try:
        day = dt.date.fromisoformat(t)
    except ValueError:
        raise ValueError(f"快照应写成编号（如 3）或日期 YYYY-MM-DD（收到 {t!r}）") from None
    before = [s.id for s in snapshots if s.taken_at[:10] <= day.isoformat()]
    if not before:
        raise ValueError(f"{t} 当天或之前没有快照：最早的快照是 {snapshots[0].taken_at[:10] if snapshots else '（无）'}")
    return max(before)


def _id_list(snapshots: list[SnapshotInfo]) -> str:
    return "、".join(str(s.id) for s in snapshots) or "（无）"


def compare(
    snapshots: list[SnapshotInfo],
    segments: dict[int, dict[str, SegmentState]],
    chains: dict[int, list[ChainState]],
    from_id: int | None = None,
    to_id: int | None = None,
    chain_id: str | None = None,
    labels: dict[int, dict[str, str]] | None = None,
) -> HistoryResult:
    """Compare two snapshots (default: the last two); rows per list, series of completeness.

    ``segments``/``chains`` hold the states per snapshot id (already limited to one chain when
    ``chain_id`` is given). ``labels``: each snapshot's segment labels, where the unbroken runs
    are traced back (``segments`` then needs only the two compared snapshots); by default
    taken from ``segments``.

    Examples
    --------
    >>> snaps = [SnapshotInfo(id=i, taken_at=f"2026-0{i}-01T09:00:00+08:00", source="ingest") for i in (1, 2, 3)]
    >>> seg = lambda s, lab: SegmentState(segment_id=s, chain_id="C", label=lab)
    >>> states = {1: {"A": seg("A", "missing"), "B": seg("B", "strong"), "C": seg("C", "broken")},
    ...           2: {"A": seg("A", "missing"), "B": seg("B", "strong"), "C": seg("C", "missing")},
    ...           3: {"A": seg("A", "weak"), "B": seg("B", "missing"), "C": seg("C", "broken"), "D": seg("D", "weak")}}
    >>> h = compare(snaps, states, {})
    >>> (h.from_snapshot, h.to_snapshot), [r.segment_id for r in h.healed], [r.segment_id for r in h.worsened]
    ((2, 3), ['A'], ['B'])
    >>> [(r.segment_id, str(r.first_seen)) for r in h.persistent + h.healed + h.new]
    [('C', '2026-01-01'), ('A', '2026-01-01'), ('D', '2026-03-01')]
    """
    ordered = sorted(s.id for s in snapshots)
    res = HistoryResult(chain_id=chain_id, snapshots=snapshots)
    if to_id is None:
        to_id = ordered[-1] if ordered else None
    if from_id is None and to_id is not None:
        earlier = [i for i in ordered if i < to_id]
        from_id = earlier[-1] if earlier else None
    res.from_snapshot, res.to_snapshot = from_id, to_id
    if to_id is None:
        res.warnings.append("还没有快照：每次成功导入（indmap ingest）会记录一个快照。")
        return res
    if from_id is None:
        res.warnings.append("只有一个快照：再导入一次数据后才能比较变化。")
    elif from_id >= to_id:
        raise ValueError(f"--from 快照（{from_id}）应早于 --to 快照（{to_id}）")
    taken = {s.id: s.taken_at for s in snapshots}
    res.completeness = _series(chains, taken, ordered, to_id)
    if from_id is None:
        return res
    res.warnings += _setting_warnings(next(s for s in snapshots if s.id == from_id), next(s for s in snapshots if s.id == to_id), _lineage(snapshots))
    upto = [i for i in ordered if i <= to_id]
    if labels is None:
        labels = {i: {k: v.label for k, v in states.items()} for i, states in segments.items()}
    a, b = segments.get(from_id, {}), segments.get(to_id, {})
    for sid in sorted(set(a) | set(b)):
        kind, row = _classify(a.get(sid), b.get(sid))
        if kind is None:
            continue
        anchor = to_id if kind in ("worsened", "new", "persistent", "relabelled") else from_id
        if kind == "removed":
            first = _run_start(labels, upto, from_id, sid, lambda lab: True)
        elif kind in ("persistent", "healed"):
            first = _run_start(labels, upto, anchor, sid, lambda lab: lab in GAP_LABELS)
        else:
            label = row.label_after
            first = _run_start(labels, upto, anchor, sid, lambda lab: lab == label) if kind == "relabelled" else anchor
        row.first_seen_snapshot = first
        row.first_seen = dt.date.fromisoformat(taken[first][:10])
        getattr(res, kind).append(row)
    for name in LISTS:
        rows = getattr(res, name)
        rows.sort(key=lambda r: (r.chain_id, -(r.priority_after if r.priority_after is not None else r.priority_before or -1.0), r.segment_id))
    return res


def _classify(a: SegmentState | None, b: SegmentState | None) -> tuple[str | None, HistoryRow]:
    ref = b or a
    assert ref is not None
    row = HistoryRow(
        segment_id=ref.segment_id,
        segment_name=ref.segment_name,
        chain_id=ref.chain_id,
        label_before=a.label if a else None,
        label_after=b.label if b else None,
        label_zh_before=LABEL_ZH.get(a.label, a.label) if a else None,
        label_zh_after=LABEL_ZH.get(b.label, b.label) if b else None,
        priority_before=a.priority if a else None,
        priority_after=b.priority if b else None,
        local_count_before=a.local_count if a else None,
        local_count_after=b.local_count if b else None,
    )
    if a is None:
        return "new", row
    if b is None:
        return "removed", row
    gap_a, gap_b = a.label in GAP_LABELS, b.label in GAP_LABELS
    if gap_a and not gap_b:
        return "healed", row
    if gap_b and not gap_a:
        return "worsened", row
    if gap_a and gap_b:
        return "persistent", row
    return ("relabelled" if a.label != b.label else None), row


def _run_start(labels: dict[int, dict[str, str]], ordered: list[int], anchor: int, sid: str, holds) -> int:
    """The earliest snapshot of the unbroken run ending at ``anchor`` where ``holds(label)``."""
    first = anchor
    for i in reversed([x for x in ordered if x < anchor]):
        label = labels.get(i, {}).get(sid)
        if label is None or not holds(label):
            break
        first = i
    return first


def _series(chains: dict[int, list[ChainState]], taken: dict[int, str], ordered: list[int], to_id: int) -> list[CompletenessPoint]:
    out = [
        CompletenessPoint(
            snapshot_id=i,
            taken_at=taken[i],
            chain_id=c.chain_id,
            chain_name=c.chain_name,
            completeness=c.completeness,
            completeness_key_weighted=c.completeness_key_weighted,
        )
        for i in ordered
        if i <= to_id
        for c in chains.get(i, [])
    ]
    out.sort(key=lambda p: (p.chain_id, p.snapshot_id))
    return out


def _lineage(snapshots: list[SnapshotInfo]) -> dict[int, str]:
    """Each snapshot's dataset, an upload counting as the dataset before it (it was merged into it).

    >>> snaps = [SnapshotInfo(id=1, taken_at="t", source="ingest", dataset="/data/wuhu"),
    ...          SnapshotInfo(id=2, taken_at="t", source="upload", dataset="企业.xlsx"),
    ...          SnapshotInfo(id=3, taken_at="t", source="ingest", dataset="data/demo")]
    >>> _lineage(snaps)
    {1: '/data/wuhu', 2: '/data/wuhu', 3: 'data/demo'}
    """
    out: dict[int, str] = {}
    before = None
    for snap in sorted(snapshots, key=lambda x: x.id):
        out[snap.id] = before if snap.source == "upload" and before is not None else (snap.dataset or "")
        before = out[snap.id]
    return out


def _setting_warnings(a: SnapshotInfo, b: SnapshotInfo, lineage: dict[int, str] | None = None) -> list[str]:
    out = []
    lineage = lineage or {}
    if lineage.get(a.id, a.dataset or "") != lineage.get(b.id, b.dataset or ""):
        out.append(f"两个快照来自不同的数据集：{a.dataset or '未知'} → {b.dataset or '未知'}。")
    diff = _diff(a.settings, b.settings)
    if diff:
        shown = "；".join(f"{k} {x} → {y}" for k, x, y in diff[:6])
        out.append(f"两个快照的分析设置不同（{shown}{' 等' if len(diff) > 6 else ''}）：标签变化可能来自设置，而非数据。")
    return out


def _diff(a: dict[str, Any], b: dict[str, Any], prefix: str = "") -> list[tuple[str, Any, Any]]:
    out = []
    for k in sorted(set(a) | set(b)):
        x, y = a.get(k), b.get(k)
        if isinstance(x, dict) and isinstance(y, dict):
            out += _diff(x, y, f"{prefix}{k}.")
        elif x != y:
            out.append((prefix + k, x, y))
    return out
