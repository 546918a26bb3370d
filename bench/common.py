"""Shared by the benchmarks: the app's environment and command line as the README runs them,
and a small HTTP load generator (asyncio, one request per connection, as gunicorn's sync workers
serve them). Servers, scratch databases and the test double of Twilio come from
``tests/support``."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import Connection, text

from tests.support.sms import SERVICE_NUMBER, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN


def app_environment(database_url: str, instance: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "bench-secret",
        "PSEUDONYM_KEY": "bench-pseudonym-key",
        "CONTACT_KEY": Fernet.generate_key().decode(),
        "SMS_GATEWAY": "twilio",
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_FROM": SERVICE_NUMBER,
        # Benchmark respondents answer at a machine's pace, not a person's.
        "SURVEY_SECONDS_PER_QUESTION": "0",
    }


def completed_responses(connection: Connection, channel: str | None = None) -> int:
    """Completed survey responses stored: in the results, and waiting in the mixing pools
    (which a running worker releases in batches), read in one statement so that none is
    counted twice or missed while it moves; ``channel``: only those of one channel."""
    where = "completed_on IS NOT NULL" + (" AND channel = :channel" if channel else "")
    rows = connection.execute(
        text(
            f"SELECT 'released', CAST(count(*) AS TEXT) FROM survey_responses WHERE {where} "
            "UNION ALL SELECT 'waiting', CAST(responses AS TEXT) FROM survey_pools"
        ),
        {"channel": channel},
    ).all()
    released = next(int(value) for kind, value in rows if kind == "released")
    waiting = [item for kind, pool in rows if kind == "waiting" for item in json.loads(pool)]
    return released + sum(1 for item in waiting if channel in (None, item["channel"]))


def changemakers(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "changemakers.cli", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@contextmanager
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="changemakers-bench-") as path:
        yield Path(path)


def verdict(missed: list[str]) -> int:
    """Print each target missed (a figure, and the target it misses) or that all were met; the
    exit status: 1 if any was missed."""
    for miss in missed:
        print(f"MISSED: {miss}")
    if not missed:
        print("all targets met")
    return 1 if missed else 0


def percentile(values: list[float], p: float) -> float:
    """The ``p``th percentile (0–100, in steps of 0.1) of ``values``; NaN if there are none."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=1000, method="inclusive")[int(p * 10) - 1]


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    elapsed: float = 0.0

    def add(self, other: Results) -> None:
        """Fold another round's results into these."""
        self.latencies += other.latencies
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.errors += other.errors
        self.elapsed += other.elapsed

    def record(self, status: int, latency: float) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latencies.append(latency)

    @property
    def completed(self) -> int:
        return len(self.latencies)

    def percentile(self, p: float) -> float:
        return percentile(self.latencies, p)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # names in lower case
    cookies: dict[str, str]  # name → value, from every Set-Cookie
    body: bytes


async def request(
    host: str, port: int, method: str, target: str, headers: dict[str, str], body: bytes = b""
) -> Reply:
    """One HTTP/1.1 exchange on a connection of its own, read until the server closes it."""
    reader, writer = await asyncio.open_connection(host, port)
    head = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    if body:
        head.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    await writer.drain()
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    head_text, _, content = answer.partition(b"\r\n\r\n")
    status_line, *lines = head_text.decode("latin-1").split("\r\n")
    reply = Reply(int(status_line.split()[1]), {}, {}, content)
    for line in lines:
        name, _, value = (part.strip() for part in line.partition(":"))
        reply.headers[name.lower()] = value
        if name.lower() == "set-cookie":
            cookie_name, _, cookie_value = value.partition(";")[0].partition("=")
            reply.cookies[cookie_name] = cookie_value
    return reply


async def post(host: str, port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    """POST a form; its status."""
    form = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
    return (await request(host, port, "POST", path, form, body)).status
