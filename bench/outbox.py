"""Benchmark of the outbox: a broadcast to many participants, drained by real workers.

    python bench/outbox.py --database postgres [--participants 100000] [--workers 2]

Prints how fast a broadcast is written to the outbox (rows/s, in batches as the worker writes
it) and how fast ``changemakers worker`` processes send it through the test double of Twilio's
REST API (messages/s), with the double answering after ``--latency`` seconds, as the real API
does after a short network trip. Afterwards it checks every message was sent exactly once, and
exits 1, naming the figure and its target, when one was written or sent other than once.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import app_environment, changemakers, verdict, workdir  # noqa: E402
from tests.support.databases import fresh_database  # noqa: E402
from tests.support.twilio_double import fake_twilio_process  # noqa: E402

PUBLIC_BASE_URL = "https://changemakers.example"


def seed(app, participants: int) -> None:  # type: ignore[no-untyped-def]
    """Participants who texted UPDATES, and one approved broadcast being sent."""
    from changemakers import privacy
    from changemakers.extensions import db
    from messages.models import Broadcast, BroadcastStatus, Contact

    with app.app_context():
        now = datetime.now(UTC)
        rows = []
        for n in range(participants):
            number = f"+4474{n:08d}"
            rows.append(
                {
                    "pseudonym": privacy.pseudonym(number),
                    "number_encrypted": privacy.encrypt_number(number),
                    "opted_out": False,
                    "in_conversation": False,
                    "wants_updates": True,
                    "language": "en",
                    "first_seen_at": now,
                    "last_seen_at": now,
                }
            )
            if len(rows) == 10_000:
                db.session.execute(insert(Contact), rows)
                rows = []
        if rows:
            db.session.execute(insert(Contact), rows)
        db.session.add(
            Broadcast(body="News from Changemakers: thank you!", status=BroadcastStatus.SENDING)
        )
        db.session.commit()
        db.session.remove()


def enqueue(app) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    from changemakers.extensions import db
    from messages import broadcasts

    with app.app_context():
        started = time.perf_counter()
        written = 0
        while batch := broadcasts.enqueue_next_batch(datetime.now(UTC)):
            written += batch
        elapsed = time.perf_counter() - started
        db.session.remove()
    return written, elapsed


def unsettled(app) -> int:  # type: ignore[no-untyped-def]
    from changemakers.extensions import db
    from messages.models import OutboundMessage, OutboxStatus

    with app.app_context():
        try:
            return (
                db.session.scalar(
                    select(func.count()).where(
                        OutboundMessage.status.in_(
                            [OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.UNKNOWN]
                        )
                    )
                )
                or 0
            )
        finally:
            db.session.remove()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8, help="sends in flight per worker")
    parser.add_argument("--latency", type=float, default=0.02, help="the API's answer time (s)")
    args = parser.parse_args()

    with workdir() as base, fake_twilio_process("--latency", str(args.latency)) as (_, fake):
        url = fresh_database(args.database, args.postgres_url, base, "changemakers_outbox_bench")
        env = {
            **app_environment(url, base),
            "TWILIO_API_URL": fake,
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "QUIET_HOURS": "00:00-00:00",  # none: measure at any hour
        }
        changemakers("db", "upgrade", env=env)
        os.environ.update(env)
        from changemakers import create_app

        app = create_app()
        print(f"seeding {args.participants} participants who asked for updates…", flush=True)
        seed(app, args.participants)

        written, seconds = enqueue(app)
        print(f"enqueue: {written} rows in {seconds:.2f} s = {written / seconds:,.0f} rows/s")

        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "changemakers.cli", "worker"]
                + ["--concurrency", str(args.concurrency)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=(base / f"worker-{n}.log").open("w"),
            )
            for n in range(args.workers)
        ]
        started = time.perf_counter()
        try:
            while left := unsettled(app):
                time.sleep(0.5)
                print(f"\r  {written - left} sent", end="", flush=True)
            elapsed = time.perf_counter() - started
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                worker.wait(timeout=60)
        print(
            f"\nsend: {written} messages with {args.workers} workers in {elapsed:.1f} s = "
            f"{written / elapsed:,.0f} messages/s (API latency {args.latency * 1000:.0f} ms)"
        )
        with urllib.request.urlopen(f"{fake}/_fake/messages", timeout=120) as response:
            sent = json.load(response)
        per_message = Counter(
            parse_qs(urlsplit(m["status_callback"]).query)["outbox"][0] for m in sent
        )
        twice = sum(1 for count in per_message.values() if count > 1)
        unsent = written - len(per_message)
        print(
            f"check: {len(per_message)} distinct messages sent, {twice} sent more than once, "
            f"{unsent} not sent"
        )
    missed = []
    if written != args.participants:
        missed.append(
            f"messages written: {written}, the target is one for each of the "
            f"{args.participants} participants"
        )
    if twice:
        missed.append(f"messages sent more than once: {twice}, the target is none")
    if unsent:
        missed.append(f"messages not sent: {unsent}, the target is none")
    return verdict(missed)


if __name__ == "__main__":
    sys.exit(main())
