"""The ``indmap`` command line: one sub-command module per area.

Each module in ``COMMAND_MODULES`` exposes ``register(subparsers)``; every
command sets ``func(args) -> int``. Exit codes: 0 clean (or warnings only),
1 data errors, 2 usage error, refused query or crash, 3 the store could not be
written (busy, disk full; nothing written).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# polars' allocator (jemalloc) keeps freed pages for 0.5 s (dirty) and 1 s (muzzy) by default; an
# ingest frees one table's text and typed copies after another, and those kept pages added to its
# peak memory. Measured at 1M enterprises (2026-11-29, `indmap ingest`, load 1-2): polars' default
# 10.5 s and 1.13-1.17 GB; pages returned at once (0/0) 12.8 s and 0.90 GB (every freed page
# faulted in again); dirty pages kept 50 ms, none muzzy 10.5 s and 0.93 GB. Set before polars is
# first imported (polars appends this to its own default, so these win; a setting in the
# environment wins over both).
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:50,muzzy_decay_ms:0")

COMMAND_MODULES = ["cli.core", "cli.analysis", "cli.parks", "cli.link", "cli.export", "cli.report", "cli.leads", "cli.history", "cli.users", "cli.mapping"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="indmap",
        description="招商产业链图谱 — industry-map knowledge graph for investment promotion.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a command module not built yet
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    # a command from the command line that ends the process at once (exit_now): it may freeze its heap
    args.process_ends = argv is None and getattr(args, "fast_exit", False)
    try:
        code = int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("已中断 (interrupted)", file=sys.stderr)
        return 2
    except Exception as exc:  # crash: exit 2 with a one-line message; traceback with INDMAP_DEBUG=1
        import os
        import traceback

        if os.environ.get("INDMAP_DEBUG"):
            traceback.print_exc()
        print(f"错误 (error): {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if args.process_ends:
        exit_now(code)
    return code


def exit_now(code: int) -> None:
    """End the process at once with ``code``, its output flushed.

    For a command run from the command line (never when ``main`` is called with arguments, as
    tests do) that has finished and closed its store and workspace: the interpreter's own exit
    would free every frame and module one by one — 1–2.5 s after an ingest of 100k–1M rows on
    the shared 2 cores — and nothing is left to write by then.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
