"""Building many long-lived objects at once (a 100k-case import, a big run.json) without paying the cyclic
garbage collector for it.

CPython collects after every 700 new container objects, and each older-generation pass walks everything
still alive: while 100k test cases are built, most collections find nothing (the cases and their dicts
hold no cycles) yet cost a quarter of the time. The collector is off for the duration of the block and
back on (if it was on) after it; nothing is lost, since anything unreachable is collected at the next pass.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Suspend the cyclic garbage collector inside the block (reference counting still frees memory)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
