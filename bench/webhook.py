"""Benchmark of POST /sms/inbound: signed Twilio webhooks over real HTTP, under gunicorn.

    python bench/webhook.py --database sqlite
    python bench/webhook.py --database postgres [--postgres-url postgresql+psycopg://…/postgres]

Prints, for the same server settings and database:
- throughput: 32 concurrent senders for a fixed time, against the app and against a minimal
  Flask view that does one insert (bench/minimal_app.py), and the ratio of the two;
- latency: an open-loop load at a fixed rate (200 messages/s by default: requests leave on
  schedule whatever the answers), p50/p95/p99 measured from each request's scheduled time;
- a check that every distinct MessageSid sent was handled exactly once.

Exits 1, naming the figure and its target, when a message was not handled exactly once or when
the throughput ratio is under ``--min-ratio`` (by default 0.41: the webhook, which routes,
checks for safeguarding and replies, handles at least 0.41 messages for each request the bare
insert view answers on the same server and database).

The traffic mixes new participants, keywords (fixed replies, the demo's flows and its survey),
replies inside flow and SMS survey conversations, other messages and 10 % repeated
MessageSids.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Results,
    app_environment,
    changemakers,
    post,
    verdict,
    workdir,
)
from tests.support.databases import fresh_database  # noqa: E402
from tests.support.servers import free_port, server  # noqa: E402
from tests.support.sms import TWILIO_AUTH_TOKEN  # noqa: E402

BODIES = [
    "HELLO",
    "TIPS",
    "FRIEND",
    "KNIFE",
    "STRESS",
    "SURVEY",
    "1 3",
    "b",
    "1",
    "two",
    "signs",
    "4",
    "help",
    "hi",
    "what is this?",
    "2",
    "yes please",
    "I'm worried about my friend",
    "ok thanks",
    "STOP",
    "START",
]
REPEAT_SHARE = 0.10
NEW_PARTICIPANT_SHARE = 0.30


class Traffic:
    """Signed webhook forms: new and returning participants, 10 % repeats of earlier sids."""

    def __init__(self, url: str, seed: int = 7) -> None:
        self.url = url
        self.random = random.Random(seed)
        self.validator = RequestValidator(TWILIO_AUTH_TOKEN)
        self.sids = (f"SM{n:032x}" for n in itertools.count(1))
        self.participants: list[str] = []
        self.sent: list[tuple[bytes, dict[str, str], str]] = []
        self.distinct_sids: set[str] = set()

    def _number(self) -> str:
        if not self.participants or self.random.random() < NEW_PARTICIPANT_SHARE:
            self.participants.append(f"+4474{self.random.randrange(10**8):08d}")
            return self.participants[-1]
        return self.random.choice(self.participants)

    def __iter__(self) -> Iterator[tuple[bytes, dict[str, str], str]]:
        while True:
            if self.sent and self.random.random() < REPEAT_SHARE:
                yield self.random.choice(self.sent)
                continue
            sid = next(self.sids)
            form = {
                "MessageSid": sid,
                "AccountSid": "AC" + "0" * 32,
                "From": self._number(),
                "To": "+447700900000",
                "Body": self.random.choice(BODIES),
                "NumMedia": "0",
            }
            headers = {"X-Twilio-Signature": self.validator.compute_signature(self.url, form)}
            message = (urllib.parse.urlencode(form).encode(), headers, sid)
            self.sent.append(message)
            yield message


async def _send(
    url: urllib.parse.SplitResult,
    message: tuple[bytes, dict[str, str], str],
    since: float,
    traffic: Traffic,
    results: Results,
) -> None:
    """Post one message; its latency counts from ``since`` (its scheduled time, open loop)."""
    body, headers, sid = message
    try:
        status = await post(url.hostname, url.port, url.path, body, headers)
    except OSError:
        results.errors += 1
        return
    results.record(status, time.perf_counter() - since)
    if status == 200:
        traffic.distinct_sids.add(sid)


async def closed_loop(url: str, traffic: Traffic, connections: int, seconds: float) -> Results:
    parsed = urllib.parse.urlsplit(url)
    results = Results()
    messages = iter(traffic)
    deadline = time.perf_counter() + seconds

    async def sender() -> None:
        while time.perf_counter() < deadline:
            await _send(parsed, next(messages), time.perf_counter(), traffic, results)

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(connections)))
    results.elapsed = time.perf_counter() - started
    return results


async def open_loop(url: str, traffic: Traffic, rate: float, seconds: float) -> Results:
    parsed = urllib.parse.urlsplit(url)
    results = Results()
    messages = iter(traffic)
    tasks = []
    start = time.perf_counter()
    for n in range(int(rate * seconds)):
        scheduled = start + n / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(
            asyncio.create_task(_send(parsed, next(messages), scheduled, traffic, results))
        )
    await asyncio.gather(*tasks)
    results.elapsed = time.perf_counter() - start
    return results


def check_exactly_once(database_url: str, traffic: Traffic) -> str:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = {
            sid: status
            for sid, status in connection.execute(
                text("SELECT message_sid, status FROM inbound_messages")
            )
        }
    engine.dispose()
    missing = traffic.distinct_sids - rows.keys()
    unhandled = [sid for sid in traffic.distinct_sids if rows.get(sid) != "handled"]
    verdict = (
        "OK"
        if not missing and not unhandled and len(rows) == len(traffic.distinct_sids)
        else "FAILED"
    )
    return (
        f"{verdict}: {len(traffic.distinct_sids)} distinct MessageSids answered, "
        f"{len(rows)} rows stored, {len(missing)} missing, {len(unhandled)} not handled"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--rounds", type=int, default=4, help="alternating throughput rounds")
    parser.add_argument(
        "--min-ratio",
        type=float,
        default=0.41,
        help="target: the webhook's throughput over the minimal insert view's (default 0.41)",
    )
    args = parser.parse_args()

    with workdir() as work:
        app_db = fresh_database(args.database, args.postgres_url, work, "changemakers_bench")
        env = app_environment(app_db, work)
        changemakers("db", "upgrade", env=env)
        changemakers("demo", "--no-serve", env=env)  # the demo's keywords and flows

        minimal_db = fresh_database(args.database, args.postgres_url, work, "changemakers_minimal")
        engine = create_engine(minimal_db)
        with engine.begin() as connection:
            key = "SERIAL" if args.database == "postgres" else "INTEGER"
            connection.execute(
                text(f"CREATE TABLE bench_minimal (id {key} PRIMARY KEY, body TEXT)")
            )
        engine.dispose()

        gunicorn = [sys.executable, "-m", "gunicorn", "--workers", str(args.workers)]
        print(f"database: {args.database}; gunicorn workers: {args.workers}")

        port = free_port()
        minimal_command = [*gunicorn, "--bind", f"127.0.0.1:{port}", "bench.minimal_app:app"]
        minimal_env = {**env, "DATABASE_URL": minimal_db, "PYTHONPATH": str(Path.cwd())}
        app_port = free_port()
        serve = [
            sys.executable,
            "-m",
            "changemakers.cli",
            "serve",
            "--port",
            str(app_port),
            "--workers",
            str(args.workers),
        ]
        with (
            server(minimal_command, minimal_env, port, work / "minimal.log") as minimal_url,
            server(serve, env, app_port, work / "app.log") as url,
        ):
            minimal_traffic = Traffic(minimal_url + "/sms/inbound")
            traffic = Traffic(url + "/sms/inbound")
            # Alternate short rounds, so that a machine whose speed drifts treats both alike.
            minimal, throughput = Results(), Results()
            for _ in range(args.rounds):
                for target, load, into in (
                    (minimal_url, minimal_traffic, minimal),
                    (url, traffic, throughput),
                ):
                    round_ = asyncio.run(
                        closed_loop(
                            target + "/sms/inbound",
                            load,
                            args.connections,
                            args.seconds / args.rounds,
                        )
                    )
                    into.add(round_)
            latency = asyncio.run(open_loop(url + "/sms/inbound", traffic, args.rate, args.seconds))
            check = check_exactly_once(app_db, traffic)
        errors = [line for line in (work / "app.log").read_text().splitlines() if "ERROR" in line]

    app_rate = throughput.completed / throughput.elapsed
    minimal_rate = minimal.completed / minimal.elapsed
    print(
        f"throughput, {args.connections} concurrent senders, {args.seconds:.0f} s each "
        f"in {args.rounds} alternating rounds:"
    )
    print(f"  minimal insert view: {minimal_rate:8.0f} requests/s  statuses {minimal.statuses}")
    print(f"  /sms/inbound:        {app_rate:8.0f} messages/s  statuses {throughput.statuses}")
    print(f"  ratio:               {app_rate / minimal_rate:8.2f}")
    print(f"latency, open loop at {args.rate:.0f} messages/s for {args.seconds:.0f} s:")
    print(
        f"  p50 {latency.percentile(50) * 1000:.1f} ms  p95 {latency.percentile(95) * 1000:.1f} ms"
        f"  p99 {latency.percentile(99) * 1000:.1f} ms  max {max(latency.latencies) * 1000:.1f} ms"
        f"  statuses {latency.statuses}  connection errors {latency.errors}"
    )
    print(f"exactly once: {check}")
    print(f"server errors logged: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    missed = []
    if app_rate / minimal_rate < args.min_ratio:
        missed.append(
            f"throughput ratio {app_rate / minimal_rate:.2f} is under the target of "
            f"{args.min_ratio:.2f} (--min-ratio)"
        )
    if not check.startswith("OK"):
        missed.append(f"every MessageSid handled exactly once: {check}")
    return verdict(missed)


if __name__ == "__main__":
    sys.exit(main())
