"""The processes the soak watches, read from /proc: children, CPU time and resident memory."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bench.soak_parts.measures import Clock

TICK = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024


def children_of(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time used so far, or None once the process has gone."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK


def rss(pid: int) -> int | None:
    """Resident memory in bytes, or None once the process has gone."""
    try:
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@dataclass
class Tracked:
    label: str
    pid: int
    born: float  # when it was first seen, on the soak's clock
    samples: list[tuple[float, int]] = field(default_factory=list)
    ended: float | None = None
    cpu_at_birth: float = 0.0
    cpu: float = 0.0  # seconds used since it was first seen (or since the traffic started)


class Memory:
    """Samples the resident memory of the web processes and the outbox worker."""

    def __init__(self, clock: Clock, warmup: float) -> None:
        self.clock = clock
        self.warmup = warmup
        self.lock = threading.Lock()
        self.tracked: dict[int, Tracked] = {}

    def track(self, label: str, pid: int) -> None:
        with self.lock:
            if pid not in self.tracked:
                process = Tracked(label, pid, max(self.clock.now(), 0.0))
                process.cpu_at_birth = cpu_seconds(pid) or 0.0
                self.tracked[pid] = process

    def sample(self) -> None:
        now = self.clock.now()
        with self.lock:
            for process in self.tracked.values():
                if process.ended is not None:
                    continue
                size, used = rss(process.pid), cpu_seconds(process.pid)
                if size is None or used is None:
                    process.ended = now
                else:
                    process.samples.append((now, size))
                    process.cpu = used - process.cpu_at_birth

    def born_now(self) -> None:
        """The processes already running count as born when the traffic starts."""
        with self.lock:
            for process in self.tracked.values():
                process.born = 0.0
                process.cpu_at_birth = cpu_seconds(process.pid) or 0.0

    def start_of(self, process: Tracked) -> tuple[float, int] | None:
        """The first sample after the process's warm-up."""
        after = process.born + self.warmup
        return next(((t, s) for t, s in process.samples if t >= after), None)

    def span(self, process: Tracked) -> tuple[tuple[float, int], tuple[float, int]] | None:
        """The first sample after the warm-up and the last one, as (seconds, bytes); None for a
        process too short-lived to measure."""
        start = self.start_of(process)
        last = process.samples[-1] if process.samples else None
        if start is None or last is None or last[0] <= start[0]:
            return None
        return start, last


async def sampler(memory: Memory, master: int, until: asyncio.Event) -> None:
    """Every 5 s: the memory of each process, and any web worker gunicorn has started."""
    while not until.is_set():
        for pid in await asyncio.to_thread(children_of, master):
            memory.track("web worker", pid)
        await asyncio.to_thread(memory.sample)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(until.wait(), 5)
