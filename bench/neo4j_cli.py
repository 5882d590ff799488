"""`indmap gaps` / `indmap targets` as processes on the embedded store and on Neo4j loaded with the same data.

Issue 16's goal: on Neo4j at 100k each command takes ≤ 2× the embedded store's time, with identical answers.
The answers are the commands' parsed JSON, compared with the helper the networkx check uses
(bench/compare.py: ``diff``); a difference shows "answers differ" and the goal is not met.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.compare import diff
from bench.measure import PY, Bench, Figure, first_segment, med, run_child

RATIO_GOAL = 2.0


def _timed(argv: list[str], runs: int) -> tuple[float, object]:
    walls, answer = [], None
    for _ in range(runs):
        r = run_child(argv, timeout=1800)
        if r.rc != 0:
            raise RuntimeError(f"{' '.join(argv[2:])} failed (exit {r.rc}): {r.stderr[-600:]}")
        walls.append(r.wall)
        answer = json.loads(r.stdout)
    return med(walls), answer


def run(b: Bench, size: str, d: Path, store: Path, runs: int) -> None:
    """Add one figure per command: Neo4j wall time, the embedded store's as the baseline, their ratio."""
    _, seg = first_segment(d)
    commands = {"gaps": ["gaps"], "targets": ["targets", "--segment", seg]}
    for key, args in commands.items():
        name = f"`indmap {' '.join(args)} --format json` as a process on Neo4j vs embedded"
        try:
            emb_s, emb = _timed([PY, "-m", "cli", *args, "--format", "json", "--store", str(store)], runs)
            neo_s, neo = _timed([PY, "-m", "cli", *args, "--format", "json", "--store", b.neo4j_uri], runs)
        except Exception as exc:  # noqa: BLE001 - reported as not measured, the run goes on
            b.add(Figure("neo4j_cli:" + key, name, size, None, "s", goal=f"≤ {RATIO_GOAL:g}× embedded, identical answers", note=f"not measured: {exc}"[:400]))
            b.failures.append(f"{size} neo4j_cli {key}: {type(exc).__name__}: {str(exc)[:300]}")
            continue
        problems = diff(emb, neo)
        if problems:
            b.failures.append(f"{size}: `indmap {key}` answers differ between embedded and Neo4j: {problems[:3]}")
        ratio = neo_s / emb_s
        b.add(
            Figure(
                "neo4j_cli:" + key, name, size, neo_s, "s", emb_s, "same command on the embedded store (same data)", None if problems else ratio, "of baseline",
                f"≤ {RATIO_GOAL:g}× embedded, identical answers", (not problems) and ratio <= RATIO_GOAL, runs,
                "ANSWERS DIFFER: " + "; ".join(problems[:3]) if problems else "identical answers (parsed JSON compared)", bool(problems),
            )
        )
