"""Small, slow-changing tables and published content, kept in this process's memory.

Every message needs a few small tables (keywords, the signposting directory, the detector's rules);
they change only when someone publishes or saves, so a process reads each at most every couple
of seconds. Nothing here is needed by another process: each keeps its own copy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import current_app

T = TypeVar("T")

TABLES_FRESH_FOR = 2.0  # seconds a process reuses a small table it read
_CACHED_TABLES = "changemakers.cached_tables"
_PROCESS_CACHES = "changemakers.process_caches"


def read_fresh(name: str, read: Callable[[], T]) -> T:
    """A small table every message needs (keywords, the signposting directory), read at most
    every couple of seconds per process; it changes only when someone publishes. A change made
    in this process is seen at once (``forget_cached_tables``)."""
    tables = current_app.extensions.setdefault(_CACHED_TABLES, {})
    read_at, value = tables.get(name, (float("-inf"), None))
    if time.monotonic() - read_at > TABLES_FRESH_FOR:
        value = read()
        tables[name] = (time.monotonic(), value)
    return cast(T, value)


def process_cache(name: str) -> dict[Any, Any]:
    """A dict this process keeps (of things that never change once made, such as a published
    flow parsed), emptied with the tables by ``forget_cached_tables``."""
    caches = current_app.extensions.setdefault(_PROCESS_CACHES, {})
    return caches.setdefault(name, {})


def parsed_once(
    name: str, key: int, load: Callable[[], Any], parse: Callable[[Any], T]
) -> T | None:
    """Content that never changes once published (a flow's, a survey's version), parsed once
    per process; ``None`` when ``load`` finds nothing."""
    parsed = process_cache(name)
    if key not in parsed:
        content = load()
        if content is None:
            return None
        if len(parsed) >= 256:
            parsed.clear()
        parsed[key] = parse(content)
    return cast(T, parsed[key])


def forget_cached_tables() -> None:
    current_app.extensions.pop(_CACHED_TABLES, None)
    current_app.extensions.pop(_PROCESS_CACHES, None)
