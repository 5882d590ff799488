"""The demo builder: generates the demo city's data (示例市, fictional) around real candidate investors.

A build tool, not part of indmap's ingest: it is not shipped in the wheel. One module per part:
:mod:`~demo_builder.structure` (the authored chains), :mod:`~demo_builder.parks`,
:mod:`~demo_builder.firms` (local firms, listed candidates, their supply links),
:mod:`~demo_builder.outside` (fictional outside candidates), :mod:`~demo_builder.projects`,
:mod:`~demo_builder.peers` (neighbouring cities' parks), :mod:`~demo_builder.ties` (ties between
local firms), :mod:`~demo_builder.build` (the order, the files, the command line) and
:mod:`~demo_builder.common` (constants and helpers).

Reads the hand-authored chain structure of ``data/demo`` (industries, chains,
segments, segment_links) and the real listed-company excerpt in
``ingest/data/public``, and writes the rest of a dataset::

    python -m demo_builder --seed 20261127 --out data/demo

* ``regions.csv`` — the fictional city 示例市 (379900, under real province
  37 山东) and six counties 379901..379906 (codes that no real division uses);
* ``parks.csv``, ``park_stats.csv`` — 18 parks of four kinds (national
  mixed, provincial mixed, single-industry, 小散乱), KPIs for 2024 and 2025;
  plus the peer parks of five fictional neighbouring cities for the
  province-wide 十强/十快 (:mod:`demo_builder.peers`, its own random stream);
* ``enterprises.csv`` — fictional local firms (``L00001``…, credit codes
  with valid check characters), the real listed companies the linker
  placed on at least one segment (id = stock code, no revenue: 无数据), and
  fictional outside candidates (``C00001``…, other provinces, real county
  codes in their credit codes) with full attributes, so the target ranking's
  scale/innovation/growth/green factors and its hard gates have data to show;
* ``enterprise_segments.csv`` — fictional placements of local firms and of
  the fictional candidates (source 示例数据（虚构）) and the linker's
  placements of listed companies;
* ``supply_links.csv`` — a few fictional supply relations local↔listed and
  local↔fictional candidate, and fictional ties between local firms inside
  parks and across them (:mod:`demo_builder.ties`, its own random stream);
* ``projects.csv`` — a fictional investment pipeline in every stage;
* ``dataset.json`` — name, demo flag, description, sources, seed.

Nothing here writes a label: the gap picture comes from per-segment density
parameters drawn with the seed (chain maturity, absent segments, Poisson
counts, log-normal revenue), and the analysis computes the labels. The
fictional candidates use a random stream of their own, so they leave the
local side (and the labels) untouched. The same seed gives byte-identical
files.
"""

from __future__ import annotations

from demo_builder.build import generate, main

__all__ = ["generate", "main"]
