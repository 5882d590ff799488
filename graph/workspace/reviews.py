"""Link reviews (挂接审核): a person's decision on an enterprise → segment link, kept in the workspace.

Decisions are appended rows (``link_reviews``), never edited: the latest decision on an (enterprise,
segment) pair is the one in force; ``undo`` withdraws it. Decisions: ``accept`` (确认: the link becomes
``confirmed``), ``reject`` (否决: the link is dropped, and the linker may not propose it again), ``move``
(改挂: the link is dropped and the enterprise placed on ``to_segment_id`` instead, ``confirmed``).

They are applied at every ingest (:func:`ingest.pipeline.apply_reviews`), so they survive a re-link, a
re-upload and a restore: the dataset's own files are never edited, the reviews are the bureau's own file.
"""

from __future__ import annotations

from pydantic import BaseModel

from graph.workspace.db import Workspace, now

DECISIONS = ("accept", "reject", "move", "undo")


class Review(BaseModel):
    id: int
    enterprise_id: str
    segment_id: str
    decision: str
    to_segment_id: str | None = None
    enterprise_name: str | None = None
    segment_name: str | None = None
    reviewer: str
    at: str
    note: str | None = None

    @property
    def day(self) -> str:
        return self.at[:10]


_COLS = "id, enterprise_id, segment_id, decision, to_segment_id, enterprise_name, segment_name, reviewer, at, note"


def add_review(
    ws: Workspace,
    enterprise_id: str,
    segment_id: str,
    decision: str,
    *,
    reviewer: str,
    to_segment_id: str | None = None,
    enterprise_name: str | None = None,
    segment_name: str | None = None,
    note: str | None = None,
) -> Review:
    """Append one decision; returns it."""
    if decision not in DECISIONS:
        raise ValueError(f"审核结论应为 {', '.join(DECISIONS)} 之一，而不是 {decision!r}。")
    if decision == "move" and (not to_segment_id or to_segment_id == segment_id):
        raise ValueError("改挂需要一个不同的目标环节。")
    if not (reviewer or "").strip():
        raise ValueError("审核需要记录审核人。")
    with ws.write() as con:
        cur = con.execute(
            f"INSERT INTO link_reviews({_COLS.replace('id, ', '', 1)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (enterprise_id, segment_id, decision, to_segment_id if decision == "move" else None, enterprise_name, segment_name, reviewer.strip(), now(), note),
        )
        row = con.execute(f"SELECT {_COLS} FROM link_reviews WHERE id = ?", (cur.lastrowid,)).fetchone()
    return Review(**dict(row))


def review_log(ws: Workspace) -> list[Review]:
    """Every decision ever made, oldest first."""
    with ws.read() as con:
        return [Review(**dict(r)) for r in con.execute(f"SELECT {_COLS} FROM link_reviews ORDER BY id")]


def current_reviews(ws: Workspace) -> list[Review]:
    """The decision in force per (enterprise, segment): the latest one, unless it was an ``undo``."""
    latest: dict[tuple[str, str], Review] = {}
    for r in review_log(ws):
        latest[(r.enterprise_id, r.segment_id)] = r
    return [r for r in latest.values() if r.decision != "undo"]
