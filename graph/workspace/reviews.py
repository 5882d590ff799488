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

from graph.workspace.db import UNSET, Workspace, now

DECISIONS = ("accept", "reject", "move", "undo")


class ReviewConflict(ValueError):
    """Another decision on the pair was made after the reviewer's page showed it: nothing was written."""

    def __init__(self, message: str, latest: "Review | None"):
        super().__init__(message)
        self.latest = latest


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
    seen: int | None | object = UNSET,
) -> Review:
    """Append one decision; returns it.

    ``seen`` is the id of the pair's latest decision (``undo`` included) the reviewer's page showed, None
    when it showed none: if another decision was made since, nothing is written and :class:`ReviewConflict`
    names it (two editors deciding the same link at once: the second is told, not silently in force).
    """
    if decision not in DECISIONS:
        raise ValueError(f"审核结论应为 {', '.join(DECISIONS)} 之一，而不是 {decision!r}。")
    if decision == "move" and (not to_segment_id or to_segment_id == segment_id):
        raise ValueError("改挂需要一个不同的目标环节。")
    if not (reviewer or "").strip():
        raise ValueError("审核需要记录审核人。")
    with ws.write() as con:
        if seen is not UNSET:
            _check_latest(con, enterprise_id, segment_id, seen)
        cur = con.execute(
            f"INSERT INTO link_reviews({_COLS.replace('id, ', '', 1)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (enterprise_id, segment_id, decision, to_segment_id if decision == "move" else None, enterprise_name, segment_name, reviewer.strip(), now(), note),
        )
        row = con.execute(f"SELECT {_COLS} FROM link_reviews WHERE id = ?", (cur.lastrowid,)).fetchone()
    return Review(**dict(row))


def _check_latest(con, enterprise_id: str, segment_id: str, seen) -> None:
    from graph.i18n import REVIEW_DECISION_ZH

    row = con.execute(
        f"SELECT {_COLS} FROM link_reviews WHERE enterprise_id = ? AND segment_id = ? ORDER BY id DESC LIMIT 1", (enterprise_id, segment_id)
    ).fetchone()
    if row is None or row["id"] == seen:  # none at all: nobody's decision is overridden (a workspace restored meanwhile)
        return
    r = Review(**dict(row))
    to = f"到 {r.to_segment_id}" if r.to_segment_id else ""
    raise ReviewConflict(
        f"未保存：{r.enterprise_name or r.enterprise_id} 在该环节的挂接已由 {r.reviewer} 于 {r.at[:16].replace('T', ' ')} "
        f"审核为「{REVIEW_DECISION_ZH.get(r.decision, r.decision)}{to}」（在你打开页面之后）。页面已显示最新结论，如仍要改，请再点一次。",
        r,
    )


def review_log(ws: Workspace) -> list[Review]:
    """Every decision ever made, oldest first."""
    with ws.read() as con:
        return [Review(**dict(r)) for r in con.execute(f"SELECT {_COLS} FROM link_reviews ORDER BY id")]


def current_reviews(ws: Workspace) -> list[Review]:
    """The decision in force per (enterprise, segment): the latest one, unless it was an ``undo``."""
    return reviews_in_force(ws)[0]


def reviews_in_force(ws: Workspace) -> tuple[list[Review], int | None]:
    """:func:`current_reviews` and the id of the last decision they take into account (None: none yet), from one read.

    An ingest records that id with what it applied, so the 挂接审核 page counts as not yet applied exactly the
    decisions made after the ingest read them (a decision made while a long ingest ran is not taken for applied).
    """
    log = review_log(ws)
    latest: dict[tuple[str, str], Review] = {}
    for r in log:
        latest[(r.enterprise_id, r.segment_id)] = r
    return [r for r in latest.values() if r.decision != "undo"], (log[-1].id if log else None)
