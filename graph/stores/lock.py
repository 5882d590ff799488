"""One writer at a time: an OS file lock beside an embedded store.

``fcntl.flock`` on ``<store>.lock``: held for the whole write (new file,
swap) and released by the kernel when the writer exits, even after
``kill -9``, so a dead writer never blocks the next one. A second writer
polls for up to ``write_lock_wait_s`` seconds, reporting the wait through
the progress callback (step ``"wait"``), then gives up with
:class:`StoreBusy`. The Neo4j store has the same behaviour through its lease
(:mod:`graph.stores.neo4j`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path
from typing import Callable, Iterator

from graph.stores.base import ProgressFn, StoreBusy

POLL_S = 0.2


def wait_for(try_acquire: Callable[[], bool], wait_s: float, progress: ProgressFn | None, busy_message: Callable[[float], str]) -> None:
    """Call ``try_acquire`` until it succeeds or ``wait_s`` has passed (then :class:`StoreBusy`)."""
    t0 = time.monotonic()
    announced = -1
    while not try_acquire():
        waited = time.monotonic() - t0
        if waited >= wait_s:
            raise StoreBusy(busy_message(waited))
        if progress is not None and int(waited) != announced:
            announced = int(waited)
            progress("wait", announced, int(wait_s))
        time.sleep(min(POLL_S, max(wait_s - waited, 0.01)))


@contextlib.contextmanager
def file_lock(store_path: Path, wait_s: float, progress: ProgressFn | None = None) -> Iterator[None]:
    """Hold the writer lock of the embedded store at ``store_path``."""
    lock = store_path.with_name(store_path.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)

    def attempt() -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    try:
        wait_for(
            attempt,
            wait_s,
            progress,
            lambda waited: f"另一个导入正在写入 {store_path}（已等待 {waited:.0f} 秒）：本次未写入任何数据，原数据库保持不变。请等那个导入完成后再试。",
        )
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # releases the lock
