"""Console queries out of process: one worker process per query, with memory and time limits.

A console query is attacker-shaped input for the database engine: a deep
expression can crash its parser (signal 11), a literal ``range`` can take
gigabytes while it is planned, before the engine's own timeout applies. So
the app's Cypher page and ``indmap query`` never run one in their own process:
:func:`run_query` first checks it with the guard (:func:`graph.guard.check_read_only`
with the limits from the settings), then starts ``python -m graph.worker``,
which

* opens the store read-only (its own handle: no lock or store object is shared
  with the pages' reads),
* limits its own address space (``RLIMIT_AS``) to what it has then plus
  ``query_memory_mb``,
* says it is ready, runs the query and sends the result back (pickled: the
  worker is this module, not the query); a result larger than
  ``query_max_result_mb`` is refused by its announced size, unread.

The parent waits ``timeout_s`` (plus one second for the engine's own timeout
to answer first) from "ready", so parsing and planning count too, then kills
the worker's process group. A worker that crashes, runs out of memory or is
killed becomes a :class:`~graph.stores.base.StoreError` with a Chinese message
for the one user who sent the query; the caller keeps serving everyone else.
"""

from __future__ import annotations

import json
import os
import pickle
import selectors
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from graph.guard import Limits, check_read_only, parameter_names
from graph.settings import Settings
from graph.stores.base import QueryFailed, QueryRefused, QueryResult, StoreError

READY = b"R"
START_TIMEOUT_S = 60.0  # interpreter start and store open, before the query's own clock starts
GRACE_S = 1.0  # the engine's own timeout answers first, with its own message
_HEADER = struct.Struct("!Q")
# the folder holding the graph package (a checkout or site-packages): the worker imports it from there
_PACKAGE_PARENT = Path(__file__).resolve().parent.parent


def _timeout_message(timeout_s: float) -> str:
    return f"查询超时（超过 {timeout_s:g} 秒，含解析与规划）已中止：请缩小范围或加 LIMIT。"


def _crash_message(code: int | None, memory_mb: int) -> str:
    if code is not None and code < 0:
        sig = -code
        name = {signal.SIGSEGV: "段错误 SIGSEGV", signal.SIGABRT: "异常终止 SIGABRT", signal.SIGKILL: "被强制结束 SIGKILL"}.get(sig, f"信号 {sig}")
        how = f"被信号 {sig} 终止（{name}）"
    else:
        how = f"异常退出（退出码 {code}）"
    return (
        f"查询进程{how}：这条查询超出了数据库引擎能处理的范围（例如表达式过深或内存超过 {memory_mb} MB）。"
        "应用和其他用户不受影响；请简化查询后重试。"
    )


