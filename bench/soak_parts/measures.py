"""What the soak measures: a shared clock, every answer by kind, and the restart windows."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

TWILIO_TIMEOUT = 15.0  # Twilio waits this long for an answer, then calls the fallback URL
RETRY_AFTER = 1.0  # seconds before a failed webhook or callback is first sent again
MAX_RETRY_AFTER = 16.0  # doubling each time, up to this
GIVE_UP_AFTER = 300.0  # a message still unanswered after this long counts as lost
EXPECTED = {"inbound": {200}, "status": {204}, "survey": {200, 302}, "board": {200}}
KINDS = ("inbound", "status", "survey", "board")


class Clock:
    """Seconds since the traffic started (monotonic, shared by every thread)."""

    def __init__(self) -> None:
        self.zero = time.monotonic()

    def start(self) -> None:
        self.zero = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self.zero


@dataclass
class Window:
    name: str
    start: float
    end: float = float("inf")

    def overlaps(self, started: float, ended: float) -> bool:
        return started <= self.end and ended >= self.start


@dataclass
class Failure:
    kind: str
    started: float
    ended: float
    outcome: str  # an HTTP status, "no answer" or "timeout"


class Tally:
    """Every answer of every kind: latencies of the expected ones, the rest as failures."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answered: dict[str, list[tuple[float, float]]] = {kind: [] for kind in KINDS}
        self.statuses: dict[str, Counter[int]] = {kind: Counter() for kind in KINDS}
        self.failures: list[Failure] = []

    def record(self, kind: str, started: float, ended: float, status: int, latency: float) -> None:
        with self.lock:
            self.statuses[kind][status] += 1
            if status in EXPECTED[kind]:
                self.answered[kind].append((started, latency))
            else:
                self.failures.append(Failure(kind, started, ended, str(status)))

    def fail(self, kind: str, started: float, ended: float, outcome: str) -> None:
        with self.lock:
            self.failures.append(Failure(kind, started, ended, outcome))


@dataclass
class Events:
    """The restarts: their windows, what happened, and what went wrong."""

    windows: list[Window] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def in_window(self, started: float, ended: float) -> bool:
        """Whether a request from ``started`` to ``ended`` overlaps a restart window."""
        return any(window.overlaps(started, ended) for window in self.windows)

    def steady(self, answered: list[tuple[float, float]]) -> list[float]:
        """The latencies of the answers outside every restart window."""
        return [latency for t, latency in answered if not self.in_window(t, t + latency)]
