"""Benchmarks at city, province and national scale, each beside its baseline in the same run.

``python -m bench --quick`` (CI smoke run), ``python -m bench --full --write-docs`` (docs/benchmarks.md);
``python -m bench.generate --size 100k --out DIR --seed 1`` writes a synthetic dataset. See docs/benchmarks.md.
"""

import os

#: the allocator setting of the shell that started the bench, read before anything here imports
#: polars: polars writes its own default into ``_RJEM_MALLOC_CONF`` when imported, and children
#: inheriting that would run ``indmap`` with another allocator setting than a user's shell gives it
#: (measured at 1M: +0.23 GB peak, -2 s) — :func:`bench.measure.run_child` passes this one on instead.
USER_MALLOC_CONF = os.environ.get("_RJEM_MALLOC_CONF")
