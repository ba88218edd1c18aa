"""Values derived from files (a parsed run.json, a verification), kept until one of the files changes.

The dashboard reads run directories that runs may still be writing: a value is recomputed when the size
or modification time of any file it came from changes, or when it is older than ``max_age`` (a
verification also depends on files deep in the run directory). The cache is bounded (least recently used
first out) and shared by the server's worker threads.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")
_Stamp = tuple[tuple[int, int], ...]


def _stamp(paths: Sequence[Path]) -> _Stamp:
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
            stamps.append((stat.st_mtime_ns, stat.st_size))
        except OSError:
            stamps.append((-1, -1))
    return tuple(stamps)


class FileCache(Generic[T]):
    def __init__(self, size: int, max_age: float | None = None) -> None:
        self._size = size
        self._max_age = max_age
        self._items: OrderedDict[tuple[Path, ...], tuple[_Stamp, float, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, paths: Sequence[Path], load: Callable[[], T]) -> T:
        """The value for ``paths``, from ``load()`` when there is none yet or a file changed.

        Exceptions of ``load`` propagate and nothing is kept.
        """
        key = tuple(paths)
        stamp = _stamp(key)
        now = time.monotonic()
        with self._lock:
            found = self._items.get(key)
            if found is not None and found[0] == stamp and (self._max_age is None or now - found[1] < self._max_age):
                self._items.move_to_end(key)
                return found[2]
        value = load()  # outside the lock: a slow load must not hold up other pages
        with self._lock:
            self._items[key] = (stamp, now, value)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value
