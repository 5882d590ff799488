"""The content of a report, independent of its file format.

A :class:`Report` is a title, a few lines under it and a list of blocks; the
Word and PDF writers (:mod:`reports.docx_writer`, :mod:`reports.pdf_writer`)
render the same blocks, so both files say the same thing. Every text is already
written for people (Chinese, units, rounding) when it gets here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass
class Heading:
    text: str
    level: int = 1  # 1 section, 2 sub-section


@dataclass
class Para:
    text: str
    style: str = "body"  # body | note (small, grey) | alert (red, e.g. the demo-data notice)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative column widths (any scale)
    align: list[str] | None = None  # "L" | "R" | "C" per column; default left
    empty: str = "无"  # shown in a single row when there are no rows


@dataclass
class Image:
    png: bytes
    width_cm: float
    height_cm: float
    caption: str = ""


@dataclass
class PageBreak:
    pass


Block = Union[Heading, Para, Table, Image, PageBreak]


@dataclass
class Report:
    title: str
    subtitle: list[str] = field(default_factory=list)  # lines under the title (scope, dates)
    blocks: list[Block] = field(default_factory=list)
    landscape: bool = False

    def add(self, *blocks: Block) -> "Report":
        self.blocks.extend(blocks)
        return self

    def text(self) -> str:
        """Every text of the report, one block per line (what a reader can search for)."""
        out = [self.title, *self.subtitle]
        for b in self.blocks:
            if isinstance(b, (Heading, Para)):
                out.append(b.text)
            elif isinstance(b, Table):
                out.append(" | ".join(b.headers))
                out.extend(" | ".join(r) for r in b.rows)
            elif isinstance(b, Image) and b.caption:
                out.append(b.caption)
        return "\n".join(out)
