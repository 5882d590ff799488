"""Benchmarks at city, province and national scale, each beside its baseline in the same run.

``python -m bench --quick`` (CI smoke run), ``python -m bench --full --write-docs`` (docs/benchmarks.md);
``python -m bench.generate --size 100k --out DIR --seed 1`` writes a synthetic dataset. See docs/benchmarks.md.
"""