def run_query(
    settings: Settings,
    cypher: str,
    params: dict[str, Any] | None = None,
    *,
    timeout_s: float | None = None,
    row_cap: int | None = None,
) -> QueryResult:
    """Run one console query in a fresh worker process; see the module docstring.

    Raises :class:`~graph.stores.base.QueryRefused` (refused before running) or
    :class:`~graph.stores.base.StoreError` (failed, timed out or crashed), both
    with Chinese messages.
    """
    text = check_read_only(cypher, Limits.from_settings(settings))
    missing = sorted(parameter_names(text) - set(params or {}))
    if missing:  # LadybugDB runs such a query with the parameter as null (0 rows, no error); Neo4j refuses it
        raise QueryFailed(f"缺少查询参数 {'、'.join('$' + m for m in missing)}：请在参数中给出查询里每个 $名称 的值（例如 chain=NEV）。")
    timeout_s = float(settings.query_timeout_s if timeout_s is None else timeout_s)
    row_cap = int(settings.query_row_cap if row_cap is None else row_cap)
    dumped = settings.model_dump(mode="json")
    dumped["neo4j_password"] = settings.neo4j_password.get_secret_value()  # over a pipe: never argv or env
    try:
        request = json.dumps({"settings": dumped, "cypher": text, "params": params or {}, "timeout_s": timeout_s, "row_cap": row_cap}, default=str)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"查询参数无法传给查询进程：{exc}") from exc
    env = dict(os.environ, MALLOC_ARENA_MAX="2", PYTHONPATH=os.pathsep.join([str(_PACKAGE_PARENT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    proc = subprocess.Popen(
        [sys.executable, "-m", "graph.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=os.getcwd(),
        start_new_session=True,  # its own process group: killed with everything it started
    )
    reader = _Reader(proc.stdout.fileno())  # type: ignore[union-attr]
    try:
        return _talk(proc, reader, request.encode("utf-8"), timeout_s, settings.query_memory_mb, settings.query_max_result_mb)
    finally:
        reader.close()
        _kill(proc)


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
    proc.wait()
    for f in (proc.stdin, proc.stdout):
        if f is not None:
            try:
                f.close()
            except OSError:
                pass


def _talk(proc: subprocess.Popen, reader: "_Reader", request: bytes, timeout_s: float, memory_mb: int, max_result_mb: int) -> QueryResult:
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(request)
        proc.stdin.close()
    except BrokenPipeError:
        pass
    ready = reader.read(1, time.monotonic() + START_TIMEOUT_S)
    if ready is None:
        raise StoreError("查询进程启动超时：机器可能过于繁忙，请稍后重试。")
    if ready != READY:  # died before opening the store
        try:
            code = proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        raise StoreError(_crash_message(code, memory_mb))
    deadline = time.monotonic() + timeout_s + GRACE_S
    head = reader.read(_HEADER.size, deadline)
    if head is None:  # still parsing, planning or running: killed by the caller
        raise StoreError(_timeout_message(timeout_s))
    size = _HEADER.unpack(head)[0] if len(head) == _HEADER.size else 0
    if size > max_result_mb * 1024 * 1024:  # never read into this process: a few huge strings within the row cap
        raise StoreError(
            f"查询结果过大（约 {size / 1024 / 1024:,.0f} MB，上限 {max_result_mb} MB），未读取：请只返回需要的列、截短长文本或加 LIMIT（设置 query_max_result_mb）。"
        )
    body = reader.read(size, time.monotonic() + 60) if size else b""
    if not body:  # end of file before a whole answer: the worker died
        try:
            code = proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        raise StoreError(_crash_message(code, memory_mb))
    kind, payload = pickle.loads(body)
    if kind == "ok":
        return payload
    if kind == "refused":
        raise QueryRefused(payload)
    if kind == "memory":
        raise StoreError(f"查询所需内存超过上限 {memory_mb} MB，已中止：请缩小范围或加 LIMIT（设置 query_memory_mb）。")
    if isinstance(payload, tuple):  # the engine's error: a Chinese message and its own text
        raise QueryFailed(*payload)
    raise StoreError(payload)


class _Reader:
    """Read exactly n bytes from a pipe before a deadline: bytes, b"" on end of file, None on timeout."""

    def __init__(self, fd: int):
        self.fd = fd
        self.sel = selectors.DefaultSelector()
        self.sel.register(fd, selectors.EVENT_READ)

    def read(self, n: int, deadline: float) -> bytes | None:
        buf = bytearray()
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not self.sel.select(left):
                return None
            chunk = os.read(self.fd, min(n - len(buf), 1 << 20))
            if not chunk:
                return bytes(buf) if buf else b""
            buf += chunk
        return bytes(buf)

    def close(self) -> None:
        self.sel.close()


# ---------------------------------------------------------------------- the worker side


def _address_space() -> int:
    """This process's current virtual memory size in bytes (Linux /proc), 0 if unknown."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _send(out, kind: str, payload: Any) -> None:
    data = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEADER.pack(len(data)) + data)
    out.flush()


def _serve() -> int:
    """The worker: read one request on stdin, answer on stdout (see :func:`run_query`).

    The store is opened first (the engine reserves its file mapping then), and
    only then is the address space limited to what it is now plus
    ``query_memory_mb``: whatever the query allocates counts against that.
    """
    import resource

    out = sys.stdout.buffer
    req = json.loads(sys.stdin.buffer.read())
    settings = Settings(**req["settings"])
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    from graph.stores import open_store

    try:
        store = open_store(settings.model_copy(update={"buffer_pool_mb": min(settings.buffer_pool_mb, max(64, settings.query_memory_mb // 2))}))
        store.open()
    except StoreError as exc:
        out.write(READY)
        _send(out, "error", str(exc))
        return 0
    if _address_space():
        limit = _address_space() + settings.query_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    out.write(READY)
    out.flush()
    try:
        res = store.query(req["cypher"], req["params"], timeout_s=req["timeout_s"], row_cap=req["row_cap"])
    except QueryRefused as exc:
        _send(out, "refused", str(exc))
    except MemoryError:
        _send(out, "memory", "")
    except StoreError as exc:
        engine = getattr(exc, "engine_text", "")
        kind = "memory" if any("bad_alloc" in t or "Buffer manager exception" in t for t in (str(exc), engine)) else "error"
        _send(out, kind, (str(exc), engine) if isinstance(exc, QueryFailed) else str(exc))
    else:
        _send(out, "ok", res)
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a subprocess by run_query
    sys.exit(_serve())
