"""The service under soak, as it runs for real: ``changemakers serve`` (gunicorn), one
``changemakers worker``, PostgreSQL, the demo content and a board member."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from bench.common import app_environment, changemakers
from bench.soak_parts.measures import Clock, Events, Tally
from bench.soak_parts.processes import Memory, children_of, command_line
from tests.support.twilio_double import FakeTwilio

BOARD_EMAIL = "board.member@example.org"
BOARD_PASSWORD = "soak-board-member-password"


def environment(database_url: str, work: Path, twilio_url: str, base: str) -> dict[str, str]:
    """The service's settings: its database, the test double for Twilio, its own address (so
    signed webhooks validate), sending at any hour, and one trusted proxy (so each respondent
    has an address of their own)."""
    return {
        **app_environment(database_url, work),
        "TWILIO_API_URL": twilio_url,
        "PUBLIC_BASE_URL": base,
        "QUIET_HOURS": "00:00-00:00",  # none: send at any hour
        "TRUSTED_PROXY_COUNT": "1",  # each respondent has an address of their own
    }


def prepare(env: dict[str, str]) -> None:
    """Migrations, the demo content and a board member, as the README sets a service up."""
    changemakers("db", "upgrade", env=env)
    changemakers("demo", "--no-serve", env=env)
    create_board_member(env)


def wait_until_ready(base: str, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not ready(base):
        if time.monotonic() > deadline:
            output = log.read_text(errors="replace")
            raise SystemExit(f"the service is not ready after {seconds:.0f} s:\n{output[-3000:]}")
        time.sleep(0.2)


class OutboxWorker:
    def __init__(self, env: dict[str, str], log: Path, memory: Memory) -> None:
        self.env = env
        self.log = log
        self.memory = memory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "changemakers.cli", "worker"],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=output,
            )
        self.memory.track("outbox worker", self.process.pid)

    def stop(self, how: str = "term") -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGKILL if how == "kill" else signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def gunicorn_master() -> int:
    """The ``changemakers serve`` process this soak started (gunicorn's arbiter)."""
    for pid in children_of(os.getpid()):
        if " serve " in command_line(pid) + " ":
            return pid
    raise SystemExit("cannot find the changemakers serve process")


def ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def create_board_member(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "changemakers.cli", "users", "create"]
        + ["--email", BOARD_EMAIL, "--role", "board", "--password-stdin"],
        env=env,
        input=BOARD_PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
        timeout=300,
    )


@dataclass
class Run:
    """One soak: its options, the service (address, database, outbox worker), the test double
    of Twilio, and what it measures."""

    args: argparse.Namespace
    base: str
    engine: Engine
    fake: FakeTwilio
    worker: OutboxWorker
    memory: Memory
    clock: Clock
    tally: Tally = field(default_factory=Tally)
    events: Events = field(default_factory=Events)
