"""The analysis memo: tables derived from a view, kept in one bounded LRU beside (not on) the views.

A view never changes once built (stores hand out a new view after every ingest), so anything
derived from its tables (segment closures, presence per scope and threshold, candidate links)
can be reused by the next call. The memo used to live on the view itself and grew with every
slider value a user tried; now every entry sits in one least-recently-used cache of at most
``maxsize`` entries shared by all views, and a view's entries go when the view is garbage
collected. The view carries only a small serial number (``_memo_id``), never the entries.

Thread-safe: the app runs sessions in threads. Two threads may build the same entry at once;
both get an equal value and the cache keeps one.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections import OrderedDict
from typing import Any, Callable, Hashable

MEMO_SIZE = 256  # entries over all views: a few dozen per view for the base indexes, the rest per scope/threshold


class AnalysisMemo:
    """A bounded LRU of ``(view, key) -> value``.

    Examples
    --------
    >>> class V: pass
    >>> m, v = AnalysisMemo(maxsize=2), V()
    >>> m.get(v, "a", lambda: 1), m.get(v, "a", lambda: 2), m.get(v, "b", lambda: 3), m.get(v, "c", lambda: 4)
    (1, 1, 3, 4)
    >>> len(m), m.get(v, "a", lambda: 5)  # "a" was the least recently used: evicted, built again
    (2, 5)
    >>> del v; len(m)  # a view's entries go with it
    0
    """

    def __init__(self, maxsize: int = MEMO_SIZE) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[tuple[int, Hashable], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._serial = itertools.count(1)

    def _view_id(self, view: Any) -> int:
        vid = view.__dict__.get("_memo_id")
        if vid is None:
            with self._lock:
                vid = view.__dict__.get("_memo_id")
                if vid is None:
                    vid = next(self._serial)
                    view.__dict__["_memo_id"] = vid
                    weakref.finalize(view, self._forget, vid)
        return vid

    def _forget(self, vid: int) -> None:
        with self._lock:
            for k in [k for k in self._data if k[0] == vid]:
                del self._data[k]

    def get(self, view: Any, key: Hashable, build: Callable[[], Any]) -> Any:
        """``build()`` once per ``key`` for this view while the entry stays among the most recent."""
        k = (self._view_id(view), key)
        with self._lock:
            if k in self._data:
                self._data.move_to_end(k)
                return self._data[k]
        value = build()
        with self._lock:
            self._data[k] = value
            self._data.move_to_end(k)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def clear(self, view: Any | None = None) -> None:
        """Forget every entry (of ``view`` only, when given)."""
        if view is None:
            with self._lock:
                self._data.clear()
        elif "_memo_id" in view.__dict__:
            self._forget(view.__dict__["_memo_id"])

    def __len__(self) -> int:
        return len(self._data)


MEMO = AnalysisMemo()


def memo(view: Any, key: Hashable, build: Callable[[], Any]) -> Any:
    """``build()`` once per ``key`` for this view (the shared bounded memo, :data:`MEMO`)."""
    return MEMO.get(view, key, build)
