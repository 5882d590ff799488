"""A generated chain of 40 segments (deterministic), for layout and map tests: long and short
Chinese names, sub-segments, supply links inside and across stages, and one recycling loop."""

from __future__ import annotations

import random

WORDS = ["锂", "钴", "镍", "正极", "负极", "隔膜", "电解液", "铜箔", "铝箔", "石墨", "前驱体", "电芯", "模组", "电池包", "管理系统",
         "热管理", "结构件", "连接器", "传感器", "控制器", "电机", "电控", "减速器", "充电桩", "换电站", "回收", "梯次利用", "检测", "装备", "材料"]
SUFFIX = ["", "制造", "加工", "及配套", "（含精密零部件）", "与系统集成", "研发与生产"]
LABELS = ["strong", "weak", "broken", "missing"]


def chain40(seed: int = 40) -> tuple[list[dict], list[tuple[str, str]]]:
    """(segments as GapRow-like dicts, SUPPLIES pairs): 16 upstream, 12 midstream, 12 downstream; 8 are sub-segments."""
    rnd = random.Random(seed)
    segs: list[dict] = []
    stages = ["upstream"] * 16 + ["midstream"] * 12 + ["downstream"] * 12
    for i, stage in enumerate(stages):
        name = "".join(rnd.sample(WORDS, rnd.choice([1, 2, 2, 3]))) + rnd.choice(SUFFIX)
        count = rnd.choice([0, 0, 1, 2, 5, 12, 40])
        label = "missing" if count == 0 else rnd.choice(["strong", "weak"])
        segs.append(
            dict(segment_id=f"G{i:02d}", segment_name=name, stage=stage, label=label, local_count=count, local_revenue=float(count * 800),
                 above_scale_count=count // 3, candidate_count=rnd.randint(0, 30), priority=None if label == "strong" else float(rnd.randint(10, 95)),
                 key=rnd.random() < 0.2, parent_id=None)
        )  # fmt: skip
    for i in (3, 5, 9, 18, 20, 30, 33, 36):  # sub-segments of the segment before them
        segs[i]["parent_id"] = segs[i - 1]["segment_id"]
    ids = [s["segment_id"] for s in segs]
    by_stage = {st: [s["segment_id"] for s in segs if s["stage"] == st and not s["parent_id"]] for st in ("upstream", "midstream", "downstream")}
    links: set[tuple[str, str]] = set()
    for a, b in (("upstream", "midstream"), ("midstream", "downstream"), ("upstream", "upstream"), ("midstream", "midstream")):
        for _ in range(14 if a != b else 5):
            u, v = rnd.choice(by_stage[a]), rnd.choice(by_stage[b])
            if u != v and (v, u) not in links:
                links.add((u, v))
    links.add((by_stage["downstream"][-1], by_stage["upstream"][0]))  # recycling back upstream
    for s in segs:
        if s["label"] == "missing" and any(u for u, v in links if v == s["segment_id"]) and any(v for u, v in links if u == s["segment_id"]):
            s["label"] = "broken"
    assert len(ids) == 40
    return segs, sorted(links)
