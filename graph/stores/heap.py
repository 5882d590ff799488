"""Returning freed C-heap memory to the system after the engine's bulk work; the Python heap's collector."""

from __future__ import annotations

import ctypes
import gc
import ctypes.util
from typing import Any

_LIBC: Any = None  # the C library once loaded; False where it has no malloc_trim / mallopt

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)

#: blocks of this size or larger get a mapping of their own (:func:`map_large_blocks`)
LARGE_BLOCK = 1 << 20


def _libc() -> Any:
    global _LIBC
    if _LIBC is None:
        try:
            _LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _LIBC.malloc_trim.argtypes = [ctypes.c_size_t]
            _LIBC.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim or tune
            _LIBC = False
    return _LIBC


def map_large_blocks(size: int = LARGE_BLOCK) -> bool:
    """Have glibc give every block of ``size`` bytes or more a mapping of its own, unmapped when freed
    (``mallopt(M_MMAP_THRESHOLD)``); False where there is no glibc.

    By default glibc raises that threshold (up to 32 MB) each time a mapped block is freed, and its
    trim threshold to twice that: after the CSV reader's 16 MB pieces, blocks up to 32 MB come from
    the heap, and the heap of a second thread (the two-phase ingest validates its last tables in the
    thread writing the Parquet parts) keeps up to 32 MB free at its top, which :func:`trim_heap` does
    not return (it shrinks the top of the main heap only). Measured at 1M enterprises: 17 MB more
    resident from the second phase to the end of the run (the snapshot, where the peak is); gone with
    this. Setting it fixes both thresholds (trim at glibc's 128 KB default). Process-wide: for a
    one-shot command (``indmap ingest``).

    >>> isinstance(map_large_blocks(), bool)
    True
    """
    libc = _libc()
    return bool(libc) and bool(libc.mallopt(M_MMAP_THRESHOLD, size))


def trim_heap() -> bool:
    """Give the C heap's free pages back to the system (glibc ``malloc_trim``); False where there is none.

    The engine allocates with the C library's malloc, which keeps freed memory for reuse: after
    a 1M-enterprise write about 270 MB of it stayed resident, on top of everything the ingest
    did next (measured; polars uses jemalloc, returned at once with the CLI's decay settings).

    >>> isinstance(trim_heap(), bool)
    True
    """
    libc = _libc()
    return bool(libc) and bool(libc.malloc_trim(0))


def freeze_imports() -> None:
    """Leave every object alive now out of the cyclic garbage collector's passes (:func:`gc.freeze`).

    For a process that ends as soon as its command is done (``cli.exit_now``: ``indmap ingest``),
    called once the command's modules are imported; they live until then anyway. The ingest's own
    collections (the validation's leftovers, before the largest copies and before the snapshot) then
    walk the objects made since (~17k at 1M enterprises) instead of ~92k with every module's: the
    run's collections took 0.06 s instead of 0.48-0.59 s, some of it before the engine's first copy
    and after its last (measured 2026-11-29 20:27, load 5-6). Never in a long-lived process (tests,
    the app): what is frozen is never collected.
    """
    gc.freeze()
